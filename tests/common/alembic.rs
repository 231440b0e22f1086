//! What tests/alembic.rs and tests/alembic_models.rs share: the pinned venv, a scratch database
//! with its SQLAlchemy URL, and an Alembic project pointing at it.

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::live;

/// Exact versions, so the oracle does not move under the tests.
pub const PACKAGES: &[&str] = &[
    "alembic==1.20.1",
    "sqlalchemy==2.1.9",
    "psycopg[binary]==3.3.9",
    "PyMySQL==1.2.4",
];

static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The venv's `bin` folder (alembic, python), installing it once.
pub fn venv_bin() -> Option<PathBuf> {
    let _installing = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    super::python_venv("alembic", PACKAGES).map(|root| root.join("bin"))
}

/// Run a command that must succeed; its stdout and stderr.
pub fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what}: {text}");
    text
}

/// A scratch database for one round: migen's URL and SQLAlchemy's for the same database.
pub struct Database {
    /// Dropped with the round (a SQLite file lives in the project folder instead).
    pub scratch: live::Scratch,
    pub url: String,
    pub sqlalchemy_url: String,
}

/// A scratch database and an Alembic project in `root` pointing at it (`alembic init alembic`).
pub fn project(alembic: &Path, dialect: Dialect, server: &str, root: &Path) -> Database {
    let database = database(dialect, server, root);
    init_project(alembic, root, &database.sqlalchemy_url);
    database
}

fn database(dialect: Dialect, server: &str, root: &Path) -> Database {
    let scratch = live::create_scratch(server).unwrap();
    let (url, sqlalchemy_url) = match dialect {
        Dialect::Sqlite => {
            let path = root.join("test.db");
            std::fs::write(&path, "").unwrap();
            (
                format!("sqlite://{}", path.display()),
                format!("sqlite:///{}", path.display()),
            )
        }
        Dialect::Postgres => (
            scratch.url.clone(),
            scratch
                .url
                .replacen("postgres://", "postgresql+psycopg://", 1),
        ),
        Dialect::Mysql => (
            scratch.url.clone(),
            scratch.url.replacen("mysql://", "mysql+pymysql://", 1),
        ),
    };
    Database {
        scratch,
        url,
        sqlalchemy_url,
    }
}

/// `alembic init alembic` in `root`, with `alembic.ini` pointing at `sqlalchemy_url`.
fn init_project(alembic: &Path, root: &Path, sqlalchemy_url: &str) {
    run(
        Command::new(alembic)
            .current_dir(root)
            .args(["init", "alembic"]),
        "alembic init",
    );
    let ini = root.join("alembic.ini");
    let text: String = std::fs::read_to_string(&ini)
        .unwrap()
        .lines()
        .map(|line| {
            if line.starts_with("sqlalchemy.url") {
                format!("sqlalchemy.url = {}\n", sqlalchemy_url.replace('%', "%%"))
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&ini, text).unwrap();
}

/// `migen generate --target alembic` in `root` with `args`; what it printed.
pub fn generate(root: &Path, dialect: Dialect, args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migen"));
    command
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args([
            "generate",
            "--target",
            "alembic",
            "--dialect",
            dialect.name(),
            // The judges' seeds hold no NULL where a column becomes NOT NULL.
            "--no-fill",
        ])
        .args(args);
    run(&mut command, &format!("{dialect}: migen generate {args:?}"))
}

/// What migen plans from the live database to `wanted` (Alembic's own table left out).
pub fn differences(live: &Schema, wanted: &Schema) -> Vec<String> {
    let mut live = live.clone();
    live.tables.remove(&QName::new("alembic_version"));
    migen::diff::diff(&live, wanted, &migen::diff::RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}
