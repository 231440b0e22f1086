//! R09: adding or re-defining a stored generated column (PostgreSQL).

use super::{POSTGRES, lock, since};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::StoredGeneratedColumnRewrite,
    severity: Severity::Error,
    summary: "A stored generated column is added or re-defined, which computes it for every row.",
    why: "A STORED generated column keeps its value on disk, so adding one (or changing its \
          expression) evaluates the expression for all existing rows in a table rewrite under \
          ACCESS EXCLUSIVE. Turning a generated column back into a plain one is done here by \
          dropping and re-adding it, which leaves the column empty.",
    instead: "Add a plain nullable column kept up to date by a trigger and backfill it in \
              batches, or compute the value in a view or a virtual column (PostgreSQL 18). To \
              keep values when a column stops being generated, use DROP EXPRESSION \
              (PostgreSQL 13+).",
    safe_pattern: Some(SafePattern::ExpandBackfillContract),
    dialects: POSTGRES,
    // Generated columns exist from PostgreSQL 12 on.
    gates: &[since(Engine::Postgres, 12, 0, 0)],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for a full rewrite of the table and its indexes",
    )],
    references: &[
        "strong_migrations: add_column_generated_stored",
        "https://www.postgresql.org/docs/release/17.0/ (SET EXPRESSION rewrites)",
    ],
    catalog: &["R09"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let finding = match change {
            Change::AddColumn { table, column }
                if column.generated.as_ref().is_some_and(|g| g.stored) =>
            {
                ctx.finding(
                    i,
                    format!(
                        "the stored generated column {table}.{} is computed for every existing row",
                        column.name
                    ),
                )
                .table(table)
                .rewrite(true)
            }
            Change::AlterColumn { table, from, to } if from.generated != to.generated => {
                match (&from.generated, &to.generated) {
                    (_, Some(g)) if g.stored => ctx
                        .finding(
                            i,
                            format!(
                                "{table}.{} is re-created as a stored generated column, computed for every row",
                                to.name
                            ),
                        )
                        .table(table)
                        .rewrite(true)
                        .data_loss(from.generated.is_none()),
                    (Some(_), None) => ctx
                        .finding(
                            i,
                            format!(
                                "{table}.{} stops being generated: it is dropped and added back empty, losing its values",
                                to.name
                            ),
                        )
                        .table(table)
                        .data_loss(true),
                    _ => continue,
                }
            }
            _ => continue,
        };
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::StoredGeneratedColumnRewrite as RULE;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE items (price numeric, qty int);";

    #[test]
    fn adding_a_stored_column_rewrites() {
        let found = findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE items (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);",
        );
        assert!(found[0].rewrite && !found[0].data_loss);
    }

    #[test]
    fn no_longer_generated_loses_values() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE items (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);",
            "CREATE TABLE items (price numeric, qty int, total numeric);",
        );
        assert!(found[0].data_loss);
    }

    #[test]
    fn plain_columns_and_new_tables_are_fine() {
        no_findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE items (price numeric, qty int, note text);",
        );
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE items (price numeric, qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED);",
        );
    }
}
