//! The typed change: what it touches, its inverse, and how it reads in a plan.

use serde::Serialize;

use super::enum_columns;
use crate::model::*;

/// What kind of constraint a rename applies to (the SQL differs per kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey,
    ForeignKey,
    Unique,
    Check,
}

/// One typed schema change. Every change carries the whole objects it touches, so SQL for
/// either direction and safety rules can be written from the change alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    CreateSchema {
        name: String,
    },
    DropSchema {
        name: String,
    },
    CreateExtension {
        extension: Extension,
    },
    DropExtension {
        extension: Extension,
    },
    CreateEnum {
        enum_type: EnumType,
    },
    DropEnum {
        enum_type: EnumType,
    },
    /// Add `value` to an enum, placed before `before` (or at the end when `None`).
    AddEnumValue {
        name: QName,
        value: String,
        before: Option<String>,
    },
    /// Values removed or reordered: the type is re-created and its columns converted.
    RecreateEnum {
        from: EnumType,
        to: EnumType,
        columns: Vec<(QName, String)>,
    },
    AlterEnumComment {
        name: QName,
        comment: Option<String>,
    },
    CreateSequence {
        sequence: Sequence,
    },
    DropSequence {
        sequence: Sequence,
    },
    AlterSequence {
        from: Sequence,
        to: Sequence,
    },
    CreateTable {
        table: Table,
    },
    DropTable {
        table: Table,
    },
    RenameTable {
        from: QName,
        to: QName,
    },
    AddColumn {
        table: QName,
        column: Column,
    },
    DropColumn {
        table: QName,
        column: Column,
    },
    RenameColumn {
        table: QName,
        from: String,
        to: String,
    },
    AlterColumn {
        table: QName,
        from: Column,
        to: Column,
    },
    AddPrimaryKey {
        table: QName,
        primary_key: PrimaryKey,
    },
    DropPrimaryKey {
        table: QName,
        primary_key: PrimaryKey,
    },
    AddForeignKey {
        table: QName,
        foreign_key: ForeignKey,
    },
    DropForeignKey {
        table: QName,
        foreign_key: ForeignKey,
    },
    AddUnique {
        table: QName,
        unique: UniqueConstraint,
    },
    DropUnique {
        table: QName,
        unique: UniqueConstraint,
    },
    AddCheck {
        table: QName,
        check: CheckConstraint,
    },
    DropCheck {
        table: QName,
        check: CheckConstraint,
    },
    RenameConstraint {
        table: QName,
        constraint: ConstraintKind,
        from: String,
        to: String,
    },
    AddIndex {
        table: QName,
        index: Index,
    },
    DropIndex {
        table: QName,
        index: Index,
    },
    RenameIndex {
        table: QName,
        from: String,
        to: String,
    },
    AlterTableComment {
        table: QName,
        from: Option<String>,
        to: Option<String>,
    },
    AlterTableOptions {
        table: QName,
        from: TableOptions,
        to: TableOptions,
    },
    CreateTrigger {
        table: QName,
        trigger: Trigger,
    },
    DropTrigger {
        table: QName,
        trigger: Trigger,
    },
    CreateView {
        view: View,
    },
    DropView {
        view: View,
    },
    AlterViewComment {
        name: QName,
        materialized: bool,
        comment: Option<String>,
    },
}

impl Change {
    /// The table a change belongs to, if any.
    pub fn table(&self) -> Option<&QName> {
        match self {
            Change::CreateTable { table } | Change::DropTable { table } => Some(&table.name),
            Change::RenameTable { to, .. } => Some(to),
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::AddPrimaryKey { table, .. }
            | Change::DropPrimaryKey { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddUnique { table, .. }
            | Change::DropUnique { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::RenameConstraint { table, .. }
            | Change::AddIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::RenameIndex { table, .. }
            | Change::AlterTableComment { table, .. }
            | Change::AlterTableOptions { table, .. }
            | Change::CreateTrigger { table, .. }
            | Change::DropTrigger { table, .. } => Some(table),
            _ => None,
        }
    }

    /// The change that undoes this one. `from` and `to` are the schemas this change was
    /// computed between; they supply what the change itself does not carry (a comment's old
    /// text, an enum's values before a value was added).
    pub fn inverse(&self, from: &Schema, to: &Schema) -> Change {
        match self.clone() {
            Change::CreateSchema { name } => Change::DropSchema { name },
            Change::DropSchema { name } => Change::CreateSchema { name },
            Change::CreateExtension { extension } => Change::DropExtension { extension },
            Change::DropExtension { extension } => Change::CreateExtension { extension },
            Change::CreateEnum { enum_type } => Change::DropEnum { enum_type },
            Change::DropEnum { enum_type } => Change::CreateEnum { enum_type },
            Change::AddEnumValue { name, value, .. } => {
                let after = to.enums.get(&name).cloned();
                let before = from.enums.get(&name).cloned();
                match (after, before) {
                    (Some(after), Some(before)) => Change::RecreateEnum {
                        // Columns that exist at this point of the way back: those of `from`.
                        columns: enum_columns(to, &name)
                            .into_iter()
                            .filter(|(t, c)| from.tables.get(t).and_then(|t| t.column(c)).is_some())
                            .collect(),
                        from: after,
                        to: before,
                    },
                    // Not reachable for changes computed by `diff`; removing the value is the
                    // closest inverse.
                    _ => Change::RecreateEnum {
                        from: EnumType {
                            name: name.clone(),
                            values: vec![value],
                            comment: None,
                        },
                        to: EnumType {
                            name,
                            values: Vec::new(),
                            comment: None,
                        },
                        columns: Vec::new(),
                    },
                }
            }
            Change::RecreateEnum {
                from: old,
                to: new,
                columns,
            } => Change::RecreateEnum {
                from: new,
                to: old,
                columns,
            },
            Change::AlterEnumComment { name, .. } => Change::AlterEnumComment {
                comment: from.enums.get(&name).and_then(|e| e.comment.clone()),
                name,
            },
            Change::CreateSequence { sequence } => Change::DropSequence { sequence },
            Change::DropSequence { sequence } => Change::CreateSequence { sequence },
            Change::AlterSequence { from: old, to: new } => {
                Change::AlterSequence { from: new, to: old }
            }
            Change::CreateTable { table } => Change::DropTable { table },
            Change::DropTable { table } => Change::CreateTable { table },
            Change::RenameTable { from: old, to: new } => {
                Change::RenameTable { from: new, to: old }
            }
            Change::AddColumn { table, column } => Change::DropColumn { table, column },
            Change::DropColumn { table, column } => Change::AddColumn { table, column },
            Change::RenameColumn {
                table,
                from: old,
                to: new,
            } => Change::RenameColumn {
                table,
                from: new,
                to: old,
            },
            Change::AlterColumn {
                table,
                from: old,
                to: new,
            } => Change::AlterColumn {
                table,
                from: new,
                to: old,
            },
            Change::AddPrimaryKey { table, primary_key } => {
                Change::DropPrimaryKey { table, primary_key }
            }
            Change::DropPrimaryKey { table, primary_key } => {
                Change::AddPrimaryKey { table, primary_key }
            }
            Change::AddForeignKey { table, foreign_key } => {
                Change::DropForeignKey { table, foreign_key }
            }
            Change::DropForeignKey { table, foreign_key } => {
                Change::AddForeignKey { table, foreign_key }
            }
            Change::AddUnique { table, unique } => Change::DropUnique { table, unique },
            Change::DropUnique { table, unique } => Change::AddUnique { table, unique },
            Change::AddCheck { table, check } => Change::DropCheck { table, check },
            Change::DropCheck { table, check } => Change::AddCheck { table, check },
            Change::RenameConstraint {
                table,
                constraint,
                from: old,
                to: new,
            } => Change::RenameConstraint {
                table,
                constraint,
                from: new,
                to: old,
            },
            Change::AddIndex { table, index } => Change::DropIndex { table, index },
            Change::DropIndex { table, index } => Change::AddIndex { table, index },
            Change::RenameIndex {
                table,
                from: old,
                to: new,
            } => Change::RenameIndex {
                table,
                from: new,
                to: old,
            },
            Change::AlterTableComment {
                table,
                from: old,
                to: new,
            } => Change::AlterTableComment {
                table,
                from: new,
                to: old,
            },
            Change::AlterTableOptions {
                table,
                from: old,
                to: new,
            } => Change::AlterTableOptions {
                table,
                from: new,
                to: old,
            },
            Change::CreateTrigger { table, trigger } => Change::DropTrigger { table, trigger },
            Change::DropTrigger { table, trigger } => Change::CreateTrigger { table, trigger },
            Change::CreateView { view } => Change::DropView { view },
            Change::DropView { view } => Change::CreateView { view },
            Change::AlterViewComment {
                name, materialized, ..
            } => Change::AlterViewComment {
                comment: from.views.get(&name).and_then(|v| v.comment.clone()),
                name,
                materialized,
            },
        }
    }

    /// A short description for people: `add column users.email`.
    pub fn describe(&self) -> String {
        match self {
            Change::CreateSchema { name } => format!("create schema {name}"),
            Change::DropSchema { name } => format!("drop schema {name}"),
            Change::CreateExtension { extension } => format!("create extension {}", extension.name),
            Change::DropExtension { extension } => format!("drop extension {}", extension.name),
            Change::CreateEnum { enum_type } => format!("create enum {}", enum_type.name),
            Change::DropEnum { enum_type } => format!("drop enum {}", enum_type.name),
            Change::AddEnumValue { name, value, .. } => {
                format!("add value '{value}' to enum {name}")
            }
            Change::RecreateEnum { to, .. } => {
                format!("re-create enum {} with values {:?}", to.name, to.values)
            }
            Change::AlterEnumComment { name, .. } => format!("change comment on enum {name}"),
            Change::CreateSequence { sequence } => format!("create sequence {}", sequence.name),
            Change::DropSequence { sequence } => format!("drop sequence {}", sequence.name),
            Change::AlterSequence { to, .. } => format!("alter sequence {}", to.name),
            Change::CreateTable { table } => format!("create table {}", table.name),
            Change::DropTable { table } => format!("drop table {}", table.name),
            Change::RenameTable { from, to } => format!("rename table {from} to {to}"),
            Change::AddColumn { table, column } => format!("add column {table}.{}", column.name),
            Change::DropColumn { table, column } => format!("drop column {table}.{}", column.name),
            Change::RenameColumn { table, from, to } => {
                format!("rename column {table}.{from} to {to}")
            }
            Change::AlterColumn { table, from, to } => {
                format!(
                    "alter column {table}.{} ({})",
                    to.name,
                    column_changes(from, to).join(", ")
                )
            }
            Change::AddPrimaryKey { table, primary_key } => {
                format!(
                    "add primary key on {table} ({})",
                    primary_key.columns.join(", ")
                )
            }
            Change::DropPrimaryKey { table, .. } => format!("drop primary key on {table}"),
            Change::AddForeignKey { table, foreign_key } => format!(
                "add foreign key {table} ({}) → {}",
                foreign_key.columns.join(", "),
                foreign_key.ref_table
            ),
            Change::DropForeignKey { table, foreign_key } => format!(
                "drop foreign key {table} ({}) → {}",
                foreign_key.columns.join(", "),
                foreign_key.ref_table
            ),
            Change::AddUnique { table, unique } => {
                format!("add unique on {table} ({})", unique.columns.join(", "))
            }
            Change::DropUnique { table, unique } => {
                format!("drop unique on {table} ({})", unique.columns.join(", "))
            }
            Change::AddCheck { table, check } => format!("add check on {table}: {}", check.expr),
            Change::DropCheck { table, check } => format!("drop check on {table}: {}", check.expr),
            Change::RenameConstraint {
                table, from, to, ..
            } => format!("rename constraint {from} on {table} to {to}"),
            Change::AddIndex { table, index } => format!("add index {} on {table}", index.name),
            Change::DropIndex { table, index } => format!("drop index {} on {table}", index.name),
            Change::RenameIndex { table, from, to } => {
                format!("rename index {from} on {table} to {to}")
            }
            Change::AlterTableComment { table, .. } => format!("change comment on table {table}"),
            Change::AlterTableOptions { table, .. } => format!("change options of table {table}"),
            Change::CreateTrigger { table, trigger } => {
                format!("create trigger {} on {table}", trigger.name)
            }
            Change::DropTrigger { table, trigger } => {
                format!("drop trigger {} on {table}", trigger.name)
            }
            Change::CreateView { view } => format!(
                "create {}view {}",
                if view.materialized {
                    "materialized "
                } else {
                    ""
                },
                view.name
            ),
            Change::DropView { view } => format!(
                "drop {}view {}",
                if view.materialized {
                    "materialized "
                } else {
                    ""
                },
                view.name
            ),
            Change::AlterViewComment { name, .. } => format!("change comment on view {name}"),
        }
    }
}

/// Which attributes of a column differ, in words.
pub fn column_changes(from: &Column, to: &Column) -> Vec<&'static str> {
    let mut what = Vec::new();
    if from.ty != to.ty {
        what.push("type");
    }
    if from.nullable != to.nullable {
        what.push(if to.nullable {
            "drop not null"
        } else {
            "set not null"
        });
    }
    if from.default != to.default {
        what.push("default");
    }
    if from.identity != to.identity || from.identity_options != to.identity_options {
        what.push("identity");
    }
    if from.auto_increment != to.auto_increment {
        what.push("auto increment");
    }
    if from.generated != to.generated {
        what.push("generated");
    }
    if from.collation != to.collation {
        what.push("collation");
    }
    if from.on_update != to.on_update {
        what.push("on update");
    }
    if from.comment != to.comment {
        what.push("comment");
    }
    what
}
