//! The reader of drizzle schemas: a project folder with `drizzle.config.*`, the config itself,
//! a folder of schema files or one schema file.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Dialect;
use crate::model::orm::OrmSides;
use crate::source::LocalTree;
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, local_path, path_for, shared_folder};

/// drizzle schema files, read statically.
pub struct Drizzle;

impl SchemaReader for Drizzle {
    fn id(&self) -> &'static str {
        "drizzle"
    }

    fn forms(&self) -> &'static str {
        "a drizzle project folder (drizzle.config.*), its config, or its schema files"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(super::is_drizzle_path)
    }

    /// A schema file or the config as git holds it; folders are claimed by the checkout that
    /// readers of folders share, and routed again once real.
    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        super::config::is_config_name(&name)
            || super::is_source_name(&name)
                && files.iter().any(|(_, text)| super::is_schema_text(text))
    }

    /// Schema files import each other and the config sits beside them: real files are needed.
    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        super::implied_dialect(local_path(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("drizzle")
    }

    /// The schema files detection lists stand for their project: the folder of the
    /// drizzle.config, else the folder they share.
    fn source_path(&self, root: &Path, sources: &[&Path]) -> PathBuf {
        if super::config::find(root).is_some() {
            return PathBuf::from(".");
        }
        shared_folder(sources)
    }

    fn project_form(&self) -> Option<&'static str> {
        Some("a drizzle schema (a project folder with drizzle.config, the config, or schema files)")
    }

    fn is_project(&self, path: &Path) -> bool {
        super::is_drizzle_path(path)
    }

    /// drizzle-kit chains snapshots of the whole schema: only the after side is needed.
    fn orm_sides(&self, _before: Option<&LocalTree>, after: &Path) -> Result<OrmSides> {
        Ok(OrmSides::Drizzle {
            after: Box::new(super::snapshot::state_of(after)?),
        })
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        super::load(path_for(self.id(), spec)?, dialect)
    }
}
