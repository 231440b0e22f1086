//! Alembic operations for tagged statements: `op.create_table`, `op.add_column`,
//! `op.alter_column`, `op.create_index`, … with SQLAlchemy types, and on SQLite
//! `op.batch_alter_table` for a table rebuild. Each function returns `None` when Alembic cannot
//! say exactly what migen's SQL says (a MySQL `ON UPDATE`, a custom type, a serial column off
//! the primary key); the revision then keeps that statement as `op.execute`.

use std::collections::BTreeSet;

use crate::dialect::index_keys;
use crate::dialect::op::{AlterPart, ConstraintType, Op};
use crate::model::*;
use crate::normalize::column_default_sql;

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

/// The SQLAlchemy type that DDL spells as migen does, or `None` when there is none.
fn sa_type(
    dialect: Dialect,
    ty: &Type,
    collation: Option<&str>,
    imports: &mut Imports,
) -> Option<String> {
    let pg = dialect == Dialect::Postgres;
    let mysql = dialect == Dialect::Mysql;
    let sized = |name: &str, len: &Option<u32>| match len {
        Some(n) => format!("sa.{name}({n})"),
        None => format!("sa.{name}()"),
    };
    let values = |values: &[String]| values.iter().map(|v| py(v)).collect::<Vec<_>>().join(", ");
    let mut with_module = |module: &'static str, expr: String| {
        imports.use_module(module);
        expr
    };
    let text_type = |base: &str, arg: Option<u32>| -> String {
        let mut args: Vec<String> = arg.map(|n| n.to_string()).into_iter().collect();
        if let Some(collation) = collation {
            args.push(format!("collation={}", py(collation)));
        }
        format!("sa.{base}({})", args.join(", "))
    };
    if collation.is_some() && !ty.is_textual() && !matches!(ty, Type::Custom { .. }) {
        return None;
    }
    Some(match ty {
        Type::Boolean => "sa.Boolean()".into(),
        Type::Integer { bits, unsigned } if mysql && (*unsigned || matches!(bits, 8 | 24)) => {
            let name = match bits {
                8 => "TINYINT",
                16 => "SMALLINT",
                24 => "MEDIUMINT",
                32 => "INTEGER",
                _ => "BIGINT",
            };
            let args = if *unsigned { "unsigned=True" } else { "" };
            with_module("mysql", format!("mysql.{name}({args})"))
        }
        Type::Integer { bits, .. } => match bits {
            8 | 16 => "sa.SmallInteger()".into(),
            24 | 32 => "sa.Integer()".into(),
            _ => "sa.BigInteger()".into(),
        },
        Type::Decimal { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("sa.Numeric({p}, {s})"),
            (Some(p), None) => format!("sa.Numeric({p})"),
            _ => "sa.Numeric()".into(),
        },
        Type::Float { bits: 32 } if mysql => "sa.Float()".into(),
        Type::Float { bits: 32 } => "sa.REAL()".into(),
        Type::Float { .. } => "sa.Double()".into(),
        Type::Char { len } => text_type("CHAR", *len),
        Type::Varchar { len } => text_type("String", *len),
        Type::Text { size } => {
            let collate = collation
                .map(|c| format!("collation={}", py(c)))
                .unwrap_or_default();
            match (mysql, size) {
                (true, LobSize::Tiny) => with_module("mysql", format!("mysql.TINYTEXT({collate})")),
                (true, LobSize::Medium) => {
                    with_module("mysql", format!("mysql.MEDIUMTEXT({collate})"))
                }
                (true, LobSize::Long) => with_module("mysql", format!("mysql.LONGTEXT({collate})")),
                _ => text_type("Text", None),
            }
        }
        Type::Blob { size } => match (mysql, size) {
            (true, LobSize::Tiny) => with_module("mysql", "mysql.TINYBLOB()".into()),
            (true, LobSize::Medium) => with_module("mysql", "mysql.MEDIUMBLOB()".into()),
            (true, LobSize::Long) => with_module("mysql", "mysql.LONGBLOB()".into()),
            _ => "sa.LargeBinary()".into(),
        },
        Type::Binary { len } => sized("BINARY", len),
        Type::Varbinary { len } => sized("VARBINARY", len),
        Type::Date => "sa.Date()".into(),
        Type::Time { tz, precision } => match (dialect, precision) {
            (Dialect::Postgres, Some(p)) => with_module(
                "postgresql",
                format!("postgresql.TIME(timezone={}, precision={p})", py_bool(*tz)),
            ),
            (Dialect::Mysql, Some(p)) if !tz => {
                with_module("mysql", format!("mysql.TIME(fsp={p})"))
            }
            (_, None) if *tz && !pg => return None,
            (_, None) => format!("sa.TIME(timezone={})", py_bool(*tz)),
            _ => return None,
        },
        Type::Timestamp { tz, precision } => match (dialect, precision) {
            (Dialect::Postgres, Some(p)) => with_module(
                "postgresql",
                format!(
                    "postgresql.TIMESTAMP(timezone={}, precision={p})",
                    py_bool(*tz)
                ),
            ),
            (Dialect::Mysql, Some(p)) if !tz => {
                with_module("mysql", format!("mysql.TIMESTAMP(fsp={p})"))
            }
            (_, None) if *tz && !pg => return None,
            (_, None) => format!("sa.TIMESTAMP(timezone={})", py_bool(*tz)),
            _ => return None,
        },
        Type::Datetime { precision } => match (dialect, precision) {
            (Dialect::Mysql, Some(p)) => with_module("mysql", format!("mysql.DATETIME(fsp={p})")),
            (_, None) => "sa.DATETIME()".into(),
            _ => return None,
        },
        Type::Year if mysql => with_module("mysql", "mysql.YEAR()".into()),
        Type::Interval if pg => with_module("postgresql", "postgresql.INTERVAL()".into()),
        Type::Json => "sa.JSON()".into(),
        Type::Jsonb if pg => with_module("postgresql", "postgresql.JSONB()".into()),
        Type::Uuid => "sa.UUID()".into(),
        Type::Enum { name } if pg => {
            let schema = name
                .schema
                .as_ref()
                .map(|s| format!(", schema={}", py(s)))
                .unwrap_or_default();
            // The type is created and dropped by statements of its own.
            with_module(
                "postgresql",
                format!(
                    "postgresql.ENUM(name={}{schema}, create_type=False)",
                    py(&name.name)
                ),
            )
        }
        Type::InlineEnum { values: v } if mysql => {
            with_module("mysql", format!("mysql.ENUM({})", values(v)))
        }
        Type::Set { values: v } if mysql => {
            with_module("mysql", format!("mysql.SET({})", values(v)))
        }
        Type::Array { element } if pg => {
            let element = sa_type(dialect, element, None, imports)?;
            imports.use_module("postgresql");
            format!("postgresql.ARRAY({element})")
        }
        Type::Custom { name } => declared_type(name, collation)?,
        _ => return None,
    })
}

/// A type kept as its declared text (SQLite keeps any type name): the SQLAlchemy type of the
/// same name, where SQLAlchemy spells it just so.
fn declared_type(declared: &str, collation: Option<&str>) -> Option<String> {
    let (name, args) = match declared.split_once('(') {
        Some((name, rest)) => (name.trim(), Some(rest.strip_suffix(')')?)),
        None => (declared.trim(), None),
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let (class, sized, textual) = match name.to_ascii_lowercase().as_str() {
        "integer" => ("INTEGER", false, false),
        "smallint" => ("SMALLINT", false, false),
        "bigint" => ("BIGINT", false, false),
        "varchar" => ("VARCHAR", true, true),
        "char" => ("CHAR", true, true),
        "nchar" => ("NCHAR", true, true),
        "nvarchar" => ("NVARCHAR", true, true),
        "text" => ("TEXT", false, true),
        "clob" => ("CLOB", false, true),
        "blob" => ("BLOB", false, false),
        "boolean" => ("BOOLEAN", false, false),
        "date" => ("DATE", false, false),
        "datetime" => ("DATETIME", false, false),
        "time" => ("TIME", false, false),
        "timestamp" => ("TIMESTAMP", false, false),
        "float" => ("FLOAT", true, false),
        "real" => ("REAL", false, false),
        "double" => ("DOUBLE", false, false),
        "double precision" => ("DOUBLE_PRECISION", false, false),
        "numeric" => ("NUMERIC", true, false),
        "decimal" => ("DECIMAL", true, false),
        "json" => ("JSON", false, false),
        "uuid" => ("UUID", false, false),
        "binary" => ("BINARY", true, false),
        "varbinary" => ("VARBINARY", true, false),
        _ => return None,
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(args) = args {
        // Only NUMERIC and DECIMAL take a second number (the scale) as SQL does.
        let most = if matches!(class, "NUMERIC" | "DECIMAL") {
            2
        } else {
            1
        };
        if !sized || args.split(',').count() > most {
            return None;
        }
        for arg in args.split(',') {
            let arg = arg.trim();
            arg.parse::<u32>().ok()?;
            parts.push(arg.to_string());
        }
    }
    if let Some(collation) = collation {
        if !textual {
            return None;
        }
        parts.push(format!("collation={}", py(collation)));
    }
    Some(format!("sa.{class}({})", parts.join(", ")))
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
    if key != Key::SoleAuto || dialect != Dialect::Postgres {
        if let Some(default) =
            server_default(dialect, column).filter(|_| column.generated.is_none())
        {
            parts.push(format!("server_default={default}"));
        }
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

/// The key list of an index: column names, or `sa.text` where a key is more than a column.
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
            idempotent,
        } => one(format!(
            "op.add_column({}, {}{}{})",
            py(&table.name),
            sa_column(dialect, column, Key::Other, imports)?,
            schema_kw(table),
            if *idempotent {
                ", if_not_exists=True"
            } else {
                ""
            }
        )),
        Op::DropColumn { table, column } => one(format!(
            "op.drop_column({}, {}{})",
            py(&table.name),
            py(&column.name),
            schema_kw(table)
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
            idempotent,
        } => {
            let mut extra = String::new();
            if *concurrently {
                extra.push_str(", postgresql_concurrently=True");
            }
            if *idempotent {
                extra.push_str(", if_not_exists=True");
            }
            one(create_index(dialect, table, index, &extra)?)
        }
        Op::DropIndex {
            table,
            index,
            concurrently,
            idempotent,
        } => {
            let mut extra = String::new();
            if *concurrently {
                extra.push_str(", postgresql_concurrently=True");
            }
            if *idempotent {
                extra.push_str(", if_exists=True");
            }
            one(format!(
                "op.drop_index({}, table_name={}{}{extra})",
                py(&index.name),
                py(&table.name),
                schema_kw(table)
            ))
        }
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
        Op::AddCheck { table, check } => one(format!(
            "op.create_check_constraint({}, {}, {}{})",
            optional(&check.name),
            py(&table.name),
            text(&check.expr),
            schema_kw(table)
        )),
        Op::AddForeignKey { table, foreign_key } => {
            let mut schemas = String::new();
            if let Some(schema) = &table.schema {
                schemas.push_str(&format!(", source_schema={}", py(schema)));
            }
            if let Some(schema) = &foreign_key.ref_table.schema {
                schemas.push_str(&format!(", referent_schema={}", py(schema)));
            }
            one(format!(
                "op.create_foreign_key({}, {}, {}, {}, {}{}{schemas})",
                optional(&foreign_key.name),
                py(&table.name),
                py(&foreign_key.ref_table.name),
                list(&foreign_key.columns),
                list(&foreign_key.ref_columns),
                fk_options(dialect, foreign_key)
            ))
        }
        Op::DropConstraint { table, name, kind } => one(format!(
            "op.drop_constraint({}, {}, type_={}{})",
            py(name),
            py(&table.name),
            py(constraint_type(*kind)),
            schema_kw(table)
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
        _ => None,
    }
}

/// The SQLAlchemy type affinity a type's values are copied under in batch mode.
fn type_family(ty: &Type) -> String {
    match ty {
        Type::Integer { .. } => "integer".into(),
        Type::Decimal { .. } | Type::Float { .. } => "numeric".into(),
        Type::Char { .. } | Type::Varchar { .. } | Type::Text { .. } => "string".into(),
        Type::Custom { name } => {
            let base = name
                .split('(')
                .next()
                .unwrap_or(name)
                .trim()
                .to_ascii_lowercase();
            match base.as_str() {
                "integer" | "smallint" | "bigint" => "integer".into(),
                "numeric" | "decimal" | "float" | "real" | "double" | "double precision" => {
                    "numeric".into()
                }
                "varchar" | "char" | "nchar" | "nvarchar" | "text" | "clob" => "string".into(),
                other => other.to_string(),
            }
        }
        other => format!("{other:?}"),
    }
}

/// SQLite's rebuild as Alembic's batch mode. The table as it was is given as `copy_from`, so
/// Alembic builds on exactly what migen knows of it (reflection would lose unnamed CHECK
/// constraints and read back types by affinity); the operations inside turn it into the new
/// shape.
fn batch(dialect: Dialect, from: &Table, to: &Table, imports: &mut Imports) -> Option<Vec<String>> {
    // Batch mode copies every column with INSERT … SELECT, which SQLite refuses for generated
    // ones (migen's own rebuild leaves them out).
    let generated = |t: &Table| t.columns.iter().any(|c| c.generated.is_some());
    if from.options != to.options
        || from.primary_key != to.primary_key
        || generated(from)
        || generated(to)
    {
        return None;
    }
    // Constraints to drop must be named: unnamed ones get a name in the copy only.
    let mut source = from.clone();
    let mut ops: Vec<String> = Vec::new();
    let mut placeholder = 0;
    let mut name_for_drop = |name: &mut Option<String>| -> String {
        name.get_or_insert_with(|| {
            placeholder += 1;
            format!("_migen_drop_{placeholder}")
        })
        .clone()
    };
    for unique in source.uniques.iter_mut() {
        let same = |u: &UniqueConstraint| u.columns == unique.columns && u.name == unique.name;
        if !to.uniques.iter().any(same) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='unique')",
                py(&name_for_drop(&mut unique.name))
            ));
        }
    }
    for check in source.checks.iter_mut() {
        if !to.checks.contains(check) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='check')",
                py(&name_for_drop(&mut check.name))
            ));
        }
    }
    for fk in source.foreign_keys.iter_mut() {
        if !to.foreign_keys.contains(fk) {
            ops.push(format!(
                "batch_op.drop_constraint({}, type_='foreignkey')",
                py(&name_for_drop(&mut fk.name))
            ));
        }
    }
    for index in &from.indexes {
        if !to.indexes.contains(index) {
            ops.push(format!("batch_op.drop_index({})", py(&index.name)));
        }
    }
    for column in &from.columns {
        if to.column(&column.name).is_none() {
            ops.push(format!("batch_op.drop_column({})", py(&column.name)));
        }
    }
    for column in &to.columns {
        let key = key_of(Some(to), column, false)?;
        match from.column(&column.name) {
            None => ops.push(format!(
                "batch_op.add_column({})",
                sa_column(dialect, column, key, imports)?
            )),
            Some(old) if old != column => {
                // A change of type family makes batch mode copy through CAST, which converts
                // values migen's rebuild keeps as they are (SQLite's affinity decides).
                if old.auto_increment != column.auto_increment
                    || old.comment != column.comment
                    || type_family(&old.ty) != type_family(&column.ty)
                {
                    return None;
                }
                let mut changes = String::new();
                if old.ty != column.ty || old.collation != column.collation {
                    changes.push_str(&format!(
                        ", type_={}",
                        sa_type(dialect, &column.ty, column.collation.as_deref(), imports)?
                    ));
                }
                if old.nullable != column.nullable {
                    changes.push_str(&format!(", nullable={}", py_bool(column.nullable)));
                }
                if old.default != column.default {
                    changes.push_str(&format!(
                        ", server_default={}",
                        server_default(dialect, column).unwrap_or_else(|| "None".into())
                    ));
                }
                ops.push(format!(
                    "batch_op.alter_column({}{changes}{})",
                    py(&column.name),
                    existing(dialect, old, imports)?
                ));
            }
            Some(_) => {}
        }
    }
    // Batch mode adds only named constraints: a new unnamed one goes to the new table through
    // `table_args`. A foreign key there names its target columns as columns of a table
    // object, since the new table's metadata does not hold the table it refers to.
    let mut table_args: Vec<String> = Vec::new();
    for unique in &to.uniques {
        if from.uniques.contains(unique) {
            continue;
        }
        match &unique.name {
            Some(name) => ops.push(format!(
                "batch_op.create_unique_constraint({}, {})",
                py(name),
                list(&unique.columns)
            )),
            None => table_args.push(format!(
                "sa.UniqueConstraint({})",
                unique
                    .columns
                    .iter()
                    .map(|c| py(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    for check in &to.checks {
        if from.checks.contains(check) {
            continue;
        }
        match &check.name {
            Some(name) => ops.push(format!(
                "batch_op.create_check_constraint({}, {})",
                py(name),
                text(&check.expr)
            )),
            None => table_args.push(format!("sa.CheckConstraint({})", text(&check.expr))),
        }
    }
    for fk in &to.foreign_keys {
        if from.foreign_keys.contains(fk) {
            continue;
        }
        match &fk.name {
            Some(name) => ops.push(format!(
                "batch_op.create_foreign_key({}, {}, {}, {}{})",
                py(name),
                py(&fk.ref_table.name),
                list(&fk.columns),
                list(&fk.ref_columns),
                fk_options(dialect, fk)
            )),
            None => {
                let target = format!(
                    "sa.Table({}, sa.MetaData(), {}{})",
                    py(&fk.ref_table.name),
                    fk.ref_columns
                        .iter()
                        .map(|c| format!("sa.Column({})", py(c)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    schema_kw(&fk.ref_table)
                );
                // Columns of two table objects would not make one key.
                let [target_column] = fk.ref_columns.as_slice() else {
                    return None;
                };
                let targets = [format!("{target}.c[{}]", py(target_column))];
                table_args.push(format!(
                    "sa.ForeignKeyConstraint({}, [{}]{})",
                    list(&fk.columns),
                    targets.join(", "),
                    fk_options(dialect, fk)
                ));
            }
        }
    }
    for index in &to.indexes {
        if !from.indexes.contains(index) {
            let (elements, lengths) = index_elements(dialect, index)?;
            // Batch mode looks a new index's keys up as columns of the new table.
            let plain = |k: &IndexKey| {
                matches!(k.part, IndexPart::Column(_))
                    && !k.desc
                    && k.nulls_first.is_none()
                    && k.opclass.is_none()
            };
            if !index.keys.iter().all(plain) {
                return None;
            }
            let options = index_options(dialect, index)?;
            ops.push(format!(
                "batch_op.create_index({}, [{}]{options}{lengths})",
                py(&index.name),
                elements.join(", ")
            ));
        }
    }
    if ops.is_empty() && table_args.is_empty() {
        return None;
    }
    // The copy: the table as it stands, with its indexes, which batch mode re-creates.
    let mut items = Vec::new();
    for column in &source.columns {
        let key = key_of(Some(&source), column, false)?;
        items.push(sa_column(dialect, column, key, imports)?);
    }
    items.extend(table_items(dialect, &source));
    for index in &source.indexes {
        let (elements, lengths) = index_elements(dialect, index)?;
        let options = index_options(dialect, index)?;
        items.push(format!(
            "sa.Index({}, {}{options}{lengths})",
            py(&index.name),
            elements.join(", ")
        ));
    }
    let options = table_options(dialect, &source)?;
    let table_args = if table_args.is_empty() {
        String::new()
    } else {
        format!(
            "    table_args=(\n        {},\n    ),\n",
            table_args.join(",\n        ")
        )
    };
    let mut lines = vec![format!(
        "with op.batch_alter_table(\n    {},\n    recreate='always',\n    copy_from=sa.Table(\n        {},\n        sa.MetaData(),\n        {}{options},\n    ),\n{table_args}) as batch_op:",
        py(&to.name.name),
        py(&source.name.name),
        items.join(",\n        ")
    )];
    if ops.is_empty() {
        ops.push("pass".into());
    }
    lines.extend(ops.into_iter().map(|op| format!("    {op}")));
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_binds_are_escaped() {
        assert_eq!(py("it's\n\\"), r#""it's\n\\""#);
        assert_eq!(py("say \"it's\""), r#"'say "it\'s"'"#);
        assert_eq!(
            escape_binds("SELECT 'a:b', x::int, :name"),
            r"SELECT 'a:b', x::int, \:name"
        );
    }

    #[test]
    fn types_are_spelled_as_migen_spells_them() {
        let mut imports = Imports::default();
        let ty = |d: Dialect, t: Type, imports: &mut Imports| sa_type(d, &t, None, imports);
        assert_eq!(
            ty(
                Dialect::Postgres,
                Type::Varchar { len: Some(50) },
                &mut imports
            )
            .as_deref(),
            Some("sa.String(50)")
        );
        assert_eq!(
            ty(Dialect::Mysql, Type::Float { bits: 32 }, &mut imports).as_deref(),
            Some("sa.Float()")
        );
        assert_eq!(
            ty(Dialect::Postgres, Type::Float { bits: 32 }, &mut imports).as_deref(),
            Some("sa.REAL()")
        );
        assert_eq!(
            ty(
                Dialect::Mysql,
                Type::Integer {
                    bits: 32,
                    unsigned: true
                },
                &mut imports
            )
            .as_deref(),
            Some("mysql.INTEGER(unsigned=True)")
        );
        assert_eq!(
            ty(
                Dialect::Postgres,
                Type::Custom {
                    name: "inet".into()
                },
                &mut imports
            ),
            None
        );
        assert_eq!(
            imports.lines(),
            "import sqlalchemy as sa\nfrom sqlalchemy.dialects import mysql\n"
        );
    }

    #[test]
    fn an_unsupported_column_keeps_its_sql() {
        let mut imports = Imports::default();
        let mut column = Column::new(
            "touched",
            Type::Timestamp {
                tz: false,
                precision: None,
            },
        );
        column.on_update = Some("current_timestamp".into());
        let op = Op::AddColumn {
            table: QName::new("t"),
            column,
            idempotent: false,
        };
        assert_eq!(render(Dialect::Mysql, &op, &mut imports), None);
    }

    #[test]
    fn a_sole_integer_key_is_not_made_auto_incrementing_behind_our_back() {
        let mut imports = Imports::default();
        let mut table = Table::new(QName::new("t"));
        let mut id = Column::new(
            "id",
            Type::Integer {
                bits: 32,
                unsigned: false,
            },
        );
        id.nullable = false;
        table.columns.push(id);
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        let lines = render(
            Dialect::Postgres,
            &Op::CreateTable {
                table,
                serial_columns: Vec::new(),
            },
            &mut imports,
        )
        .unwrap();
        assert!(
            lines[0].contains("sa.Column('id', sa.Integer(), autoincrement=False, nullable=False)"),
            "{lines:?}"
        );
    }

    fn sqlite_table(column_type: &str) -> Table {
        let mut table = Table::new(QName::new("t"));
        let mut id = Column::new(
            "id",
            Type::Custom {
                name: "integer".into(),
            },
        );
        id.nullable = false;
        table.columns.push(id);
        table.columns.push(Column::new(
            "code",
            Type::Custom {
                name: column_type.into(),
            },
        ));
        table.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        table
    }

    #[test]
    fn a_sqlite_rebuild_is_batch_mode_unless_values_would_be_cast() {
        let mut imports = Imports::default();
        let rebuild = |from: &str, to: &str, imports: &mut Imports| {
            render(
                Dialect::Sqlite,
                &Op::Rebuild {
                    from: sqlite_table(from),
                    to: sqlite_table(to),
                },
                imports,
            )
        };
        let wider = rebuild("varchar(40)", "varchar(80)", &mut imports).unwrap();
        assert!(
            lines_contain(&wider, "with op.batch_alter_table("),
            "{wider:?}"
        );
        assert!(
            lines_contain(&wider, "batch_op.alter_column('code', type_=sa.VARCHAR(80)"),
            "{wider:?}"
        );
        // Batch mode would copy through CAST('abc' AS INTEGER), migen's rebuild does not.
        assert_eq!(rebuild("text", "integer", &mut imports), None);
    }

    fn lines_contain(lines: &[String], text: &str) -> bool {
        lines.iter().any(|l| l.contains(text))
    }
}
