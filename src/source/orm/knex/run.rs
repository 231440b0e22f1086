//! Running the project's own Knex on a scratch database: every migration of a folder applied
//! one at a time by `run.js`, the SQL each ran recorded, the result introspected, the scratch
//! dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::knexfile::{self, Knexfile};
use crate::error::{Error, Result};
use crate::model::{Dialect, QName, Schema};
use crate::source::live;
use crate::source::replay::scratch_server;

/// The driver `node` runs (see its header for what it takes and gives).
const RUN_JS: &str = include_str!("run.js");

/// The environment variable naming the `node` to run (default: `node` on the PATH).
pub const NODE_VAR: &str = "MIGEN_NODE";

/// One migration and the schema statements it ran, in order. Knex's own bookkeeping (its
/// tracking tables, transactions, catalog reads) is left out; a SQLite table rebuild Knex makes
/// for one `alterTable` is one statement of several parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationSql {
    pub path: PathBuf,
    pub statements: Vec<String>,
}

/// What a run of the folder built.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The scratch database's schema without Knex's tracking tables.
    pub schema: Schema,
    pub migrations: Vec<MigrationSql>,
}

/// Where the project's Knex and its settings are, for a migrations folder.
#[derive(Debug, Clone)]
pub struct Context {
    pub knexfile: Option<Knexfile>,
    /// The `node_modules` folder holding `knex`.
    pub node_modules: Option<PathBuf>,
}

/// The folders a migrations folder's project is looked for in: the folder and those above it,
/// then the current directory and those above it (a `git:REV:DIR` checkout lives in a
/// temporary folder, while the project's knexfile and node_modules stay in the working tree).
fn search_roots(folder: &Path) -> Vec<PathBuf> {
    let mut starts = Vec::new();
    if let Ok(folder) = std::path::absolute(folder) {
        starts.push(folder);
    }
    if let Ok(here) = std::env::current_dir() {
        starts.push(here);
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    for start in starts {
        for dir in start.ancestors() {
            if !roots.iter().any(|r| r == dir) {
                roots.push(dir.to_path_buf());
            }
        }
    }
    roots
}

/// The knexfile and node_modules that go with a migrations folder.
pub fn context(folder: &Path) -> Result<Context> {
    let roots = search_roots(folder);
    let knexfile = match roots.iter().find_map(|dir| knexfile::find_in(dir)) {
        Some(path) => Some(knexfile::read(&path)?),
        None => None,
    };
    // The knexfile's own folder first: that is where `npm install` put the project's packages.
    let from_knexfile = knexfile
        .as_ref()
        .and_then(|k| k.path.parent())
        .map(|dir| dir.ancestors().map(Path::to_path_buf).collect::<Vec<_>>())
        .unwrap_or_default();
    let node_modules = from_knexfile
        .iter()
        .chain(&roots)
        .map(|dir| dir.join("node_modules"))
        .find(|modules| modules.join("knex/package.json").is_file());
    Ok(Context {
        knexfile,
        node_modules,
    })
}

/// The dialect the folder's knexfile names, if any.
pub fn folder_dialect(folder: &Path) -> Option<Dialect> {
    context(folder).ok()?.knexfile?.dialect()
}

/// The Knex client to run for `dialect` and the npm package it loads: the knexfile's when it
/// speaks that dialect, else the usual one that is installed.
fn client_for(
    knexfile: Option<&Knexfile>,
    dialect: Dialect,
    node_modules: &Path,
) -> (String, &'static str) {
    let installed = |package: &str| node_modules.join(package).join("package.json").is_file();
    let named = knexfile
        .and_then(|k| k.client.as_deref())
        .filter(|client| knexfile::client_dialect(client) == Some(dialect));
    let package = |client: &str| match client {
        "pg" | "postgres" | "postgresql" => Some("pg"),
        "pgnative" => Some("pg-native"),
        "mysql" => Some("mysql"),
        "mysql2" | "mariadb" => Some("mysql2"),
        "sqlite3" | "sqlite" => Some("sqlite3"),
        "better-sqlite3" => Some("better-sqlite3"),
        _ => None,
    };
    if let Some(client) = named
        && let Some(package) = package(client)
    {
        // Knex has no `mariadb` client; mysql2 speaks to MariaDB.
        let client = if client == "mariadb" {
            "mysql2"
        } else {
            client
        };
        return (client.to_string(), package);
    }
    let (first, second) = match dialect {
        Dialect::Postgres => ("pg", "pg"),
        Dialect::Mysql => ("mysql2", "mysql"),
        Dialect::Sqlite => ("better-sqlite3", "sqlite3"),
    };
    let chosen = if installed(first) { first } else { second };
    (chosen.to_string(), package(chosen).unwrap_or(chosen))
}

fn is_typescript(name: &str) -> bool {
    [".ts", ".cts", ".mts"].iter().any(|e| name.ends_with(e)) && !name.ends_with(".d.ts")
}

/// Apply every migration in `folder` with the project's own Knex to a scratch database of
/// `dialect` (SQLite: a temporary file; else a database made on the scratch server) and read
/// what they built.
pub fn apply(folder: &Path, dialect: Dialect) -> Result<Applied> {
    let shown = folder.display().to_string();
    let context = context(folder)?;
    // Packages the project has not installed are missing tools (exit 5), not bad input.
    let node_modules = context.node_modules.clone().ok_or_else(|| {
        Error::Tool(format!(
            "{shown}: Knex migrations run with the project's own Knex, and no node_modules/knex was found beside the folder, its knexfile or the current directory (or above them): run `npm install knex` in the project"
        ))
    })?;
    let (client, package) = client_for(context.knexfile.as_ref(), dialect, &node_modules);
    if !node_modules.join(package).join("package.json").is_file() {
        return Err(Error::Tool(format!(
            "{shown}: Knex's `{client}` client for {dialect} needs the `{package}` package, which {} does not have: run `npm install {package}` in the project",
            node_modules.display()
        )));
    }
    let folder_abs = std::path::absolute(folder).map_err(|source| Error::Io {
        path: folder.to_path_buf(),
        source,
    })?;
    let names: Vec<String> = std::fs::read_dir(&folder_abs)
        .map_err(|source| Error::Io {
            path: folder.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let ts_node = if names.iter().any(|n| is_typescript(n)) {
        let path = node_modules.join("ts-node");
        if !path.join("package.json").is_file() {
            return Err(Error::Tool(format!(
                "{shown}: TypeScript migrations need the `ts-node` package to load, which {} does not have: run `npm install ts-node typescript` in the project",
                node_modules.display()
            )));
        }
        Some(path)
    } else {
        None
    };
    let table_name = context
        .knexfile
        .as_ref()
        .map_or("knex_migrations", |k| k.table_name())
        .to_string();
    let scratch = live::create_scratch(&scratch_server(dialect)?)?;
    let connection = match dialect {
        Dialect::Sqlite => json!({ "filename": live::sqlite::url_path(&scratch.url)? }),
        _ => json!(scratch.url),
    };
    let out = std::env::temp_dir().join(format!("{}.json", live::unique_scratch_name()));
    let load_extensions = context
        .knexfile
        .as_ref()
        .map(|k| k.load_extensions.clone())
        .filter(|e| !e.is_empty());
    let input = json!({
        "knex": node_modules.join("knex"),
        "tsNode": ts_node,
        "client": client,
        "connection": connection,
        "directory": folder_abs,
        "tableName": table_name,
        "loadExtensions": load_extensions,
        "out": out,
    });
    let workdir = context
        .knexfile
        .as_ref()
        .and_then(|k| k.path.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| folder_abs.clone(), Path::to_path_buf);
    let result = run_driver(&input, &out, &workdir, &shown);
    let _ = std::fs::remove_file(&out);
    let result = result?;
    if let Some(failed) = result.get("failed").and_then(Value::as_str) {
        let error = result.get("error").and_then(Value::as_str).unwrap_or("");
        return Err(failure(folder, failed, error, &result));
    }
    let mut db = live::connect(&scratch.url)?;
    let mut schema = db.introspect()?;
    // The connection closes before the scratch database is dropped.
    drop(db);
    drop(scratch);
    for tracking in [table_name.clone(), format!("{table_name}_lock")] {
        schema.tables.remove(&QName::new(tracking));
    }
    // In the order Knex applied them; a migration that ran no statement still ran.
    let mut migrations: Vec<MigrationSql> = result
        .get("applied")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|file| MigrationSql {
            path: folder.join(file),
            statements: Vec::new(),
        })
        .collect();
    for query in result
        .get("queries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (Some(file), Some(sql)) = (
            query.get("file").and_then(Value::as_str),
            query.get("sql").and_then(Value::as_str),
        ) else {
            continue;
        };
        let path = folder.join(file);
        if let Some(migration) = migrations.iter_mut().find(|m| m.path == path) {
            migration.statements.push(sql.to_string());
        }
    }
    for migration in &mut migrations {
        migration.statements = schema_statements(&migration.statements, &table_name);
    }
    Ok(Applied { schema, migrations })
}

/// Run `run.js` with `input` in `workdir` and read the result it wrote to `out`.
fn run_driver(input: &Value, out: &Path, workdir: &Path, shown: &str) -> Result<Value> {
    let node = std::env::var(NODE_VAR).unwrap_or_else(|_| "node".into());
    let output = Command::new(&node)
        .arg("-e")
        .arg(RUN_JS)
        .env("MIGEN_KNEX_INPUT", input.to_string())
        .current_dir(workdir)
        .output()
        .map_err(|e| {
            Error::tool(
                &node,
                &format!("{shown}: applying the Knex migrations"),
                "Node.js (Debian: apt-get install nodejs), or name it with MIGEN_NODE",
                &e,
            )
        })?;
    let text = std::fs::read_to_string(out).map_err(|_| {
        Error::Usage(format!(
            "{shown}: Knex did not finish:\n{}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        ))
    })?;
    serde_json::from_str::<Value>(&text)
        .map_err(|e| Error::Usage(format!("{shown}: Knex's run gave no result ({e})")))
}

/// A migration that failed: its file, and where in it when Knex's error says.
fn failure(folder: &Path, file: &str, error: &str, result: &Value) -> Error {
    let message = format!("the Knex migration failed: {error}");
    if file.is_empty() {
        return Error::Usage(format!("{}: {message}", folder.display()));
    }
    let path = folder.join(file).display().to_string();
    match result.get("line").and_then(Value::as_u64) {
        Some(line) => Error::parse(
            &path,
            line,
            result.get("column").and_then(Value::as_u64).unwrap_or(1),
            message,
        ),
        None => Error::Usage(format!("{path}: {message}")),
    }
}

/// The statements a migration ran that change or shape the schema: Knex's tracking tables,
/// transaction control and catalog reads left out; the parts of a SQLite table rebuild Knex
/// wraps in a savepoint (create `_knex_temp_alter…`, copy, drop, rename) kept together as one
/// statement, without its row copy.
pub(crate) fn schema_statements(queries: &[String], table_name: &str) -> Vec<String> {
    let lock_table = format!("{table_name}_lock");
    let mut out = Vec::new();
    let mut savepoint: Option<Vec<String>> = None;
    for query in queries {
        let sql = query.trim().trim_end_matches(';').trim();
        let upper = sql.to_ascii_uppercase();
        if upper.starts_with("SAVEPOINT") {
            savepoint = Some(Vec::new());
            continue;
        }
        if upper.starts_with("RELEASE") || upper.starts_with("ROLLBACK TO") {
            let block = savepoint.take().unwrap_or_default();
            if block.iter().any(|s| s.contains("_knex_temp_alter")) {
                let parts: Vec<&String> = block
                    .iter()
                    .filter(|s| !s.to_ascii_uppercase().starts_with("INSERT"))
                    .collect();
                out.push(
                    parts
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(";\n"),
                );
            } else {
                out.extend(block);
            }
            continue;
        }
        let first = upper.split_whitespace().next().unwrap_or("");
        let bookkeeping = [table_name, lock_table.as_str()]
            .iter()
            .any(|table| names_table(sql, table));
        let control = matches!(first, "BEGIN" | "COMMIT" | "ROLLBACK" | "START");
        let read = matches!(first, "SELECT" | "SHOW" | "DESCRIBE" | "EXPLAIN")
            || (first == "PRAGMA" && !sql.contains('='));
        if bookkeeping || control || read || sql.is_empty() {
            continue;
        }
        match savepoint.as_mut() {
            Some(block) => block.push(sql.to_string()),
            None => out.push(sql.to_string()),
        }
    }
    out.extend(savepoint.unwrap_or_default());
    out
}

/// Whether `sql` names `table` as an identifier (bare or quoted), not as part of a longer name.
fn names_table(sql: &str, table: &str) -> bool {
    let bytes = sql.as_bytes();
    sql.match_indices(table).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + table.len()).copied();
        let edge = |c: Option<u8>| c.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == b'_'));
        edge(before) && edge(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookkeeping_is_left_out_and_a_sqlite_rebuild_is_one_statement() {
        let queries: Vec<String> = [
            "select * from sqlite_master where type = 'table' and name = 'knex_migrations'",
            "BEGIN;",
            "update `knex_migrations_lock` set `is_locked` = 1 where `is_locked` = 0",
            "create table `knex_migrations_archive` (`id` integer)",
            "alter table `users` add column `bio` text",
            "PRAGMA table_info(`users`)",
            "SAVEPOINT trx4;",
            "SELECT type, sql FROM sqlite_master",
            "RELEASE SAVEPOINT trx4;",
            "SAVEPOINT trx5;",
            "CREATE TABLE `_knex_temp_alter1` (`id` integer)",
            "INSERT INTO \"_knex_temp_alter1\" SELECT \"id\" FROM \"users\";",
            "DROP TABLE \"users\"",
            "ALTER TABLE \"_knex_temp_alter1\" RENAME TO \"users\"",
            "RELEASE SAVEPOINT trx5;",
            "PRAGMA foreign_keys = ON",
            "insert into `knex_migrations` (`name`) values ('x.js')",
            "COMMIT;",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            schema_statements(&queries, "knex_migrations"),
            [
                "create table `knex_migrations_archive` (`id` integer)",
                "alter table `users` add column `bio` text",
                "CREATE TABLE `_knex_temp_alter1` (`id` integer);\nDROP TABLE \"users\";\nALTER TABLE \"_knex_temp_alter1\" RENAME TO \"users\"",
                "PRAGMA foreign_keys = ON",
            ]
        );
    }
}
