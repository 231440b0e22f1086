//! MySQL and MariaDB: introspection through information_schema, statement execution and
//! scratch databases.
//!
//! The introspected database is the one the URL names; its objects get `QName.schema = None`.
//! Every object kind is read with one query for the whole database, so large schemas cost a
//! handful of round trips. MariaDB and MySQL 8 differ in a few information_schema details
//! (quoting of string defaults, where a check constraint's table is found, functional index
//! parts, JSON stored as `longtext` with a `json_valid` check); those are handled here so the
//! result matches what the DDL parser produces for the same DDL.

mod cells;
mod introspect;

use std::collections::HashSet;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Row};

use crate::error::{Error, Result, redact_url};
use crate::model::{Dialect, QName, Schema};
use crate::normalize;

use cells::{quote, text};

const D: Dialect = Dialect::Mysql;

/// A connection to one MySQL or MariaDB database.
pub struct MysqlDb {
    conn: Conn,
    /// The URL as given (never printed without `redact_url`).
    url: String,
    /// The database the URL names, if any.
    database: Option<String>,
    /// Cached `SELECT VERSION()`.
    version: Option<String>,
}

impl MysqlDb {
    /// Open a connection from a `mysql://` or `mariadb://` URL.
    pub fn connect(url: &str) -> Result<MysqlDb> {
        let (conn, database) = open(url)?;
        Ok(MysqlDb {
            conn,
            url: url.to_string(),
            database,
            version: None,
        })
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) -> Error {
        fail(&self.url, what, e)
    }

    fn version(&mut self) -> Result<String> {
        if let Some(v) = &self.version {
            return Ok(v.clone());
        }
        let v: Option<String> = self
            .conn
            .query_first("SELECT VERSION()")
            .map_err(|e| fail(&self.url, "reading the server version", e))?;
        let v = v.unwrap_or_default();
        self.version = Some(v.clone());
        Ok(v)
    }

    /// Rows of a query with the database name as its only parameter.
    fn rows(&mut self, what: &str, sql: &str, db: &str) -> Result<Vec<Row>> {
        self.conn
            .exec(sql, (db,))
            .map_err(|e| fail(&self.url, &format!("reading {what}"), e))
    }

    /// Which optional information_schema columns this server has.
    fn probe_columns(&mut self) -> Result<HashSet<(String, String)>> {
        let rows: Vec<Row> = self
            .conn
            .query(
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'information_schema' \
                 AND TABLE_NAME IN ('STATISTICS', 'CHECK_CONSTRAINTS')",
            )
            .map_err(|e| self.fail("probing information_schema", e))?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    text(r, 0).unwrap_or_default().to_ascii_uppercase(),
                    text(r, 1).unwrap_or_default().to_ascii_uppercase(),
                )
            })
            .collect())
    }
}

/// Connect with the driver; returns the connection and the database the URL names.
fn open(url: &str) -> Result<(Conn, Option<String>)> {
    let driver_url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_string(),
    };
    if !driver_url.starts_with("mysql://") {
        return Err(Error::database(
            url,
            "not a MySQL URL (expected mysql:// or mariadb://)",
        ));
    }
    let opts = Opts::from_url(&driver_url).map_err(|e| fail(url, "invalid MySQL URL", e))?;
    let database = opts
        .get_db_name()
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let opts = OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(Duration::from_secs(15)));
    let conn = Conn::new(opts).map_err(|e| fail(url, "could not connect", e))?;
    Ok((conn, database))
}

/// A database error whose message cannot leak the URL's password.
fn fail(url: &str, what: &str, e: impl std::fmt::Display) -> Error {
    let mut message = format!("{what}: {e}");
    if let Ok(parsed) = url::Url::parse(url)
        && let Some(pass) = parsed.password()
    {
        let decoded = percent_decode(pass);
        for secret in [pass.to_string(), decoded] {
            if secret.len() >= 3 {
                message = message.replace(&secret, "***");
            }
        }
    }
    Error::database(url, message)
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl super::Database for MysqlDb {
    fn dialect(&self) -> Dialect {
        D
    }

    fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.conn
            .query_drop(sql)
            .map_err(|e| fail(&self.url, "statement failed", e))
    }

    fn introspect(&mut self) -> Result<Schema> {
        self.read_schema()
    }

    fn row_count(&mut self, table: &QName) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) FROM {}", normalize::quote_qname(D, table));
        let count: Option<u64> = self
            .conn
            .query_first(&sql)
            .map_err(|e| fail(&self.url, &format!("counting rows of {table}"), e))?;
        Ok(count.unwrap_or(0))
    }

    fn count_where(&mut self, table: &QName, condition: &str) -> Result<u64> {
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE {condition}",
            normalize::quote_qname(D, table)
        );
        let count: Option<u64> = self
            .conn
            .query_first(&sql)
            .map_err(|e| fail(&self.url, &format!("counting rows of {table}"), e))?;
        Ok(count.unwrap_or(0))
    }

    fn table_sizes(&mut self) -> Result<Vec<super::TableSize>> {
        let Some(db) = self.database.clone() else {
            return Ok(Vec::new());
        };
        // TABLE_ROWS is InnoDB's estimate; sizes include indexes.
        let rows = self.rows(
            "table sizes",
            "SELECT TABLE_NAME, CAST(TABLE_ROWS AS CHAR), CAST(DATA_LENGTH + INDEX_LENGTH AS CHAR) \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
            &db,
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let table = QName::new(text(row, 0)?);
                let rows = text(row, 1).and_then(|t| t.parse().ok());
                let bytes = text(row, 2).and_then(|t| t.parse().ok());
                Some(super::TableSize { table, rows, bytes })
            })
            .collect())
    }

    fn server_version(&mut self) -> Result<String> {
        self.version()
    }
}

/// Create a uniquely named database on the server the URL points at; dropped with the `Scratch`.
pub fn create_scratch(server_url: &str) -> Result<super::Scratch> {
    let name = super::unique_scratch_name();
    let (mut conn, _) = open(server_url)?;
    conn.query_drop(format!(
        "CREATE DATABASE {} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        quote(&name)
    ))
    .map_err(|e| fail(server_url, "creating a scratch database", e))?;
    let mut parsed =
        url::Url::parse(server_url).map_err(|e| fail(server_url, "invalid MySQL URL", e))?;
    parsed.set_path(&format!("/{name}"));
    let url = parsed.to_string();
    let server_url = server_url.to_string();
    let cleanup = move || {
        let drop_database = |conn: &mut Conn| {
            // A connection still at work in it (a verification interrupted midway) would hold
            // the drop up on its metadata locks: it is ended first. The name is migen's own.
            let others = format!(
                "SELECT id FROM information_schema.processlist WHERE db = '{name}' AND id <> CONNECTION_ID()"
            );
            if let Ok(ids) = conn.query::<u64, _>(others) {
                for id in ids {
                    let _ = conn.query_drop(format!("KILL {id}"));
                }
            }
            conn.query_drop(format!("DROP DATABASE IF EXISTS {}", quote(&name)))
                .is_ok()
        };
        // The connection may have timed out meanwhile: then a fresh one.
        if !drop_database(&mut conn)
            && let Ok((mut fresh, _)) = open(&server_url)
        {
            drop_database(&mut fresh);
        }
    };
    Ok(super::Scratch::new(url, Box::new(cleanup)))
}

#[cfg(test)]
mod tests;
