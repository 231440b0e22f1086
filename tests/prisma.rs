//! Prisma's own schema engine judges migen's Prisma reader and its plans. For every case of
//! `tests/prisma/cases.toml` (a before and an after schema.prisma body) on PostgreSQL and SQLite:
//!
//! 1. each side as migen reads it equals the database Prisma creates for it: Prisma's
//!    from-empty script is applied to a scratch database, which migen introspects and compares
//!    with its own reading of the .prisma text;
//! 2. migen's migration from before to after, applied to a database Prisma built from the
//!    before, leaves the same database as Prisma's own before→after migration does.
//!
//! The engine is `@prisma/schema-engine-wasm` (the native one downloads at run time, which
//! this offline build cannot do), driven by `tests/prisma/engine.mjs` in one long-running node
//! process per dialect. The pinned npm packages go into `.cache/oracles/prisma` on first use.
//! MySQL is not covered: the wasm engine has no MySQL connector (it panics).
//!
//! Without node/npm or the PostgreSQL server the test is skipped locally and fails under
//! `CI=true`. `MIGEN_CASE=text` runs only the cases whose name contains `text`.

use std::path::Path;
use std::process::Command;

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::plan::{self, PlanOptions};
use migen::source::{live, prisma};
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
    /// The schema bodies, without the datasource block (the test adds it per dialect).
    before: String,
    after: String,
    /// `postgresql` or `sqlite` when the case uses what only that provider has.
    #[serde(default)]
    only: Option<String>,
    /// Extra datasource lines (`schemas = [...]`).
    #[serde(default)]
    datasource: Option<String>,
}

/// One node process running Prisma's schema engine.
struct Engine(common::node::NodeScript);

impl Engine {
    fn start(dir: &Path, postgres_url: &str) -> Engine {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/prisma/engine.mjs");
        let mut command = Command::new("node");
        command.arg(script).arg(postgres_url).current_dir(dir);
        Engine(common::node::NodeScript::start(command))
    }

    /// Prisma's migration script from one schema to another (`None` = empty database).
    fn diff(
        &mut self,
        provider: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<String, String> {
        let request = serde_json::json!({ "provider": provider, "from": from, "to": to });
        let reply = self.0.ask(&request)?;
        match (reply.get("sql"), reply.get("error")) {
            (Some(sql), _) => Ok(sql.as_str().unwrap_or_default().to_string()),
            (_, Some(error)) => Err(format!("Prisma engine: {}", error.as_str().unwrap_or(""))),
            _ => Err(format!("engine reply without sql: {reply}")),
        }
    }
}

fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What differs between two schemas (empty when equal).
fn differences(actual: &Schema, expected: &Schema) -> String {
    describe(&diff::diff(actual, expected, &RenameAnswers::never()).changes)
}

/// Scratch databases reused from case to case: creating a PostgreSQL database takes about half
/// a second, emptying one a few milliseconds, and each case needs three.
struct Scratches {
    server: String,
    dialect: Dialect,
    slots: Vec<Option<live::Scratch>>,
}

impl Scratches {
    fn new(dialect: Dialect, server: &str) -> Scratches {
        Scratches {
            server: server.to_string(),
            dialect,
            slots: (0..3).map(|_| None).collect(),
        }
    }

    /// An empty database in `slot` with `scripts` applied in order.
    fn fresh(&mut self, slot: usize, scripts: &[&str]) -> Result<Box<dyn live::Database>, String> {
        let reuse = self.dialect == Dialect::Postgres && self.slots[slot].is_some();
        if !reuse {
            // SQLite: a new file (the old one is removed when its Scratch drops).
            self.slots[slot] = Some(live::create_scratch(&self.server).map_err(|e| e.to_string())?);
        }
        let url = &self.slots[slot].as_ref().unwrap().url;
        let mut db = live::connect(url).map_err(|e| e.to_string())?;
        if reuse {
            db.execute(common::EMPTY_POSTGRES)
                .map_err(|e| e.to_string())?;
        }
        for script in scripts {
            if !script.trim().is_empty() {
                db.execute(script)
                    .map_err(|e| format!("applying Prisma's SQL failed: {e}\n{script}"))?;
            }
        }
        Ok(db)
    }
}

fn full_schema(case: &Case, provider: &str, body: &str) -> String {
    format!(
        "datasource db {{\n  provider = \"{provider}\"\n{}}}\n\n{body}",
        case.datasource
            .as_deref()
            .map(|extra| format!("  {}\n", extra.trim()))
            .unwrap_or_default()
    )
}

fn migen_reads(name: &str, text: &str) -> Result<Schema, String> {
    prisma::parse_with_notes(&[(name.to_string(), text.to_string())], None)
        .map(|(schema, _)| schema)
        .map_err(|e| format!("migen cannot read {name}: {e}"))
}

fn run_case(
    engine: &mut Engine,
    scratches: &mut Scratches,
    provider: &str,
    case: &Case,
) -> Result<(), String> {
    let dialect = scratches.dialect;
    let before_text = full_schema(case, provider, &case.before);
    let after_text = full_schema(case, provider, &case.after);
    let before = migen_reads("before.prisma", &before_text)?;
    let after = migen_reads("after.prisma", &after_text)?;
    let prisma_before = engine.diff(provider, None, Some(&before_text))?;
    let prisma_after = engine.diff(provider, None, Some(&after_text))?;
    let prisma_up = engine.diff(provider, Some(&before_text), Some(&after_text))?;

    // 1. migen's reading of each side is the database Prisma makes of it.
    let mut migrated = scratches.fresh(0, &[&prisma_before])?;
    let live_before = migrated.introspect().map_err(|e| e.to_string())?;
    let wrong = differences(&live_before, &before);
    if !wrong.is_empty() {
        return Err(format!(
            "before: migen's reading differs from Prisma's database: {wrong}\n--- Prisma:\n{prisma_before}"
        ));
    }
    let mut created = scratches.fresh(1, &[&prisma_after])?;
    let live_after = created.introspect().map_err(|e| e.to_string())?;
    let wrong = differences(&live_after, &after);
    if !wrong.is_empty() {
        return Err(format!(
            "after: migen's reading differs from Prisma's database: {wrong}\n--- Prisma:\n{prisma_after}"
        ));
    }

    // 2. migen's migration and Prisma's end in the same database.
    let plan = plan::plan_with(
        &before,
        &after,
        &RenameAnswers::never(),
        &PlanOptions::default(),
    );
    if plan.changes.is_empty() {
        // Fine only when Prisma has nothing to run either (an enum value on SQLite's TEXT).
        let prisma_statements = prisma_up
            .lines()
            .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with("--"));
        return if prisma_statements {
            Err(format!(
                "migen found no change, Prisma migrates:\n{prisma_up}"
            ))
        } else {
            Ok(())
        };
    }
    migen::verify::apply_migration(migrated.as_mut(), dialect, &plan.up).map_err(|e| {
        format!(
            "migen's migration failed: {e}\n--- up:\n{}",
            plan::script(&plan.up)
        )
    })?;
    let by_migen = migrated.introspect().map_err(|e| e.to_string())?;
    let mut by_prisma_db = scratches.fresh(2, &[&prisma_before, &prisma_up])?;
    let by_prisma = by_prisma_db.introspect().map_err(|e| e.to_string())?;
    let wrong = differences(&by_migen, &by_prisma);
    if !wrong.is_empty() {
        return Err(format!(
            "after migrating, migen's database differs from Prisma's: {wrong}\n--- migen up:\n{}\n--- Prisma up:\n{prisma_up}",
            plan::script(&plan.up)
        ));
    }
    Ok(())
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/prisma/cases.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let file: CaseFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.cases
}

fn run_dialect(dialect: Dialect) {
    let provider = match dialect {
        Dialect::Postgres => "postgresql",
        Dialect::Sqlite => "sqlite",
        Dialect::Mysql => unreachable!("the wasm engine has no MySQL connector"),
    };
    let Some(dir) = common::oracles::prisma_engine() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    // The engine insists on a connection even to diff two files; any PostgreSQL database does.
    let postgres_url = std::env::var("MIGEN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut engine = Engine::start(&dir, &postgres_url);
    let mut scratches = Scratches::new(dialect, &server);
    let started = std::time::Instant::now();
    let filter = std::env::var("MIGEN_CASE").ok();
    let all = cases();
    let mut names = std::collections::BTreeSet::new();
    for case in &all {
        assert!(names.insert(&case.name), "case {} appears twice", case.name);
    }
    let mut total = 0;
    let mut failures = Vec::new();
    for case in &all {
        if case.only.as_deref().is_some_and(|only| only != provider)
            || filter.as_deref().is_some_and(|f| !case.name.contains(f))
        {
            continue;
        }
        total += 1;
        if let Err(why) = run_case(&mut engine, &mut scratches, provider, case) {
            failures.push(format!("{}:\n{why}", case.name));
        }
    }
    for failure in &failures {
        eprintln!("FAILED {dialect} {failure}\n");
    }
    eprintln!(
        "{dialect}: {} of {total} Prisma cases agree with Prisma's engine ({:.1} s)",
        total - failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(total > 0 || filter.is_some(), "no cases ran");
    assert!(
        failures.is_empty(),
        "{} of {total} {dialect} Prisma cases failed",
        failures.len()
    );
}

#[test]
fn postgres_prisma_cases() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn sqlite_prisma_cases() {
    run_dialect(Dialect::Sqlite);
}
