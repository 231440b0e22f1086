//! PostgreSQL DDL.

use super::op::{AlterPart, ConstraintType, Op};
use super::{
    Context, Statement, check_clause, column_def, column_def_as, column_list, comment_literal,
    fk_clause, index_keys, pk_clause, q, qn, unique_clause,
};
use crate::diff::{Change, ConstraintKind};
use crate::model::*;
use crate::normalize::{column_default_sql, make_object_name, quote_string, type_sql};

const D: Dialect = Dialect::Postgres;

/// `serial`/`bigserial`/`smallserial` when the column draws from the sequence `serial` would
/// create for it; any other sequence default is written out in full.
pub(crate) fn serial_type(
    table: &QName,
    column: &Column,
    sequences: &std::collections::BTreeMap<QName, Sequence>,
) -> Option<&'static str> {
    let Some(DefaultValue::Sequence(seq)) = &column.default else {
        return None;
    };
    if column.identity.is_some() || seq.schema != table.schema || sequences.contains_key(seq) {
        return None;
    }
    if seq.name != make_object_name(D, &table.name, Some(&column.name), "seq") {
        return None;
    }
    match column.ty {
        Type::Integer { bits: 16, .. } => Some("smallserial"),
        Type::Integer { bits: 32, .. } => Some("serial"),
        Type::Integer { bits: 64, .. } => Some("bigserial"),
        _ => None,
    }
}

/// A column-owned sequence default that `serial` would not create under its name: the
/// sequence is made explicitly. Defaults drawing from a standalone sequence need nothing.
fn explicit_sequence(ctx: &Context, table: &QName, column: &Column) -> Option<QName> {
    match &column.default {
        Some(DefaultValue::Sequence(seq))
            if serial_type(table, column, &ctx.to.sequences).is_none()
                && !ctx.to.sequences.contains_key(seq) =>
        {
            Some(seq.clone())
        }
        _ => None,
    }
}

/// A sequence default whose sequence belongs to the column (serial-style, not listed on its own).
fn owned_sequence<'a>(schema: &Schema, default: &'a Option<DefaultValue>) -> Option<&'a QName> {
    match default {
        Some(DefaultValue::Sequence(seq)) if !schema.sequences.contains_key(seq) => Some(seq),
        _ => None,
    }
}

fn create_owned_sequence(
    ctx: &mut Context,
    table: &QName,
    column: &Column,
    seq: &QName,
) -> Vec<Statement> {
    let as_type = match column.ty {
        Type::Integer { bits: 16, .. } => " AS smallint",
        Type::Integer { bits: 32, .. } => " AS integer",
        _ => "",
    };
    ctx.deferred.push(Statement::new(format!(
        "ALTER SEQUENCE {} OWNED BY {}.{}",
        qn(D, seq),
        qn(D, table),
        q(D, &column.name)
    )));
    vec![Statement::new(format!(
        "CREATE SEQUENCE {}{as_type}",
        qn(D, seq)
    ))]
}

pub(crate) fn create_table(ctx: &mut Context, table: &Table) -> Vec<Statement> {
    let mut before = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    // What the CREATE TABLE itself holds: indexes and comments are statements of their own.
    let mut inline = table.clone();
    inline.indexes.clear();
    inline.comment = None;
    inline.foreign_keys.clear();
    for column in &mut inline.columns {
        column.comment = None;
    }
    let serial_columns = table
        .columns
        .iter()
        .filter(|c| serial_type(&table.name, c, &ctx.to.sequences).is_some())
        .map(|c| c.name.clone())
        .collect();
    for column in &table.columns {
        if let Some(seq) = explicit_sequence(ctx, &table.name, column) {
            before.extend(create_owned_sequence(ctx, &table.name, column, &seq));
        }
        lines.push(column_def(D, &table.name, column, &ctx.to.sequences));
    }
    if let Some(pk) = &table.primary_key {
        lines.push(pk_clause(D, pk));
    }
    for unique in &table.uniques {
        lines.push(unique_clause(D, unique));
    }
    for check in &table.checks {
        lines.push(check_clause(D, check));
    }
    for fk in &table.foreign_keys {
        if fk.ref_table == table.name || ctx.existing_tables.contains(&fk.ref_table) {
            lines.push(fk_clause(D, fk));
            inline.foreign_keys.push(fk.clone());
        } else {
            ctx.deferred.push(add_fk(ctx, &table.name, fk));
        }
    }
    let mut out = before;
    out.push(
        Statement::new(format!(
            "CREATE TABLE {} (\n  {}\n)",
            qn(D, &table.name),
            lines.join(",\n  ")
        ))
        .with_op(Op::CreateTable {
            table: inline,
            serial_columns,
        }),
    );
    for index in &table.indexes {
        out.push(create_index(&table.name, index));
    }
    if table.comment.is_some() {
        out.push(table_comment(&table.name, &table.comment));
    }
    for column in &table.columns {
        if column.comment.is_some() {
            out.push(column_comment(&table.name, column));
        }
    }
    out
}

/// A statement of this writer's own operation.
fn written(op: Op) -> Statement {
    super::written(D, op)
}

fn add_fk(ctx: &Context, table: &QName, fk: &ForeignKey) -> Statement {
    let unchecked = ctx.unchecked_fk_targets.contains(&fk.ref_table);
    let statement = written(Op::AddForeignKey {
        table: table.clone(),
        foreign_key: fk.clone(),
        not_valid: unchecked,
    });
    if unchecked {
        statement.with_note(super::UNCHECKED_FK_NOTE)
    } else {
        statement
    }
}

fn create_index(table: &QName, index: &Index) -> Statement {
    written(Op::CreateIndex {
        table: table.clone(),
        index: index.clone(),
        concurrently: false,
        if_not_exists: false,
    })
}

fn create_index_sql(
    table: &QName,
    index: &Index,
    concurrently: bool,
    if_not_exists: bool,
) -> String {
    let mut sql = format!(
        "CREATE {}INDEX {}{}{} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        if if_not_exists { "IF NOT EXISTS " } else { "" },
        q(D, &index.name),
        qn(D, table)
    );
    if let Some(method) = &index.method {
        sql.push_str(&format!(" USING {method}"));
    }
    sql.push(' ');
    sql.push_str(&index_keys(D, index));
    if !index.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", column_list(D, &index.include)));
    }
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

fn index_name_in_schema(table: &QName, name: &str) -> String {
    qn(D, &QName::qualified(table.schema.clone(), name))
}

fn table_comment(table: &QName, comment: &Option<String>) -> Statement {
    written(Op::TableComment {
        table: table.clone(),
        comment: comment.clone(),
    })
}

fn column_comment(table: &QName, column: &Column) -> Statement {
    written(Op::ColumnComment {
        table: table.clone(),
        column: column.clone(),
    })
}

fn alter(table: &QName, action: String) -> Statement {
    Statement::new(alter_sql(table, &action))
}

fn alter_sql(table: &QName, action: &str) -> String {
    format!("ALTER TABLE {} {action}", qn(D, table))
}

fn if_exists(yes: bool) -> &'static str {
    if yes { "IF EXISTS " } else { "" }
}

/// `ALTER COLUMN … TYPE …` to `to`'s type and collation, converting with `using`.
fn alter_type_action(to: &Column, using: &Option<String>) -> String {
    let mut action = format!(
        "ALTER COLUMN {} TYPE {}",
        q(D, &to.name),
        type_sql(D, &to.ty)
    );
    if let Some(collation) = &to.collation {
        action.push_str(&format!(" COLLATE \"{}\"", collation.replace('"', "\"\"")));
    }
    if let Some(using) = using {
        action.push_str(&format!(" USING {using}"));
    }
    action
}

/// The SQL of one operation (see `dialect::write`).
pub(super) fn write(op: &Op) -> Option<String> {
    Some(match op {
        Op::DropTable { table } => format!("DROP TABLE {}", qn(D, table)),
        Op::RenameTable { from, to } => alter_sql(from, &format!("RENAME TO {}", q(D, &to.name))),
        // An operation's column is a plain one: a serial column is written by its change.
        Op::AddColumn {
            table,
            column,
            if_not_exists,
        } => alter_sql(
            table,
            &format!(
                "ADD COLUMN {}{}",
                if *if_not_exists { "IF NOT EXISTS " } else { "" },
                column_def_as(D, column, None)
            ),
        ),
        Op::DropColumn {
            table,
            column,
            if_exists: yes,
        } => alter_sql(
            table,
            &format!("DROP COLUMN {}{}", if_exists(*yes), q(D, &column.name)),
        ),
        Op::RenameColumn { table, column, to } => alter_sql(
            table,
            &format!("RENAME COLUMN {} TO {}", q(D, &column.name), q(D, to)),
        ),
        Op::AlterColumn {
            table, to, part, ..
        } => {
            let col = q(D, &to.name);
            let action = match part {
                AlterPart::Nullable => format!(
                    "ALTER COLUMN {col} {} NOT NULL",
                    if to.nullable { "DROP" } else { "SET" }
                ),
                AlterPart::Default => match &to.default {
                    Some(default) => format!(
                        "ALTER COLUMN {col} SET DEFAULT {}",
                        column_default_sql(D, &to.ty, default)
                    ),
                    None => format!("ALTER COLUMN {col} DROP DEFAULT"),
                },
                AlterPart::Type { using } => alter_type_action(to, using),
                AlterPart::Whole => return None,
            };
            alter_sql(table, &action)
        }
        Op::CreateIndex {
            table,
            index,
            concurrently,
            if_not_exists,
        } => create_index_sql(table, index, *concurrently, *if_not_exists),
        Op::DropIndex {
            table,
            index,
            concurrently,
            if_exists: yes,
        } => format!(
            "DROP INDEX {}{}{}",
            if *concurrently { "CONCURRENTLY " } else { "" },
            if_exists(*yes),
            index_name_in_schema(table, &index.name)
        ),
        Op::RenameIndex { table, from, to } => format!(
            "ALTER INDEX {} RENAME TO {}",
            index_name_in_schema(table, from),
            q(D, to)
        ),
        Op::AddPrimaryKey { table, primary_key } => {
            alter_sql(table, &format!("ADD {}", pk_clause(D, primary_key)))
        }
        Op::AddUnique { table, unique } => {
            alter_sql(table, &format!("ADD {}", unique_clause(D, unique)))
        }
        Op::AddCheck {
            table,
            check,
            not_valid,
        } => alter_sql(
            table,
            &format!(
                "ADD {}{}",
                check_clause(D, check),
                not_valid_clause(*not_valid)
            ),
        ),
        Op::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } => alter_sql(
            table,
            &format!(
                "ADD {}{}",
                fk_clause(D, foreign_key),
                not_valid_clause(*not_valid)
            ),
        ),
        Op::ValidateConstraint { table, name } => {
            alter_sql(table, &format!("VALIDATE CONSTRAINT {}", q(D, name)))
        }
        Op::DropConstraint {
            table,
            name,
            if_exists: yes,
            ..
        } => alter_sql(
            table,
            &format!("DROP CONSTRAINT {}{}", if_exists(*yes), q(D, name)),
        ),
        Op::TableComment { table, comment } => format!(
            "COMMENT ON TABLE {} IS {}",
            qn(D, table),
            comment_literal(D, comment)
        ),
        Op::ColumnComment { table, column } => format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            qn(D, table),
            q(D, &column.name),
            comment_literal(D, &column.comment)
        ),
        Op::CreateTable { .. }
        | Op::ChangeColumn { .. }
        | Op::AlterTableOptions { .. }
        | Op::WithAlgorithm { .. }
        | Op::Rebuild { .. }
        | Op::InRebuild => return None,
    })
}

fn not_valid_clause(not_valid: bool) -> &'static str {
    if not_valid { " NOT VALID" } else { "" }
}

/// `value` (SQL of type `from`) converted to `to`: enums and booleans go through text.
pub(crate) fn convert(value: &str, from: &Type, to: &Type) -> String {
    let new_type = type_sql(D, to);
    let via_text = matches!(to, Type::Enum { .. })
        || matches!(from, Type::Enum { .. })
        || *from == Type::Boolean;
    if via_text && to.is_textual() {
        format!("{value}::text")
    } else if via_text {
        format!("{value}::text::{new_type}")
    } else {
        format!("{value}::{new_type}")
    }
}

/// Whether a value of `from` converts to `to` without an explicit USING clause.
pub(crate) fn casts_implicitly(from: &Type, to: &Type) -> bool {
    let text = |t: &Type| t.is_textual();
    (from.is_numeric() && to.is_numeric())
        || (text(from) && text(to))
        || matches!(
            (from, to),
            (Type::Timestamp { .. }, Type::Timestamp { .. })
                | (Type::Time { .. }, Type::Time { .. })
        )
        || matches!((from, to), (Type::Date, Type::Timestamp { .. }))
        || matches!(
            (from, to),
            (Type::Json, Type::Jsonb) | (Type::Jsonb, Type::Json)
        )
}

fn alter_column(ctx: &mut Context, table: &QName, from: &Column, to: &Column) -> Vec<Statement> {
    let mut out = Vec::new();
    let col = q(D, &to.name);
    if from.generated != to.generated && (from.generated.is_some() || to.generated.is_some()) {
        // A generation expression cannot be altered in place: the column is re-created (its values are derived).
        out.push(alter(table, format!("DROP COLUMN {col}")));
        out.push(alter(
            table,
            format!("ADD COLUMN {}", column_def(D, table, to, &ctx.to.sequences)),
        ));
        if to.comment.is_some() {
            out.push(column_comment(table, to));
        }
        return out;
    }
    let type_changes = from.ty != to.ty || from.collation != to.collation;
    let default_changes = from.default != to.default;
    let from_owned = owned_sequence(ctx.from, &from.default).cloned();
    let to_owned = owned_sequence(ctx.to, &to.default).cloned();
    // A serial's own sequence follows its column (renames, type): the default itself stays.
    let same_owned_sequence = from_owned.is_some() && to_owned.is_some();
    if let (Some(a), Some(b)) = (&from_owned, &to_owned) {
        if a != b {
            out.push(Statement::new(format!(
                "ALTER SEQUENCE {} RENAME TO {}",
                qn(D, a),
                q(D, &b.name)
            )));
        }
        if from.ty != to.ty
            && let Type::Integer { bits, .. } = to.ty
        {
            let as_type = match bits {
                16 => "smallint",
                32 => "integer",
                _ => "bigint",
            };
            out.push(Statement::new(format!(
                "ALTER SEQUENCE {} AS {as_type}",
                qn(D, b)
            )));
        }
    }
    let drop_sequence = from_owned.filter(|_| !same_owned_sequence);
    // A new default simply replaces the old one; dropping it first is needed only when the old
    // one cannot survive the type change or its sequence goes away.
    if from.default.is_some()
        && !same_owned_sequence
        && (type_changes || (default_changes && to.default.is_none()) || drop_sequence.is_some())
    {
        let mut dropped = from.clone();
        dropped.default = None;
        out.push(written(Op::AlterColumn {
            table: table.clone(),
            from: from.clone(),
            to: dropped,
            part: AlterPart::Default,
        }));
    }
    if from.identity.is_some() && to.identity.is_none() {
        out.push(alter(table, format!("ALTER COLUMN {col} DROP IDENTITY")));
    }
    if let Some(seq) = drop_sequence {
        out.push(Statement::new(format!("DROP SEQUENCE {}", qn(D, &seq))));
    }
    if type_changes {
        let using = (from.ty != to.ty && !casts_implicitly(&from.ty, &to.ty))
            .then(|| convert(&col, &from.ty, &to.ty));
        let statement = alter(table, alter_type_action(to, &using));
        out.push(if to.collation.is_none() && from.collation.is_none() {
            statement.with_op(Op::AlterColumn {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
                part: AlterPart::Type { using },
            })
        } else {
            statement
        });
    }
    if let Some(default) = &to.default
        && (default_changes || type_changes)
        && !same_owned_sequence
    {
        if let Some(seq) = to_owned.as_ref() {
            out.extend(create_owned_sequence(ctx, table, to, seq));
            out.append(&mut ctx.deferred);
            out.push(alter(
                table,
                format!(
                    "ALTER COLUMN {col} SET DEFAULT {}",
                    column_default_sql(D, &to.ty, default)
                ),
            ));
            out.push(Statement::new(format!(
                "SELECT setval({}, COALESCE((SELECT max({col}) FROM {}), 0) + 1, false)",
                quote_string(D, &qn(D, seq)),
                qn(D, table)
            )));
        } else {
            out.push(written(Op::AlterColumn {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
                part: AlterPart::Default,
            }));
        }
    }
    if from.nullable != to.nullable && !(to.identity.is_some() && from.identity.is_none()) {
        out.push(written(Op::AlterColumn {
            table: table.clone(),
            from: from.clone(),
            to: to.clone(),
            part: AlterPart::Nullable,
        }));
    }
    match (from.identity, to.identity) {
        (None, Some(identity)) => {
            if from.nullable {
                out.push(alter(table, format!("ALTER COLUMN {col} SET NOT NULL")));
            }
            let kind = if identity == Identity::Always {
                "ALWAYS"
            } else {
                "BY DEFAULT"
            };
            let options = to
                .identity_options
                .map(|o| format!(" (START WITH {} INCREMENT BY {})", o.start, o.increment))
                .unwrap_or_default();
            out.push(alter(
                table,
                format!("ALTER COLUMN {col} ADD GENERATED {kind} AS IDENTITY{options}"),
            ));
            out.push(Statement::new(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE((SELECT max({col}) FROM {}), 0) + 1, false)",
                quote_string(D, &qn(D, table)),
                quote_string(D, &to.name),
                qn(D, table)
            )));
        }
        (Some(a), Some(b)) => {
            if a != b {
                let kind = if b == Identity::Always {
                    "ALWAYS"
                } else {
                    "BY DEFAULT"
                };
                out.push(alter(
                    table,
                    format!("ALTER COLUMN {col} SET GENERATED {kind}"),
                ));
            }
            if from.identity_options != to.identity_options {
                let options = to.identity_options.unwrap_or(IdentityOptions {
                    start: 1,
                    increment: 1,
                });
                out.push(alter(
                    table,
                    format!(
                        "ALTER COLUMN {col} SET START WITH {} SET INCREMENT BY {}",
                        options.start, options.increment
                    ),
                ));
            }
        }
        _ => {}
    }
    if from.comment != to.comment {
        out.push(column_comment(table, to));
    }
    out
}

fn sequence_options(sequence: &Sequence) -> String {
    let as_type = match sequence.data_type {
        Type::Integer { bits: 16, .. } => "smallint",
        Type::Integer { bits: 32, .. } => "integer",
        _ => "bigint",
    };
    format!(
        "AS {as_type} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}",
        sequence.increment,
        sequence.min_value,
        sequence.max_value,
        sequence.start,
        sequence.cache,
        if sequence.cycle { "CYCLE" } else { "NO CYCLE" }
    )
}

fn enum_values(values: &[String]) -> String {
    values
        .iter()
        .map(|v| quote_string(D, v))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create_view(view: &View) -> Statement {
    let columns = if view.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", column_list(D, &view.columns))
    };
    Statement::new(
        format!(
            "CREATE {}VIEW {}{columns} AS {}",
            if view.materialized {
                "MATERIALIZED "
            } else {
                ""
            },
            qn(D, &view.name),
            view.definition,
        ) + &super::check_option_clause(view),
    )
}

pub(crate) fn change(ctx: &mut Context, change: &Change) -> Vec<Statement> {
    let one = |sql: String| vec![Statement::new(sql)];
    match change {
        Change::CreateTrigger { trigger, .. } => one(trigger.sql.clone()),
        Change::DropTrigger { table, trigger } => one(format!(
            "DROP TRIGGER {} ON {}",
            q(D, &trigger.name),
            qn(D, table)
        )),
        Change::CreateSchema { name } => one(format!("CREATE SCHEMA {}", q(D, name))),
        Change::DropSchema { name } => one(format!("DROP SCHEMA {}", q(D, name))),
        Change::CreateExtension { extension } => {
            let schema = extension
                .schema
                .as_ref()
                .map(|s| format!(" SCHEMA {}", q(D, s)))
                .unwrap_or_default();
            one(format!(
                "CREATE EXTENSION IF NOT EXISTS {}{schema}",
                q(D, &extension.name)
            ))
        }
        Change::DropExtension { extension } => {
            one(format!("DROP EXTENSION {}", q(D, &extension.name)))
        }
        Change::CreateEnum { enum_type } => {
            let mut out = one(format!(
                "CREATE TYPE {} AS ENUM ({})",
                qn(D, &enum_type.name),
                enum_values(&enum_type.values)
            ));
            if enum_type.comment.is_some() {
                out.push(Statement::new(format!(
                    "COMMENT ON TYPE {} IS {}",
                    qn(D, &enum_type.name),
                    comment_literal(D, &enum_type.comment)
                )));
            }
            out
        }
        Change::DropEnum { enum_type } => one(format!("DROP TYPE {}", qn(D, &enum_type.name))),
        Change::AddEnumValue {
            name,
            value,
            before,
        } => {
            // The position is always spelled out: without one the value goes last, which is
            // right only while nothing else is added in the same migration.
            let previous = ctx.to.enums.get(name).and_then(|e| {
                let at = e.values.iter().position(|v| v == value)?;
                at.checked_sub(1).map(|p| e.values[p].clone())
            });
            let position = match (before, previous) {
                (Some(b), _) => format!(" BEFORE {}", quote_string(D, b)),
                (None, Some(p)) => format!(" AFTER {}", quote_string(D, &p)),
                (None, None) => String::new(),
            };
            // A value added in a transaction cannot be used until that transaction commits.
            vec![Statement::outside_transaction(format!(
                "ALTER TYPE {} ADD VALUE {}{position}",
                qn(D, name),
                quote_string(D, value)
            ))]
        }
        Change::RecreateEnum { from, to, columns } => {
            let old = QName::qualified(
                to.name.schema.clone(),
                format!("{}__migen_old", to.name.name),
            );
            let mut out = one(format!(
                "ALTER TYPE {} RENAME TO {}",
                qn(D, &from.name),
                q(D, &old.name)
            ));
            out.push(Statement::new(format!(
                "CREATE TYPE {} AS ENUM ({})",
                qn(D, &to.name),
                enum_values(&to.values)
            )));
            for (table, column) in columns.clone() {
                let Some(col) = ctx.to.tables.get(&table).and_then(|t| t.column(&column)) else {
                    continue;
                };
                let old_default = ctx
                    .from
                    .tables
                    .get(&table)
                    .and_then(|t| t.column(&column))
                    .and_then(|c| c.default.clone());
                let had_default = old_default.is_some();
                // The column as it stands: on the old type (renamed above), default dropped.
                let mut on_old = col.clone();
                on_old.ty = Type::Enum { name: old.clone() };
                on_old.default = None;
                let mut with_old_default = on_old.clone();
                with_old_default.default = old_default;
                if had_default {
                    out.push(
                        alter(
                            &table,
                            format!("ALTER COLUMN {} DROP DEFAULT", q(D, &column)),
                        )
                        .with_op(Op::AlterColumn {
                            table: table.clone(),
                            from: with_old_default,
                            to: on_old.clone(),
                            part: AlterPart::Default,
                        }),
                    );
                }
                let new_type = type_sql(D, &col.ty);
                let using = format!("{}::text::{new_type}", q(D, &column));
                let mut retyped = col.clone();
                retyped.default = None;
                out.push(
                    alter(
                        &table,
                        format!(
                            "ALTER COLUMN {} TYPE {new_type} USING {using}",
                            q(D, &column)
                        ),
                    )
                    .with_op(Op::AlterColumn {
                        table: table.clone(),
                        from: on_old,
                        to: retyped.clone(),
                        part: AlterPart::Type { using: Some(using) },
                    }),
                );
                if let Some(default) = &col.default {
                    out.push(
                        alter(
                            &table,
                            format!(
                                "ALTER COLUMN {} SET DEFAULT {}",
                                q(D, &column),
                                column_default_sql(D, &col.ty, default)
                            ),
                        )
                        .with_op(Op::AlterColumn {
                            table: table.clone(),
                            from: retyped,
                            to: col.clone(),
                            part: AlterPart::Default,
                        }),
                    );
                }
            }
            // Columns on their way out (dropped, or retyped later in the script) still use the old
            // type; it goes once nothing does.
            ctx.last
                .push(Statement::new(format!("DROP TYPE {}", qn(D, &old))));
            out
        }
        Change::AlterEnumComment { name, comment } => one(format!(
            "COMMENT ON TYPE {} IS {}",
            qn(D, name),
            comment_literal(D, comment)
        )),
        Change::CreateSequence { sequence } => {
            if let Some((table, column)) = &sequence.owned_by {
                ctx.deferred.push(Statement::new(format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    qn(D, &sequence.name),
                    qn(D, table),
                    q(D, column)
                )));
            }
            one(format!(
                "CREATE SEQUENCE {} {}",
                qn(D, &sequence.name),
                sequence_options(sequence)
            ))
        }
        Change::DropSequence { sequence } => {
            one(format!("DROP SEQUENCE {}", qn(D, &sequence.name)))
        }
        Change::AlterSequence { from, to } => {
            let mut out = one(format!(
                "ALTER SEQUENCE {} {}",
                qn(D, &to.name),
                sequence_options(to)
            ));
            if from.start != to.start {
                out.push(Statement::new(format!(
                    "ALTER SEQUENCE {} RESTART WITH {}",
                    qn(D, &to.name),
                    to.start
                )));
            }
            if from.owned_by != to.owned_by {
                let owner = match &to.owned_by {
                    Some((table, column)) => format!("{}.{}", qn(D, table), q(D, column)),
                    None => "NONE".into(),
                };
                ctx.deferred.push(Statement::new(format!(
                    "ALTER SEQUENCE {} OWNED BY {owner}",
                    qn(D, &to.name)
                )));
            }
            out
        }
        Change::CreateTable { table } => create_table(ctx, table),
        Change::DropTable { table } => vec![written(Op::DropTable {
            table: table.name.clone(),
        })],
        Change::RenameTable { from, to } => {
            let mut out = Vec::new();
            let mut current = from.clone();
            if from.schema != to.schema {
                let schema = to.schema.clone().unwrap_or_else(|| "public".into());
                out.push(alter(&current, format!("SET SCHEMA {}", q(D, &schema))));
                current.schema = to.schema.clone();
            }
            if current.name != to.name {
                out.push(written(Op::RenameTable {
                    from: current.clone(),
                    to: to.clone(),
                }));
            }
            out
        }
        Change::AddColumn { table, column } => {
            let mut out = Vec::new();
            if let Some(seq) = explicit_sequence(ctx, table, column) {
                out.extend(create_owned_sequence(ctx, table, column, &seq));
            }
            // A serial column's sequence is SQL's business: Alembic has no spelling for it.
            let plain = serial_type(table, column, &ctx.to.sequences).is_none() && out.is_empty();
            let mut bare = column.clone();
            bare.comment = None;
            out.push(if plain {
                written(Op::AddColumn {
                    table: table.clone(),
                    column: bare,
                    if_not_exists: false,
                })
            } else {
                alter(
                    table,
                    format!(
                        "ADD COLUMN {}",
                        column_def(D, table, column, &ctx.to.sequences)
                    ),
                )
            });
            out.append(&mut ctx.deferred);
            if column.comment.is_some() {
                out.push(column_comment(table, column));
            }
            out
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
        Change::AlterColumn { table, from, to } => alter_column(ctx, table, from, to),
        Change::AddPrimaryKey { table, primary_key } => vec![written(Op::AddPrimaryKey {
            table: table.clone(),
            primary_key: primary_key.clone(),
        })],
        Change::DropPrimaryKey { table, primary_key } => {
            let name = primary_key
                .name
                .clone()
                .unwrap_or_else(|| make_object_name(D, &table.name, None, "pkey"));
            vec![written(Op::DropConstraint {
                table: table.clone(),
                name,
                kind: ConstraintType::PrimaryKey,
                if_exists: false,
            })]
        }
        Change::AddForeignKey { table, foreign_key } => vec![add_fk(ctx, table, foreign_key)],
        Change::DropForeignKey { table, foreign_key } => {
            drop_named(table, &foreign_key.name, ConstraintType::ForeignKey)
        }
        Change::AddUnique { table, unique } => vec![written(Op::AddUnique {
            table: table.clone(),
            unique: unique.clone(),
        })],
        Change::DropUnique { table, unique } => {
            drop_named(table, &unique.name, ConstraintType::Unique)
        }
        Change::AddCheck { table, check } => vec![written(Op::AddCheck {
            table: table.clone(),
            check: check.clone(),
            not_valid: false,
        })],
        Change::DropCheck { table, check } => drop_named(table, &check.name, ConstraintType::Check),
        Change::RenameConstraint {
            table,
            constraint,
            from,
            to,
        } => {
            let _: ConstraintKind = *constraint;
            vec![alter(
                table,
                format!("RENAME CONSTRAINT {} TO {}", q(D, from), q(D, to)),
            )]
        }
        Change::AddIndex { table, index } => vec![create_index(table, index)],
        Change::DropIndex { table, index } => vec![written(Op::DropIndex {
            table: table.clone(),
            index: index.clone(),
            concurrently: false,
            if_exists: false,
        })],
        Change::RenameIndex { table, from, to } => vec![written(Op::RenameIndex {
            table: table.clone(),
            from: from.clone(),
            to: to.clone(),
        })],
        Change::AlterTableComment { table, to, .. } => vec![table_comment(table, to)],
        Change::AlterTableOptions { .. } => Vec::new(),
        Change::CreateView { view } => {
            let mut out = vec![create_view(view)];
            if view.comment.is_some() {
                out.push(view_comment(&view.name, view.materialized, &view.comment));
            }
            for index in &view.indexes {
                out.push(create_index(&view.name, index));
            }
            out
        }
        Change::DropView { view } => one(format!(
            "DROP {}VIEW {}",
            if view.materialized {
                "MATERIALIZED "
            } else {
                ""
            },
            qn(D, &view.name)
        )),
        Change::AlterViewComment {
            name,
            materialized,
            comment,
        } => vec![view_comment(name, *materialized, comment)],
    }
}

fn view_comment(name: &QName, materialized: bool, comment: &Option<String>) -> Statement {
    Statement::new(format!(
        "COMMENT ON {}VIEW {} IS {}",
        if materialized { "MATERIALIZED " } else { "" },
        qn(D, name),
        comment_literal(D, comment)
    ))
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
