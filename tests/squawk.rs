//! squawk, the PostgreSQL migration linter, judges the zero-downtime plans: for every PostgreSQL
//! case of the round-trip corpus, each migration of the zero-downtime plan (as the script
//! `migen plan --format sql` prints) goes through squawk, and every warning must be explained by
//! the plan itself: either the statement is part of one of migen's own recipes (a shadow column,
//! a temporary NOT NULL check, a sync trigger), or migen's own safety analysis reports the same
//! risk for the change the statement belongs to.
//!
//! squawk 2.70.0 comes from PyPI (`squawk-cli`) into `.cache/oracles/venv`, installed on first
//! use. Without Python or the registry the test is skipped locally and fails under `CI=true`.

use std::process::Command;

use migen::diff::{Change, RenameAnswers};
use migen::model::{Dialect, Version};
use migen::plan::{self, PlanOptions, Strategy};
use migen::safety;
use migen::source::sql;
use serde::Deserialize;

mod common;

#[derive(Debug, Deserialize)]
struct Warning {
    line: usize,
    rule_name: String,
    message: String,
}

/// squawk rules and the migen rules that report the same risk.
const SAME_RISK: &[(&str, &[&str])] = &[
    (
        "ban-drop-column",
        &["drop-column", "stored-generated-column-rewrite"],
    ),
    ("ban-drop-table", &["drop-table"]),
    (
        "ban-drop-constraint",
        &["drop-constraint", "alter-primary-key"],
    ),
    ("ban-drop-not-null", &["drop-not-null"]),
    ("ban-drop-default", &["drop-default-breaks-inserts"]),
    ("ban-drop-schema", &["drop-schema"]),
    ("ban-drop-extension", &["drop-extension"]),
    ("ban-drop-sequence", &["drop-sequence"]),
    ("ban-drop-view", &["drop-view-breaks-readers"]),
    (
        "ban-drop-type",
        &["enum-value-removed", "enum-values-reordered"],
    ),
    ("renaming-column", &["rename-column-breaks-clients"]),
    ("renaming-table", &["rename-table-breaks-clients"]),
    (
        "changing-column-type",
        &[
            "change-column-type-rewrite",
            "enum-value-removed",
            "enum-values-reordered",
        ],
    ),
    (
        "adding-required-field",
        &[
            "add-not-null-without-default",
            "set-not-null-scan",
            "add-column-auto-increment",
        ],
    ),
    (
        "adding-not-nullable-field",
        &["add-not-null-without-default", "set-not-null-scan"],
    ),
    (
        "adding-field-with-default",
        &[
            "add-column-volatile-default",
            "add-column-default-rewrite",
            "add-column-auto-increment",
            "stored-generated-column-rewrite",
        ],
    ),
    (
        "adding-foreign-key-constraint",
        &["add-foreign-key-validating"],
    ),
    (
        "constraint-missing-not-valid",
        &[
            "add-foreign-key-validating",
            "add-check-constraint-validating",
        ],
    ),
    (
        "disallowed-unique-constraint",
        &["add-unique-constraint-locking"],
    ),
    (
        "adding-serial-primary-key-field",
        &["alter-primary-key", "add-column-auto-increment"],
    ),
    ("identifier-too-long", &["identifier-too-long"]),
    ("ban-alter-identity", &["alter-identity-breaks-inserts"]),
];

/// squawk rules about the target schema's choice of types, not about the migration: migen's own
/// prefer-bigint-key and prefer-timestamptz report those as findings of their own.
const SCHEMA_STYLE: &str = "prefer-text-field,prefer-identity,prefer-bigint-over-int,prefer-bigint-over-smallint,prefer-timestamp-tz,ban-char-field";

/// Whether the statement is one of migen's own recipe steps, which the plan explains with a
/// note or a named helper object.
fn recipe_statement(rule: &str, statement: &migen::dialect::Statement) -> bool {
    let sql = &statement.sql;
    let helper = sql.contains("__migen_") || sql.contains("_not_null");
    match rule {
        "ban-drop-function" | "ban-drop-trigger" => sql.contains("__migen_sync_"),
        // SET NOT NULL proven by a validated check that the same step drops right after.
        "adding-not-nullable-field" => sql.contains("SET NOT NULL"),
        _ => helper,
    }
}

/// The plan's own words on a statement that squawk would otherwise question.
fn explained_by_note(rule: &str, statement: &migen::dialect::Statement) -> bool {
    let note = statement.note.as_deref().unwrap_or("");
    match rule {
        "changing-column-type" => note.contains("no table rewrite"),
        "adding-field-with-default" => note.contains("without a table rewrite"),
        "ban-drop-default" | "ban-drop-not-null" => note.contains("runs after the deploy"),
        _ => false,
    }
}

/// What the plan's changes themselves say: a view or constraint dropped to be re-created, a
/// rename the user asked for, an index on a relation the plan creates, a type nothing uses.
fn explained_by_changes(rule: &str, step: &plan::Step, plan: &plan::Plan) -> bool {
    let changes: Vec<&Change> = step.changes.iter().map(|&i| &plan.changes[i]).collect();
    let recreated_view = |name: &migen::model::QName| {
        plan.changes
            .iter()
            .any(|c| matches!(c, Change::CreateView { view } if view.name == *name))
    };
    let created = |name: &migen::model::QName| {
        plan.changes.iter().any(|c| match c {
            Change::CreateTable { table } => table.name == *name,
            Change::CreateView { view } => view.name == *name,
            _ => false,
        })
    };
    let readded = |name: &Option<String>| {
        name.is_some()
            && plan.changes.iter().any(|c| match c {
                Change::AddForeignKey { foreign_key, .. } => foreign_key.name == *name,
                Change::AddCheck { check, .. } => check.name == *name,
                Change::AddUnique { unique, .. } => unique.name == *name,
                Change::AddPrimaryKey { primary_key, .. } => primary_key.name == *name,
                _ => false,
            })
    };
    changes.iter().any(|change| match (rule, change) {
        ("ban-drop-view", Change::DropView { view }) => recreated_view(&view.name),
        ("ban-drop-view", Change::RenameTable { .. }) => {
            step.summary.contains("compatibility view")
        }
        (
            "renaming-object" | "renaming-table" | "renaming-column",
            Change::RenameConstraint { .. },
        )
        | ("renaming-object" | "renaming-table" | "renaming-column", Change::RenameIndex { .. })
        | ("renaming-object" | "renaming-table", Change::RenameTable { .. }) => true,
        ("require-concurrent-index-creation", Change::AddIndex { table, .. }) => created(table),
        (
            "require-concurrent-index-creation",
            Change::CreateView { .. } | Change::CreateTable { .. },
        ) => true,
        ("ban-drop-type", Change::DropEnum { .. }) => step.phase == plan::Phase::PostDeploy,
        ("ban-drop-constraint", Change::DropForeignKey { foreign_key, .. }) => {
            readded(&foreign_key.name)
        }
        ("ban-drop-constraint", Change::DropCheck { check, .. }) => readded(&check.name),
        ("ban-drop-constraint", Change::DropUnique { unique, .. }) => readded(&unique.name),
        ("ban-drop-constraint", Change::DropPrimaryKey { primary_key, .. }) => {
            readded(&primary_key.name)
        }
        _ => false,
    })
}

fn explained(
    warning: &Warning,
    statement: &migen::dialect::Statement,
    step: &plan::Step,
    plan: &plan::Plan,
    findings: &[safety::Finding],
) -> bool {
    if explained_by_note(&warning.rule_name, statement)
        || explained_by_changes(&warning.rule_name, step, plan)
    {
        return true;
    }
    if recipe_statement(&warning.rule_name, statement) {
        if warning.rule_name == "adding-not-nullable-field" {
            return step
                .up
                .iter()
                .any(|s| s.sql.contains("IS NOT NULL) NOT VALID"))
                || step.up.iter().any(|s| s.sql.contains("_not_null"));
        }
        return true;
    }
    // The shadow column's swap: dropping the old column is what the recipe is for.
    if step.summary.starts_with("swap ") || step.summary.contains(" (now ") {
        return true;
    }
    let same = SAME_RISK
        .iter()
        .find(|(squawk, _)| *squawk == warning.rule_name)
        .map(|(_, ours)| *ours)
        .unwrap_or(&[]);
    findings
        .iter()
        .any(|f| step.changes.contains(&f.change) && same.contains(&f.rule.to_string().as_str()))
}

#[test]
fn zero_downtime_plans_pass_squawk() {
    let Some(squawk) = common::oracles::squawk() else {
        return;
    };
    let files = common::case_files(Dialect::Postgres);
    let version = Version::parse("postgres:15").unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut unexplained = Vec::new();
    let mut checked = 0;
    for file in files {
        for case in common::cases(&file) {
            if case.expect.as_deref() == Some("question") {
                continue;
            }
            let before = sql::parse(Dialect::Postgres, &case.before, "before").unwrap();
            let after = sql::parse(Dialect::Postgres, &case.after, "after").unwrap();
            let answers = RenameAnswers::parse(&case.renames, false).unwrap();
            let options = PlanOptions {
                strategy: Strategy::ZeroDowntime,
                version: Some(version),
                ..PlanOptions::default()
            };
            let plan = plan::plan_with(&before, &after, &answers, &options);
            let findings = safety::analyze(&plan.changes, &before, &version, None);
            for migration in &plan.migrations {
                let script = plan::migration_script(Dialect::Postgres, &migration.up);
                let path =
                    work.path()
                        .join(format!("{}_{}.sql", case.name, migration.phase.name()));
                std::fs::write(&path, &script).unwrap();
                let output = Command::new(&squawk)
                    .args([
                        "--reporter",
                        "json",
                        "--pg-version",
                        "15",
                        "--exclude",
                        SCHEMA_STYLE,
                    ])
                    .arg(&path)
                    .output()
                    .expect("squawk runs");
                let warnings: Vec<Warning> =
                    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                        panic!(
                            "squawk output for {}: {e}: {}",
                            path.display(),
                            String::from_utf8_lossy(&output.stdout)
                        )
                    });
                checked += 1;
                for warning in warnings {
                    let located = locate(&script, &migration.up, warning.line).and_then(|sql| {
                        plan.steps
                            .iter()
                            .filter(|s| s.phase == migration.phase)
                            .find_map(|step| {
                                step.up.iter().find(|s| s.sql == sql).map(|s| (s, step))
                            })
                    });
                    let ok = located.is_some_and(|(statement, step)| {
                        explained(&warning, statement, step, &plan, &findings)
                    });
                    if !ok {
                        unexplained.push(format!(
                            "{} {} line {}: {} ({})\n{}",
                            case.name,
                            migration.phase.name(),
                            warning.line + 1,
                            warning.rule_name,
                            warning.message,
                            script
                        ));
                    }
                }
            }
        }
    }
    eprintln!("squawk checked {checked} zero-downtime migrations");
    assert!(checked > 100, "only {checked} migrations checked");
    assert!(
        unexplained.is_empty(),
        "{} squawk warnings the plan does not explain:\n{}",
        unexplained.len(),
        unexplained.join("\n---\n")
    );
}

/// The SQL of the statement that covers 0-based `line` of `script`.
fn locate<'a>(
    script: &str,
    statements: &'a [plan::PlannedStatement],
    line: usize,
) -> Option<&'a str> {
    let mut offset = 0;
    let mut found = None;
    for statement in statements {
        let at = offset + script[offset..].find(statement.sql.trim_end())?;
        let start_line = script[..at].matches('\n').count();
        let end_line = start_line + statement.sql.trim_end().matches('\n').count();
        if (start_line..=end_line).contains(&line) {
            found = Some(statement.sql.as_str());
        }
        offset = at + statement.sql.trim_end().len();
    }
    found
}
