//! Which changes SQLite's ALTER TABLE cannot make, so the table is rebuilt.
//!
//! Mirrors `dialect/sqlite.rs::plan_rebuilds` (same change kinds, same ADD COLUMN and DROP COLUMN
//! limits), reading the after-shape from the changes since only the before-schema is at hand,
//! and adds the version limits of native RENAME COLUMN (3.25) and DROP COLUMN (3.35).

use super::Ctx;
use super::types::has_value_default;
use crate::diff::{Change, column_changes};
use crate::model::{Column, DefaultValue, QName};

/// Why change `i` forces a rebuild of its table, or `None` when ALTER TABLE can do it.
pub(crate) fn rebuild_reason(ctx: &Ctx, i: usize) -> Option<String> {
    let change = &ctx.changes()[i];
    let version = ctx.version();
    match change {
        Change::AlterColumn { table, from, to } => Some(format!(
            "SQLite cannot alter a column in place ({table}.{}: {})",
            to.name,
            column_changes(from, to).join(", ")
        )),
        Change::AddPrimaryKey { table, .. } => Some(format!(
            "SQLite cannot add a primary key to {table} in place"
        )),
        Change::DropPrimaryKey { table, .. } => Some(format!(
            "SQLite cannot drop the primary key of {table} in place"
        )),
        Change::AddForeignKey { table, foreign_key } => Some(format!(
            "SQLite cannot add the foreign key ({}) → {} to {table} in place",
            foreign_key.columns.join(", "),
            foreign_key.ref_table
        )),
        Change::DropForeignKey { table, .. } => Some(format!(
            "SQLite cannot drop a foreign key of {table} in place"
        )),
        Change::AddUnique { table, unique } => Some(format!(
            "SQLite cannot add the UNIQUE constraint ({}) to {table} in place",
            unique.columns.join(", ")
        )),
        Change::DropUnique { table, .. } => Some(format!(
            "SQLite cannot drop a UNIQUE constraint of {table} in place"
        )),
        Change::AddCheck { table, check } => Some(format!(
            "SQLite cannot add CHECK ({}) to {table} in place",
            check.expr
        )),
        Change::DropCheck { table, .. } => Some(format!(
            "SQLite cannot drop a CHECK constraint of {table} in place"
        )),
        Change::RenameConstraint { table, .. } => Some(format!(
            "SQLite cannot rename a constraint of {table} in place"
        )),
        Change::AlterTableOptions { table, .. } => Some(format!(
            "SQLite cannot switch WITHOUT ROWID or STRICT on {table} in place"
        )),
        Change::AddColumn { table, column } => add_column_obstacle(ctx, table, column)
            .map(|why| format!("SQLite cannot add {table}.{} in place: {why}", column.name)),
        Change::DropColumn { table, column } => {
            if !version.at_least(3, 35, 0) {
                return Some(format!(
                    "{} has no DROP COLUMN (added in 3.35), so dropping {table}.{} rebuilds the table",
                    version.label(),
                    column.name
                ));
            }
            match ctx.before_table(table) {
                Some(before) if !before.uses_column(&column.name) => None,
                _ => Some(format!(
                    "{table}.{} is part of a key, index, CHECK, foreign key or generated column, which DROP COLUMN refuses",
                    column.name
                )),
            }
        }
        Change::RenameColumn { table, from, .. } if !version.at_least(3, 25, 0) => Some(format!(
            "{} has no RENAME COLUMN (added in 3.25), so renaming {table}.{from} rebuilds the table",
            version.label()
        )),
        _ => None,
    }
}

/// What ADD COLUMN refuses (SQLite manual on ALTER TABLE); constraints the column takes part in
/// are read from the other changes of its table.
fn add_column_obstacle(ctx: &Ctx, table: &QName, column: &Column) -> Option<&'static str> {
    if matches!(
        column.default,
        Some(DefaultValue::Function(_) | DefaultValue::Expr(_) | DefaultValue::Sequence(_))
    ) {
        return Some("its default is not a constant");
    }
    if !column.nullable && !has_value_default(column) {
        return Some("it is NOT NULL without a default");
    }
    if column.generated.as_ref().is_some_and(|g| g.stored) {
        return Some("a STORED generated column cannot be added");
    }
    let name = &column.name;
    ctx.changes().iter().find_map(|change| match change {
        Change::AddPrimaryKey {
            table: t,
            primary_key,
        } if t == table && primary_key.columns.contains(name) => {
            Some("it is part of the primary key")
        }
        Change::AddUnique { table: t, unique } if t == table && unique.columns.contains(name) => {
            Some("it is part of a UNIQUE constraint")
        }
        Change::AddForeignKey {
            table: t,
            foreign_key,
        } if t == table && foreign_key.columns.contains(name) && has_value_default(column) => {
            Some("a column with a foreign key must default to NULL")
        }
        _ => None,
    })
}
