//! What the database-backed test suites share: the case corpus and the servers.
// Each test crate uses its own part of this module.
#![allow(dead_code)]

pub mod alembic;
pub mod django;
pub mod node;
pub mod oracles;
pub mod sequelize;

use std::path::{Path, PathBuf};

use migen::model::Dialect;
use migen::source::live;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct CaseFile {
    #[serde(rename = "case")]
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    pub before: String,
    pub after: String,
    #[serde(default)]
    pub seed: Option<String>,
    #[serde(default)]
    pub renames: Vec<String>,
    #[serde(default)]
    pub expect: Option<String>,
}

pub fn case_files(dialect: Dialect) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(dialect.name());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// The server for a dialect, or `None` (skip) when it is unreachable outside CI.
pub fn server(dialect: Dialect) -> Option<String> {
    let url = match dialect {
        Dialect::Sqlite => return Some("sqlite://".into()),
        Dialect::Postgres => std::env::var("MIGEN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        Dialect::Mysql => std::env::var("MIGEN_TEST_MYSQL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/".into()),
    };
    match live::create_scratch(&url) {
        Ok(_) => Some(url),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{dialect} server unreachable under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("skipping {dialect} round trips: server unreachable ({e})");
            None
        }
    }
}

/// Empties a PostgreSQL scratch database for reuse: drops every non-system schema (with the
/// tables and types in it) and recreates `public`. Creating a database takes about half a
/// second, emptying one a few milliseconds.
pub const EMPTY_POSTGRES: &str = "DO $$ DECLARE s text; BEGIN \
    FOR s IN SELECT nspname FROM pg_namespace \
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' \
    LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$; \
    CREATE SCHEMA public;";

/// A scratch database per case: PostgreSQL's is reused (emptied with `EMPTY_POSTGRES`), since
/// creating one takes longer than a case; MariaDB's and SQLite's are made anew.
pub struct Scratch {
    pub server: String,
    pub dialect: Dialect,
    pub current: Option<live::Scratch>,
}

impl Scratch {
    pub fn new(server: String, dialect: Dialect) -> Scratch {
        Scratch {
            server,
            dialect,
            current: None,
        }
    }

    /// The URL of an empty database.
    pub fn fresh(&mut self) -> Result<String, String> {
        let reuse = self.dialect == Dialect::Postgres && self.current.is_some();
        if reuse {
            let url = &self.current.as_ref().unwrap().url;
            live::connect(url)
                .and_then(|mut db| db.execute(EMPTY_POSTGRES))
                .map_err(|e| e.to_string())?;
        } else {
            self.current = None;
            self.current = Some(live::create_scratch(&self.server).map_err(|e| e.to_string())?);
        }
        Ok(self.current.as_ref().unwrap().url.clone())
    }
}

/// The cases of one corpus file.
pub fn cases(file: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed: CaseFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    parsed.cases
}

/// A virtual environment under `.cache/oracles/<name>` holding exactly `packages` (pinned),
/// made once; `None` (skip) without Python or the registry, a panic under `CI=true`. A stamp
/// file records what was installed, so a changed pin reinstalls; a file lock keeps parallel
/// test processes (and `tests/oracles.rs` installing ahead of them) out of each other's way.
pub fn python_venv(name: &str, packages: &[&str]) -> Option<PathBuf> {
    use std::process::Command;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cache/oracles")
        .join(name);
    std::fs::create_dir_all(root.parent().unwrap()).unwrap();
    let lock = std::fs::File::create(root.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    let stamp = root.join("installed.txt");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Some(root);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&root)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(root.join("bin/pip"))
            .args(["install", "-q"])
            .args(packages)
            .status()
            .is_ok_and(|s| s.success());
    if !made {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{packages:?} could not be installed under CI=true");
        }
        eprintln!("skipping: pip could not install {packages:?}");
        return None;
    }
    std::fs::write(&stamp, wanted).unwrap();
    Some(root)
}

/// `migen generate` in `root` from the case's before.sql to its after.sql, with `options`;
/// what it printed (the files it wrote). Asserts that it succeeded. The corpus's seeds hold no
/// NULL where a column becomes NOT NULL: no fill is asked (`--no-fill`).
pub fn generate(root: &Path, case: &Case, dialect: Dialect, options: &[&str]) -> String {
    std::fs::write(root.join("before.sql"), &case.before).unwrap();
    std::fs::write(root.join("after.sql"), &case.after).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root)
        .args(["generate", "--from", "before.sql", "--to", "after.sql"])
        .args(["--dialect", dialect.name(), "--no-fill"])
        .args(options)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
