//! SQLite DDL. ALTER TABLE in SQLite can only rename tables and columns, add a plain column
//! and drop an unreferenced one; every other table change goes through the rebuild the SQLite
//! manual describes (create the new shape, copy the rows, drop, rename, re-create indexes),
//! with foreign key enforcement switched off around it.

use std::collections::{BTreeMap, BTreeSet};

use super::op::Op;
use super::{
    Context, Statement, check_clause, column_list, fk_clause, index_keys, q, qn, unique_clause,
};
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{default_sql, type_sql};

/// The switches around a table rebuild: SQLite checks foreign keys per statement, and a
/// rebuild drops the table others refer to. They cannot run inside a transaction.
pub const FOREIGN_KEYS_OFF: &str = "PRAGMA foreign_keys = OFF";
pub const FOREIGN_KEYS_ON: &str = "PRAGMA foreign_keys = ON";

const D: Dialect = Dialect::Sqlite;

/// A change, or a table rebuild that stands for several.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Change(Change),
    Rebuild { from: Table, to: Table },
}

/// What `ALTER TABLE … ADD COLUMN` accepts (see the SQLite manual on ALTER TABLE).
fn can_add_column(table: &Table, column: &Column) -> bool {
    let constant_default = match &column.default {
        None | Some(DefaultValue::Null) => true,
        Some(DefaultValue::Function(_) | DefaultValue::Expr(_) | DefaultValue::Sequence(_)) => {
            false
        }
        Some(_) => true,
    };
    let has_non_null_default = !matches!(column.default, None | Some(DefaultValue::Null));
    let in_fk = table
        .foreign_keys
        .iter()
        .any(|f| f.columns.contains(&column.name));
    constant_default
        && (column.nullable || has_non_null_default)
        && !column.generated.as_ref().is_some_and(|g| g.stored)
        && !(in_fk && has_non_null_default)
        && !table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.contains(&column.name))
        && !table
            .uniques
            .iter()
            .any(|u| u.columns.contains(&column.name))
}

/// Replace the changes SQLite cannot make in place by one rebuild per table.
pub(crate) fn plan_rebuilds(changes: &[Change], from: &Schema, to: &Schema) -> Vec<Step> {
    let mut rebuild: BTreeSet<QName> = BTreeSet::new();
    for change in changes {
        let needs = match change {
            Change::AlterColumn { .. }
            | Change::AddPrimaryKey { .. }
            | Change::DropPrimaryKey { .. }
            | Change::AddForeignKey { .. }
            | Change::DropForeignKey { .. }
            | Change::AddUnique { .. }
            | Change::DropUnique { .. }
            | Change::AddCheck { .. }
            | Change::DropCheck { .. }
            | Change::RenameConstraint { .. }
            | Change::AlterTableOptions { .. } => true,
            Change::AddColumn { table, column } => to
                .tables
                .get(table)
                .is_none_or(|t| !can_add_column(t, column)),
            Change::DropColumn { table, column } => {
                let before = crate::diff::table_after_renames(changes, from, table);
                before.as_ref().is_none_or(|t| t.uses_column(&column.name))
            }
            _ => false,
        };
        if needs && let Some(table) = change.table() {
            rebuild.insert(table.clone());
        }
    }
    let absorbed = |change: &Change| match change {
        Change::CreateTable { .. }
        | Change::DropTable { .. }
        | Change::RenameTable { .. }
        | Change::RenameColumn { .. } => false,
        other => other.table().is_some_and(|t| rebuild.contains(t)),
    };
    // Each rebuild stands where the last change it absorbs stood: after the table's renames
    // (its copy uses the new column names) and after any table it references is created.
    let mut last: BTreeMap<QName, usize> = BTreeMap::new();
    for (i, change) in changes.iter().enumerate() {
        if absorbed(change) {
            last.insert(
                change
                    .table()
                    .expect("absorbed changes belong to a table")
                    .clone(),
                i,
            );
        }
    }
    let mut steps = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        if !absorbed(change) {
            steps.push(Step::Change(change.clone()));
            continue;
        }
        let table = change.table().expect("absorbed changes belong to a table");
        if last.get(table) == Some(&i)
            && let (Some(old), Some(new)) = (
                crate::diff::table_after_renames(changes, from, table),
                to.tables.get(table),
            )
        {
            steps.push(Step::Rebuild {
                from: old,
                to: new.clone(),
            });
        }
    }
    steps
}

fn column_def(table: &Table, column: &Column) -> String {
    column_def_in(
        column,
        inline_pk_column(table) == Some(column.name.as_str()),
    )
}

/// A column definition; `inline_pk` for the column that holds the primary key clause itself.
fn column_def_in(column: &Column, inline_pk: bool) -> String {
    let mut parts = vec![q(D, &column.name)];
    let ty = type_sql(D, &column.ty);
    if !ty.is_empty() {
        parts.push(ty);
    }
    if inline_pk {
        parts.push("PRIMARY KEY AUTOINCREMENT".into());
    }
    if !column.nullable {
        parts.push("NOT NULL".into());
    }
    if let Some(default) = &column.default
        && column.generated.is_none()
    {
        parts.push(format!("DEFAULT {}", default_sql(D, default)));
    }
    if let Some(collation) = &column.collation {
        parts.push(format!("COLLATE {collation}"));
    }
    if let Some(generated) = &column.generated {
        let kind = if generated.stored {
            "STORED"
        } else {
            "VIRTUAL"
        };
        parts.push(format!("GENERATED ALWAYS AS ({}) {kind}", generated.expr));
    }
    parts.join(" ")
}

/// AUTOINCREMENT is only allowed on a column-level `INTEGER PRIMARY KEY`.
fn inline_pk_column(table: &Table) -> Option<&str> {
    let pk = table.primary_key.as_ref()?;
    match pk.columns.as_slice() {
        [only] if pk.name.is_none() && table.column(only).is_some_and(|c| c.auto_increment) => {
            Some(only.as_str())
        }
        _ => None,
    }
}

fn table_body(table: &Table) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(|c| column_def(table, c)).collect();
    if let Some(pk) = &table.primary_key
        && inline_pk_column(table).is_none()
    {
        lines.push(super::pk_clause(D, pk));
    }
    for unique in &table.uniques {
        lines.push(unique_clause(D, unique));
    }
    for check in &table.checks {
        lines.push(check_clause(D, check));
    }
    for fk in &table.foreign_keys {
        lines.push(fk_clause(D, fk));
    }
    let mut options = Vec::new();
    if table.options.without_rowid {
        options.push("WITHOUT ROWID");
    }
    if table.options.strict {
        options.push("STRICT");
    }
    let suffix = if options.is_empty() {
        String::new()
    } else {
        format!(" {}", options.join(", "))
    };
    format!("(\n  {}\n){suffix}", lines.join(",\n  "))
}

fn create_index(table: &QName, index: &Index) -> Statement {
    written(Op::CreateIndex {
        table: table.clone(),
        index: index.clone(),
        concurrently: false,
        if_not_exists: false,
    })
}

/// A statement of this writer's own operation.
fn written(op: Op) -> Statement {
    super::written(D, op)
}

/// The SQL of one operation (see `dialect::write`). Everything but these few goes through a
/// table rebuild.
pub(super) fn write(op: &Op) -> Option<String> {
    Some(match op {
        Op::DropTable { table } => format!("DROP TABLE {}", qn(D, table)),
        Op::RenameTable { from, to } => {
            format!("ALTER TABLE {} RENAME TO {}", qn(D, from), q(D, &to.name))
        }
        // ADD COLUMN cannot add a primary key column.
        Op::AddColumn {
            table,
            column,
            if_not_exists: false,
        } => format!(
            "ALTER TABLE {} ADD COLUMN {}",
            qn(D, table),
            column_def_in(column, false)
        ),
        Op::DropColumn {
            table,
            column,
            if_exists: false,
        } => format!(
            "ALTER TABLE {} DROP COLUMN {}",
            qn(D, table),
            q(D, &column.name)
        ),
        Op::RenameColumn { table, column, to } => format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            qn(D, table),
            q(D, &column.name),
            q(D, to)
        ),
        Op::CreateIndex {
            table,
            index,
            concurrently: false,
            if_not_exists,
        } => {
            let mut sql = format!(
                "CREATE {}INDEX {}{} ON {} {}",
                if index.unique { "UNIQUE " } else { "" },
                if *if_not_exists { "IF NOT EXISTS " } else { "" },
                q(D, &index.name),
                qn(D, table),
                index_keys(D, index)
            );
            if let Some(predicate) = &index.predicate {
                sql.push_str(&format!(" WHERE {predicate}"));
            }
            sql
        }
        Op::DropIndex {
            index,
            concurrently: false,
            if_exists,
            ..
        } => format!(
            "DROP INDEX {}{}",
            if *if_exists { "IF EXISTS " } else { "" },
            q(D, &index.name)
        ),
        _ => return None,
    })
}

fn create_table(table: &Table) -> Vec<Statement> {
    let mut inline = table.clone();
    inline.indexes.clear();
    inline.triggers.clear();
    let mut out = vec![
        Statement::new(format!(
            "CREATE TABLE {} {}",
            qn(D, &table.name),
            table_body(table)
        ))
        .with_op(Op::CreateTable {
            table: inline,
            serial_columns: Vec::new(),
        }),
    ];
    out.extend(table.indexes.iter().map(|i| create_index(&table.name, i)));
    out.extend(table.triggers.iter().map(|t| Statement::new(t.sql.clone())));
    out
}

/// The SQLite manual's twelve-step procedure, less the steps that concern triggers and views
/// (views over the table are dropped before and re-created after by the differ).
pub(crate) fn rebuild(from: &Table, to: &Table, _schema: &Schema) -> Vec<Statement> {
    let scratch = QName::qualified(
        to.name.schema.clone(),
        format!("_migen_new_{}", to.name.name),
    );
    let mut scratch_table = to.clone();
    scratch_table.name = scratch.clone();
    let copied: Vec<String> = to
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter(|c| {
            from.column(&c.name)
                .is_some_and(|old| old.generated.is_none())
        })
        .map(|c| c.name.clone())
        .collect();
    // The statements from the scratch table to the re-created indexes are one operation: a
    // target with a table-rebuild operation of its own (Alembic's batch mode) writes that.
    // A check naming the table's columns through the table (`t.qty`) must name the scratch
    // table while it is built; the rename back rewrites the qualifier to the table's name.
    let mut built = to.clone();
    for check in &mut built.checks {
        check.expr = requalified(&check.expr, &to.name.name, &q(D, &scratch.name));
    }
    let mut out = vec![
        Statement::outside_transaction(FOREIGN_KEYS_OFF),
        Statement::new(format!(
            "CREATE TABLE {} {}",
            qn(D, &scratch),
            table_body(&built)
        ))
        .with_op(Op::Rebuild {
            from: from.clone(),
            to: to.clone(),
        }),
    ];
    if !copied.is_empty() {
        out.push(
            Statement::new(format!(
                "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
                qn(D, &scratch),
                qn(D, &from.name),
                cols = column_list(D, &copied)
            ))
            .with_op(Op::InRebuild),
        );
    }
    out.push(Statement::new(format!("DROP TABLE {}", qn(D, &from.name))).with_op(Op::InRebuild));
    out.push(
        Statement::new(format!(
            "ALTER TABLE {} RENAME TO {}",
            qn(D, &scratch),
            q(D, &to.name.name)
        ))
        .with_op(Op::InRebuild),
    );
    out.extend(
        to.indexes
            .iter()
            .map(|i| Statement::new(create_index(&to.name, i).sql).with_op(Op::InRebuild)),
    );
    // DROP TABLE took the table's triggers with it.
    out.extend(to.triggers.iter().map(|t| Statement::new(t.sql.clone())));
    out.push(Statement::outside_transaction(FOREIGN_KEYS_ON));
    out
}

/// `expr` with every `table.` qualifier (bare or quoted, any case) written `to.` instead;
/// string literals are left alone.
fn requalified(expr: &str, table: &str, to: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let name: Option<String> = match c {
            '\'' => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                None
            }
            '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut name = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == close {
                        if chars.get(i + 1) == Some(&close) && close != ']' {
                            name.push(close);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                i += 1;
                Some(name)
            }
            c if c.is_alphabetic() || c == '_' => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                Some(chars[start..i].iter().collect())
            }
            _ => {
                i += 1;
                None
            }
        };
        let end = i.min(chars.len());
        match name {
            Some(name) if name.eq_ignore_ascii_case(table) && chars.get(end) == Some(&'.') => {
                out.push_str(to)
            }
            _ => out.extend(&chars[start..end]),
        }
    }
    out
}

pub(crate) fn change(ctx: &mut Context, change: &Change) -> Vec<Statement> {
    let one = |sql: String| vec![Statement::new(sql)];
    match change {
        Change::CreateTable { table } => create_table(table),
        Change::DropTable { table } => vec![written(Op::DropTable {
            table: table.name.clone(),
        })],
        // SQLite matches table names without regard to case, so a rename that changes only
        // the case collides with the table itself: it goes through a free name.
        Change::RenameTable { from, to } if from.name.eq_ignore_ascii_case(&to.name) => {
            let through = QName {
                name: format!("{}__migen_case", to.name),
                ..to.clone()
            };
            vec![
                written(Op::RenameTable {
                    from: from.clone(),
                    to: through.clone(),
                }),
                written(Op::RenameTable {
                    from: through,
                    to: to.clone(),
                }),
            ]
        }
        Change::RenameTable { from, to } => vec![written(Op::RenameTable {
            from: from.clone(),
            to: to.clone(),
        })],
        Change::AddColumn { table, column } => {
            let def = ctx
                .to
                .tables
                .get(table)
                .map(|t| column_def(t, column))
                .unwrap_or_else(|| q(D, &column.name));
            vec![
                Statement::new(format!("ALTER TABLE {} ADD COLUMN {def}", qn(D, table))).with_op(
                    Op::AddColumn {
                        table: table.clone(),
                        column: column.clone(),
                        if_not_exists: false,
                    },
                ),
            ]
        }
        Change::DropColumn { table, column } => vec![written(Op::DropColumn {
            table: table.clone(),
            column: column.clone(),
            if_exists: false,
        })],
        Change::RenameColumn { table, from, to } => {
            let statement = Statement::new(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                qn(D, table),
                q(D, from),
                q(D, to)
            ));
            vec![super::tag_column_rename(ctx, statement, table, from, to)]
        }
        Change::AddIndex { table, index } => vec![create_index(table, index)],
        Change::DropIndex { table, index } => vec![written(Op::DropIndex {
            table: table.clone(),
            index: index.clone(),
            concurrently: false,
            if_exists: false,
        })],
        Change::RenameIndex { table, from, to } => {
            let mut out = one(format!("DROP INDEX {}", q(D, from)));
            if let Some(index) = ctx
                .to
                .tables
                .get(table)
                .and_then(|t| t.indexes.iter().find(|i| i.name == *to))
            {
                out.push(create_index(table, index));
            }
            out
        }
        Change::CreateView { view } => {
            let columns = if view.columns.is_empty() {
                String::new()
            } else {
                format!(" ({})", column_list(D, &view.columns))
            };
            one(format!(
                "CREATE VIEW {}{columns} AS {}",
                qn(D, &view.name),
                view.definition
            ))
        }
        Change::DropView { view } => one(format!("DROP VIEW {}", qn(D, &view.name))),
        Change::CreateTrigger { trigger, .. } => one(trigger.sql.clone()),
        Change::DropTrigger { trigger, .. } => one(format!("DROP TRIGGER {}", q(D, &trigger.name))),
        // Everything else is either absorbed into a rebuild or has no SQLite counterpart.
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod requalify_tests {
    use super::requalified;

    #[test]
    fn only_the_tables_qualifiers_change() {
        assert_eq!(
            requalified(
                "\"Stock\".\"qty\" >= 0 AND stock.x <> 'stock.y' AND other.stock = 1",
                "stock",
                "_migen_new_stock"
            ),
            "_migen_new_stock.\"qty\" >= 0 AND _migen_new_stock.x <> 'stock.y' AND other.stock = 1"
        );
    }
}
