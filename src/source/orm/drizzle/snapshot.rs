//! The after-schema as drizzle-kit 0.31 writes it into `meta/NNNN_snapshot.json`, so that
//! `drizzle-kit generate` after a migen migration finds nothing left to do. SQLite only so far:
//! a PostgreSQL or MySQL schema, and the parts of a SQLite one the writer does not cover yet
//! (generated columns, expression or partial indexes), are refused rather than guessed.

use std::path::Path;

use serde_json::{Map, Value, json};

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
    if model.core != Core::Sqlite {
        return Err(Error::Usage(format!(
            "the drizzle target writes drizzle-kit snapshots for SQLite schemas only so far; {} is {}",
            sources.names[0],
            model.core.dialect().name()
        )));
    }
    let mut tables = Map::new();
    for table in &model.tables {
        tables.insert(table.name.clone(), sqlite_table(table, sources)?);
    }
    let mut snapshot = Map::new();
    snapshot.insert("version".into(), json!("6"));
    snapshot.insert("dialect".into(), json!("sqlite"));
    snapshot.insert("tables".into(), Value::Object(tables));
    snapshot.insert("views".into(), json!({}));
    snapshot.insert("enums".into(), json!({}));
    snapshot.insert(
        "_meta".into(),
        json!({ "schemas": {}, "tables": {}, "columns": {} }),
    );
    snapshot.insert("internal".into(), json!({ "indexes": {} }));
    Ok(DrizzleState {
        dialect: "sqlite",
        snapshot,
    })
}

fn refuse(sources: &Sources, pos: crate::source::orm::generated::Origin, what: &str) -> Error {
    Error::Usage(format!(
        "{}:{}:{}: the drizzle target's snapshot writer does not cover {what} yet",
        sources.names[pos.file], pos.line, pos.column
    ))
}

fn sqlite_table(table: &Table, sources: &Sources) -> Result<Value> {
    let mut columns = Map::new();
    let mut indexes = Map::new();
    for column in &table.columns {
        if column.generated.is_some() {
            return Err(refuse(sources, column.pos, "generated columns"));
        }
        let mut entry = Map::new();
        entry.insert("name".into(), json!(column.name));
        entry.insert("type".into(), json!(column.sql_type));
        entry.insert("primaryKey".into(), json!(column.primary));
        entry.insert("notNull".into(), json!(column.not_null || column.primary));
        entry.insert("autoincrement".into(), json!(column.autoincrement));
        if let Some(default) = &column.default {
            // drizzle-kit keeps a number given to `.default()` as a JSON number, everything
            // else (quoted strings, `sql` expressions) as SQL text.
            let value = match default.parse::<serde_json::Number>() {
                Ok(number) => Value::Number(number),
                Err(_) => json!(default),
            };
            entry.insert("default".into(), value);
        }
        columns.insert(column.name.clone(), Value::Object(entry));
        // SQLite keeps a column's `.unique()` as a unique index.
        if let Some((name, _)) = &column.unique {
            let name = name
                .clone()
                .unwrap_or_else(|| format!("{}_{}_unique", table.name, column.given_name));
            indexes.insert(
                name.clone(),
                json!({ "name": name, "columns": [column.name], "isUnique": true }),
            );
        }
    }
    for index in &table.indexes {
        if index.predicate.is_some() {
            return Err(refuse(sources, index.pos, "partial indexes"));
        }
        let mut columns = Vec::new();
        for part in &index.parts {
            match part.strip_prefix('`').and_then(|p| p.strip_suffix('`')) {
                Some(name) if !name.contains('`') => columns.push(name.to_string()),
                _ => return Err(refuse(sources, index.pos, "expression or ordered indexes")),
            }
        }
        indexes.insert(
            index.name.clone(),
            json!({ "name": index.name, "columns": columns, "isUnique": index.unique }),
        );
    }
    let mut foreign_keys = Map::new();
    for fk in &table.foreign_keys {
        let name = fk.name.clone().unwrap_or_default();
        foreign_keys.insert(
            name.clone(),
            json!({
                "name": name,
                "tableFrom": table.name,
                "tableTo": fk.ref_table,
                "columnsFrom": fk.columns,
                "columnsTo": fk.ref_columns,
                "onDelete": fk.on_delete.as_deref().unwrap_or("no action"),
                "onUpdate": fk.on_update.as_deref().unwrap_or("no action"),
            }),
        );
    }
    let mut primary_keys = Map::new();
    if let Some(pk) = &table.primary_key {
        primary_keys.insert(
            pk.name.clone(),
            json!({ "columns": pk.columns, "name": pk.name }),
        );
    }
    let mut uniques = Map::new();
    for unique in &table.uniques {
        uniques.insert(
            unique.name.clone(),
            json!({ "name": unique.name, "columns": unique.columns }),
        );
    }
    let mut checks = Map::new();
    for check in &table.checks {
        checks.insert(
            check.name.clone(),
            json!({ "name": check.name, "value": check.expression }),
        );
    }
    Ok(json!({
        "name": table.name,
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": foreign_keys,
        "compositePrimaryKeys": primary_keys,
        "uniqueConstraints": uniques,
        "checkConstraints": checks,
    }))
}
