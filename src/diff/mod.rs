//! Two schemas → typed changes, ordered so that applying them in sequence always works
//! (referenced objects exist before references to them, references go before their targets).

pub mod renames;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::*;
pub use renames::{RenameAnswers, RenameCandidate, RenameKind};

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

/// The result of comparing two schemas.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Likely renames without an answer; the caller must ask before using `changes`.
    pub questions: Vec<RenameCandidate>,
}

/// Compare two schemas of the same dialect.
pub fn diff(from: &Schema, to: &Schema, answers: &RenameAnswers) -> Diff {
    let dialect = to.dialect;
    let mut raw: Vec<Change> = Vec::new();
    let mut questions = Vec::new();

    // Table renames: answered ones are applied; likely unanswered ones become questions.
    let (table_renames, mut table_questions) = renames::table_renames(from, to, answers);
    questions.append(&mut table_questions);
    let renamed_to: BTreeMap<QName, QName> = table_renames.iter().cloned().collect();
    let renamed_from: BTreeMap<QName, QName> = table_renames
        .iter()
        .map(|(a, b)| (b.clone(), a.clone()))
        .collect();
    // The before-schema as it looks once table renames are done, to compare like with like.
    let rename_table = |name: &QName| {
        renamed_to
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.clone())
    };

    for name in &to.schemas {
        if !from.schemas.contains(name) {
            raw.push(Change::CreateSchema { name: name.clone() });
        }
    }
    for name in &from.schemas {
        if !to.schemas.contains(name) {
            raw.push(Change::DropSchema { name: name.clone() });
        }
    }
    for (name, extension) in &to.extensions {
        match from.extensions.get(name) {
            None => raw.push(Change::CreateExtension {
                extension: extension.clone(),
            }),
            Some(old) if old != extension => {
                raw.push(Change::DropExtension {
                    extension: old.clone(),
                });
                raw.push(Change::CreateExtension {
                    extension: extension.clone(),
                });
            }
            _ => {}
        }
    }
    for (name, extension) in &from.extensions {
        if !to.extensions.contains_key(name) {
            raw.push(Change::DropExtension {
                extension: extension.clone(),
            });
        }
    }

    diff_enums(from, to, &mut raw);
    diff_sequences(from, to, &mut raw);

    for (old, new) in &table_renames {
        raw.push(Change::RenameTable {
            from: old.clone(),
            to: new.clone(),
        });
    }
    for (name, table) in &to.tables {
        let source_name = renamed_from.get(name).unwrap_or(name);
        match from.tables.get(source_name) {
            None => raw.push(Change::CreateTable {
                table: table.clone(),
            }),
            Some(old) => {
                let mut old = old.clone();
                old.name = name.clone();
                rename_refs_in_table(&mut old, &rename_table);
                let (mut column_questions, changes) = diff_table(dialect, &old, table, answers);
                questions.append(&mut column_questions);
                raw.extend(changes);
            }
        }
    }
    let dropped: BTreeSet<QName> = from
        .tables
        .keys()
        .filter(|name| !to.tables.contains_key(*name) && !renamed_to.contains_key(*name))
        .cloned()
        .collect();
    for name in &dropped {
        let table = &from.tables[name];
        // Foreign keys between tables dropped together go first, so a cycle cannot block the drops.
        // SQLite does not check references when a table is dropped with its rows.
        if dialect != Dialect::Sqlite {
            for fk in &table.foreign_keys {
                if fk.ref_table != *name && dropped.contains(&fk.ref_table) {
                    raw.push(Change::DropForeignKey {
                        table: name.clone(),
                        foreign_key: fk.clone(),
                    });
                }
            }
        }
        raw.push(Change::DropTable {
            table: table.clone(),
        });
    }

    let view_changes = diff_views(from, to, &raw, &rename_table);
    raw.extend(view_changes);
    if dialect == Dialect::Mysql {
        rebuild_foreign_keys_over_retyped_columns(from, to, &mut raw, &renamed_from);
    }

    Diff {
        changes: order(raw, from, to),
        questions,
    }
}

/// InnoDB refuses to change the type of a column a foreign key uses, on either side: such
/// foreign keys are dropped before and added back after the change.
fn rebuild_foreign_keys_over_retyped_columns(
    from: &Schema,
    to: &Schema,
    changes: &mut Vec<Change>,
    renamed_from: &BTreeMap<QName, QName>,
) {
    let retyped: BTreeSet<(QName, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AlterColumn { table, from, to }
                if from.ty != to.ty || from.collation != to.collation =>
            {
                Some((table.clone(), to.name.clone()))
            }
            _ => None,
        })
        .collect();
    if retyped.is_empty() {
        return;
    }
    let touches = |table: &QName, fk: &ForeignKey| {
        fk.columns
            .iter()
            .any(|c| retyped.contains(&(table.clone(), c.clone())))
            || fk
                .ref_columns
                .iter()
                .any(|c| retyped.contains(&(fk.ref_table.clone(), c.clone())))
    };
    for table in to.tables.values() {
        let Some(old) = from
            .tables
            .get(renamed_from.get(&table.name).unwrap_or(&table.name))
        else {
            continue;
        };
        for fk in &table.foreign_keys {
            let already = changes.iter().any(|c| matches!(c, Change::AddForeignKey { foreign_key, .. } if foreign_key.name == fk.name));
            let existed = old.foreign_keys.iter().find(|f| f.name == fk.name);
            if let (false, Some(existing), true) = (already, existed, touches(&table.name, fk)) {
                changes.push(Change::DropForeignKey {
                    table: table.name.clone(),
                    foreign_key: existing.clone(),
                });
                changes.push(Change::AddForeignKey {
                    table: table.name.clone(),
                    foreign_key: fk.clone(),
                });
            }
        }
    }
}

/// Rewrite references to renamed tables inside a table (its foreign keys).
fn rename_refs_in_table(table: &mut Table, rename: &dyn Fn(&QName) -> QName) {
    for fk in table.foreign_keys.iter_mut() {
        fk.ref_table = rename(&fk.ref_table);
    }
}

fn diff_enums(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, new) in &to.enums {
        match from.enums.get(name) {
            None => out.push(Change::CreateEnum {
                enum_type: new.clone(),
            }),
            Some(old) => {
                if old.values != new.values {
                    if is_subsequence(&old.values, &new.values) {
                        // Insert from the end so each `before` neighbour already exists.
                        for (i, value) in new.values.iter().enumerate() {
                            if !old.values.contains(value) {
                                let before = new.values[i + 1..]
                                    .iter()
                                    .find(|v| old.values.contains(v))
                                    .cloned();
                                out.push(Change::AddEnumValue {
                                    name: name.clone(),
                                    value: value.clone(),
                                    before,
                                });
                            }
                        }
                    } else {
                        // Only columns that exist before and keep the type are converted; others
                        // come or go with their own changes.
                        let columns = enum_columns(to, name)
                            .into_iter()
                            .filter(|(table, column)| {
                                from.tables
                                    .get(table)
                                    .and_then(|t| t.column(column))
                                    .is_some_and(|c| uses_enum(&c.ty, name))
                            })
                            .collect();
                        out.push(Change::RecreateEnum {
                            from: old.clone(),
                            to: new.clone(),
                            columns,
                        });
                    }
                }
                if old.comment != new.comment {
                    out.push(Change::AlterEnumComment {
                        name: name.clone(),
                        comment: new.comment.clone(),
                    });
                }
            }
        }
    }
    for (name, old) in &from.enums {
        if !to.enums.contains_key(name) {
            out.push(Change::DropEnum {
                enum_type: old.clone(),
            });
        }
    }
}

/// Columns of a schema whose type is (an array of) the enum.
pub fn enum_columns(schema: &Schema, name: &QName) -> Vec<(QName, String)> {
    let mut columns = Vec::new();
    for table in schema.tables.values() {
        for column in &table.columns {
            if uses_enum(&column.ty, name) {
                columns.push((table.name.clone(), column.name.clone()));
            }
        }
    }
    columns
}

pub fn uses_enum(ty: &Type, name: &QName) -> bool {
    match ty {
        Type::Enum { name: n } => n == name,
        Type::Array { element } => uses_enum(element, name),
        _ => false,
    }
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut it = long.iter();
    short.iter().all(|s| it.any(|l| l == s))
}

fn diff_sequences(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, new) in &to.sequences {
        match from.sequences.get(name) {
            None => out.push(Change::CreateSequence {
                sequence: new.clone(),
            }),
            Some(old) if old != new => out.push(Change::AlterSequence {
                from: old.clone(),
                to: new.clone(),
            }),
            _ => {}
        }
    }
    for (name, old) in &from.sequences {
        if !to.sequences.contains_key(name) {
            out.push(Change::DropSequence {
                sequence: old.clone(),
            });
        }
    }
}

/// MySQL reports collations, charsets and engines always; a target that does not name one
/// accepts whatever the server chose.
fn unspecified_matches<T: PartialEq>(dialect: Dialect, from: &Option<T>, to: &Option<T>) -> bool {
    from == to || (dialect == Dialect::Mysql && to.is_none())
}

/// Columns equal for the purpose of migration (see `unspecified_matches`).
pub fn columns_equal(dialect: Dialect, from: &Column, to: &Column) -> bool {
    let mut from = from.clone();
    if unspecified_matches(dialect, &from.collation, &to.collation) {
        from.collation = to.collation.clone();
    }
    from == *to
}

fn diff_table(
    dialect: Dialect,
    from: &Table,
    to: &Table,
    answers: &RenameAnswers,
) -> (Vec<RenameCandidate>, Vec<Change>) {
    let mut out = Vec::new();
    let table = to.name.clone();
    let (column_renames, questions) = renames::column_renames(from, to, answers);
    let mut from = from.clone();
    for (old, new) in &column_renames {
        out.push(Change::RenameColumn {
            table: table.clone(),
            from: old.clone(),
            to: new.clone(),
        });
        apply_column_rename(&mut from, old, new);
    }
    for column in &to.columns {
        match from.column(&column.name) {
            None => out.push(Change::AddColumn {
                table: table.clone(),
                column: column.clone(),
            }),
            Some(old) if !columns_equal(dialect, old, column) => out.push(Change::AlterColumn {
                table: table.clone(),
                from: old.clone(),
                to: column.clone(),
            }),
            _ => {}
        }
    }
    for column in &from.columns {
        if to.column(&column.name).is_none() {
            out.push(Change::DropColumn {
                table: table.clone(),
                column: column.clone(),
            });
        }
    }

    match (&from.primary_key, &to.primary_key) {
        (Some(a), Some(b)) if a.columns == b.columns && a.name != b.name => {
            match (&a.name, &b.name) {
                (Some(old), Some(new)) => out.push(Change::RenameConstraint {
                    table: table.clone(),
                    constraint: ConstraintKind::PrimaryKey,
                    from: old.clone(),
                    to: new.clone(),
                }),
                _ => {
                    out.push(Change::DropPrimaryKey {
                        table: table.clone(),
                        primary_key: a.clone(),
                    });
                    out.push(Change::AddPrimaryKey {
                        table: table.clone(),
                        primary_key: b.clone(),
                    });
                }
            }
        }
        (Some(a), Some(b)) if a != b => {
            out.push(Change::DropPrimaryKey {
                table: table.clone(),
                primary_key: a.clone(),
            });
            out.push(Change::AddPrimaryKey {
                table: table.clone(),
                primary_key: b.clone(),
            });
        }
        (Some(a), None) => out.push(Change::DropPrimaryKey {
            table: table.clone(),
            primary_key: a.clone(),
        }),
        (None, Some(b)) => out.push(Change::AddPrimaryKey {
            table: table.clone(),
            primary_key: b.clone(),
        }),
        _ => {}
    }

    pair_named(
        &from.foreign_keys,
        &to.foreign_keys,
        |f| f.name.clone(),
        |f| {
            let mut f = f.clone();
            f.name = None;
            f
        },
        &mut |pairing| match pairing {
            Pairing::Added(fk) => out.push(Change::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }),
            Pairing::Removed(fk) => out.push(Change::DropForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }),
            // MySQL cannot rename a foreign key: it is dropped and added under the new name.
            Pairing::Renamed(before, after, _, _) if dialect == Dialect::Mysql => {
                out.push(Change::DropForeignKey {
                    table: table.clone(),
                    foreign_key: before.clone(),
                });
                out.push(Change::AddForeignKey {
                    table: table.clone(),
                    foreign_key: after.clone(),
                });
            }
            Pairing::Renamed(_, _, old, new) => out.push(Change::RenameConstraint {
                table: table.clone(),
                constraint: ConstraintKind::ForeignKey,
                from: old,
                to: new,
            }),
        },
    );
    pair_named(
        &from.uniques,
        &to.uniques,
        |u| u.name.clone(),
        |u| u.columns.clone(),
        &mut |pairing| match pairing {
            Pairing::Added(u) => out.push(Change::AddUnique {
                table: table.clone(),
                unique: u.clone(),
            }),
            Pairing::Removed(u) => out.push(Change::DropUnique {
                table: table.clone(),
                unique: u.clone(),
            }),
            Pairing::Renamed(_, _, old, new) => out.push(Change::RenameConstraint {
                table: table.clone(),
                constraint: ConstraintKind::Unique,
                from: old,
                to: new,
            }),
        },
    );
    pair_named(
        &from.checks,
        &to.checks,
        |c| c.name.clone(),
        |c| c.expr.clone(),
        &mut |pairing| match pairing {
            Pairing::Added(c) => out.push(Change::AddCheck {
                table: table.clone(),
                check: c.clone(),
            }),
            Pairing::Removed(c) => out.push(Change::DropCheck {
                table: table.clone(),
                check: c.clone(),
            }),
            // Nor a CHECK constraint.
            Pairing::Renamed(before, after, _, _) if dialect == Dialect::Mysql => {
                out.push(Change::DropCheck {
                    table: table.clone(),
                    check: before.clone(),
                });
                out.push(Change::AddCheck {
                    table: table.clone(),
                    check: after.clone(),
                });
            }
            Pairing::Renamed(_, _, old, new) => out.push(Change::RenameConstraint {
                table: table.clone(),
                constraint: ConstraintKind::Check,
                from: old,
                to: new,
            }),
        },
    );
    pair_named(
        &from.indexes,
        &to.indexes,
        |i| Some(i.name.clone()),
        |i| {
            let mut i = i.clone();
            i.name = String::new();
            i
        },
        &mut |pairing| match pairing {
            Pairing::Added(i) => out.push(Change::AddIndex {
                table: table.clone(),
                index: i.clone(),
            }),
            Pairing::Removed(i) => out.push(Change::DropIndex {
                table: table.clone(),
                index: i.clone(),
            }),
            Pairing::Renamed(_, _, old, new) => out.push(Change::RenameIndex {
                table: table.clone(),
                from: old,
                to: new,
            }),
        },
    );
    // An index whose columns changed type or were re-created is re-created with them by the
    // server in PostgreSQL and MySQL; nothing to do here.

    for trigger in &from.triggers {
        if !to.triggers.contains(trigger) {
            out.push(Change::DropTrigger {
                table: table.clone(),
                trigger: trigger.clone(),
            });
        }
    }
    for trigger in &to.triggers {
        if !from.triggers.contains(trigger) {
            out.push(Change::CreateTrigger {
                table: table.clone(),
                trigger: trigger.clone(),
            });
        }
    }
    if from.comment != to.comment {
        out.push(Change::AlterTableComment {
            table: table.clone(),
            from: from.comment.clone(),
            to: to.comment.clone(),
        });
    }
    let options_match = from.options.without_rowid == to.options.without_rowid
        && from.options.strict == to.options.strict
        && unspecified_matches(dialect, &from.options.engine, &to.options.engine)
        && unspecified_matches(dialect, &from.options.charset, &to.options.charset)
        && unspecified_matches(dialect, &from.options.collation, &to.options.collation);
    if !options_match {
        out.push(Change::AlterTableOptions {
            table: table.clone(),
            from: from.options.clone(),
            to: to.options.clone(),
        });
    }
    (questions, out)
}

/// A table of the before-schema as it stands once this run's renames are applied: under its new
/// name, with its columns renamed. `None` when the before-schema has no such table.
pub fn table_after_renames(changes: &[Change], before: &Schema, name: &QName) -> Option<Table> {
    let original = changes
        .iter()
        .find_map(|c| match c {
            Change::RenameTable { from, to } if to == name => Some(from.clone()),
            _ => None,
        })
        .unwrap_or_else(|| name.clone());
    let mut table = before.tables.get(&original)?.clone();
    table.name = name.clone();
    for change in changes {
        if let Change::RenameColumn { table: t, from, to } = change {
            if t == name {
                apply_column_rename(&mut table, from, to);
            }
        }
    }
    Some(table)
}

/// Rename a column everywhere inside a table description (constraints, indexes).
pub fn apply_column_rename(table: &mut Table, old: &str, new: &str) {
    let rename = |c: &mut String| {
        if c == old {
            *c = new.to_string();
        }
    };
    for column in table.columns.iter_mut() {
        rename(&mut column.name);
    }
    if let Some(pk) = table.primary_key.as_mut() {
        pk.columns.iter_mut().for_each(rename);
    }
    for fk in table.foreign_keys.iter_mut() {
        fk.columns.iter_mut().for_each(rename);
        if fk.ref_table == table.name {
            fk.ref_columns.iter_mut().for_each(rename);
        }
    }
    for unique in table.uniques.iter_mut() {
        unique.columns.iter_mut().for_each(rename);
    }
    for index in table.indexes.iter_mut() {
        for key in index.keys.iter_mut() {
            if let IndexPart::Column(c) = &mut key.part {
                rename(c);
            }
        }
        index.include.iter_mut().for_each(rename);
    }
}

enum Pairing<'a, T> {
    Added(&'a T),
    Removed(&'a T),
    /// The same item under another name: (before, after, old name, new name).
    Renamed(&'a T, &'a T, String, String),
}

/// Pair two lists of named items: same name and shape → unchanged; same shape under another
/// name → renamed; the rest → removed and added (a changed item is both).
fn pair_named<'a, T, K: PartialEq>(
    from: &'a [T],
    to: &'a [T],
    name: impl Fn(&T) -> Option<String>,
    shape: impl Fn(&T) -> K,
    emit: &mut dyn FnMut(Pairing<'a, T>),
) {
    let mut from_left: Vec<bool> = vec![true; from.len()];
    let mut to_left: Vec<bool> = vec![true; to.len()];
    for (j, new) in to.iter().enumerate() {
        if let Some(i) = from
            .iter()
            .enumerate()
            .position(|(i, old)| from_left[i] && name(old) == name(new) && shape(old) == shape(new))
        {
            from_left[i] = false;
            to_left[j] = false;
        }
    }
    for (j, new) in to.iter().enumerate() {
        if !to_left[j] {
            continue;
        }
        let same_name_exists_in_from = from
            .iter()
            .enumerate()
            .any(|(i, old)| from_left[i] && name(old) == name(new));
        if same_name_exists_in_from {
            continue;
        }
        if let Some(i) = from.iter().enumerate().position(|(i, old)| {
            from_left[i]
                && shape(old) == shape(new)
                && !to
                    .iter()
                    .enumerate()
                    .any(|(k, other)| to_left[k] && name(other) == name(old))
        }) {
            if let (Some(old_name), Some(new_name)) = (name(&from[i]), name(new)) {
                from_left[i] = false;
                to_left[j] = false;
                emit(Pairing::Renamed(&from[i], new, old_name, new_name));
            }
        }
    }
    for (i, old) in from.iter().enumerate() {
        if from_left[i] {
            emit(Pairing::Removed(old));
        }
    }
    for (j, new) in to.iter().enumerate() {
        if to_left[j] {
            emit(Pairing::Added(new));
        }
    }
}

/// Tables a view's canonical definition mentions (by name token).
pub fn view_mentions(view: &View, table: &QName) -> bool {
    let definition = view.definition.to_ascii_lowercase();
    let needle = table.name.to_ascii_lowercase();
    definition
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|token| token == needle)
}

/// Views dropped, created, or re-created because a table under them changes shape.
fn diff_views(
    from: &Schema,
    to: &Schema,
    changes: &[Change],
    rename_table: &dyn Fn(&QName) -> QName,
) -> Vec<Change> {
    let mut out = Vec::new();
    let reshaped: BTreeSet<QName> = changes
        .iter()
        .filter(|c| {
            matches!(
                c,
                Change::AlterColumn { .. }
                    | Change::DropColumn { .. }
                    | Change::RenameColumn { .. }
                    | Change::RenameTable { .. }
                    | Change::DropTable { .. }
                    | Change::CreateTable { .. }
            ) || (to.dialect == Dialect::Sqlite && c.table().is_some())
        })
        .filter_map(|c| c.table().cloned())
        .chain(changes.iter().filter_map(|c| match c {
            Change::RenameTable { from, .. } => Some(from.clone()),
            Change::RecreateEnum { columns, .. } => columns.first().map(|(t, _)| t.clone()),
            _ => None,
        }))
        .collect();
    let mut recreate: BTreeSet<QName> = BTreeSet::new();
    for (name, new) in &to.views {
        match from.views.get(name) {
            None => out.push(Change::CreateView { view: new.clone() }),
            Some(old) => {
                let depends_on_reshaped = reshaped
                    .iter()
                    .any(|t| view_mentions(old, t) || view_mentions(new, t))
                    || from
                        .tables
                        .keys()
                        .any(|t| reshaped.contains(&rename_table(t)) && view_mentions(old, t));
                if old.definition != new.definition
                    || old.materialized != new.materialized
                    || old.columns != new.columns
                    || depends_on_reshaped
                {
                    recreate.insert(name.clone());
                } else {
                    if old.comment != new.comment {
                        out.push(Change::AlterViewComment {
                            name: name.clone(),
                            materialized: new.materialized,
                            comment: new.comment.clone(),
                        });
                    }
                    // Indexes of a materialized view that stays.
                    for index in &old.indexes {
                        if !new.indexes.contains(index) {
                            out.push(Change::DropIndex {
                                table: name.clone(),
                                index: index.clone(),
                            });
                        }
                    }
                    for index in &new.indexes {
                        if !old.indexes.contains(index) {
                            out.push(Change::AddIndex {
                                table: name.clone(),
                                index: index.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
    // A view over a re-created view is re-created too.
    loop {
        let before = recreate.len();
        for (name, new) in &to.views {
            if recreate.contains(name) || !from.views.contains_key(name) {
                continue;
            }
            if recreate.iter().any(|r| view_mentions(new, r)) {
                recreate.insert(name.clone());
            }
        }
        if recreate.len() == before {
            break;
        }
    }
    for name in &recreate {
        out.push(Change::DropView {
            view: from.views[name].clone(),
        });
        out.push(Change::CreateView {
            view: to.views[name].clone(),
        });
    }
    for (name, old) in &from.views {
        if !to.views.contains_key(name) {
            out.push(Change::DropView { view: old.clone() });
        }
    }
    out
}

/// Put changes in an order that can be applied top to bottom.
fn order(changes: Vec<Change>, from: &Schema, to: &Schema) -> Vec<Change> {
    fn rank(change: &Change) -> u8 {
        match change {
            Change::CreateSchema { .. } => 0,
            Change::CreateExtension { .. } => 1,
            Change::DropView { .. } | Change::DropTrigger { .. } => 2,
            Change::DropForeignKey { .. } => 3,
            Change::DropIndex { .. } => 4,
            Change::DropCheck { .. } => 5,
            Change::DropUnique { .. } => 6,
            Change::DropPrimaryKey { .. } => 7,
            Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::AlterEnumComment { .. }
            | Change::RecreateEnum { .. } => 8,
            Change::CreateSequence { .. } | Change::AlterSequence { .. } => 9,
            Change::RenameTable { .. } => 10,
            Change::RenameColumn { .. } => 11,
            Change::RenameConstraint { .. } | Change::RenameIndex { .. } => 12,
            Change::CreateTable { .. } => 13,
            Change::AddColumn { .. } => 14,
            Change::AlterColumn { .. } => 16,
            Change::AlterTableComment { .. } | Change::AlterTableOptions { .. } => 17,
            Change::DropColumn { .. } => 18,
            Change::AddPrimaryKey { .. } => 19,
            Change::AddUnique { .. } => 20,
            Change::AddCheck { .. } => 21,
            Change::AddIndex { .. } => 22,
            Change::AddForeignKey { .. } => 23,
            Change::DropTable { .. } => 24,
            Change::DropSequence { .. } => 25,
            Change::DropEnum { .. } => 26,
            Change::CreateView { .. } | Change::CreateTrigger { .. } => 27,
            Change::AlterViewComment { .. } => 28,
            Change::DropExtension { .. } => 29,
            Change::DropSchema { .. } => 30,
        }
    }
    let mut changes = changes;
    changes.sort_by_key(rank);
    let mut ordered = Vec::with_capacity(changes.len());
    let mut rest = changes.into_iter().peekable();
    while let Some(change) = rest.next() {
        let r = rank(&change);
        let mut group = vec![change];
        while rest.peek().is_some_and(|c| rank(c) == r) {
            group.push(rest.next().expect("peeked"));
        }
        match r {
            13 | 24 => {
                let deps = group
                    .iter()
                    .map(|c| match c {
                        Change::CreateTable { table } | Change::DropTable { table } => (
                            table.name.clone(),
                            table
                                .foreign_keys
                                .iter()
                                .map(|f| f.ref_table.clone())
                                .collect(),
                        ),
                        _ => unreachable!("rank 13 and 24 hold only table creations and drops"),
                    })
                    .collect();
                group = topo_sort(group, deps);
                if r == 24 {
                    // Drop referencing tables first.
                    group.reverse();
                }
            }
            // Views in dependency order; triggers (which may use views) after them.
            27 | 2 => {
                let (views, triggers): (Vec<Change>, Vec<Change>) =
                    group.into_iter().partition(|c| {
                        matches!(c, Change::CreateView { .. } | Change::DropView { .. })
                    });
                let mut sorted = topo_views(views, if r == 27 { to } else { from });
                if r == 2 {
                    sorted.reverse();
                    group = triggers.into_iter().chain(sorted).collect();
                } else {
                    sorted.extend(triggers);
                    group = sorted;
                }
            }
            _ => {}
        }
        ordered.extend(group);
    }
    ordered
}

/// Order changes so each comes after the ones whose objects it depends on (`names[i]` is
/// change i's object and what that object uses).
fn topo_sort(group: Vec<Change>, names: Vec<(QName, Vec<QName>)>) -> Vec<Change> {
    let present: BTreeSet<QName> = names.iter().map(|(n, _)| n.clone()).collect();
    let mut done: BTreeSet<QName> = BTreeSet::new();
    let mut order = Vec::new();
    let mut remaining: Vec<usize> = (0..group.len()).collect();
    while !remaining.is_empty() {
        let ready: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&i| {
                names[i]
                    .1
                    .iter()
                    .all(|d| *d == names[i].0 || !present.contains(d) || done.contains(d))
            })
            .collect();
        // A cycle: take the first remaining table; its forward references are handled by the SQL writer.
        let ready = if ready.is_empty() {
            vec![remaining[0]]
        } else {
            ready
        };
        for i in ready {
            done.insert(names[i].0.clone());
            order.push(i);
            remaining.retain(|&r| r != i);
        }
    }
    let mut slots: Vec<Option<Change>> = group.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn topo_views(group: Vec<Change>, schema: &Schema) -> Vec<Change> {
    let view_of = |c: &Change| match c {
        Change::CreateView { view } | Change::DropView { view } => view.clone(),
        _ => unreachable!(),
    };
    let views: Vec<View> = group.iter().map(view_of).collect();
    let deps: Vec<(QName, Vec<QName>)> = views
        .iter()
        .map(|v| {
            let uses = schema
                .views
                .keys()
                .filter(|other| **other != v.name && view_mentions(v, other))
                .cloned()
                .collect();
            (v.name.clone(), uses)
        })
        .collect();
    topo_sort(group, deps)
}
