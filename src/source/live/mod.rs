//! Live databases: introspection into the model, statement execution and scratch databases.
//!
//! Each backend owns its driver; driver types never leave its file.

pub mod mysql;
pub mod postgres;
pub(crate) mod reader;
pub mod sqlite;

use crate::error::{Error, Result};
use crate::model::{Dialect, QName, Schema};

/// A connection to a live database that migen can read and, for verification, write.
pub trait Database {
    fn dialect(&self) -> Dialect;
    /// The URL it was opened with, password removed (for messages).
    fn display_url(&self) -> String;
    /// Run one statement (or a script of several where the driver allows it).
    fn execute(&mut self, sql: &str) -> Result<()>;
    /// Read the whole schema into the model.
    fn introspect(&mut self) -> Result<Schema>;
    /// Exact number of rows in a table.
    fn row_count(&mut self, table: &QName) -> Result<u64>;
    /// Exact number of rows of a table for which `condition` (SQL of the dialect) holds.
    fn count_where(&mut self, table: &QName, condition: &str) -> Result<u64>;
    /// Server version as `major.minor` text (e.g. `15.4`, `10.11.6-MariaDB`, `3.46.0`).
    fn server_version(&mut self) -> Result<String>;
    /// Size of every user table: (name, rows, bytes with indexes), each where the server knows
    /// it. Estimates from the catalog where exact counts would be slow.
    fn table_sizes(&mut self) -> Result<Vec<TableSize>>;
}

/// How big a table is, for grading the risk of changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSize {
    pub table: QName,
    pub rows: Option<u64>,
    pub bytes: Option<u64>,
}

/// The dialect a URL speaks, from its scheme.
pub fn url_dialect(url: &str) -> Option<Dialect> {
    let scheme = url.split("://").next()?;
    match scheme {
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

pub fn is_database_url(text: &str) -> bool {
    url_dialect(text).is_some()
}

/// Open a live database from its URL.
pub fn connect(url: &str) -> Result<Box<dyn Database>> {
    match url_dialect(url) {
        Some(Dialect::Postgres) => Ok(Box::new(postgres::PostgresDb::connect(url)?)),
        Some(Dialect::Mysql) => Ok(Box::new(mysql::MysqlDb::connect(url)?)),
        Some(Dialect::Sqlite) => Ok(Box::new(sqlite::SqliteDb::connect(url)?)),
        None => Err(Error::Usage(format!(
            "{}: not a database URL (expected postgres://, mysql://, mariadb:// or sqlite://)",
            crate::error::redact_url(url)
        ))),
    }
}

/// A uniquely named scratch database on a server, dropped when this value is dropped.
pub struct Scratch {
    /// URL of the scratch database itself.
    pub url: String,
    /// Drops it: when this value goes, or when migen is interrupted before.
    cleanup: crate::interrupt::Cleanup,
}

impl Scratch {
    pub fn new(url: String, cleanup: Box<dyn FnOnce() + Send>) -> Scratch {
        Scratch {
            url,
            cleanup: crate::interrupt::Cleanup::new(cleanup),
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.cleanup.run();
    }
}

/// A name no other run uses at the same time: process id, time and a counter.
pub fn unique_scratch_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or(0);
    format!(
        "migen_scratch_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Create a scratch database on the server a URL points at (for SQLite, a temporary file).
pub fn create_scratch(server_url: &str) -> Result<Scratch> {
    match url_dialect(server_url) {
        Some(Dialect::Postgres) => postgres::create_scratch(server_url),
        Some(Dialect::Mysql) => mysql::create_scratch(server_url),
        Some(Dialect::Sqlite) | None => sqlite::create_scratch(),
    }
}
