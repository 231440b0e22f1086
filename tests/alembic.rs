//! Alembic's own runner applies migen's revisions: `alembic upgrade head` reaches the target
//! schema and `alembic downgrade` back to the first revision restores the source, for both
//! strategies on SQLite, PostgreSQL and MariaDB. Alembic and SQLAlchemy (pinned in
//! tests/common/alembic.rs) are installed into `.cache/oracles/alembic`; without Python or the registry the test is skipped locally
//! and fails under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::alembic::{differences, generate, project, run, venv_bin};
use migen::model::Dialect;
use migen::source::{self, SourceSpec, live};

/// The venv's `alembic`, installing it once.
fn alembic() -> Option<PathBuf> {
    venv_bin().map(|bin| bin.join("alembic"))
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
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path();
        let database = project(&alembic, dialect, &server, root);
        let migen = |args: &[&str]| generate(root, dialect, args);
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
        let mut db = live::connect(&database.url).unwrap();
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
