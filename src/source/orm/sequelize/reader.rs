//! The reader of Sequelize models: a project folder (`.sequelizerc` or `models/`), a folder of
//! model files, or one model file; `--exact` runs the project's own Sequelize.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::{Dialect, Schema};
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, local_path, path_for, shared_folder};

/// Sequelize models, read statically.
pub struct Sequelize;

impl SchemaReader for Sequelize {
    fn id(&self) -> &'static str {
        "sequelize"
    }

    fn forms(&self) -> &'static str {
        "a Sequelize project folder (.sequelizerc or models/), a folder of model files, or one model file"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(super::is_sequelize_path)
    }

    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        let name = path.to_string_lossy();
        // A folder (no files listed) is checked out and claimed by its contents then.
        super::is_source_name(&name) && files.iter().any(|(_, t)| super::mentions_model(t))
    }

    /// Models require each other and the config sits beside them: real files are needed.
    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        super::implied_dialect(local_path(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("sequelize")
    }

    /// Model files stand for the folder they share (sequelize-cli's `models/`).
    fn source_path(&self, _root: &Path, sources: &[&Path]) -> PathBuf {
        shared_folder(sources)
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        super::load(path_for(self.id(), spec)?, dialect)
    }

    fn read_exact(&self, path: &Path, dialect: Dialect) -> Option<Result<Schema>> {
        Some(super::load_exact(path, dialect))
    }
}
