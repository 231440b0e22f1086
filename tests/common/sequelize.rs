//! Sequelize's side of the judges (tests/sequelize.rs, tests/sequelize_models.rs,
//! tests/sequelize_changes.rs): `sync()` of a models folder, rows read and inserted through
//! Sequelize, and sequelize-cli run on a project whose config names a scratch database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::live;
use serde_json::{Value, json};

use super::node::NodeScript;

/// Rows by table (`schema.name` or `name`), each a column → value-as-text map.
pub type Rows = BTreeMap<String, Vec<BTreeMap<String, Option<String>>>>;

fn manifest_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Sequelize's name of a dialect (MariaDB is served by `mysql`).
pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
    }
}

/// Sequelize's connection options for a scratch database.
pub fn connection(dialect: Dialect, url: &str) -> Value {
    match dialect {
        Dialect::Sqlite => {
            json!({ "dialect": "sqlite", "storage": url.trim_start_matches("sqlite://") })
        }
        _ => json!({ "dialect": dialect_name(dialect), "url": url }),
    }
}

/// The database's schema without sequelize-cli's bookkeeping table.
pub fn live_schema(url: &str) -> Result<Schema, String> {
    let mut schema = live::connect(url)
        .and_then(|mut db| db.introspect())
        .map_err(|e| e.to_string())?;
    schema.tables.retain(|name, _| name.name != "SequelizeMeta");
    Ok(schema)
}

/// One node process that `sync()`s model folders (tests/sequelize_models/oracle.js).
pub struct Syncer(NodeScript);

impl Syncer {
    pub fn start(oracle: &Path) -> Syncer {
        let mut command = Command::new("node");
        command
            .arg(manifest_path("tests/sequelize_models/oracle.js"))
            .env("NODE_PATH", oracle.join("node_modules"));
        Syncer(NodeScript::start(command))
    }

    /// Sequelize syncs the models of `models` into the scratch database `url`.
    pub fn sync(&mut self, models: &Path, dialect: Dialect, url: &str) -> Result<(), String> {
        let mut files: Vec<String> = std::fs::read_dir(models)
            .map_err(|e| format!("{}: {e}", models.display()))?
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        files.sort();
        let target = match dialect {
            Dialect::Sqlite => url.trim_start_matches("sqlite://").to_string(),
            _ => url.to_string(),
        };
        let reply = self.0.ask(&json!({
            "files": files,
            "dialect": dialect_name(dialect),
            "target": target,
        }))?;
        match reply.get("error") {
            Some(error) => Err(error.as_str().unwrap_or_default().to_string()),
            None => Ok(()),
        }
    }
}

/// One node process reading and inserting rows through Sequelize (tests/sequelize/dump.js).
pub struct Dumper(NodeScript);

impl Dumper {
    pub fn start(oracle: &Path) -> Dumper {
        let mut command = Command::new("node");
        command
            .arg(manifest_path("tests/sequelize/dump.js"))
            .env("NODE_PATH", oracle.join("node_modules"));
        Dumper(NodeScript::start(command))
    }

    fn ask(&mut self, mut request: Value, dialect: Dialect, url: &str) -> Result<Value, String> {
        for (key, value) in connection(dialect, url).as_object().unwrap() {
            request[key] = value.clone();
        }
        let reply = self.0.ask(&request)?;
        if let Some(error) = reply.get("error") {
            return Err(format!("dump: {}", error.as_str().unwrap_or_default()));
        }
        Ok(reply)
    }

    /// Every row of `tables`, values as text.
    pub fn rows(&mut self, dialect: Dialect, url: &str, tables: &[QName]) -> Result<Rows, String> {
        let tables: Vec<Value> = tables.iter().map(|t| json!([t.schema, t.name])).collect();
        let reply = self.ask(json!({ "tables": tables }), dialect, url)?;
        serde_json::from_value(reply["rows"].clone()).map_err(|e| e.to_string())
    }

    /// Inserts `rows` (`[[table, [{column: value}]]]`, tables in order) with
    /// `queryInterface.bulkInsert`.
    pub fn insert(&mut self, dialect: Dialect, url: &str, rows: &Value) -> Result<(), String> {
        self.ask(json!({ "insert": rows }), dialect, url)
            .map(|_| ())
    }
}

/// A sequelize-cli project whose `config/config.json` names one scratch database under the
/// environment `migen`, and whose `config/config.js` (tests/sequelize/config.js) logs every
/// statement Sequelize sends to `config/sent.jsonl`.
pub struct CliProject {
    oracle: PathBuf,
    pub root: tempfile::TempDir,
}

impl CliProject {
    pub fn new(oracle: &Path, dialect: Dialect, url: &str) -> Result<CliProject, String> {
        let root = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config = root.path().join("config");
        std::fs::create_dir_all(&config).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(root.path().join("migrations")).map_err(|e| e.to_string())?;
        let json = json!({ "migen": connection(dialect, url) });
        std::fs::write(config.join("config.json"), format!("{json:#}\n"))
            .map_err(|e| e.to_string())?;
        std::fs::copy(
            manifest_path("tests/sequelize/config.js"),
            config.join("config.js"),
        )
        .map_err(|e| e.to_string())?;
        Ok(CliProject {
            oracle: oracle.to_path_buf(),
            root,
        })
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// One sequelize-cli command (`db:migrate`, `db:migrate:undo`, …) on the project's
    /// `migrations/`; the statements Sequelize sent for the migrations (its own bookkeeping,
    /// transactions and connection checks left out).
    pub fn cli(&self, command: &str) -> Result<Vec<String>, String> {
        let sent = self.path().join("config/sent.jsonl");
        let _ = std::fs::remove_file(&sent);
        let out = Command::new("node")
            .arg(self.oracle.join("node_modules/.bin/sequelize-cli"))
            .arg(command)
            .args(["--env", "migen", "--config"])
            .arg(self.path().join("config/config.js"))
            .arg("--migrations-path")
            .arg(self.path().join("migrations"))
            // sequelize-cli finds sequelize and the drivers from its working folder.
            .current_dir(&self.oracle)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "sequelize-cli {command} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let log = std::fs::read_to_string(&sent).unwrap_or_default();
        let mut statements = Vec::new();
        for line in log.lines() {
            let logged: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            if logged["type"] == "SHOWTABLES" {
                continue;
            }
            let logged = logged["sql"].as_str().unwrap_or_default();
            // `Executing (default): <sql>`, `Executing (<transaction id>): <sql>`.
            let sql = logged
                .split_once("): ")
                .map(|(_, sql)| sql)
                .unwrap_or(logged);
            if !own(sql) {
                statements.push(sql.to_string());
            }
        }
        Ok(statements)
    }
}

/// What Sequelize logs that is sequelize-cli's and Sequelize's own: the SequelizeMeta
/// bookkeeping, the transactions around the files' statements and connection checks (the
/// table listing sequelize-cli starts with is told apart by its query type).
fn own(sql: &str) -> bool {
    let lower = sql.trim().to_ascii_lowercase();
    sql.contains("SequelizeMeta")
        || [
            "begin",
            "commit",
            "rollback",
            "start transaction",
            "set autocommit",
            "select 1+1 as result",
        ]
        .iter()
        .any(|own| lower.starts_with(own))
}
