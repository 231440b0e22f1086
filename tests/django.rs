//! Django itself judges migen's Django reader. Every case of `tests/django/cases.toml` becomes
//! one app of a single Django project (so one `makemigrations` and one `migrate` cover them
//! all); Django builds a scratch database from it, migen introspects that database, and each
//! case's tables must equal what migen's reader derives from the same models.py files
//! (Django's own `django_migrations` table aside).
//!
//! Django is pinned and installed with pip into `.cache/oracles/django` on first use. Without
//! python3 (or a server) the test is skipped locally and fails under `CI=true`.
//! `MIGEN_CASE=text` runs only the cases whose name contains `text`.

use std::path::Path;
use std::process::Command;

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::source::{django, live};
use serde::Deserialize;

mod common;

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    models: Option<String>,
    /// Other files of the app (a `models/` package, a mixin module), by path in the app.
    #[serde(default)]
    files: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    apps_py: Option<String>,
    #[serde(default)]
    only: Option<String>,
    #[serde(default)]
    skip: Option<String>,
}

fn cases(dialect: Dialect) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/django/cases.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: CaseFile = toml::from_str(&text).unwrap();
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    parsed
        .cases
        .into_iter()
        .filter(|c| c.name.contains(&filter))
        .filter(|c| c.only.as_deref().is_none_or(|o| o == dialect.name()))
        .filter(|c| c.skip.as_deref() != Some(dialect.name()))
        .collect()
}

fn write_project(dir: &Path, cases: &[Case]) {
    let apps: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    common::django::write_settings(dir, &apps);
    for case in cases {
        let app = dir.join(&case.name);
        std::fs::create_dir_all(app.join("migrations")).unwrap();
        std::fs::write(app.join("__init__.py"), "").unwrap();
        std::fs::write(app.join("migrations/__init__.py"), "").unwrap();
        if let Some(models) = &case.models {
            std::fs::write(app.join("models.py"), models).unwrap();
        }
        for (path, text) in &case.files {
            let file = app.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        if let Some(apps_py) = &case.apps_py {
            std::fs::write(app.join("apps.py"), apps_py).unwrap();
        }
    }
}

fn manage(python: &Path, dir: &Path, env: &[(String, String)], args: &[&str]) {
    let out = Command::new(python)
        .arg("manage.py")
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("running python");
    assert!(
        out.status.success(),
        "manage.py {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The tables of one case (its app label prefixes them; `db_table` cases keep the prefix).
fn only_case(schema: &Schema, case: &str) -> Schema {
    let prefix = case.split('_').next().unwrap_or(case);
    let mut out = schema.clone();
    out.tables
        .retain(|name, _| name.name.starts_with(&format!("{prefix}_")));
    out
}

fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

fn run_dialect(dialect: Dialect) {
    let Some(python) = common::django::oracle_python() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let cases = cases(dialect);
    assert!(!cases.is_empty(), "no cases");
    let project = tempfile::tempdir().unwrap();
    write_project(project.path(), &cases);
    let scratch = live::create_scratch(&server).unwrap();
    let env = common::django::django_env(dialect, &scratch.url);
    manage(&python, project.path(), &env, &["makemigrations"]);
    manage(&python, project.path(), &env, &["migrate"]);
    let live_schema = live::connect(&scratch.url).unwrap().introspect().unwrap();
    let (read, _) = django::parse_with_notes(project.path(), dialect)
        .unwrap_or_else(|e| panic!("migen cannot read the project: {e}"));
    let mut failures = Vec::new();
    for case in &cases {
        let by_django = only_case(&live_schema, &case.name);
        let by_migen = only_case(&read, &case.name);
        if by_django.tables.is_empty() {
            failures.push(format!("{}: Django created no table", case.name));
            continue;
        }
        let changes = diff::diff(&by_django, &by_migen, &RenameAnswers::never()).changes;
        if !changes.is_empty() {
            let ddl = django::render(project.path(), dialect)
                .map(|(_, ddl, _)| ddl)
                .unwrap_or_default();
            failures.push(format!(
                "{}: migen's reading differs from Django's database: {}\n--- migen's DDL for the project:\n{ddl}",
                case.name,
                describe(&changes)
            ));
        }
    }
    // The contrib apps' tables, from migen's committed description of them.
    {
        let contrib = |schema: &Schema| {
            let mut out = schema.clone();
            out.tables.retain(|name, _| {
                (name.name.starts_with("auth_") || name.name.starts_with("django_"))
                    && name.name != "django_migrations"
            });
            out
        };
        let by_django = contrib(&live_schema);
        let changes = diff::diff(&by_django, &contrib(&read), &RenameAnswers::never()).changes;
        if by_django.tables.len() != 9 || !changes.is_empty() {
            failures.push(format!(
                "contrib apps ({} tables by Django): {}",
                by_django.tables.len(),
                describe(&changes)
            ));
        }
    }
    eprintln!(
        "{dialect}: {} of {} Django cases equal",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sqlite_django_cases() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_django_cases() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_django_cases() {
    run_dialect(Dialect::Mysql);
}
