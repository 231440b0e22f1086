//! The round trip on a scratch database: create the source schema, seed rows, apply up,
//! compare with the target, check the rows are still there, apply down, compare with the
//! source. The CLI's `verify`, the TUI and the test corpus all use this one function.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dialect;
use crate::diff::{self, Change, RenameAnswers};
use crate::error::{Error, Result};
use crate::model::*;
use crate::plan::{self, Plan, PlanOptions};
use crate::source::live::{self, Database};

/// What the round trip starts from and where it runs.
pub struct VerifyInput<'a> {
    pub before: &'a Schema,
    pub after: &'a Schema,
    /// DDL that creates the source state; when `None` it is generated from `before`.
    pub before_sql: Option<&'a str>,
    /// Rows to insert after the source state exists; when `None` and `auto_seed`, migen
    /// inserts a few rows of its own into every table.
    pub seed_sql: Option<&'a str>,
    pub auto_seed: bool,
    pub answers: &'a RenameAnswers,
    /// A server URL for PostgreSQL or MySQL; SQLite uses a temporary file.
    pub server_url: Option<&'a str>,
    /// The plan's strategy and settings; without a version, the scratch server's own is used.
    pub options: PlanOptions,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseResult {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub dialect: Dialect,
    pub phases: Vec<PhaseResult>,
}

impl Verification {
    pub fn passed(&self) -> bool {
        self.phases.iter().all(|p| p.ok)
    }

    fn pass(&mut self, name: impl Into<String>, detail: impl Into<String>) {
        self.phases.push(PhaseResult {
            name: name.into(),
            ok: true,
            detail: detail.into(),
        });
    }

    fn fail(&mut self, name: impl Into<String>, detail: impl Into<String>) {
        self.phases.push(PhaseResult {
            name: name.into(),
            ok: false,
            detail: detail.into(),
        });
    }
}

/// Run the round trip. Returns `Err` only when the scratch database cannot be had; every
/// check that fails is a failed phase in the result.
pub fn verify(input: &VerifyInput) -> Result<Verification> {
    let dialect = input.after.dialect;
    let server = match (dialect, input.server_url) {
        (Dialect::Sqlite, _) => "sqlite://".to_string(),
        (_, Some(url)) => url.to_string(),
        (_, None) => {
            return Err(Error::Usage(format!(
                "verifying {dialect} needs a server: pass --db with a URL migen may create a scratch database on"
            )));
        }
    };
    let scratch = live::create_scratch(&server)?;
    let mut db = live::connect(&scratch.url)?;
    let mut result = Verification {
        dialect,
        phases: Vec::new(),
    };
    run(input, db.as_mut(), &mut result)?;
    drop(db);
    drop(scratch);
    Ok(result)
}

fn run(input: &VerifyInput, db: &mut dyn Database, result: &mut Verification) -> Result<()> {
    let dialect = input.after.dialect;
    // 1. the source state
    let create_before = match input.before_sql {
        Some(sql) if sql.trim().is_empty() => Ok("empty source".to_string()),
        Some(sql) => db.execute(sql).map(|_| "from the source file".to_string()),
        None => {
            let empty = Schema::empty(dialect);
            let changes = diff::diff(&empty, input.before, &RenameAnswers::default()).changes;
            let statements = dialect::statements(&changes, &empty, input.before);
            apply(db, statements.iter().map(|s| s.sql.as_str())).map(|n| format!("{n} statements"))
        }
    };
    match create_before {
        Ok(detail) => result.pass("apply source", detail),
        Err(e) => {
            result.fail("apply source", e.to_string());
            return Ok(());
        }
    }
    let introspected = db.introspect()?;
    compare(
        result,
        "source reads back equal",
        &introspected,
        input.before,
    );

    // 2. rows
    let seeded = match input.seed_sql {
        Some(sql) if sql.trim().is_empty() => BTreeMap::new(),
        Some(sql) => match db.execute(sql) {
            Ok(()) => count_rows(db, input.before),
            Err(e) => {
                result.fail("seed rows", e.to_string());
                return Ok(());
            }
        },
        None if input.auto_seed => {
            auto_seed(db, input.before);
            count_rows(db, input.before)
        }
        None => BTreeMap::new(),
    };
    let total: u64 = seeded.values().sum();
    result.pass(
        "seed rows",
        format!(
            "{total} rows in {} tables",
            seeded.values().filter(|n| **n > 0).count()
        ),
    );

    // 3. up, migration by migration (one for the direct strategy, one per phase otherwise)
    let mut options = input.options.clone();
    if options.version.is_none() {
        options.version = db
            .server_version()
            .ok()
            .and_then(|v| crate::model::Version::from_server_report(dialect, &v));
    }
    let plan = plan::plan_with(input.before, input.after, input.answers, &options);
    if !plan.questions.is_empty() {
        let questions: Vec<String> = plan.questions.iter().map(|q| q.question()).collect();
        return Err(Error::Question(questions.join("\n")));
    }
    if !plan.fill_questions.is_empty() {
        let questions: Vec<String> = plan.fill_questions.iter().map(|q| q.question()).collect();
        return Err(Error::Question(questions.join("\n")));
    }
    let label = |direction: &str, phase: plan::Phase| match plan.strategy {
        plan::Strategy::Direct => direction.to_string(),
        plan::Strategy::ZeroDowntime => format!("{direction} {}", phase.name()),
    };
    if plan.migrations.is_empty() {
        result.pass("up", "0 statements");
    }
    for migration in &plan.migrations {
        match apply_migration(db, dialect, &migration.up) {
            Ok(n) => result.pass(label("up", migration.phase), format!("{n} statements")),
            Err(e) => {
                result.fail(label("up", migration.phase), e.to_string());
                return Ok(());
            }
        }
    }
    let after_up = db.introspect()?;
    compare(result, "target reached", &after_up, input.after);
    check_rows(db, result, &plan, &seeded);
    let rediff = diff::diff(&after_up, input.after, &RenameAnswers::never());
    let rediff_sql = dialect::statements(&rediff.changes, &after_up, input.after);
    if rediff_sql.is_empty() {
        result.pass("re-diff empty", "no statements left to run");
    } else {
        result.fail("re-diff empty", dialect::script(&rediff_sql));
    }

    // 4. down, the last migration first
    if plan.migrations.is_empty() {
        result.pass("down", "0 statements");
    }
    for migration in plan.migrations.iter().rev() {
        match apply_migration(db, dialect, &migration.down) {
            Ok(n) => result.pass(label("down", migration.phase), format!("{n} statements")),
            Err(e) => {
                result.fail(label("down", migration.phase), e.to_string());
                return Ok(());
            }
        }
    }
    let after_down = db.introspect()?;
    compare(result, "source restored", &after_down, input.before);
    Ok(())
}

/// Run one migration the way its script runs: PostgreSQL's transactional statements grouped
/// into transactions (see `plan::units`), the rest one by one. Returns the statement count.
pub fn apply_migration(
    db: &mut dyn Database,
    dialect: Dialect,
    statements: &[plan::PlannedStatement],
) -> Result<usize> {
    let mut count = 0;
    for unit in plan::units(dialect, statements) {
        apply_unit(db, &unit)?;
        count += unit.statements.len();
    }
    Ok(count)
}

/// Run one unit: its statements in a transaction when it is one (rolled back on failure).
pub fn apply_unit(db: &mut dyn Database, unit: &plan::Unit) -> Result<()> {
    if unit.transaction {
        db.execute("BEGIN")?;
    }
    for statement in &unit.statements {
        if let Err(e) = db.execute(&statement.sql) {
            if unit.transaction {
                // The statement's error is the one to report; a failed rollback adds nothing.
                let _ = db.execute("ROLLBACK");
            }
            return Err(e);
        }
    }
    if unit.transaction {
        db.execute("COMMIT")?;
    }
    Ok(())
}

fn apply<'a>(db: &mut dyn Database, statements: impl Iterator<Item = &'a str>) -> Result<usize> {
    let mut count = 0;
    for sql in statements {
        db.execute(sql)?;
        count += 1;
    }
    Ok(count)
}

/// Compare a live schema with the expected one; the differences are listed as changes.
fn compare(result: &mut Verification, name: &'static str, live: &Schema, expected: &Schema) {
    let answers = RenameAnswers::never();
    let changes = diff::diff(live, expected, &answers).changes;
    if changes.is_empty() {
        result.pass(name, "equal");
    } else {
        let listed: Vec<String> = changes.iter().map(Change::describe).collect();
        result.fail(name, format!("differs: {}", listed.join("; ")));
    }
}

fn count_rows(db: &mut dyn Database, schema: &Schema) -> BTreeMap<QName, u64> {
    schema
        .tables
        .keys()
        .filter_map(|name| db.row_count(name).ok().map(|n| (name.clone(), n)))
        .collect()
}

fn check_rows(
    db: &mut dyn Database,
    result: &mut Verification,
    plan: &Plan,
    seeded: &BTreeMap<QName, u64>,
) {
    let mut lost = Vec::new();
    for (table, before) in seeded {
        if *before == 0 {
            continue;
        }
        if plan
            .changes
            .iter()
            .any(|c| matches!(c, Change::DropTable { table: t } if t.name == *table))
        {
            continue;
        }
        let now_named = plan
            .changes
            .iter()
            .find_map(|c| match c {
                Change::RenameTable { from, to } if from == table => Some(to.clone()),
                _ => None,
            })
            .unwrap_or_else(|| table.clone());
        match db.row_count(&now_named) {
            Ok(after) if after == *before => {}
            Ok(after) => lost.push(format!("{now_named}: {before} rows before, {after} after")),
            Err(e) => lost.push(format!("{now_named}: {e}")),
        }
    }
    if lost.is_empty() {
        result.pass("rows kept", "every seeded row is still there");
    } else {
        result.fail("rows kept", lost.join("; "));
    }
}

/// Insert three rows into every table, parents before children, with values chosen to survive
/// common type changes (digits in text columns, so text → integer still converts). A row the
/// table's constraints refuse is skipped: seeding is best effort, the checks count what went in.
fn auto_seed(db: &mut dyn Database, schema: &Schema) {
    // A row a constraint refuses is simply not there; the counts say what was seeded.
    for sql in dialect::seed::seed_statements(schema) {
        let _ = db.execute(&sql);
    }
}
