//! R03: RENAME TABLE.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::RenameTableBreaksClients,
    severity: Severity::Error,
    summary: "A table is renamed: every query that uses the old name fails.",
    why: "The rename itself is a quick catalog change, but code is deployed separately from the \
          schema. Between the migration and the deploy, either the old release (which uses the \
          old name) or the new one (which uses the new name) is wrong, and every query it sends \
          errors out.",
    instead: "Rename the table and create a simple view under the old name in the same \
              migration, so both names work. Move the code to the new name, deploy, then drop \
              the view in a later migration.",
    safe_pattern: Some(SafePattern::CompatView),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "ACCESS EXCLUSIVE; brief"),
        lock(Engine::Mysql, "exclusive metadata lock; metadata only"),
        lock(
            Engine::Sqlite,
            "database write lock; brief (3.26+ also rewrites references in triggers and views)",
        ),
    ],
    references: &[
        "squawk: renaming-table",
        "strong_migrations: rename_table",
        "atlas: BC101",
        "pgroll: rename_table",
    ],
    catalog: &["R03"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::RenameTable { from, to } = change else {
            continue;
        };
        let finding = ctx
            .finding(
                i,
                format!("renaming {from} to {to} breaks every client still using {from}"),
            )
            .table(to);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::RenameTableBreaksClients as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY, email text);";
    const AFTER: &str = "CREATE TABLE accounts (id int PRIMARY KEY, email text);";

    #[test]
    fn renaming_a_table_breaks_clients() {
        for version in ["postgres:16", "mysql:8.0.35", "sqlite:3.45"] {
            let found = findings_with(
                RULE,
                version,
                BEFORE,
                AFTER,
                &Extra {
                    renames: &["users=accounts"],
                    ..Extra::default()
                },
            );
            assert!(found[0].message.contains("users"));
        }
    }

    #[test]
    fn size_does_not_matter() {
        let found = findings_with(
            RULE,
            "postgres:16",
            BEFORE,
            AFTER,
            &Extra {
                renames: &["users=accounts"],
                stats: Some(rows("users", 0)),
            },
        );
        assert_eq!(found[0].severity, crate::safety::Severity::Error);
    }

    #[test]
    fn drop_and_create_is_not_a_rename() {
        no_findings(RULE, "postgres:16", BEFORE, AFTER);
    }
}
