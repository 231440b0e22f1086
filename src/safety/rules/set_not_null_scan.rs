//! R15 (PostgreSQL): SET NOT NULL on an existing column.
//!
//! MySQL grades this through `mysql-table-rebuild`, SQLite through `sqlite-table-rebuild`.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::{Engine, Table};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::SetNotNullScan,
    severity: Severity::Error,
    summary: "A column becomes NOT NULL, which reads the whole table while it is locked.",
    why: "To prove no row holds NULL, PostgreSQL scans the entire table under ACCESS EXCLUSIVE, \
          so reads and writes wait for the scan. If a NULL turns up the statement fails after \
          all that work. Writers of the running release that still send NULL start failing too.",
    instead: "Add CHECK (col IS NOT NULL) NOT VALID (brief lock), backfill the NULLs, validate \
              the check (reads and writes continue), then SET NOT NULL, which PostgreSQL 12+ \
              accepts without scanning thanks to the valid check, and drop the check. On \
              PostgreSQL 11 the final step still scans; keep the validated check as the guard \
              instead. PostgreSQL 18 can also add NOT NULL as NOT VALID directly.",
    safe_pattern: Some(SafePattern::CheckThenSetNotNull),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for a full scan of the table",
    )],
    references: &[
        "https://www.postgresql.org/docs/current/sql-altertable.html (SET NOT NULL)",
        "squawk: adding-not-nullable-field",
        "strong_migrations: change_column_null, change_column_null_postgresql",
        "atlas: MF104, PG303",
        "django-pg-zero-downtime-migrations: row 13 (SET NOT NULL)",
    ],
    catalog: &["R15"],
    graded_by_size: true,
};

/// A valid `CHECK (col IS NOT NULL)` (alone or as one side of an AND) lets PostgreSQL 12+ skip the scan.
fn proven_not_null(table: &Table, column: &str) -> bool {
    let wanted = format!("{} is not null", column.to_ascii_lowercase());
    table.checks.iter().any(|check| {
        let expr = check.expr.to_ascii_lowercase().replace('"', "");
        !expr.contains(" or ")
            && expr
                .split(" and ")
                .any(|part| part.trim_matches(|c: char| c == '(' || c == ')' || c == ' ') == wanted)
    })
}

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AlterColumn { table, from, to } = change else {
            continue;
        };
        if !from.nullable || to.nullable || !ctx.existed_before(table) {
            continue;
        }
        let Some(before) = ctx.before_table(table) else {
            continue;
        };
        let version = ctx.version();
        if version.at_least(12, 0, 0) && proven_not_null(&before, &to.name) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "making {table}.{} NOT NULL scans all of {table} while reads and writes wait; it fails if any row holds NULL",
                    to.name
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::SetNotNullScan as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int, email text);";
    const AFTER: &str = "CREATE TABLE users (id int, email text NOT NULL);";

    #[test]
    fn set_not_null_scans() {
        let found = findings(RULE, "postgres:15", BEFORE, AFTER);
        assert_eq!(
            found[0].safe_pattern,
            Some(crate::safety::SafePattern::CheckThenSetNotNull)
        );
    }

    #[test]
    fn a_valid_check_skips_the_scan_from_12() {
        let before = "CREATE TABLE users (id int, email text, CONSTRAINT email_nn CHECK (email IS NOT NULL));";
        let after = "CREATE TABLE users (id int, email text NOT NULL, CONSTRAINT email_nn CHECK (email IS NOT NULL));";
        no_findings(RULE, "postgres:12", before, after);
        findings(RULE, "postgres:11", before, after);
    }

    #[test]
    fn other_engines_use_their_own_rules() {
        no_findings(RULE, "mysql:8.0.35", BEFORE, AFTER);
        no_findings(RULE, "sqlite:3.45", BEFORE, AFTER);
    }
}
