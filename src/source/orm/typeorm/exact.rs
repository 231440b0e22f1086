//! The exact reading (`--exact`): the project's own TypeORM (from its node_modules; ts-node
//! with `TS_NODE_TRANSPILE_ONLY` for TypeScript) synchronizes the entities into a scratch
//! database (a temporary SQLite file, or a scratch database on the PostgreSQL or MySQL server
//! `MIGEN_SCRATCH_URL` names), which migen then reads back with its live reader. The project's
//! DataSource options are used as they are, pointed at the scratch database; without a
//! DataSource, one of the entity files found statically is made for the run.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::live;
use crate::source::orm::typescript::Sources;

/// Synchronize the entities at `path` into a scratch database with the project's TypeORM and
/// read the result.
pub fn load_exact(path: &Path, dialect: Dialect) -> Result<Schema> {
    let root = super::project_root(path);
    let mut sources = Sources::new();
    let data_source = super::find_data_source(&mut sources, &root)?;
    let modules = node_modules(&root).ok_or_else(|| {
        Error::Tool(format!(
            "{}: --exact runs the project's TypeORM, but no node_modules with typeorm is found at or above it (run npm install)",
            root.display()
        ))
    })?;
    let entity_files: Vec<PathBuf> = if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        super::source_files(path)
            .into_iter()
            .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| super::mentions_entity(&t)))
            .collect()
    };
    let use_data_source = data_source
        .as_ref()
        .filter(|d| d.entities.is_some() && path.is_dir() && super::same_file(&root, path));
    let scratch = live::create_scratch(&crate::source::replay::scratch_server(dialect)?)?;
    let driver = match (dialect, data_source.as_ref().and_then(|d| d.driver.clone())) {
        (Dialect::Sqlite, Some(d)) if matches!(d.as_str(), "sqlite" | "better-sqlite3") => d,
        (Dialect::Sqlite, _) => "better-sqlite3".to_string(),
        (Dialect::Mysql, Some(d)) if d == "mariadb" || d == "mysql" => d,
        (Dialect::Mysql, _) => "mysql".to_string(),
        (Dialect::Postgres, _) => "postgres".to_string(),
    };
    let target = match dialect {
        Dialect::Sqlite => scratch.url.trim_start_matches("sqlite://").to_string(),
        _ => scratch.url.clone(),
    };
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or(p.to_path_buf());
    let output = Command::new("node")
        .arg("-e")
        .arg(SCRIPT)
        .arg(absolute(&modules))
        .arg(
            use_data_source
                .map(|d| absolute(&d.file).display().to_string())
                .unwrap_or_default(),
        )
        .arg(&driver)
        .arg(&target)
        .arg(match data_source.as_ref().map(|d| d.naming) {
            Some(super::Naming::Snake) => "snake",
            _ => "default",
        })
        .args(entity_files.iter().map(|f| absolute(f)))
        .env("TS_NODE_TRANSPILE_ONLY", "true")
        .current_dir(&root)
        .output()
        .map_err(|e| {
            Error::tool(
                "node",
                "--exact (running the project's own TypeORM)",
                "Node.js (Debian: apt-get install nodejs)",
                &e,
            )
        })?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "{}: the project's TypeORM could not build the schema:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    let mut database = live::connect(&scratch.url)?;
    let mut schema = database.introspect()?;
    // TypeORM's bookkeeping tables are not the entities'.
    schema
        .tables
        .retain(|name, _| !matches!(name.name.as_str(), "typeorm_metadata" | "migrations"));
    Ok(schema)
}

/// The nearest node_modules with typeorm in it, at or above `dir`.
fn node_modules(dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(dir).ok()?;
    absolute
        .ancestors()
        .map(|d| d.join("node_modules"))
        .find(|m| m.join("typeorm").is_dir())
}

/// Runs in the project folder: argv is node_modules, the DataSource file (or empty), the driver
/// type, the scratch database (a file for SQLite, else a URL), the naming strategy, and the
/// entity files for a DataSource made here.
const SCRIPT: &str = r#"
const path = require("path");
const [modules, dsFile, driver, target, naming, ...entityFiles] = process.argv.slice(1);
const need = (name) => require(path.join(modules, name));
const files = [dsFile, ...entityFiles].filter(Boolean);
if (files.some((f) => /\.[mc]?tsx?$/.test(f))) {
  need("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs", experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true } });
}
need("reflect-metadata");
const typeorm = need("typeorm");
const sqlite = driver === "sqlite" || driver === "better-sqlite3";
const place = sqlite ? { database: target } : { url: target };
(async () => {
  let ds;
  if (dsFile) {
    const mod = require(dsFile);
    const found = [mod, mod.default, ...Object.values(mod)].find((v) => v instanceof typeorm.DataSource);
    if (!found) throw new Error(dsFile + " exports no DataSource instance");
    // A DataSource of the same options on the scratch database (the driver is made from them).
    ds = new typeorm.DataSource({ ...found.options, type: driver, ...place, synchronize: false, migrationsRun: false, dropSchema: false, logging: false });
  } else {
    const entities = entityFiles.flatMap((f) => Object.values(require(f)).filter((v) => typeof v === "function"));
    let namingStrategy;
    if (naming === "snake") namingStrategy = new (need("typeorm-naming-strategies").SnakeNamingStrategy)();
    ds = new typeorm.DataSource({ type: driver, ...place, entities, namingStrategy, logging: false });
  }
  await ds.initialize();
  await ds.synchronize();
  await ds.destroy();
})().catch((e) => { console.error(e && e.message ? e.message : String(e)); process.exit(1); });
"#;
