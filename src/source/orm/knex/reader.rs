//! The reader of Knex projects: `migrations:DIR` of a Knex folder, the folder itself, or the
//! project folder holding the knexfile, read by applying the migrations with the project's own
//! Knex to a scratch database.

use std::path::Path;

use crate::error::Result;
use crate::model::{Dialect, Schema};
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, not_claimed};

/// Knex migrations, applied by Knex and read back.
pub struct Knex;

/// The Knex migrations folder a spec names, if it names one.
fn folder_of(spec: &SourceSpec) -> Option<std::path::PathBuf> {
    match spec {
        SourceSpec::Migrations(dir) => super::is_knex_folder(dir).then(|| dir.clone()),
        SourceSpec::SqlFile(path) if path.is_dir() => super::migrations_folder(path),
        _ => None,
    }
}

impl SchemaReader for Knex {
    fn id(&self) -> &'static str {
        "knex"
    }

    fn forms(&self) -> &'static str {
        "a Knex migrations folder, or the folder holding a knexfile: the project's own Knex applies the migrations to a scratch database"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        folder_of(spec).is_some()
    }

    /// Git lists a folder's `.sql` files only: a folder without any is Knex's when the same
    /// path in the working tree is a Knex folder or project.
    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        files.is_empty() && path.is_dir() && super::migrations_folder(path).is_some()
    }

    /// Knex loads the migration files from a real folder.
    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        super::folder_dialect(&folder_of(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("knex")
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        let folder = folder_of(spec).ok_or_else(|| not_claimed(self.id(), spec))?;
        if !folder.is_dir() {
            // A knexfile whose folder has no migrations yet: nothing built.
            return Ok((
                Schema::empty(dialect),
                vec![format!(
                    "{}: no Knex migrations yet, so the schema is empty",
                    folder.display()
                )],
            ));
        }
        Ok((super::apply(&folder, dialect)?.schema, Vec::new()))
    }
}
