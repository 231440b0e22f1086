//! `migen generate` end to end: for every target, dialect and strategy, the files are written
//! into a fresh folder and the generated test script (which runs the files the way the tool
//! runs them: its order, its transactions) passes on a scratch database. dbmate's own runner
//! also applies and rolls back its files (installed from npm into `.cache/oracles/dbmate`).
//! Servers absent locally skip their part; under `CI=true` they fail it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::{self, SourceSpec, live};

const DBMATE_VERSION: &str = "2.36.0";
const TARGETS: [&str; 5] = ["sql", "golang-migrate", "flyway", "dbmate", "prisma"];

fn example(dialect: Dialect) -> (PathBuf, PathBuf, &'static str) {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let (dir, version) = match dialect {
        Dialect::Sqlite => (shop.clone(), "sqlite:3.40"),
        Dialect::Postgres => (shop.join("postgres"), "postgres:15"),
        Dialect::Mysql => (shop.join("mysql"), "mariadb:10.11"),
    };
    (dir.join("before.sql"), dir.join("after.sql"), version)
}

/// `migen generate` for the shop example into `root`; returns stdout (the written paths).
fn generate(root: &Path, dialect: Dialect, target: &str, strategy: &str, extra: &[&str]) -> String {
    let (before, after, version) = example(dialect);
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args([
            "generate",
            "--dialect",
            dialect.name(),
            "--db-version",
            version,
        ])
        .arg("--from")
        .arg(&before)
        .arg("--to")
        .arg(&after)
        .args(["--rename", "customers.name=full_name", "--name", "shop"])
        .args(["--target", target, "--strategy", strategy])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generate {target} {strategy}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn run_test_script(script: &Path, server: &str) -> (bool, String) {
    let output = Command::new("bash")
        .arg(script)
        .env("MIGEN_TEST_URL", server)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn written(stdout: &str, ending: &str) -> PathBuf {
    stdout
        .lines()
        .find(|line| line.ends_with(ending))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no {ending} among\n{stdout}"))
}

fn generated_tests_pass(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let mut failures = Vec::new();
    for target in TARGETS {
        for strategy in ["direct", "zero-downtime"] {
            let root = tempfile::tempdir().unwrap();
            let stdout = generate(root.path(), dialect, target, strategy, &["--full"]);
            let guide = root.path().join(written(&stdout, "MIGRATION.md"));
            assert!(
                std::fs::read_to_string(guide)
                    .unwrap()
                    .contains("## Rollback")
            );
            let script = root.path().join(written(&stdout, "test.sh"));
            let (passed, output) = run_test_script(&script, &server);
            if !passed || !output.contains("ok: seeded rows after down") {
                failures.push(format!("{target} {strategy}:\n{output}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generated_tests_pass_on_sqlite() {
    generated_tests_pass(Dialect::Sqlite);
}

#[test]
fn generated_tests_pass_on_postgres() {
    generated_tests_pass(Dialect::Postgres);
}

#[test]
fn generated_tests_pass_on_mysql() {
    generated_tests_pass(Dialect::Mysql);
}

#[test]
fn a_generated_test_fails_when_the_migration_is_wrong() {
    let root = tempfile::tempdir().unwrap();
    let stdout = generate(
        root.path(),
        Dialect::Sqlite,
        "sql",
        "direct",
        &["--with-tests"],
    );
    let up = root.path().join(written(&stdout, "up.sql"));
    let text = std::fs::read_to_string(&up).unwrap();
    let broken: String = text
        .lines()
        .filter(|line| !line.contains("RENAME COLUMN"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(text, broken, "the example renames a column");
    std::fs::write(&up, broken).unwrap();
    let (passed, output) = run_test_script(&root.path().join(written(&stdout, "test.sh")), "");
    assert!(!passed, "{output}");
    assert!(output.contains("FAILED: the schema after up"), "{output}");
}

/// dbmate from npm, pinned; `None` (skip) without npm or the registry, outside CI.
fn dbmate() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/oracles/dbmate");
    let binary = root.join("node_modules/.bin/dbmate");
    let works = |binary: &Path| {
        Command::new(binary)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(DBMATE_VERSION))
    };
    if !works(&binary) {
        std::fs::create_dir_all(&root).unwrap();
        let installed = Command::new("npm")
            .current_dir(&root)
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
            ])
            .arg(&root)
            .arg(format!("dbmate@{DBMATE_VERSION}"))
            .output();
        if !installed.is_ok_and(|o| o.status.success()) || !works(&binary) {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("dbmate {DBMATE_VERSION} could not be installed from npm under CI=true");
            }
            eprintln!("skipping dbmate's runner: npm could not install dbmate {DBMATE_VERSION}");
            return None;
        }
    }
    Some(binary)
}

/// What still differs (column order never counts, as in every migen comparison).
fn differences(live: &Schema, wanted: &Schema) -> Vec<String> {
    migen::diff::diff(live, wanted, &migen::diff::RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

fn without_tracking(mut schema: Schema) -> Schema {
    schema.tables.remove(&QName::new("schema_migrations"));
    schema
}

/// dbmate's own runner applies the files (both strategies), then rolls them back one by one.
fn dbmate_runs_the_files(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let Some(dbmate) = dbmate() else {
        return;
    };
    let (before_path, after_path, _) = example(dialect);
    let before = source::load(&SourceSpec::SqlFile(before_path.clone()), dialect).unwrap();
    let after = source::load(&SourceSpec::SqlFile(after_path), dialect).unwrap();
    for strategy in ["direct", "zero-downtime"] {
        let root = tempfile::tempdir().unwrap();
        let stdout = generate(root.path(), dialect, "dbmate", strategy, &[]);
        let files = stdout.lines().count();
        let scratch = live::create_scratch(&server).unwrap();
        let (url, dbmate_url) = match dialect {
            Dialect::Sqlite => {
                let path = root.path().join("test.sqlite3");
                // migen reads existing SQLite files only; dbmate and migen share this one.
                std::fs::write(&path, "").unwrap();
                (
                    format!("sqlite://{}", path.display()),
                    format!("sqlite:{}", path.display()),
                )
            }
            Dialect::Postgres => (
                scratch.url.clone(),
                format!("{}?sslmode=disable", scratch.url),
            ),
            Dialect::Mysql => (scratch.url.clone(), scratch.url.clone()),
        };
        let mut db = live::connect(&url).unwrap();
        db.execute(&std::fs::read_to_string(&before_path).unwrap())
            .unwrap();
        let run = |command: &str| {
            let output = Command::new(&dbmate)
                .current_dir(root.path())
                .args(["--url", &dbmate_url, "--no-dump-schema", command])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "dbmate {command} ({dialect}, {strategy}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        run("migrate");
        let left = differences(&without_tracking(db.introspect().unwrap()), &after);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: dbmate migrate did not reach the target: {left:?}"
        );
        for _ in 0..files {
            run("rollback");
        }
        let left = differences(&without_tracking(db.introspect().unwrap()), &before);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: dbmate rollback did not restore the source: {left:?}"
        );
        drop(db);
        drop(scratch);
    }
}

#[test]
fn dbmate_runs_the_files_on_sqlite() {
    dbmate_runs_the_files(Dialect::Sqlite);
}

#[test]
fn dbmate_runs_the_files_on_postgres() {
    dbmate_runs_the_files(Dialect::Postgres);
}

#[test]
fn dbmate_runs_the_files_on_mysql() {
    dbmate_runs_the_files(Dialect::Mysql);
}
