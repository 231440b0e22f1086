//! Sources: a `SourceSpec` names where a schema comes from; `load` turns it into a `Schema`.

pub mod git;
pub mod live;
pub mod orm;
pub mod project;
pub mod reader;
pub mod replay;
pub mod sql;

pub use orm::{django, drizzle, knex, prisma, sequelize, sqlalchemy, typeorm};

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};

pub use reader::{READERS, ReadOptions, SchemaReader, read, reader_for};

/// Where a schema comes from (`--from` / `--to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// No objects at all.
    Empty,
    /// A DDL file, or a directory of `.sql` files read in name order; a `.prisma` file or a
    /// directory holding `.prisma` files is a Prisma schema; a directory holding `manage.py`, or a
    /// `models.py` file using Django, is a Django project (`django::is_django_path`); another
    /// `.py` file or a directory of `.py` files importing SQLAlchemy is a set of SQLAlchemy models;
    /// a folder of Knex migrations, or one holding a knexfile, is a Knex project.
    SqlFile(PathBuf),
    /// A live database URL.
    Database(String),
    /// `git:REV:path`: a file or directory as it was at a git revision.
    Git { rev: String, path: PathBuf },
    /// `migrations:DIR`: a migration folder's up scripts replayed into a scratch database (Knex
    /// migrations applied by the project's own Knex).
    Migrations(PathBuf),
}

impl SourceSpec {
    pub fn parse(text: &str) -> SourceSpec {
        if text == "empty" {
            SourceSpec::Empty
        } else if let Some((rev, path)) = text
            .strip_prefix("git:")
            .and_then(|rest| rest.split_once(':'))
            .filter(|(rev, path)| !rev.is_empty() && !path.is_empty())
        {
            SourceSpec::Git {
                rev: rev.to_string(),
                path: PathBuf::from(path),
            }
        } else if let Some(dir) = text.strip_prefix("migrations:").filter(|d| !d.is_empty()) {
            SourceSpec::Migrations(PathBuf::from(dir))
        } else if live::is_database_url(text) {
            SourceSpec::Database(text.to_string())
        } else {
            SourceSpec::SqlFile(PathBuf::from(text))
        }
    }

    /// The dialect the spec itself implies (a database URL's scheme, a Prisma schema's
    /// provider), if any. A file that cannot be read implies nothing; loading reports it.
    pub fn implied_dialect(&self) -> Option<Dialect> {
        reader::implied_dialect(self)
    }
}

/// A spec as people read it, for messages.
pub fn spec_label(spec: &SourceSpec) -> String {
    match spec {
        SourceSpec::Empty => "nothing (empty)".into(),
        SourceSpec::SqlFile(path) => path.display().to_string(),
        SourceSpec::Database(url) => crate::error::redact_url(url),
        SourceSpec::Git { rev, path } => format!("{} at git {rev}", path.display()),
        SourceSpec::Migrations(dir) => format!("the migrations in {}, replayed", dir.display()),
    }
}

/// Load a schema. `dialect` is required for files; a database URL must agree with it.
pub fn load(spec: &SourceSpec, dialect: Dialect) -> Result<Schema> {
    load_with_notes(spec, dialect).map(|(schema, _)| schema)
}

/// Like `load`, also returning notes on what a file holds that the model leaves out.
pub fn load_with_notes(spec: &SourceSpec, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    read(spec, dialect, &ReadOptions::default())
}

/// A local file or directory holding what a spec names, for tools that need real files (a
/// Django project's migrations, running the project's own Python): a `SourceSpec::SqlFile`'s own
/// path, or for `git:REV:path` a temporary checkout of the files near the path as they were at
/// REV (removed when the `LocalTree` is dropped). Dereferences to the local path.
#[derive(Debug)]
pub enum LocalTree {
    /// A path in the working tree, used as it is.
    Plain(PathBuf),
    /// `git:REV:path` written to a temporary folder.
    Checkout(git::Checkout),
}

impl LocalTree {
    pub fn path(&self) -> &Path {
        match self {
            LocalTree::Plain(path) => path,
            LocalTree::Checkout(checkout) => checkout.path(),
        }
    }

    /// `text` naming the checkout's files as `git:REV:path` rather than the temporary folder.
    pub fn relabel(&self, text: &str) -> String {
        match self {
            LocalTree::Plain(_) => text.to_string(),
            LocalTree::Checkout(checkout) => checkout.relabel(text),
        }
    }

    /// An error from reading the local tree, naming the files the user knows.
    pub fn relabel_error(&self, error: Error) -> Error {
        match self {
            LocalTree::Plain(_) => error,
            LocalTree::Checkout(checkout) => checkout.relabel_error(error),
        }
    }
}

impl std::ops::Deref for LocalTree {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.path()
    }
}

/// The local directory or file for a spec (see `LocalTree`). `None` for what has no files: a
/// database, a migrations replay, `empty`, and a `git:REV:path` whose path did not exist at REV.
pub fn local_tree(spec: &SourceSpec) -> Result<Option<LocalTree>> {
    match spec {
        SourceSpec::SqlFile(path) => Ok(Some(LocalTree::Plain(path.clone()))),
        SourceSpec::Git { rev, path } => Ok(git::checkout(rev, path)?.map(LocalTree::Checkout)),
        SourceSpec::Database(_) | SourceSpec::Migrations(_) | SourceSpec::Empty => Ok(None),
    }
}

/// Parse several files as one schema, so a file may refer to what an earlier file defines; an
/// error's line is mapped back to the file it falls in. One file keeps its own name.
pub(crate) fn parse_files(
    dialect: Dialect,
    files: &[(String, String)],
    whole: &str,
) -> Result<(Schema, Vec<String>)> {
    if let [(name, text)] = files {
        return sql::parse_with_notes(dialect, text, name);
    }
    let mut text = String::new();
    let mut starts: Vec<(u64, &String)> = Vec::new();
    for (name, content) in files {
        starts.push((text.lines().count() as u64 + 1, name));
        text.push_str(content);
        text.push_str("\n;\n");
    }
    sql::parse_with_notes(dialect, &text, whole).map_err(|error| match error {
        Error::Parse {
            mut location,
            message,
        } => {
            if let Some((first_line, name)) = starts
                .iter()
                .rev()
                .find(|(start, _)| *start <= location.line)
            {
                location.file = (*name).clone();
                location.line = location.line - first_line + 1;
            }
            Error::Parse { location, message }
        }
        other => other,
    })
}

/// The text of a source file, as every reader takes it.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    text_of(&path.display().to_string(), bytes)
}

/// Bytes as source text: a byte-order mark (Windows editors write one) is dropped, and bytes
/// that are not UTF-8 are an error at their line and column.
pub(crate) fn text_of(name: &str, mut bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = valid
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |at| at + 1);
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        // Everything before the bad byte is valid UTF-8, so the column counts characters.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Error::parse(
            name,
            line as u64,
            column as u64,
            "not UTF-8 text: save the file as UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_and_bad_bytes_are_located() {
        assert_eq!(
            text_of("a.sql", b"\xEF\xBB\xBFCREATE TABLE t (a int);".to_vec()).unwrap(),
            "CREATE TABLE t (a int);"
        );
        let error = text_of(
            "a.sql",
            b"-- caf\xC3\xA9\nCREATE TABLE t (b\xFF int);".to_vec(),
        )
        .unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().starts_with("a.sql:2:18: not UTF-8"),
            "{error}"
        );
    }

    #[test]
    fn local_tree_is_the_path_itself_or_nothing_for_what_has_no_files() {
        let here = local_tree(&SourceSpec::parse("db/schema.sql"))
            .unwrap()
            .unwrap();
        assert_eq!(&*here, Path::new("db/schema.sql"));
        assert_eq!(here.relabel("db/schema.sql:1:1"), "db/schema.sql:1:1");
        for spec in [
            "empty",
            "migrations:db/migrations",
            "postgres://localhost/app",
        ] {
            assert!(
                local_tree(&SourceSpec::parse(spec)).unwrap().is_none(),
                "{spec}"
            );
        }
    }
}
