//! The reader of SQLAlchemy models: a `.py` file, or a directory of them, importing
//! SQLAlchemy; `--exact` runs the project's own Python.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Dialect;
use crate::model::Schema;
use crate::source::SourceSpec;
use crate::source::reader::{
    Read, SchemaReader, is_python_at_git, local_path, path_for, shared_folder,
};

/// SQLAlchemy models: a `.py` file, or a directory of them, importing SQLAlchemy.
pub struct SqlAlchemy;

impl SchemaReader for SqlAlchemy {
    fn id(&self) -> &'static str {
        "sqlalchemy"
    }

    fn forms(&self) -> &'static str {
        "a .py file or folder of SQLAlchemy models (--exact runs the project's Python)"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(super::is_models_path)
    }

    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        is_python_at_git(path, files)
    }

    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        // The project's alembic.ini may name the database.
        super::alembic_dialect(local_path(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("sqlalchemy")
    }

    /// Model files are read together: the one file, or the folder all of them share.
    fn source_path(&self, _root: &Path, sources: &[&Path]) -> PathBuf {
        if let [one] = sources {
            return one.to_path_buf();
        }
        shared_folder(sources)
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        super::load(path_for(self.id(), spec)?, dialect)
    }

    fn read_exact(&self, path: &Path, dialect: Dialect) -> Option<Result<Schema>> {
        Some(super::load_exact(path, dialect))
    }
}
