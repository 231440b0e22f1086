//! Sequelize v6 models (`sequelize.define`, `class X extends Model {}` + `X.init`, and
//! sequelize-typescript's `@Table` classes; CommonJS factories or ESM/TypeScript modules) →
//! `Schema`, read without running Node.
//!
//! The shared TypeScript layer (`orm::typescript`, over oxc) parses the files, function bodies
//! included (sequelize-cli's factories and `associate(models)` live there). `config` finds the
//! project's dialect and folders (`.sequelizerc`, `config/config.json`); `models` builds each
//! model as `Model.init` does (implicit `id`, timestamps, `inflection` table names);
//! `decorators` reads sequelize-typescript classes; `associations` then adds foreign keys and
//! join tables once every model is known; `ddl` writes what `sync()` runs per dialect, which
//! migen's SQL reader reads, so errors in it point back at the model. `exact` runs the
//! project's own Sequelize instead (`--exact`).

mod associations;
pub mod config;
mod ddl;
mod decorators;
mod exact;
pub mod inflection;
mod models;
pub(crate) mod reader;
mod types;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::orm::generated::GeneratedDdl;
use crate::source::orm::typescript::{Node, Sources, Value, walk_files};

pub use config::{Config, implied_dialect};
pub use exact::load_exact;
use models::{Model, Reader};

/// Folders never searched for models: dependencies, build output, migrations, seeders and
/// hidden folders.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "node_modules"
                | "dist"
                | "build"
                | "out"
                | "coverage"
                | "migrations"
                | "seeders"
                | "config"
        )
}

fn is_source_name(name: &str) -> bool {
    (name.ends_with(".ts")
        || name.ends_with(".js")
        || name.ends_with(".mts")
        || name.ends_with(".mjs")
        || name.ends_with(".cjs"))
        && !name.ends_with(".d.ts")
}

/// Whether a file's text looks like Sequelize models.
fn mentions_model(text: &str) -> bool {
    (text.contains("sequelize") || text.contains("Sequelize"))
        && (text.contains(".define(") || text.contains(".init(") || text.contains("@Table"))
}

/// The source files under `dir` (sorted), outside the skipped folders.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    walk_files(
        dir,
        |name| !skipped_folder(name),
        |_, name| is_source_name(name),
    )
}

fn model_files(dir: &Path) -> Vec<PathBuf> {
    model_texts(dir).into_iter().map(|(path, _)| path).collect()
}

/// The model files under `dir` with their text (read once: the reader parses what it sorted).
fn model_texts(dir: &Path) -> Vec<(PathBuf, String)> {
    source_files(dir)
        .into_iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).ok()?;
            mentions_model(&text).then_some((f, text))
        })
        .collect()
}

/// Whether `path` holds Sequelize models: a model file, or a folder with model files (a
/// project's models folder, from `.sequelizerc` or `models/`, counts for the project).
pub fn is_sequelize_path(path: &Path) -> bool {
    if path.is_file() {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        return is_source_name(&name)
            && std::fs::read_to_string(path).is_ok_and(|t| mentions_model(&t));
    }
    if !path.is_dir() {
        return false;
    }
    // A folder of SQL or Prisma schema files stays theirs.
    let has_schema_files = std::fs::read_dir(path).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "sql" || x == "prisma")
        })
    });
    !has_schema_files && !files_for(path, config::find(path).as_ref()).is_empty()
}

/// The files to read for `path`: the file itself, or the model files of the folder to search.
fn files_for(path: &Path, config: Option<&Config>) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    model_files(&models_folder(path, config))
}

/// The folder to search for models: the project's models folder for a project, else `path`.
fn models_folder(path: &Path, config: Option<&Config>) -> PathBuf {
    if let Some(config) = config
        && same_dir(&config.root, path)
        && let Some(models) = &config.models_dir
        && models.is_dir()
    {
        return models.clone();
    }
    path.to_path_buf()
}

/// Read the models at `path` (a project folder, a models folder or one model file) for
/// `dialect`.
pub fn load(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let config = config::find(path);
    let files: Vec<(PathBuf, String)> = match files_for(path, config.as_ref()) {
        found if path.is_file() => found
            .into_iter()
            .map(|f| {
                let text = crate::source::read_text(&f)?;
                Ok((f, text))
            })
            .collect::<Result<_>>()?,
        _ => model_texts(&models_folder(path, config.as_ref())),
    };
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no Sequelize models (define, init or @Table) there",
            path.display()
        )));
    }
    let mut sources = Sources::new();
    for (file, text) in &files {
        sources.add(file, text)?;
    }
    sources.load_imports()?;
    let mut notes = Vec::new();
    if let Some(implied) = config.as_ref().and_then(|c| c.dialect)
        && implied != dialect
    {
        notes.push(format!(
            "{}: the config is for {}; read for {} as asked",
            config.as_ref().map(|c| c.label()).unwrap_or_default(),
            implied.name(),
            dialect.name()
        ));
    }
    let ddl = ddl_of(&sources, dialect)?;
    let label = sources.names.first().cloned().unwrap_or_default();
    Ok((ddl.parse(dialect, "Sequelize", &label)?, notes))
}

/// Every model of the parsed files with its associations applied, and the DDL `sync()` runs.
fn ddl_of(sources: &Sources, dialect: Dialect) -> Result<GeneratedDdl> {
    let reader = Reader { sources };
    let mut models = find_models(&reader)?;
    if models.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no Sequelize models (define, init or @Table) there",
            sources.names.first().cloned().unwrap_or_default()
        )));
    }
    let mut associations = Vec::new();
    for index in 0..sources.modules.len() {
        let module = sources.module(index);
        for call in module.calls.iter().chain(&module.inner_calls) {
            if let Some(association) = associations::read_call(&reader, &models, index, call)? {
                associations.push(association);
            }
        }
    }
    associations.extend(decorators::associations(&reader, &models)?);
    associations::apply(&reader, &mut models, &associations)?;
    ddl::render(dialect, &models, sources.names.clone())
}

/// The models the parsed files define, in file and call order.
fn find_models(reader: &Reader) -> Result<Vec<Model>> {
    let sources = reader.sources;
    let mut models: Vec<Model> = Vec::new();
    for index in 0..sources.modules.len() {
        let module = sources.module(index);
        let bindings: Vec<&(String, Node)> =
            module.consts.iter().chain(&module.inner_consts).collect();
        for call in module.calls.iter().chain(&module.inner_calls) {
            let Value::Call { callee, args, .. } = &call.value else {
                continue;
            };
            let Value::Member(object, method) = &callee.value else {
                continue;
            };
            match method.as_str() {
                "define" => {
                    let Some(name) = args.first().map(|a| reader.value(index, a)) else {
                        continue;
                    };
                    let Some(name) = name.str() else {
                        continue;
                    };
                    let binding = bindings
                        .iter()
                        .find(|(_, value)| value.pos == call.pos)
                        .map(|(binding, _)| binding.clone())
                        .unwrap_or_else(|| name.to_string());
                    models.push(reader.model(
                        index,
                        name.to_string(),
                        binding,
                        args.get(1),
                        args.get(2),
                        call.pos,
                        None,
                    )?);
                }
                "init" => {
                    let Some(class_name) = object.path() else {
                        continue;
                    };
                    let is_model_class = module
                        .classes
                        .iter()
                        .chain(&module.inner_classes)
                        .any(|c| c.name == class_name && c.extends.is_some());
                    if !is_model_class || args.is_empty() {
                        continue;
                    }
                    let options = args.get(1);
                    let model_name = options
                        .map(|o| reader.value(index, o))
                        .and_then(|o| {
                            o.get("modelName")
                                .and_then(|n| reader.value(index, n).str().map(str::to_string))
                        })
                        .unwrap_or_else(|| class_name.clone());
                    models.push(reader.model(
                        index,
                        model_name,
                        class_name,
                        args.first(),
                        options,
                        call.pos,
                        None,
                    )?);
                }
                _ => {}
            }
        }
        for class in module.classes.iter().chain(&module.inner_classes) {
            if class.decorator("Table").is_some() {
                models.push(decorators::model(reader, index, class)?);
            }
        }
    }
    Ok(models)
}

/// The DDL the models in `files` (name, text) make, for tests and the bench.
pub fn ddl_of_files(files: &[(&str, &str)], dialect: Dialect) -> Result<String> {
    let mut sources = Sources::new();
    for (name, text) in files {
        sources.add(Path::new(name), text)?;
    }
    Ok(ddl_of(&sources, dialect)?.text())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

/// A number as JavaScript prints it (`1`, not `1.0`).
fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests;
