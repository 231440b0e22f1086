//! `migen.toml`: project settings read from the current directory. For now the database it
//! targets: its dialect and server version, used where the command line does not say.
//!
//! ```toml
//! [database]
//! dialect = "postgres"
//! version = "postgres:15"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::safety::Version;

pub const FILE_NAME: &str = "migen.toml";

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where the settings came from, for messages.
    pub path: Option<PathBuf>,
    pub dialect: Option<Dialect>,
    pub version: Option<Version>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    database: DatabaseSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    dialect: Option<String>,
    version: Option<String>,
}

impl Config {
    /// `migen.toml` in `dir`, or nothing set when there is none.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let name = path.display().to_string();
        let at = |span: Option<std::ops::Range<usize>>| {
            let offset = span.map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() as u64 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
            (line, column)
        };
        let file: File = toml::from_str(&text).map_err(|e| {
            let (line, column) = at(e.span());
            Error::parse(&name, line, column, e.message().to_string())
        })?;
        let locate = |key: &str| {
            let offset = text.find(key).map(|o| o..o + key.len());
            at(offset)
        };
        let dialect = match &file.database.dialect {
            Some(text) => Some(Dialect::parse(text).ok_or_else(|| {
                let (line, column) = locate("dialect");
                Error::parse(
                    &name,
                    line,
                    column,
                    format!("unknown dialect `{text}` (use postgres, mysql or sqlite)"),
                )
            })?),
            None => None,
        };
        let version = match &file.database.version {
            Some(text) => Some(Version::parse(text).map_err(|message| {
                let (line, column) = locate("version");
                Error::parse(&name, line, column, message)
            })?),
            None => None,
        };
        if let (Some(dialect), Some(version)) = (dialect, &version) {
            if version.dialect != dialect {
                let (line, column) = locate("version");
                return Err(Error::parse(
                    &name,
                    line,
                    column,
                    format!("version {} is not a {dialect} server", version.label()),
                ));
            }
        }
        Ok(Config {
            path: Some(path),
            dialect: dialect.or(version.map(|v| v.dialect)),
            version,
        })
    }

    /// `migen.toml` in the current directory.
    pub fn current() -> Result<Config> {
        Config::load(Path::new("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_database_section() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Config::load(dir.path()).unwrap().version.is_none());
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[database]\ndialect = \"postgres\"\nversion = \"postgres:15\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.dialect, Some(Dialect::Postgres));
        assert_eq!(config.version.unwrap().label(), "PostgreSQL 15");
    }

    #[test]
    fn mistakes_name_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[database]\ndialect = \"postgres\"\nversion = \"mysql:8.0\"\n",
        )
        .unwrap();
        let error = Config::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:3:1"), "{error}");
        std::fs::write(dir.path().join(FILE_NAME), "[database]\ndialekt = 1\n").unwrap();
        let error = Config::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:2:1"), "{error}");
    }
}
