//! Alembic's own runner applies migen's revisions: `alembic upgrade head` reaches the target
//! schema and `alembic downgrade` back to the first revision restores the source, for both
//! strategies on SQLite, PostgreSQL and MariaDB. Alembic and SQLAlchemy (pinned) are installed
//! into `.cache/oracles/alembic`; without Python or the registry the test is skipped locally
//! and fails under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::{self, SourceSpec, live};

const PACKAGES: &[&str] = &[
    "alembic==1.20.1",
    "sqlalchemy==2.1.9",
    "psycopg[binary]==3.3.9",
    "PyMySQL==1.2.4",
];

static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The venv's `alembic`, installing it once.
fn alembic() -> Option<PathBuf> {
    let _installing = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    common::python_venv("alembic", PACKAGES).map(|root| root.join("bin/alembic"))
}

fn example(dialect: Dialect) -> (PathBuf, PathBuf) {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let dir = match dialect {
        Dialect::Sqlite => shop,
        Dialect::Postgres => shop.join("postgres"),
        Dialect::Mysql => shop.join("mysql"),
    };
    (dir.join("before.sql"), dir.join("after.sql"))
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what}: {text}");
    text
}

fn differences(live: &Schema, wanted: &Schema) -> Vec<String> {
    let mut live = live.clone();
    live.tables.remove(&QName::new("alembic_version"));
    migen::diff::diff(&live, wanted, &migen::diff::RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

fn alembic_runs_the_revisions(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let Some(alembic) = alembic() else {
        return;
    };
    let (before_path, after_path) = example(dialect);
    let before = source::load(&SourceSpec::SqlFile(before_path.clone()), dialect).unwrap();
    let after = source::load(&SourceSpec::SqlFile(after_path.clone()), dialect).unwrap();
    for strategy in ["direct", "zero-downtime"] {
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        run(
            Command::new(&alembic)
                .current_dir(root)
                .args(["init", "alembic"]),
            "alembic init",
        );
        let scratch = live::create_scratch(&server).unwrap();
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
        let ini = root.join("alembic.ini");
        let text = std::fs::read_to_string(&ini).unwrap();
        let text: String = text
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
        let migen = |args: &[&str]| {
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
                ])
                .args(args);
            run(&mut command, "migen generate")
        };
        let before_text = before_path.display().to_string();
        let after_text = after_path.display().to_string();
        migen(&["--from", "empty", "--to", &before_text, "--name", "init"]);
        let written = migen(&[
            "--from",
            &before_text,
            "--to",
            &after_text,
            "--rename",
            "customers.name=full_name",
            "--strategy",
            strategy,
            "--name",
            "shop",
        ]);
        let revisions = written.lines().filter(|l| l.ends_with(".py")).count();
        run(
            Command::new(&alembic)
                .current_dir(root)
                .args(["upgrade", "head"]),
            "alembic upgrade head",
        );
        let mut db = live::connect(&url).unwrap();
        let left = differences(&db.introspect().unwrap(), &after);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: upgrade head left {left:?}"
        );
        run(
            Command::new(&alembic)
                .current_dir(root)
                .args(["downgrade", &format!("-{revisions}")]),
            "alembic downgrade",
        );
        let left = differences(&db.introspect().unwrap(), &before);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: downgrade left {left:?}"
        );
        drop(db);
        drop(scratch);
    }
}

#[test]
fn alembic_runs_the_revisions_on_sqlite() {
    alembic_runs_the_revisions(Dialect::Sqlite);
}

#[test]
fn alembic_runs_the_revisions_on_postgres() {
    alembic_runs_the_revisions(Dialect::Postgres);
}

#[test]
fn alembic_runs_the_revisions_on_mysql() {
    alembic_runs_the_revisions(Dialect::Mysql);
}
