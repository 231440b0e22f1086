//! R35 (PostgreSQL): DROP SEQUENCE.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::{DefaultValue, Engine, QName};
use crate::safety::types::mentions;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropSequence,
    severity: Severity::Warning,
    summary: "A sequence is dropped, losing its counter; anything still using it breaks.",
    why: "A sequence's current value is state: dropping it and creating it again later starts \
          numbering from the beginning, which collides with existing keys. A sequence that is \
          not owned by a column may still feed a column default or a function, which then fail.",
    instead: "Tie sequences to their column with OWNED BY so they go with it. Drop a sequence \
              only after nothing refers to it, and record its last value in case it must come \
              back.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE on the sequence; brief",
    )],
    references: &[
        "pg-schema-diff: DELETES_DATA, HAS_UNTRACKABLE_DEPENDENCIES",
        "django-pg-zero-downtime-migrations: row 2 (DROP SEQUENCE)",
    ],
    catalog: &["R35"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    // Tables and columns that go away in this migration take their sequences with them.
    let gone = |table: &QName, column: &str| {
        changes.iter().any(|c| match c {
            Change::DropTable { table: t } => t.name == *table,
            Change::DropColumn {
                table: t,
                column: col,
            } => t == table && col.name == column,
            Change::AlterColumn { table: t, to, .. } => {
                t == table
                    && to.name == column
                    && !matches!(to.default, Some(DefaultValue::Sequence(_)))
            }
            _ => false,
        })
    };
    for (i, change) in changes.iter().enumerate() {
        let Change::DropSequence { sequence } = change else {
            continue;
        };
        if let Some((table, column)) = &sequence.owned_by
            && gone(table, column)
        {
            continue;
        }
        let users: Vec<String> = ctx
            .before()
            .tables
            .values()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|c| match &c.default {
                        Some(DefaultValue::Sequence(s)) => *s == sequence.name,
                        Some(DefaultValue::Expr(e)) => mentions(e, &sequence.name.name),
                        _ => false,
                    })
                    .filter(|c| !gone(&t.name, &c.name))
                    .map(|c| format!("{}.{}", t.name, c.name))
                    .collect::<Vec<_>>()
            })
            .collect();
        let finding = if users.is_empty() {
            ctx.finding(
                i,
                format!(
                    "dropping sequence {} loses its current value",
                    sequence.name
                ),
            )
        } else {
            ctx.finding(
                i,
                format!(
                    "dropping sequence {} breaks the defaults of {}",
                    sequence.name,
                    users.join(", ")
                ),
            )
            .severity(Severity::Error)
        };
        ctx.report(finding.data_loss(true));
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropSequence as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn dropping_a_standalone_sequence() {
        findings(
            RULE,
            "postgres:15",
            "CREATE SEQUENCE ticket_seq; CREATE TABLE t (id int);",
            "CREATE TABLE t (id int);",
        );
    }

    #[test]
    fn dropped_with_its_table_is_fine() {
        no_findings(RULE, "postgres:15", "CREATE TABLE t (id serial);", "");
    }
}
