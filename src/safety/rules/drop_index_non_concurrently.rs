//! R24 (PostgreSQL): DROP INDEX without CONCURRENTLY.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropIndexNonConcurrently,
    severity: Severity::Warning,
    summary: "An index is dropped with a lock that blocks every query on its table.",
    why: "A plain DROP INDEX takes ACCESS EXCLUSIVE on the table. The drop itself is quick, but \
          it waits for every running query on the table, and all new queries queue behind it, \
          so a long report can turn it into an outage. Queries that used the index also get \
          slower afterwards.",
    instead: "Use DROP INDEX CONCURRENTLY as a step of its own outside a transaction. To \
              replace an index, build the new one first (concurrently) and drop the old one \
              after.",
    safe_pattern: Some(SafePattern::ConcurrentDropIndex),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE on the table; brief but queued",
    )],
    references: &[
        "squawk: require-concurrent-index-deletion",
        "strong_migrations: remove_index",
        "atlas: PG102",
        "pg-schema-diff: INDEX_DROPPED",
        "django-pg-zero-downtime-migrations: rows 30, 32 (DROP INDEX)",
    ],
    catalog: &["R24"],
    // The lock is short whatever the size; the risk is the queue (see require-lock-timeout).
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::DropIndex { table, index } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "dropping index {} locks {table} against all queries until running ones finish",
                    index.name
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropIndexNonConcurrently as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str =
        "CREATE TABLE users (id int, email text); CREATE INDEX users_email ON users (email);";
    const AFTER: &str = "CREATE TABLE users (id int, email text);";

    #[test]
    fn drop_index_blocks() {
        findings(RULE, "postgres:16", BEFORE, AFTER);
    }

    #[test]
    fn other_engines_drop_online() {
        no_findings(RULE, "mysql:8.0.35", BEFORE, AFTER);
        no_findings(RULE, "sqlite:3.45", BEFORE, AFTER);
    }
}
