//! The round-trip corpus: every case in `tests/cases/<dialect>/*.toml` is applied to a real
//! database of its dialect (SQLite embedded; PostgreSQL and MariaDB on localhost), migrated up,
//! compared with the target, checked for kept rows, migrated down and compared with the source.
//!
//! Every case runs twice: with the direct strategy and with the zero-downtime strategy, whose
//! migrations (expand, backfill, contract) are applied one after the other and undone in
//! reverse. `MIGEN_STRATEGY=direct` or `MIGEN_STRATEGY=zero-downtime` runs only one.
//!
//! Servers: `MIGEN_TEST_POSTGRES` and `MIGEN_TEST_MYSQL` override the default URLs. Without a
//! server the dialect is skipped locally and fails under `CI=true`. `MIGEN_CASE=text` runs only
//! the cases whose name contains `text`.

use std::path::Path;

use migen::diff::RenameAnswers;
use migen::model::{Dialect, Version};
use migen::plan::{PlanOptions, Strategy};
use migen::source::{live, sql};
use migen::verify::{VerifyInput, verify};

mod common;

use common::{Case, case_files, server};

/// Run one case; `Err` carries everything needed to understand the failure.
fn run_case(
    dialect: Dialect,
    file: &Path,
    case: &Case,
    server: &str,
    strategy: Strategy,
    version: Option<&Version>,
) -> Result<(), String> {
    let label = |side: &str| format!("{}#{}:{side}", file.display(), case.name);
    let before = sql::parse(dialect, &case.before, &label("before")).map_err(|e| e.to_string())?;
    let after = sql::parse(dialect, &case.after, &label("after")).map_err(|e| e.to_string())?;
    let mut answers = RenameAnswers::parse(&case.renames, false)?;
    // The corpus's seeds hold no NULL where a column becomes NOT NULL (tests/fills.rs has the
    // cases that fill): no fill is asked, as --no-fill does.
    answers.fills.none_needed = true;
    let options = PlanOptions {
        strategy,
        version: version.copied(),
        ..PlanOptions::default()
    };
    let plan = migen::plan::plan_with(&before, &after, &answers, &options);
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
        options,
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
    // Plans are made for the server that runs them (MariaDB and MySQL differ in what is online).
    let version = live::connect(&server)
        .and_then(|mut db| db.server_version())
        .ok()
        .and_then(|reported| Version::from_server_report(dialect, &reported));
    let filter = std::env::var("MIGEN_CASE").ok();
    let strategies: Vec<Strategy> = match std::env::var("MIGEN_STRATEGY").ok().as_deref() {
        Some(name) => vec![Strategy::parse(name).expect("MIGEN_STRATEGY: direct or zero-downtime")],
        None => vec![Strategy::Direct, Strategy::ZeroDowntime],
    };
    let mut total = 0;
    let mut failures = Vec::new();
    for file in case_files(dialect) {
        for case in &common::cases(&file) {
            if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
                continue;
            }
            for &strategy in &strategies {
                total += 1;
                if std::env::var_os("MIGEN_VERBOSE").is_some() {
                    eprintln!(
                        "case {} {} ({})",
                        file.display(),
                        case.name,
                        strategy.name()
                    );
                }
                if let Err(why) =
                    run_case(dialect, &file, case, &server, strategy, version.as_ref())
                {
                    failures.push(format!(
                        "{} {} ({}):\n{why}",
                        file.file_name().unwrap().to_string_lossy(),
                        case.name,
                        strategy.name()
                    ));
                }
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
