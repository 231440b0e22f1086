//! Fresh statistics for the query planner. After a backfill has written a column's values, or
//! an index on an expression has been built (PostgreSQL gathers statistics on an indexed
//! expression only when it analyzes the table), the planner judges queries on the table by a
//! stale picture until autovacuum or InnoDB's automatic recalculation comes round, which on a
//! large table can be a long while: the plan analyzes the table right away.

use crate::dialect::Statement;
use crate::dialect::op::Op;
use crate::model::{Dialect, IndexPart, QName, Schema};
use crate::normalize::quote_qname;

use super::Step;

/// `ANALYZE` of `table` (PostgreSQL, MySQL); `None` for SQLite, whose planner statistics are
/// optional and gathered by the application's own `ANALYZE` or `PRAGMA optimize`.
pub(crate) fn analyze(dialect: Dialect, table: &QName, why: &str) -> Option<Statement> {
    let (sql, cost) = match dialect {
        Dialect::Postgres => (
            format!("ANALYZE {}", quote_qname(dialect, table)),
            "reads a sample of rows and blocks no writes",
        ),
        Dialect::Mysql => (
            format!("ANALYZE TABLE {}", quote_qname(dialect, table)),
            "samples a few pages of each index",
        ),
        Dialect::Sqlite => return None,
    };
    Some(Statement::new(sql).with_note(format!(
        "fresh statistics for the query planner {why}; {cost}"
    )))
}

/// PostgreSQL: each step that builds an index on an expression of a table that holds rows
/// ends with an ANALYZE of that table (once, after the step's last such build).
pub(crate) fn after_expression_indexes(dialect: Dialect, from: &Schema, steps: &mut [Step]) {
    if dialect != Dialect::Postgres {
        return;
    }
    for step in steps {
        let mut tables: Vec<QName> = Vec::new();
        for statement in &step.up {
            if let Some(Op::CreateIndex { table, index, .. }) = statement.op()
                && index
                    .keys
                    .iter()
                    .any(|k| matches!(k.part, IndexPart::Expr(_)))
                && from.tables.contains_key(table)
                && !tables.contains(table)
            {
                tables.push(table.clone());
            }
        }
        for table in tables {
            let Some(statement) = analyze(
                dialect,
                &table,
                "on the indexed expression, which PostgreSQL only gathers when it analyzes the table",
            ) else {
                continue;
            };
            // One ANALYZE, after the last build.
            step.up.retain(|s| s.sql != statement.sql);
            step.up.push(statement);
        }
    }
}
