//! SQL DDL files → `Schema`, per dialect, through sqlparser. sqlparser types stop here.
//!
//! Statements may come in any order: everything is collected first and resolved at the end
//! (enum column types, implicit constraint and index names the server would choose,
//! MySQL's automatic foreign-key indexes, `*` in views).
//!
//! `table` reads CREATE TABLE and CREATE INDEX, `alter` ALTER TABLE, `resolve` completes the
//! schema at the end; `compat` rewrites syntax sqlparser does not read before it parses.

mod alter;
mod compat;
pub(crate) mod reader;
mod resolve;
mod table;
mod unreadable;

use std::collections::BTreeMap;

use sqlparser::ast::{
    AlterTypeAddValuePosition, AlterTypeOperation, CommentObject, Expr, Ident, ObjectName,
    ObjectType, SchemaName, SequenceOptions, Statement, UserDefinedTypeRepresentation,
};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Span;

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
    let mut prepared = compat::prepare(dialect, text);
    let statements = loop {
        let parser = match prepared.tokens.take() {
            Some(tokens) => {
                Ok(Parser::new(sql_dialect.as_ref()).with_tokens_with_locations(tokens))
            }
            None => Parser::new(sql_dialect.as_ref()).try_with_sql(&prepared.text),
        };
        match parser.and_then(|mut p| p.parse_statements()) {
            Ok(statements) => break statements,
            Err(error) => {
                let (message, line, column) = parser_position(&error);
                if !unreadable::carry(dialect, &mut prepared, line, column, &message) {
                    return Err(Error::parse(file, line, column, message));
                }
            }
        }
    };
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
    notes.extend(prepared.unreadable.iter().map(|(line, what, why)| {
        format!(
            "{file}:{line}: {what} … could not be read ({why}); it changes nothing migen models, so migen leaves it alone"
        )
    }));
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

/// sqlparser's message without its position, and the position (1, 1 when it gives none).
fn parser_position(error: &ParserError) -> (String, u64, u64) {
    let text = error.to_string();
    let text = text.trim_start_matches("sql parser error: ");
    // sqlparser appends " at Line: L, Column: C" to its messages.
    match text.rfind(" at Line: ") {
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
    }
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
}

fn statement_name_span(names: &[ObjectName]) -> ObjectName {
    names
        .first()
        .cloned()
        .unwrap_or_else(|| ObjectName(Vec::new()))
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
