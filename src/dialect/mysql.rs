//! MySQL / MariaDB DDL. Written for MariaDB 10.5+ and MySQL 8.0+ (RENAME COLUMN, RENAME INDEX,
//! CHECK constraints).

use super::op::{AlterPart, ConstraintType, Op};
use super::{
    Context, Statement, check_clause, column_def, column_list, fk_clause, index_keys, pk_clause, q,
    qn,
};
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{default_sql, quote_string};

const D: Dialect = Dialect::Mysql;

fn alter(table: &QName, action: String) -> Statement {
    Statement::new(format!("ALTER TABLE {} {action}", qn(D, table)))
}

fn index_kind(index: &Index) -> &'static str {
    match (index.unique, index.method.as_deref()) {
        (_, Some("fulltext")) => "FULLTEXT ",
        (_, Some("spatial")) => "SPATIAL ",
        (true, _) => "UNIQUE ",
        _ => "",
    }
}

/// MySQL wants a functional key part in its own parentheses: `((lower(x)))`.
fn keys(index: &Index) -> String {
    index_keys(D, index)
}

fn using(index: &Index) -> String {
    match index.method.as_deref() {
        Some("hash") => " USING HASH".into(),
        _ => String::new(),
    }
}

fn inline_index(index: &Index) -> String {
    format!(
        "{}KEY {} {}{}",
        index_kind(index),
        q(D, &index.name),
        keys(index),
        using(index)
    )
}

fn table_options(table: &Table) -> String {
    let mut options = Vec::new();
    if let Some(engine) = &table.options.engine {
        options.push(format!("ENGINE={engine}"));
    }
    if let Some(charset) = &table.options.charset {
        options.push(format!("DEFAULT CHARSET={charset}"));
    }
    if let Some(collation) = &table.options.collation {
        options.push(format!("COLLATE={collation}"));
    }
    if let Some(comment) = &table.comment {
        options.push(format!("COMMENT={}", quote_string(D, comment)));
    }
    if options.is_empty() {
        String::new()
    } else {
        format!(" {}", options.join(" "))
    }
}

fn create_table(ctx: &mut Context, table: &Table) -> Vec<Statement> {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_def(D, &table.name, c, &Default::default()))
        .collect();
    if let Some(pk) = &table.primary_key {
        lines.push(pk_clause(D, pk));
    }
    // Indexes go inline: a foreign key added without its index would make InnoDB create one under the same name.
    for index in &table.indexes {
        lines.push(inline_index(index));
    }
    for check in &table.checks {
        lines.push(check_clause(D, check));
    }
    // What the CREATE TABLE holds: everything but the foreign keys added later.
    let mut inline = table.clone();
    inline.foreign_keys.clear();
    for fk in &table.foreign_keys {
        if fk.ref_table == table.name || ctx.existing_tables.contains(&fk.ref_table) {
            lines.push(fk_clause(D, fk));
            inline.foreign_keys.push(fk.clone());
        } else {
            ctx.deferred.push(add_fk(&table.name, fk));
        }
    }
    vec![
        Statement::new(format!(
            "CREATE TABLE {} (\n  {}\n){}",
            qn(D, &table.name),
            lines.join(",\n  "),
            table_options(table)
        ))
        .with_op(Op::CreateTable {
            table: inline,
            serial_columns: Vec::new(),
        }),
    ]
}

fn add_fk(table: &QName, fk: &ForeignKey) -> Statement {
    alter(table, format!("ADD {}", fk_clause(D, fk))).with_op(Op::AddForeignKey {
        table: table.clone(),
        foreign_key: fk.clone(),
    })
}

fn alter_column(table: &QName, from: &Column, to: &Column) -> Vec<Statement> {
    if from.generated.is_some() != to.generated.is_some()
        || from.generated.as_ref().map(|g| g.stored) != to.generated.as_ref().map(|g| g.stored)
    {
        // MariaDB cannot switch a column between stored, virtual and plain in place.
        return vec![
            alter(table, format!("DROP COLUMN {}", q(D, &from.name))),
            alter(
                table,
                format!(
                    "ADD COLUMN {}",
                    column_def(D, table, to, &Default::default())
                ),
            ),
        ];
    }
    let mut only_default = from.clone();
    only_default.default = to.default.clone();
    let part = if only_default == *to {
        AlterPart::Default
    } else {
        AlterPart::Whole
    };
    let action = match (&part, &to.default) {
        (AlterPart::Default, Some(default)) => format!(
            "ALTER COLUMN {} SET DEFAULT {}",
            q(D, &to.name),
            default_sql(D, default)
        ),
        (AlterPart::Default, None) => format!("ALTER COLUMN {} DROP DEFAULT", q(D, &to.name)),
        _ => format!(
            "MODIFY COLUMN {}",
            column_def(D, table, to, &Default::default())
        ),
    };
    vec![alter(table, action).with_op(Op::AlterColumn {
        table: table.clone(),
        from: from.clone(),
        to: to.clone(),
        part,
    })]
}

pub(crate) fn change(ctx: &mut Context, change: &Change) -> Vec<Statement> {
    let one = |sql: String| vec![Statement::new(sql)];
    match change {
        // Schemas, extensions, enum types and sequences do not exist in MySQL's model.
        Change::CreateSchema { .. }
        | Change::DropSchema { .. }
        | Change::CreateExtension { .. }
        | Change::DropExtension { .. }
        | Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::RecreateEnum { .. }
        | Change::AlterEnumComment { .. }
        | Change::CreateSequence { .. }
        | Change::DropSequence { .. }
        | Change::AlterSequence { .. } => Vec::new(),
        Change::CreateTable { table } => create_table(ctx, table),
        Change::DropTable { table } => vec![
            Statement::new(format!("DROP TABLE {}", qn(D, &table.name))).with_op(Op::DropTable {
                table: table.name.clone(),
            }),
        ],
        Change::RenameTable { from, to } => vec![
            Statement::new(format!("RENAME TABLE {} TO {}", qn(D, from), qn(D, to))).with_op(
                Op::RenameTable {
                    from: from.clone(),
                    to: to.clone(),
                },
            ),
        ],
        Change::AddColumn { table, column } => vec![
            alter(
                table,
                format!(
                    "ADD COLUMN {}",
                    column_def(D, table, column, &Default::default())
                ),
            )
            .with_op(Op::AddColumn {
                table: table.clone(),
                column: column.clone(),
                idempotent: false,
            }),
        ],
        Change::DropColumn { table, column } => {
            vec![
                alter(table, format!("DROP COLUMN {}", q(D, &column.name))).with_op(
                    Op::DropColumn {
                        table: table.clone(),
                        column: column.clone(),
                    },
                ),
            ]
        }
        Change::RenameColumn { table, from, to } => {
            let statement = alter(
                table,
                format!("RENAME COLUMN {} TO {}", q(D, from), q(D, to)),
            );
            vec![super::tag_column_rename(ctx, statement, table, from, to)]
        }
        Change::AlterColumn { table, from, to } => alter_column(table, from, to),
        Change::AddPrimaryKey { table, primary_key } => {
            vec![
                alter(table, format!("ADD {}", pk_clause(D, primary_key))).with_op(
                    Op::AddPrimaryKey {
                        table: table.clone(),
                        primary_key: primary_key.clone(),
                    },
                ),
            ]
        }
        Change::DropPrimaryKey { table, .. } => vec![alter(table, "DROP PRIMARY KEY".into())],
        Change::AddForeignKey { table, foreign_key } => {
            let add = add_fk(table, foreign_key);
            if ctx.unchecked_fk_targets.contains(&foreign_key.ref_table) {
                // MySQL has no NOT VALID: checks are switched off for this one statement.
                vec![
                    Statement::new("SET FOREIGN_KEY_CHECKS = 0")
                        .with_note(super::UNCHECKED_FK_NOTE),
                    add,
                    Statement::new("SET FOREIGN_KEY_CHECKS = 1"),
                ]
            } else {
                vec![add]
            }
        }
        Change::DropForeignKey { table, foreign_key } => match &foreign_key.name {
            Some(name) => vec![
                alter(table, format!("DROP FOREIGN KEY {}", q(D, name))).with_op(
                    Op::DropConstraint {
                        table: table.clone(),
                        name: name.clone(),
                        kind: ConstraintType::ForeignKey,
                    },
                ),
            ],
            None => Vec::new(),
        },
        Change::AddUnique { table, unique } => {
            let name = unique
                .name
                .clone()
                .unwrap_or_else(|| unique.columns[0].clone());
            let named = UniqueConstraint {
                name: Some(name.clone()),
                columns: unique.columns.clone(),
            };
            vec![
                Statement::new(format!(
                    "CREATE UNIQUE INDEX {} ON {} ({})",
                    q(D, &name),
                    qn(D, table),
                    column_list(D, &unique.columns)
                ))
                .with_op(Op::AddUnique {
                    table: table.clone(),
                    unique: named,
                }),
            ]
        }
        Change::DropUnique { table, unique } => match &unique.name {
            Some(name) => vec![
                Statement::new(format!("DROP INDEX {} ON {}", q(D, name), qn(D, table))).with_op(
                    Op::DropConstraint {
                        table: table.clone(),
                        name: name.clone(),
                        kind: ConstraintType::Unique,
                    },
                ),
            ],
            None => Vec::new(),
        },
        Change::AddCheck { table, check } => {
            vec![
                alter(table, format!("ADD {}", check_clause(D, check))).with_op(Op::AddCheck {
                    table: table.clone(),
                    check: check.clone(),
                }),
            ]
        }
        Change::DropCheck { table, check } => match &check.name {
            Some(name) => vec![
                alter(table, format!("DROP CONSTRAINT {}", q(D, name))).with_op(
                    Op::DropConstraint {
                        table: table.clone(),
                        name: name.clone(),
                        kind: ConstraintType::Check,
                    },
                ),
            ],
            None => Vec::new(),
        },
        Change::RenameConstraint {
            table, from, to, ..
        } => {
            vec![alter(
                table,
                format!("RENAME INDEX {} TO {}", q(D, from), q(D, to)),
            )]
        }
        Change::AddIndex { table, index } => vec![
            Statement::new(format!(
                "CREATE {}INDEX {} ON {} {}{}",
                index_kind(index),
                q(D, &index.name),
                qn(D, table),
                keys(index),
                using(index)
            ))
            .with_op(Op::CreateIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: false,
                idempotent: false,
            }),
        ],
        Change::DropIndex { table, index } => vec![
            Statement::new(format!(
                "DROP INDEX {} ON {}",
                q(D, &index.name),
                qn(D, table)
            ))
            .with_op(Op::DropIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: false,
                idempotent: false,
            }),
        ],
        Change::RenameIndex { table, from, to } => vec![alter(
            table,
            format!("RENAME INDEX {} TO {}", q(D, from), q(D, to)),
        )],
        Change::AlterTableComment { table, to, .. } => vec![
            alter(
                table,
                format!("COMMENT = {}", quote_string(D, to.as_deref().unwrap_or(""))),
            )
            .with_op(Op::TableComment {
                table: table.clone(),
                comment: to.clone(),
            }),
        ],
        Change::AlterTableOptions { table, from, to } => {
            let mut actions = Vec::new();
            if to.engine.is_some() && from.engine != to.engine {
                actions.push(format!(
                    "ENGINE = {}",
                    to.engine.as_deref().unwrap_or("InnoDB")
                ));
            }
            if (to.charset.is_some() && from.charset != to.charset)
                || (to.collation.is_some() && from.collation != to.collation)
            {
                let mut action = String::from("DEFAULT");
                if let Some(charset) = &to.charset {
                    action.push_str(&format!(" CHARACTER SET {charset}"));
                }
                if let Some(collation) = &to.collation {
                    action.push_str(&format!(" COLLATE {collation}"));
                }
                actions.push(action);
            }
            if actions.is_empty() {
                Vec::new()
            } else {
                vec![alter(table, actions.join(", "))]
            }
        }
        Change::CreateView { view } => {
            let columns = if view.columns.is_empty() {
                String::new()
            } else {
                format!(" ({})", column_list(D, &view.columns))
            };
            one(format!(
                "CREATE VIEW {}{columns} AS {}{}",
                qn(D, &view.name),
                view.definition,
                super::check_option_clause(view)
            ))
        }
        Change::DropView { view } => one(format!("DROP VIEW {}", qn(D, &view.name))),
        Change::AlterViewComment { .. } => Vec::new(),
        Change::CreateTrigger { trigger, .. } => one(trigger.sql.clone()),
        Change::DropTrigger { trigger, .. } => one(format!("DROP TRIGGER {}", q(D, &trigger.name))),
    }
}
