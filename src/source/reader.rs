//! The reader registry: one entry per kind of source, each implemented in its own folder
//! (`sql/reader.rs`, `live/reader.rs`, `replay.rs`, `orm/<orm>/reader.rs`). `--from`/`--to`
//! routing, `git:REV:path`, `--exact`, detection's readable source and the dialect a source
//! implies all loop over `READERS`; adding a source is its folder plus one line here.

use std::path::{Path, PathBuf};

use super::{
    LocalTree, SourceSpec, django, drizzle, git, knex, live, prisma, replay, sequelize, sqlalchemy,
    typeorm,
};
use crate::error::{Error, Result};
use crate::model::orm::OrmSides;
use crate::model::{Dialect, Schema};

/// Every reader, in the order they are asked: a path goes to the first reader that claims it,
/// so the readers that recognise their files come before SQL, which takes any other path.
pub static READERS: &[&dyn SchemaReader] = &[
    &Empty,
    &live::reader::Database,
    &knex::reader::Knex,
    &replay::Migrations,
    &django::reader::Django,
    &prisma::reader::Prisma,
    &sqlalchemy::reader::SqlAlchemy,
    &drizzle::reader::Drizzle,
    &typeorm::reader::Typeorm,
    &sequelize::reader::Sequelize,
    &super::sql::reader::Sql,
];

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Run the project's own ORM to print its DDL, where the reader can (`--exact`).
    pub exact: bool,
}

/// A schema and what the reader noticed that the model leaves out.
pub type Read = (Schema, Vec<String>);

/// A kind of source: what it claims, and how it reads.
pub trait SchemaReader: Sync {
    /// A short name: `sql`, `prisma`, `django`, …
    fn id(&self) -> &'static str;
    /// What `--from`/`--to` values this reader takes, in a line: the commands' help lists
    /// every reader's.
    fn forms(&self) -> &'static str;
    /// Whether this reader takes the spec. For a path, whether the files there are its kind.
    fn claims(&self, spec: &SourceSpec) -> bool;
    /// For `git:REV:path`: whether what git holds at the path (`files`: the file, or a
    /// directory's files, as name and text) is this reader's.
    fn claims_at_git(&self, _path: &Path, _files: &[(String, String)]) -> bool {
        false
    }
    /// Whether `git:REV:path` must become a temporary checkout of real files before this
    /// reader can read it (it follows imports, reads settings beside the models, runs code).
    fn needs_checkout(&self) -> bool {
        false
    }
    /// The dialect the source itself names (a URL's scheme, a provider, a settings file).
    fn implied_dialect(&self, _spec: &SourceSpec) -> Option<Dialect> {
        None
    }
    /// The dialect files read from git name.
    fn implied_dialect_at_git(&self, _files: &[(String, String)]) -> Option<Dialect> {
        None
    }
    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read>;
    /// Read files as git holds them (for readers that need no checkout).
    fn read_at_git(
        &self,
        files: &[(String, String)],
        dialect: Dialect,
        label: &str,
    ) -> Result<Read> {
        let _ = (files, dialect);
        Err(Error::Usage(format!(
            "{label}: {} cannot read files from git",
            self.id()
        )))
    }
    /// `--exact`: read by running the project's own ORM, where this reader can. `None` when
    /// the reader is exact already or cannot run the ORM.
    fn read_exact(&self, _path: &Path, _dialect: Dialect) -> Option<Result<Schema>> {
        None
    }
    /// The name detection gives this reader's sources (`project::Orm::name`), where detection
    /// finds them.
    fn detected_as(&self) -> Option<&'static str> {
        None
    }
    /// The path to read, from the detected sources of this reader's kind (relative to `root`,
    /// the main one first): by default the main source itself.
    fn source_path(&self, _root: &Path, sources: &[&Path]) -> PathBuf {
        sources[0].to_path_buf()
    }
    /// For readers of an ORM whose renderer writes from the ORM's own state: what a project of
    /// it is (for messages), and whether `path` is one.
    fn project_form(&self) -> Option<&'static str> {
        None
    }
    fn is_project(&self, _path: &Path) -> bool {
        false
    }
    /// The ORM's own state on both sides (`before` is `None` when that side has no files:
    /// `empty`, or a path new since the revision). Read here once, for the renderer.
    fn orm_sides(&self, _before: Option<&LocalTree>, _after: &Path) -> Result<OrmSides> {
        Err(Error::Usage(format!(
            "the {} reader keeps no ORM state",
            self.id()
        )))
    }
}

/// The ORM state of both sides for a renderer that writes from it: `kind` is the reader that
/// supplies it (`Input::OrmState`), `target` the renderer's name for messages. The after side
/// must be a project in the working tree (its folders get the files); the before side one too,
/// `git:REV:DIR` of one, or `empty`.
pub fn orm_sides(kind: &str, from: &SourceSpec, to: &SourceSpec, target: &str) -> Result<OrmSides> {
    let reader = READERS
        .iter()
        .find(|r| r.id() == kind)
        .ok_or_else(|| Error::Usage(format!("the {target} target needs a {kind} source")))?;
    let form = reader.project_form().unwrap_or("a project directory");
    let after = match to {
        SourceSpec::SqlFile(path) if reader.is_project(path) => path.clone(),
        other => {
            return Err(Error::Usage(format!(
                "the {target} target needs {form} as --to; got {}",
                super::spec_label(other)
            )));
        }
    };
    // The before's kind is checked before any models are read: a wrong --from is the first
    // thing to tell.
    let before = match super::local_tree(from)? {
        // `empty`, or a git path that did not exist at the revision: every model is new.
        None if matches!(from, SourceSpec::Empty | SourceSpec::Git { .. }) => None,
        Some(tree) if reader.is_project(&tree) => Some(tree),
        _ => {
            return Err(Error::Usage(format!(
                "the {target} target needs {form}, `git:REV:DIR` of one, or `empty` as --from; got {}",
                super::spec_label(from)
            )));
        }
    };
    reader.orm_sides(before.as_ref(), &after)
}

/// The reader of the sources detection names `orm` (`project::Orm::name`), if migen reads them.
pub fn reader_detected_as(orm: &str) -> Option<&'static dyn SchemaReader> {
    READERS
        .iter()
        .copied()
        .find(|r| r.detected_as() == Some(orm))
}

/// The reader that takes a spec.
pub fn reader_for(spec: &SourceSpec) -> Option<&'static dyn SchemaReader> {
    READERS.iter().copied().find(|r| r.claims(spec))
}

/// Read a spec: the reader that claims it reads it; `git:REV:path` reads what git holds, or a
/// temporary checkout of it for readers that need real files.
pub fn read(spec: &SourceSpec, dialect: Dialect, options: &ReadOptions) -> Result<Read> {
    if let SourceSpec::Git { rev, path } = spec {
        let Some(files) = git::files_at(rev, path)? else {
            return Ok((Schema::empty(dialect), vec![did_not_exist(rev, path)]));
        };
        let label = format!("git:{rev}:{}", path.display());
        let reader = READERS
            .iter()
            .find(|r| r.claims_at_git(path, &files))
            .ok_or_else(|| Error::Usage(format!("{label}: no reader for these files")))?;
        if !reader.needs_checkout() {
            return reader.read_at_git(&files, dialect, &label);
        }
        return match git::checkout(rev, path)? {
            Some(tree) => {
                let local = SourceSpec::SqlFile(tree.path().to_path_buf());
                let (schema, notes) =
                    read(&local, dialect, options).map_err(|e| tree.relabel_error(e))?;
                Ok((schema, notes.iter().map(|n| tree.relabel(n)).collect()))
            }
            None => Ok((Schema::empty(dialect), vec![did_not_exist(rev, path)])),
        };
    }
    let reader = reader_for(spec)
        .ok_or_else(|| Error::Usage(format!("no reader for {}", super::spec_label(spec))))?;
    if options.exact
        && let SourceSpec::SqlFile(path) = spec
        && let Some(exact) = reader.read_exact(path, dialect)
    {
        return exact.map(|schema| (schema, Vec::new()));
    }
    reader.read(spec, dialect)
}

/// The dialect a spec implies, if any. A file that cannot be read implies nothing; reading
/// reports it.
pub fn implied_dialect(spec: &SourceSpec) -> Option<Dialect> {
    if let SourceSpec::Git { rev, path } = spec {
        let files = git::files_at(rev, path).ok().flatten()?;
        let reader = READERS.iter().find(|r| r.claims_at_git(path, &files))?;
        if !reader.needs_checkout() {
            return reader.implied_dialect_at_git(&files);
        }
        let tree = git::checkout(rev, path).ok().flatten()?;
        return implied_dialect(&SourceSpec::SqlFile(tree.path().to_path_buf()));
    }
    reader_for(spec)?.implied_dialect(spec)
}

fn did_not_exist(rev: &str, path: &Path) -> String {
    format!(
        "git:{rev}:{} did not exist at {rev}: the before is empty (the file is new)",
        path.display()
    )
}

pub(super) fn local_path(spec: &SourceSpec) -> Option<&Path> {
    match spec {
        SourceSpec::SqlFile(path) => Some(path),
        _ => None,
    }
}

/// The path a path reader was asked to read; another spec is a caller's mistake, reported.
pub(super) fn path_for<'a>(reader: &str, spec: &'a SourceSpec) -> Result<&'a Path> {
    local_path(spec).ok_or_else(|| {
        Error::Usage(format!(
            "the {reader} reader reads files; {} is not one",
            super::spec_label(spec)
        ))
    })
}

/// A spec a reader did not claim, as an error rather than a panic.
pub(super) fn not_claimed(reader: &str, spec: &SourceSpec) -> Error {
    Error::Usage(format!(
        "the {reader} reader does not read {}",
        super::spec_label(spec)
    ))
}

/// Whether what git holds at a path is Python: a `.py` file, or a directory with no `.sql` or
/// `.prisma` files (`files_at` lists a directory's schema files only). Python readers need a
/// checkout, where the Django and SQLAlchemy readers tell their projects apart.
pub(super) fn is_python_at_git(path: &Path, files: &[(String, String)]) -> bool {
    path.extension().is_some_and(|e| e == "py") || files.is_empty()
}

/// The folder model files share (relative paths; `.` for the root): for readers whose files
/// are read together.
pub(super) fn shared_folder(files: &[&Path]) -> PathBuf {
    let mut shared = files[0].parent().unwrap_or(Path::new("")).to_path_buf();
    while !files.iter().all(|f| f.starts_with(&shared)) {
        shared.pop();
    }
    if shared.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        shared
    }
}

/// `empty`: no objects at all.
struct Empty;

impl SchemaReader for Empty {
    fn id(&self) -> &'static str {
        "empty"
    }

    fn forms(&self) -> &'static str {
        "`empty`: no objects at all"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        matches!(spec, SourceSpec::Empty)
    }

    fn read(&self, _spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        Ok((Schema::empty(dialect), Vec::new()))
    }
}

pub(super) fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, String)>> {
    paths
        .iter()
        .map(|path| Ok((path.display().to_string(), super::read_text(path)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_kind_has_exactly_the_reader_it_names() {
        let cases = [
            ("empty", "empty"),
            ("postgres://localhost/app", "database"),
            ("migrations:db/migrations", "migrations"),
            ("db/schema.sql", "sql"),
        ];
        for (text, id) in cases {
            let reader = reader_for(&SourceSpec::parse(text)).expect(text);
            assert_eq!(reader.id(), id, "{text}");
        }
    }

    #[test]
    fn ids_are_unique_and_sql_comes_last() {
        let ids: std::collections::BTreeSet<&str> = READERS.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), READERS.len());
        assert_eq!(READERS.last().map(|r| r.id()), Some("sql"));
    }
}
