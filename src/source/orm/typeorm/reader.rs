//! The reader of TypeORM entities: a project folder with a DataSource, a folder of entity
//! files, an entity file, or the DataSource file; `--exact` runs the project's own TypeORM.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::{Dialect, Schema};
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, local_path, path_for, shared_folder};

/// TypeORM entities, read statically.
pub struct Typeorm;

impl SchemaReader for Typeorm {
    fn id(&self) -> &'static str {
        "typeorm"
    }

    fn forms(&self) -> &'static str {
        "a TypeORM project folder, a folder of entities, an *.entity.ts file or the DataSource file"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(super::is_typeorm_path)
    }

    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        let name = path.to_string_lossy();
        super::is_source_name(&name) || files.is_empty()
    }

    /// Entities import each other and the DataSource sits beside them: real files are needed.
    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        super::implied_dialect(local_path(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("typeorm")
    }

    /// Entity files stand for their project: the folder with the `package.json` above the
    /// main one, else the folder the entity files share.
    fn source_path(&self, root: &Path, sources: &[&Path]) -> PathBuf {
        let main = sources[0];
        if let Some(project) = main
            .ancestors()
            .skip(1)
            .find(|dir| root.join(dir).join("package.json").is_file())
        {
            return match project.as_os_str().is_empty() {
                true => PathBuf::from("."),
                false => project.to_path_buf(),
            };
        }
        shared_folder(sources)
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        super::load(path_for(self.id(), spec)?, dialect)
    }

    fn read_exact(&self, path: &Path, dialect: Dialect) -> Option<Result<Schema>> {
        Some(super::load_exact(path, dialect))
    }

    fn project_form(&self) -> Option<&'static str> {
        Some("a TypeORM project directory (with its DataSource or entities)")
    }

    fn is_project(&self, path: &Path) -> bool {
        path.is_dir() && super::is_typeorm_path(path)
    }
}
