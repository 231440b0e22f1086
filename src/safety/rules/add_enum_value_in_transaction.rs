//! R26 and C2 (PostgreSQL): ALTER TYPE … ADD VALUE inside a transaction.

use super::{POSTGRES, lock};
use crate::diff::{Change, uses_enum};
use crate::model::{Column, DefaultValue, Engine, QName};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddEnumValueInTransaction,
    severity: Severity::Error,
    summary: "An enum value is added where a transaction block cannot take it or cannot use it yet.",
    why: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE is refused inside a transaction block, \
          so a migration tool that wraps each migration in BEGIN/COMMIT fails on it. From 12 \
          on it is allowed, but the new value cannot be used (as a default, in a CHECK, in a \
          row) until the transaction that added it commits. Code of the running release may \
          also not know the value yet.",
    instead: "Run the ADD VALUE as a step of its own outside a transaction, and anything that \
              uses the value in a later migration. Ship code that tolerates the value before \
              writing it.",
    safe_pattern: Some(SafePattern::OutsideTransaction),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(Engine::Postgres, "catalog change on the type; brief")],
    references: &[
        "https://www.postgresql.org/docs/current/sql-altertype.html (Notes)",
        "https://www.postgresql.org/docs/release/12.0/",
        "squawk: require-enum-value-ordering",
        "bytebase: STATEMENT_NON_TRANSACTIONAL",
    ],
    catalog: &["R26", "C2"],
    graded_by_size: false,
};

fn column_uses(column: &Column, name: &QName, value: &str) -> bool {
    uses_enum(&column.ty, name) && column.default == Some(DefaultValue::String(value.to_string()))
}

/// A later change of this migration that needs the new value to be committed.
fn later_use(
    changes: &[Change],
    after: usize,
    name: &QName,
    value: &str,
) -> Option<(usize, String)> {
    let literal = format!("'{}'", value.replace('\'', "''"));
    changes
        .iter()
        .enumerate()
        .skip(after + 1)
        .find_map(|(j, change)| {
            let used = match change {
                Change::AddColumn { column, .. } => column_uses(column, name, value),
                Change::AlterColumn { to, .. } => column_uses(to, name, value),
                Change::CreateTable { table } => {
                    table.columns.iter().any(|c| column_uses(c, name, value))
                }
                Change::AddCheck { check, .. } => check.expr.contains(&literal),
                Change::AddIndex { index, .. } => index
                    .predicate
                    .as_deref()
                    .is_some_and(|p| p.contains(&literal)),
                _ => false,
            };
            used.then(|| (j, change.describe()))
        })
}

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let Change::AddEnumValue { name, value, .. } = change else {
            continue;
        };
        let finding = if !ctx.version().at_least(12, 0, 0) {
            ctx.finding(
                i,
                format!(
                    "adding '{value}' to {name} cannot run inside a transaction block on {}",
                    ctx.version().label()
                ),
            )
            .severity(Severity::Warning)
        } else if let Some((j, what)) = later_use(changes, i, name, value) {
            ctx.finding(
                i,
                format!(
                    "'{value}' is added to {name} and used by change #{j} ({what}); in one transaction that fails, because the value is usable only after the commit"
                ),
            )
            .pattern(Some(SafePattern::SeparateMigration))
        } else {
            continue;
        };
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddEnumValueInTransaction as RULE;
    use crate::safety::test_support::*;
    use crate::safety::{SafePattern, Severity};

    const BEFORE: &str = "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood);";

    #[test]
    fn before_12_needs_no_transaction() {
        let found = findings(
            RULE,
            "postgres:11",
            BEFORE,
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood);",
        );
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].safe_pattern, Some(SafePattern::OutsideTransaction));
    }

    #[test]
    fn from_12_only_a_use_in_the_same_migration_matters() {
        no_findings(
            RULE,
            "postgres:12",
            BEFORE,
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood);",
        );
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood DEFAULT 'happy');",
        );
        assert_eq!(found[0].safe_pattern, Some(SafePattern::SeparateMigration));
    }
}
