//! `drizzle.config.*`: `defineConfig({ dialect, schema, out, casing })` (or a plain object,
//! `satisfies Config`, `module.exports`), read statically. `schema` is a file, a folder, a
//! glob or an array of them, relative to the config's folder (where drizzle-kit runs).

use std::path::{Path, PathBuf};

use super::{Casing, is_source_name, schema_files};
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::typescript::{Node, Resolved, Sources, Value};

const CONFIG_NAMES: &[&str] = &[
    "drizzle.config.ts",
    "drizzle.config.js",
    "drizzle.config.mjs",
    "drizzle.config.cjs",
    "drizzle.config.mts",
];

pub(super) fn is_config_name(name: &str) -> bool {
    CONFIG_NAMES.contains(&name)
}

/// The config in `dir`, if any.
pub(super) fn find(dir: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

#[derive(Debug, Clone)]
pub struct Config {
    pub file: PathBuf,
    pub dialect: Option<Dialect>,
    /// The schema entries as written.
    pub schema: Vec<String>,
    pub out: Option<String>,
    pub casing: Casing,
}

impl Config {
    fn dir(&self) -> PathBuf {
        match self.file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The schema files the entries name: files, folders (their schema files) and globs.
    pub fn schema_files(&self) -> Vec<PathBuf> {
        let dir = self.dir();
        let mut files = Vec::new();
        for entry in &self.schema {
            let path = crate::source::orm::typescript::project::normalize(&dir.join(entry));
            let found: Vec<PathBuf> = if path.is_file() {
                vec![path]
            } else if path.is_dir() {
                schema_files(&path)
            } else {
                crate::source::orm::typeorm::glob(&path)
                    .into_iter()
                    .filter(|p| {
                        is_source_name(&p.file_name().unwrap_or_default().to_string_lossy())
                    })
                    .collect()
            };
            for file in found {
                if !files.contains(&file) {
                    files.push(file);
                }
            }
        }
        files
    }
}

/// Read the config at `file`. A config migen cannot read statically is an error naming where.
pub(super) fn read(file: &Path) -> Result<Config> {
    let mut sources = Sources::new();
    let module = sources.load(file)?;
    sources.load_imports()?;
    let object = config_object(&sources, module, file)?;
    let string = |key: &str| {
        object
            .get(key)
            .map(|n| sources.value_of(module, n))
            .and_then(|n| n.str().map(str::to_string))
    };
    let schema = match object.get("schema").map(|n| sources.value_of(module, n)) {
        Some(node) => match &node.value {
            Value::Str(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    sources
                        .value_of(module, item)
                        .str()
                        .map(str::to_string)
                        .ok_or_else(|| {
                            sources.error(item.pos, "a schema entry must be a string path")
                        })
                })
                .collect::<Result<Vec<_>>>()?,
            _ => {
                return Err(sources.error(node.pos, "`schema` must be a path or an array of paths"));
            }
        },
        None => Vec::new(),
    };
    let casing = match string("casing").as_deref() {
        Some("snake_case") => Casing::Snake,
        Some("camelCase") => Casing::Camel,
        _ => Casing::Preserve,
    };
    let dialect = match string("dialect").as_deref() {
        Some("turso") => Some(Dialect::Sqlite),
        Some("singlestore") | Some("gel") => None,
        Some(other) => Dialect::parse(other),
        None => None,
    };
    Ok(Config {
        file: file.to_path_buf(),
        dialect,
        schema,
        out: string("out"),
        casing,
    })
}

/// The exported config object: `export default defineConfig({...})`, `export default config`,
/// `module.exports = {...}`.
fn config_object(sources: &Sources, module: usize, file: &Path) -> Result<Node> {
    let Some(mut node) = sources.module(module).default_export.clone() else {
        return Err(crate::error::Error::Usage(format!(
            "{}: no default export (export default defineConfig({{ ... }}))",
            file.display()
        )));
    };
    for _ in 0..8 {
        match &node.value {
            Value::Object(_) => return Ok(node),
            Value::Call { args, .. } if args.len() == 1 => node = args[0].clone(),
            Value::Ident(name) => match sources.resolve(module, name) {
                Some(Resolved::Const(_, value)) => node = value.clone(),
                _ => break,
            },
            _ => break,
        }
    }
    Err(sources.error(
        node.pos,
        format!(
            "the drizzle config {} cannot be read statically; export an object literal",
            node.describe()
        ),
    ))
}
