//! Alembic judges migen's revisions for SQLAlchemy model changes. For every case of
//! `tests/alembic_models/cases.toml` (a before and an after set of models), on SQLite,
//! PostgreSQL and MariaDB/MySQL, and for both strategies:
//!
//! 1. migen writes the baseline revision (`empty` → the before models), `alembic upgrade head`
//!    builds it and rows are seeded;
//! 2. migen writes the change (before → after models) into the same versions folder;
//! 3. `alembic upgrade head`, then `alembic check` against the after models' metadata
//!    (types and server defaults compared) must find nothing to do, and migen's introspection
//!    of the database must equal its reading of the after models;
//! 4. `alembic downgrade -N` (N = the revisions the change added) restores the before schema with
//!    the seeded rows intact.
//!
//! All cases share one models module and one database (each keeps to its own `aNN_` tables), so
//! one round covers them all; failures name the cases. `MIGEN_CASE=text` runs only the cases
//! whose name contains `text`. The venv is tests/alembic.rs's (`.cache/oracles/alembic`, pinned
//! in tests/common/alembic.rs).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use common::alembic::{differences, generate, project, run, venv_bin};
use migen::model::Dialect;
use migen::source::{self, SourceSpec, live};
use serde::Deserialize;

const HEADER: &str = r#"import enum, datetime, decimal, uuid
from typing import Optional
from sqlalchemy import (BigInteger, CheckConstraint, Column, DateTime, Double, Enum, Float,
    ForeignKey, Index, Integer, JSON, LargeBinary, MetaData, Numeric, SmallInteger, String,
    Table, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column


class Base(DeclarativeBase):
    pass


class NamedBase(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
"#;

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    before: String,
    after: String,
    #[serde(default)]
    seed: Option<String>,
    #[serde(default)]
    renames: Vec<String>,
    #[serde(default)]
    lossy: bool,
    #[serde(default)]
    only: Option<Vec<String>>,
}

impl Case {
    /// The case's table-name prefix (`a07` for `a07_rename_column`).
    fn prefix(&self) -> &str {
        self.name.split('_').next().unwrap_or(&self.name)
    }

    /// The tables its seed fills, in order of appearance.
    fn seeded_tables(&self) -> Vec<String> {
        let mut tables = Vec::new();
        for statement in self.seed.iter().flat_map(|s| s.split(";\n")) {
            if let Some(table) = statement
                .trim()
                .strip_prefix("INSERT INTO ")
                .and_then(|rest| rest.split_whitespace().next())
                && !tables.iter().any(|t| t == table)
            {
                tables.push(table.to_string());
            }
        }
        tables
    }
}

fn all_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic_models/cases.toml");
    let file: CaseFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    file.cases
}

/// The cases for `dialect`, narrowed by `MIGEN_CASE`.
fn cases(dialect: Dialect) -> Vec<Case> {
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    all_cases()
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .filter(|c| {
            c.only
                .as_ref()
                .is_none_or(|only| only.iter().any(|d| d == dialect.name()))
        })
        .collect()
}

#[test]
fn there_are_at_least_thirty_cases_with_distinct_prefixes() {
    let all = all_cases();
    assert!(all.len() >= 30, "{} cases", all.len());
    let mut prefixes: Vec<&str> = all.iter().map(Case::prefix).collect();
    prefixes.sort();
    prefixes.dedup();
    assert_eq!(prefixes.len(), all.len(), "two cases share a table prefix");
}

/// The cases a message is about: those whose table prefix it mentions.
fn blame(cases: &[Case], text: &str) -> Vec<String> {
    cases
        .iter()
        .filter(|c| text.contains(&format!("{}_", c.prefix())))
        .map(|c| c.name.clone())
        .collect()
}

fn models(cases: &[Case], after: bool) -> String {
    let mut text = HEADER.to_string();
    for case in cases {
        text.push_str(&format!("\n\n# {}\n", case.name));
        text.push_str(if after { &case.after } else { &case.before });
    }
    text
}

/// Rows of the seeded tables, as text, through SQLAlchemy.
fn dump(python: &Path, url: &str, tables: &[String]) -> BTreeMap<String, Vec<Vec<Option<String>>>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic_models/db.py");
    let out = run(
        Command::new(python)
            .arg(&script)
            .arg(url)
            .arg("dump")
            .args(tables),
        "dump rows",
    );
    serde_json::from_str(out.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn seed(python: &Path, url: &str, sql: &str) {
    use std::io::Write;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic_models/db.py");
    let mut child = Command::new(python)
        .arg(&script)
        .arg(url)
        .arg("seed")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "seeding failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn alembic_checks_the_model_changes(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let Some(bin) = venv_bin() else {
        return;
    };
    let (alembic, python) = (bin.join("alembic"), bin.join("python"));
    let cases = cases(dialect);
    let renames: Vec<String> = cases.iter().flat_map(|c| c.renames.clone()).collect();
    let seed_sql: String = cases.iter().filter_map(|c| c.seed.clone()).collect();
    for strategy in ["direct", "zero-downtime"] {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path();
        let database = project(&alembic, dialect, &server, root);
        // The test's env.py: every MetaData of models.py, types and server defaults compared.
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alembic_models/env.py"),
            root.join("alembic/env.py"),
        )
        .unwrap();
        std::fs::create_dir(root.join("states")).unwrap();
        std::fs::write(root.join("states/before.py"), models(&cases, false)).unwrap();
        std::fs::write(root.join("states/after.py"), models(&cases, true)).unwrap();
        let before_models =
            source::load(&SourceSpec::SqlFile(root.join("states/before.py")), dialect).unwrap();
        let after_models =
            source::load(&SourceSpec::SqlFile(root.join("states/after.py")), dialect).unwrap();
        let generate = |args: &[&str]| generate(root, dialect, args);
        let alembic_run = |args: &[&str]| {
            run(
                Command::new(&alembic).current_dir(root).args(args),
                &format!("{dialect} {strategy}: alembic {args:?}"),
            )
        };
        let what = format!("{dialect} {strategy}");

        // 1. The before state, seeded.
        std::fs::copy(root.join("states/before.py"), root.join("models.py")).unwrap();
        generate(&[
            "--from",
            "empty",
            "--to",
            "states/before.py",
            "--name",
            "init",
        ]);
        alembic_run(&["upgrade", "head"]);
        seed(&python, &database.sqlalchemy_url, &seed_sql);
        let seeded: Vec<String> = cases.iter().flat_map(Case::seeded_tables).collect();
        let rows_before = dump(&python, &database.sqlalchemy_url, &seeded);

        // 2. The change.
        let mut args = vec![
            "--from",
            "states/before.py",
            "--to",
            "states/after.py",
            "--strategy",
            strategy,
            "--name",
            "change",
            // Dropped columns and tables are cases of their own.
            "--allow-data-loss",
        ];
        for rename in &renames {
            args.extend(["--rename", rename.as_str()]);
        }
        let written = generate(&args);
        let revisions = written.lines().filter(|l| l.ends_with(".py")).count();
        assert!(revisions > 0, "{what}: no revision written: {written}");
        let texts: Vec<String> = written
            .lines()
            .filter(|l| l.ends_with(".py"))
            .map(|l| std::fs::read_to_string(root.join(l.trim())).unwrap())
            .collect();
        assert_native_operations(dialect, strategy, &texts, &cases);

        // 3. Upgrade, then Alembic's own comparison with the after models.
        std::fs::copy(root.join("states/after.py"), root.join("models.py")).unwrap();
        alembic_run(&["upgrade", "head"]);
        let check = Command::new(&alembic)
            .current_dir(root)
            .arg("check")
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(
            check.status.success() && said.contains("No new upgrade operations detected"),
            "{what}: alembic check found differences in {:?}:\n{said}",
            blame(&cases, &said)
        );
        // The check is live: a model the database lacks, and a changed default (a29's), are
        // reported.
        let control = models(&cases, true)
            .replace("server_default=\"dark\"", "server_default=\"dim\"")
            + "\n\nclass ZzControl(Base):\n    __tablename__ = \"zz_control\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n";
        std::fs::write(root.join("models.py"), &control).unwrap();
        let check = Command::new(&alembic)
            .current_dir(root)
            .arg("check")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&check.stdout);
        let default_changed = control.contains("\"dim\"");
        assert!(
            !check.status.success()
                && said.contains("'add_table', Table('zz_control'")
                && (!default_changed || said.contains("'modify_default', None, 'a29_settings'")),
            "{what}: alembic check missed a table the database lacks or a changed default: {said}{}",
            String::from_utf8_lossy(&check.stderr)
        );
        std::fs::copy(root.join("states/after.py"), root.join("models.py")).unwrap();
        let mut db = live::connect(&database.url).unwrap();
        let left = differences(&db.introspect().unwrap(), &after_models);
        assert!(
            left.is_empty(),
            "{what}: after upgrade head the database differs from the after models in {:?}: {left:#?}",
            blame(&cases, &left.join("\n"))
        );

        // 4. Back to the start, rows intact.
        alembic_run(&["downgrade", &format!("-{revisions}")]);
        let left = differences(&db.introspect().unwrap(), &before_models);
        assert!(
            left.is_empty(),
            "{what}: downgrade -{revisions} left differences in {:?}: {left:#?}",
            blame(&cases, &left.join("\n"))
        );
        drop(db);
        let rows_after = dump(&python, &database.sqlalchemy_url, &seeded);
        for case in &cases {
            for table in case.seeded_tables() {
                let keep = |rows: &Vec<Vec<Option<String>>>| -> Vec<Vec<Option<String>>> {
                    if case.lossy {
                        rows.iter().map(|r| r[..1].to_vec()).collect()
                    } else {
                        rows.clone()
                    }
                };
                assert_eq!(
                    keep(&rows_after[&table]),
                    keep(&rows_before[&table]),
                    "{what}: {}: the rows of {table} changed over upgrade and downgrade",
                    case.name
                );
            }
        }
    }
}

/// The SQL statements of `op.execute(\"\"\"…\"\"\")` calls in a revision.
fn executed_sql(text: &str) -> Vec<String> {
    text.split("op.execute(\"\"\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\"\"\")").map(|(sql, _)| sql.to_string()))
        .collect()
}

/// Whether Alembic has no operation for `sql`, so `op.execute` is the right way to say it:
/// session settings (lock guards, SQLite's foreign-key switch) and PostgreSQL enum types.
fn only_sql_says(sql: &str) -> bool {
    [
        "SET ",
        "PRAGMA ",
        "CREATE TYPE ",
        "DROP TYPE ",
        "ALTER TYPE ",
    ]
    .iter()
    .any(|prefix| sql.starts_with(prefix))
}

/// The revisions use Alembic's own operations: in the direct strategy every statement that has
/// an operation is written as one, and on SQLite table rebuilds are batch mode. In the
/// zero-downtime strategy migen's online steps (backfills, NOT VALID, VALIDATE) stay SQL, but
/// the schema changes around them are operations too.
fn assert_native_operations(dialect: Dialect, strategy: &str, texts: &[String], cases: &[Case]) {
    let all = texts.join("\n");
    // (operation, a case that needs it)
    let operations = [
        ("op.create_table(", "a25_create_table"),
        ("op.add_column(", "a01_add_nullable_string"),
        ("op.create_index(", "a12_add_index"),
    ];
    for (operation, case) in operations {
        assert!(
            !cases.iter().any(|c| c.name == case) || all.contains(operation),
            "{dialect} {strategy}: no {operation} in the revisions:\n{all}"
        );
    }
    let rebuilds_sqlite = cases
        .iter()
        .any(|c| c.name.contains("nullable_to_not_null"));
    if dialect == Dialect::Sqlite && rebuilds_sqlite {
        assert!(
            all.contains("with op.batch_alter_table(") && !all.contains("_migen_new_"),
            "{dialect} {strategy}: SQLite rebuilds are not batch mode:\n{all}"
        );
    }
    if strategy == "direct" {
        let raw: Vec<String> = executed_sql(&all)
            .into_iter()
            .filter(|sql| !only_sql_says(sql))
            .collect();
        assert!(
            raw.is_empty(),
            "{dialect}: statements written as SQL where Alembic has an operation: {raw:#?}"
        );
    }
}

#[test]
fn alembic_checks_the_model_changes_on_sqlite() {
    alembic_checks_the_model_changes(Dialect::Sqlite);
}

#[test]
fn alembic_checks_the_model_changes_on_postgres() {
    alembic_checks_the_model_changes(Dialect::Postgres);
}

#[test]
fn alembic_checks_the_model_changes_on_mysql() {
    alembic_checks_the_model_changes(Dialect::Mysql);
}
