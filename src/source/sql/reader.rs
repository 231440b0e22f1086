//! The reader of SQL DDL: a file, or a directory of `.sql` files read in name order as one
//! schema. It takes any path no other reader claims, so it comes last in `READERS`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, local_path, path_for, read_all};

/// SQL DDL: a file, or a directory of `.sql` files read in name order as one schema.
pub struct Sql;

impl SchemaReader for Sql {
    fn id(&self) -> &'static str {
        "sql"
    }

    fn forms(&self) -> &'static str {
        "a .sql file, or a folder of .sql files read in name order as one schema"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some()
    }

    fn claims_at_git(&self, _path: &Path, _files: &[(String, String)]) -> bool {
        true
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("sql")
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        let path = path_for(self.id(), spec)?;
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
            return crate::source::parse_files(
                dialect,
                &read_all(&files)?,
                &path.display().to_string(),
            );
        }
        let text = crate::source::read_text(path)?;
        super::parse_with_notes(dialect, &text, &path.display().to_string())
    }

    fn read_at_git(
        &self,
        files: &[(String, String)],
        dialect: Dialect,
        label: &str,
    ) -> Result<Read> {
        crate::source::parse_files(dialect, files, label)
    }
}
