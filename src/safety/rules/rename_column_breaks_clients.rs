//! R11: RENAME COLUMN.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::RenameColumnBreaksClients,
    severity: Severity::Error,
    summary: "A column is renamed: every query that names the old column fails.",
    why: "The rename is a quick catalog change, but the application is deployed separately. \
          Until the new release is everywhere, running code keeps sending the old name; after \
          it, any old instance or background job still does. Views and ORM caches hold the old \
          name too.",
    instead: "Add the new column, keep both in sync (trigger or dual writes), backfill, move \
              reads to the new column, stop writing the old one, and drop it in a later \
              release. A view that exposes both names is an alternative.",
    safe_pattern: Some(SafePattern::NewColumnAndSwap),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "ACCESS EXCLUSIVE; brief"),
        lock(
            Engine::Mysql,
            "INSTANT from 8.0.28 (INPLACE before); metadata only",
        ),
        lock(Engine::Mariadb, "metadata only"),
        lock(
            Engine::Sqlite,
            "native from 3.25; database write lock, brief",
        ),
    ],
    references: &[
        "squawk: renaming-column",
        "strong_migrations: rename_column",
        "atlas: BC102",
        "pgroll: rename_column",
        "django-pg-zero-downtime-migrations: row 18 (RENAME COLUMN)",
    ],
    catalog: &["R11"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::RenameColumn { table, from, to } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!("renaming {table}.{from} to {to} breaks every client still using {from}"),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::RenameColumnBreaksClients as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY, nickname text);";
    const AFTER: &str = "CREATE TABLE users (id int PRIMARY KEY, display_name text);";

    #[test]
    fn renaming_breaks_clients() {
        for version in ["postgres:15", "mysql:8.0.35", "sqlite:3.45"] {
            findings_with(
                RULE,
                version,
                BEFORE,
                AFTER,
                &Extra {
                    renames: &["users.nickname=display_name"],
                    ..Extra::default()
                },
            );
        }
    }

    #[test]
    fn not_a_rename_without_an_answer() {
        no_findings(RULE, "postgres:15", BEFORE, AFTER);
    }
}
