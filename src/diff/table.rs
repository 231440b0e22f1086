//! Changes within one table present on both sides: columns, keys, constraints, indexes and
//! table options, with constraints and indexes paired by name or by definition.

use super::pairing::{Pairing, pair_named};
use super::renames;
use super::{Change, ConstraintKind, RenameAnswers, RenameCandidate};
use crate::model::*;

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

pub(super) fn diff_table(
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
        from.rename_column(old, new);
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
            // InnoDB enforces NO ACTION as RESTRICT: the two spellings are one key.
            if dialect == Dialect::Mysql {
                for action in [&mut f.on_delete, &mut f.on_update] {
                    if *action == FkAction::NoAction {
                        *action = FkAction::Restrict;
                    }
                }
            }
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
        if let Change::RenameColumn { table: t, from, to } = change
            && t == name
        {
            table.rename_column(from, to);
        }
    }
    Some(table)
}
