//! Two schemas → typed changes, ordered so that applying them in sequence always works
//! (referenced objects exist before references to them, references go before their targets).

mod change;
pub mod fills;
mod objects;
mod order;
mod pairing;
pub mod renames;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::*;
pub use change::{Change, ConstraintKind, column_changes};
pub use fills::{Fill, FillAnswers, FillError, FillKind, FillQuestion};
pub use objects::{enum_columns, uses_enum, view_mentions};
pub use renames::{RenameAnswers, RenameCandidate, RenameKind};
pub use table::{columns_equal, table_after_renames};

use objects::{diff_enums, diff_sequences, diff_views};
use order::order;
use table::diff_table;

/// The result of comparing two schemas.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Likely renames without an answer; the caller must ask before using `changes`.
    pub questions: Vec<RenameCandidate>,
    /// Columns whose existing rows need a value nobody gave yet; asked like renames.
    pub fills: Vec<FillQuestion>,
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

    let changes = order(raw, from, to);
    Diff {
        fills: fills::open_questions(dialect, &changes, &answers.fills),
        changes,
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
