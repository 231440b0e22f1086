//! R02: DROP TABLE.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropTable,
    severity: Severity::Error,
    summary: "A table is dropped: its rows are gone and code still using it fails.",
    why: "Dropping a table is instant and cannot be undone by a down migration: the down can \
          re-create the table but not its rows. Any running release that still reads or writes \
          the table starts failing the moment the drop commits, and foreign keys pointing at it \
          must go first.",
    instead: "Remove every use of the table from the code and deploy that first. Then take a \
              backup (or rename the table to a tombstone name and wait), and drop it in a later \
              release once nothing has touched it.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "ACCESS EXCLUSIVE on the table and on tables whose foreign keys reference it; brief",
        ),
        lock(Engine::Mysql, "exclusive metadata lock; brief"),
        lock(Engine::Sqlite, "database write lock; brief"),
    ],
    references: &[
        "squawk: ban-drop-table",
        "atlas: DS102",
        "pg-schema-diff: DELETES_DATA",
        "django-pg-zero-downtime-migrations: row 4 (DROP TABLE)",
    ],
    catalog: &["R02"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::DropTable { table } = change else {
            continue;
        };
        let referencing: Vec<String> = ctx
            .before()
            .tables
            .values()
            .filter(|t| {
                t.name != table.name && t.foreign_keys.iter().any(|f| f.ref_table == table.name)
            })
            .map(|t| t.name.to_string())
            .collect();
        let mut message = format!("dropping {} deletes every row it holds", table.name);
        if !referencing.is_empty() {
            message.push_str(&format!(
                "; foreign keys from {} point at it",
                referencing.join(", ")
            ));
        }
        let finding = ctx.finding(i, message).table(&table.name).data_loss(true);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropTable as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE audit (id int);";

    #[test]
    fn dropping_a_table_loses_its_rows() {
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY);",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].data_loss);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("graded as if audit were large"));
    }

    #[test]
    fn every_dialect() {
        findings(
            RULE,
            "sqlite:3.45",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY);",
        );
        findings(
            RULE,
            "mysql:8.0",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY);",
        );
    }

    #[test]
    fn an_empty_table_is_graded_lower() {
        let found = findings_with(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY);",
            &Extra {
                stats: Some(rows("audit", 0)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("0 rows"), "{}", found[0].message);
    }

    #[test]
    fn a_renamed_table_is_not_dropped() {
        no_findings_with(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE audit_log (id int);",
            &Extra {
                renames: &["audit=audit_log"],
                ..Extra::default()
            },
        );
    }
}
