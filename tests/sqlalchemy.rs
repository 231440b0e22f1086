//! SQLAlchemy itself judges migen's SQLAlchemy reader. For every case of
//! `tests/sqlalchemy/cases.toml` (a models.py body) on SQLite, PostgreSQL and MariaDB/MySQL:
//! `metadata.create_all()` builds a scratch database, which migen introspects; that must equal
//! what migen's static reader makes of the same file, and what `load_exact` (the project's
//! Python compiling the DDL) makes of it. Cases with `error` must fail in SQLAlchemy and be
//! refused by the static reader with that message; cases with `exact_only` are refused by the
//! static reader (with that message) and must still be right in exact mode.
//!
//! SQLAlchemy, Alembic and the drivers are pinned (tests/common/alembic.rs) and installed into
//! the venv the Alembic tests use, `.cache/oracles/alembic`, on first use; one Python process per
//! dialect builds all cases.
//! Without python3 or a server the test is skipped locally and fails under `CI=true`.
//! `MIGEN_CASE=text` runs only the cases whose name contains `text`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use migen::diff::{self, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::source::{live, sqlalchemy};
use serde::Deserialize;

mod common;

const HEADER: &str = "import enum, datetime, decimal, uuid
from typing import Optional
import sqlalchemy as sa
from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Double,
    Enum, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, Interval, JSON, LargeBinary,
    MetaData, Numeric, SmallInteger, String, Table, Text, Time, UniqueConstraint, Uuid, func, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column, relationship
";

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    models: String,
    #[serde(default)]
    only: Option<Vec<String>>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    exact_only: Option<String>,
}

/// The venv's python: tests/alembic.rs's venv and pins (tests/common/alembic.rs).
fn oracle_python() -> Option<PathBuf> {
    common::alembic::venv_bin().map(|bin| bin.join("python"))
}

fn cases(dialect: Dialect) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sqlalchemy/cases.toml");
    let file: CaseFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    file.cases
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .filter(|c| {
            c.only
                .as_ref()
                .is_none_or(|only| only.iter().any(|d| d == dialect.name()))
        })
        .collect()
}

/// migen's scratch URL in SQLAlchemy's spelling, with the drivers the venv has.
fn sqlalchemy_url(url: &str) -> String {
    if let Some(path) = url.strip_prefix("sqlite://") {
        format!("sqlite:///{path}")
    } else if let Some(rest) = url.strip_prefix("postgres://") {
        format!("postgresql+psycopg://{rest}")
    } else if let Some(rest) = url.strip_prefix("mysql://") {
        format!("mysql+pymysql://{rest}")
    } else {
        url.to_string()
    }
}

fn differences(actual: &Schema, expected: &Schema) -> String {
    diff::diff(actual, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join("; ")
}

fn run(dialect: Dialect) {
    let started = std::time::Instant::now();
    let Some(server) = common::server(dialect) else {
        return;
    };
    let Some(python) = oracle_python() else {
        return;
    };
    let cases = cases(dialect);
    let work = std::env::temp_dir().join(live::unique_scratch_name());
    let mut scratches = Vec::new();
    let mut requests = String::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = work.join(&case.name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("models.py"), format!("{HEADER}{}", case.models)).unwrap();
        let scratch = live::create_scratch(&server).expect("scratch database");
        requests.push_str(
            &serde_json::json!({
                "dir": dir.display().to_string(),
                "module": format!("migen_case_{i}"),
                "url": sqlalchemy_url(&scratch.url),
            })
            .to_string(),
        );
        requests.push('\n');
        scratches.push(scratch);
    }
    // One Python process builds every case's database.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sqlalchemy/oracle.py");
    let mut child = Command::new(&python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(requests.as_bytes())
        .unwrap();
    let replies: Vec<serde_json::Value> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert!(child.wait().unwrap().success(), "the oracle script failed");
    assert_eq!(replies.len(), cases.len(), "one reply per case");

    // The exact mode runs this Python too.
    // SAFETY of set_var: the value is the same for every test thread that sets it.
    unsafe { std::env::set_var("MIGEN_PYTHON", &python) };
    let mut failures = Vec::new();
    for ((case, reply), scratch) in cases.iter().zip(&replies).zip(&scratches) {
        let dir = work.join(&case.name);
        let file = dir.join("models.py");
        let outcome = check(dialect, case, reply, &scratch.url, &dir, &file);
        if let Err(why) = outcome {
            failures.push(format!("{} ({dialect}): {why}", case.name));
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    eprintln!(
        "{dialect}: {} SQLAlchemy cases, {} failed, {:.1}s",
        cases.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check(
    dialect: Dialect,
    case: &Case,
    reply: &serde_json::Value,
    url: &str,
    dir: &Path,
    file: &Path,
) -> Result<(), String> {
    let stat = sqlalchemy::load(file, dialect).map(|(schema, _)| schema);
    if let Some(error) = reply.get("error").and_then(|e| e.as_str()) {
        let Some(expected) = &case.error else {
            return Err(format!("SQLAlchemy refused the models: {error}"));
        };
        return match stat {
            Err(e) if e.to_string().contains(expected.as_str()) => Ok(()),
            Err(e) => Err(format!("migen's error {e:?} does not say {expected:?}")),
            Ok(_) => Err(format!(
                "SQLAlchemy refused ({error}) but migen read the models"
            )),
        };
    }
    if case.error.is_some() {
        return Err("SQLAlchemy built the models that should fail".into());
    }
    let live = live::connect(url)
        .and_then(|mut db| db.introspect())
        .map_err(|e| e.to_string())?;
    let exact = sqlalchemy::load_exact(dir, dialect).map_err(|e| format!("exact mode: {e}"))?;
    let wrong = differences(&live, &exact);
    if !wrong.is_empty() {
        return Err(format!(
            "exact mode differs from SQLAlchemy's database: {wrong}\n--- SQLAlchemy DDL:\n{}",
            sqlalchemy::exact_ddl(dir, dialect).unwrap_or_default()
        ));
    }
    if let Some(expected) = &case.exact_only {
        return match stat {
            Err(e) if e.to_string().contains(expected.as_str()) => Ok(()),
            Err(e) => Err(format!("migen's error {e} does not say {expected:?}")),
            Ok(_) => Err("the static reader should have refused this".into()),
        };
    }
    let stat = stat.map_err(|e| format!("static reader: {e}"))?;
    let wrong = differences(&live, &stat);
    if !wrong.is_empty() {
        let files = sqlalchemy::model_files(file).unwrap();
        return Err(format!(
            "static reading differs from SQLAlchemy's database: {wrong}\n--- migen's DDL:\n{}\n--- SQLAlchemy DDL:\n{}",
            sqlalchemy::ddl(&files, dialect).unwrap_or_default(),
            sqlalchemy::exact_ddl(dir, dialect).unwrap_or_default()
        ));
    }
    Ok(())
}

#[test]
fn sqlalchemy_sqlite() {
    run(Dialect::Sqlite);
}

#[test]
fn sqlalchemy_postgres() {
    run(Dialect::Postgres);
}

#[test]
fn sqlalchemy_mysql() {
    run(Dialect::Mysql);
}

/// Models with a column built by a helper function, which only running Python resolves.
const HELPER_MODELS: &str = "from sqlalchemy import Numeric\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\ndef money():\n    return mapped_column(Numeric(12, 2), nullable=False)\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Item(Base):\n    __tablename__ = \"items\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    price: Mapped[float] = money()\n";

/// `--exact` on the command line: a model built by a helper is refused by the static reader
/// (exit 2, with its position) and planned once the project's own Python reads it.
#[test]
fn exact_mode_reads_what_the_static_reader_cannot() {
    let Some(python) = oracle_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models.py");
    std::fs::write(&models, HELPER_MODELS).unwrap();
    let plan = |exact: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_migen"));
        command
            .current_dir(dir.path())
            .env("MIGEN_PYTHON", &python)
            .args([
                "plan",
                "--from",
                "empty",
                "--to",
                "models.py",
                "--dialect",
                "postgres",
            ]);
        if exact {
            command.arg("--exact");
        }
        command.output().unwrap()
    };
    let refused = plan(false);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("models.py:") && stderr.contains("exact"),
        "{stderr}"
    );
    let planned = plan(true);
    let stdout = String::from_utf8_lossy(&planned.stdout);
    assert!(
        planned.status.success(),
        "{}",
        String::from_utf8_lossy(&planned.stderr)
    );
    assert!(stdout.contains("price numeric(12,2) NOT NULL"), "{stdout}");
}

/// `--exact` with the default before: the models at git HEAD are read by the project's Python
/// from a checkout, the working tree's as they are.
#[test]
fn exact_mode_reads_the_models_at_git_head_too() {
    let Some(python) = oracle_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("models.py"), HELPER_MODELS).unwrap();
    let git = |args: &[&str]| {
        let done = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .unwrap();
        assert!(done.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "items"]);
    std::fs::write(
        dir.path().join("models.py"),
        format!("{HELPER_MODELS}    cost: Mapped[float] = money()\n"),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(dir.path())
        .env("MIGEN_PYTHON", &python)
        .args([
            "plan",
            "--to",
            "models.py",
            "--dialect",
            "postgres",
            "--exact",
            // The table holds no rows: the NOT NULL column needs no fill.
            "--no-fill",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("-- migen plan (postgres, direct): 1 changes"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ADD COLUMN cost numeric(12,2) NOT NULL"),
        "{stdout}"
    );
}
