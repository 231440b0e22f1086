//! Engine errors. Each carries what a user needs to fix the input: the file with line
//! and column, or the database URL with its password removed.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed or unsupported input (exit code 2).
    #[error("{location}: {message}")]
    Parse { location: Location, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Bad arguments or a source spec that names nothing usable (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The database could not be reached or refused a statement (exit code 4).
    #[error("{url}: {message}")]
    Database { url: String, message: String },
    /// A likely rename needs an answer before a plan can be made, or detection found several
    /// schemas and nothing says which (exit code 3).
    #[error("{0}")]
    Question(String),
    /// A program migen runs (git, node, python) is not installed or cannot start (exit code 5):
    /// the machine lacks something, the input is fine.
    #[error("{0}")]
    Tool(String),
    /// The terminal could not be set up, read or drawn on (exit code 6).
    #[error("terminal: {0}")]
    Terminal(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Parse { .. } | Error::Io { .. } | Error::Usage(_) => 2,
            Error::Question(_) => 3,
            Error::Database { .. } => 4,
            Error::Tool(_) => 5,
            Error::Terminal(_) => 6,
        }
    }

    /// `program` could not be started for `purpose`: a missing tool says what to install.
    pub fn tool(program: &str, purpose: &str, install: &str, error: &std::io::Error) -> Error {
        if error.kind() == std::io::ErrorKind::NotFound {
            Error::Tool(format!(
                "{purpose} needs `{program}`, which is not installed or not on PATH: install {install}"
            ))
        } else {
            Error::Tool(format!(
                "{purpose} needs `{program}`, which cannot start ({error}): check {install}"
            ))
        }
    }

    pub fn parse(file: &str, line: u64, column: u64, message: impl Into<String>) -> Error {
        Error::Parse {
            location: Location {
                file: file.to_string(),
                line,
                column,
            },
            message: message.into(),
        }
    }

    pub fn database(url: &str, message: impl fmt::Display) -> Error {
        Error::Database {
            url: redact_url(url),
            message: message.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A database URL safe to print: the password is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
