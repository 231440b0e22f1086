//! Facts about the server a migration runs on: its product (`Engine`), release (`Version`) and,
//! when read from a live database, table sizes (`TableStats`). They sit beside the schema model
//! because sources, configuration, safety rules and planners all read them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Dialect, QName};

/// A database server product. `Dialect::Mysql` covers both MySQL and MariaDB, whose online DDL differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Postgres,
    Mysql,
    Mariadb,
    Sqlite,
}

impl Engine {
    pub fn dialect(self) -> Dialect {
        match self {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql | Engine::Mariadb => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        }
    }

    /// The product name for people.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Mariadb => "MariaDB",
            Engine::Sqlite => "SQLite",
        }
    }

    /// The spelling `Version::parse` accepts.
    pub fn key(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mariadb => "mariadb",
            Engine::Sqlite => "sqlite",
        }
    }

    /// The engines of a dialect.
    pub fn of(dialect: Dialect) -> &'static [Engine] {
        match dialect {
            Dialect::Postgres => &[Engine::Postgres],
            Dialect::Mysql => &[Engine::Mysql, Engine::Mariadb],
            Dialect::Sqlite => &[Engine::Sqlite],
        }
    }
}

impl From<Dialect> for Engine {
    /// MySQL stands for the MySQL dialect; MariaDB must be named explicitly.
    fn from(dialect: Dialect) -> Engine {
        match dialect {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Mysql => Engine::Mysql,
            Dialect::Sqlite => Engine::Sqlite,
        }
    }
}

/// A release number, compared as (major, minor, patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Release {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Release {
        Release {
            major,
            minor,
            patch,
        }
    }
}

impl Release {
    /// How the engine itself names the release: PostgreSQL 10+ counts majors alone (`15`, `15.4`).
    pub fn text(self, engine: Engine) -> String {
        if engine == Engine::Postgres && self.major >= 10 && self.patch == 0 {
            if self.minor == 0 {
                return self.major.to_string();
            }
            return format!("{}.{}", self.major, self.minor);
        }
        self.to_string()
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// The server a migration will run on, e.g. `postgres:15.4`, `mysql:8.0.35`, `mariadb:10.11`, `sqlite:3.45`.
///
/// Missing parts count as zero, so `mysql:8.0` means 8.0.0: rules assume the oldest release the
/// text allows, and a more precise version can only remove findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    /// Always `engine.dialect()`; build versions with `new` or `parse` to keep the two in step.
    pub dialect: Dialect,
    pub engine: Engine,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(engine: Engine, major: u32, minor: u32, patch: u32) -> Version {
        let dialect = match engine {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql | Engine::Mariadb => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        };
        Version {
            dialect,
            engine,
            major,
            minor,
            patch,
        }
    }

    /// The oldest release migen writes SQL for; used when no version is given.
    ///
    /// PostgreSQL 11 (the oldest the catalog covers, and where non-volatile defaults stopped
    /// rewriting), MySQL 8.0.0 and MariaDB 10.5 (what `dialect/mysql.rs` writes for: RENAME
    /// COLUMN, RENAME INDEX, CHECK), SQLite 3.35 (the SQLite writer uses native DROP COLUMN).
    pub fn oldest_supported(engine: impl Into<Engine>) -> Version {
        match engine.into() {
            Engine::Postgres => Version::new(Engine::Postgres, 11, 0, 0),
            Engine::Mysql => Version::new(Engine::Mysql, 8, 0, 0),
            Engine::Mariadb => Version::new(Engine::Mariadb, 10, 5, 0),
            Engine::Sqlite => Version::new(Engine::Sqlite, 3, 35, 0),
        }
    }

    /// The version a server reports about itself (`15.4 (Debian …)`, `10.11.6-MariaDB-0+deb12u1`,
    /// `3.45.1`), for a database of `dialect`.
    pub fn from_server_report(dialect: Dialect, reported: &str) -> Option<Version> {
        let engine = match dialect {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Sqlite => Engine::Sqlite,
            Dialect::Mysql if reported.to_ascii_lowercase().contains("mariadb") => Engine::Mariadb,
            Dialect::Mysql => Engine::Mysql,
        };
        let number: String = reported
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Version::parse(&format!(
            "{}:{}",
            engine.key(),
            number.trim_end_matches('.')
        ))
        .ok()
    }

    /// Parse `engine[:major[.minor[.patch]]]`; a bare engine means its oldest supported release.
    pub fn parse(text: &str) -> Result<Version, String> {
        let text = text.trim();
        let (name, number) = match text.split_once(':') {
            Some((name, number)) => (name, Some(number)),
            None => (text, None),
        };
        let engine = match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Engine::Postgres,
            "mysql" => Engine::Mysql,
            "mariadb" => Engine::Mariadb,
            "sqlite" | "sqlite3" => Engine::Sqlite,
            _ => {
                return Err(format!(
                    "unknown database `{name}` in version `{text}` (expected postgres, mysql, mariadb or sqlite)"
                ));
            }
        };
        let Some(number) = number else {
            return Ok(Version::oldest_supported(engine));
        };
        let parts: Vec<&str> = number.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("version `{text}`: expected major[.minor[.patch]]"));
        }
        let mut numbers = [0u32; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            *slot = part
                .parse()
                .map_err(|_| format!("version `{text}`: `{part}` is not a number"))?;
        }
        Ok(Version::new(engine, numbers[0], numbers[1], numbers[2]))
    }

    pub fn release(&self) -> Release {
        Release::new(self.major, self.minor, self.patch)
    }

    /// Whether this is `major.minor.patch` or later.
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.release() >= Release::new(major, minor, patch)
    }

    pub fn is_mariadb(&self) -> bool {
        self.engine == Engine::Mariadb
    }

    /// `PostgreSQL 15.4` for people; `Display` gives the parseable `postgres:15.4`.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.engine.label(),
            self.release().text(self.engine)
        )
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.engine.key(),
            self.release().text(self.engine)
        )
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Version, String> {
        Version::parse(text)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Version, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Row counts and on-disk sizes of the before-database's tables, by their name there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStats {
    #[serde(default)]
    pub rows: BTreeMap<QName, u64>,
    #[serde(default)]
    pub bytes: BTreeMap<QName, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        let v = Version::parse("postgres:15.4").unwrap();
        assert_eq!(
            (v.engine, v.major, v.minor, v.patch),
            (Engine::Postgres, 15, 4, 0)
        );
        assert_eq!(v.dialect, Dialect::Postgres);
        assert_eq!(v.to_string(), "postgres:15.4");
        let v = Version::parse("mariadb:10.11").unwrap();
        assert_eq!(
            (v.engine, v.dialect, v.major, v.minor),
            (Engine::Mariadb, Dialect::Mysql, 10, 11)
        );
        let v = Version::parse("mysql:8.0.29").unwrap();
        assert!(v.at_least(8, 0, 29) && !v.at_least(8, 0, 30));
        assert_eq!(
            Version::parse("sqlite:3.45").unwrap().release(),
            Release::new(3, 45, 0)
        );
        assert_eq!(
            Version::parse("postgres:15").unwrap().release(),
            Release::new(15, 0, 0)
        );
        assert_eq!(
            Version::parse("pg").unwrap(),
            Version::oldest_supported(Dialect::Postgres)
        );
        assert_eq!(
            Version::oldest_supported(Engine::Mariadb).release(),
            Release::new(10, 5, 0)
        );
        assert!(Version::parse("oracle:19").is_err());
        assert!(Version::parse("postgres:x").is_err());
        assert!(Version::parse("postgres:1.2.3.4").is_err());
        let json = serde_json::to_string(&Version::parse("mysql:8.0.35").unwrap()).unwrap();
        assert_eq!(json, "\"mysql:8.0.35\"");
    }
}
