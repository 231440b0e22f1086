//! The exact reading (`--exact`): the project's own Sequelize (from its node_modules, or a
//! folder on `NODE_PATH`; ts-node for TypeScript models) loads the model files, runs every
//! `associate(models)`, and `sync()`s into a scratch database (a temporary SQLite file, or a
//! scratch database on the server `MIGEN_SCRATCH_URL` names), which migen reads back with its
//! live reader. Models made on the project's own Sequelize instance are moved to the scratch
//! one (`Model.init` is wrapped), so the project's connection settings are never used.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::live;

/// Sync the models at `path` into a scratch database with the project's Sequelize and read the
/// result.
pub fn load_exact(path: &Path, dialect: Dialect) -> Result<Schema> {
    let config = super::config::find(path);
    let root = config
        .as_ref()
        .map(|c| c.root.clone())
        .unwrap_or_else(|| path.to_path_buf());
    let modules = node_modules(&root).ok_or_else(|| {
        Error::Tool(format!(
            "{}: --exact runs the project's Sequelize, but no node_modules with sequelize is found at or above it or on NODE_PATH (run npm install)",
            root.display()
        ))
    })?;
    let files = super::files_for(path, config.as_ref());
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no Sequelize models (define, init or @Table) there",
            path.display()
        )));
    }
    let scratch = live::create_scratch(&crate::source::replay::scratch_server(dialect)?)?;
    let target = match dialect {
        Dialect::Sqlite => scratch.url.trim_start_matches("sqlite://").to_string(),
        _ => scratch.url.clone(),
    };
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or(p.to_path_buf());
    let output = Command::new("node")
        .arg("-e")
        .arg(SCRIPT)
        .arg(absolute(&modules))
        .arg(match dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        })
        .arg(&target)
        .args(files.iter().map(|f| absolute(f)))
        .env("TS_NODE_TRANSPILE_ONLY", "true")
        .current_dir(&root)
        .output()
        .map_err(|e| {
            Error::tool(
                "node",
                "--exact (running the project's own Sequelize)",
                "Node.js (Debian: apt-get install nodejs)",
                &e,
            )
        })?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "{}: the project's Sequelize could not build the schema:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    live::connect(&scratch.url)?.introspect()
}

/// The nearest node_modules with sequelize in it, at or above `dir`, else on `NODE_PATH`.
fn node_modules(dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(dir).ok()?;
    let above = absolute
        .ancestors()
        .map(|d| d.join("node_modules"))
        .find(|m| m.join("sequelize").is_dir());
    above.or_else(|| {
        let paths = std::env::var_os("NODE_PATH")?;
        std::env::split_paths(&paths).find(|p| p.join("sequelize").is_dir())
    })
}

/// argv: node_modules, the dialect, the scratch database (a file for SQLite, else a URL), the
/// model files.
const SCRIPT: &str = r#"
const fs = require("fs");
const path = require("path");
const [modules, dialect, target, ...files] = process.argv.slice(1);
const need = (name) => require(path.join(modules, name));
const texts = files.map((f) => fs.readFileSync(f, "utf8"));
if (files.some((f) => /\.[mc]?tsx?$/.test(f))) {
  need("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs", target: "es2019", experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true } });
}
const decorated = texts.some((t) => t.includes("sequelize-typescript"));
if (decorated) need("reflect-metadata");
const Seq = need("sequelize");
const options = { dialect, logging: false, ...(dialect === "sqlite" ? { storage: target } : {}) };
const Base = decorated ? need("sequelize-typescript").Sequelize : Seq.Sequelize;
const sequelize = dialect === "sqlite" ? new Base(options) : new Base(target, options);
// Models built on another instance (the project's own connection) are built on this one.
const init = Seq.Model.init;
Seq.Model.init = function (attributes, opts) {
  return init.call(this, attributes, { ...(opts || {}), sequelize });
};
(async () => {
  const classes = [];
  for (const file of files) {
    const mod = require(file);
    const values = [mod, mod && mod.default, ...(mod && typeof mod === "object" ? Object.values(mod) : [])];
    for (const value of values) {
      if (typeof value !== "function") continue;
      if (value.prototype instanceof Seq.Model) {
        if (decorated && !classes.includes(value) && !Object.values(sequelize.models).includes(value)) classes.push(value);
        continue;
      }
      // sequelize-cli's `module.exports = (sequelize, DataTypes) => { ... }`.
      const source = value.toString();
      if (/\.define\(|\.init\(/.test(source)) value(sequelize, Seq.DataTypes);
    }
  }
  if (classes.length) sequelize.addModels(classes);
  for (const model of Object.values(sequelize.models)) {
    if (typeof model.associate === "function") model.associate(sequelize.models);
  }
  await sequelize.sync();
  await sequelize.close();
})().catch((e) => { console.error(e && e.message ? e.message : String(e)); process.exit(1); });
"#;
