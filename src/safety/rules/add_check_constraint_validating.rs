//! R21 (PostgreSQL): ADD CHECK on an existing table.
//!
//! MySQL grades this through `mysql-table-copy`, SQLite through `sqlite-table-rebuild`.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddCheckConstraintValidating,
    severity: Severity::Error,
    summary: "A CHECK constraint is added and checked against every row while the table is locked.",
    why: "PostgreSQL verifies the new condition on all existing rows under ACCESS EXCLUSIVE, so \
          the table is unavailable until the scan ends, and a single violating row fails the \
          statement. Writers of the running release that break the rule start failing too.",
    instead: "Add the check with NOT VALID (brief lock; new rows are checked at once), fix the \
              violating rows, then VALIDATE CONSTRAINT in a separate transaction, which lets \
              reads and writes continue.",
    safe_pattern: Some(SafePattern::NotValidThenValidate),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for a full scan of the table",
    )],
    references: &[
        "squawk: constraint-missing-not-valid",
        "strong_migrations: add_check_constraint, validate_check_constraint",
        "atlas: PG305",
        "bytebase: STATEMENT_ADD_CHECK_NOT_VALID",
        "django-pg-zero-downtime-migrations: row 19 (ADD CHECK)",
    ],
    catalog: &["R21"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddCheck { table, check } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "CHECK ({}) on {table} scans every row while reads and writes wait",
                    check.expr
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddCheckConstraintValidating as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE t (qty int);";
    const AFTER: &str = "CREATE TABLE t (qty int, CONSTRAINT qty_positive CHECK (qty > 0));";

    #[test]
    fn check_validates_under_lock() {
        findings(RULE, "postgres:15", BEFORE, AFTER);
    }

    #[test]
    fn quiet_elsewhere() {
        no_findings(RULE, "postgres:15", "", AFTER);
        no_findings(RULE, "sqlite:3.45", BEFORE, AFTER);
    }
}
