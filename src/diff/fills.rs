//! Fills: the value existing rows get when a column becomes NOT NULL, or a NOT NULL column
//! without a default is added to a table that may hold rows; and derived columns, an added
//! column filled from an expression over the row's other columns.
//!
//! A fill is SQL of the migration's dialect, written by the user (`--fill users.status="'active'"`
//! or `[fill]` in migen.toml): a constant or any expression over the row's columns. migen does
//! not translate it between dialects; it parses it for the dialect, checks that the columns it
//! names exist, and refuses `||` for MySQL, where it means OR.
//!
//! Like renames, a missing fill is a question: asked on a terminal or in the wizard, a run
//! without one stops with exit 3. A live source that shows no NULLs (or an empty table) needs
//! no fill, and is not asked.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use serde::Serialize;
use sqlparser::ast::{
    BinaryOperator, Expr, Ident, Spanned, visit_expressions, visit_expressions_mut,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use crate::model::{Column, Dialect, QName, Schema, Table};
use crate::normalize::sql_dialect;

use super::Change;

/// Why existing rows need a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FillKind {
    /// A nullable column becomes NOT NULL.
    SetNotNull,
    /// A NOT NULL column without a default is added to an existing table.
    AddNotNull,
}

/// A column whose existing rows need a value before it can be NOT NULL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FillQuestion {
    pub kind: FillKind,
    pub table: QName,
    pub column: String,
    /// The column's type, as the question shows it.
    pub type_name: String,
}

impl FillQuestion {
    /// `users.status`, as `--fill` names it.
    pub fn key(&self) -> String {
        format!("{}.{}", self.table, self.column)
    }

    pub fn question(&self) -> String {
        match self.kind {
            FillKind::SetNotNull => format!(
                "Column {} ({}) becomes NOT NULL: what value do its rows holding NULL get? (a constant or a SQL expression over the row's columns)",
                self.key(),
                self.type_name
            ),
            FillKind::AddNotNull => format!(
                "Column {} ({}) is added NOT NULL without a default: what value do the existing rows get? (a constant or a SQL expression over the row's columns)",
                self.key(),
                self.type_name
            ),
        }
    }

    /// The flag that answers the question, with a placeholder for the value.
    pub fn flag(&self) -> String {
        format!("--fill {}=\"<SQL>\"", self.key())
    }
}

/// A value for existing rows of one column: SQL of the plan's dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// The table as the user named it (`users` or `app.users`).
    pub table: String,
    pub column: String,
    /// The expression as written.
    pub expr: String,
    /// The expression with the row's columns read from the trigger's `NEW` row.
    pub new_row_expr: String,
    /// The same over the trigger's `OLD` row (the value before an update).
    pub old_row_expr: String,
    /// Whether the expression reads other columns of the row (a derived column), rather than
    /// being a constant.
    pub derived: bool,
    /// The row's columns the expression reads (as the table names them).
    pub reads: Vec<String>,
}

impl Fill {
    fn names(&self, table: &QName, column: &str) -> bool {
        self.column == column && (self.table == table.to_string() || self.table == table.name)
    }
}

/// Answers to fill questions, and the columns a live source showed need none.
#[derive(Debug, Clone, Default)]
pub struct FillAnswers {
    pub fills: Vec<Fill>,
    /// `(table, column)` whose rows need no fill: no NULLs there, or the table is empty.
    pub unneeded: BTreeSet<(QName, String)>,
    /// Ask nothing: the user says no existing row needs a value (`--no-fill`).
    pub none_needed: bool,
}

impl FillAnswers {
    pub fn get(&self, table: &QName, column: &str) -> Option<&Fill> {
        self.fills.iter().find(|f| f.names(table, column))
    }

    fn unneeded(&self, table: &QName, column: &str) -> bool {
        self.unneeded.contains(&(table.clone(), column.to_string()))
    }

    /// Add a fill unless the same column already has one (the first given wins: the command
    /// line is read before migen.toml).
    pub fn push(&mut self, fill: Fill) {
        if !self
            .fills
            .iter()
            .any(|f| f.table == fill.table && f.column == fill.column)
        {
            self.fills.push(fill);
        }
    }
}

/// What is wrong with a fill, and where in the expression (line and column from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillError {
    pub message: String,
    pub line: u64,
    pub column: u64,
}

impl FillError {
    fn at(message: impl Into<String>, line: u64, column: u64) -> FillError {
        FillError {
            message: message.into(),
            line: line.max(1),
            column: column.max(1),
        }
    }
}

/// Split `table.column=expression` (the form `--fill` takes).
pub fn split_flag(value: &str) -> Option<(&str, &str)> {
    let (key, expr) = value.split_once('=')?;
    Some((key.trim(), expr))
}

/// Check a fill for `key` (`table.column`) against the target schema and the dialect.
pub fn parse_fill(
    dialect: Dialect,
    schema: &Schema,
    key: &str,
    expr: &str,
) -> Result<Fill, FillError> {
    let Some((table_name, column)) = key.rsplit_once('.') else {
        return Err(FillError::at(
            format!("`{key}`: name the column as table.column"),
            1,
            1,
        ));
    };
    let table = schema
        .tables
        .values()
        .find(|t| t.name.to_string() == table_name || t.name.name == table_name)
        .ok_or_else(|| {
            FillError::at(format!("no table {table_name} in the target schema"), 1, 1)
        })?;
    if table.column(column).is_none() {
        return Err(FillError::at(
            format!("table {table_name} has no column {column} in the target schema"),
            1,
            1,
        ));
    }
    if expr.trim().is_empty() {
        return Err(FillError::at("the fill value is empty", 1, 1));
    }
    let parsed = parse_expr(dialect, expr)?;
    let mut derived = false;
    let mut reads: Vec<String> = Vec::new();
    let mut problem: Option<FillError> = None;
    let has_subquery = {
        let mut found = false;
        let _ = visit_expressions(&parsed, |e: &Expr| {
            if matches!(
                e,
                Expr::Subquery(_) | Expr::Exists { .. } | Expr::InSubquery { .. }
            ) {
                found = true;
            }
            ControlFlow::<()>::Continue(())
        });
        found
    };
    let _ = visit_expressions(&parsed, |e: &Expr| {
        match e {
            Expr::Identifier(ident) => {
                if let Some(column) = row_column(table, ident) {
                    derived = true;
                    reads.push(column.name.clone());
                } else if !has_subquery && !is_keyword_value(&ident.value) {
                    let at = ident.span.start;
                    problem = Some(FillError::at(
                        format!(
                            "`{}` is not a column of {table_name} (a string constant takes single quotes: '{}')",
                            ident.value, ident.value
                        ),
                        at.line,
                        at.column,
                    ));
                    return ControlFlow::Break(());
                }
            }
            Expr::CompoundIdentifier(parts) => {
                derived = derived || parts.len() > 1;
                if let Some(column) = parts.last().and_then(|last| row_column(table, last)) {
                    reads.push(column.name.clone());
                }
            }
            Expr::BinaryOp {
                op: BinaryOperator::StringConcat,
                ..
            } if dialect == Dialect::Mysql => {
                let at = e.span().start;
                problem = Some(FillError::at(
                    "in MySQL and MariaDB `||` means OR (unless sql_mode has PIPES_AS_CONCAT): write CONCAT(a, b)",
                    at.line,
                    at.column,
                ));
                return ControlFlow::Break(());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    });
    if let Some(problem) = problem {
        return Err(problem);
    }
    Ok(Fill {
        table: table_name.to_string(),
        column: column.to_string(),
        expr: expr.trim().to_string(),
        new_row_expr: row_expr(parsed.clone(), table, "NEW"),
        old_row_expr: row_expr(parsed, table, "OLD"),
        derived,
        reads,
    })
}

/// The column of `table` an unqualified identifier names, if any.
fn row_column<'a>(table: &'a Table, ident: &Ident) -> Option<&'a Column> {
    table.columns.iter().find(|c| {
        if ident.quote_style.is_some() {
            c.name == ident.value
        } else {
            c.name.eq_ignore_ascii_case(&ident.value)
        }
    })
}

/// Words that read as identifiers but are values (`CURRENT_TIMESTAMP` without parentheses).
fn is_keyword_value(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    word.starts_with("current_")
        || word.starts_with("localtime")
        || matches!(word.as_str(), "true" | "false" | "null" | "default")
}

fn parse_expr(dialect: Dialect, text: &str) -> Result<Expr, FillError> {
    let sql_dialect = sql_dialect(dialect);
    let located = |message: String| {
        let (line, column) = position_in(&message).unwrap_or((1, 1));
        let message = match message.find(" at Line: ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        FillError::at(
            format!("not a {dialect} SQL expression: {message}"),
            line,
            column,
        )
    };
    let mut parser = Parser::new(sql_dialect.as_ref())
        .try_with_sql(text)
        .map_err(|e| located(e.to_string()))?;
    let parsed = parser.parse_expr().map_err(|e| located(e.to_string()))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        let at = next.span.start;
        return Err(FillError::at(
            format!(
                "not a {dialect} SQL expression: unexpected `{}` after the expression",
                next.token
            ),
            at.line,
            at.column,
        ));
    }
    Ok(parsed)
}

/// `Line: 1, Column: 7` in a sqlparser message.
fn position_in(message: &str) -> Option<(u64, u64)> {
    let after_line = &message[message.find("Line: ")? + 6..];
    let line: u64 = after_line
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let after_column = &after_line[after_line.find("Column: ")? + 8..];
    let column: u64 = after_column
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((line, column))
}

/// The expression with each column of the row read from the trigger's `row` (NEW or OLD).
fn row_expr(mut parsed: Expr, table: &Table, row: &str) -> String {
    let _ = visit_expressions_mut(&mut parsed, |e: &mut Expr| {
        match e {
            Expr::Identifier(ident) if row_column(table, ident).is_some() => {
                *e = Expr::CompoundIdentifier(vec![Ident::new(row), ident.clone()]);
            }
            Expr::CompoundIdentifier(parts) if parts.len() == 2 => {
                parts[0] = Ident::new(row);
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    parsed.to_string()
}

/// Where existing rows need a value: columns made NOT NULL, and NOT NULL columns without a
/// default added to existing tables.
pub fn fill_sites(dialect: Dialect, changes: &[Change]) -> Vec<FillQuestion> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::AlterColumn { table, from, to } if from.nullable && !to.nullable => {
                Some(question(dialect, FillKind::SetNotNull, table, to))
            }
            Change::AddColumn { table, column } if needs_value(column) => {
                Some(question(dialect, FillKind::AddNotNull, table, column))
            }
            _ => None,
        })
        .collect()
}

/// A NOT NULL column nothing fills by itself.
fn needs_value(column: &Column) -> bool {
    !column.nullable
        && column.default.is_none()
        && column.generated.is_none()
        && column.identity.is_none()
        && !column.auto_increment
}

fn question(dialect: Dialect, kind: FillKind, table: &QName, column: &Column) -> FillQuestion {
    FillQuestion {
        kind,
        table: table.clone(),
        column: column.name.clone(),
        type_name: crate::normalize::type_sql(dialect, &column.ty),
    }
}

/// The fill of a column made NOT NULL with a default: the default, where the column is NULL.
/// `None` for a default that is not a value for existing rows (a sequence or an identity).
pub fn default_fill(dialect: Dialect, table: &QName, column: &Column) -> Option<Fill> {
    let default = column.default.as_ref()?;
    if matches!(default, crate::model::DefaultValue::Sequence(_)) || column.identity.is_some() {
        return None;
    }
    let expr = crate::normalize::column_default_sql(dialect, &column.ty, default);
    Some(Fill {
        table: table.to_string(),
        column: column.name.clone(),
        new_row_expr: expr.clone(),
        old_row_expr: expr.clone(),
        expr,
        derived: false,
        reads: Vec::new(),
    })
}

/// The fill questions nobody answered yet.
pub fn open_questions(
    dialect: Dialect,
    changes: &[Change],
    answers: &FillAnswers,
) -> Vec<FillQuestion> {
    if answers.none_needed {
        return Vec::new();
    }
    fill_sites(dialect, changes)
        .into_iter()
        .filter(|q| answers.get(&q.table, &q.column).is_none())
        .filter(|q| !answers.unneeded(&q.table, &q.column))
        .filter(|q| !filled_by_default(dialect, changes, q))
        .collect()
}

/// A column made NOT NULL together with a default: the default is the fill.
fn filled_by_default(dialect: Dialect, changes: &[Change], question: &FillQuestion) -> bool {
    question.kind == FillKind::SetNotNull
        && changes.iter().any(|c| {
            matches!(c, Change::AlterColumn { table, to, .. }
                if *table == question.table
                    && to.name == question.column
                    && default_fill(dialect, table, to).is_some())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(dialect: Dialect) -> Schema {
        crate::source::sql::parse(
            dialect,
            "CREATE TABLE users (id int PRIMARY KEY, status text, email_confirmed_at timestamp, legacy_avatar text, avatar_url text);",
            "t.sql",
        )
        .unwrap()
    }

    #[test]
    fn a_constant_and_an_expression_are_accepted() {
        let s = schema(Dialect::Postgres);
        let constant = parse_fill(Dialect::Postgres, &s, "users.status", "'active'").unwrap();
        assert!(!constant.derived);
        let derived = parse_fill(
            Dialect::Postgres,
            &s,
            "users.status",
            "CASE WHEN email_confirmed_at IS NOT NULL THEN 'active' ELSE 'new' END",
        )
        .unwrap();
        assert!(derived.derived);
        assert!(
            derived
                .new_row_expr
                .contains("NEW.email_confirmed_at IS NOT NULL"),
            "{}",
            derived.new_row_expr
        );
    }

    #[test]
    fn a_bad_expression_names_its_position() {
        let s = schema(Dialect::Postgres);
        let error = parse_fill(Dialect::Postgres, &s, "users.status", "'a' ||").unwrap_err();
        assert!(
            error.message.contains("not a postgres SQL expression"),
            "{error:?}"
        );
        let error = parse_fill(Dialect::Postgres, &s, "users.status", "active").unwrap_err();
        assert_eq!((error.line, error.column), (1, 1));
        assert!(error.message.contains("not a column"), "{error:?}");
        let error =
            parse_fill(Dialect::Postgres, &s, "users.status", "lower(status) x").unwrap_err();
        assert_eq!((error.line, error.column), (1, 15), "{error:?}");
        let error = parse_fill(Dialect::Postgres, &s, "users.nope", "1").unwrap_err();
        assert!(error.message.contains("no column nope"), "{error:?}");
    }

    #[test]
    fn mysql_refuses_pipes_for_concatenation() {
        let s = schema(Dialect::Mysql);
        let error = parse_fill(
            Dialect::Mysql,
            &s,
            "users.avatar_url",
            "'https://cdn.example.com/' || legacy_avatar",
        )
        .unwrap_err();
        assert!(error.message.contains("CONCAT"), "{error:?}");
        let ok = parse_fill(
            Dialect::Mysql,
            &s,
            "users.avatar_url",
            "CONCAT('https://cdn.example.com/', legacy_avatar)",
        )
        .unwrap();
        assert!(ok.new_row_expr.contains("NEW.legacy_avatar"), "{ok:?}");
    }

    #[test]
    fn flags_split_at_the_first_equals_sign() {
        assert_eq!(split_flag("users.ok=a = b"), Some(("users.ok", "a = b")));
        assert_eq!(split_flag("users.ok"), None);
    }
}
