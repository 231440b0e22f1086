//! DDL an ORM reader writes for the models, every piece of it remembering the model position it
//! comes from, read with migen's SQL reader. What the SQL reader refuses in the generated text
//! is reported at the model file's line and column, not at a line of DDL the user never wrote.

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::sql;

/// A position in one of the model files: `file` indexes the names given to `GeneratedDdl::new`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: usize,
    pub line: u64,
    pub column: u64,
}

/// One generated line, built from pieces that may each come from a different position (a
/// CREATE TABLE written on one line, each column from its own field).
#[derive(Debug, Clone, Default)]
pub struct GeneratedLine {
    text: String,
    /// The column (in characters, 0-based) where each piece starts, with its origin.
    pieces: Vec<(u64, Origin)>,
}

impl GeneratedLine {
    pub fn new(text: impl Into<String>, origin: Origin) -> GeneratedLine {
        GeneratedLine {
            text: text.into(),
            pieces: vec![(0, origin)],
        }
    }

    /// Append `text`, which comes from `origin`.
    pub fn push(&mut self, text: impl AsRef<str>, origin: Origin) -> &mut GeneratedLine {
        let start = self.text.chars().count() as u64;
        self.pieces.push((start, origin));
        self.text.push_str(text.as_ref());
        self
    }

    /// The origin of the piece that holds 1-based `column`.
    fn origin_at(&self, column: u64) -> Option<Origin> {
        let offset = column.saturating_sub(1);
        self.pieces
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .or(self.pieces.first())
            .map(|(_, origin)| *origin)
    }
}

/// Generated DDL: its lines in order, and the names of the files their origins point into.
#[derive(Debug, Clone, Default)]
pub struct GeneratedDdl {
    files: Vec<String>,
    lines: Vec<GeneratedLine>,
}

impl GeneratedDdl {
    pub fn new(files: Vec<String>) -> GeneratedDdl {
        GeneratedDdl {
            files,
            lines: Vec::new(),
        }
    }

    /// The index `Origin::file` uses for `name`, adding it if it is new.
    pub fn file_index(&mut self, name: &str) -> usize {
        match self.files.iter().position(|f| f == name) {
            Some(index) => index,
            None => {
                self.files.push(name.to_string());
                self.files.len() - 1
            }
        }
    }

    pub fn push_line(&mut self, text: impl Into<String>, origin: Origin) {
        self.lines.push(GeneratedLine::new(text, origin));
    }

    pub fn push(&mut self, line: GeneratedLine) {
        self.lines.push(line);
    }

    /// Every line of `text` (SQL that needs no model position, such as a fixed dump), each
    /// reported as the line of `file` it is.
    pub fn push_verbatim(&mut self, file: &str, text: &str) {
        let file = self.file_index(file);
        for (index, line) in text.lines().enumerate() {
            let origin = Origin {
                file,
                line: index as u64 + 1,
                column: 1,
            };
            self.push_line(line, origin);
        }
    }

    /// The DDL, one line each, every line ending in a newline.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }

    /// The model position of 1-based `line` and `column` of `text()`. Line 0 (how the SQL
    /// reader places the end of the input, where an unfinished statement is found wanting) and
    /// lines past the end are the last line's end.
    pub fn origin_of(&self, line: u64, column: u64) -> Option<Origin> {
        match line
            .checked_sub(1)
            .and_then(|index| self.lines.get(index as usize))
        {
            Some(generated) => generated.origin_at(column),
            None => self.lines.last().and_then(|last| last.origin_at(u64::MAX)),
        }
    }

    /// Read the DDL with migen's SQL reader. A parse error is reported at the model position of
    /// the generated text it concerns, saying `orm` wrote that SQL; `label` names the input in
    /// other errors. The SQL reader's notes describe generated lines, so they are dropped.
    pub fn parse(&self, dialect: Dialect, orm: &str, label: &str) -> Result<Schema> {
        let (schema, _generated_sql_notes) = sql::parse_with_notes(dialect, &self.text(), label)
            .map_err(|error| match error {
                Error::Parse { location, message } => {
                    // sqlparser gives the end of the input no position (it reads as 1:1): the
                    // statement it cut short is the last one.
                    let line = if message.ends_with("found: EOF") {
                        0
                    } else {
                        location.line
                    };
                    let message =
                        format!("migen cannot read the SQL {orm} makes of this: {message}");
                    match self.origin_of(line, location.column) {
                        Some(origin) => Error::parse(
                            self.files
                                .get(origin.file)
                                .map(String::as_str)
                                .unwrap_or(label),
                            origin.line,
                            origin.column,
                            message,
                        ),
                        None => Error::Parse { location, message },
                    }
                }
                other => other,
            })?;
        Ok(schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: usize, line: u64, column: u64) -> Origin {
        Origin { file, line, column }
    }

    #[test]
    fn a_syntax_error_in_a_piece_is_reported_where_that_piece_comes_from() {
        let mut ddl = GeneratedDdl::new(vec!["a.py".into(), "b.py".into()]);
        ddl.push_line("CREATE TABLE t (id integer);", at(0, 3, 1));
        let mut line = GeneratedLine::new("CREATE TABLE u (", at(0, 7, 1));
        line.push("id integer, ", at(0, 8, 5))
            .push("x integer CHECK (x >>> !), ", at(1, 12, 9))
            .push("y integer", at(0, 9, 5))
            .push(");", at(0, 7, 1));
        ddl.push(line);
        let error = ddl.parse(Dialect::Postgres, "Tests", "a.py").unwrap_err();
        let Error::Parse { location, message } = error else {
            panic!("not a parse error: {error}");
        };
        assert_eq!((location.file.as_str(), location.line), ("b.py", 12));
        assert_eq!(location.column, 9);
        assert!(
            message.starts_with("migen cannot read the SQL Tests makes of this: "),
            "{message}"
        );
    }

    #[test]
    fn an_unfinished_last_statement_is_reported_at_the_last_line() {
        let mut ddl = GeneratedDdl::new(vec!["m.prisma".into()]);
        ddl.push_line("CREATE TABLE t (", at(0, 2, 1));
        ddl.push_line("  id integer", at(0, 3, 3));
        let error = ddl
            .parse(Dialect::Sqlite, "Prisma", "m.prisma")
            .unwrap_err();
        assert!(error.to_string().starts_with("m.prisma:3:3: "), "{error}");
    }

    #[test]
    fn verbatim_lines_are_their_own_origin() {
        let mut ddl = GeneratedDdl::new(Vec::new());
        ddl.push_verbatim(
            "dump.sql",
            "CREATE TABLE a (id integer);\nCREATE TABLE (;\n",
        );
        let error = ddl.parse(Dialect::Sqlite, "Django", "x").unwrap_err();
        assert!(error.to_string().starts_with("dump.sql:2:1: "), "{error}");
        assert_eq!(
            ddl.text(),
            "CREATE TABLE a (id integer);\nCREATE TABLE (;\n"
        );
    }
}
