//! The SQL `drizzle-kit generate` writes for the tables on an empty database, per dialect
//! (drizzle-kit's `sqlgenerator` for create-table, foreign-key and index statements), every
//! line remembering the schema position it comes from.

use super::columns::Column;
use super::tables::Table;
use super::{Core, Model};
use crate::source::orm::generated::{GeneratedDdl, GeneratedLine};
use crate::source::orm::typescript::Sources;

pub(super) fn render(model: &Model, sources: &Sources) -> GeneratedDdl {
    let mut ddl = GeneratedDdl::new(sources.names.clone());
    let core = model.core;
    let q = |name: &str| core.quote(name);
    let qualified = |schema: &Option<String>, name: &str| match schema {
        Some(schema) => format!("{}.{}", q(schema), q(name)),
        None => q(name),
    };
    if core == Core::Pg {
        let mut schemas: Vec<(&String, _)> = model
            .enums
            .iter()
            .filter_map(|e| e.schema.as_ref().map(|s| (s, e.pos)))
            .chain(
                model
                    .tables
                    .iter()
                    .filter_map(|t| t.schema.as_ref().map(|s| (s, t.pos))),
            )
            .chain(
                model
                    .sequences
                    .iter()
                    .filter_map(|s| s.schema.as_ref().map(|schema| (schema, s.pos))),
            )
            .chain(
                model
                    .views
                    .iter()
                    .filter_map(|v| v.schema.as_ref().map(|schema| (schema, v.pos))),
            )
            .collect();
        schemas.sort_by(|a, b| a.0.cmp(b.0));
        schemas.dedup_by(|a, b| a.0 == b.0);
        for (schema, pos) in schemas {
            ddl.push_line(format!("CREATE SCHEMA {};", q(schema)), pos);
        }
        for e in &model.enums {
            let values: Vec<String> = e.values.iter().map(|v| super::sql::literal(v)).collect();
            ddl.push_line(
                format!(
                    "CREATE TYPE {} AS ENUM({});",
                    qualified(&e.schema, &e.name),
                    values.join(", ")
                ),
                e.pos,
            );
        }
    }
    for sequence in &model.sequences {
        let o = &sequence.options;
        ddl.push_line(
            format!(
                "CREATE SEQUENCE {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{};",
                qualified(&sequence.schema, &sequence.name),
                o.increment,
                o.min,
                o.max,
                o.start,
                o.cache,
                if o.cycle { " CYCLE" } else { "" }
            ),
            sequence.pos,
        );
    }
    for table in &model.tables {
        create_table(core, table, &mut ddl);
    }
    for table in &model.tables {
        let name = qualified(&table.schema, &table.name);
        if core != Core::Sqlite {
            for fk in &table.foreign_keys {
                let columns: Vec<String> = fk.columns.iter().map(|c| q(c)).collect();
                let refs: Vec<String> = fk.ref_columns.iter().map(|c| q(c)).collect();
                let target = match core {
                    // drizzle-kit writes the public schema out on PostgreSQL.
                    Core::Pg => format!(
                        "{}.{}",
                        q(fk.ref_schema.as_deref().unwrap_or("public")),
                        q(&fk.ref_table)
                    ),
                    _ => q(&fk.ref_table),
                };
                ddl.push_line(
                    format!(
                        "ALTER TABLE {name} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {target}({}) ON DELETE {} ON UPDATE {};",
                        q(fk.name.as_deref().unwrap_or_default()),
                        columns.join(","),
                        refs.join(","),
                        fk.on_delete.as_deref().unwrap_or("no action"),
                        fk.on_update.as_deref().unwrap_or("no action"),
                    ),
                    fk.pos,
                );
            }
        }
        if core == Core::Sqlite {
            for (index_name, column, pos) in sqlite_uniques(table) {
                ddl.push_line(
                    format!(
                        "CREATE UNIQUE INDEX {} ON {name} ({});",
                        q(&index_name),
                        column
                    ),
                    pos,
                );
            }
        }
        for index in &table.indexes {
            let unique = if index.unique { "UNIQUE " } else { "" };
            let using = match core {
                Core::Pg => format!(" USING {}", index.using.as_deref().unwrap_or("btree")),
                _ => String::new(),
            };
            let predicate = index
                .predicate
                .as_ref()
                .map_or(String::new(), |p| format!(" WHERE {p}"));
            ddl.push_line(
                format!(
                    "CREATE {unique}INDEX {} ON {name}{using} ({}){predicate};",
                    q(&index.name),
                    index.parts.join(",")
                ),
                index.pos,
            );
        }
    }
    // drizzle-kit wraps the query in parentheses; written bare, it reads as the database keeps it.
    for view in &model.views {
        ddl.push_line(
            format!(
                "CREATE {}VIEW {} AS {};",
                if view.materialized {
                    "MATERIALIZED "
                } else {
                    ""
                },
                qualified(&view.schema, &view.name),
                view.definition.trim().trim_end_matches(';')
            ),
            view.pos,
        );
    }
    ddl
}

/// SQLite has no unique constraints in drizzle-kit's output: each is a unique index (name,
/// quoted column list, position).
fn sqlite_uniques(table: &Table) -> Vec<(String, String, crate::source::orm::generated::Origin)> {
    let q = |name: &str| Core::Sqlite.quote(name);
    let mut out = Vec::new();
    for column in &table.columns {
        if let Some((name, _)) = &column.unique {
            let name = name
                .clone()
                .unwrap_or_else(|| format!("{}_{}_unique", table.name, column.given_name));
            out.push((name, q(&column.name), column.pos));
        }
    }
    for unique in &table.uniques {
        let columns: Vec<String> = unique.columns.iter().map(|c| q(c)).collect();
        out.push((unique.name.clone(), columns.join(","), unique.pos));
    }
    out
}

fn create_table(core: Core, table: &Table, ddl: &mut GeneratedDdl) {
    let q = |name: &str| core.quote(name);
    let name = match &table.schema {
        Some(schema) => format!("{}.{}", q(schema), q(&table.name)),
        None => q(&table.name),
    };
    let composite = table.primary_key.as_ref();
    let mut line = GeneratedLine::new(format!("CREATE TABLE {name} ("), table.pos);
    for (index, column) in table.columns.iter().enumerate() {
        let separator = if index == 0 { "" } else { ", " };
        let text = column_sql(core, column, composite.is_none());
        line.push(format!("{separator}{text}"), column.pos);
    }
    let mut constraints: Vec<(String, crate::source::orm::generated::Origin)> = Vec::new();
    if let Some(pk) = composite {
        let columns: Vec<String> = pk.columns.iter().map(|c| q(c)).collect();
        let text = match core {
            Core::Pg => format!(
                "CONSTRAINT {} PRIMARY KEY({})",
                q(&pk.name),
                columns.join(",")
            ),
            _ => format!("PRIMARY KEY({})", columns.join(", ")),
        };
        constraints.push((text, pk.pos));
    } else if core == Core::Mysql
        && let Some(column) = table.columns.iter().find(|c| c.primary)
    {
        constraints.push((format!("PRIMARY KEY({})", q(&column.name)), column.pos));
    }
    if core != Core::Sqlite {
        for column in &table.columns {
            if let Some((unique_name, nulls)) = &column.unique {
                let unique_name = unique_name
                    .clone()
                    .unwrap_or_else(|| format!("{}_{}_unique", table.name, column.given_name));
                let nulls = if *nulls { " NULLS NOT DISTINCT" } else { "" };
                constraints.push((
                    format!(
                        "CONSTRAINT {} UNIQUE{nulls}({})",
                        q(&unique_name),
                        q(&column.name)
                    ),
                    column.pos,
                ));
            }
        }
        for unique in &table.uniques {
            let columns: Vec<String> = unique.columns.iter().map(|c| q(c)).collect();
            let nulls = if unique.nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            constraints.push((
                format!(
                    "CONSTRAINT {} UNIQUE{nulls}({})",
                    q(&unique.name),
                    columns.join(",")
                ),
                unique.pos,
            ));
        }
    } else {
        for fk in &table.foreign_keys {
            let columns: Vec<String> = fk.columns.iter().map(|c| q(c)).collect();
            let refs: Vec<String> = fk.ref_columns.iter().map(|c| q(c)).collect();
            constraints.push((
                format!(
                    "FOREIGN KEY ({}) REFERENCES {}({}) ON UPDATE {} ON DELETE {}",
                    columns.join(", "),
                    q(&fk.ref_table),
                    refs.join(", "),
                    fk.on_update.as_deref().unwrap_or("no action"),
                    fk.on_delete.as_deref().unwrap_or("no action"),
                ),
                fk.pos,
            ));
        }
    }
    for check in &table.checks {
        constraints.push((
            format!("CONSTRAINT {} CHECK({})", q(&check.name), check.expression),
            check.pos,
        ));
    }
    for (text, pos) in constraints {
        line.push(format!(", {text}"), pos);
    }
    line.push(");", table.pos);
    ddl.push(line);
}

fn column_sql(core: Core, column: &Column, single_primary: bool) -> String {
    let q = |name: &str| core.quote(name);
    let mut text = format!("{} ", q(&column.name));
    if column.is_enum {
        let (base, arrays) = split_arrays(&column.sql_type);
        match &column.enum_schema {
            Some(schema) => text.push_str(&format!("{}.{}", q(schema), q(base))),
            None => text.push_str(&q(base)),
        }
        text.push_str(arrays);
    } else {
        text.push_str(&column.sql_type);
    }
    let primary = column.primary && single_primary;
    match core {
        Core::Pg if primary => text.push_str(" PRIMARY KEY"),
        Core::Sqlite if primary => text.push_str(" PRIMARY KEY"),
        _ => {}
    }
    if column.autoincrement || (core == Core::Mysql && column.builder == "serial") {
        text.push_str(match core {
            Core::Sqlite => " AUTOINCREMENT",
            _ => " AUTO_INCREMENT",
        });
    }
    if let Some(default) = &column.default {
        text.push_str(&format!(" DEFAULT {default}"));
    }
    if column.on_update_now {
        text.push_str(" ON UPDATE CURRENT_TIMESTAMP");
    }
    if let Some(generated) = &column.generated {
        let kind = if generated.stored {
            "STORED"
        } else {
            "VIRTUAL"
        };
        text.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", generated.sql));
    }
    if column.not_null {
        text.push_str(" NOT NULL");
    }
    if let Some(identity) = column.identity {
        text.push_str(&format!(" GENERATED {identity} AS IDENTITY"));
        // The only options migen's model keeps (the reader refuses the others).
        if let Some(options) = &column.identity_options {
            text.push_str(&format!(
                " (START WITH {} INCREMENT BY {})",
                options.start, options.increment
            ));
        }
    }
    text
}

/// `"mood"[][]` → (`mood`, `[][]`).
fn split_arrays(sql_type: &str) -> (&str, &str) {
    let base = sql_type.trim_end_matches("[]");
    (base, &sql_type[base.len()..])
}
