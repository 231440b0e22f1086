//! R18 (PostgreSQL): ADD CONSTRAINT … UNIQUE.
//!
//! A plain unique index is `create-index-non-concurrently`; MySQL builds unique indexes online.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddUniqueConstraintLocking,
    severity: Severity::Error,
    summary: "A UNIQUE constraint is added, building its index while reads and writes wait.",
    why: "The constraint form builds its unique index under ACCESS EXCLUSIVE, so the table is \
          unavailable for the whole build. Duplicates already present make it fail at the end, \
          and writers that create duplicates start failing once it exists.",
    instead: "Remove duplicates first, build the index with CREATE UNIQUE INDEX CONCURRENTLY, \
              then turn it into the constraint with ADD CONSTRAINT … UNIQUE USING INDEX, which \
              is a brief catalog change.",
    safe_pattern: Some(SafePattern::UniqueIndexThenConstraint),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for the unique index build",
    )],
    references: &[
        "squawk: disallowed-unique-constraint",
        "strong_migrations: add_unique_constraint",
        "atlas: MF101, PG105",
        "django-pg-zero-downtime-migrations: rows 11, 25 (UNIQUE)",
    ],
    catalog: &["R18"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddUnique { table, unique } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "the UNIQUE constraint on {table} ({}) builds its index while reads and writes wait; existing duplicates make it fail",
                    unique.columns.join(", ")
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddUniqueConstraintLocking as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int, email text);";
    const AFTER: &str =
        "CREATE TABLE users (id int, email text, CONSTRAINT users_email_key UNIQUE (email));";

    #[test]
    fn unique_constraint_locks() {
        findings(RULE, "postgres:15", BEFORE, AFTER);
    }

    #[test]
    fn mysql_builds_online_and_new_tables_are_fine() {
        no_findings(RULE, "mysql:8.0.35", BEFORE, AFTER);
        no_findings(RULE, "postgres:15", "", AFTER);
    }
}
