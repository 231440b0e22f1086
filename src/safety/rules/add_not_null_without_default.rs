//! R07: ADD COLUMN … NOT NULL without a default on a table that has rows.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::{Dialect, Engine};
use crate::safety::types::{has_value_default, server_filled};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddNotNullWithoutDefault,
    severity: Severity::Error,
    summary: "A NOT NULL column without a default is added to a table that already has rows.",
    why: "Existing rows have no value for the new column. PostgreSQL and SQLite refuse the change \
          as soon as the table holds a row; MySQL accepts it and quietly fills in the type's \
          implicit value (0, an empty string, a zero date). Either way, the release still \
          running does not send the column, so its inserts fail once the column is required.",
    instead: "Add the column with a default (a real database default, not only one in the ORM), \
              or add it nullable, deploy code that writes it, backfill old rows in batches, and \
              only then require it.",
    safe_pattern: Some(SafePattern::ExpandBackfillContract),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "ACCESS EXCLUSIVE; fails at once if the table has rows",
        ),
        lock(
            Engine::Mysql,
            "instant or in place; existing rows get the implicit default",
        ),
        lock(Engine::Sqlite, "table rebuild; fails if the table has rows"),
    ],
    references: &[
        "squawk: adding-required-field",
        "atlas: MF103, MY101",
        "django-pg-zero-downtime-migrations: row 9 (ADD COLUMN NOT NULL)",
    ],
    catalog: &["R07"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    let dialect = ctx.version().dialect;
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddColumn { table, column } = change else {
            continue;
        };
        if column.nullable || has_value_default(column) || server_filled(column) {
            continue;
        }
        if !ctx.existed_before(table) {
            continue;
        }
        let name = format!("{table}.{}", column.name);
        let finding = match dialect {
            Dialect::Mysql => ctx
                .finding(
                    i,
                    format!(
                        "{name} is NOT NULL without a default: existing rows silently get the type's implicit value, and inserts from the running release fail"
                    ),
                )
                .severity(Severity::Warning),
            _ => ctx.finding(
                i,
                format!(
                    "{name} is NOT NULL without a default: the change fails if {table} has any row, and inserts from the running release fail"
                ),
            ),
        };
        ctx.report(finding.table(table));
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddNotNullWithoutDefault as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY);";

    #[test]
    fn required_column_on_existing_table() {
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);",
        );
        assert_eq!(found[0].severity, Severity::Error);
        findings(
            RULE,
            "sqlite:3.45",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);",
        );
    }

    #[test]
    fn mysql_invents_values() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, email varchar(100) NOT NULL);",
        );
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("implicit value"));
    }

    #[test]
    fn empty_table_is_graded_lower() {
        let found = findings_with(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);",
            &Extra {
                stats: Some(rows("users", 0)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn a_default_or_identity_fills_old_rows() {
        no_findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, active boolean NOT NULL DEFAULT true);",
        );
        no_findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, n bigint GENERATED ALWAYS AS IDENTITY);",
        );
    }

    #[test]
    fn new_table_is_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE users (id int NOT NULL);",
        );
    }
}
