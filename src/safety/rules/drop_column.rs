//! R10: DROP COLUMN.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropColumn,
    severity: Severity::Error,
    summary: "A column is dropped: its values are gone and code that names it fails.",
    why: "The values cannot come back through a down migration, which can only re-add an empty \
          column. The release still running keeps selecting and inserting the column (ORMs \
          cache their column lists), so its queries fail from the moment the drop commits. \
          Indexes and constraints on the column disappear with it.",
    instead: "First make the code ignore the column (for example Rails ignored_columns or a \
              Django model change without a migration) and deploy. Keep a backup of the \
              values, then drop the column in a later release.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "ACCESS EXCLUSIVE; brief, metadata only (space is reclaimed by later rewrites)",
        ),
        lock(
            Engine::Mysql,
            "INSTANT from 8.0.29, before that INPLACE with a table rebuild",
        ),
        lock(
            Engine::Mariadb,
            "INSTANT from 10.4, before that a table rebuild",
        ),
        lock(
            Engine::Sqlite,
            "native from 3.35 unless the column is in a key, index, constraint or generated column; otherwise a table rebuild",
        ),
    ],
    references: &[
        "squawk: ban-drop-column",
        "strong_migrations: remove_column",
        "atlas: DS103",
        "pg-schema-diff: DELETES_DATA",
        "django-pg-zero-downtime-migrations: row 17 (DROP COLUMN)",
    ],
    catalog: &["R10"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::DropColumn { table, column } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let mut message = format!("dropping {table}.{} deletes its values", column.name);
        if column.generated.is_some() {
            message = format!(
                "dropping the generated column {table}.{} breaks code that reads it",
                column.name
            );
        }
        let finding = ctx
            .finding(i, message)
            .table(table)
            .data_loss(column.generated.is_none());
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropColumn as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY, nickname text);";
    const AFTER: &str = "CREATE TABLE users (id int PRIMARY KEY);";

    #[test]
    fn dropping_a_column_loses_data() {
        for version in [
            "postgres:15",
            "mysql:8.0.35",
            "mariadb:10.11",
            "sqlite:3.45",
        ] {
            let found = findings(RULE, version, BEFORE, AFTER);
            assert!(found[0].data_loss, "{version}");
        }
    }

    #[test]
    fn large_table_keeps_the_grade() {
        let found = findings_with(
            RULE,
            "postgres:15",
            BEFORE,
            AFTER,
            &Extra {
                stats: Some(rows("users", 2_000_000)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("2,000,000 rows"));
    }

    #[test]
    fn a_renamed_column_is_not_dropped() {
        no_findings_with(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, display_name text);",
            &Extra {
                renames: &["users.nickname=display_name"],
                ..Extra::default()
            },
        );
    }
}
