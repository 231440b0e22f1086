//! R06: ADD COLUMN with a volatile default (PostgreSQL).

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::{DefaultValue, Engine};
use crate::safety::types::server_filled;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddColumnVolatileDefault,
    severity: Severity::Error,
    summary: "A column is added with a default that differs per row, so PostgreSQL rewrites the table.",
    why: "A constant default is stored once in the catalog, but a volatile one (random(), \
          gen_random_uuid(), clock_timestamp()) must be computed for each existing row. \
          PostgreSQL does that by rewriting the table and all its indexes while holding ACCESS \
          EXCLUSIVE, so nothing can read or write the table until it finishes.",
    instead: "Add the column without a default, then set the default (it applies to new rows \
              only), fill old rows in batches, and add NOT NULL the cheap way if needed.",
    safe_pattern: Some(SafePattern::ExpandBackfillContract),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for a full rewrite of the table and its indexes",
    )],
    references: &[
        "https://www.postgresql.org/docs/current/sql-altertable.html (Notes)",
        "squawk: adding-field-with-default",
        "strong_migrations: add_column_default, add_column_default_callable",
        "atlas: PG302",
        "bytebase: COLUMN_DEFAULT_DISALLOW_VOLATILE",
    ],
    catalog: &["R06"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddColumn { table, column } = change else {
            continue;
        };
        // Serial and identity columns have their own rule (add-column-auto-increment).
        if server_filled(column) || !ctx.existed_before(table) {
            continue;
        }
        let Some(default) = column.default.as_ref().filter(|d| d.is_volatile()) else {
            continue;
        };
        let text = match default {
            DefaultValue::Function(f) | DefaultValue::Expr(f) => f.clone(),
            other => format!("{other:?}"),
        };
        let finding = ctx
            .finding(
                i,
                format!(
                    "{table}.{} defaults to {text}, which is computed per row: the table and its indexes are rewritten",
                    column.name
                ),
            )
            .table(table)
            .rewrite(true);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddColumnVolatileDefault as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY);";

    #[test]
    fn random_uuid_default_rewrites() {
        let found = findings(
            RULE,
            "postgres:16",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, token uuid DEFAULT gen_random_uuid());",
        );
        assert!(found[0].rewrite);
    }

    #[test]
    fn constant_and_stable_defaults_are_fine() {
        no_findings(
            RULE,
            "postgres:16",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, created timestamptz DEFAULT now());",
        );
        no_findings(
            RULE,
            "postgres:16",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, n int DEFAULT 0);",
        );
    }

    #[test]
    fn other_dialects_are_graded_by_their_engine_rules() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY, token varchar(36) DEFAULT (uuid()));",
        );
    }
}
