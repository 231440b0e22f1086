//! Sources: a `SourceSpec` names where a schema comes from; `load` turns it into a `Schema`.

mod compat;
pub mod django;
pub mod git;
pub mod live;
pub mod prisma;
pub mod project;
pub mod replay;
pub mod sql;
pub mod sqlalchemy;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};

/// Where a schema comes from (`--from` / `--to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// No objects at all.
    Empty,
    /// A DDL file, or a directory of `.sql` files read in name order; a `.prisma` file or a
    /// directory holding `.prisma` files is a Prisma schema; a directory holding `manage.py`, or a
    /// `models.py` file using Django, is a Django project (`django::is_django_path`); another
    /// `.py` file or a directory of `.py` files importing SQLAlchemy is a set of SQLAlchemy models.
    SqlFile(PathBuf),
    /// A live database URL.
    Database(String),
    /// `git:REV:path`: a file or directory as it was at a git revision.
    Git { rev: String, path: PathBuf },
    /// `migrations:DIR`: a migration folder's up scripts replayed into a scratch database.
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
        match self {
            SourceSpec::Database(url) => live::url_dialect(url),
            SourceSpec::SqlFile(path) if django::is_django_path(path) => {
                django::project_dialect(path)
            }
            SourceSpec::SqlFile(path) => prisma_files(path)
                .ok()
                .flatten()
                .and_then(|files| prisma_provider(&files))
                // SQLAlchemy models: the project's alembic.ini may name the database.
                .or_else(|| {
                    sqlalchemy::is_models_path(path)
                        .then(|| sqlalchemy::alembic_dialect(path))
                        .flatten()
                }),
            SourceSpec::Git { rev, path } => match git::files_at(rev, path).ok().flatten() {
                Some(files) if is_python_at_git(path, &files) => {
                    git::checkout(rev, path).ok().flatten().and_then(|tree| {
                        SourceSpec::SqlFile(tree.path().to_path_buf()).implied_dialect()
                    })
                }
                Some(files) if is_prisma(&files) => prisma_provider(&files),
                _ => None,
            },
            // Prisma's migrations name their provider in migration_lock.toml.
            SourceSpec::Migrations(dir) => std::fs::read_to_string(dir.join("migration_lock.toml"))
                .ok()
                .and_then(|text| {
                    let settings: Vec<&str> = text
                        .lines()
                        .filter(|l| !l.trim_start().starts_with('#'))
                        .collect();
                    prisma::datasource_provider(&format!(
                        "datasource db {{\n{}\n}}",
                        settings.join("\n")
                    ))
                }),
            SourceSpec::Empty => None,
        }
    }
}

/// Load a schema. `dialect` is required for files; a database URL must agree with it.
pub fn load(spec: &SourceSpec, dialect: Dialect) -> Result<Schema> {
    load_with_notes(spec, dialect).map(|(schema, _)| schema)
}

/// Like `load`, also returning notes on what a file holds that the model leaves out.
pub fn load_with_notes(spec: &SourceSpec, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    match spec {
        SourceSpec::SqlFile(path) if django::is_django_path(path) => {
            django::parse_with_notes(path, dialect)
        }
        SourceSpec::SqlFile(path) => match prisma_files(path)? {
            Some(files) => prisma::parse_with_notes(&files, Some(dialect)),
            None if sqlalchemy::is_models_path(path) => sqlalchemy::load(path, dialect),
            None => load_sql_path(path, dialect),
        },
        SourceSpec::Git { rev, path } => match git::files_at(rev, path)? {
            Some(files) if is_python_at_git(path, &files) => match git::checkout(rev, path)? {
                Some(tree) => {
                    let (schema, notes) =
                        load_with_notes(&SourceSpec::SqlFile(tree.path().to_path_buf()), dialect)
                            .map_err(|e| tree.relabel_error(e))?;
                    Ok((schema, notes.iter().map(|n| tree.relabel(n)).collect()))
                }
                None => Ok((Schema::empty(dialect), vec![did_not_exist(rev, path)])),
            },
            Some(files) if is_prisma(&files) => prisma::parse_with_notes(&files, Some(dialect)),
            Some(files) => parse_files(dialect, &files, &format!("git:{rev}:{}", path.display())),
            None => Ok((Schema::empty(dialect), vec![did_not_exist(rev, path)])),
        },
        other => load_schema(other, dialect).map(|schema| (schema, Vec::new())),
    }
}

fn did_not_exist(rev: &str, path: &Path) -> String {
    format!(
        "git:{rev}:{} did not exist at {rev}: the before is empty (the file is new)",
        path.display()
    )
}

/// Whether `git:REV:path` is Python (Django or SQLAlchemy), given what `git::files_at` read: a
/// `.py` file, or a directory with no `.sql` or `.prisma` files. Those readers need a checkout.
fn is_python_at_git(path: &Path, files: &[(String, String)]) -> bool {
    path.extension().is_some_and(|e| e == "py") || files.is_empty()
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

fn load_schema(spec: &SourceSpec, dialect: Dialect) -> Result<Schema> {
    match spec {
        SourceSpec::Empty => Ok(Schema::empty(dialect)),
        SourceSpec::SqlFile(_) | SourceSpec::Git { .. } => {
            load_with_notes(spec, dialect).map(|(schema, _)| schema)
        }
        SourceSpec::Migrations(dir) => replay::load(dir, dialect),
        SourceSpec::Database(url) => {
            let mut db = live::connect(url)?;
            if db.dialect() != dialect {
                return Err(Error::Usage(format!(
                    "{} is a {} database but the dialect is {dialect}",
                    db.display_url(),
                    db.dialect()
                )));
            }
            db.introspect()
        }
    }
}

/// The files of a Prisma schema at `path` (a `.prisma` file, or a directory holding `.prisma`
/// files, read in name order), or `None` when `path` is not one.
fn prisma_files(path: &Path) -> Result<Option<Vec<(String, String)>>> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| is_prisma_name(&p.to_string_lossy()))
            .collect();
        if files.is_empty() {
            return Ok(None);
        }
        files.sort();
        let mut named = Vec::new();
        for file in &files {
            named.push((file.display().to_string(), read(file)?));
        }
        return Ok(Some(named));
    }
    if is_prisma_name(&path.to_string_lossy()) {
        return Ok(Some(vec![(path.display().to_string(), read(path)?)]));
    }
    Ok(None)
}

fn is_prisma_name(name: &str) -> bool {
    name.ends_with(".prisma")
}

/// Whether files read from git are a Prisma schema rather than SQL.
fn is_prisma(files: &[(String, String)]) -> bool {
    !files.is_empty() && files.iter().all(|(name, _)| is_prisma_name(name))
}

fn prisma_provider(files: &[(String, String)]) -> Option<Dialect> {
    files
        .iter()
        .find_map(|(_, text)| prisma::datasource_provider(text))
}

fn load_sql_path(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        let mut named = Vec::new();
        for file in &files {
            named.push((file.display().to_string(), read(file)?));
        }
        return parse_files(dialect, &named, &path.display().to_string());
    }
    let text = read(path)?;
    sql::parse_with_notes(dialect, &text, &path.display().to_string())
}

/// Parse several files as one schema, so a file may refer to what an earlier file defines; an
/// error's line is mapped back to the file it falls in. One file keeps its own name.
fn parse_files(
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

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
