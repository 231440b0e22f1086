//! Changes → migrations: the statements of each phase, up and down, and what each step loses.
//!
//! Two strategies. `direct` is one migration: the down script is planned the same way as the up
//! script, from the target back to the source, so it gets the same dependency ordering.
//! `zero-downtime` splits the work into phases that each become their own migration: pre-deploy
//! (expand: everything old and new code can both live with), backfill (data copied in batches,
//! constraints validated) and post-deploy (contract: what only the new code can live with).
//! Every migration starts with the dialect's lock guards (lock_timeout, lock_wait_timeout,
//! busy_timeout) so a blocked statement fails fast instead of queueing every other query.

mod backfill;
mod fill;
pub mod staged;
mod statistics;
mod zero_downtime;

use serde::Serialize;

use crate::dialect::op::Op;
use crate::dialect::{self, Statement};
use crate::diff::{self, Change, FillQuestion, RenameAnswers, RenameCandidate};
use crate::model::{Dialect, Schema, Version};

pub use crate::model::Strategy;

/// Which deployment phase a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// One migration applied as a whole.
    Direct,
    /// Expand: run before the new code is deployed; the old code keeps working.
    PreDeploy,
    /// Data copied and constraints validated while both versions of the code run.
    Backfill,
    /// Contract: run once no old code is left.
    PostDeploy,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Direct => "direct",
            Phase::PreDeploy => "pre_deploy",
            Phase::Backfill => "backfill",
            Phase::PostDeploy => "post_deploy",
        }
    }

    /// When to run a migration of this phase, in words.
    pub fn when(self) -> &'static str {
        match self {
            Phase::Direct => "apply as one migration",
            Phase::PreDeploy => {
                "expand: apply before deploying the new code; the old code keeps working"
            }
            Phase::Backfill => {
                "backfill: apply after the expand migration, while old and new code both run; safe to re-run after an interruption"
            }
            Phase::PostDeploy => {
                "contract: apply after the new code is deployed everywhere and no old code runs"
            }
        }
    }
}

/// What a step and its down lose, honestly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lossiness {
    /// Up keeps every value and the down restores the exact starting point.
    Lossless,
    /// The down restores the structure but not every value (dropped data, narrowed values).
    Lossy,
    /// The down cannot run as written once data depends on the step.
    Irreversible,
}

impl Lossiness {
    /// A step's lossiness from what its changes lose, with the losses in words.
    pub(crate) fn of(losses: Vec<String>) -> (Lossiness, Option<String>) {
        if losses.is_empty() {
            (Lossiness::Lossless, None)
        } else {
            (Lossiness::Lossy, Some(losses.join("; ")))
        }
    }
}

/// Settings that shape the plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub strategy: Strategy,
    /// The server version, for version-gated choices (the oldest supported when `None`).
    pub version: Option<Version>,
    /// Lock guard: how long a statement may wait for a lock before it fails, in milliseconds.
    pub lock_timeout_ms: u64,
    /// PostgreSQL statement_timeout for schema statements, in milliseconds (0: none).
    pub statement_timeout_ms: u64,
    /// Rows per backfill batch.
    pub batch_size: u64,
    /// Pause between backfill batches, in milliseconds.
    pub batch_pause_ms: u64,
    /// Zero-downtime: rename dropped columns and tables to a deprecated name instead of
    /// dropping them; a later contract migration drops them.
    pub keep_dropped: bool,
    /// No lock guard statements (for plans replayed inside other tools' sessions).
    pub no_guards: bool,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            strategy: Strategy::Direct,
            version: None,
            lock_timeout_ms: 5_000,
            statement_timeout_ms: 15 * 60_000,
            batch_size: 500,
            batch_pause_ms: 100,
            keep_dropped: false,
            no_guards: false,
        }
    }
}

/// One unit of work: the statements for one change (or a few that belong together), its down,
/// and what it loses.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub phase: Phase,
    /// Indexes into the plan's `changes`.
    pub changes: Vec<usize>,
    pub summary: String,
    pub up: Vec<Statement>,
    pub down: Vec<Statement>,
    pub lossiness: Lossiness,
    /// What is lost, in words, when not lossless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss: Option<String>,
    /// What only the way back cannot restore although the up keeps every value (rows filled
    /// where they held NULL): lossy, but not data the migration destroys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub down_loss: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedStatement {
    pub sql: String,
    pub transactional: bool,
    /// Commits on its own, apart from the statements around it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub own_transaction: bool,
    pub phase: Phase,
    /// What a person should know about this statement (not part of the JSON contract).
    #[serde(skip)]
    pub note: Option<String>,
    /// Linter rules the statement trips on purpose (see `dialect::LintIgnore`).
    #[serde(skip)]
    pub lint_ignores: Vec<dialect::LintIgnore>,
    /// What the statement does, as structure (see `dialect::op`).
    #[serde(skip)]
    pub tag: Option<Box<dialect::op::Tag>>,
}

/// Statements are the same when they run the same SQL the same way; the tag only describes it.
impl PartialEq for PlannedStatement {
    fn eq(&self, other: &PlannedStatement) -> bool {
        self.sql == other.sql
            && self.transactional == other.transactional
            && self.own_transaction == other.own_transaction
            && self.phase == other.phase
            && self.note == other.note
            && self.lint_ignores == other.lint_ignores
    }
}

impl Eq for PlannedStatement {}

impl PlannedStatement {
    /// The operation the statement performs, unless its SQL was rewritten since it was tagged.
    pub fn op(&self) -> Option<&dialect::op::Op> {
        self.tag.as_ref().and_then(|t| t.for_sql(&self.sql))
    }
}

/// The statements of one phase: one migration file.
#[derive(Debug, Clone, Serialize)]
pub struct Migration {
    pub phase: Phase,
    pub up: Vec<PlannedStatement>,
    pub down: Vec<PlannedStatement>,
}

impl Migration {
    /// Whether the whole migration may run in one transaction.
    pub fn atomic(&self) -> bool {
        self.up
            .iter()
            .chain(&self.down)
            .all(|s| s.transactional && !s.own_transaction)
    }
}

/// A complete migration between two schemas.
#[derive(Debug, Clone)]
pub struct Plan {
    pub dialect: Dialect,
    pub strategy: Strategy,
    pub changes: Vec<Change>,
    pub steps: Vec<Step>,
    /// One per phase, in the order to apply them.
    pub migrations: Vec<Migration>,
    /// Every up statement in order (all phases).
    pub up: Vec<PlannedStatement>,
    /// Every down statement in order (phases in reverse).
    pub down: Vec<PlannedStatement>,
    /// Likely renames nobody answered; the plan must not be used until they are.
    pub questions: Vec<RenameCandidate>,
    /// Columns whose existing rows need a value nobody gave; the plan must not be used until
    /// they have one (asked like renames).
    pub fill_questions: Vec<FillQuestion>,
    /// What the reader of the plan should know about it as a whole.
    pub notes: Vec<String>,
}

impl Plan {
    pub fn up_statements(&self) -> impl Iterator<Item = &str> {
        self.up.iter().map(|s| s.sql.as_str())
    }

    pub fn down_statements(&self) -> impl Iterator<Item = &str> {
        self.down.iter().map(|s| s.sql.as_str())
    }

    /// The worst lossiness of any step.
    pub fn lossiness(&self) -> Lossiness {
        self.steps
            .iter()
            .map(|s| s.lossiness)
            .max()
            .unwrap_or(Lossiness::Lossless)
    }
}

/// Plan the migration `from` → `to` and its reverse with the direct strategy.
pub fn plan(from: &Schema, to: &Schema, answers: &RenameAnswers) -> Plan {
    plan_with(from, to, answers, &PlanOptions::default())
}

/// Plan the migration `from` → `to` and its reverse.
pub fn plan_with(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    options: &PlanOptions,
) -> Plan {
    let forward = diff::diff(from, to, answers);
    let (mut steps, notes) = match options.strategy {
        Strategy::Direct => (
            direct_steps(from, to, answers, &forward.changes),
            Vec::new(),
        ),
        Strategy::ZeroDowntime => {
            zero_downtime::steps(from, to, answers, &forward.changes, options)
        }
    };
    statistics::after_expression_indexes(to.dialect, from, &mut steps);
    let migrations = migrations(to.dialect, &steps, options);
    let up = migrations.iter().flat_map(|m| m.up.clone()).collect();
    let down = migrations
        .iter()
        .rev()
        .flat_map(|m| m.down.clone())
        .collect();
    Plan {
        dialect: to.dialect,
        strategy: options.strategy,
        changes: forward.changes,
        steps,
        migrations,
        up,
        down,
        questions: forward.questions,
        fill_questions: forward.fills,
        notes,
    }
}

/// The direct strategy: one step holding every change, ordered as a whole in both directions.
fn direct_steps(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    changes: &[Change],
) -> Vec<Step> {
    if changes.is_empty() {
        return Vec::new();
    }
    let mut back_answers = answers.inverted(from, to);
    // The way back mirrors the way there; it never asks a question of its own.
    back_answers.assume_no = true;
    let backward = diff::diff(to, from, &back_answers);
    let dropped_tables = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let up = fill::direct_up(from, to, answers, changes)
        .unwrap_or_else(|| dialect::statements(changes, from, to));
    let mut down = annotate_down(
        dialect::statements_with(&backward.changes, to, from, &dropped_tables),
        changes,
    );
    let fills = fill::sites(to.dialect, changes, answers);
    fill::annotate_down(&mut down, &fills);
    let (mut lossiness, loss) =
        Lossiness::of(changes.iter().filter_map(|c| loss(c, from)).collect());
    let (fill_lossiness, down_loss) =
        Lossiness::of(fills.iter().filter_map(|f| f.loss()).collect());
    lossiness = lossiness.max(fill_lossiness);
    vec![Step {
        phase: Phase::Direct,
        changes: (0..changes.len()).collect(),
        summary: format!("{} changes in one migration", changes.len()),
        up,
        down,
        lossiness,
        loss,
        down_loss,
    }]
}

/// What applying `change` loses for good, in words; `None` when it keeps every value.
pub(crate) fn loss(change: &Change, from: &Schema) -> Option<String> {
    match change {
        Change::DropTable { table } => Some(format!(
            "table {} and its rows are dropped; the down re-creates it empty",
            table.name
        )),
        Change::DropColumn { table, column } => Some(format!(
            "the values of {table}.{} are dropped; the down re-adds the column {}",
            column.name,
            if column.nullable || column.default.is_some() {
                "with its default or NULL"
            } else {
                "and fails on a non-empty table"
            }
        )),
        Change::AlterColumn { table, from: old, to: new } if old.ty != new.ty => {
            crate::safety::narrows_type(from.dialect, &old.ty, &new.ty).then(|| {
                format!(
                    "{table}.{}: values that do not fit the new type fail the change or are cut; the down cannot restore what was cut",
                    new.name
                )
            })
        }
        Change::RecreateEnum { from: old, to: new, .. } => {
            let removed: Vec<&String> = old.values.iter().filter(|v| !new.values.contains(v)).collect();
            (!removed.is_empty()).then(|| {
                format!(
                    "enum {} loses the values {}; rows holding them fail the change",
                    new.name,
                    removed.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
                )
            })
        }
        Change::DropSequence { sequence } => Some(format!(
            "sequence {} is dropped with its current value; the down restarts it",
            sequence.name
        )),
        Change::DropView { view } if view.materialized => Some(format!(
            "materialized view {} is dropped; the down re-creates and refills it from its query",
            view.name
        )),
        _ => None,
    }
}

/// Attach notes to the down statements that re-create what the up migration dropped.
fn annotate_down(mut statements: Vec<Statement>, forward: &[Change]) -> Vec<Statement> {
    let dropped: Vec<String> = forward
        .iter()
        .filter_map(|change| match change {
            Change::DropTable { table } => Some(table.name.name.clone()),
            Change::DropColumn { column, .. } => Some(column.name.clone()),
            _ => None,
        })
        .collect();
    if dropped.is_empty() {
        return statements;
    }
    for statement in &mut statements {
        let upper = statement.sql.to_ascii_uppercase();
        let recreates = upper.starts_with("CREATE TABLE") || upper.contains(" ADD COLUMN ");
        if statement.note.is_none()
            && recreates
            && dropped
                .iter()
                .any(|name| statement.sql.contains(name.as_str()))
        {
            statement.note = Some(RESTORES_STRUCTURE_ONLY.to_string());
        }
    }
    statements
}

pub(crate) const RESTORES_STRUCTURE_ONLY: &str =
    "re-creates the structure only: rows and values removed by the up migration are not restored";

/// Group the steps by phase into migrations, each opened by the dialect's lock guards.
fn migrations(dialect: Dialect, steps: &[Step], options: &PlanOptions) -> Vec<Migration> {
    let mut phases: Vec<Phase> = steps.iter().map(|s| s.phase).collect();
    phases.sort();
    phases.dedup();
    phases
        .into_iter()
        .map(|phase| {
            let in_phase: Vec<&Step> = steps.iter().filter(|s| s.phase == phase).collect();
            let planned = |statements: Vec<&Statement>| -> Vec<PlannedStatement> {
                statements
                    .into_iter()
                    .map(|s| PlannedStatement {
                        sql: s.sql.clone(),
                        transactional: s.transactional,
                        own_transaction: s.own_transaction,
                        phase,
                        note: s.note.clone(),
                        lint_ignores: s.lint_ignores.clone(),
                        tag: s.tag.clone(),
                    })
                    .collect()
            };
            let up_body: Vec<&Statement> = in_phase.iter().flat_map(|s| &s.up).collect();
            // Each step's down undoes it; the steps are undone last first.
            let down_body: Vec<&Statement> = in_phase.iter().rev().flat_map(|s| &s.down).collect();
            let guards = if options.no_guards {
                Vec::new()
            } else {
                guards(dialect, phase, options)
            };
            let relaxed = relaxed_guards();
            let with_guards = |body: Vec<&Statement>| {
                if body.is_empty() {
                    return Vec::new();
                }
                let mut all: Vec<&Statement> = guards.iter().collect();
                let mut relaxing = false;
                for statement in body {
                    // Online builds and validations block no writes: they may wait for old
                    // transactions and run as long as they need; the guards come back after.
                    let online = dialect == Dialect::Postgres
                        && !guards.is_empty()
                        && blocks_no_writes(statement);
                    if online && !relaxing {
                        all.extend(relaxed.iter());
                    } else if !online && relaxing {
                        all.extend(guards.iter());
                    }
                    relaxing = online;
                    all.push(statement);
                }
                planned(all)
            };
            Migration {
                phase,
                up: with_guards(up_body),
                down: with_guards(down_body),
            }
        })
        .collect()
}

/// A CONCURRENTLY build or drop of an index, or a VALIDATE CONSTRAINT: PostgreSQL runs them
/// without blocking writes.
fn blocks_no_writes(statement: &Statement) -> bool {
    matches!(
        statement.op(),
        Some(
            Op::CreateIndex {
                concurrently: true,
                ..
            } | Op::DropIndex {
                concurrently: true,
                ..
            } | Op::ValidateConstraint { .. }
        )
    )
}

/// PostgreSQL settings around CONCURRENTLY builds and VALIDATE: no lock or statement timeout.
fn relaxed_guards() -> Vec<Statement> {
    vec![
        Statement::new("SET lock_timeout = 0").with_note(
            "the online steps below block no writes: they may wait for older transactions and take as long as they need",
        ),
        Statement::new("SET statement_timeout = 0"),
    ]
}

/// The statements that make a migration fail fast instead of waiting behind a long lock
/// (and making every query behind it wait too).
pub fn guards(dialect: Dialect, phase: Phase, options: &PlanOptions) -> Vec<Statement> {
    let lock_ms = options.lock_timeout_ms;
    match dialect {
        Dialect::Postgres => {
            let statement_ms = if phase == Phase::Backfill {
                // A batched backfill is one long statement that commits as it goes.
                0
            } else {
                options.statement_timeout_ms
            };
            vec![
                Statement::new(format!("SET lock_timeout = '{lock_ms}ms'"))
                    .with_note("fail instead of queueing behind a long transaction (and making every query behind this one wait); retry later"),
                Statement::new(format!("SET statement_timeout = '{statement_ms}ms'")),
            ]
        }
        Dialect::Mysql => vec![
            Statement::new(format!(
                "SET SESSION lock_wait_timeout = {}",
                lock_ms.div_ceil(1000).max(1)
            ))
            .with_note("fail instead of waiting for the metadata lock (and making every query behind this one wait); retry later"),
        ],
        Dialect::Sqlite => vec![
            Statement::new(format!("PRAGMA busy_timeout = {lock_ms}"))
                .with_note("wait at most this long for another connection's write lock"),
        ],
    }
}

/// Statements that run together: in one transaction, or one statement on its own.
#[derive(Debug)]
pub struct Unit<'a> {
    /// Run between BEGIN and COMMIT.
    pub transaction: bool,
    pub statements: Vec<&'a PlannedStatement>,
}

/// How a migration's statements run. In PostgreSQL and SQLite the statements between those
/// that must run outside a transaction (or commit on their own) form transactions, so
/// everything that can be atomic is, and a failure leaves a clear point to resume from (a
/// SQLite table rebuild is all or nothing). MySQL commits every DDL statement by itself: one
/// statement per unit.
pub fn units(dialect: Dialect, statements: &[PlannedStatement]) -> Vec<Unit<'_>> {
    fn flush<'a>(group: &mut Vec<&'a PlannedStatement>, units: &mut Vec<Unit<'a>>) {
        if !group.is_empty() {
            units.push(Unit {
                transaction: true,
                statements: std::mem::take(group),
            });
        }
    }
    let mut units: Vec<Unit> = Vec::new();
    let mut group: Vec<&PlannedStatement> = Vec::new();
    for statement in statements {
        if dialect == Dialect::Mysql {
            units.push(Unit {
                transaction: false,
                statements: vec![statement],
            });
        } else if statement.own_transaction {
            flush(&mut group, &mut units);
            group.push(statement);
            flush(&mut group, &mut units);
        } else if statement.transactional {
            group.push(statement);
        } else {
            flush(&mut group, &mut units);
            units.push(Unit {
                transaction: false,
                statements: vec![statement],
            });
        }
    }
    flush(&mut group, &mut units);
    units
}

/// One migration as a script (PostgreSQL's transactions spelled out, see `units`).
pub fn migration_script(dialect: Dialect, statements: &[PlannedStatement]) -> String {
    let mut text = String::new();
    for unit in units(dialect, statements) {
        let body: Vec<PlannedStatement> = unit.statements.into_iter().cloned().collect();
        if unit.transaction {
            text.push_str("BEGIN;\n");
            text.push_str(&script(&body));
            text.push_str("COMMIT;\n");
        } else {
            text.push_str(&script(&body));
        }
    }
    text
}

/// `-- squawk-ignore rule-a, rule-b -- why; why`: the linter rules the statement trips on
/// purpose and the reasons (squawk takes the rule names up to a second `--`).
pub fn lint_ignore_comment(ignores: &[dialect::LintIgnore]) -> Option<String> {
    if ignores.is_empty() {
        return None;
    }
    let rules: Vec<&str> = ignores.iter().map(|i| i.rule).collect();
    let mut whys: Vec<&str> = ignores.iter().map(|i| i.why).collect();
    whys.dedup();
    Some(format!(
        "-- squawk-ignore {} -- {}",
        rules.join(", "),
        whys.join("; ")
    ))
}

/// The statements as a script psql, mysql and sqlite3 accept as is.
pub fn script(statements: &[PlannedStatement]) -> String {
    let mut text = String::new();
    for statement in statements {
        if let Some(note) = &statement.note {
            text.push_str(&crate::text::commented("-- ", note));
        }
        if !statement.transactional {
            text.push_str("-- must run outside a transaction block\n");
        } else if statement.own_transaction {
            text.push_str("-- commits on its own\n");
        }
        // squawk reads an ignore on the line right above the statement (its flagged line).
        if let Some(line) = lint_ignore_comment(&statement.lint_ignores) {
            text.push_str(&line);
            text.push('\n');
        }
        let sql = statement.sql.trim_end();
        // The mysql client splits at `;`: a procedure body goes between other delimiters.
        if sql.starts_with("CREATE PROCEDURE") {
            text.push_str("DELIMITER //\n");
            text.push_str(sql);
            text.push_str(" //\nDELIMITER ;\n");
        } else {
            text.push_str(sql);
            text.push_str(";\n");
        }
    }
    text
}
