//! Changes to the objects around tables: enum types, sequences, and views (including those
//! re-created because a table under them changes shape).

use std::collections::BTreeSet;

use super::Change;
use crate::model::*;

pub(super) fn diff_enums(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
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

pub(super) fn diff_sequences(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
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

/// Tables a view's canonical definition mentions (by name token).
pub fn view_mentions(view: &View, table: &QName) -> bool {
    let definition = view.definition.to_ascii_lowercase();
    let needle = table.name.to_ascii_lowercase();
    // A name that is not one word (`"has space"`) only ever appears quoted. Finding a mention
    // that is not one costs a view re-created for nothing; missing one breaks the plan.
    let quoted = [
        format!("\"{}\"", needle.replace('"', "\"\"")),
        format!("`{}`", needle.replace('`', "``")),
        format!("[{needle}]"),
    ];
    definition
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|token| token == needle)
        || quoted.iter().any(|q| definition.contains(q.as_str()))
}

/// Views dropped, created, or re-created because a table under them changes shape.
pub(super) fn diff_views(
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
