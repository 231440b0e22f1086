//! R05: ADD COLUMN with a constant default before PostgreSQL 11.

use super::{POSTGRES, lock, until};
use crate::diff::Change;
use crate::model::{Dialect, Engine};
use crate::normalize::default_sql;
use crate::safety::types::{has_value_default, server_filled};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddColumnDefaultRewrite,
    severity: Severity::Error,
    summary: "Before PostgreSQL 11, adding a column with any default rewrites the whole table.",
    why: "PostgreSQL 11 learned to keep a non-volatile default in the catalog and hand it to old \
          rows on read. Older servers write the value into every existing row instead, copying \
          the table and its indexes while ACCESS EXCLUSIVE keeps everyone out.",
    instead: "On these versions add the column without a default, set the default separately \
              (new rows only), and backfill old rows in batches. Upgrading to PostgreSQL 11 or \
              later makes the single statement safe.",
    safe_pattern: Some(SafePattern::ExpandBackfillContract),
    dialects: POSTGRES,
    gates: &[until(Engine::Postgres, 11, 0, 0)],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for a full rewrite of the table and its indexes",
    )],
    references: &[
        "https://www.postgresql.org/docs/release/11.0/",
        "squawk: adding-field-with-default",
        "strong_migrations: add_column_default",
        "django-pg-zero-downtime-migrations: row 8 (ADD COLUMN DEFAULT)",
    ],
    catalog: &["R05"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddColumn { table, column } = change else {
            continue;
        };
        let Some(default) = column.default.as_ref() else {
            continue;
        };
        // Volatile defaults rewrite on every version and have their own rule.
        if !has_value_default(column)
            || default.is_volatile()
            || server_filled(column)
            || !ctx.existed_before(table)
        {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "{table}.{} gets DEFAULT {}; {} writes it into every existing row",
                    column.name,
                    default_sql(Dialect::Postgres, default),
                    ctx.version().label()
                ),
            )
            .table(table)
            .rewrite(true);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddColumnDefaultRewrite as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY);";
    const AFTER: &str = "CREATE TABLE users (id int PRIMARY KEY, active boolean DEFAULT true);";

    #[test]
    fn postgres_10_rewrites() {
        let found = findings(RULE, "postgres:10", BEFORE, AFTER);
        assert!(found[0].rewrite);
        assert!(found[0].message.contains("PostgreSQL 10"));
    }

    #[test]
    fn postgres_11_keeps_the_default_in_the_catalog() {
        no_findings(RULE, "postgres:11", BEFORE, AFTER);
        no_findings(RULE, "postgres:17", BEFORE, AFTER);
    }
}
