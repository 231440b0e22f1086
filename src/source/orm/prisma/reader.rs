//! The reader of Prisma schemas: a `.prisma` file, or a directory holding `.prisma` files
//! (read in name order as one schema).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Dialect;
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, local_path, path_for, read_all};

/// A `.prisma` file, or a directory holding `.prisma` files.
pub struct Prisma;

impl SchemaReader for Prisma {
    fn id(&self) -> &'static str {
        "prisma"
    }

    fn forms(&self) -> &'static str {
        "a schema.prisma file, or a folder of .prisma files (the dialect from its datasource)"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(|path| prisma_paths(path).is_some_and(|p| !p.is_empty()))
    }

    fn claims_at_git(&self, _path: &Path, files: &[(String, String)]) -> bool {
        !files.is_empty() && files.iter().all(|(name, _)| is_prisma_name(name))
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("prisma")
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        let files = read_all(&prisma_paths(local_path(spec)?)?).ok()?;
        self.implied_dialect_at_git(&files)
    }

    fn implied_dialect_at_git(&self, files: &[(String, String)]) -> Option<Dialect> {
        files
            .iter()
            .find_map(|(_, text)| super::datasource_provider(text))
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        let path = path_for(self.id(), spec)?;
        let files = read_all(&prisma_paths(path).unwrap_or_default())?;
        super::parse_with_notes(&files, Some(dialect))
    }

    fn read_at_git(
        &self,
        files: &[(String, String)],
        dialect: Dialect,
        _label: &str,
    ) -> Result<Read> {
        super::parse_with_notes(files, Some(dialect))
    }
}

fn is_prisma_name(name: &str) -> bool {
    name.ends_with(".prisma")
}

/// The `.prisma` files at a path, in name order: the file itself, or a directory's; `None`
/// when the path is neither.
fn prisma_paths(path: &Path) -> Option<Vec<PathBuf>> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .ok()?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| is_prisma_name(&p.to_string_lossy()))
            .collect();
        files.sort();
        return Some(files);
    }
    is_prisma_name(&path.to_string_lossy()).then(|| vec![path.to_path_buf()])
}
