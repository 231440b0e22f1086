//! R19 (PostgreSQL): ADD FOREIGN KEY on an existing table.
//!
//! MySQL grades this through `mysql-table-copy`, SQLite through `sqlite-table-rebuild`.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::types::has_leading_index;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::AddForeignKeyValidating,
    severity: Severity::Error,
    summary: "A foreign key is added and checked against every existing row while writes wait on both tables.",
    why: "Adding a foreign key takes SHARE ROW EXCLUSIVE on the referencing and the referenced \
          table and then checks every existing row, so inserts, updates and deletes on both \
          wait for the whole check. Orphan rows make it fail at the end.",
    instead: "Add the constraint with NOT VALID (a brief lock; new rows are checked from then \
              on), clean up orphans, then run VALIDATE CONSTRAINT in a separate transaction, \
              which lets reads and writes continue. Index the referencing columns as well.",
    safe_pattern: Some(SafePattern::NotValidThenValidate),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "SHARE ROW EXCLUSIVE on both tables while every row is checked",
    )],
    references: &[
        "squawk: adding-foreign-key-constraint, constraint-missing-not-valid",
        "strong_migrations: add_foreign_key, validate_foreign_key",
        "atlas: PG306",
        "pg-schema-diff: ACQUIRES_SHARE_ROW_EXCLUSIVE_LOCK",
        "django-pg-zero-downtime-migrations: row 21 (ADD FK)",
    ],
    catalog: &["R19"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddForeignKey { table, foreign_key } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let mut message = format!(
            "the foreign key {table} ({}) → {} checks every row while writes to both tables wait",
            foreign_key.columns.join(", "),
            foreign_key.ref_table
        );
        let indexed = ctx
            .before_table(table)
            .is_some_and(|t| has_leading_index(&t, &foreign_key.columns))
            || ctx.changes().iter().any(|c| {
                matches!(c, Change::AddIndex { table: t, index } if t == table
                && index.keys.len() >= foreign_key.columns.len()
                && index.keys.iter().zip(&foreign_key.columns).all(|(k, col)| {
                    matches!(&k.part, crate::model::IndexPart::Column(c) if c == col)
                }))
            });
        if !indexed {
            message.push_str(&format!(
                "; no index starts with ({}), so deletes on {} will scan {table}",
                foreign_key.columns.join(", "),
                foreign_key.ref_table
            ));
        }
        let finding = ctx.finding(i, message).table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::AddForeignKeyValidating as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str =
        "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (id int, user_id int);";

    #[test]
    fn foreign_key_validates_under_lock() {
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (id int, user_id int REFERENCES users (id));",
        );
        assert!(
            found[0].message.contains("no index"),
            "{}",
            found[0].message
        );
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (id int, user_id int REFERENCES users (id)); CREATE INDEX orders_user ON orders (user_id);",
        );
        assert!(
            !found[0].message.contains("no index"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn new_referencing_table_is_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int PRIMARY KEY);",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (id int, user_id int REFERENCES users (id));",
        );
    }
}
