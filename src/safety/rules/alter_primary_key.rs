//! R17, R20 (PostgreSQL): adding, replacing or dropping a primary key.
//!
//! MySQL grades these through `mysql-table-copy` / `mysql-table-rebuild`, SQLite through
//! `sqlite-table-rebuild`.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AlterPrimaryKey,
    severity: Severity::Error,
    summary: "A primary key is added or replaced on an existing table, building its index under a full lock.",
    why: "ADD PRIMARY KEY builds a unique index while ACCESS EXCLUSIVE blocks reads and writes \
          for the whole build, and if any key column is nullable it also scans the table to set \
          NOT NULL. Dropping a primary key removes its index (queries that used it slow down), \
          requires dropping foreign keys that reference it first, and leaves a published table \
          without the replica identity logical replication needs for UPDATE and DELETE.",
    instead: "Make the columns NOT NULL the safe way (see set-not-null-scan), build a unique \
              index with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT … \
              PRIMARY KEY USING INDEX, which only needs a brief lock.",
    safe_pattern: Some(SafePattern::UniqueIndexThenConstraint),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for the unique index build (and a NOT NULL scan for nullable columns)",
    )],
    references: &[
        "squawk: adding-serial-primary-key-field",
        "atlas: PG104, PG304",
        "django-pg-zero-downtime-migrations: rows 10, 23, 24 (PRIMARY KEY)",
    ],
    catalog: &["R17", "R20"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let finding = match change {
            Change::AddPrimaryKey { table, primary_key } => {
                if !ctx.existed_before(table) {
                    continue;
                }
                let replaces = changes
                    .iter()
                    .any(|c| matches!(c, Change::DropPrimaryKey { table: t, .. } if t == table));
                let before = ctx.before_table(table);
                let nullable: Vec<&str> = primary_key
                    .columns
                    .iter()
                    .filter(|c| {
                        before
                            .as_ref()
                            .and_then(|t| t.column(c))
                            .is_some_and(|col| col.nullable)
                    })
                    .map(String::as_str)
                    .collect();
                let mut message = format!(
                    "{} the primary key of {table} builds a unique index on ({}) while reads and writes wait",
                    if replaces { "replacing" } else { "adding" },
                    primary_key.columns.join(", ")
                );
                if !nullable.is_empty() {
                    message.push_str(&format!(
                        ", after scanning the table to make {} NOT NULL",
                        nullable.join(", ")
                    ));
                }
                ctx.finding(i, message).table(table)
            }
            Change::DropPrimaryKey { table, primary_key } => {
                let replaced = changes
                    .iter()
                    .any(|c| matches!(c, Change::AddPrimaryKey { table: t, .. } if t == table));
                if replaced || !ctx.existed_before(table) {
                    continue;
                }
                ctx.finding(
                    i,
                    format!(
                        "dropping the primary key ({}) of {table} removes its index; with no replica identity, UPDATE and DELETE fail if the table is published for logical replication",
                        primary_key.columns.join(", ")
                    ),
                )
                .severity(Severity::Warning)
                .lock("ACCESS EXCLUSIVE; brief")
                .pattern(Some(SafePattern::DeployCodeFirst))
                .table(table)
            }
            _ => continue,
        };
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AlterPrimaryKey as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    #[test]
    fn adding_a_primary_key_locks() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int NOT NULL, v text);",
            "CREATE TABLE t (id int PRIMARY KEY, v text);",
        );
        assert_eq!(found[0].severity, Severity::Error);
        assert!(!found[0].message.contains("scanning"));
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int, v text);",
            "CREATE TABLE t (id int, v text, PRIMARY KEY (id));",
        );
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn replacing_reports_once() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a));",
            "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("replacing"));
    }

    #[test]
    fn dropping_is_a_warning() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int PRIMARY KEY);",
            "CREATE TABLE t (id int NOT NULL);",
        );
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn new_tables_and_other_engines() {
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (id int PRIMARY KEY);",
        );
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int NOT NULL);",
            "CREATE TABLE t (id int NOT NULL PRIMARY KEY);",
        );
    }
}
