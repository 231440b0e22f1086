//! TypeORM entities (`.ts`/`.js` classes with `@Entity`) → `Schema`, read without running
//! Node.
//!
//! The shared TypeScript layer (`orm::typescript`, over oxc) parses the files and follows their
//! imports. `datasource` finds the project's DataSource (dialect, entities, naming strategy);
//! `entity` and `columns` build each entity's table as TypeORM's metadata builder does (TS
//! types standing in for `emitDecoratorMetadata`, abstract bases across files, embedded
//! objects, single-table inheritance); `relations` adds join columns, foreign keys and
//! junction tables; `naming` makes every name as TypeORM's naming strategy does, SHA-1
//! constraint names included; `ddl` writes what TypeORM's schema builder runs per dialect,
//! which migen's SQL reader then reads, so errors in it point back at the entity. `exact` runs
//! the project's own TypeORM instead (`--exact`).

mod columns;
mod datasource;
mod ddl;
mod entity;
mod exact;
pub mod naming;
pub(crate) mod reader;
mod relations;
mod types;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::orm::typescript::{Sources, walk_files};

pub use datasource::{DataSource, driver_dialect, glob, mentions_data_source};
pub use entity::Settings;
pub use exact::load_exact;
pub use naming::Naming;

/// Folders never searched for entities or a DataSource: dependencies, build output, migration
/// scripts and hidden folders.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "node_modules" | "dist" | "build" | "out" | "coverage" | "migrations" | "migration"
        )
}

fn is_source_name(name: &str) -> bool {
    (name.ends_with(".ts")
        || name.ends_with(".js")
        || name.ends_with(".mts")
        || name.ends_with(".mjs")
        || name.ends_with(".cjs")
        || name.ends_with(".tsx"))
        && !name.ends_with(".d.ts")
}

/// Every file under `dir` outside dependency and hidden folders (globs match against these).
fn all_files(dir: &Path) -> Vec<PathBuf> {
    walk_files(
        dir,
        |name| name != "node_modules" && !name.starts_with('.'),
        |_, _| true,
    )
}

/// The TypeScript and JavaScript files of a project folder, outside the skipped folders.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    walk_files(
        dir,
        |name| !skipped_folder(name),
        |_, name| is_source_name(name),
    )
}

fn mentions_entity(text: &str) -> bool {
    text.contains("@Entity(") || text.contains("@ChildEntity(")
}

/// Whether `path` is TypeORM: an entity or DataSource file, or a folder holding them (a file
/// there imports `typeorm`).
pub fn is_typeorm_path(path: &Path) -> bool {
    let is_typeorm_text = |text: &str| {
        text.contains("typeorm")
            && (mentions_entity(text) || datasource::mentions_data_source(text))
    };
    if path.is_file() {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        return is_source_name(&name)
            && std::fs::read_to_string(path).is_ok_and(|text| is_typeorm_text(&text));
    }
    if !path.is_dir() {
        return false;
    }
    if path.join("ormconfig.json").is_file() {
        return true;
    }
    // A folder of SQL files stays SQL.
    let has_sql = std::fs::read_dir(path).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "sql" || x == "prisma")
        })
    });
    !has_sql
        && source_files(path)
            .iter()
            .any(|file| std::fs::read_to_string(file).is_ok_and(|text| is_typeorm_text(&text)))
}

/// The project a path belongs to: the nearest folder at or above it with a `package.json`,
/// else the folder itself (or the file's folder).
fn project_root(path: &Path) -> PathBuf {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let absolute = std::path::absolute(&start).unwrap_or(start.clone());
    for (levels, dir) in absolute.ancestors().enumerate() {
        if dir.join("package.json").is_file() {
            if levels == 0 {
                return start;
            }
            // Keep the path as relative as the user wrote it, for messages.
            let mut relative = start.clone();
            for _ in 0..levels {
                relative.push("..");
            }
            return crate::source::orm::typescript::project::normalize(&relative);
        }
        if levels >= 4 {
            break;
        }
    }
    start
}

/// The project's DataSource, if one is found (parsing what it needs into `sources`).
fn find_data_source(sources: &mut Sources, root: &Path) -> Result<Option<DataSource>> {
    let candidates: Vec<PathBuf> = source_files(root)
        .into_iter()
        .filter(|file| {
            std::fs::read_to_string(file).is_ok_and(|text| datasource::mentions_data_source(&text))
        })
        .collect();
    datasource::find(sources, root, &candidates)
}

/// The dialect the project's DataSource names.
pub fn implied_dialect(path: &Path) -> Option<Dialect> {
    let mut sources = Sources::new();
    find_data_source(&mut sources, &project_root(path))
        .ok()
        .flatten()?
        .dialect()
}

/// Read the entities at `path` (a project folder, a folder of entities, an entity file or the
/// DataSource file) for `dialect`.
pub fn load(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let mut notes = Vec::new();
    let mut sources = Sources::new();
    let root = project_root(path);
    let data_source = find_data_source(&mut sources, &root)?;
    let is_whole_project = path.is_dir() && project_root(path) == path
        || data_source
            .as_ref()
            .is_some_and(|d| same_file(&d.file, path));
    let mut entity_files: Vec<PathBuf> = Vec::new();
    let mut classes: Vec<(usize, String)> = Vec::new();
    match data_source.as_ref().and_then(|d| d.entities.clone()) {
        Some(specs) if is_whole_project => {
            for spec in specs {
                match spec {
                    datasource::EntitySpec::Class(module, name) => classes.push((module, name)),
                    datasource::EntitySpec::Exports(module) => {
                        classes.extend(sources.exported_classes(module));
                    }
                    datasource::EntitySpec::Glob(pattern, pos) => {
                        let mut files = datasource::glob(&pattern);
                        if files.is_empty() {
                            // Globs of the compiled output (`dist/**/*.js`) stand for the sources.
                            let source = PathBuf::from(
                                pattern
                                    .to_string_lossy()
                                    .replace("/dist/", "/src/")
                                    .replace(".js", ".ts"),
                            );
                            files = datasource::glob(&source);
                            if !files.is_empty() {
                                notes.push(format!(
                                    "{}: entities {} matched no files; read {} instead",
                                    sources.names.get(pos.file).cloned().unwrap_or_default(),
                                    pattern.display(),
                                    source.display()
                                ));
                            }
                        }
                        entity_files.extend(files);
                    }
                }
            }
        }
        _ => {
            let scan = if path.is_dir() {
                source_files(path)
            } else {
                vec![path.to_path_buf()]
            };
            entity_files.extend(scan.into_iter().filter(|file| {
                std::fs::read_to_string(file).is_ok_and(|text| mentions_entity(&text))
            }));
        }
    }
    for file in &entity_files {
        let module = sources.load(file)?;
        for class in &sources.module(module).classes {
            classes.push((module, class.name.clone()));
        }
    }
    sources.load_imports()?;
    // Entities the given files import (a relation's target in another file) count too, when
    // reading files rather than the DataSource's list.
    if !is_whole_project || data_source.as_ref().is_none_or(|d| d.entities.is_none()) {
        for module in &sources.modules {
            for class in &module.classes {
                classes.push((module.file, class.name.clone()));
            }
        }
    }
    if classes.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no TypeORM entities (classes with @Entity) there",
            path.display()
        )));
    }
    let settings = Settings {
        dialect,
        mariadb: data_source.as_ref().is_some_and(DataSource::mariadb),
        naming: data_source.as_ref().map(|d| d.naming).unwrap_or_default(),
        pgcrypto: data_source.as_ref().is_some_and(|d| d.pgcrypto),
    };
    if let Some(implied) = data_source.as_ref().and_then(DataSource::dialect)
        && implied != dialect
    {
        let file = data_source.as_ref().map(|d| d.file.display().to_string());
        notes.push(format!(
            "{}: the DataSource is for {}; read for {} as asked",
            file.unwrap_or_default(),
            implied.name(),
            dialect.name()
        ));
    }
    let schema = schema_of(&sources, &settings, &classes)?;
    Ok((schema, notes))
}

fn same_file(a: &Path, b: &Path) -> bool {
    std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

/// The schema of the entity classes: their tables as TypeORM builds them, read through the DDL
/// TypeORM would run.
fn schema_of(
    sources: &Sources,
    settings: &Settings,
    classes: &[(usize, String)],
) -> Result<Schema> {
    let ddl = ddl_of(sources, settings, classes)?;
    let label = sources.names.first().cloned().unwrap_or_default();
    ddl.parse(settings.dialect, "TypeORM", &label)
}

fn ddl_of(
    sources: &Sources,
    settings: &Settings,
    classes: &[(usize, String)],
) -> Result<crate::source::orm::generated::GeneratedDdl> {
    let mut tables = entity::build_tables(sources, settings, classes)?;
    relations::apply(sources, settings, &mut tables)?;
    Ok(ddl::render(settings, &tables, sources.names.clone()))
}

/// The DDL the entities in `files` (name, text) make, for tests and the bench.
pub fn ddl_of_files(files: &[(&str, &str)], settings: &Settings) -> Result<String> {
    let mut sources = Sources::new();
    let mut classes = Vec::new();
    for (name, text) in files {
        let module = sources.add(Path::new(name), text)?;
        for class in &sources.module(module).classes {
            classes.push((module, class.name.clone()));
        }
    }
    Ok(ddl_of(&sources, settings, &classes)?.text())
}

#[cfg(test)]
mod tests;
