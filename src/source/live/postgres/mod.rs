//! PostgreSQL backend: connection, statement execution, scratch databases and catalog
//! introspection into the canonical model.
//!
//! Introspection runs one catalog query per object kind for the whole database inside a
//! read-only, repeatable-read transaction with `search_path` set to `public` only, so the
//! deparsed text PostgreSQL returns (`pg_get_expr`, `format_type`, …) qualifies exactly
//! the names that live outside `public`, as the model's `QName { schema: None }` expects.

mod catalog;
mod introspect;

use std::time::Duration;

use postgres::{Client, NoTls};

use crate::error::{Error, Result, redact_url};
use crate::model::{Dialect, QName, Schema};

use catalog::USER_NAMESPACE;
pub use introspect::introspect_client;
use introspect::qname;

const PG: Dialect = Dialect::Postgres;

/// A live PostgreSQL database.
pub struct PostgresDb {
    client: Client,
    url: String,
}

impl PostgresDb {
    /// Connect to a `postgres://` or `postgresql://` URL.
    pub fn connect(url: &str) -> Result<PostgresDb> {
        let client = open(url)?;
        Ok(PostgresDb {
            client,
            url: url.to_string(),
        })
    }
}

impl super::Database for PostgresDb {
    fn dialect(&self) -> Dialect {
        PG
    }

    fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.client
            .batch_execute(sql)
            .map_err(|e| Error::database(&self.url, describe(&e)))
    }

    fn introspect(&mut self) -> Result<Schema> {
        introspect_client(&mut self.client, &self.url)
    }

    fn row_count(&mut self, table: &QName) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", quote_qname_always(table));
        let row = self.client.query_one(sql.as_str(), &[]).map_err(|e| {
            Error::database(
                &self.url,
                format!("cannot count rows of {table}: {}", describe(&e)),
            )
        })?;
        let count: i64 = row.get(0);
        Ok(count.max(0) as u64)
    }

    fn count_where(&mut self, table: &QName, condition: &str) -> Result<u64> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {condition}",
            quote_qname_always(table)
        );
        let row = self.client.query_one(sql.as_str(), &[]).map_err(|e| {
            Error::database(
                &self.url,
                format!("cannot count rows of {table}: {}", describe(&e)),
            )
        })?;
        let count: i64 = row.get(0);
        Ok(count.max(0) as u64)
    }

    fn table_sizes(&mut self) -> Result<Vec<super::TableSize>> {
        // reltuples is the planner's estimate; -1 (never analysed) is unknown, except that a
        // table of a few pages is counted exactly, which costs nothing.
        let sql = format!(
            "SELECT n.nspname::text, c.relname::text, c.reltuples::float8, pg_total_relation_size(c.oid)::int8
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE}"
        );
        let rows = self.client.query(sql.as_str(), &[]).map_err(|e| {
            Error::database(
                &self.url,
                format!("cannot read table sizes: {}", describe(&e)),
            )
        })?;
        let mut sizes = Vec::new();
        for row in rows {
            let table = qname(&row.get::<_, String>(0), &row.get::<_, String>(1));
            let estimate: f64 = row.get(2);
            let bytes: i64 = row.get(3);
            let rows = if estimate >= 0.0 {
                Some(estimate as u64)
            } else if bytes < 1024 * 1024 {
                Some(super::Database::row_count(self, &table)?)
            } else {
                None
            };
            sizes.push(super::TableSize {
                table,
                rows,
                bytes: Some(bytes.max(0) as u64),
            });
        }
        Ok(sizes)
    }

    fn server_version(&mut self) -> Result<String> {
        let row = self
            .client
            .query_one("SHOW server_version", &[])
            .map_err(|e| {
                Error::database(
                    &self.url,
                    format!("cannot read server version: {}", describe(&e)),
                )
            })?;
        let text: String = row.get(0);
        // `15.4 (Debian 15.4-1.pgdg120+1)` → `15.4`.
        Ok(text.split_whitespace().next().unwrap_or("").to_string())
    }
}

/// Open a client connection, with a connect timeout unless the URL sets one.
fn open(url: &str) -> Result<Client> {
    let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
        Error::database(url, format!("invalid connection URL: {}", describe(&e)))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    // The catalog queries look expensive to the planner, and JIT-compiling them costs far
    // more than running them (about 0.8 s per introspection here, against 0.05 s without).
    match config.get_options() {
        Some(options) => {
            let options = format!("{options} -c jit=off");
            config.options(&options);
        }
        None => {
            config.options("-c jit=off");
        }
    }
    config
        .connect(NoTls)
        .map_err(|e| Error::database(url, format!("cannot connect: {}", describe(&e))))
}

/// A driver error as one line: the server's own message when there is one, else the whole cause chain.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" (detail: {detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!(" (hint: {hint})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn quote_ident_always(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_qname_always(name: &QName) -> String {
    match &name.schema {
        Some(schema) => format!(
            "{}.{}",
            quote_ident_always(schema),
            quote_ident_always(&name.name)
        ),
        None => quote_ident_always(&name.name),
    }
}

/// Create a uniquely named database on the server a URL points at; dropped (forcibly) with the value.
pub fn create_scratch(server_url: &str) -> Result<super::Scratch> {
    let name = super::unique_scratch_name();
    let mut parsed = url::Url::parse(server_url)
        .map_err(|e| Error::database(server_url, format!("not a valid database URL: {e}")))?;
    parsed.set_path(&format!("/{name}"));
    let scratch_url = parsed.to_string();

    let mut client = open(server_url)?;
    client
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident_always(&name)))
        .map_err(|e| {
            Error::database(
                server_url,
                format!("cannot create scratch database {name}: {}", describe(&e)),
            )
        })?;
    drop(client);

    let server_url = server_url.to_string();
    let cleanup = Box::new(move || {
        if let Ok(mut client) = open(&server_url) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident_always(&name)
            ));
        }
    });
    Ok(super::Scratch::new(scratch_url, cleanup))
}

#[cfg(test)]
mod tests;
