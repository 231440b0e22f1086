//! R14: DROP DEFAULT on a NOT NULL column.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::types::{has_value_default, server_filled};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropDefaultBreaksInserts,
    severity: Severity::Warning,
    summary: "The default of a NOT NULL column is dropped, so inserts that leave it out fail.",
    why: "Code written against the old schema may rely on the database to fill the column. Once \
          the default is gone, each such insert violates NOT NULL. The change itself is cheap; \
          the risk is in the order against the code deploy.",
    instead: "Deploy code that always supplies the value first, and drop the default in a later \
              migration. When adding a default, do it before code starts relying on it.",
    safe_pattern: Some(SafePattern::DeployCodeFirst),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "ACCESS EXCLUSIVE; brief, catalog only"),
        lock(Engine::Mysql, "INSTANT"),
        lock(Engine::Sqlite, "table rebuild (see sqlite-table-rebuild)"),
    ],
    references: &[
        "strong_migrations: change_column_default",
        "django-pg-zero-downtime-migrations: rows 15, 16 (SET/DROP DEFAULT)",
    ],
    catalog: &["R14"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AlterColumn { table, from, to } = change else {
            continue;
        };
        let dropped = has_value_default(from) && !has_value_default(to);
        if !dropped || to.nullable || server_filled(to) || !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "{table}.{} is NOT NULL and loses its default: inserts that omit it start failing",
                    to.name
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropDefaultBreaksInserts as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn dropping_a_required_default() {
        for version in ["postgres:15", "mysql:8.0.35", "sqlite:3.45"] {
            findings(
                RULE,
                version,
                "CREATE TABLE t (id int, status varchar(10) NOT NULL DEFAULT 'new');",
                "CREATE TABLE t (id int, status varchar(10) NOT NULL);",
            );
        }
    }

    #[test]
    fn nullable_columns_and_new_defaults_are_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int, status text DEFAULT 'new');",
            "CREATE TABLE t (id int, status text);",
        );
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int, status text NOT NULL);",
            "CREATE TABLE t (id int, status text NOT NULL DEFAULT 'new');",
        );
    }
}
