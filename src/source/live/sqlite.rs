//! SQLite through rusqlite (bundled). SQLite keeps each object's CREATE statement as written
//! (ALTER TABLE edits it in place), so introspection reads `sqlite_schema` and parses those
//! statements with the same DDL reader the files go through.

use std::path::PathBuf;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::model::{Dialect, QName, Schema};
use crate::normalize::quote_qname;
use crate::source::sql;

pub struct SqliteDb {
    conn: Connection,
    url: String,
}

/// The file path a `sqlite://` URL names: `sqlite:///abs/path.db` or `sqlite://relative.db`.
pub fn url_path(url: &str) -> Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .ok_or_else(|| Error::Usage(format!("{url}: a SQLite URL starts with sqlite://")))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() {
        return Err(Error::Usage(format!(
            "{url}: the URL names no database file"
        )));
    }
    Ok(PathBuf::from(path))
}

impl SqliteDb {
    /// Open an existing database file; a missing file is an error, never a new empty database.
    pub fn connect(url: &str) -> Result<SqliteDb> {
        let path = url_path(url)?;
        if !path.is_file() {
            return Err(Error::database(
                url,
                format!("no database file at {}", path.display()),
            ));
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)
            .map_err(|e| Error::database(url, format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| Error::database(url, e))?;
        // Enforce foreign keys as production connections should; rebuilds switch it off around themselves.
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(|e| Error::database(url, e))?;
        Ok(SqliteDb {
            conn,
            url: url.to_string(),
        })
    }

    /// Read the schema from an open connection.
    pub fn introspect_connection(conn: &Connection, url: &str) -> Result<Schema> {
        let mut statement = conn
            .prepare(
                "SELECT type, name, sql FROM sqlite_schema \
                 WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
                 ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid",
            )
            .map_err(|e| Error::database(url, e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(2)?))
            })
            .map_err(|e| Error::database(url, e))?;
        let mut script = String::new();
        for row in rows {
            let (kind, sql) = row.map_err(|e| Error::database(url, e))?;
            let _ = kind;
            script.push_str(&sql);
            script.push_str(";\n");
        }
        sql::parse(Dialect::Sqlite, &script, url)
    }
}

impl super::Database for SqliteDb {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn display_url(&self) -> String {
        self.url.clone()
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| Error::database(&self.url, format!("{e}\n  in: {}", sql.trim())))
    }

    fn introspect(&mut self) -> Result<Schema> {
        SqliteDb::introspect_connection(&self.conn, &self.url)
    }

    fn row_count(&mut self, table: &QName) -> Result<u64> {
        let sql = format!(
            "SELECT count(*) FROM {}",
            quote_qname(Dialect::Sqlite, table)
        );
        self.conn
            .query_row(&sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| Error::database(&self.url, e))
    }

    fn count_where(&mut self, table: &QName, condition: &str) -> Result<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {condition}",
            quote_qname(Dialect::Sqlite, table)
        );
        self.conn
            .query_row(&sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| Error::database(&self.url, e))
    }

    fn table_sizes(&mut self) -> Result<Vec<super::TableSize>> {
        // SQLite keeps no estimate; counting is exact and, for an embedded database, quick.
        let names: Vec<String> = {
            let mut statement = self
                .conn
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .map_err(|e| Error::database(&self.url, e))?;
            let rows = statement
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(|e| Error::database(&self.url, e))?;
            rows.collect::<Result<_, _>>()
                .map_err(|e| Error::database(&self.url, e))?
        };
        let mut sizes = Vec::new();
        for table in names.into_iter().map(QName::new) {
            let table = &table;
            let rows = super::Database::row_count(self, table)?;
            sizes.push(super::TableSize {
                table: table.clone(),
                rows: Some(rows),
                bytes: None,
            });
        }
        Ok(sizes)
    }

    fn server_version(&mut self) -> Result<String> {
        self.conn
            .query_row("SELECT sqlite_version()", [], |row| row.get::<_, String>(0))
            .map_err(|e| Error::database(&self.url, e))
    }
}

/// A fresh database file in the temporary directory, removed afterwards.
pub fn create_scratch() -> Result<super::Scratch> {
    let path = std::env::temp_dir().join(format!("{}.db", super::unique_scratch_name()));
    let url = format!("sqlite://{}", path.display());
    // The file exists from the start, so the scratch opens like any other database.
    Connection::open(&path)
        .map_err(|e| Error::database(&url, format!("cannot create {}: {e}", path.display())))?;
    let cleanup_path = path.clone();
    Ok(super::Scratch::new(
        url,
        Box::new(move || {
            // With the journal SQLite keeps beside it while a transaction is open (an
            // interrupted verification leaves one).
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut name = cleanup_path.clone().into_os_string();
                name.push(suffix);
                let _ = std::fs::remove_file(name);
            }
        }),
    ))
}
