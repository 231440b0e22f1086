//! A Sequelize project's settings, as sequelize-cli finds them: `.sequelizerc` (`config`,
//! `models-path`, `migrations-path`, usually `path.resolve(...)` calls) and the config file
//! (`config/config.json` by default, or a `.js` module), whose `development` environment (or
//! `NODE_ENV`'s) names the dialect.

use std::path::{Path, PathBuf};

use crate::model::Dialect;
use crate::source::orm::typescript::{Node, Sources, Value};

#[derive(Debug, Clone)]
pub struct Config {
    /// The project folder (where `.sequelizerc` or `config/` is).
    pub root: PathBuf,
    pub config_file: Option<PathBuf>,
    pub models_dir: Option<PathBuf>,
    pub migrations_dir: Option<PathBuf>,
    pub dialect: Option<Dialect>,
}

impl Config {
    pub fn label(&self) -> String {
        self.config_file
            .as_ref()
            .unwrap_or(&self.root)
            .display()
            .to_string()
    }
}

/// `postgres`, `mysql`, `mariadb`, `sqlite` (what `dialect` in the config says).
pub fn dialect_named(name: &str) -> Option<Dialect> {
    match name {
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// The project around `path`: the nearest folder at or above it (four levels at most) with a
/// `.sequelizerc`, a `config/config.json` or a `package.json`.
pub fn find(path: &Path) -> Option<Config> {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()?.to_path_buf()
    };
    let absolute = std::path::absolute(&start).ok()?;
    for (level, dir) in absolute.ancestors().take(5).enumerate() {
        let marked = dir.join(".sequelizerc").is_file()
            || dir.join("config/config.json").is_file()
            || dir.join("package.json").is_file();
        if marked {
            // Keep the path as the user wrote it when it is the project itself, for messages.
            return Some(read(if level == 0 { &start } else { dir }));
        }
    }
    None
}

fn read(root: &Path) -> Config {
    let mut config = Config {
        root: root.to_path_buf(),
        config_file: None,
        models_dir: None,
        migrations_dir: None,
        dialect: None,
    };
    let rc = root.join(".sequelizerc");
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(text) = std::fs::read_to_string(&rc) {
        let mut sources = Sources::new();
        if let Ok(index) = sources.add(Path::new(".sequelizerc.js"), &text) {
            let module = sources.module(index);
            if let Some(exported) = &module.default_export {
                let exported = sources.value_of(index, exported);
                if let Value::Object(props) = &exported.value {
                    for (key, value) in props {
                        if let Some(path) = path_value(&sources, index, value) {
                            paths.push((key.clone(), root.join(path)));
                        }
                    }
                }
            }
        }
    }
    let find = |key: &str| paths.iter().find(|(k, _)| k == key).map(|(_, p)| p.clone());
    config.models_dir = find("models-path").or_else(|| {
        ["models", "src/models", "db/models"]
            .iter()
            .map(|d| root.join(d))
            .find(|d| d.is_dir())
    });
    config.migrations_dir = find("migrations-path").or_else(|| {
        let default = root.join("migrations");
        default.is_dir().then_some(default)
    });
    let config_file = find("config").or_else(|| {
        ["config/config.json", "config/config.js"]
            .iter()
            .map(|f| root.join(f))
            .find(|f| f.is_file())
    });
    if let Some(file) = &config_file {
        config.dialect = file_dialect(file);
    }
    config.config_file = config_file;
    config
}

/// `path.resolve("db", "models")`, `path.join(__dirname, "models")` or a string: the path
/// relative to the project folder.
fn path_value(sources: &Sources, module: usize, node: &Node) -> Option<PathBuf> {
    let node = sources.value_of(module, node);
    match &node.value {
        Value::Str(s) => Some(PathBuf::from(s.trim_start_matches("./"))),
        Value::Call { args, .. } => {
            let (callee, _) = node.call()?;
            if !matches!(
                callee.as_str(),
                "path.resolve" | "path.join" | "resolve" | "join"
            ) {
                return None;
            }
            let mut out = PathBuf::new();
            for arg in args {
                match &arg.value {
                    Value::Ident(name) if name == "__dirname" => {}
                    Value::Call { .. } if arg.call().is_some_and(|(c, _)| c == "process.cwd") => {}
                    Value::Str(part) => out.push(part.trim_start_matches("./")),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The dialect of the config file's environment (`NODE_ENV`, else `development`).
fn file_dialect(file: &Path) -> Option<Dialect> {
    let text = std::fs::read_to_string(file).ok()?;
    let env = std::env::var("NODE_ENV").unwrap_or_else(|_| "development".into());
    if file.extension().is_some_and(|e| e == "json") {
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        return dialect_named(json[&env]["dialect"].as_str()?);
    }
    let mut sources = Sources::new();
    let index = sources.add(Path::new("config.js"), &text).ok()?;
    let exported = sources.module(index).default_export.clone()?;
    let exported = sources.value_of(index, &exported);
    let environment = sources.value_of(index, exported.get(&env)?);
    dialect_named(sources.value_of(index, environment.get("dialect")?).str()?)
}

/// The dialect the project around `path` names in its config.
pub fn implied_dialect(path: &Path) -> Option<Dialect> {
    find(path)?.dialect
}
