//! SQL DDL files → `Schema`, per dialect, through sqlparser. sqlparser types stop here.
//!
//! Statements may come in any order: everything is collected first and resolved at the end
//! (enum column types, implicit constraint and index names the server would choose,
//! MySQL's automatic foreign-key indexes, `*` in views).

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation,
    ColumnDef, ColumnOption, CommentObject, CreateIndex, CreateTable, CreateTableOptions,
    DeferrableInitial, Expr, GeneratedAs, GeneratedExpressionMode, Ident, IndexColumn, ObjectName,
    ObjectType, ReferentialAction, SchemaName, SequenceOptions, SqlOption, Statement,
    TableConstraint, UserDefinedTypeRepresentation,
};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Span;

use super::compat;
use crate::error::{Error, Result};
use crate::model::*;
use crate::normalize::{self, ident_name, object_qname};

/// Parse a DDL script into a schema. `file` names the input in error messages.
pub fn parse(dialect: Dialect, text: &str, file: &str) -> Result<Schema> {
    parse_with_notes(dialect, text, file).map(|(schema, _)| schema)
}

/// Like `parse`, also returning notes about statements left out of the model
/// (functions, triggers, grants…), as `file:line: what`.
pub fn parse_with_notes(dialect: Dialect, text: &str, file: &str) -> Result<(Schema, Vec<String>)> {
    let sql_dialect = normalize::sql_dialect(dialect);
    let prepared = compat::prepare(dialect, text);
    let statements = Parser::new(sql_dialect.as_ref())
        .try_with_sql(&prepared.text)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| parser_error(file, &e))?;
    let mut builder = Builder::new(dialect, file);
    builder.table_options = prepared.table_options.into_iter();
    builder.view_check_options = prepared.view_check_options.into_iter();
    builder.identity_options = prepared.identity_options.into_iter();
    // File order, except that a statement naming something defined further down (a CREATE
    // INDEX, ALTER TABLE or COMMENT ON before its table) is tried again once the rest is read.
    let mut pending: Vec<(Statement, Error)> = Vec::new();
    for statement in statements {
        let retry_copy =
            (!matches!(statement, Statement::CreateTable(_))).then(|| statement.clone());
        builder.missing.set(false);
        if let Err(error) = builder.statement(statement) {
            match retry_copy {
                Some(copy) if builder.missing.get() => pending.push((copy, error)),
                _ => return Err(error),
            }
        }
    }
    while !pending.is_empty() {
        let waiting = pending.len();
        let mut still = Vec::new();
        for (statement, _) in pending {
            builder.missing.set(false);
            if let Err(error) = builder.statement(statement.clone()) {
                if !builder.missing.get() {
                    return Err(error);
                }
                still.push((statement, error));
            }
        }
        if still.len() == waiting {
            return Err(still.swap_remove(0).1);
        }
        pending = still;
    }
    for (sequence, owner) in &prepared.sequence_owners {
        let parse_name = |text: &str| {
            Parser::new(sql_dialect.as_ref())
                .try_with_sql(text)
                .and_then(|mut p| p.parse_object_name(false))
                .ok()
        };
        if let (Some(sequence), Some(owner)) = (parse_name(sequence), parse_name(owner)) {
            let sequence = builder.qname(&sequence);
            builder.record_sequence_owner(&sequence, &owner);
        }
    }
    let mut notes: Vec<String> = prepared
        .ignored
        .iter()
        .map(|(line, what)| {
            format!(
                "{file}:{line}: {what} … is not part of the schema model; migen leaves it alone"
            )
        })
        .collect();
    notes.append(&mut builder.notes);
    let mut schema = builder.finish()?;
    for (name, table, sql) in prepared.triggers {
        match schema
            .tables
            .values_mut()
            .find(|t| t.name.name.eq_ignore_ascii_case(&table))
        {
            Some(table) => table.triggers.push(Trigger { name, sql }),
            None => notes.push(format!(
                "{file}: trigger {name} is on {table}, which is not a table here; left alone"
            )),
        }
    }
    schema.canonicalize();
    Ok((schema, notes))
}

fn parser_error(file: &str, error: &ParserError) -> Error {
    let text = error.to_string();
    let text = text.trim_start_matches("sql parser error: ");
    // sqlparser appends " at Line: L, Column: C" to its messages.
    let (message, line, column) = match text.rfind(" at Line: ") {
        Some(at) => {
            let position = &text[at + " at Line: ".len()..];
            let mut numbers = position
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<u64>().unwrap_or(0));
            let line = numbers.next().unwrap_or(1);
            let column = numbers.next().unwrap_or(1);
            (text[..at].to_string(), line, column)
        }
        None => (text.to_string(), 1, 1),
    };
    Error::parse(file, line, column, message)
}

/// A column or constraint whose implicit name is chosen once all statements are known.
struct PendingName<T> {
    item: T,
    /// Columns the server derives the name from.
    basis: Vec<String>,
    /// Declared inside a column definition (MariaDB names such a CHECK after the column).
    column_level: bool,
}

struct TableDraft {
    table: Table,
    span: Span,
    /// Constraint and index names written explicitly, in source order of appearance.
    unnamed_pk: bool,
    unnamed_uniques: Vec<PendingName<UniqueConstraint>>,
    unnamed_checks: Vec<PendingName<CheckConstraint>>,
    unnamed_fks: Vec<PendingName<ForeignKey>>,
    /// PostgreSQL serial columns: (column, smallserial/serial/bigserial).
    serials: Vec<String>,
    /// Where each column was declared, for error messages.
    column_spans: BTreeMap<String, Span>,
    /// Constraint names dropped before the unnamed ones were named.
    dropped_names: Vec<String>,
}

impl TableDraft {
    fn new(table: Table, span: Span) -> TableDraft {
        TableDraft {
            table,
            span,
            unnamed_pk: false,
            unnamed_uniques: Vec::new(),
            unnamed_checks: Vec::new(),
            unnamed_fks: Vec::new(),
            serials: Vec::new(),
            column_spans: BTreeMap::new(),
            dropped_names: Vec::new(),
        }
    }
}

struct Builder {
    dialect: Dialect,
    file: String,
    /// Tables in declaration order, and where each name sits (schemas hold thousands of tables).
    tables: Vec<TableDraft>,
    positions: std::collections::HashMap<QName, usize>,
    unnamed_indexes: Vec<(QName, PendingName<Index>)>,
    views: Vec<(View, Span)>,
    schema: Schema,
    sequence_owners: Vec<(QName, QName, String)>,
    /// What the compatibility layer lifted out of each CREATE TABLE / CREATE VIEW, in order.
    table_options: std::vec::IntoIter<compat::SqliteTableOptions>,
    view_check_options: std::vec::IntoIter<Option<String>>,
    identity_options: std::vec::IntoIter<(Option<i64>, Option<i64>)>,
    /// Things read but left out of the model, for the user to know.
    notes: Vec<String>,
    /// Set when the last error was about an object not defined (yet).
    missing: std::cell::Cell<bool>,
}

impl Builder {
    fn new(dialect: Dialect, file: &str) -> Builder {
        Builder {
            dialect,
            file: file.to_string(),
            tables: Vec::new(),
            positions: std::collections::HashMap::new(),
            unnamed_indexes: Vec::new(),
            views: Vec::new(),
            schema: Schema::empty(dialect),
            sequence_owners: Vec::new(),
            table_options: Vec::new().into_iter(),
            view_check_options: Vec::new().into_iter(),
            identity_options: Vec::new().into_iter(),
            notes: Vec::new(),
            missing: std::cell::Cell::new(false),
        }
    }

    /// An error about an object not (yet) defined: the statement is retried after the rest.
    fn missing(&self, span: Span, message: impl Into<String>) -> Error {
        self.missing.set(true);
        self.error(span, message)
    }

    fn error(&self, span: Span, message: impl Into<String>) -> Error {
        Error::parse(
            &self.file,
            span.start.line.max(1),
            span.start.column.max(1),
            message,
        )
    }

    fn name(&self, ident: &Ident) -> String {
        ident_name(self.dialect, ident)
    }

    fn qname(&self, name: &ObjectName) -> QName {
        object_qname(self.dialect, name)
    }

    fn table_mut(&mut self, name: &QName, span: Span) -> Result<&mut TableDraft> {
        let position = self.positions.get(name).copied();
        match position {
            Some(i) => Ok(&mut self.tables[i]),
            None => Err(self.missing(span, format!("table {name} is not defined"))),
        }
    }

    fn statement(&mut self, statement: Statement) -> Result<()> {
        match statement {
            Statement::CreateTable(create) => self.create_table(create),
            Statement::CreateIndex(index) => self.create_index(index),
            Statement::AlterTable(alter) => {
                let table = self.qname(&alter.name);
                let span = alter
                    .name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.span)
                    .unwrap_or(Span::empty());
                for operation in alter.operations {
                    self.alter_table(&table, span, operation)?;
                }
                Ok(())
            }
            Statement::CreateType {
                name,
                representation: Some(UserDefinedTypeRepresentation::Enum { labels }),
            } => {
                let name = self.qname(&name);
                let values = labels.into_iter().map(|l| l.value).collect();
                self.schema.enums.insert(
                    name.clone(),
                    EnumType {
                        name,
                        values,
                        comment: None,
                    },
                );
                Ok(())
            }
            Statement::AlterType(alter) => {
                let name = self.qname(&alter.name);
                let span = alter
                    .name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.span)
                    .unwrap_or(Span::empty());
                let Some(enum_type) = self.schema.enums.get_mut(&name) else {
                    return Err(self.missing(
                        span,
                        format!("type {name} is not an enum defined in this schema"),
                    ));
                };
                match alter.operation {
                    AlterTypeOperation::AddValue(add) => {
                        let value = add.value.value;
                        if enum_type.values.contains(&value) {
                            return Ok(());
                        }
                        let position = match add.position {
                            Some(AlterTypeAddValuePosition::Before(v)) => {
                                enum_type.values.iter().position(|x| *x == v.value)
                            }
                            Some(AlterTypeAddValuePosition::After(v)) => enum_type
                                .values
                                .iter()
                                .position(|x| *x == v.value)
                                .map(|i| i + 1),
                            None => None,
                        };
                        let at = position.unwrap_or(enum_type.values.len());
                        enum_type.values.insert(at, value);
                    }
                    AlterTypeOperation::RenameValue(rename) => {
                        for v in enum_type.values.iter_mut() {
                            if *v == rename.from.value {
                                *v = rename.to.value.clone();
                            }
                        }
                    }
                    AlterTypeOperation::Rename(_) => {
                        return Err(self.error(span, "ALTER TYPE … RENAME TO is not supported in a schema file; write the type under its final name"));
                    }
                }
                Ok(())
            }
            Statement::CreateSequence {
                name,
                data_type,
                sequence_options,
                owned_by,
                ..
            } => {
                let name = self.qname(&name);
                let data_type = data_type
                    .map(|t| normalize::parse_type(Dialect::Postgres, &t.to_string()))
                    .unwrap_or(Type::Integer {
                        bits: 64,
                        unsigned: false,
                    });
                let increment = sequence_options
                    .iter()
                    .find_map(|o| match o {
                        SequenceOptions::IncrementBy(e, _) => expr_i64(e),
                        _ => None,
                    })
                    .unwrap_or(1);
                let mut sequence = Sequence::with_defaults(name.clone(), data_type, increment);
                let mut start_given = false;
                for option in &sequence_options {
                    match option {
                        SequenceOptions::MinValue(Some(e)) => {
                            sequence.min_value = expr_i64(e).unwrap_or(sequence.min_value)
                        }
                        SequenceOptions::MaxValue(Some(e)) => {
                            sequence.max_value = expr_i64(e).unwrap_or(sequence.max_value)
                        }
                        SequenceOptions::StartWith(e, _) => {
                            start_given = true;
                            sequence.start = expr_i64(e).unwrap_or(sequence.start);
                        }
                        SequenceOptions::Cache(e) => sequence.cache = expr_i64(e).unwrap_or(1),
                        SequenceOptions::Cycle(no) => sequence.cycle = !no,
                        _ => {}
                    }
                }
                if !start_given {
                    sequence.start = if increment > 0 {
                        sequence.min_value
                    } else {
                        sequence.max_value
                    };
                }
                if let Some(owner) = owned_by {
                    self.record_sequence_owner(&name, &owner);
                }
                self.schema.sequences.insert(name, sequence);
                Ok(())
            }
            Statement::CreateView(view) => {
                let name = self.qname(&view.name);
                let span = view
                    .name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .map(|i| i.span)
                    .unwrap_or(Span::empty());
                let columns = view.columns.iter().map(|c| self.name(&c.name)).collect();
                let check_option = self.view_check_options.next().flatten();
                self.views.push((
                    View {
                        name,
                        materialized: view.materialized,
                        definition: view.query.to_string(),
                        columns,
                        check_option,
                        indexes: Vec::new(),
                        comment: view.comment,
                    },
                    span,
                ));
                Ok(())
            }
            Statement::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(object_type, &object_name, comment),
            Statement::CreateSchema { schema_name, .. } => {
                let name = match schema_name {
                    SchemaName::Simple(name) | SchemaName::NamedAuthorization(name, _) => {
                        object_qname(self.dialect, &name).name
                    }
                    SchemaName::UnnamedAuthorization(ident) => self.name(&ident),
                };
                if !normalize::is_default_schema(self.dialect, &name) {
                    self.schema.schemas.insert(name);
                }
                Ok(())
            }
            Statement::CreateExtension(extension) => {
                let name = extension.name.value.clone();
                let schema = extension
                    .schema
                    .map(|s| self.name(&s))
                    .filter(|s| !normalize::is_default_schema(self.dialect, s));
                self.schema
                    .extensions
                    .insert(name.clone(), Extension { name, schema });
                Ok(())
            }
            // Session settings, grants, ownership and the like carry no schema.
            Statement::Set(_)
            | Statement::Grant { .. }
            | Statement::Revoke { .. }
            | Statement::Query(_)
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Pragma { .. }
            | Statement::Use(_)
            | Statement::Insert(_) => Ok(()),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                ..
            } => {
                for name in &names {
                    let name = self.qname(name);
                    let found = match object_type {
                        ObjectType::Table => {
                            let before = self.tables.len();
                            self.tables.retain(|t| t.table.name != name);
                            self.reindex_tables();
                            before != self.tables.len()
                        }
                        ObjectType::View | ObjectType::MaterializedView => {
                            let before = self.views.len();
                            self.views.retain(|(v, _)| v.name != name);
                            before != self.views.len()
                        }
                        ObjectType::Index => self.tables.iter_mut().any(|t| {
                            let before = t.table.indexes.len();
                            t.table.indexes.retain(|i| i.name != name.name);
                            before != t.table.indexes.len()
                        }),
                        ObjectType::Type => self.schema.enums.remove(&name).is_some(),
                        ObjectType::Sequence => self.schema.sequences.remove(&name).is_some(),
                        ObjectType::Schema => self.schema.schemas.remove(&name.name),
                        _ => true,
                    };
                    if !found && !if_exists {
                        return Err(self.error(
                            sqlparser::ast::Spanned::span(&statement_name_span(&names)),
                            format!("DROP {object_type} {name}: it is not defined in this schema"),
                        ));
                    }
                }
                Ok(())
            }
            other => {
                // Valid SQL the model does not describe (domains, composite types, DO blocks…).
                let span = sqlparser::ast::Spanned::span(&other);
                let text = other.to_string();
                let head: String = text
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ");
                let place = match span.start.line {
                    0 => self.file.clone(),
                    line => format!("{}:{line}", self.file),
                };
                self.notes.push(format!(
                    "{place}: {head} … is not part of the schema model; migen leaves it alone"
                ));
                Ok(())
            }
        }
    }

    fn record_sequence_owner(&mut self, sequence: &QName, owner: &ObjectName) {
        let parts: Vec<String> = owner
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| self.name(i))
            .collect();
        if let [table_parts @ .., column] = parts.as_slice() {
            if table_parts.is_empty() {
                return;
            }
            let table = match table_parts {
                [schema, table] => QName::qualified(
                    Some(schema.clone()).filter(|s| !normalize::is_default_schema(self.dialect, s)),
                    table.clone(),
                ),
                [table] => QName::new(table.clone()),
                _ => return,
            };
            self.sequence_owners
                .push((sequence.clone(), table, column.clone()));
        }
    }

    fn comment(
        &mut self,
        object_type: CommentObject,
        name: &ObjectName,
        comment: Option<String>,
    ) -> Result<()> {
        let span = name
            .0
            .first()
            .and_then(|p| p.as_ident())
            .map(|i| i.span)
            .unwrap_or(Span::empty());
        let comment = comment.filter(|c| !c.is_empty());
        match object_type {
            CommentObject::Table => {
                let table = self.qname(name);
                self.table_mut(&table, span)?.table.comment = comment;
            }
            CommentObject::Column => {
                let mut parts: Vec<String> = name
                    .0
                    .iter()
                    .filter_map(|p| p.as_ident())
                    .map(|i| self.name(i))
                    .collect();
                let column = parts.pop().unwrap_or_default();
                let table = match parts.as_slice() {
                    [schema, table] => QName::qualified(
                        Some(schema.clone())
                            .filter(|s| !normalize::is_default_schema(self.dialect, s)),
                        table.clone(),
                    ),
                    [table] => QName::new(table.clone()),
                    _ => return Err(self.error(span, "COMMENT ON COLUMN needs table.column")),
                };
                let draft = self.table_mut(&table, span)?;
                match draft.table.column_mut(&column) {
                    Some(c) => c.comment = comment,
                    None => {
                        return Err(
                            self.missing(span, format!("column {table}.{column} does not exist"))
                        );
                    }
                }
            }
            CommentObject::View | CommentObject::MaterializedView => {
                let view = self.qname(name);
                match self.views.iter_mut().find(|(v, _)| v.name == view) {
                    Some((v, _)) => v.comment = comment,
                    None => {
                        return Err(self.missing(span, format!("view {view} is not defined")));
                    }
                }
            }
            CommentObject::Type => {
                let type_name = self.qname(name);
                if let Some(e) = self.schema.enums.get_mut(&type_name) {
                    e.comment = comment;
                }
            }
            // Comments on other objects (schemas, extensions, functions) are not part of the model.
            _ => {}
        }
        Ok(())
    }

    fn create_table(&mut self, create: CreateTable) -> Result<()> {
        let name = self.qname(&create.name);
        let span = create
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.span)
            .unwrap_or(Span::empty());
        // SQLite's own bookkeeping tables appear in `.schema` output; they are not the user's.
        if self.dialect == Dialect::Sqlite && name.name.to_ascii_lowercase().starts_with("sqlite_")
        {
            return Ok(());
        }
        if create.query.is_some() || create.like.is_some() {
            return Err(self.error(
                span,
                "CREATE TABLE … AS / LIKE cannot be read as a schema; write the columns out",
            ));
        }
        if self.positions.contains_key(&name) {
            return Err(self.error(span, format!("table {name} is defined twice")));
        }
        let mut draft = TableDraft::new(Table::new(name), span);
        let lifted = self.table_options.next().unwrap_or_default();
        draft.table.options.without_rowid = create.without_rowid || lifted.without_rowid;
        draft.table.options.strict = create.strict || lifted.strict;
        self.table_options(&mut draft.table, &create.table_options);
        if let Some(comment) = &create.comment {
            draft.table.comment = Some(comment_text(comment)).filter(|c| !c.is_empty());
        }
        for column in create.columns {
            self.column(&mut draft, column)?;
        }
        for constraint in create.constraints {
            self.table_constraint(&mut draft, constraint)?;
        }
        self.positions
            .insert(draft.table.name.clone(), self.tables.len());
        self.tables.push(draft);
        Ok(())
    }

    fn reindex_tables(&mut self) {
        self.positions = self
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.table.name.clone(), i))
            .collect();
    }

    fn table_options(&self, table: &mut Table, options: &CreateTableOptions) {
        let list = match options {
            CreateTableOptions::With(l)
            | CreateTableOptions::Options(l)
            | CreateTableOptions::Plain(l)
            | CreateTableOptions::TableProperties(l) => l.as_slice(),
            CreateTableOptions::None => &[],
        };
        for option in list {
            if let SqlOption::Comment(comment) = option {
                table.comment = Some(comment_text(comment)).filter(|c| !c.is_empty());
                continue;
            }
            let text = option.to_string();
            let (key, value) = match text.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().to_string()),
                None => match text.split_once(' ') {
                    Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().to_string()),
                    None => (text.to_ascii_uppercase(), String::new()),
                },
            };
            let value = value
                .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                .to_string();
            match key.as_str() {
                "ENGINE" => table.options.engine = Some(value.to_ascii_lowercase()),
                "DEFAULT CHARSET" | "CHARSET" | "DEFAULT CHARACTER SET" | "CHARACTER SET" => {
                    table.options.charset = Some(value.to_ascii_lowercase())
                }
                "DEFAULT COLLATE" | "COLLATE" => {
                    table.options.collation = Some(value.to_ascii_lowercase())
                }
                "COMMENT" => table.comment = Some(value).filter(|c| !c.is_empty()),
                _ => {}
            }
        }
    }

    fn column(&mut self, draft: &mut TableDraft, def: ColumnDef) -> Result<()> {
        let name = self.name(&def.name);
        let type_text = def.data_type.to_string();
        let lower = type_text.to_ascii_lowercase();
        let mut column = Column::new(
            name.clone(),
            normalize::parse_type(self.dialect, &type_text),
        );
        if draft.table.column(&name).is_some() {
            return Err(self.error(def.name.span, format!("column {name} is declared twice")));
        }
        draft.column_spans.insert(name.clone(), def.name.span);
        if self.dialect == Dialect::Postgres
            && matches!(
                lower.as_str(),
                "serial" | "bigserial" | "smallserial" | "serial4" | "serial8" | "serial2"
            )
        {
            column.nullable = false;
            draft.serials.push(name.clone());
        }
        if self.dialect == Dialect::Mysql && lower == "serial" {
            // MySQL SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
            column.ty = Type::Integer {
                bits: 64,
                unsigned: true,
            };
            column.nullable = false;
            column.auto_increment = true;
            draft.unnamed_uniques.push(PendingName {
                item: UniqueConstraint {
                    name: None,
                    columns: vec![name.clone()],
                },
                basis: vec![name.clone()],
                column_level: true,
            });
        }
        for option in def.options {
            let constraint_name = option.name.as_ref().map(|n| self.name(n));
            match option.option {
                ColumnOption::Null => column.nullable = true,
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Default(expr) => {
                    column.default = Some(normalize::default_ast(self.dialect, expr, &column.ty));
                }
                ColumnOption::Collation(collation) => {
                    let text = collation.to_string();
                    column.collation = Some(unquote_collation(&text, self.dialect));
                }
                ColumnOption::CharacterSet(_) => {}
                ColumnOption::Comment(comment) => {
                    column.comment = Some(comment).filter(|c| !c.is_empty())
                }
                ColumnOption::OnUpdate(expr) => {
                    column.on_update = match normalize::default_ast(self.dialect, expr, &column.ty)
                    {
                        DefaultValue::Function(f) | DefaultValue::Expr(f) => Some(f),
                        other => Some(format!("{other:?}")),
                    }
                }
                ColumnOption::PrimaryKey(pk) => {
                    draft.table.primary_key = Some(PrimaryKey {
                        name: constraint_name
                            .clone()
                            .or(pk.name.as_ref().map(|n| self.name(n))),
                        columns: vec![name.clone()],
                    });
                    if draft
                        .table
                        .primary_key
                        .as_ref()
                        .is_some_and(|p| p.name.is_none())
                    {
                        draft.unnamed_pk = true;
                    }
                    if self.dialect != Dialect::Sqlite {
                        column.nullable = false;
                    }
                }
                ColumnOption::Unique(unique) => {
                    let explicit = constraint_name
                        .clone()
                        .or(unique.name.as_ref().map(|n| self.name(n)));
                    self.add_unique(draft, explicit, vec![name.clone()]);
                }
                ColumnOption::ForeignKey(fk) => {
                    let explicit = constraint_name
                        .clone()
                        .or(fk.name.as_ref().map(|n| self.name(n)));
                    let ref_table = self.qname(&fk.foreign_table);
                    let ref_columns: Vec<String> =
                        fk.referred_columns.iter().map(|c| self.name(c)).collect();
                    let foreign_key = ForeignKey {
                        name: explicit,
                        columns: vec![name.clone()],
                        ref_table,
                        ref_columns,
                        on_delete: self.fk_action(fk.on_delete),
                        on_update: self.fk_action(fk.on_update),
                        deferrable: fk
                            .characteristics
                            .as_ref()
                            .and_then(|c| c.deferrable)
                            .unwrap_or(false),
                        initially_deferred: fk
                            .characteristics
                            .as_ref()
                            .and_then(|c| c.initially)
                            .is_some_and(|i| i == DeferrableInitial::Deferred),
                    };
                    self.add_fk(draft, foreign_key);
                }
                ColumnOption::Check(check) => {
                    let explicit = constraint_name
                        .clone()
                        .or(check.name.as_ref().map(|n| self.name(n)));
                    let expr = *check.expr;
                    // A column-level CHECK is named after its column, whatever it references.
                    self.add_check(draft, explicit, expr, Some(name.clone()));
                }
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => match generation_expr {
                    Some(expr) => {
                        let stored = self.dialect == Dialect::Postgres
                            || generation_expr_mode == Some(GeneratedExpressionMode::Stored)
                            || generated_as == GeneratedAs::ExpStored;
                        column.generated = Some(Generated {
                            expr: normalize::expr_ast(self.dialect, expr),
                            stored,
                        });
                    }
                    None => {
                        column.identity = Some(match generated_as {
                            GeneratedAs::ByDefault => Identity::ByDefault,
                            _ => Identity::Always,
                        });
                        let (start, increment) = self.identity_options.next().unwrap_or_default();
                        column.identity_options = IdentityOptions::non_default(start, increment);
                        column.nullable = false;
                    }
                },
                ColumnOption::DialectSpecific(tokens) => {
                    let text = tokens
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_uppercase();
                    if text.contains("AUTO_INCREMENT") || text.contains("AUTOINCREMENT") {
                        column.auto_increment = true;
                    }
                }
                ColumnOption::Identity(_) => column.auto_increment = true,
                _ => {}
            }
        }
        if column.auto_increment && self.dialect == Dialect::Mysql {
            column.nullable = false;
        }
        draft.table.columns.push(column);
        Ok(())
    }

    fn fk_action(&self, action: Option<ReferentialAction>) -> FkAction {
        let action = match action {
            None => FkAction::NoAction,
            Some(ReferentialAction::Restrict) => FkAction::Restrict,
            Some(ReferentialAction::Cascade) => FkAction::Cascade,
            Some(ReferentialAction::SetNull) => FkAction::SetNull,
            Some(ReferentialAction::NoAction) => FkAction::NoAction,
            Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        };
        // InnoDB treats NO ACTION as RESTRICT and reports it so.
        if self.dialect == Dialect::Mysql && action == FkAction::NoAction {
            FkAction::Restrict
        } else {
            action
        }
    }

    fn add_unique(&self, draft: &mut TableDraft, name: Option<String>, columns: Vec<String>) {
        let unique = UniqueConstraint {
            name: name.clone(),
            columns: columns.clone(),
        };
        if name.is_none() && self.dialect != Dialect::Sqlite {
            draft.unnamed_uniques.push(PendingName {
                item: unique,
                basis: columns,
                column_level: false,
            });
        } else {
            draft.table.uniques.push(unique);
        }
    }

    fn add_fk(&self, draft: &mut TableDraft, fk: ForeignKey) {
        if fk.name.is_none() && self.dialect != Dialect::Sqlite {
            let basis = fk.columns.clone();
            draft.unnamed_fks.push(PendingName {
                item: fk,
                basis,
                column_level: false,
            });
        } else {
            draft.table.foreign_keys.push(fk);
        }
    }

    fn add_check(
        &self,
        draft: &mut TableDraft,
        name: Option<String>,
        expr: Expr,
        column: Option<String>,
    ) {
        let column_level = column.is_some();
        let basis = match column {
            Some(c) => vec![c],
            None => {
                let mut referenced = BTreeSet::new();
                collect_identifiers(&expr, self.dialect, &mut referenced);
                let known: Vec<String> = referenced
                    .into_iter()
                    .filter(|r| draft.table.column(r).is_some())
                    .collect();
                if known.len() == 1 { known } else { Vec::new() }
            }
        };
        let check = CheckConstraint {
            name: name.clone(),
            expr: normalize::expr_ast(self.dialect, expr),
        };
        if name.is_none() && self.dialect != Dialect::Sqlite {
            draft.unnamed_checks.push(PendingName {
                item: check,
                basis,
                column_level,
            });
        } else {
            draft.table.checks.push(check);
        }
    }

    fn table_constraint(
        &mut self,
        draft: &mut TableDraft,
        constraint: TableConstraint,
    ) -> Result<()> {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns: Vec<String> = pk
                    .columns
                    .iter()
                    .map(|c| self.index_column_name(c))
                    .collect();
                let name = pk.name.as_ref().map(|n| self.name(n));
                draft.unnamed_pk = name.is_none();
                for column in &columns {
                    if self.dialect != Dialect::Sqlite {
                        if let Some(c) = draft.table.column_mut(column) {
                            c.nullable = false;
                        }
                    }
                }
                draft.table.primary_key = Some(PrimaryKey { name, columns });
            }
            TableConstraint::Unique(unique) => {
                let columns: Vec<String> = unique
                    .columns
                    .iter()
                    .map(|c| self.index_column_name(c))
                    .collect();
                let name = unique
                    .name
                    .as_ref()
                    .or(unique.index_name.as_ref())
                    .map(|n| self.name(n));
                self.add_unique(draft, name, columns);
            }
            TableConstraint::ForeignKey(fk) => {
                let foreign_key = ForeignKey {
                    name: fk.name.as_ref().map(|n| self.name(n)),
                    columns: fk.columns.iter().map(|c| self.name(c)).collect(),
                    ref_table: self.qname(&fk.foreign_table),
                    ref_columns: fk.referred_columns.iter().map(|c| self.name(c)).collect(),
                    on_delete: self.fk_action(fk.on_delete),
                    on_update: self.fk_action(fk.on_update),
                    deferrable: fk
                        .characteristics
                        .as_ref()
                        .and_then(|c| c.deferrable)
                        .unwrap_or(false),
                    initially_deferred: fk
                        .characteristics
                        .as_ref()
                        .and_then(|c| c.initially)
                        .is_some_and(|i| i == DeferrableInitial::Deferred),
                };
                self.add_fk(draft, foreign_key);
            }
            TableConstraint::Check(check) => {
                let name = check.name.as_ref().map(|n| self.name(n));
                self.add_check(draft, name, *check.expr, None);
            }
            TableConstraint::Index(index) => {
                let keys = index.columns.iter().map(|c| self.index_key(c)).collect();
                let method = index
                    .index_type
                    .as_ref()
                    .map(|t| t.to_string().to_ascii_lowercase())
                    .filter(|m| m != "btree");
                self.add_table_index(
                    draft,
                    index.name.as_ref().map(|n| self.name(n)),
                    false,
                    keys,
                    method,
                );
            }
            TableConstraint::FulltextOrSpatial(index) => {
                let keys = index.columns.iter().map(|c| self.index_key(c)).collect();
                let method = Some(
                    if index.fulltext {
                        "fulltext"
                    } else {
                        "spatial"
                    }
                    .to_string(),
                );
                self.add_table_index(
                    draft,
                    index.opt_index_name.as_ref().map(|n| self.name(n)),
                    false,
                    keys,
                    method,
                );
            }
            TableConstraint::Exclude(exclude) => {
                // Exclusion constraints are not modelled yet: say so rather than fail the file.
                self.notes.push(format!(
                    "{}:{}: exclusion constraint {} on {} is not part of the schema model; migen leaves it alone",
                    self.file,
                    draft.span.start.line,
                    exclude.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
                    draft.table.name
                ));
            }
            other => {
                return Err(self.error(
                    draft.span,
                    format!("unsupported constraint in a schema file: {other}"),
                ));
            }
        }
        Ok(())
    }

    fn add_table_index(
        &mut self,
        draft: &mut TableDraft,
        name: Option<String>,
        unique: bool,
        keys: Vec<IndexKey>,
        method: Option<String>,
    ) {
        let index = Index {
            name: name.clone().unwrap_or_default(),
            unique,
            keys,
            method,
            predicate: None,
            include: Vec::new(),
        };
        match name {
            Some(_) => draft.table.indexes.push(index),
            None => {
                let basis = index_basis(&index);
                self.unnamed_indexes.push((
                    draft.table.name.clone(),
                    PendingName {
                        item: index,
                        basis,
                        column_level: false,
                    },
                ));
            }
        }
    }

    fn index_column_name(&self, column: &IndexColumn) -> String {
        match &column.column.expr {
            Expr::Identifier(ident) => self.name(ident),
            Expr::CompoundIdentifier(parts) => {
                parts.last().map(|p| self.name(p)).unwrap_or_default()
            }
            // MySQL prefix key `name(10)` parses as a call.
            Expr::Function(f) => f
                .name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .map(|i| self.name(i))
                .unwrap_or_default(),
            other => other.to_string(),
        }
    }

    fn index_key(&self, column: &IndexColumn) -> IndexKey {
        let desc = matches!(
            column.column.options.sort,
            Some(sqlparser::ast::OrderBySort::Desc)
        );
        let nulls_first = column
            .column
            .options
            .nulls_first
            .filter(|first| *first != desc);
        let opclass = column
            .operator_class
            .as_ref()
            .map(|o| o.to_string().to_ascii_lowercase());
        let (part, length) = match &column.column.expr {
            Expr::Identifier(ident) => (IndexPart::Column(self.name(ident)), None),
            Expr::Function(f)
                if self.dialect == Dialect::Mysql
                    && f.args
                        .to_string()
                        .trim_matches(['(', ')'])
                        .parse::<u32>()
                        .is_ok() =>
            {
                // MySQL prefix key: `name(10)`.
                let column = f
                    .name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| self.name(i))
                    .unwrap_or_default();
                let length = f
                    .args
                    .to_string()
                    .trim_matches(['(', ')'])
                    .parse::<u32>()
                    .ok();
                (IndexPart::Column(column), length)
            }
            other => (
                IndexPart::Expr(normalize::expr_ast(self.dialect, other.clone())),
                None,
            ),
        };
        IndexKey {
            part,
            desc,
            nulls_first,
            length,
            opclass,
        }
    }

    fn create_index(&mut self, create: CreateIndex) -> Result<()> {
        let table = self.qname(&create.table_name);
        let span = create
            .table_name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.span)
            .unwrap_or(Span::empty());
        let on_view = !self.positions.contains_key(&table)
            && self
                .views
                .iter()
                .any(|(v, _)| v.name == table && v.materialized);
        if !on_view && !self.positions.contains_key(&table) {
            return Err(self.missing(
                span,
                format!("CREATE INDEX on {table}, which is not a table or materialized view in this schema"),
            ));
        }
        let keys = create.columns.iter().map(|c| self.index_key(c)).collect();
        let method = create
            .using
            .as_ref()
            .map(|u| u.to_string().to_ascii_lowercase())
            .filter(|m| m != "btree");
        let index = Index {
            name: create
                .name
                .as_ref()
                .map(|n| self.qname(n).name)
                .unwrap_or_default(),
            unique: create.unique,
            keys,
            method,
            predicate: create
                .predicate
                .map(|p| normalize::expr_ast(self.dialect, p)),
            include: create.include.iter().map(|i| self.name(i)).collect(),
        };
        if on_view {
            let mut index = index;
            if index.name.is_empty() {
                let basis = index_basis(&index).join("_");
                index.name = make_object_name(self.dialect, &table.name, Some(&basis), "idx");
            }
            if let Some((view, _)) = self.views.iter_mut().find(|(v, _)| v.name == table) {
                view.indexes.push(index);
            }
            return Ok(());
        }
        if create.name.is_some() {
            let draft = self.table_mut(&table, span)?;
            draft.table.indexes.push(index);
        } else {
            let basis = index_basis(&index);
            self.unnamed_indexes.push((
                table,
                PendingName {
                    item: index,
                    basis,
                    column_level: false,
                },
            ));
        }
        Ok(())
    }

    fn alter_table(
        &mut self,
        table: &QName,
        span: Span,
        operation: AlterTableOperation,
    ) -> Result<()> {
        let dialect = self.dialect;
        match operation {
            AlterTableOperation::AddConstraint { constraint, .. } => {
                let (at, mut draft) = self.take_table(table, span)?;
                let result = self.table_constraint(&mut draft, constraint);
                self.tables[at] = draft;
                result
            }
            AlterTableOperation::AddColumn { column_def, .. } => {
                let (at, mut draft) = self.take_table(table, span)?;
                let result = self.column(&mut draft, column_def);
                self.tables[at] = draft;
                result
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = self.name(&column_name);
                let draft = self.table_mut(table, span)?;
                if draft.table.column(&column).is_none() {
                    return Err(self.missing(
                        column_name.span,
                        format!("column {table}.{column} does not exist"),
                    ));
                }
                let lifted_identity = match &op {
                    AlterColumnOperation::AddGenerated { .. } => {
                        self.identity_options.next().unwrap_or_default()
                    }
                    _ => (None, None),
                };
                let draft = self.table_mut(table, span)?;
                let target = draft.table.column_mut(&column).expect("checked above");
                match op {
                    AlterColumnOperation::SetNotNull => target.nullable = false,
                    AlterColumnOperation::DropNotNull => target.nullable = true,
                    AlterColumnOperation::SetDefault { value } => {
                        target.default = Some(normalize::default_ast(dialect, value, &target.ty));
                    }
                    AlterColumnOperation::DropDefault => target.default = None,
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        target.ty = normalize::parse_type(dialect, &data_type.to_string());
                    }
                    AlterColumnOperation::AddGenerated { generated_as, .. } => {
                        target.identity = Some(match generated_as {
                            Some(GeneratedAs::ByDefault) => Identity::ByDefault,
                            _ => Identity::Always,
                        });
                        target.identity_options =
                            IdentityOptions::non_default(lifted_identity.0, lifted_identity.1);
                        target.nullable = false;
                    }
                }
                Ok(())
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                let draft = self.table_mut(table, span)?;
                for ident in &column_names {
                    let column = ident_name(dialect, ident);
                    let before = draft.table.columns.len();
                    draft.table.columns.retain(|c| c.name != column);
                    if draft.table.columns.len() == before && !if_exists {
                        return Err(self.error(
                            ident.span,
                            format!("column {table}.{column} does not exist"),
                        ));
                    }
                    // Constraints and indexes on a dropped column go with it, as in the database.
                    let uses = |cols: &[String]| cols.contains(&column);
                    draft.table.indexes.retain(|i| {
                        !i.keys
                            .iter()
                            .any(|k| k.part == IndexPart::Column(column.clone()))
                    });
                    draft.table.uniques.retain(|u| !uses(&u.columns));
                    draft.table.foreign_keys.retain(|f| !uses(&f.columns));
                    if draft
                        .table
                        .primary_key
                        .as_ref()
                        .is_some_and(|p| uses(&p.columns))
                    {
                        draft.table.primary_key = None;
                    }
                }
                Ok(())
            }
            // MySQL's full column redefinitions: the column is declared again in place.
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => self.redefine_column(table, span, col_name.clone(), col_name, data_type, options),
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => self.redefine_column(table, span, old_name, new_name, data_type, options),
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let old = ident_name(dialect, &old_column_name);
                let new = ident_name(dialect, &new_column_name);
                let draft = self.table_mut(table, span)?;
                if draft.table.column(&old).is_none() {
                    return Err(self.error(
                        old_column_name.span,
                        format!("column {table}.{old} does not exist"),
                    ));
                }
                crate::diff::apply_column_rename(&mut draft.table, &old, &new);
                Ok(())
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (sqlparser::ast::RenameTableNameKind::As(name)
                | sqlparser::ast::RenameTableNameKind::To(name)) = table_name;
                let mut new_name = self.qname(&name);
                if new_name.schema.is_none() {
                    new_name.schema = table.schema.clone();
                }
                let draft = self.table_mut(table, span)?;
                draft.table.name = new_name.clone();
                if let Some(at) = self.positions.remove(table) {
                    self.positions.insert(new_name, at);
                }
                Ok(())
            }
            AlterTableOperation::DropConstraint { name, .. }
            | AlterTableOperation::DropForeignKey { name, .. }
            | AlterTableOperation::DropIndex { name, .. } => {
                let constraint = ident_name(dialect, &name);
                let draft = self.table_mut(table, span)?;
                let t = &mut draft.table;
                let count = t.foreign_keys.len()
                    + t.uniques.len()
                    + t.checks.len()
                    + t.indexes.len()
                    + usize::from(t.primary_key.is_some());
                let named = |n: &Option<String>| n.as_deref() == Some(constraint.as_str());
                t.foreign_keys.retain(|f| !named(&f.name));
                t.uniques.retain(|u| !named(&u.name));
                t.checks.retain(|c| !named(&c.name));
                t.indexes.retain(|i| i.name != constraint);
                if t.primary_key.as_ref().is_some_and(|p| named(&p.name)) {
                    t.primary_key = None;
                }
                let after = t.foreign_keys.len()
                    + t.uniques.len()
                    + t.checks.len()
                    + t.indexes.len()
                    + usize::from(t.primary_key.is_some());
                if count == after {
                    // Unnamed constraints get their names at the end; a drop by such a name waits for then.
                    draft.dropped_names.push(constraint);
                }
                Ok(())
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                let draft = self.table_mut(table, span)?;
                draft.table.primary_key = None;
                draft.unnamed_pk = false;
                Ok(())
            }
            // Validation, ownership, replica identity and trigger switches change no structure.
            AlterTableOperation::ValidateConstraint { .. }
            | AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity => Ok(()),
            other => Err(self.error(
                span,
                format!("unsupported in a schema file: ALTER TABLE … {other}"),
            )),
        }
    }

    /// Replace a column's whole definition, keeping its place (and renaming it where asked).
    fn redefine_column(
        &mut self,
        table: &QName,
        span: Span,
        old_name: Ident,
        new_name: Ident,
        data_type: sqlparser::ast::DataType,
        options: Vec<ColumnOption>,
    ) -> Result<()> {
        let old = self.name(&old_name);
        let new = self.name(&new_name);
        let (at, mut draft) = self.take_table(table, span)?;
        let Some(position) = draft.table.columns.iter().position(|c| c.name == old) else {
            self.tables[at] = draft;
            return Err(self.missing(
                old_name.span,
                format!("column {table}.{old} does not exist"),
            ));
        };
        if old != new {
            crate::diff::apply_column_rename(&mut draft.table, &old, &new);
        }
        draft.table.columns.remove(position);
        draft.column_spans.remove(&new);
        let def = ColumnDef {
            name: new_name,
            data_type,
            options: options
                .into_iter()
                .map(|option| sqlparser::ast::ColumnOptionDef { name: None, option })
                .collect(),
        };
        let result = self.column(&mut draft, def);
        if result.is_ok() {
            let column = draft.table.columns.pop().expect("column() adds the column");
            draft.table.columns.insert(position, column);
        }
        self.tables[at] = draft;
        result
    }

    /// Borrow a table draft out of the list, so a method taking `&mut self` can change it; the
    /// caller puts it back at the returned position.
    fn take_table(&mut self, table: &QName, span: Span) -> Result<(usize, TableDraft)> {
        match self.positions.get(table).copied() {
            Some(i) => {
                let placeholder = TableDraft::new(Table::new(table.clone()), span);
                Ok((i, std::mem::replace(&mut self.tables[i], placeholder)))
            }
            None => Err(self.missing(span, format!("table {table} is not defined"))),
        }
    }

    fn finish(mut self) -> Result<Schema> {
        let dialect = self.dialect;
        // Objects that share PostgreSQL's per-schema relation namespace, for implicit names.
        let mut used: BTreeSet<(Option<String>, String)> = BTreeSet::new();
        for draft in &self.tables {
            used.insert((
                draft.table.name.schema.clone(),
                draft.table.name.name.clone(),
            ));
            for name in draft.table.object_names() {
                used.insert((draft.table.name.schema.clone(), name.to_string()));
            }
        }
        for (view, _) in &self.views {
            used.insert((view.name.schema.clone(), view.name.name.clone()));
        }
        for sequence in self.schema.sequences.keys() {
            used.insert((sequence.schema.clone(), sequence.name.clone()));
        }
        let table_at = std::mem::take(&mut self.positions);
        let mut mysql_unnamed: std::collections::HashMap<QName, Vec<PendingName<Index>>> =
            std::collections::HashMap::new();
        if dialect == Dialect::Mysql {
            for (table, pending) in std::mem::take(&mut self.unnamed_indexes) {
                mysql_unnamed.entry(table).or_default().push(pending);
            }
        }
        let mut tables = std::mem::take(&mut self.tables);
        // Names the file gave itself: a drop that found nothing by such a name came before the
        // object was added (`DROP CONSTRAINT IF EXISTS x; ADD CONSTRAINT x …`), so it stays.
        let explicit: Vec<BTreeSet<String>> = tables
            .iter()
            .map(|draft| {
                draft
                    .table
                    .object_names()
                    .map(|name| name.to_string())
                    .collect()
            })
            .collect();
        for draft in tables.iter_mut() {
            let schema_key = draft.table.name.schema.clone();
            let table_name = draft.table.name.name.clone();
            match dialect {
                Dialect::Postgres => {
                    for column in std::mem::take(&mut draft.serials) {
                        let sequence = choose_name(
                            dialect,
                            &table_name,
                            std::slice::from_ref(&column),
                            "seq",
                            &mut used,
                            &schema_key,
                        );
                        if let Some(c) = draft.table.column_mut(&column) {
                            c.default = Some(DefaultValue::Sequence(QName::qualified(
                                schema_key.clone(),
                                sequence,
                            )));
                        }
                    }
                    if draft.unnamed_pk {
                        if let Some(pk) = draft.table.primary_key.as_mut() {
                            pk.name = Some(choose_name(
                                dialect,
                                &table_name,
                                &[],
                                "pkey",
                                &mut used,
                                &schema_key,
                            ));
                        }
                    }
                    for pending in std::mem::take(&mut draft.unnamed_checks) {
                        let mut check = pending.item;
                        check.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "check",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.checks.push(check);
                    }
                    for pending in std::mem::take(&mut draft.unnamed_uniques) {
                        let mut unique = pending.item;
                        unique.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "key",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.uniques.push(unique);
                    }
                    for pending in std::mem::take(&mut draft.unnamed_fks) {
                        let mut fk = pending.item;
                        fk.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "fkey",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.foreign_keys.push(fk);
                    }
                }
                Dialect::Mysql => {
                    // MySQL keeps the primary key unnamed (always PRIMARY) and every UNIQUE is an index.
                    if let Some(pk) = draft.table.primary_key.as_mut() {
                        pk.name = None;
                    }
                    let mut index_names: BTreeSet<String> = draft
                        .table
                        .indexes
                        .iter()
                        .map(|i| i.name.to_ascii_lowercase())
                        .collect();
                    let explicit_uniques = std::mem::take(&mut draft.table.uniques);
                    for unique in explicit_uniques {
                        let name = unique.name.clone().unwrap_or_default();
                        index_names.insert(name.to_ascii_lowercase());
                        draft.table.indexes.push(Index {
                            name,
                            unique: true,
                            keys: unique.columns.iter().map(IndexKey::column).collect(),
                            method: None,
                            predicate: None,
                            include: Vec::new(),
                        });
                    }
                    for pending in std::mem::take(&mut draft.unnamed_uniques) {
                        let name = mysql_index_name(&pending.basis[0], &mut index_names);
                        draft.table.indexes.push(Index {
                            name,
                            unique: true,
                            keys: pending.item.columns.iter().map(IndexKey::column).collect(),
                            method: None,
                            predicate: None,
                            include: Vec::new(),
                        });
                    }
                    // MariaDB names a column-level CHECK after its column and a table-level one
                    // CONSTRAINT_N, the lowest N no explicit name already uses.
                    let mut check_names: BTreeSet<String> = draft
                        .table
                        .checks
                        .iter()
                        .filter_map(|c| c.name.clone())
                        .collect();
                    let pending_checks = std::mem::take(&mut draft.unnamed_checks);
                    for pending in pending_checks.iter().filter(|p| p.column_level) {
                        check_names.insert(pending.basis[0].clone());
                    }
                    for pending in pending_checks {
                        let mut check = pending.item;
                        check.name = Some(if pending.column_level {
                            pending.basis[0].clone()
                        } else {
                            let n = (1..)
                                .find(|n| !check_names.contains(&format!("CONSTRAINT_{n}")))
                                .unwrap_or(1);
                            let name = format!("CONSTRAINT_{n}");
                            check_names.insert(name.clone());
                            name
                        });
                        draft.table.checks.push(check);
                    }
                    let explicit_fk_names: BTreeSet<String> = draft
                        .table
                        .foreign_keys
                        .iter()
                        .filter_map(|f| f.name.clone())
                        .collect();
                    let mut fk_number = 0;
                    for pending in std::mem::take(&mut draft.unnamed_fks) {
                        let mut fk = pending.item;
                        fk_number += 1;
                        fk.name = Some(format!("{table_name}_ibfk_{fk_number}"));
                        draft.table.foreign_keys.push(fk);
                    }
                    // Unnamed plain indexes of this table take their names now, in file order.
                    for pending in mysql_unnamed.remove(&draft.table.name).unwrap_or_default() {
                        let mut index = pending.item;
                        let first = pending
                            .basis
                            .first()
                            .cloned()
                            .unwrap_or_else(|| "idx".into());
                        index.name = mysql_index_name(&first, &mut index_names);
                        draft.table.indexes.push(index);
                    }
                    // InnoDB adds an index for each foreign key that no index starts with, named after
                    // the constraint when it was named, else after the first column.
                    let fks = draft.table.foreign_keys.clone();
                    for fk in fks {
                        let covered = draft
                            .table
                            .indexes
                            .iter()
                            .any(|index| starts_with_columns(index, &fk.columns))
                            || draft
                                .table
                                .primary_key
                                .as_ref()
                                .is_some_and(|pk| pk.columns.starts_with(&fk.columns));
                        if !covered {
                            let name = fk
                                .name
                                .clone()
                                .filter(|n| explicit_fk_names.contains(n))
                                .unwrap_or_else(|| fk.columns[0].clone());
                            let name = if index_names.contains(&name.to_ascii_lowercase()) {
                                mysql_index_name(&name, &mut index_names)
                            } else {
                                index_names.insert(name.to_ascii_lowercase());
                                name
                            };
                            draft.table.indexes.push(Index {
                                name,
                                unique: false,
                                keys: fk.columns.iter().map(IndexKey::column).collect(),
                                method: None,
                                predicate: None,
                                include: Vec::new(),
                            });
                        }
                    }
                    if draft.table.options.engine.as_deref() == Some("innodb") {
                        draft.table.options.engine = None;
                    }
                }
                Dialect::Sqlite => {
                    draft
                        .table
                        .uniques
                        .extend(draft.unnamed_uniques.drain(..).map(|p| p.item));
                    draft
                        .table
                        .checks
                        .extend(draft.unnamed_checks.drain(..).map(|p| p.item));
                    draft
                        .table
                        .foreign_keys
                        .extend(draft.unnamed_fks.drain(..).map(|p| p.item));
                }
            }
        }
        // Unnamed CREATE INDEX statements (PostgreSQL and SQLite).
        for (table_name, pending) in std::mem::take(&mut self.unnamed_indexes) {
            let Some(draft) = table_at.get(&table_name).and_then(|&at| tables.get_mut(at)) else {
                continue;
            };
            let mut index = pending.item;
            let basis: Vec<String> = pending.basis;
            index.name = choose_name(
                dialect,
                &table_name.name,
                &basis,
                "idx",
                &mut used,
                &table_name.schema,
            );
            draft.table.indexes.push(index);
        }
        // Drops by names the server would have chosen, now that every name is known.
        for (draft, explicit) in tables.iter_mut().zip(&explicit) {
            for name in std::mem::take(&mut draft.dropped_names) {
                if explicit.contains(&name) {
                    continue;
                }
                let t = &mut draft.table;
                let named = |n: &Option<String>| n.as_deref() == Some(name.as_str());
                t.foreign_keys.retain(|f| !named(&f.name));
                t.uniques.retain(|u| !named(&u.name));
                t.checks.retain(|c| !named(&c.name));
                t.indexes.retain(|i| i.name != name);
                if t.primary_key.as_ref().is_some_and(|p| named(&p.name)) {
                    t.primary_key = None;
                }
            }
        }
        for (sequence, table, column) in std::mem::take(&mut self.sequence_owners) {
            // Ownership is recorded here; `collapse_serial_sequences` then folds a sequence owned
            // by the very column whose default draws from it into that column (a serial).
            if let Some(seq) = self.schema.sequences.get_mut(&sequence) {
                seq.owned_by = Some((table, column));
            }
        }
        let enum_names: BTreeMap<String, QName> = self
            .schema
            .enums
            .keys()
            .flat_map(|q| {
                let plain = q.name.to_ascii_lowercase();
                let qualified = q.to_string().to_ascii_lowercase();
                [(plain, q.clone()), (qualified, q.clone())]
            })
            .collect();
        for mut draft in tables {
            for column in draft.table.columns.iter_mut() {
                resolve_enum(&mut column.ty, &enum_names);
            }
            self.check_types(&draft)?;
            self.collapse_serial_sequences(&mut draft);
            let table = draft.table;
            if self.schema.tables.contains_key(&table.name) {
                return Err(
                    self.error(draft.span, format!("table {} is defined twice", table.name))
                );
            }
            self.schema.tables.insert(table.name.clone(), table);
        }
        for (mut view, span) in std::mem::take(&mut self.views) {
            // Servers store a view's column list as aliases in its query; do the same.
            if !view.columns.is_empty() {
                if let Some(aliased) =
                    normalize::alias_view_columns(dialect, &view.definition, &view.columns)
                {
                    view.definition = aliased;
                    view.columns.clear();
                }
            }
            view.definition = normalize::view_query(dialect, &view.definition, &|name: &str| {
                self.schema
                    .tables
                    .values()
                    .find(|t| t.name.name == name || t.name.to_string() == name)
                    .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
            });
            if self.schema.views.contains_key(&view.name) {
                return Err(self.error(span, format!("view {} is defined twice", view.name)));
            }
            self.schema.views.insert(view.name.clone(), view);
        }
        let mut schema = self.schema;
        schema.canonicalize();
        Ok(schema)
    }

    /// A sequence declared separately but used as a column's `nextval` default and owned by that
    /// column is exactly what `serial` creates; the model keeps it on the column only.
    fn collapse_serial_sequences(&mut self, draft: &mut TableDraft) {
        for column in draft.table.columns.iter() {
            if let Some(DefaultValue::Sequence(seq)) = &column.default {
                let owned_here = self
                    .schema
                    .sequences
                    .get(seq)
                    .and_then(|s| s.owned_by.as_ref())
                    .is_some_and(|(t, c)| *t == draft.table.name && *c == column.name);
                if owned_here {
                    self.schema.sequences.remove(seq);
                }
            }
        }
    }

    /// An unknown type is an error (with its position), except in SQLite, which accepts any name.
    fn check_types(&self, draft: &TableDraft) -> Result<()> {
        if self.dialect == Dialect::Sqlite {
            return Ok(());
        }
        for column in &draft.table.columns {
            let mut ty = &column.ty;
            while let Type::Array { element } = ty {
                ty = element;
            }
            if let Type::Custom { name } = ty {
                if !known_custom_type(self.dialect, name, &self.schema) {
                    let span = draft
                        .column_spans
                        .get(&column.name)
                        .copied()
                        .unwrap_or(draft.span);
                    return Err(self.error(
                        span,
                        format!(
                            "unknown type `{name}` for column {}.{} (declare it with CREATE TYPE or CREATE EXTENSION in the same schema)",
                            draft.table.name, column.name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

fn statement_name_span(names: &[ObjectName]) -> ObjectName {
    names
        .first()
        .cloned()
        .unwrap_or_else(|| ObjectName(Vec::new()))
}

fn starts_with_columns(index: &Index, columns: &[String]) -> bool {
    index.keys.len() >= columns.len()
        && index
            .keys
            .iter()
            .zip(columns)
            .all(|(key, column)| matches!(&key.part, IndexPart::Column(c) if c.eq_ignore_ascii_case(column)))
}

/// MySQL names an unnamed index after its first column, adding `_2`, `_3` on a clash.
fn mysql_index_name(first_column: &str, used: &mut BTreeSet<String>) -> String {
    let mut name = first_column.to_string();
    let mut n = 2;
    while used.contains(&name.to_ascii_lowercase()) || name.eq_ignore_ascii_case("PRIMARY") {
        name = format!("{first_column}_{n}");
        n += 1;
    }
    used.insert(name.to_ascii_lowercase());
    name
}

/// The column names (or `expr` / function names) PostgreSQL builds an implicit index name from.
fn index_basis(index: &Index) -> Vec<String> {
    index
        .keys
        .iter()
        .map(|key| match &key.part {
            IndexPart::Column(c) => c.clone(),
            IndexPart::Expr(e) => {
                let head: String = e
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() && e[head.len()..].starts_with('(') {
                    head
                } else {
                    "expr".to_string()
                }
            }
        })
        .collect()
}

/// PostgreSQL's ChooseRelationName / ChooseConstraintName: `table_col1_col2_label`, each part
/// truncated so the whole fits in 63 bytes, and a number appended to the label on a clash.
fn choose_name(
    dialect: Dialect,
    table: &str,
    columns: &[String],
    label: &str,
    used: &mut BTreeSet<(Option<String>, String)>,
    schema: &Option<String>,
) -> String {
    let name2 = columns.join("_");
    let mut pass = 0;
    loop {
        let label_now = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let name = make_object_name(
            dialect,
            table,
            if name2.is_empty() { None } else { Some(&name2) },
            &label_now,
        );
        let key = (schema.clone(), name.clone());
        if !used.contains(&key) {
            used.insert(key);
            return name;
        }
        pass += 1;
    }
}

pub(crate) fn make_object_name(
    dialect: Dialect,
    name1: &str,
    name2: Option<&str>,
    label: &str,
) -> String {
    let max = dialect.max_identifier_len();
    let overhead = label.len() + 1 + if name2.is_some() { 1 } else { 0 };
    let available = max.saturating_sub(overhead);
    let mut len1 = name1.len();
    let mut len2 = name2.map(str::len).unwrap_or(0);
    while len1 + len2 > available {
        if len1 > len2 {
            len1 -= 1;
        } else {
            len2 -= 1;
        }
    }
    let part1 = clip_to_char_boundary(name1, len1);
    let mut name = part1.to_string();
    if let Some(name2) = name2 {
        name.push('_');
        name.push_str(clip_to_char_boundary(name2, len2));
    }
    name.push('_');
    name.push_str(label);
    name
}

fn clip_to_char_boundary(text: &str, mut len: usize) -> &str {
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    &text[..len]
}

fn collect_identifiers(expr: &Expr, dialect: Dialect, out: &mut BTreeSet<String>) {
    use std::ops::ControlFlow;
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        match e {
            Expr::Identifier(ident) => {
                out.insert(ident_name(dialect, ident));
            }
            Expr::CompoundIdentifier(parts) => {
                if let Some(last) = parts.last() {
                    out.insert(ident_name(dialect, last));
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
}

fn resolve_enum(ty: &mut Type, enums: &BTreeMap<String, QName>) {
    match ty {
        Type::Array { element } => resolve_enum(element, enums),
        Type::Custom { name } => {
            let key = name.replace('"', "").to_ascii_lowercase();
            let key = key.strip_prefix("public.").unwrap_or(&key).to_string();
            if let Some(q) = enums.get(&key) {
                *ty = Type::Enum { name: q.clone() };
            }
        }
        _ => {}
    }
}

const POSTGRES_BUILTIN_TYPES: &[&str] = &[
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "tsvector",
    "tsquery",
    "xml",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "oid",
    "regclass",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "pg_lsn",
    "txid_snapshot",
    "pg_snapshot",
    "name",
    "bit varying",
    "bit",
    "regtype",
    "char",
    "\"char\"",
];

const POSTGRES_EXTENSION_TYPES: &[(&str, &str)] = &[
    ("citext", "citext"),
    ("hstore", "hstore"),
    ("ltree", "ltree"),
    ("cube", "cube"),
    ("isn", "isbn"),
    ("isn", "ean13"),
    ("isn", "issn"),
    ("seg", "seg"),
    ("postgis", "geometry"),
    ("postgis", "geography"),
    ("vector", "vector"),
];

const MYSQL_EXTRA_TYPES: &[&str] = &[
    "bit",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "inet4",
    "inet6",
    "uuid",
];

fn known_custom_type(dialect: Dialect, name: &str, schema: &Schema) -> bool {
    let base = name.split('(').next().unwrap_or(name).trim();
    match dialect {
        Dialect::Postgres => {
            let base = base.strip_prefix("pg_catalog.").unwrap_or(base);
            POSTGRES_BUILTIN_TYPES.contains(&base)
                || base.starts_with("interval")
                || POSTGRES_EXTENSION_TYPES.iter().any(|(extension, ty)| {
                    *ty == base && schema.extensions.contains_key(*extension)
                })
        }
        Dialect::Mysql => MYSQL_EXTRA_TYPES.contains(&base),
        Dialect::Sqlite => true,
    }
}

fn comment_text(comment: &sqlparser::ast::CommentDef) -> String {
    match comment {
        sqlparser::ast::CommentDef::WithEq(s) | sqlparser::ast::CommentDef::WithoutEq(s) => {
            s.clone()
        }
    }
}

fn unquote_collation(text: &str, dialect: Dialect) -> String {
    let trimmed = text.trim();
    if let Some(inner) = trimmed.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return inner.replace("\"\"", "\"");
    }
    let inner = trimmed.trim_matches('`').trim_matches('\'');
    match dialect {
        Dialect::Postgres => inner.to_lowercase(),
        _ => inner.to_ascii_lowercase(),
    }
}

fn expr_i64(expr: &Expr) -> Option<i64> {
    let text = expr.to_string().replace(' ', "");
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(text: &str) -> Schema {
        parse(Dialect::Postgres, text, "schema.sql").expect("parses")
    }

    fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
        schema.tables.get(&QName::new(name)).expect("table exists")
    }

    #[test]
    fn a_drop_if_exists_before_the_add_of_that_name_keeps_the_added_one() {
        // How re-runnable scripts (migen's own among them) add a constraint.
        let schema = pg("CREATE TABLE t (id int PRIMARY KEY, c text);
            ALTER TABLE t DROP CONSTRAINT IF EXISTS t_c_nn;
            ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;");
        assert_eq!(table(&schema, "t").checks.len(), 1);
        // A drop by a name the server chooses later still takes that constraint.
        let schema = pg("CREATE TABLE t (id int, c int CHECK (c > 0));
            ALTER TABLE t DROP CONSTRAINT t_c_check;");
        assert!(table(&schema, "t").checks.is_empty());
    }

    #[test]
    fn postgres_implicit_names_follow_the_server() {
        // Names observed on PostgreSQL 15 for the same statement.
        let schema = pg("CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0), b int, c int REFERENCES t(id),
            CHECK (a > b), CHECK (b > 0), CHECK (1 < 2), UNIQUE (a, b));
            CREATE INDEX ON t (a); CREATE INDEX ON t (a); CREATE INDEX ON t (lower(b::text)); CREATE INDEX ON t ((a + b));");
        let t = table(&schema, "t");
        let mut checks: Vec<&str> = t.checks.iter().filter_map(|c| c.name.as_deref()).collect();
        checks.sort();
        assert_eq!(checks, ["t_a_check", "t_b_check", "t_check", "t_check1"]);
        assert_eq!(
            t.primary_key.as_ref().unwrap().name.as_deref(),
            Some("t_pkey")
        );
        assert_eq!(t.uniques[0].name.as_deref(), Some("t_a_b_key"));
        assert_eq!(t.foreign_keys[0].name.as_deref(), Some("t_c_fkey"));
        let indexes: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            indexes,
            ["t_a_idx", "t_a_idx1", "t_expr_idx", "t_lower_idx"]
        );
    }

    #[test]
    fn postgres_long_implicit_names_are_truncated_like_the_server() {
        let schema = pg(
            "CREATE TABLE \"Long_________________________________________________________name\" (averyveryveryveryverylongcolumnname_____________________x int UNIQUE);",
        );
        let t = schema.tables.values().next().unwrap();
        assert_eq!(
            t.uniques[0].name.as_deref(),
            Some("Long__________________________averyveryveryveryverylongcolu_key")
        );
    }

    #[test]
    fn serial_becomes_a_sequence_default() {
        let schema = pg("CREATE TABLE posts (id bigserial PRIMARY KEY);");
        let id = table(&schema, "posts").column("id").unwrap();
        assert_eq!(
            id.ty,
            Type::Integer {
                bits: 64,
                unsigned: false
            }
        );
        assert_eq!(
            id.default,
            Some(DefaultValue::Sequence(QName::new("posts_id_seq")))
        );
        assert!(
            schema.sequences.is_empty(),
            "a serial's sequence belongs to its column"
        );
    }

    #[test]
    fn mysql_implicit_names_follow_mariadb() {
        let schema = parse(
            Dialect::Mysql,
            "CREATE TABLE p (id INT PRIMARY KEY);
             CREATE TABLE c (id INT PRIMARY KEY, a INT CHECK (a > 0), b INT, p1 INT, p2 INT,
               CHECK (a < b), UNIQUE (a), KEY (a, b),
               FOREIGN KEY (p1) REFERENCES p (id), CONSTRAINT c_p2 FOREIGN KEY (p2) REFERENCES p (id));",
            "schema.sql",
        )
        .unwrap();
        let c = table(&schema, "c");
        let mut checks: Vec<&str> = c.checks.iter().filter_map(|x| x.name.as_deref()).collect();
        checks.sort();
        assert_eq!(checks, ["CONSTRAINT_1", "a"]);
        let fks: Vec<&str> = c
            .foreign_keys
            .iter()
            .filter_map(|f| f.name.as_deref())
            .collect();
        assert_eq!(fks, ["c_ibfk_1", "c_p2"]);
        let mut indexes: Vec<&str> = c.indexes.iter().map(|i| i.name.as_str()).collect();
        indexes.sort();
        // UNIQUE (a) takes `a`, KEY (a, b) `a_2`; the foreign keys get indexes named after the
        // column (unnamed constraint) and after the constraint (named one).
        assert_eq!(indexes, ["a", "a_2", "c_p2", "p1"]);
        assert!(c.primary_key.as_ref().unwrap().name.is_none());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let error = parse(
            Dialect::Postgres,
            "CREATE TABLE t (\n  id int,\n  name text NOT NULLL\n);",
            "bad.sql",
        )
        .unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("bad.sql:3:"), "{text}");
        assert_eq!(error.exit_code(), 2);
        let error = parse(
            Dialect::Postgres,
            "CREATE TABLE t (\n  id int,\n  a footype\n);",
            "bad.sql",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("bad.sql:3:3: unknown type `footype`"),
            "{error}"
        );
    }

    #[test]
    fn statements_in_any_order() {
        let schema = pg("CREATE INDEX i ON t (a); COMMENT ON TABLE t IS 'x'; ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);
            CREATE TABLE t (a int);");
        let t = table(&schema, "t");
        assert_eq!(t.indexes[0].name, "i");
        assert_eq!(t.comment.as_deref(), Some("x"));
        assert_eq!(t.uniques[0].name.as_deref(), Some("t_a_key"));
    }

    #[test]
    fn mysql_modify_and_change_column_redefine_in_place() {
        let schema = parse(
            Dialect::Mysql,
            "CREATE TABLE t (id INT PRIMARY KEY, qty INT, note TEXT, KEY t_qty (qty));
             ALTER TABLE t MODIFY COLUMN note VARCHAR(10) NOT NULL;
             ALTER TABLE t CHANGE COLUMN qty quantity BIGINT UNSIGNED NOT NULL DEFAULT 0;",
            "schema.sql",
        )
        .unwrap();
        let t = table(&schema, "t");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "quantity", "note"]);
        assert_eq!(
            t.column("quantity").unwrap().ty,
            Type::Integer {
                bits: 64,
                unsigned: true
            }
        );
        assert!(!t.column("note").unwrap().nullable);
        assert_eq!(
            t.indexes[0].keys[0].part,
            IndexPart::Column("quantity".into())
        );
    }

    #[test]
    fn a_drop_in_file_order_removes_what_came_before() {
        let schema = parse(
            Dialect::Mysql,
            "DROP TABLE IF EXISTS t; CREATE TABLE t (a INT); CREATE TABLE gone (a INT); DROP TABLE gone;",
            "dump.sql",
        )
        .unwrap();
        assert_eq!(
            schema
                .tables
                .keys()
                .map(|k| k.name.as_str())
                .collect::<Vec<_>>(),
            ["t"]
        );
    }
}
