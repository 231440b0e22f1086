//! The after-schema as drizzle-kit 0.31 writes it into `meta/NNNN_snapshot.json` (its
//! `pgSerializer`, `mysqlSerializer` and `sqliteSerializer`: PostgreSQL's version 7, MySQL's
//! 5, SQLite's 6), so that `drizzle-kit generate` after a migen migration finds nothing left to
//! do. What the writer does not cover yet (views, roles, policies, row-level security) is
//! refused at its place in the schema rather than guessed.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::tables::IndexColumn;
use super::{Core, Model, Settings, Table};
use crate::error::{Error, Result};
use crate::model::orm::DrizzleState;
use crate::source::orm::typescript::Sources;

/// The drizzle state of the schema at `path` (a project folder, its config, a folder of schema
/// files or one file).
pub fn state_of(path: &Path) -> Result<DrizzleState> {
    let (config, files) = super::inputs(path)?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no drizzle schema files there",
            path.display()
        )));
    }
    let mut sources = Sources::new();
    let mut modules = Vec::new();
    for file in &files {
        modules.push(sources.load(file)?);
    }
    sources.load_imports()?;
    let dialect = match config.as_ref().and_then(|c| c.dialect) {
        Some(dialect) => dialect,
        None => super::implied_dialect(path).ok_or_else(|| {
            Error::Usage(format!(
                "{}: no drizzle dialect found (drizzle.config's `dialect`)",
                path.display()
            ))
        })?,
    };
    let settings = Settings {
        dialect,
        casing: config.as_ref().map(|c| c.casing).unwrap_or_default(),
    };
    let model = super::model_of(&sources, &settings, &modules)?;
    snapshot_of(&model, &sources)
}

/// The snapshot of a read model.
pub(super) fn snapshot_of(model: &Model, sources: &Sources) -> Result<DrizzleState> {
    if let Some((what, pos)) = model.unread.first() {
        return Err(refuse(sources, *pos, what));
    }
    match model.core {
        Core::Pg => Ok(pg_snapshot(model)),
        Core::Mysql => Ok(mysql_snapshot(model)),
        Core::Sqlite => Ok(sqlite_snapshot(model)),
    }
}

fn refuse(sources: &Sources, pos: crate::source::orm::generated::Origin, what: &str) -> Error {
    Error::Usage(format!(
        "{}:{}:{}: the drizzle target's snapshot writer does not cover {what} yet",
        sources.names[pos.file], pos.line, pos.column
    ))
}

fn empty_meta() -> Value {
    json!({ "schemas": {}, "tables": {}, "columns": {} })
}

/// A column's `.unique()` as drizzle-orm names it: the name given, else
/// `<table>_<column as written>_unique`.
fn column_unique_name(table: &Table, column: &super::Column) -> Option<String> {
    let (name, _) = column.unique.as_ref()?;
    Some(
        name.clone()
            .unwrap_or_else(|| format!("{}_{}_unique", table.name, column.given_name)),
    )
}

fn foreign_keys(table: &Table, core: Core) -> Map<String, Value> {
    let mut out = Map::new();
    for fk in &table.foreign_keys {
        let name = fk.name.clone().unwrap_or_default();
        let mut entry = json!({
            "name": name,
            "tableFrom": table.name,
            "tableTo": fk.ref_table,
            "columnsFrom": fk.columns,
            "columnsTo": fk.ref_columns,
            "onDelete": fk.on_delete.as_deref().unwrap_or("no action"),
            "onUpdate": fk.on_update.as_deref().unwrap_or("no action"),
        });
        if core == Core::Pg
            && let Some(schema) = &fk.ref_schema
        {
            entry["schemaTo"] = json!(schema);
        }
        out.insert(name, entry);
    }
    out
}

fn checks(table: &Table) -> Map<String, Value> {
    table
        .checks
        .iter()
        .map(|check| {
            (
                check.name.clone(),
                json!({ "name": check.name, "value": check.snapshot }),
            )
        })
        .collect()
}

fn pg_snapshot(model: &Model) -> DrizzleState {
    let mut tables = Map::new();
    for table in &model.tables {
        let schema = table.schema.as_deref().unwrap_or("public");
        tables.insert(format!("{schema}.{}", table.name), pg_table(table));
    }
    let mut enums = Map::new();
    for e in model.enums.iter().filter(|e| e.exported) {
        let schema = e.schema.as_deref().unwrap_or("public");
        enums.insert(
            format!("{schema}.{}", e.name),
            json!({ "name": e.name, "schema": schema, "values": e.values }),
        );
    }
    let schemas: Map<String, Value> = model
        .schemas
        .iter()
        .map(|s| (s.clone(), json!(s)))
        .collect();
    let mut snapshot = Map::new();
    snapshot.insert("version".into(), json!("7"));
    snapshot.insert("dialect".into(), json!("postgresql"));
    snapshot.insert("tables".into(), Value::Object(tables));
    snapshot.insert("enums".into(), Value::Object(enums));
    snapshot.insert("schemas".into(), Value::Object(schemas));
    let sequences: Map<String, Value> = model
        .sequences
        .iter()
        .map(|sequence| {
            let schema = sequence.schema.as_deref().unwrap_or("public");
            let o = &sequence.options;
            (
                format!("{schema}.{}", sequence.name),
                json!({
                    "name": sequence.name,
                    "schema": schema,
                    "increment": o.increment,
                    "startWith": o.start,
                    "minValue": o.min,
                    "maxValue": o.max,
                    "cache": o.cache,
                    "cycle": o.cycle,
                }),
            )
        })
        .collect();
    snapshot.insert("sequences".into(), Value::Object(sequences));
    let views: Map<String, Value> = model
        .views
        .iter()
        .map(|view| {
            let schema = view.schema.as_deref().unwrap_or("public");
            let columns: Map<String, Value> = view
                .columns
                .iter()
                .map(|c| (c.name.clone(), pg_column(&view.name, schema, c)))
                .collect();
            (
                format!("{schema}.{}", view.name),
                json!({
                    "columns": columns,
                    "definition": view.definition,
                    "name": view.name,
                    "schema": schema,
                    "isExisting": false,
                    "materialized": view.materialized,
                }),
            )
        })
        .collect();
    snapshot.insert("views".into(), Value::Object(views));
    for empty in ["roles", "policies"] {
        snapshot.insert(empty.into(), json!({}));
    }
    snapshot.insert("_meta".into(), empty_meta());
    DrizzleState {
        dialect: "postgresql",
        snapshot,
    }
}

fn pg_table(table: &Table) -> Value {
    let schema = table.schema.as_deref().unwrap_or("public");
    let mut columns = Map::new();
    let mut uniques = Map::new();
    for column in &table.columns {
        columns.insert(column.name.clone(), pg_column(&table.name, schema, column));
        if let Some(name) = column_unique_name(table, column) {
            let nulls_not_distinct = column.unique.as_ref().is_some_and(|(_, n)| *n);
            uniques.insert(
                name.clone(),
                json!({ "name": name, "nullsNotDistinct": nulls_not_distinct, "columns": [column.name] }),
            );
        }
    }
    for unique in &table.uniques {
        uniques.insert(
            unique.name.clone(),
            json!({
                "name": unique.name,
                "nullsNotDistinct": unique.nulls_not_distinct,
                "columns": unique.columns,
            }),
        );
    }
    let mut indexes = Map::new();
    for index in &table.indexes {
        let parts: Vec<Value> = index
            .columns
            .iter()
            .map(|part| match part {
                IndexColumn::Column {
                    name,
                    descending,
                    nulls_first,
                    opclass,
                } => {
                    let mut part = json!({
                        "expression": name,
                        "isExpression": false,
                        "asc": !descending,
                        "nulls": if *nulls_first { "first" } else { "last" },
                    });
                    if let Some(opclass) = opclass {
                        part["opclass"] = json!(opclass);
                    }
                    part
                }
                IndexColumn::Expression(sql) => json!({
                    "expression": sql,
                    "asc": true,
                    "isExpression": true,
                    "nulls": "last",
                }),
            })
            .collect();
        let mut entry = json!({
            "name": index.name,
            "columns": parts,
            "isUnique": index.unique,
            "concurrently": index.concurrently,
            "method": index.using.as_deref().unwrap_or("btree"),
            "with": {},
        });
        if let Some(predicate) = &index.snapshot_where {
            entry["where"] = json!(predicate);
        }
        indexes.insert(index.name.clone(), entry);
    }
    let mut primary_keys = Map::new();
    if let Some(pk) = &table.primary_key {
        primary_keys.insert(
            pk.name.clone(),
            json!({ "name": pk.name, "columns": pk.columns }),
        );
    }
    json!({
        "name": table.name,
        "schema": table.schema.as_deref().unwrap_or(""),
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": foreign_keys(table, Core::Pg),
        "compositePrimaryKeys": primary_keys,
        "uniqueConstraints": uniques,
        "policies": {},
        "checkConstraints": checks(table),
        "isRLSEnabled": false,
    })
}

/// A PostgreSQL column as drizzle-kit's snapshot holds it, of a table or view in `schema`.
fn pg_column(table: &str, schema: &str, column: &super::Column) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(column.name));
    // Array sizes as written: drizzle-kit keeps them, PostgreSQL does not.
    let base_type =
        &column.sql_type[..column.sql_type.len() - column.array_suffix.matches(']').count() * 2];
    entry.insert(
        "type".into(),
        json!(format!("{base_type}{}", column.array_suffix)),
    );
    if column.is_enum {
        entry.insert(
            "typeSchema".into(),
            json!(column.enum_schema.as_deref().unwrap_or("public")),
        );
    }
    entry.insert("primaryKey".into(), json!(column.primary));
    entry.insert("notNull".into(), json!(column.not_null));
    if let Some(default) = &column.snapshot_default {
        entry.insert("default".into(), default.clone());
    }
    if let Some(generated) = &column.generated {
        entry.insert(
            "generated".into(),
            json!({ "as": generated.snapshot_sql, "type": "stored" }),
        );
    }
    if let (Some(identity), Some(options)) = (column.identity, &column.identity_options) {
        entry.insert(
            "identity".into(),
            json!({
                "type": if identity == "ALWAYS" { "always" } else { "byDefault" },
                "name": options.name.clone()
                    .unwrap_or_else(|| format!("{table}_{}_seq", column.name)),
                "schema": schema,
                "increment": options.increment,
                "startWith": options.start,
                "minValue": options.min,
                "maxValue": options.max,
                "cache": options.cache,
                "cycle": options.cycle,
            }),
        );
    }
    Value::Object(entry)
}

fn mysql_snapshot(model: &Model) -> DrizzleState {
    let mut tables = Map::new();
    let mut expression_indexes = Map::new();
    for table in &model.tables {
        tables.insert(
            table.name.clone(),
            mysql_table(table, &mut expression_indexes),
        );
    }
    let mut snapshot = Map::new();
    snapshot.insert("version".into(), json!("5"));
    snapshot.insert("dialect".into(), json!("mysql"));
    snapshot.insert("tables".into(), Value::Object(tables));
    snapshot.insert("views".into(), json!({}));
    snapshot.insert("_meta".into(), empty_meta());
    snapshot.insert(
        "internal".into(),
        json!({ "tables": {}, "indexes": expression_indexes }),
    );
    DrizzleState {
        dialect: "mysql",
        snapshot,
    }
}

fn mysql_table(table: &Table, expression_indexes: &mut Map<String, Value>) -> Value {
    let mut columns = Map::new();
    let mut uniques = Map::new();
    let mut primary_keys = Map::new();
    let composite: &[String] = table
        .primary_key
        .as_ref()
        .map_or(&[], |pk| pk.columns.as_slice());
    for column in &table.columns {
        let mut entry = Map::new();
        entry.insert("name".into(), json!(column.name));
        entry.insert("type".into(), json!(column.sql_type));
        // drizzle-kit keeps MySQL primary keys as constraints only.
        entry.insert("primaryKey".into(), json!(false));
        entry.insert(
            "notNull".into(),
            json!(column.not_null || composite.contains(&column.name)),
        );
        entry.insert("autoincrement".into(), json!(column.autoincrement));
        if column.on_update_now {
            entry.insert("onUpdate".into(), json!(true));
        }
        if let Some(generated) = &column.generated {
            entry.insert(
                "generated".into(),
                json!({
                    "as": generated.snapshot_sql,
                    "type": if generated.stored { "stored" } else { "virtual" },
                }),
            );
        }
        if let Some(default) = &column.snapshot_default {
            entry.insert("default".into(), default.clone());
        }
        columns.insert(column.name.clone(), Value::Object(entry));
        if column.primary {
            let name = format!("{}_{}", table.name, column.name);
            primary_keys.insert(
                name.clone(),
                json!({ "name": name, "columns": [column.name] }),
            );
        }
        if let Some(name) = column_unique_name(table, column) {
            uniques.insert(
                name.clone(),
                json!({ "name": name, "columns": [column.name] }),
            );
        }
    }
    if let Some(pk) = &table.primary_key {
        primary_keys.insert(
            pk.name.clone(),
            json!({ "name": pk.name, "columns": pk.columns }),
        );
    }
    for unique in &table.uniques {
        uniques.insert(
            unique.name.clone(),
            json!({ "name": unique.name, "columns": unique.columns }),
        );
    }
    let mut indexes = Map::new();
    for index in &table.indexes {
        let parts = index_parts(index, expression_indexes);
        let mut entry = json!({ "name": index.name, "columns": parts, "isUnique": index.unique });
        // Kept in the snapshot only: drizzle-kit's MySQL statements leave the method out.
        if let Some(using) = &index.using {
            entry["using"] = json!(using);
        }
        indexes.insert(index.name.clone(), entry);
    }
    json!({
        "name": table.name,
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": foreign_keys(table, Core::Mysql),
        "compositePrimaryKeys": primary_keys,
        "uniqueConstraints": uniques,
        "checkConstraint": checks(table),
    })
}

fn sqlite_snapshot(model: &Model) -> DrizzleState {
    let mut tables = Map::new();
    let mut expression_indexes = Map::new();
    for table in &model.tables {
        tables.insert(
            table.name.clone(),
            sqlite_table(table, &mut expression_indexes),
        );
    }
    let mut snapshot = Map::new();
    snapshot.insert("version".into(), json!("6"));
    snapshot.insert("dialect".into(), json!("sqlite"));
    snapshot.insert("tables".into(), Value::Object(tables));
    let views: Map<String, Value> = model
        .views
        .iter()
        .map(|view| {
            let columns: Map<String, Value> = view
                .columns
                .iter()
                .map(|c| (c.name.clone(), sqlite_column(c, false)))
                .collect();
            (
                view.name.clone(),
                json!({
                    "columns": columns,
                    "name": view.name,
                    "isExisting": false,
                    "definition": view.definition,
                }),
            )
        })
        .collect();
    snapshot.insert("views".into(), Value::Object(views));
    snapshot.insert("enums".into(), json!({}));
    snapshot.insert("_meta".into(), empty_meta());
    snapshot.insert("internal".into(), json!({ "indexes": expression_indexes }));
    DrizzleState {
        dialect: "sqlite",
        snapshot,
    }
}

fn sqlite_table(table: &Table, expression_indexes: &mut Map<String, Value>) -> Value {
    let mut columns = Map::new();
    let mut indexes = Map::new();
    // A primaryKey() of one column is that column's key; of several, a composite key.
    let (single, composite) = match &table.primary_key {
        Some(pk) if pk.columns.len() == 1 => (Some(&pk.columns[0]), None),
        other => (None, other.as_ref()),
    };
    for column in &table.columns {
        columns.insert(
            column.name.clone(),
            sqlite_column(column, single == Some(&column.name)),
        );
        // SQLite keeps a column's `.unique()` as a unique index.
        if let Some(name) = column_unique_name(table, column) {
            indexes.insert(
                name.clone(),
                json!({ "name": name, "columns": [column.name], "isUnique": true }),
            );
        }
    }
    for index in &table.indexes {
        let columns = index_parts(index, expression_indexes);
        let mut entry = json!({ "name": index.name, "columns": columns, "isUnique": index.unique });
        if let Some(predicate) = &index.snapshot_where {
            entry["where"] = json!(predicate);
        }
        indexes.insert(index.name.clone(), entry);
    }
    let mut primary_keys = Map::new();
    if let Some(pk) = composite {
        primary_keys.insert(
            pk.name.clone(),
            json!({ "columns": pk.columns, "name": pk.name }),
        );
    }
    // SQLite keeps unique constraints as unique indexes too.
    for unique in &table.uniques {
        indexes.insert(
            unique.name.clone(),
            json!({ "name": unique.name, "columns": unique.columns, "isUnique": true }),
        );
    }
    json!({
        "name": table.name,
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": foreign_keys(table, Core::Sqlite),
        "compositePrimaryKeys": primary_keys,
        "uniqueConstraints": {},
        "checkConstraints": checks(table),
    })
}

/// A SQLite column as drizzle-kit's snapshot holds it, of a table or view; `keyed` when the
/// table's one-column primaryKey() names it.
fn sqlite_column(column: &super::Column, keyed: bool) -> Value {
    let mut entry = Map::new();
    entry.insert("name".into(), json!(column.name));
    entry.insert("type".into(), json!(column.sql_type));
    entry.insert("primaryKey".into(), json!(column.primary || keyed));
    entry.insert("notNull".into(), json!(column.not_null || column.primary));
    entry.insert("autoincrement".into(), json!(column.autoincrement));
    if let Some(generated) = &column.generated {
        // SQLite's expression unqualified and in parentheses.
        entry.insert(
            "generated".into(),
            json!({
                "as": format!("({})", generated.sql),
                "type": if generated.stored { "stored" } else { "virtual" },
            }),
        );
    }
    if let Some(default) = &column.snapshot_default {
        entry.insert("default".into(), default.clone());
    }
    Value::Object(entry)
}

/// MySQL's and SQLite's index parts: column names, and expressions as their SQL, which
/// `internal.indexes` marks as expressions.
fn index_parts(
    index: &super::tables::Index,
    expression_indexes: &mut Map<String, Value>,
) -> Vec<Value> {
    let mut parts = Vec::new();
    for part in &index.columns {
        match part {
            IndexColumn::Column { name, .. } => parts.push(json!(name)),
            IndexColumn::Expression(sql) => {
                let entry = expression_indexes
                    .entry(index.name.clone())
                    .or_insert_with(|| json!({ "columns": {} }));
                entry["columns"][sql] = json!({ "isExpression": true });
                parts.push(json!(sql));
            }
        }
    }
    parts
}
