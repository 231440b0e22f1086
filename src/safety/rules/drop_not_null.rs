//! R16: DROP NOT NULL.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropNotNull,
    severity: Severity::Info,
    summary: "A column becomes nullable: readers may meet NULLs, and undoing it is expensive.",
    why: "Relaxing the constraint is cheap on PostgreSQL, but code that assumed a value is \
          always there may now crash on NULL. The reverse migration is a SET NOT NULL, which \
          scans the table (see set-not-null-scan), so rolling back costs far more than the \
          change itself.",
    instead: "Make readers NULL-safe before the change, and plan the way back as a full \
              SET NOT NULL with its own safe steps.",
    safe_pattern: Some(SafePattern::DeployCodeFirst),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "ACCESS EXCLUSIVE; brief"),
        lock(
            Engine::Mysql,
            "INPLACE with a table rebuild (see mysql-table-rebuild)",
        ),
        lock(Engine::Sqlite, "table rebuild (see sqlite-table-rebuild)"),
    ],
    references: &[
        "squawk: ban-drop-not-null",
        "django-pg-zero-downtime-migrations: row 14 (DROP NOT NULL)",
    ],
    catalog: &["R16"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AlterColumn { table, from, to } = change else {
            continue;
        };
        if from.nullable || !to.nullable || !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "{table}.{} may now hold NULL; readers must cope, and reverting means a full SET NOT NULL",
                    to.name
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropNotNull as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn relaxing_not_null() {
        for version in ["postgres:15", "mysql:8.0.35", "sqlite:3.45"] {
            findings(
                RULE,
                version,
                "CREATE TABLE t (id int, v int NOT NULL);",
                "CREATE TABLE t (id int, v int);",
            );
        }
    }

    #[test]
    fn tightening_is_another_rule() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int, v int);",
            "CREATE TABLE t (id int, v int NOT NULL);",
        );
    }
}
