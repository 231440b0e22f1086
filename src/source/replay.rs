//! `migrations:DIR`: the schema a migration history builds, found by applying every up script
//! in the tool's own order to a scratch database and reading it back.
//!
//! SQLite replays into a temporary file; PostgreSQL and MySQL into a uniquely named database
//! (created and dropped again) on the server in `MIGEN_SCRATCH_URL`, else the local default.

use std::path::{Path, PathBuf};

use super::project::{self, MigrationFolder, MigrationTool};
use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::SourceSpec;
use crate::source::live;
use crate::source::reader::{Read, SchemaReader, not_claimed};

/// The environment variable naming the server scratch databases are made on.
pub const SCRATCH_URL_VAR: &str = "MIGEN_SCRATCH_URL";

/// The scratch server for a dialect: `MIGEN_SCRATCH_URL` when it speaks that dialect, else the
/// local default.
pub fn scratch_server(dialect: Dialect) -> Result<String> {
    if let Ok(url) = std::env::var(SCRATCH_URL_VAR) {
        if live::url_dialect(&url) == Some(dialect) {
            return Ok(url);
        }
        if !url.is_empty() && dialect != Dialect::Sqlite {
            return Err(Error::Usage(format!(
                "{SCRATCH_URL_VAR}={} is not a {dialect} server",
                crate::error::redact_url(&url)
            )));
        }
    }
    Ok(match dialect {
        Dialect::Sqlite => "sqlite://".into(),
        Dialect::Postgres => "postgres://postgres@127.0.0.1:5432/postgres".into(),
        Dialect::Mysql => "mysql://root@127.0.0.1:3306/".into(),
    })
}

/// A migration's up script: where it came from (for messages) and its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpScript {
    pub path: PathBuf,
    pub sql: String,
}

/// The up scripts of a migration folder in the order its tool applies them.
pub fn up_scripts(dir: &Path) -> Result<(MigrationFolder, Vec<UpScript>)> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "migrations:{}: not a directory",
            dir.display()
        )));
    }
    let folder = project::classify_dir(Path::new(""), dir).ok_or_else(|| {
        Error::Usage(format!(
            "migrations:{}: no migrations found (expected golang-migrate, Flyway, dbmate, Prisma, drizzle or plain .sql files)",
            dir.display()
        ))
    })?;
    if !folder.tool.is_sql() {
        return Err(Error::Usage(format!(
            "migrations:{}: {} migrations are code, not SQL; migen replays SQL migrations only (golang-migrate, Flyway, dbmate, Prisma, drizzle, plain .sql)",
            dir.display(),
            folder.tool.name()
        )));
    }
    let mut scripts = Vec::new();
    for entry in &folder.ordered {
        let path = dir.join(entry);
        // Folder-per-migration tools keep the script inside the folder.
        let file = if path.is_dir() {
            ["migration.sql", "up.sql"]
                .iter()
                .map(|name| path.join(name))
                .find(|p| p.is_file())
                .unwrap_or_else(|| path.join("migration.sql"))
        } else {
            path
        };
        let text = crate::source::read_text(&file)?;
        let sql = match folder.tool {
            MigrationTool::Dbmate => dbmate_up(&text),
            _ => text,
        };
        scripts.push(UpScript { path: file, sql });
    }
    Ok((folder, scripts))
}

/// The `-- migrate:up` part of a dbmate file (up to `-- migrate:down`).
fn dbmate_up(text: &str) -> String {
    let mut up = String::new();
    let mut inside = false;
    for line in text.lines() {
        let marker = line.trim_start();
        if marker.starts_with("-- migrate:up") {
            inside = true;
        } else if marker.starts_with("-- migrate:down") {
            inside = false;
        } else if inside {
            up.push_str(line);
            up.push('\n');
        }
    }
    up
}

/// Replay a migration folder into a scratch database of `dialect` and read the schema back.
pub fn load(dir: &Path, dialect: Dialect) -> Result<Schema> {
    let (_, scripts) = up_scripts(dir)?;
    let server = scratch_server(dialect)?;
    let scratch = live::create_scratch(&server)?;
    let mut db = live::connect(&scratch.url)?;
    for script in &scripts {
        if script.sql.trim().is_empty() {
            continue;
        }
        db.execute(&script.sql).map_err(|e| match e {
            Error::Database { url, message } => Error::Database {
                url,
                message: format!("replaying {}: {message}", script.path.display()),
            },
            other => other,
        })?;
    }
    let schema = db.introspect();
    // The connection closes before the scratch database is dropped.
    drop(db);
    drop(scratch);
    schema
}

/// `migrations:DIR`: a migration folder's up scripts replayed into a scratch database.
pub struct Migrations;

impl SchemaReader for Migrations {
    fn id(&self) -> &'static str {
        "migrations"
    }

    fn forms(&self) -> &'static str {
        "`migrations:DIR`: a folder of SQL migrations (plain SQL, golang-migrate, Flyway, dbmate, Prisma, drizzle) replayed in the tool's order"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        matches!(spec, SourceSpec::Migrations(_))
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        // Prisma's migrations name their provider in migration_lock.toml.
        let SourceSpec::Migrations(dir) = spec else {
            return None;
        };
        let text = std::fs::read_to_string(dir.join("migration_lock.toml")).ok()?;
        let settings: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        super::prisma::datasource_provider(&format!(
            "datasource db {{\n{}\n}}",
            settings.join("\n")
        ))
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        let SourceSpec::Migrations(dir) = spec else {
            return Err(not_claimed(self.id(), spec));
        };
        Ok((load(dir, dialect)?, Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn tables(schema: &Schema) -> Vec<String> {
        schema.tables.keys().map(|k| k.to_string()).collect()
    }

    #[test]
    fn golang_migrate_replays_up_files_in_version_order() {
        let dir = tempfile::tempdir().unwrap();
        // 10 must run after 9: it alters the table 9 creates.
        write(
            dir.path(),
            "9_create.up.sql",
            "CREATE TABLE t (id INTEGER PRIMARY KEY);",
        );
        write(dir.path(), "9_create.down.sql", "DROP TABLE t;");
        write(
            dir.path(),
            "10_add.up.sql",
            "ALTER TABLE t ADD COLUMN name TEXT;",
        );
        write(
            dir.path(),
            "10_add.down.sql",
            "ALTER TABLE t DROP COLUMN name;",
        );
        let schema = load(dir.path(), Dialect::Sqlite).unwrap();
        assert_eq!(tables(&schema), ["t"]);
        let columns: Vec<&str> = schema
            .tables
            .values()
            .next()
            .unwrap()
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(columns, ["id", "name"]);
    }

    #[test]
    fn dbmate_replays_only_the_up_block() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "20250101000000_a.sql",
            "-- migrate:up\nCREATE TABLE a (id INTEGER);\n\n-- migrate:down\nDROP TABLE a;\n",
        );
        write(
            dir.path(),
            "20250102000000_b.sql",
            "-- migrate:up\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE b;\n",
        );
        assert_eq!(
            tables(&load(dir.path(), Dialect::Sqlite).unwrap()),
            ["a", "b"]
        );
    }

    #[test]
    fn prisma_folders_and_flyway_versions() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "migration_lock.toml", "provider = \"sqlite\"\n");
        write(
            dir.path(),
            "20250101000000_init/migration.sql",
            "CREATE TABLE \"User\" (\"id\" INTEGER NOT NULL PRIMARY KEY);",
        );
        write(
            dir.path(),
            "20250102000000_post/migration.sql",
            "CREATE TABLE \"Post\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"userId\" INTEGER REFERENCES \"User\" (\"id\"));",
        );
        assert_eq!(
            tables(&load(dir.path(), Dialect::Sqlite).unwrap()),
            ["Post", "User"]
        );

        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "V2__b.sql", "ALTER TABLE a ADD COLUMN b TEXT;");
        write(dir.path(), "V1__a.sql", "CREATE TABLE a (id INTEGER);");
        write(dir.path(), "U2__b.sql", "ALTER TABLE a DROP COLUMN b;");
        let schema = load(dir.path(), Dialect::Sqlite).unwrap();
        assert_eq!(schema.tables.values().next().unwrap().columns.len(), 2);
    }

    #[test]
    fn a_failing_script_is_named_and_code_migrations_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "migrations/001_a.sql",
            "CREATE TABLE a (id INTEGER);",
        );
        write(
            dir.path(),
            "migrations/002_b.sql",
            "ALTER TABLE missing ADD COLUMN x INTEGER;",
        );
        let error = load(&dir.path().join("migrations"), Dialect::Sqlite).unwrap_err();
        assert_eq!(error.exit_code(), 4);
        assert!(error.to_string().contains("002_b.sql"), "{error}");

        write(
            dir.path(),
            "knex/20250101000000_a.js",
            "exports.up = () => {};",
        );
        let error = load(&dir.path().join("knex"), Dialect::Sqlite).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().contains("knex migrations are code"),
            "{error}"
        );
        let error = load(&dir.path().join("nothing"), Dialect::Sqlite).unwrap_err();
        assert!(error.to_string().contains("not a directory"), "{error}");
    }
}
