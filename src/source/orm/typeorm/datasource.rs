//! The DataSource: `new DataSource({...})`, NestJS `TypeOrmModule.forRoot({...})` (or
//! `forRootAsync` with a `useFactory` returning the options), `createConnection({...})`, or a
//! legacy `ormconfig.{json,js,ts}`. It names the database type (the dialect), the entities
//! (classes, or globs of files), the migrations globs, the naming strategy and `synchronize`.

use std::path::{Path, PathBuf};

use super::columns::not_static;
use super::naming::Naming;
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Node, Resolved, Sources, Value};

/// One entry of `entities`.
#[derive(Debug, Clone, PartialEq)]
pub enum EntitySpec {
    /// An entity class: its module and name.
    Class(usize, String),
    /// A glob of files, absolute or relative to the project root, with where it was written.
    Glob(PathBuf, Origin),
    /// Every class a module exports (`Object.values(entities)` of `import * as entities`).
    Exports(usize),
}

/// What the DataSource says.
#[derive(Debug, Clone, Default)]
pub struct DataSource {
    /// The file it is in.
    pub file: PathBuf,
    /// `type` as written (`postgres`, `mariadb`, `better-sqlite3`, …).
    pub driver: Option<String>,
    /// `None` when the options list no entities (or TypeORM loads them itself, as NestJS's
    /// `autoLoadEntities` does).
    pub entities: Option<Vec<EntitySpec>>,
    pub migrations: Vec<PathBuf>,
    pub naming: Naming,
    pub synchronize: Option<bool>,
    /// `uuidExtension: "pgcrypto"`.
    pub pgcrypto: bool,
}

impl DataSource {
    /// The dialect of the driver `type`, if migen writes it.
    pub fn dialect(&self) -> Option<Dialect> {
        driver_dialect(self.driver.as_deref()?)
    }

    pub fn mariadb(&self) -> bool {
        self.driver.as_deref() == Some("mariadb")
    }
}

pub fn driver_dialect(driver: &str) -> Option<Dialect> {
    match driver {
        "postgres" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" | "better-sqlite3" | "sqljs" | "capacitor" | "cordova" | "expo"
        | "react-native" | "nativescript" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// Whether a file's text may hold TypeORM options (cheap text test before parsing).
pub fn mentions_data_source(text: &str) -> bool {
    text.contains("DataSource(")
        || text.contains("TypeOrmModule.forRoot")
        || text.contains("createConnection(")
}

/// The DataSource in `files` (project files whose text mentions one) or the legacy ormconfig in
/// `root`, if any. The first one found wins; files are given in a stable order.
pub fn find(sources: &mut Sources, root: &Path, files: &[PathBuf]) -> Result<Option<DataSource>> {
    for name in ["ormconfig.ts", "ormconfig.js"] {
        let path = root.join(name);
        if path.is_file() {
            let module = sources.load(&path)?;
            if let Some(options) = sources.module(module).default_export.clone() {
                return read_options(sources, module, root, &options).map(Some);
            }
        }
    }
    let json = root.join("ormconfig.json");
    if json.is_file() {
        let text = std::fs::read_to_string(&json).map_err(|source| Error::Io {
            path: json.clone(),
            source,
        })?;
        // JSON is an expression TypeScript reads as it is.
        let module = sources.add(&json, &format!("export default {text}"))?;
        if let Some(options) = sources.module(module).default_export.clone() {
            return read_options(sources, module, root, &options).map(Some);
        }
    }
    for path in files {
        let module = sources.load(path)?;
        let calls = sources.module(module).calls.clone();
        for call in &calls {
            let Some((callee, args)) = call.call() else {
                continue;
            };
            let options = match callee.rsplit('.').next().unwrap_or_default() {
                "DataSource" | "createConnection" | "forRoot" => args.first(),
                "forRootAsync" => args
                    .first()
                    .and_then(|a| a.get("useFactory"))
                    .and_then(Node::returned),
                _ => None,
            };
            if let Some(options) = options.filter(|o| o.is_object()) {
                return read_options(sources, module, root, options).map(Some);
            }
        }
    }
    Ok(None)
}

/// An options object's properties, spreads of known objects merged in.
fn properties(sources: &Sources, module: usize, node: &Node) -> Vec<(String, Node)> {
    let mut out: Vec<(String, Node)> = Vec::new();
    let Value::Object(props) = &node.value else {
        return out;
    };
    for (key, value) in props {
        if key == "..." {
            if let Some(Resolved::Const(found, spread)) =
                value.path().and_then(|p| sources.resolve_path(module, &p))
            {
                out.extend(properties(sources, found.file, spread));
            }
        } else {
            out.retain(|(k, _)| k != key);
            out.push((key.clone(), value.clone()));
        }
    }
    out
}

fn read_options(
    sources: &mut Sources,
    module: usize,
    root: &Path,
    options: &Node,
) -> Result<DataSource> {
    sources.load_imports()?;
    let props = properties(sources, module, options);
    let get = |key: &str| props.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let file = sources.module(module).path.clone();
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut source = DataSource {
        file,
        ..DataSource::default()
    };
    source.driver = get("type").and_then(|t| t.str().map(str::to_string));
    source.synchronize = get("synchronize").and_then(|s| s.boolean());
    source.pgcrypto =
        get("uuidExtension").and_then(|u| u.str().map(|s| s == "pgcrypto")) == Some(true);
    if let Some(prefix) = get("entityPrefix") {
        return Err(not_static(
            sources,
            prefix.pos,
            "the DataSource option `entityPrefix` is not read statically",
        ));
    }
    if let Some(strategy) = get("namingStrategy") {
        source.naming = match strategy.call() {
            Some((name, _)) if name.ends_with("SnakeNamingStrategy") => Naming::Snake,
            Some((name, _)) if name.ends_with("DefaultNamingStrategy") => Naming::Default,
            _ => {
                return Err(not_static(
                    sources,
                    strategy.pos,
                    format!(
                        "the naming strategy {} is not read statically",
                        strategy.describe()
                    ),
                ));
            }
        };
    }
    let auto_load = get("autoLoadEntities").and_then(|a| a.boolean()) == Some(true);
    if !auto_load && let Some(entities) = get("entities") {
        let mut specs = Vec::new();
        entity_specs(sources, module, root, &dir, &entities, &mut specs)?;
        source.entities = Some(specs);
    }
    if let Some(migrations) = get("migrations") {
        let mut specs = Vec::new();
        entity_specs(sources, module, root, &dir, &migrations, &mut specs)?;
        source.migrations = specs
            .into_iter()
            .filter_map(|s| match s {
                EntitySpec::Glob(path, _) => Some(path),
                EntitySpec::Class(..) | EntitySpec::Exports(_) => None,
            })
            .collect();
    }
    Ok(source)
}

/// A path expression: a string, `__dirname + "/x"`, `path.join(__dirname, "x")`.
fn path_value(root: &Path, dir: &Path, node: &Node) -> Option<PathBuf> {
    match &node.value {
        Value::Str(s) => Some(root.join(s)),
        Value::Ident(name) if name == "__dirname" => Some(dir.to_path_buf()),
        Value::Binary(op, left, right) if op == "+" => {
            let base = path_value(root, dir, left)?;
            let rest = right.str()?;
            Some(PathBuf::from(format!("{}{rest}", base.display())))
        }
        Value::Call { .. } => {
            let (name, args) = node.call()?;
            if !matches!(
                name.as_str(),
                "join" | "path.join" | "resolve" | "path.resolve"
            ) {
                return None;
            }
            let mut path = path_value(root, dir, args.first()?)?;
            for arg in &args[1..] {
                path.push(arg.str()?.trim_start_matches('/'));
            }
            Some(path)
        }
        _ => None,
    }
}

fn entity_specs(
    sources: &Sources,
    module: usize,
    root: &Path,
    dir: &Path,
    node: &Node,
    out: &mut Vec<EntitySpec>,
) -> Result<()> {
    if let Some(items) = node.items() {
        for item in items {
            entity_specs(sources, module, root, dir, item, out)?;
        }
        return Ok(());
    }
    if let Some(path) = path_value(root, dir, node) {
        out.push(EntitySpec::Glob(path, node.pos));
        return Ok(());
    }
    let name = match &node.value {
        // `...entities` in an array.
        Value::Other(text) if text.starts_with("...") => Some(text[3..].trim().to_string()),
        Value::Ident(_) | Value::Member(..) => node.path(),
        // `Object.values(entities)` of a namespace import: every class it exports.
        Value::Call { .. } => match node.call() {
            Some((callee, [arg])) if callee == "Object.values" => {
                let name = arg.path().unwrap_or_default();
                let namespace = sources
                    .module(module)
                    .imports
                    .iter()
                    .find(|i| i.local == name)
                    .and_then(|i| sources.loaded(module, &i.source));
                if let Some(target) = namespace {
                    out.push(EntitySpec::Exports(target));
                    return Ok(());
                }
                None
            }
            _ => None,
        },
        _ => None,
    };
    match name.and_then(|n| sources.resolve_path(module, &n)) {
        Some(Resolved::Class(found, class)) => {
            out.push(EntitySpec::Class(found.file, class.name.clone()));
            Ok(())
        }
        Some(Resolved::Const(found, value)) => {
            entity_specs(sources, found.file, root, dir, value, out)
        }
        _ => Err(not_static(
            sources,
            node.pos,
            format!("cannot read the entities entry {}", node.describe()),
        )),
    }
}

/// Files matching a glob (`*`, `**`, `?`, `{a,b}`); node_modules is never searched.
pub fn glob(pattern: &Path) -> Vec<PathBuf> {
    let text = pattern.to_string_lossy().replace('\\', "/");
    // The fixed folder before the first segment with a wildcard.
    let segments: Vec<&str> = text.split('/').collect();
    let fixed = segments
        .iter()
        .position(|s| s.contains(['*', '?', '{', '[']))
        .unwrap_or(segments.len());
    let base: PathBuf = if fixed == 0 {
        PathBuf::from(".")
    } else {
        PathBuf::from(segments[..fixed].join("/"))
    };
    if fixed == segments.len() {
        return if base.is_file() {
            vec![base]
        } else if base.is_dir() {
            // A folder (an `index` re-exporting classes, or a folder of files).
            super::source_files(&base)
        } else {
            Vec::new()
        };
    }
    let rest: Vec<String> = segments[fixed..].iter().map(|s| s.to_string()).collect();
    let mut found: Vec<PathBuf> = super::all_files(&base)
        .into_iter()
        .filter(|path| {
            let relative = path.strip_prefix(&base).unwrap_or(path);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            match_segments(&rest, &parts)
        })
        .collect();
    found.sort();
    found
}

fn match_segments(pattern: &[String], parts: &[String]) -> bool {
    match pattern.first() {
        None => parts.is_empty(),
        Some(first) if first == "**" => {
            (0..=parts.len()).any(|skip| match_segments(&pattern[1..], &parts[skip..]))
        }
        Some(first) => {
            !parts.is_empty()
                && expand_braces(first)
                    .iter()
                    .any(|p| match_name(p.as_bytes(), parts[0].as_bytes()))
                && match_segments(&pattern[1..], &parts[1..])
        }
    }
}

fn expand_braces(pattern: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (pattern.find('{'), pattern.find('}')) else {
        return vec![pattern.to_string()];
    };
    if close < open {
        return vec![pattern.to_string()];
    }
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    pattern[open + 1..close]
        .split(',')
        .flat_map(|choice| expand_braces(&format!("{head}{choice}{tail}")))
        .collect()
}

fn match_name(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some(b'*') => (0..=name.len()).any(|skip| match_name(&pattern[1..], &name[skip..])),
        Some(b'?') => !name.is_empty() && match_name(&pattern[1..], &name[1..]),
        Some(c) => name.first() == Some(c) && match_name(&pattern[1..], &name[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str) -> Vec<String> {
        path.split('/').map(str::to_string).collect()
    }

    #[test]
    fn globs_match_like_typeorm_patterns() {
        let pattern = parts("**/*.entity.{ts,js}");
        assert!(match_segments(&pattern, &parts("user.entity.ts")));
        assert!(match_segments(&pattern, &parts("a/b/post.entity.js")));
        assert!(!match_segments(&pattern, &parts("a/post.ts")));
        assert!(match_segments(
            &parts("entity/*.ts"),
            &parts("entity/user.ts")
        ));
        assert!(!match_segments(
            &parts("entity/*.ts"),
            &parts("entity/sub/user.ts")
        ));
    }

    fn find_in(files: &[(&str, &str)]) -> Result<Option<DataSource>> {
        let dir = tempfile::tempdir().unwrap();
        let mut candidates = Vec::new();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            if name.ends_with(".ts") {
                candidates.push(path);
            }
        }
        find(&mut Sources::new(), dir.path(), &candidates)
    }

    #[test]
    fn nest_forroot_ormconfig_and_spread_options_are_read() {
        let nest = "import { TypeOrmModule } from '@nestjs/typeorm';\n\
            import { SnakeNamingStrategy } from 'typeorm-naming-strategies';\n\
            const base = { type: 'postgres', synchronize: false };\n\
            @Module({ imports: [TypeOrmModule.forRoot({ ...base, entities: [__dirname + '/**/*.entity.ts'], namingStrategy: new SnakeNamingStrategy() })] })\n\
            export class AppModule {}\n";
        let found = find_in(&[("src/app.module.ts", nest)]).unwrap().unwrap();
        assert_eq!(found.dialect(), Some(Dialect::Postgres));
        assert_eq!(found.naming, Naming::Snake);
        assert_eq!(found.synchronize, Some(false));
        let Some(EntitySpec::Glob(glob, _)) =
            found.entities.as_ref().and_then(|e| e.first().cloned())
        else {
            panic!("{:?}", found.entities);
        };
        assert!(glob.ends_with("src/**/*.entity.ts"), "{}", glob.display());
        let json = r#"{ "type": "mariadb", "entities": ["dist/entity/*.js"] }"#;
        let found = find_in(&[("ormconfig.json", json)]).unwrap().unwrap();
        assert!(found.mariadb());
        let error = find_in(&[(
            "db.ts",
            "export default new DataSource({ type: 'mysql', entityPrefix: 'app_' });\n",
        )])
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("db.ts:1:62: the DataSource option `entityPrefix`"),
            "{error}"
        );
        assert!(error.contains("--exact"), "{error}");
    }
}
