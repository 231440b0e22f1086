//! The catalog's rows into the canonical model: tables and views, columns (types, defaults,
//! identity, generated), constraints, indexes, enums and sequences, normalised as the parser
//! normalises DDL.

use std::collections::HashMap;

use postgres::{Client, IsolationLevel};

use super::catalog::{
    EXTENSIONS_SQL, columns_sql, constraints_sql, enums_sql, indexes_sql, relations_sql,
    schemas_sql, sequences_sql,
};
use super::{PG, describe};
use crate::error::{Error, Result};
use crate::model::IdentityOptions;
use crate::model::{
    CheckConstraint, Column, DefaultValue, EnumType, Extension, FkAction, ForeignKey, Generated,
    Identity, Index, IndexKey, IndexPart, PrimaryKey, QName, Schema, Sequence, Table, Type,
    UniqueConstraint, View,
};
use crate::normalize;

pub(super) fn qname(schema: &str, name: &str) -> QName {
    QName {
        schema: if normalize::is_default_schema(PG, schema) {
            None
        } else {
            Some(schema.to_string())
        },
        name: name.to_string(),
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// `CHECK ((price > 0)) NO INHERIT NOT VALID` → `(price > 0)`.
fn check_body(def: &str) -> &str {
    let mut text = def.trim();
    text = text.strip_suffix(" NOT VALID").unwrap_or(text).trim_end();
    text = text.strip_suffix(" NO INHERIT").unwrap_or(text).trim_end();
    if let Some(rest) = text.strip_prefix("CHECK ") {
        let rest = rest.trim();
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return inner.trim();
        }
        return rest;
    }
    text
}

/// Read the whole schema of the database a client is connected to.
pub fn introspect_client(client: &mut Client, url: &str) -> Result<Schema> {
    let fail = |what: &str, e: postgres::Error| {
        Error::database(
            url,
            format!("cannot read {what} from the catalog: {}", describe(&e)),
        )
    };
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| fail("the schema", e))?;
    // Deparsed expressions qualify every name outside the search path: with only `public`
    // on it, they name objects exactly the way the model does.
    // Constants folded into stored expressions (timestamptz, intervals, floats) print
    // through these settings; fix them so the text does not depend on the session.
    tx.batch_execute(
        "SET LOCAL search_path TO public; SET LOCAL TimeZone TO 'UTC'; \
         SET LOCAL DateStyle TO 'ISO, MDY'; SET LOCAL IntervalStyle TO 'postgres'; \
         SET LOCAL extra_float_digits TO 1",
    )
    .map_err(|e| fail("the schema", e))?;

    let mut schema = Schema::empty(PG);

    for row in tx
        .query(schemas_sql().as_str(), &[])
        .map_err(|e| fail("schemas", e))?
    {
        schema.schemas.insert(row.get(0));
    }

    for row in tx
        .query(EXTENSIONS_SQL, &[])
        .map_err(|e| fail("extensions", e))?
    {
        let name: String = row.get(0);
        let namespace: String = row.get(1);
        let ext = Extension {
            name: name.clone(),
            schema: qname(&namespace, "").schema,
        };
        schema.extensions.insert(name, ext);
    }

    // Tables and views.
    let mut table_names: HashMap<i64, QName> = HashMap::new();
    let mut views: Vec<View> = Vec::new();
    let mut view_oids: HashMap<i64, usize> = HashMap::new();
    let mut tables: HashMap<i64, Table> = HashMap::new();
    for row in tx
        .query(relations_sql().as_str(), &[])
        .map_err(|e| fail("tables", e))?
    {
        let oid: i64 = row.get(0);
        let namespace: String = row.get(1);
        let relname: String = row.get(2);
        let relkind: String = row.get(3);
        let comment = non_empty(row.get(4));
        let name = qname(&namespace, &relname);
        match relkind.as_str() {
            "v" | "m" => {
                let definition: Option<String> = row.get(5);
                view_oids.insert(oid, views.len());
                views.push(View {
                    name,
                    materialized: relkind == "m",
                    definition: definition.unwrap_or_default(),
                    columns: Vec::new(),
                    check_option: None,
                    indexes: Vec::new(),
                    comment,
                });
            }
            _ => {
                let mut table = Table::new(name.clone());
                table.comment = comment;
                table_names.insert(oid, name);
                tables.insert(oid, table);
            }
        }
    }

    // Columns. Remember which sequence each column's default draws from, to recognise serials.
    let mut nextval_of: HashMap<(i64, i32), QName> = HashMap::new();
    for row in tx
        .query(columns_sql().as_str(), &[])
        .map_err(|e| fail("columns", e))?
    {
        let oid: i64 = row.get(0);
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let attnum: i32 = row.get(1);
        let name: String = row.get(2);
        let type_text: String = row.get(3);
        let not_null: bool = row.get(4);
        let default_text: Option<String> = row.get(5);
        let identity: String = row.get(6);
        let generated: String = row.get(7);
        let collation: Option<String> = row.get(8);
        let comment = non_empty(row.get(9));
        let typtype: String = row.get(10);
        let type_namespace: String = row.get(11);
        let type_name: String = row.get(12);
        let elem_typtype: Option<String> = row.get(13);
        let elem_namespace: Option<String> = row.get(14);
        let elem_name: Option<String> = row.get(15);

        let ty = if typtype == "e" {
            Type::Enum {
                name: qname(&type_namespace, &type_name),
            }
        } else if let (Some("e"), Some(ns), Some(elem)) = (
            elem_typtype.as_deref(),
            elem_namespace.as_deref(),
            elem_name.as_deref(),
        ) {
            Type::Array {
                element: Box::new(Type::Enum {
                    name: qname(ns, elem),
                }),
            }
        } else {
            normalize::parse_type(PG, &type_text)
        };

        let mut column = Column::new(name, ty);
        column.nullable = !not_null;
        column.collation = collation;
        column.comment = comment;
        column.identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        if column.identity.is_some() {
            let start: Option<i64> = row.get(16);
            let increment: Option<i64> = row.get(17);
            column.identity_options = IdentityOptions::non_default(start, increment);
        }
        if generated == "s" {
            column.generated = default_text.as_deref().map(|text| Generated {
                expr: normalize::expr(PG, text),
                stored: true,
            });
        } else if column.identity.is_none()
            && let Some(text) = default_text.as_deref()
        {
            match normalize::default_value(PG, text, &column.ty) {
                DefaultValue::Null => {}
                value => {
                    if let DefaultValue::Sequence(seq) = &value {
                        nextval_of.insert((oid, attnum), seq.clone());
                    }
                    column.default = Some(value);
                }
            }
        }
        table.columns.push(column);
    }

    // Constraints.
    for row in tx
        .query(constraints_sql().as_str(), &[])
        .map_err(|e| fail("constraints", e))?
    {
        let oid: i64 = row.get(0);
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let name: String = row.get(1);
        let contype: String = row.get(2);
        let columns: Vec<String> = row.get(3);
        match contype.as_str() {
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns,
            }),
            "f" => {
                let ref_namespace: Option<String> = row.get(4);
                let ref_name: Option<String> = row.get(5);
                let ref_columns: Vec<String> = row.get(6);
                let on_delete: String = row.get(7);
                let on_update: String = row.get(8);
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns,
                    ref_table: qname(
                        ref_namespace.as_deref().unwrap_or("public"),
                        ref_name.as_deref().unwrap_or(""),
                    ),
                    ref_columns,
                    on_delete: fk_action(&on_delete),
                    on_update: fk_action(&on_update),
                    deferrable: row.get(9),
                    initially_deferred: row.get(10),
                });
            }
            "c" => {
                let def: String = row.get(11);
                table.checks.push(CheckConstraint {
                    name: Some(name),
                    expr: normalize::expr(PG, check_body(&def)),
                });
            }
            _ => {}
        }
    }

    // Indexes not backing a constraint, one row per index column.
    let mut index_order: Vec<(i64, i64)> = Vec::new();
    let mut indexes: HashMap<i64, Index> = HashMap::new();
    for row in tx
        .query(indexes_sql().as_str(), &[])
        .map_err(|e| fail("indexes", e))?
    {
        let table_oid: i64 = row.get(0);
        if !tables.contains_key(&table_oid) && !view_oids.contains_key(&table_oid) {
            continue;
        }
        let index_oid: i64 = row.get(1);
        let key_count: i32 = row.get(5);
        let index = indexes.entry(index_oid).or_insert_with(|| {
            index_order.push((table_oid, index_oid));
            let method: String = row.get(4);
            let predicate: Option<String> = row.get(6);
            Index {
                name: row.get(2),
                unique: row.get(3),
                keys: Vec::new(),
                method: (method != "btree").then_some(method),
                predicate: predicate.map(|p| normalize::expr(PG, &p)),
                include: Vec::new(),
            }
        });
        let position: i32 = row.get(7);
        let column: Option<String> = row.get(8);
        if position > key_count {
            if let Some(column) = column {
                index.include.push(column);
            }
            continue;
        }
        // A key collated differently from its column is written `col COLLATE "x"` in DDL.
        let key_collation: Option<String> = row.get(13);
        let part = match (column, key_collation) {
            (Some(column), Some(collation)) => IndexPart::Expr(normalize::expr(
                PG,
                &format!(
                    "{} COLLATE \"{}\"",
                    normalize::quote_ident(PG, &column),
                    collation.replace('"', "\"\"")
                ),
            )),
            (Some(column), None) => IndexPart::Column(column),
            (None, _) => {
                let text: String = row.get(9);
                IndexPart::Expr(normalize::expr(PG, &text))
            }
        };
        let option: i32 = row.get(10);
        let desc = option & 1 != 0;
        let nulls_first = option & 2 != 0;
        let opclass: Option<String> = row.get(11);
        let opclass_default: Option<bool> = row.get(12);
        index.keys.push(IndexKey {
            part,
            desc,
            nulls_first: (nulls_first != desc).then_some(nulls_first),
            length: None,
            opclass: opclass.filter(|_| opclass_default == Some(false)),
        });
    }
    for (table_oid, index_oid) in index_order {
        let Some(index) = indexes.remove(&index_oid) else {
            continue;
        };
        if let Some(table) = tables.get_mut(&table_oid) {
            table.indexes.push(index);
        } else if let Some(&view) = view_oids.get(&table_oid) {
            views[view].indexes.push(index);
        }
    }

    // Enums.
    for row in tx
        .query(enums_sql().as_str(), &[])
        .map_err(|e| fail("enum types", e))?
    {
        let namespace: String = row.get(0);
        let name = qname(&namespace, &row.get::<_, String>(1));
        schema.enums.insert(
            name.clone(),
            EnumType {
                name,
                values: row.get(3),
                comment: non_empty(row.get(2)),
            },
        );
    }

    // Sequences, except those behind serial and identity columns.
    for row in tx
        .query(sequences_sql().as_str(), &[])
        .map_err(|e| fail("sequences", e))?
    {
        let namespace: String = row.get(0);
        let name = qname(&namespace, &row.get::<_, String>(1));
        let type_text: String = row.get(2);
        let deptype: Option<String> = row.get(9);
        let owner_oid: Option<i64> = row.get(10);
        let owner_attnum: Option<i32> = row.get(11);
        let owner_namespace: Option<String> = row.get(12);
        let owner_table: Option<String> = row.get(13);
        let owner_column: Option<String> = row.get(14);
        match deptype.as_deref() {
            Some("i") => continue,
            Some("a") => {
                if let (Some(oid), Some(attnum)) = (owner_oid, owner_attnum)
                    && nextval_of.get(&(oid, attnum)) == Some(&name)
                {
                    continue;
                }
            }
            _ => {}
        }
        let owned_by = match (
            deptype.as_deref(),
            owner_namespace,
            owner_table,
            owner_column,
        ) {
            (Some("a"), Some(ns), Some(table), Some(column)) => Some((qname(&ns, &table), column)),
            _ => None,
        };
        schema.sequences.insert(
            name.clone(),
            Sequence {
                name,
                data_type: normalize::parse_type(PG, &type_text),
                increment: row.get(3),
                min_value: row.get(4),
                max_value: row.get(5),
                start: row.get(6),
                cache: row.get(7),
                cycle: row.get(8),
                owned_by,
            },
        );
    }

    tx.commit().map_err(|e| fail("the schema", e))?;

    for (oid, mut table) in tables {
        table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        table.checks.sort_by(|a, b| a.name.cmp(&b.name));
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        let name = table_names
            .remove(&oid)
            .unwrap_or_else(|| table.name.clone());
        schema.tables.insert(name, table);
    }
    // The server expands `*` itself; `columns_of` only matters to DDL, but costs nothing here.
    for mut view in views {
        let tables = &schema.tables;
        view.definition = normalize::view_query(PG, &view.definition, &|name: &str| {
            tables
                .values()
                .find(|t| t.name.name == name || t.name.to_string() == name)
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        });
        schema.views.insert(view.name.clone(), view);
    }
    schema.canonicalize();
    Ok(schema)
}
