//! Sources: a `SourceSpec` names where a schema comes from; `load` turns it into a `Schema`.

mod compat;
pub mod django;
mod git;
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
            SourceSpec::Git { rev, path } => git::files_at(rev, path)
                .ok()
                .flatten()
                .filter(|files| is_prisma(files))
                .and_then(|files| prisma_provider(&files)),
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
            Some(files) if is_prisma(&files) => prisma::parse_with_notes(&files, Some(dialect)),
            Some(files) => parse_files(dialect, &files, &format!("git:{rev}:{}", path.display())),
            None => Ok((
                Schema::empty(dialect),
                vec![format!(
                    "git:{rev}:{} did not exist at {rev}: the before is empty (the file is new)",
                    path.display()
                )],
            )),
        },
        other => load_schema(other, dialect).map(|schema| (schema, Vec::new())),
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
