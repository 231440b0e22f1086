//! Reading a plain CREATE TABLE on its own instead of re-reading the whole schema text with it.
//!
//! `lint` reads each statement on top of the text of everything before it, which is exact but
//! makes a long migration quadratic (issue 19: 2,000 CREATE TABLEs took minutes). A CREATE TABLE
//! that names nothing else (no foreign key, sequence, enum, LIKE, AS SELECT…) and whose table
//! and constraint names are all new gives the same table read alone, so it is added to the
//! schema as it is. Anything else, or any doubt, goes the exact way.

use std::collections::HashSet;

use crate::model::{Dialect, Schema, Table};
use crate::source::sql;

/// Names in the schema's relation namespace (tables, views, sequences, enums, constraints and
/// indexes), lower-cased, to tell whether a new table's names could clash with an older one's:
/// PostgreSQL gives implicit names that avoid the names already used.
#[derive(Default)]
pub(super) struct UsedNames(HashSet<String>);

impl UsedNames {
    pub(super) fn of(schema: &Schema) -> UsedNames {
        let mut used = UsedNames::default();
        for table in schema.tables.values() {
            used.add_table(table);
        }
        let others = schema
            .views
            .keys()
            .chain(schema.sequences.keys())
            .chain(schema.enums.keys());
        for name in others {
            used.0.insert(name.name.to_ascii_lowercase());
        }
        used
    }

    pub(super) fn add_table(&mut self, table: &Table) {
        self.0.insert(table.name.name.to_ascii_lowercase());
        for name in table.object_names() {
            self.0.insert(name.to_ascii_lowercase());
        }
    }

    fn clashes(&self, table: &Table) -> bool {
        std::iter::once(table.name.name.as_str())
            .chain(table.object_names())
            .any(|name| self.0.contains(&name.to_ascii_lowercase()))
    }
}

/// Words that make a CREATE TABLE depend on more than its own text.
const REACHES_OUT: &[&str] = &[
    "references",
    "foreign",
    "serial",
    "nextval",
    "identity",
    " like ",
    " as ",
    "select",
    "inherits",
    "partition",
    "trigger",
];

/// The table `text` creates, when reading it alone on top of `state` gives what reading the
/// whole schema text with it appended would; `None` when in doubt.
pub(super) fn created_table(
    dialect: Dialect,
    state: &Schema,
    used: &UsedNames,
    text: &str,
    file: &str,
) -> Option<Table> {
    let lower = text.trim_start().to_ascii_lowercase();
    if !lower.starts_with("create table") || REACHES_OUT.iter().any(|w| lower.contains(w)) {
        return None;
    }
    // A column of an enum type is resolved against the enums already read.
    if state
        .enums
        .keys()
        .any(|name| lower.contains(&name.name.to_ascii_lowercase()))
    {
        return None;
    }
    let alone = sql::parse(dialect, &format!("{text};\n"), file).ok()?;
    let nothing_else = alone.views.is_empty()
        && alone.enums.is_empty()
        && alone.sequences.is_empty()
        && alone.schemas.is_empty()
        && alone.extensions.is_empty();
    if !nothing_else || alone.tables.len() != 1 {
        return None;
    }
    let (name, table) = alone.tables.into_iter().next()?;
    let taken = state.tables.contains_key(&name)
        || state.views.contains_key(&name)
        || state.sequences.contains_key(&name);
    if taken || used.clashes(&table) {
        return None;
    }
    Some(table)
}

/// `schema` without its tables: what a new table's changes are diffed within.
pub(super) fn without_tables(schema: &Schema) -> Schema {
    Schema {
        dialect: schema.dialect,
        tables: Default::default(),
        views: schema.views.clone(),
        enums: schema.enums.clone(),
        sequences: schema.sequences.clone(),
        schemas: schema.schemas.clone(),
        extensions: schema.extensions.clone(),
    }
}
