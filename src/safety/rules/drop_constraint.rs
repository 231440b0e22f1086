//! R20: dropping a foreign key, CHECK or UNIQUE constraint (primary keys: alter-primary-key).

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropConstraint,
    severity: Severity::Info,
    summary: "A constraint is dropped: the database stops guarding that rule.",
    why: "After the drop, rows that break the rule can be written and nothing reports it. \
          Dropping a UNIQUE constraint also drops its index, so queries that used it may slow \
          down. On PostgreSQL the drop is a brief ACCESS EXCLUSIVE lock (a foreign key drop \
          also locks the referenced table).",
    instead: "Make sure the rule is enforced elsewhere or truly retired. When replacing an \
              index-backed constraint, build the replacement index before dropping the old one.",
    safe_pattern: None,
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "ACCESS EXCLUSIVE; brief (a foreign key drop also locks the referenced table)",
        ),
        lock(Engine::Mysql, "INPLACE, metadata only"),
        lock(Engine::Sqlite, "table rebuild (see sqlite-table-rebuild)"),
    ],
    references: &[
        "atlas: CD101",
        "pg-schema-diff: INDEX_DROPPED",
        "django-pg-zero-downtime-migrations: rows 20, 22, 26",
    ],
    catalog: &["R20"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let (table, what, kept) = match change {
            // Re-added unchanged (MySQL re-creates foreign keys around a type change) is no loss.
            Change::DropForeignKey { table, foreign_key } => (
                table,
                format!(
                    "the foreign key ({}) → {}",
                    foreign_key.columns.join(", "),
                    foreign_key.ref_table
                ),
                changes.iter().any(|c| matches!(c, Change::AddForeignKey { table: t, foreign_key: f }
                    if t == table && f.columns == foreign_key.columns && f.ref_table == foreign_key.ref_table)),
            ),
            Change::DropCheck { table, check } => (
                table,
                format!("CHECK ({})", check.expr),
                changes.iter().any(|c| matches!(c, Change::AddCheck { table: t, check: k }
                    if t == table && k.expr == check.expr)),
            ),
            Change::DropUnique { table, unique } => (
                table,
                format!("the UNIQUE constraint ({}) and its index", unique.columns.join(", ")),
                changes.iter().any(|c| matches!(c, Change::AddUnique { table: t, unique: u }
                    if t == table && u.columns == unique.columns)),
            ),
            _ => continue,
        };
        if kept || !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!("dropping {what} on {table} stops the database enforcing it"),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropConstraint as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn dropping_constraints() {
        for version in ["postgres:15", "mysql:8.0.35", "sqlite:3.45"] {
            findings(
                RULE,
                version,
                "CREATE TABLE t (qty int, CONSTRAINT qty_positive CHECK (qty > 0));",
                "CREATE TABLE t (qty int);",
            );
        }
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int);",
        );
    }

    #[test]
    fn re_added_foreign_key_is_kept() {
        // MySQL drops and re-adds foreign keys over a column whose type changes.
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
            "CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (user_id bigint, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
        );
    }
}
