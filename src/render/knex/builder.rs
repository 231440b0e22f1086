//! Knex schema builder calls for the statements Knex writes exactly as migen planned them, on
//! that dialect. What Knex writes was read from Knex 3.3's compilers and is checked against
//! the statement by `tests/knex.rs` (the SQL Knex sends is compared with the plan):
//!
//! | call                     | PostgreSQL                 | MySQL                        | SQLite                       |
//! |--------------------------|----------------------------|------------------------------|------------------------------|
//! | `dropTable`              | `drop table`               | `drop table`                 | `drop table`                 |
//! | `renameTable`            | `alter table … rename to`  | `rename table … to`          | `alter table … rename to`    |
//! | `dropColumn`             | `alter table … drop column`| `alter table … drop`         | rebuilds the table: not used |
//! | `renameColumn`           | `alter table … rename … to`| `show fields` + `change`: not used | `alter table … rename … to` |
//! | `index` (plain keys)     | `create index … on`        | `alter table … add index`    | `create index … on`          |
//! | `dropIndex`              | `drop index`               | `alter table … drop index`   | `drop index`                 |
//!
//! Everything else (types, defaults, constraints, concurrent builds, IF [NOT] EXISTS, guards,
//! backfills) stays `knex.raw` with migen's SQL: Knex's column builders spell types and
//! defaults their own way, which would change what the statement means.

use super::js::{plain_name, string};
use crate::dialect::op::Op;
use crate::model::{Dialect, Index, IndexPart, QName};

/// `knex.schema` (with the table's schema, where it has one).
fn schema(table: &QName) -> String {
    match &table.schema {
        Some(schema) => format!("knex.schema.withSchema({})", string(schema)),
        None => "knex.schema".into(),
    }
}

fn plain_table(dialect: Dialect, table: &QName) -> bool {
    // Knex's SQLite compiler drops the schema of an index statement.
    plain_name(&table.name)
        && match &table.schema {
            Some(schema) => dialect != Dialect::Sqlite && plain_name(schema),
            None => true,
        }
}

/// Keys Knex's `index()` writes as migen does: plain columns, ascending, no prefix length or
/// operator class, on the default method, without a predicate or covering columns.
fn plain_columns(index: &Index) -> Option<Vec<String>> {
    if index.unique || index.method.is_some() || index.predicate.is_some() {
        return None;
    }
    if !index.include.is_empty() || !plain_name(&index.name) {
        return None;
    }
    index
        .keys
        .iter()
        .map(|key| match &key.part {
            IndexPart::Column(column)
                if !key.desc
                    && key.nulls_first.is_none()
                    && key.length.is_none()
                    && key.opclass.is_none()
                    && plain_name(column) =>
            {
                Some(string(column))
            }
            _ => None,
        })
        .collect()
}

/// The builder call for `op` on `dialect`, or `None` when the statement stays `knex.raw`.
pub(super) fn call(dialect: Dialect, op: &Op) -> Option<String> {
    match op {
        Op::DropTable { table } if plain_table(dialect, table) => Some(format!(
            "{}.dropTable({})",
            schema(table),
            string(&table.name)
        )),
        Op::RenameTable { from, to }
            if from.schema == to.schema
                && plain_table(dialect, from)
                && plain_name(&to.name)
                && (dialect != Dialect::Sqlite || from.schema.is_none()) =>
        {
            Some(format!(
                "{}.renameTable({}, {})",
                schema(from),
                string(&from.name),
                string(&to.name)
            ))
        }
        Op::DropColumn {
            table,
            column,
            if_exists: false,
        } if dialect != Dialect::Sqlite
            && plain_table(dialect, table)
            && plain_name(&column.name) =>
        {
            Some(alter(
                table,
                &format!("table.dropColumn({})", string(&column.name)),
            ))
        }
        Op::RenameColumn { table, column, to }
            if dialect != Dialect::Mysql
                && plain_table(dialect, table)
                && plain_name(&column.name)
                && plain_name(to) =>
        {
            Some(alter(
                table,
                &format!(
                    "table.renameColumn({}, {})",
                    string(&column.name),
                    string(to)
                ),
            ))
        }
        Op::CreateIndex {
            table,
            index,
            concurrently: false,
            if_not_exists: false,
        } if plain_table(dialect, table) => {
            let columns = plain_columns(index)?;
            Some(alter(
                table,
                &format!(
                    "table.index([{}], {})",
                    columns.join(", "),
                    string(&index.name)
                ),
            ))
        }
        Op::DropIndex {
            table,
            index,
            concurrently: false,
            if_exists: false,
        } if plain_table(dialect, table) && plain_name(&index.name) => Some(alter(
            table,
            &format!("table.dropIndex([], {})", string(&index.name)),
        )),
        _ => None,
    }
}

fn alter(table: &QName, body: &str) -> String {
    format!(
        "{}.alterTable({}, (table) => {{\n  {body};\n}})",
        schema(table),
        string(&table.name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndexKey;

    fn index(name: &str, columns: &[&str]) -> Index {
        Index {
            name: name.into(),
            unique: false,
            keys: columns
                .iter()
                .map(|c| IndexKey {
                    part: IndexPart::Column(c.to_string()),
                    desc: false,
                    nulls_first: None,
                    length: None,
                    opclass: None,
                })
                .collect(),
            method: None,
            predicate: None,
            include: Vec::new(),
        }
    }

    #[test]
    fn plain_indexes_use_the_builder_and_the_rest_stays_sql() {
        let table = QName::new("book");
        let plain = Op::CreateIndex {
            table: table.clone(),
            index: index("book_title_idx", &["title", "pages"]),
            concurrently: false,
            if_not_exists: false,
        };
        assert_eq!(
            call(Dialect::Postgres, &plain).unwrap(),
            "knex.schema.alterTable('book', (table) => {\n  table.index(['title', 'pages'], 'book_title_idx');\n})"
        );
        let mut unique = index("book_title_key", &["title"]);
        unique.unique = true;
        for op in [
            Op::CreateIndex {
                table: table.clone(),
                index: unique,
                concurrently: false,
                if_not_exists: false,
            },
            Op::CreateIndex {
                table: table.clone(),
                index: index("book_title_idx", &["title"]),
                concurrently: true,
                if_not_exists: false,
            },
            Op::CreateIndex {
                table: table.clone(),
                index: index("who?", &["title"]),
                concurrently: false,
                if_not_exists: false,
            },
        ] {
            assert_eq!(call(Dialect::Postgres, &op), None, "{op:?}");
        }
    }

    #[test]
    fn calls_knex_compiles_differently_are_left_out_per_dialect() {
        let table = QName::new("book");
        let column = crate::model::Column::new(
            "pages",
            crate::model::Type::Integer {
                bits: 32,
                unsigned: false,
            },
        );
        let drop = Op::DropColumn {
            table: table.clone(),
            column: column.clone(),
            if_exists: false,
        };
        assert!(call(Dialect::Postgres, &drop).is_some());
        assert!(call(Dialect::Mysql, &drop).is_some());
        assert_eq!(
            call(Dialect::Sqlite, &drop),
            None,
            "Knex rebuilds the table"
        );
        let rename = Op::RenameColumn {
            table,
            column,
            to: "page_count".into(),
        };
        assert!(call(Dialect::Sqlite, &rename).is_some());
        assert_eq!(
            call(Dialect::Mysql, &rename),
            None,
            "Knex restates the column"
        );
    }
}
