//! Alembic operations for tagged statements: `op.create_table`, `op.add_column`,
//! `op.alter_column`, `op.create_index`, … with SQLAlchemy types, and on SQLite
//! `op.batch_alter_table` for a table rebuild. Each function returns `None` when Alembic cannot
//! say exactly what migen's SQL says (a MySQL `ON UPDATE`, a custom type, a serial column off
//! the primary key); the revision then keeps that statement as `op.execute`.

use std::collections::BTreeSet;

mod batch;
mod types;

use crate::dialect::index_keys;
use crate::dialect::op::{AlterPart, ConstraintType, Op};
use crate::model::*;
use crate::normalize::column_default_sql;

use batch::batch;
use types::sa_type;

/// The modules a revision's operations use, for its imports.
#[derive(Debug, Default)]
pub(super) struct Imports {
    modules: BTreeSet<&'static str>,
}

impl Imports {
    fn use_module(&mut self, module: &'static str) {
        self.modules.insert(module);
    }

    pub(super) fn extend(&mut self, other: Imports) {
        self.modules.extend(other.modules);
    }

    /// The import lines, `import sqlalchemy as sa` first.
    pub(super) fn lines(&self) -> String {
        let mut out = String::from("import sqlalchemy as sa\n");
        for module in &self.modules {
            out.push_str(&format!("from sqlalchemy.dialects import {module}\n"));
        }
        out
    }
}

/// A Python string literal.
pub(super) fn py(text: &str) -> String {
    // Single quotes as Alembic writes them, double where the text holds a single one.
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// SQL for SQLAlchemy's `text()`: a colon before a name would be a bind parameter, so it is
/// escaped.
pub(super) fn escape_binds(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut escaped = String::with_capacity(sql.len());
    for (i, c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1);
        if *c == ':'
            && !before.is_some_and(|b| b == ':' || b.is_alphanumeric() || b == '_' || b == '\\')
            && after.is_some_and(|a| a.is_alphanumeric() || *a == '_')
        {
            escaped.push('\\');
        }
        escaped.push(*c);
    }
    escaped
}

fn text(sql: &str) -> String {
    format!("sa.text({})", py(&escape_binds(sql)))
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|i| py(i)).collect::<Vec<_>>().join(", ")
    )
}

fn schema_kw(name: &QName) -> String {
    match &name.schema {
        Some(schema) => format!(", schema={}", py(schema)),
        None => String::new(),
    }
}

fn py_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

fn server_default(dialect: Dialect, column: &Column) -> Option<String> {
    column
        .default
        .as_ref()
        .map(|d| text(&column_default_sql(dialect, &column.ty, d)))
}

/// How the column takes part in its table's key, for SQLAlchemy's `autoincrement`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    /// Not the table's only primary key column.
    Other,
    /// The only primary key column, and SQLAlchemy must not make it auto-incrementing.
    Sole,
    /// The only primary key column, auto-incrementing (PostgreSQL serial, MySQL AUTO_INCREMENT).
    SoleAuto,
}

fn key_of(table: Option<&Table>, column: &Column, serial: bool) -> Option<Key> {
    let sole = table
        .and_then(|t| t.primary_key.as_ref())
        .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == column.name);
    match (sole, serial) {
        (true, true) => Some(Key::SoleAuto),
        (true, false) => Some(Key::Sole),
        // SQLAlchemy makes only a sole primary key column auto-incrementing.
        (false, true) => None,
        (false, false) => Some(Key::Other),
    }
}

/// `sa.Column(...)`, or `None` when SQLAlchemy would not write the same definition.
fn sa_column(dialect: Dialect, column: &Column, key: Key, imports: &mut Imports) -> Option<String> {
    // MySQL writes no NULL/NOT NULL on a generated column, SQLAlchemy would.
    if column.on_update.is_some()
        || (column.generated.is_some() && dialect == Dialect::Mysql)
        || (column.identity.is_some() && dialect != Dialect::Postgres)
        || (column.auto_increment && dialect == Dialect::Mysql && key != Key::SoleAuto)
    {
        return None;
    }
    let mut parts = vec![
        py(&column.name),
        sa_type(dialect, &column.ty, column.collation.as_deref(), imports)?,
    ];
    if let Some(identity) = column.identity {
        let mut args = vec![format!("always={}", py_bool(identity == Identity::Always))];
        if let Some(options) = column.identity_options {
            args.push(format!("start={}", options.start));
            args.push(format!("increment={}", options.increment));
        }
        parts.push(format!("sa.Identity({})", args.join(", ")));
    }
    if let Some(generated) = &column.generated {
        parts.push(format!(
            "sa.Computed({}, persisted={})",
            text(&generated.expr),
            py_bool(generated.stored)
        ));
    }
    let integer = column.ty.is_integer();
    match key {
        Key::SoleAuto => parts.push("autoincrement=True".into()),
        Key::Sole if integer && dialect != Dialect::Sqlite && column.identity.is_none() => {
            parts.push("autoincrement=False".into())
        }
        _ => {}
    }
    if (key != Key::SoleAuto || dialect != Dialect::Postgres)
        && let Some(default) =
            server_default(dialect, column).filter(|_| column.generated.is_none())
    {
        parts.push(format!("server_default={default}"));
    }
    parts.push(format!("nullable={}", py_bool(column.nullable)));
    if let Some(comment) = &column.comment {
        parts.push(format!("comment={}", py(comment)));
    }
    Some(format!("sa.Column({})", parts.join(", ")))
}

fn referent(fk: &ForeignKey) -> Vec<String> {
    let table = fk.ref_table.to_string();
    fk.ref_columns
        .iter()
        .map(|c| format!("{table}.{c}"))
        .collect()
}

/// ON DELETE / ON UPDATE, DEFERRABLE as keyword arguments, left out where migen leaves the
/// clause out (the dialect's default action).
fn fk_options(dialect: Dialect, fk: &ForeignKey) -> String {
    let default_action = |action: FkAction| {
        action == FkAction::NoAction || (dialect == Dialect::Mysql && action == FkAction::Restrict)
    };
    let mut out = String::new();
    if !default_action(fk.on_delete) {
        out.push_str(&format!(", ondelete={}", py(fk.on_delete.sql())));
    }
    if !default_action(fk.on_update) {
        out.push_str(&format!(", onupdate={}", py(fk.on_update.sql())));
    }
    if fk.deferrable {
        out.push_str(", deferrable=True");
        if fk.initially_deferred {
            out.push_str(", initially='DEFERRED'");
        }
    }
    out
}

fn name_kw(name: &Option<String>) -> String {
    match name {
        Some(name) => format!(", name={}", py(name)),
        None => String::new(),
    }
}

fn optional(name: &Option<String>) -> String {
    name.as_deref().map(py).unwrap_or_else(|| "None".into())
}

/// The constraint objects of a table, as SQLAlchemy schema items.
fn table_items(dialect: Dialect, table: &Table) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(pk) = &table.primary_key {
        let name = if dialect == Dialect::Mysql {
            String::new()
        } else {
            name_kw(&pk.name)
        };
        items.push(format!(
            "sa.PrimaryKeyConstraint({}{name})",
            pk.columns
                .iter()
                .map(|c| py(c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for unique in &table.uniques {
        items.push(format!(
            "sa.UniqueConstraint({}{})",
            unique
                .columns
                .iter()
                .map(|c| py(c))
                .collect::<Vec<_>>()
                .join(", "),
            name_kw(&unique.name)
        ));
    }
    for check in &table.checks {
        items.push(format!(
            "sa.CheckConstraint({}{})",
            text(&check.expr),
            name_kw(&check.name)
        ));
    }
    for fk in &table.foreign_keys {
        items.push(format!(
            "sa.ForeignKeyConstraint({}, {}{}{})",
            list(&fk.columns),
            list(&referent(fk)),
            name_kw(&fk.name),
            fk_options(dialect, fk)
        ));
    }
    items
}

/// The key list of an index (each a column name, or `sa.text` where a key is more than a
/// column) and its `mysql_length` keyword.
fn index_elements(dialect: Dialect, index: &Index) -> Option<(Vec<String>, String)> {
    let mut elements = Vec::new();
    let mut lengths = Vec::new();
    for key in &index.keys {
        match &key.part {
            IndexPart::Column(column)
                if !key.desc && key.nulls_first.is_none() && key.opclass.is_none() =>
            {
                elements.push(py(column));
                if let Some(length) = key.length {
                    lengths.push(format!("{}: {length}", py(column)));
                }
            }
            _ if key.length.is_some() => return None,
            _ => {
                let one = Index {
                    keys: vec![key.clone()],
                    ..index.clone()
                };
                let sql = index_keys(dialect, &one);
                let inner = &sql[1..sql.len() - 1];
                elements.push(text(inner));
            }
        }
    }
    let mut options = String::new();
    if !lengths.is_empty() {
        options.push_str(&format!(", mysql_length={{{}}}", lengths.join(", ")));
    }
    Some((elements, options))
}

/// Dialect keywords of an index: method, predicate, covering columns.
fn index_options(dialect: Dialect, index: &Index) -> Option<String> {
    let mut out = String::new();
    if index.unique {
        out.push_str(", unique=True");
    }
    match (dialect, index.method.as_deref()) {
        (_, None) => {}
        (Dialect::Postgres, Some(method)) => {
            out.push_str(&format!(", postgresql_using={}", py(method)))
        }
        (Dialect::Mysql, Some("hash")) => out.push_str(", mysql_using='hash'"),
        (Dialect::Mysql, Some("fulltext")) => out.push_str(", mysql_prefix='FULLTEXT'"),
        (Dialect::Mysql, Some("spatial")) => out.push_str(", mysql_prefix='SPATIAL'"),
        _ => return None,
    }
    if let Some(predicate) = &index.predicate {
        match dialect {
            Dialect::Postgres => out.push_str(&format!(", postgresql_where={}", text(predicate))),
            Dialect::Sqlite => out.push_str(&format!(", sqlite_where={}", text(predicate))),
            Dialect::Mysql => return None,
        }
    }
    if !index.include.is_empty() {
        out.push_str(&format!(", postgresql_include={}", list(&index.include)));
    }
    Some(out)
}

fn create_index(dialect: Dialect, table: &QName, index: &Index, extra: &str) -> Option<String> {
    let (elements, lengths) = index_elements(dialect, index)?;
    let options = index_options(dialect, index)?;
    Some(format!(
        "op.create_index({}, {}, [{}]{options}{lengths}{}{extra})",
        py(&index.name),
        py(&table.name),
        elements.join(", "),
        schema_kw(table)
    ))
}

/// Table-level keywords of CREATE TABLE (MySQL options, SQLite rowid), `None` where SQLAlchemy
/// has none.
fn table_options(dialect: Dialect, table: &Table) -> Option<String> {
    let mut out = String::new();
    let options = &table.options;
    if options.strict {
        return None;
    }
    if options.without_rowid {
        out.push_str(", sqlite_with_rowid=False");
    }
    if let Some(engine) = &options.engine {
        out.push_str(&format!(", mysql_engine={}", py(engine)));
    }
    if let Some(charset) = &options.charset {
        out.push_str(&format!(", mysql_charset={}", py(charset)));
    }
    if let Some(collation) = &options.collation {
        out.push_str(&format!(", mysql_collate={}", py(collation)));
    }
    if let Some(comment) = &table.comment {
        out.push_str(&format!(", comment={}", py(comment)));
    }
    let autoincrement = dialect == Dialect::Sqlite
        && table.primary_key.as_ref().is_some_and(|pk| {
            pk.name.is_none()
                && pk.columns.len() == 1
                && table
                    .column(&pk.columns[0])
                    .is_some_and(|c| c.auto_increment)
        });
    if autoincrement {
        // SQLAlchemy writes AUTOINCREMENT only on a key column that is no foreign key.
        let key = &table.primary_key.as_ref()?.columns[0];
        if table.foreign_keys.iter().any(|fk| fk.columns.contains(key)) {
            return None;
        }
        out.push_str(", sqlite_autoincrement=True");
    }
    Some(out)
}

fn create_table(
    dialect: Dialect,
    table: &Table,
    serial_columns: &[String],
    imports: &mut Imports,
) -> Option<Vec<String>> {
    // InnoDB gives a foreign key created without an index one of its own, named after the
    // constraint (or its first column): a CREATE INDEX of that name after the table would clash.
    // migen's SQL writes such indexes inside CREATE TABLE; Alembic cannot.
    if dialect == Dialect::Mysql {
        let auto_named: Vec<&String> = table
            .foreign_keys
            .iter()
            .filter_map(|fk| fk.name.as_ref().or(fk.columns.first()))
            .collect();
        if table.indexes.iter().any(|i| auto_named.contains(&&i.name)) {
            return None;
        }
    }
    let mut args = vec![py(&table.name.name)];
    for column in &table.columns {
        let serial = serial_columns.contains(&column.name)
            || (dialect == Dialect::Mysql && column.auto_increment);
        let key = key_of(Some(table), column, serial)?;
        args.push(sa_column(dialect, column, key, imports)?);
    }
    args.extend(table_items(dialect, table));
    let options = table_options(dialect, table)?;
    let mut lines = vec![format!(
        "op.create_table(\n    {}{}{options},\n)",
        args.join(",\n    "),
        schema_kw(&table.name)
    )];
    for index in &table.indexes {
        lines.push(create_index(dialect, &table.name, index, "")?);
    }
    Some(lines)
}

fn constraint_type(kind: ConstraintType) -> &'static str {
    match kind {
        ConstraintType::PrimaryKey => "primary",
        ConstraintType::ForeignKey => "foreignkey",
        ConstraintType::Unique => "unique",
        ConstraintType::Check => "check",
    }
}

/// `existing_*` keywords: what Alembic needs to restate a column (MySQL's MODIFY and CHANGE
/// write the whole definition).
fn existing(dialect: Dialect, column: &Column, imports: &mut Imports) -> Option<String> {
    let mut out = format!(
        ", existing_type={}, existing_nullable={}",
        sa_type(dialect, &column.ty, column.collation.as_deref(), imports)?,
        py_bool(column.nullable)
    );
    if let Some(default) = server_default(dialect, column) {
        out.push_str(&format!(", existing_server_default={default}"));
    }
    if dialect == Dialect::Mysql {
        if let Some(comment) = &column.comment {
            out.push_str(&format!(", existing_comment={}", py(comment)));
        }
        if column.auto_increment {
            out.push_str(", existing_autoincrement=True");
        }
    }
    Some(out)
}

/// Columns Alembic's alter_column cannot restate on MySQL (it would lose the clause).
fn restatable(dialect: Dialect, column: &Column) -> bool {
    dialect != Dialect::Mysql || (column.on_update.is_none() && column.generated.is_none())
}

fn alter_column(
    dialect: Dialect,
    table: &QName,
    from: &Column,
    to: &Column,
    part: &AlterPart,
    imports: &mut Imports,
) -> Option<String> {
    if !restatable(dialect, from) || !restatable(dialect, to) {
        return None;
    }
    let changes = match part {
        AlterPart::Nullable => format!(", nullable={}", py_bool(to.nullable)),
        AlterPart::Type { using } => {
            let mut out = format!(
                ", type_={}",
                sa_type(dialect, &to.ty, to.collation.as_deref(), imports)?
            );
            if let Some(using) = using {
                // Alembic writes USING as given, not through text().
                out.push_str(&format!(", postgresql_using={}", py(using)));
            }
            out
        }
        AlterPart::Default => format!(
            ", server_default={}",
            server_default(dialect, to).unwrap_or_else(|| "None".into())
        ),
        AlterPart::Whole => {
            if from.auto_increment != to.auto_increment {
                return None;
            }
            let mut out = format!(
                ", type_={}, nullable={}, server_default={}",
                sa_type(dialect, &to.ty, to.collation.as_deref(), imports)?,
                py_bool(to.nullable),
                server_default(dialect, to).unwrap_or_else(|| "None".into())
            );
            if dialect == Dialect::Mysql {
                out.push_str(&format!(", comment={}", optional(&to.comment)));
            }
            out
        }
    };
    Some(format!(
        "op.alter_column({}, {}{changes}{}{})",
        py(&table.name),
        py(&from.name),
        existing(dialect, from, imports)?,
        schema_kw(table)
    ))
}

/// The operation for one statement, as lines of Python (without indentation), or `None` when
/// the statement stays SQL.
pub(super) fn render(dialect: Dialect, op: &Op, imports: &mut Imports) -> Option<Vec<String>> {
    let one = |line: String| Some(vec![line]);
    match op {
        Op::CreateTable {
            table,
            serial_columns,
        } => create_table(dialect, table, serial_columns, imports),
        Op::DropTable { table } => one(format!(
            "op.drop_table({}{})",
            py(&table.name),
            schema_kw(table)
        )),
        Op::RenameTable { from, to } if from.schema == to.schema => one(format!(
            "op.rename_table({}, {}{})",
            py(&from.name),
            py(&to.name),
            schema_kw(from)
        )),
        Op::AddColumn {
            table,
            column,
            if_not_exists,
        } => one(format!(
            "op.add_column({}, {}{}{})",
            py(&table.name),
            sa_column(dialect, column, Key::Other, imports)?,
            schema_kw(table),
            flag(*if_not_exists, "if_not_exists")
        )),
        Op::DropColumn {
            table,
            column,
            if_exists,
        } => one(format!(
            "op.drop_column({}, {}{}{})",
            py(&table.name),
            py(&column.name),
            schema_kw(table),
            flag(*if_exists, "if_exists")
        )),
        Op::RenameColumn { table, column, to } if restatable(dialect, column) => one(format!(
            "op.alter_column({}, {}, new_column_name={}{}{})",
            py(&table.name),
            py(&column.name),
            py(to),
            existing(dialect, column, imports)?,
            schema_kw(table)
        )),
        Op::AlterColumn {
            table,
            from,
            to,
            part,
        } => one(alter_column(dialect, table, from, to, part, imports)?),
        Op::CreateIndex {
            table,
            index,
            concurrently,
            if_not_exists,
        } => {
            let extra = format!(
                "{}{}",
                flag(*concurrently, "postgresql_concurrently"),
                flag(*if_not_exists, "if_not_exists")
            );
            one(create_index(dialect, table, index, &extra)?)
        }
        Op::DropIndex {
            table,
            index,
            concurrently,
            if_exists,
        } => one(format!(
            "op.drop_index({}, table_name={}{}{}{})",
            py(&index.name),
            py(&table.name),
            schema_kw(table),
            flag(*concurrently, "postgresql_concurrently"),
            flag(*if_exists, "if_exists")
        )),
        Op::AddPrimaryKey { table, primary_key } => one(format!(
            "op.create_primary_key({}, {}, {}{})",
            optional(&primary_key.name),
            py(&table.name),
            list(&primary_key.columns),
            schema_kw(table)
        )),
        Op::AddUnique { table, unique } => one(format!(
            "op.create_unique_constraint({}, {}, {}{})",
            optional(&unique.name),
            py(&table.name),
            list(&unique.columns),
            schema_kw(table)
        )),
        Op::AddCheck {
            table,
            check,
            not_valid,
        } => one(format!(
            "op.create_check_constraint({}, {}, {}{}{})",
            optional(&check.name),
            py(&table.name),
            text(&check.expr),
            schema_kw(table),
            not_valid_kw(dialect, *not_valid)?
        )),
        Op::AddForeignKey {
            table,
            foreign_key,
            not_valid,
        } => {
            let mut schemas = String::new();
            if let Some(schema) = &table.schema {
                schemas.push_str(&format!(", source_schema={}", py(schema)));
            }
            if let Some(schema) = &foreign_key.ref_table.schema {
                schemas.push_str(&format!(", referent_schema={}", py(schema)));
            }
            one(format!(
                "op.create_foreign_key({}, {}, {}, {}, {}{}{schemas}{})",
                optional(&foreign_key.name),
                py(&table.name),
                py(&foreign_key.ref_table.name),
                list(&foreign_key.columns),
                list(&foreign_key.ref_columns),
                fk_options(dialect, foreign_key),
                not_valid_kw(dialect, *not_valid)?
            ))
        }
        Op::DropConstraint {
            table,
            name,
            kind,
            if_exists,
        } => one(format!(
            "op.drop_constraint({}, {}, type_={}{}{})",
            py(name),
            py(&table.name),
            py(constraint_type(*kind)),
            schema_kw(table),
            flag(*if_exists, "if_exists")
        )),
        Op::TableComment { table, comment } => one(match comment {
            Some(comment) => format!(
                "op.create_table_comment({}, {}{})",
                py(&table.name),
                py(comment),
                schema_kw(table)
            ),
            None => format!(
                "op.drop_table_comment({}{})",
                py(&table.name),
                schema_kw(table)
            ),
        }),
        Op::ColumnComment { table, column } if dialect == Dialect::Postgres => one(format!(
            "op.alter_column({}, {}, comment={}, existing_type={}{})",
            py(&table.name),
            py(&column.name),
            optional(&column.comment),
            sa_type(dialect, &column.ty, column.collation.as_deref(), imports)?,
            schema_kw(table)
        )),
        Op::Rebuild { from, to } => batch(dialect, from, to, imports),
        // Alembic has no operation for these (nor a keyword for MySQL's ALGORITHM clause).
        Op::RenameIndex { .. }
        | Op::ValidateConstraint { .. }
        | Op::ChangeColumn { .. }
        | Op::AlterTableOptions { .. }
        | Op::WithAlgorithm { .. }
        | Op::InRebuild => None,
        // Operations Alembic has, but not as migen writes them here.
        Op::RenameTable { .. } | Op::RenameColumn { .. } | Op::ColumnComment { .. } => None,
    }
}

/// `, name=True` when `on`.
fn flag(on: bool, name: &str) -> String {
    if on {
        format!(", {name}=True")
    } else {
        String::new()
    }
}

/// PostgreSQL's NOT VALID as SQLAlchemy's `postgresql_not_valid`; `None` elsewhere, where
/// migen never writes it.
fn not_valid_kw(dialect: Dialect, not_valid: bool) -> Option<String> {
    match (not_valid, dialect) {
        (false, _) => Some(String::new()),
        (true, Dialect::Postgres) => Some(flag(true, "postgresql_not_valid")),
        (true, _) => None,
    }
}

#[cfg(test)]
mod tests;
