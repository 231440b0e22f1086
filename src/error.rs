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

/// A database URL safe to print: the password, and the value of any query parameter that names a
/// secret, become `***`. Written by hand rather than through a URL parser, because the URLs that
/// most need it are the ones a parser refuses (an unencoded `#` or `/` in the password).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return redact_query(url);
    };
    let (scheme, rest) = url.split_at(scheme_end + 3);
    let mut out = scheme.to_string();
    // A host never holds an `@`, a password may hold anything: the user part ends at the last
    // `@`. An `@` in the query makes this redact too much, never too little.
    let after_user = match rest.rfind('@') {
        Some(at) => {
            let user = &rest[..at];
            match user.find(':') {
                Some(colon) => {
                    out.push_str(&user[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(user),
            }
            out.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    out.push_str(&redact_query(after_user));
    out
}

/// `text` with the value of every `key=value` whose key names a secret replaced by `***`.
fn redact_query(text: &str) -> String {
    let Some(start) = text.find('?') else {
        return text.to_string();
    };
    let (path, query) = text.split_at(start + 1);
    let parameters: Vec<String> = query
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((key, _)) if names_a_secret(key) => format!("{key}=***"),
            _ => parameter.to_string(),
        })
        .collect();
    format!("{path}{}", parameters.join("&"))
}

fn names_a_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["pass", "pwd", "secret", "token"]
        .iter()
        .any(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn no_form_of_url_prints_its_password() {
        for url in [
            "postgres://u:S3c#ret@localhost/db",
            "postgres://u:S3c%23ret@localhost:5432/db",
            "postgres://u:S3c/ret?x@localhost/db",
            "postgresql://u:S3c#ret@localhost:99999999/db",
            "mysql://root:S3c#ret@127.0.0.1:3306/app",
            "mariadb://root:S3c@ret@127.0.0.1/app",
            "postgres://u@localhost/db?password=S3c#ret",
            "postgres://localhost/db?sslmode=require&PASSWORD=S3c#ret&x=1",
            "mysql://u@h/db?pass=S3c#ret",
            "postgres://u:S3c#ret@",
        ] {
            let shown = redact_url(url);
            assert!(!shown.contains("S3c"), "{url} shown as {shown}");
            assert!(!shown.contains("ret@"), "{url} shown as {shown}");
        }
    }

    #[test]
    fn what_is_not_secret_is_kept() {
        assert_eq!(
            redact_url("postgres://u:pw@localhost:5432/db?sslmode=require"),
            "postgres://u:***@localhost:5432/db?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://u@localhost/db"),
            "postgres://u@localhost/db"
        );
        assert_eq!(redact_url("sqlite:///tmp/app.db"), "sqlite:///tmp/app.db");
    }
}
