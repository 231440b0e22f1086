//! MySQL / MariaDB DDL. Written for MariaDB 10.5+ and MySQL 8.0+ (RENAME COLUMN, RENAME INDEX,
//! CHECK constraints).

use super::op::{Algorithm, AlterPart, ConstraintType, Lock, Op};
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

/// A statement of this writer's own operation.
fn written(op: Op) -> Statement {
    super::written(D, op)
}

fn if_exists(yes: bool) -> &'static str {
    if yes { "IF EXISTS " } else { "" }
}

/// The SQL of one operation (see `dialect::write`).
pub(super) fn write(op: &Op) -> Option<String> {
    Some(match op {
        Op::DropTable { table } => format!("DROP TABLE {}", qn(D, table)),
        Op::RenameTable { from, to } => format!("RENAME TABLE {} TO {}", qn(D, from), qn(D, to)),
        Op::CreateIndex {
            table,
            index,
            if_not_exists,
            ..
        } => format!(
            "CREATE {}INDEX {}{} ON {} {}{}",
            index_kind(index),
            if *if_not_exists { "IF NOT EXISTS " } else { "" },
            q(D, &index.name),
            qn(D, table),
            keys(index),
            using(index)
        ),
        Op::AddUnique { table, unique } => format!(
            "CREATE UNIQUE INDEX {} ON {} ({})",
            q(D, unique_index_name(unique)),
            qn(D, table),
            column_list(D, &unique.columns)
        ),
        Op::DropIndex {
            table,
            index,
            if_exists: yes,
            ..
        } => drop_index(table, &index.name, *yes),
        Op::DropConstraint {
            table,
            name,
            kind: ConstraintType::Unique,
            if_exists: yes,
        } => drop_index(table, name, *yes),
        Op::WithAlgorithm {
            op,
            algorithm,
            lock,
        } => {
            let mut clause = vec![format!(
                "ALGORITHM={}",
                match algorithm {
                    Algorithm::Instant => "INSTANT",
                    Algorithm::Inplace => "INPLACE",
                    Algorithm::Copy => "COPY",
                }
            )];
            if let Some(lock) = lock {
                clause.push(format!(
                    "LOCK={}",
                    match lock {
                        Lock::None => "NONE",
                        Lock::Shared => "SHARED",
                    }
                ));
            }
            match &**op {
                // CREATE INDEX takes its options after the keys, without commas.
                Op::CreateIndex { .. } | Op::AddUnique { .. } => {
                    format!("{} {}", write(op)?, clause.join(" "))
                }
                // DROP INDEX takes no ALGORITHM clause in MariaDB: the ALTER TABLE form does.
                other => {
                    let (table, action) = alter_action(other)?;
                    format!(
                        "ALTER TABLE {} {action}, {}",
                        qn(D, table),
                        clause.join(", ")
                    )
                }
            }
        }
        other => {
            let (table, action) = alter_action(other)?;
            format!("ALTER TABLE {} {action}", qn(D, table))
        }
    })
}

/// `DROP INDEX … ON …`.
fn drop_index(table: &QName, name: &str, yes: bool) -> String {
    format!(
        "DROP INDEX {}{} ON {}",
        if_exists(yes),
        q(D, name),
        qn(D, table)
    )
}

/// A unique constraint's index: named after its first column when the constraint has no name.
fn unique_index_name(unique: &UniqueConstraint) -> &str {
    unique
        .name
        .as_deref()
        .or(unique.columns.first().map(String::as_str))
        .unwrap_or_default()
}

/// What an operation does as `ALTER TABLE <table> <action>`: the table and the action.
fn alter_action(op: &Op) -> Option<(&QName, String)> {
    Some(match op {
        Op::AddColumn {
            table,
            column,
            if_not_exists,
        } => (
            table,
            format!(
                "ADD COLUMN {}{}",
                if *if_not_exists { "IF NOT EXISTS " } else { "" },
                column_def(D, table, column, &Default::default())
            ),
        ),
        Op::DropColumn {
            table,
            column,
            if_exists: yes,
        } => (
            table,
            format!("DROP COLUMN {}{}", if_exists(*yes), q(D, &column.name)),
        ),
        Op::RenameColumn { table, column, to } => (
            table,
            format!("RENAME COLUMN {} TO {}", q(D, &column.name), q(D, to)),
        ),
        Op::AlterColumn {
            table, to, part, ..
        } => (
            table,
            match (part, &to.default) {
                (AlterPart::Default, Some(default)) => format!(
                    "ALTER COLUMN {} SET DEFAULT {}",
                    q(D, &to.name),
                    default_sql(D, default)
                ),
                (AlterPart::Default, None) => {
                    format!("ALTER COLUMN {} DROP DEFAULT", q(D, &to.name))
                }
                // Anything else restates the whole column.
                _ => format!(
                    "MODIFY COLUMN {}",
                    column_def(D, table, to, &Default::default())
                ),
            },
        ),
        Op::ChangeColumn { table, from, to } => (
            table,
            format!(
                "CHANGE COLUMN {} {}",
                q(D, &from.name),
                column_def(D, table, to, &Default::default())
            ),
        ),
        Op::AddPrimaryKey { table, primary_key } => {
            (table, format!("ADD {}", pk_clause(D, primary_key)))
        }
        // MySQL has no NOT VALID.
        Op::AddForeignKey {
            table,
            foreign_key,
            not_valid: false,
        } => (table, format!("ADD {}", fk_clause(D, foreign_key))),
        Op::AddCheck {
            table,
            check,
            not_valid: false,
        } => (table, format!("ADD {}", check_clause(D, check))),
        Op::DropConstraint {
            table,
            name,
            kind,
            if_exists: yes,
        } => (
            table,
            match kind {
                ConstraintType::PrimaryKey => "DROP PRIMARY KEY".to_string(),
                ConstraintType::ForeignKey => {
                    format!("DROP FOREIGN KEY {}{}", if_exists(*yes), q(D, name))
                }
                ConstraintType::Unique => format!("DROP INDEX {}{}", if_exists(*yes), q(D, name)),
                ConstraintType::Check => {
                    format!("DROP CONSTRAINT {}{}", if_exists(*yes), q(D, name))
                }
            },
        ),
        Op::DropIndex {
            table,
            index,
            if_exists: yes,
            ..
        } => (
            table,
            format!("DROP INDEX {}{}", if_exists(*yes), q(D, &index.name)),
        ),
        Op::RenameIndex { table, from, to } => (
            table,
            format!("RENAME INDEX {} TO {}", q(D, from), q(D, to)),
        ),
        Op::TableComment { table, comment } => (
            table,
            format!(
                "COMMENT = {}",
                quote_string(D, comment.as_deref().unwrap_or(""))
            ),
        ),
        Op::AlterTableOptions { table, from, to } => {
            let actions = table_option_actions(from, to);
            if actions.is_empty() {
                return None;
            }
            (table, actions.join(", "))
        }
        _ => return None,
    })
}

/// The actions that move a table from one set of options to another.
fn table_option_actions(from: &TableOptions, to: &TableOptions) -> Vec<String> {
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
    actions
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
    written(Op::AddForeignKey {
        table: table.clone(),
        foreign_key: fk.clone(),
        not_valid: false,
    })
}

/// The primary key of `table` after the change when it holds an AUTO_INCREMENT column the
/// change adds: that column's ADD COLUMN adds the key too.
fn new_auto_key<'a>(ctx: &'a Context, table: &QName) -> Option<&'a PrimaryKey> {
    let after = ctx.to.tables.get(table)?;
    let before = ctx.from.tables.get(table);
    let pk = after.primary_key.as_ref()?;
    pk.columns
        .iter()
        .filter_map(|name| after.column(name))
        .any(|column| {
            column.auto_increment && before.is_none_or(|t| t.column(&column.name).is_none())
        })
        .then_some(pk)
}

/// `add` (the foreign key's ADD CONSTRAINT) with every index the change keeps that could back
/// the key renamed to itself in the same statement. InnoDB replaces an index it created for an
/// earlier, unnamed foreign key (named after the column) with a new one named after the
/// constraint; the no-op rename keeps that index as it is. An index made by hand is kept either
/// way, and the model cannot tell the two apart.
fn keeping_covering_indexes(
    ctx: &Context,
    table: &QName,
    fk: &ForeignKey,
    add: Statement,
) -> Statement {
    let (Some(before), Some(after)) = (ctx.from.tables.get(table), ctx.to.tables.get(table)) else {
        return add;
    };
    let covers = |index: &Index| {
        index.keys.len() >= fk.columns.len()
            && index.keys.iter().zip(&fk.columns).all(
                |(key, column)| matches!(&key.part, IndexPart::Column(c) if c.eq_ignore_ascii_case(column)),
            )
    };
    let kept: Vec<&Index> = after
        .indexes
        .iter()
        .filter(|index| fk.name.as_deref() != Some(index.name.as_str()) && covers(index))
        .filter(|index| before.indexes.contains(index))
        .collect();
    if kept.is_empty() {
        return add;
    }
    let renames: Vec<String> = kept
        .iter()
        .map(|index| {
            format!(
                "RENAME INDEX {} TO {}",
                q(D, &index.name),
                q(D, &index.name)
            )
        })
        .collect();
    Statement::new(format!("{}, {}", add.sql, renames.join(", ")))
}

fn alter_column(table: &QName, from: &Column, to: &Column) -> Vec<Statement> {
    if from.generated.is_some() != to.generated.is_some()
        || from.generated.as_ref().map(|g| g.stored) != to.generated.as_ref().map(|g| g.stored)
    {
        // MariaDB cannot switch a column between stored, virtual and plain in place.
        return vec![
            written(Op::DropColumn {
                table: table.clone(),
                column: from.clone(),
                if_exists: false,
            }),
            written(Op::AddColumn {
                table: table.clone(),
                column: to.clone(),
                if_not_exists: false,
            }),
        ];
    }
    let mut only_default = from.clone();
    only_default.default = to.default.clone();
    let part = if only_default == *to {
        AlterPart::Default
    } else {
        AlterPart::Whole
    };
    vec![written(Op::AlterColumn {
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
        Change::DropTable { table } => vec![written(Op::DropTable {
            table: table.name.clone(),
        })],
        Change::RenameTable { from, to } => vec![written(Op::RenameTable {
            from: from.clone(),
            to: to.clone(),
        })],
        Change::AddColumn { table, column } => {
            let add = written(Op::AddColumn {
                table: table.clone(),
                column: column.clone(),
                if_not_exists: false,
            });
            match new_auto_key(ctx, table) {
                // An AUTO_INCREMENT column must be a key from the statement that adds it on.
                Some(pk) if pk.columns.contains(&column.name) && column.auto_increment => {
                    vec![Statement::new(format!(
                        "{}, ADD {}",
                        add.sql,
                        pk_clause(D, pk)
                    ))]
                }
                _ => vec![add],
            }
        }
        Change::DropColumn { table, column } => vec![written(Op::DropColumn {
            table: table.clone(),
            column: column.clone(),
            if_exists: false,
        })],
        Change::RenameColumn { table, from, to } => {
            let statement = alter(
                table,
                format!("RENAME COLUMN {} TO {}", q(D, from), q(D, to)),
            );
            vec![super::tag_column_rename(ctx, statement, table, from, to)]
        }
        Change::AlterColumn { table, from, to } => alter_column(table, from, to),
        // Added with its AUTO_INCREMENT column (see AddColumn).
        Change::AddPrimaryKey { table, .. } if new_auto_key(ctx, table).is_some() => Vec::new(),
        Change::AddPrimaryKey { table, primary_key } => vec![written(Op::AddPrimaryKey {
            table: table.clone(),
            primary_key: primary_key.clone(),
        })],
        Change::DropPrimaryKey { table, primary_key } => {
            // An AUTO_INCREMENT column must stay a key: it loses AUTO_INCREMENT in the same
            // statement when the change drops it or keeps it without.
            let before = ctx.from.tables.get(table);
            let after = ctx.to.tables.get(table);
            let released: Vec<String> = primary_key
                .columns
                .iter()
                .filter_map(|name| before?.column(name))
                .filter(|column| {
                    column.auto_increment
                        && !after
                            .and_then(|t| t.column(&column.name))
                            .is_some_and(|c| c.auto_increment)
                })
                .map(|column| {
                    let plain = Column {
                        auto_increment: false,
                        ..column.clone()
                    };
                    format!(
                        "MODIFY {}, ",
                        column_def(D, table, &plain, &Default::default())
                    )
                })
                .collect();
            vec![alter(
                table,
                format!("{}DROP PRIMARY KEY", released.concat()),
            )]
        }
        Change::AddForeignKey { table, foreign_key } => {
            let add = keeping_covering_indexes(ctx, table, foreign_key, add_fk(table, foreign_key));
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
        Change::DropForeignKey { table, foreign_key } => {
            drop_named(table, &foreign_key.name, ConstraintType::ForeignKey)
        }
        Change::AddUnique { table, unique } => {
            let named = UniqueConstraint {
                name: Some(unique_index_name(unique).to_string()),
                columns: unique.columns.clone(),
            };
            vec![written(Op::AddUnique {
                table: table.clone(),
                unique: named,
            })]
        }
        Change::DropUnique { table, unique } => {
            drop_named(table, &unique.name, ConstraintType::Unique)
        }
        Change::AddCheck { table, check } => vec![written(Op::AddCheck {
            table: table.clone(),
            check: check.clone(),
            not_valid: false,
        })],
        Change::DropCheck { table, check } => drop_named(table, &check.name, ConstraintType::Check),
        // A unique constraint is an index in MySQL.
        Change::RenameConstraint {
            table, from, to, ..
        }
        | Change::RenameIndex { table, from, to } => vec![written(Op::RenameIndex {
            table: table.clone(),
            from: from.clone(),
            to: to.clone(),
        })],
        Change::AddIndex { table, index } => vec![written(Op::CreateIndex {
            table: table.clone(),
            index: index.clone(),
            concurrently: false,
            if_not_exists: false,
        })],
        Change::DropIndex { table, index } => vec![written(Op::DropIndex {
            table: table.clone(),
            index: index.clone(),
            concurrently: false,
            if_exists: false,
        })],
        Change::AlterTableComment { table, to, .. } => vec![written(Op::TableComment {
            table: table.clone(),
            comment: to.clone(),
        })],
        Change::AlterTableOptions { table, from, to } => {
            let op = Op::AlterTableOptions {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
            };
            // Nothing MySQL spells (SQLite's options) writes nothing.
            super::Statement::of(D, op).into_iter().collect()
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

fn drop_named(table: &QName, name: &Option<String>, kind: ConstraintType) -> Vec<Statement> {
    match name {
        Some(name) => vec![written(Op::DropConstraint {
            table: table.clone(),
            name: name.clone(),
            kind,
            if_exists: false,
        })],
        None => Vec::new(),
    }
}
