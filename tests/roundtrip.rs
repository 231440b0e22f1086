//! The round-trip corpus: every case in `tests/cases/<dialect>/*.toml` is applied to a real
//! database of its dialect (SQLite embedded; PostgreSQL and MariaDB on localhost), migrated up,
//! compared with the target, checked for kept rows, migrated down and compared with the source.
//!
//! Servers: `MIGEN_TEST_POSTGRES` and `MIGEN_TEST_MYSQL` override the default URLs. Without a
//! server the dialect is skipped locally and fails under `CI=true`. `MIGEN_CASE=text` runs only
//! the cases whose name contains `text`.

use std::path::{Path, PathBuf};

use migen::diff::RenameAnswers;
use migen::model::Dialect;
use migen::source::{live, sql};
use migen::verify::{VerifyInput, verify};
use serde::Deserialize;

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
    expect: Option<String>,
}

fn case_files(dialect: Dialect) -> Vec<PathBuf> {
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
fn server(dialect: Dialect) -> Option<String> {
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

/// Run one case; `Err` carries everything needed to understand the failure.
fn run_case(dialect: Dialect, file: &Path, case: &Case, server: &str) -> Result<(), String> {
    let label = |side: &str| format!("{}#{}:{side}", file.display(), case.name);
    let before = sql::parse(dialect, &case.before, &label("before")).map_err(|e| e.to_string())?;
    let after = sql::parse(dialect, &case.after, &label("after")).map_err(|e| e.to_string())?;
    let answers = RenameAnswers::parse(&case.renames, false)?;
    let plan = migen::plan::plan(&before, &after, &answers);
    if case.expect.as_deref() == Some("question") {
        return if plan.questions.is_empty() {
            Err(format!(
                "expected a rename question, got changes: {:?}",
                plan.changes
                    .iter()
                    .map(|c| c.describe())
                    .collect::<Vec<_>>()
            ))
        } else {
            Ok(())
        };
    }
    if !plan.questions.is_empty() {
        return Err(format!(
            "unexpected rename question: {}",
            plan.questions[0].question()
        ));
    }
    if case.name.starts_with("noop_") && !plan.changes.is_empty() {
        return Err(format!(
            "expected no changes, got {:?}",
            plan.changes
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
        ));
    }
    let result = verify(&VerifyInput {
        before: &before,
        after: &after,
        before_sql: Some(&case.before),
        seed_sql: case.seed.as_deref(),
        auto_seed: false,
        answers: &answers,
        server_url: Some(server),
    })
    .map_err(|e| e.to_string())?;
    if result.passed() {
        Ok(())
    } else {
        let failed: Vec<String> = result
            .phases
            .iter()
            .filter(|p| !p.ok)
            .map(|p| format!("{}: {}", p.name, p.detail))
            .collect();
        let up = migen::plan::script(&plan.up);
        Err(format!("{}\n--- up:\n{up}", failed.join("\n")))
    }
}

fn run_dialect(dialect: Dialect) {
    let Some(server) = server(dialect) else {
        return;
    };
    let filter = std::env::var("MIGEN_CASE").ok();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in case_files(dialect) {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed: CaseFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in &parsed.cases {
            if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
                continue;
            }
            total += 1;
            if let Err(why) = run_case(dialect, &file, case, &server) {
                failures.push(format!(
                    "{} {}:\n{why}",
                    file.file_name().unwrap().to_string_lossy(),
                    case.name
                ));
            }
        }
    }
    for failure in &failures {
        eprintln!("FAILED {dialect} {failure}\n");
    }
    eprintln!(
        "{dialect}: {} of {total} round trips passed",
        total - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} {dialect} round trips failed",
        failures.len()
    );
}

#[test]
fn sqlite_round_trips() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_round_trips() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_round_trips() {
    run_dialect(Dialect::Mysql);
}
