//! drizzle schema files (`pgTable`/`mysqlTable`/`sqliteTable` builder chains) → `Schema`,
//! read without running Node.
//!
//! The shared TypeScript layer (`orm::typescript`, over oxc) parses the files and follows their
//! imports. `config` reads `drizzle.config.*` (dialect, schema files, casing); `tables` and
//! `columns` read each exported table as drizzle-orm builds it (spreads of shared columns and
//! helper functions inlined, the extras callback in its array and object forms); `sql` turns
//! ``sql`...` `` templates into the SQL drizzle-kit writes; `ddl` writes what `drizzle-kit
//! generate` writes for the tables on an empty database, names included, which migen's SQL
//! reader then reads, so errors in it point back at the schema file.

mod columns;
mod config;
mod ddl;
mod identity;
pub(crate) mod reader;
pub mod snapshot;
mod sql;
mod tables;
mod views;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Imported, Node, Resolved, Sources, Value, walk_files};

pub use columns::Column;
pub use config::Config;
pub use tables::Table;

/// The drizzle-orm module a table's builders come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Core {
    Pg,
    Mysql,
    Sqlite,
}

impl Core {
    pub fn dialect(self) -> Dialect {
        match self {
            Core::Pg => Dialect::Postgres,
            Core::Mysql => Dialect::Mysql,
            Core::Sqlite => Dialect::Sqlite,
        }
    }

    fn module_name(self) -> &'static str {
        match self {
            Core::Pg => "drizzle-orm/pg-core",
            Core::Mysql => "drizzle-orm/mysql-core",
            Core::Sqlite => "drizzle-orm/sqlite-core",
        }
    }
}

/// `casing` in drizzle.config: how keys without a column name become names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Casing {
    #[default]
    Preserve,
    Snake,
    Camel,
}

impl Casing {
    /// drizzle-orm's `toSnakeCase` / `toCamelCase` (`casing.ts`).
    pub fn apply(self, key: &str) -> String {
        match self {
            Casing::Preserve => key.to_string(),
            Casing::Snake => words(key).join("_"),
            Casing::Camel => words(key)
                .iter()
                .enumerate()
                .map(|(i, w)| match i {
                    0 => w.clone(),
                    _ => {
                        let mut chars = w.chars();
                        chars.next().map_or(String::new(), |c| {
                            c.to_uppercase().collect::<String>() + chars.as_str()
                        })
                    }
                })
                .collect(),
        }
    }
}

/// The words of an identifier, lowercased, as drizzle's regex
/// `/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g` finds them.
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().filter(|c| *c != '\'').collect();
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if lower(c) {
            while i < chars.len() && lower(chars[i]) {
                i += 1;
            }
        } else if c.is_ascii_uppercase() {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_uppercase() {
                j += 1;
            }
            if j - i > 1 && !(j < chars.len() && chars[j].is_ascii_lowercase()) {
                // A run of capitals not followed by a lowercase letter.
                i = j;
            } else if j - i > 1 {
                // The run's last capital starts the next word.
                i = j - 1;
            } else {
                i += 1;
                while i < chars.len() && lower(chars[i]) {
                    i += 1;
                }
            }
        } else {
            i += 1;
            continue;
        }
        out.push(chars[start..i].iter().collect::<String>().to_lowercase());
    }
    out
}

/// drizzle-kit's name for a key drizzle-orm named after columns written one way and cased
/// another: in `name`, the first occurrence of each written name replaced by its cased one, in
/// order (as its serializers do, which is why a table named after a column gets its own name
/// cased too: `tagId_links` + `tagId` makes `tag_id_links_tagId_pk`).
pub(super) fn cased_name(mut name: String, written: &[String], cased: &[String]) -> String {
    for (from, to) in written.iter().zip(cased) {
        name = name.replacen(from.as_str(), to, 1);
    }
    name
}

/// The name the columns callback's parameter is read as: drizzle's column builders (no source
/// identifier can contain the colon).
const COLUMN_BUILDERS: &str = "drizzle:builders";

/// How to read: the dialect asked for and the config's casing.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub dialect: Dialect,
    pub casing: Casing,
}

/// Reads tables out of parsed files; `core` is the drizzle-orm module of the table at hand.
#[derive(Clone, Copy)]
pub(super) struct Reader<'s> {
    sources: &'s Sources,
    settings: &'s Settings,
    core: Core,
}

impl<'s> Reader<'s> {
    fn error(&self, pos: Origin, message: impl Into<String>) -> Error {
        self.sources.error(pos, message)
    }

    /// The drizzle-orm export a callee names in `module` (`varchar`, `p.varchar` of a namespace
    /// import, an alias), if it is one.
    fn builder(&self, module: usize, path: &str) -> Option<String> {
        if let Some(member) = path
            .strip_prefix(COLUMN_BUILDERS)
            .and_then(|rest| rest.strip_prefix('.'))
        {
            return Some(member.to_string());
        }
        let imports = &self.sources.module(module).imports;
        let from_drizzle = |source: &str| source.starts_with("drizzle-orm");
        match path.split_once('.') {
            None => imports
                .iter()
                .find(|i| i.local == path && from_drizzle(&i.source))
                .and_then(|i| match &i.imported {
                    Imported::Named(name) => Some(name.clone()),
                    _ => None,
                }),
            Some((namespace, member)) => imports
                .iter()
                .find(|i| {
                    i.local == namespace
                        && i.imported == Imported::Namespace
                        && from_drizzle(&i.source)
                })
                .map(|_| member.to_string()),
        }
    }

    /// A constant's value and the module it is written in, imports followed.
    fn constant(&self, module: usize, name: &str) -> Option<(usize, Node)> {
        match self.sources.resolve(module, name)? {
            Resolved::Const(m, node) => Some((m.file, node.clone())),
            _ => None,
        }
    }

    /// Like `constant` for a path (`schema.helper`), borrowed: a table's whole call is large.
    fn resolve_const(&self, module: usize, callee: &Node) -> Option<(usize, &'s Node)> {
        let path = callee.path()?;
        match self.sources.resolve_path(module, &path)? {
            Resolved::Const(m, node) => Some((m.file, node)),
            _ => None,
        }
    }

    fn value(&self, module: usize, node: &Node) -> Node {
        self.sources.value_of(module, node)
    }

    /// A `pgEnum("mood", [...])` (or `schema.enum(...)`) value: its schema, name and values.
    fn enum_of(&self, module: usize, node: &Node) -> Option<(Option<String>, String, Vec<String>)> {
        let (callee, args) = node.call()?;
        let schema = match self.builder(module, &callee).as_deref() {
            Some("pgEnum") => None,
            _ => {
                let (object, "enum") = callee.rsplit_once('.')? else {
                    return None;
                };
                let (m, value) = self.constant(module, object)?;
                let (name, [schema, ..]) = value.call()? else {
                    return None;
                };
                if self.builder(m, &name).as_deref() != Some("pgSchema") {
                    return None;
                }
                schema.str().map(str::to_string)
            }
        };
        let name = self.value(module, args.first()?).str()?.to_string();
        let values = self.strings(module, args.get(1)?.items()?).ok()?;
        Some((schema.filter(|s| s != "public"), name, values))
    }

    /// A helper function's returned value with its parameters replaced by the arguments.
    fn apply(&self, function: &Node, args: &[Node]) -> Node {
        let Value::Arrow(params, body) = &function.value else {
            return function.clone();
        };
        let bound: Vec<(&str, &Node)> = params
            .iter()
            .zip(args)
            .map(|(p, a)| (p.as_str(), a))
            .collect();
        substitute(body, &bound)
    }
}

/// `node` with the identifiers in `bound` replaced by their values.
fn substitute(node: &Node, bound: &[(&str, &Node)]) -> Node {
    let sub = |n: &Node| substitute(n, bound);
    let value = match &node.value {
        Value::Ident(name) => match bound.iter().find(|(p, _)| p == name) {
            Some((_, arg)) => return (*arg).clone(),
            None => node.value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(sub).collect()),
        Value::Object(props) => {
            Value::Object(props.iter().map(|(k, v)| (k.clone(), sub(v))).collect())
        }
        Value::Member(object, key) => Value::Member(Box::new(sub(object)), key.clone()),
        Value::Call { callee, args, new } => Value::Call {
            callee: Box::new(sub(callee)),
            args: args.iter().map(sub).collect(),
            new: *new,
        },
        Value::Template { tag, quasis, exprs } => Value::Template {
            tag: tag.clone(),
            quasis: quasis.clone(),
            exprs: exprs.iter().map(sub).collect(),
        },
        other => other.clone(),
    };
    Node {
        value,
        pos: node.pos,
    }
}

/// What the reader found: the tables, the enums they use, and the drizzle-orm module.
#[derive(Debug, Clone)]
pub struct Model {
    pub core: Core,
    pub tables: Vec<Table>,
    /// PostgreSQL enums: schema, name, values, where declared.
    pub enums: Vec<PgEnum>,
    /// The exported `pgSchema("x")` names, which drizzle-kit's snapshot lists.
    pub schemas: Vec<String>,
    /// Exported drizzle entities migen does not read (roles, policies, MySQL views, a table with
    /// row-level security): what each is and where. drizzle-kit's snapshot would hold them.
    pub unread: Vec<(String, Origin)>,
    /// What the reader left out as drizzle-kit does, located.
    pub notes: Vec<String>,
    /// PostgreSQL sequences (`pgSequence`).
    pub sequences: Vec<identity::Sequence>,
    /// Views with their query in SQL (`pgView`, `pgMaterializedView`, `sqliteView`).
    pub views: Vec<views::View>,
}

#[derive(Debug, Clone)]
pub struct PgEnum {
    pub schema: Option<String>,
    pub name: String,
    pub values: Vec<String>,
    /// Whether the schema files export it: drizzle-kit sees only exported enums.
    pub exported: bool,
    pub pos: Origin,
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

/// Whether source text is a drizzle schema: it imports a drizzle-orm core module.
fn is_schema_text(text: &str) -> bool {
    text.contains("drizzle-orm/pg-core")
        || text.contains("drizzle-orm/mysql-core")
        || text.contains("drizzle-orm/sqlite-core")
}

/// The dialect a schema text's imports name.
fn core_of_text(text: &str) -> Option<Core> {
    [Core::Pg, Core::Mysql, Core::Sqlite]
        .into_iter()
        .find(|core| text.contains(core.module_name()))
}

/// The schema files (and folders) under `dir`, outside dependency, build and hidden folders.
fn schema_files(dir: &Path) -> Vec<PathBuf> {
    walk_files(
        dir,
        |name| {
            !name.starts_with('.') && !matches!(name, "node_modules" | "dist" | "build" | "drizzle")
        },
        |path, name| {
            is_source_name(name)
                && !name.starts_with("drizzle.config.")
                && std::fs::read_to_string(path).is_ok_and(|t| is_schema_text(&t))
        },
    )
}

/// Whether `path` is drizzle: a drizzle.config file, a schema file, or a folder with either.
pub fn is_drizzle_path(path: &Path) -> bool {
    if path.is_file() {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        return config::is_config_name(&name)
            || is_source_name(&name)
                && std::fs::read_to_string(path).is_ok_and(|t| is_schema_text(&t));
    }
    if !path.is_dir() {
        return false;
    }
    if config::find(path).is_some() {
        return true;
    }
    let has_sql = std::fs::read_dir(path).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "sql" || x == "prisma")
        })
    });
    !has_sql && !schema_files(path).is_empty()
}

/// What `path` names: the config that governs it (a project folder or the config file) and the
/// schema files to read.
pub(super) fn inputs(path: &Path) -> Result<(Option<Config>, Vec<PathBuf>)> {
    let config_file = if path.is_file() {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        config::is_config_name(&name).then(|| path.to_path_buf())
    } else {
        config::find(path)
    };
    if let Some(file) = config_file {
        let config = config::read(&file)?;
        let files = config.schema_files();
        if files.is_empty() {
            return Err(Error::Usage(format!(
                "{}: the schema {:?} matches no files",
                file.display(),
                config.schema
            )));
        }
        return Ok((Some(config), files));
    }
    // A schema file or folder inside a project still reads with its config's casing.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let governing = match absolute.ancestors().skip(1).take(6).find_map(config::find) {
        Some(file) => Some(config::read(&file)?),
        None => None,
    };
    if path.is_dir() {
        return Ok((governing, schema_files(path)));
    }
    Ok((governing, vec![path.to_path_buf()]))
}

/// The dialect the config or the schema's imports name.
pub fn implied_dialect(path: &Path) -> Option<Dialect> {
    let (config, files) = inputs(path).ok()?;
    if let Some(dialect) = config.and_then(|c| c.dialect) {
        return Some(dialect);
    }
    files
        .iter()
        .find_map(|f| {
            std::fs::read_to_string(f)
                .ok()
                .and_then(|t| core_of_text(&t))
        })
        .map(Core::dialect)
}

/// Read the drizzle schema at `path` (a project folder with drizzle.config, the config, a
/// folder of schema files or one file) for `dialect`.
pub fn load(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let (config, files) = inputs(path)?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no drizzle schema files there",
            path.display()
        )));
    }
    let mut sources = Sources::new();
    let mut modules = Vec::new();
    for file in &files {
        modules.push(sources.load(file)?);
    }
    sources.load_imports()?;
    let settings = Settings {
        dialect,
        casing: config.as_ref().map(|c| c.casing).unwrap_or_default(),
    };
    let mut notes = Vec::new();
    if let Some(implied) = config.as_ref().and_then(|c| c.dialect)
        && implied != dialect
    {
        notes.push(format!(
            "{}: the config's dialect is {}; read for {} as asked",
            config
                .as_ref()
                .map(|c| c.file.display().to_string())
                .unwrap_or_default(),
            implied.name(),
            dialect.name()
        ));
    }
    let model = model_of(&sources, &settings, &modules)?;
    notes.extend(model.notes.iter().cloned());
    let schema = ddl::render(&model, &sources).parse(dialect, "drizzle-kit", &sources.names[0])?;
    Ok((schema, notes))
}

/// The tables and enums the schema modules export, references resolved.
pub fn model_of(sources: &Sources, settings: &Settings, modules: &[usize]) -> Result<Model> {
    let mut exported: Vec<(usize, String, &Node)> = Vec::new();
    for module in modules {
        exported_consts(sources, *module, &mut exported, 0);
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut enums: Vec<PgEnum> = Vec::new();
    let mut schemas: Vec<String> = Vec::new();
    let mut unread: Vec<(String, Origin)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut sequences: Vec<identity::Sequence> = Vec::new();
    let mut views: Vec<views::View> = Vec::new();
    let mut core_seen: Option<(Core, Origin)> = None;
    for (module, variable, node) in &exported {
        let probe = Reader {
            sources,
            settings,
            core: Core::Pg,
        };
        if let Some((schema, name, values)) = probe.enum_of(*module, node) {
            if !enums.iter().any(|e| e.name == name && e.schema == schema) {
                enums.push(PgEnum {
                    schema,
                    name,
                    values,
                    exported: true,
                    pos: node.pos,
                });
            }
            continue;
        }
        if let Some(entity) = probe.unread_entity(*module, node) {
            match entity {
                Entity::Schema(name) => {
                    if name != "public" && !schemas.contains(&name) {
                        schemas.push(name);
                    }
                }
                Entity::Unread(what) => unread.push((what, node.pos)),
                Entity::Sequence(schema, args) => {
                    sequences.push(probe.sequence(*module, schema, &args, node.pos)?);
                }
                Entity::View(core, schema, materialized) => {
                    let reader = Reader {
                        sources,
                        settings,
                        core,
                    };
                    views.push(reader.view(*module, schema, materialized, node)?);
                }
            }
            continue;
        }
        let Some(call) = probe.table_call(*module, node) else {
            continue;
        };
        let core = call.core;
        if core == Core::Mysql && call.schema.is_some() {
            let pos = node.pos;
            notes.push(format!(
                "{}:{}:{}: drizzle-kit leaves the tables of a mysqlSchema out of its migrations \
                 and snapshots; so does migen",
                sources.names[pos.file], pos.line, pos.column
            ));
            continue;
        }
        if tables
            .iter()
            .any(|t| t.module == *module && t.pos == node.pos)
        {
            continue;
        }
        match core_seen {
            Some((seen, _)) if seen != core => {
                return Err(sources.error(
                    node.pos,
                    format!(
                        "this table is from {}, the schema's others from {}",
                        core.module_name(),
                        seen.module_name()
                    ),
                ));
            }
            _ => core_seen = Some((core, node.pos)),
        }
        let reader = Reader {
            sources,
            settings,
            core,
        };
        tables.push(reader.table(*module, variable, node, call)?);
    }
    let Some((core, pos)) = core_seen else {
        return Err(Error::Usage(format!(
            "{}: no exported drizzle tables (pgTable, mysqlTable, sqliteTable) there",
            sources.names.first().cloned().unwrap_or_default()
        )));
    };
    if core.dialect() != settings.dialect {
        return Err(sources.error(
            pos,
            format!(
                "the schema is written with {} ({}); it cannot be read as {}",
                core.module_name(),
                core.dialect().name(),
                settings.dialect.name()
            ),
        ));
    }
    let reader = Reader {
        sources,
        settings,
        core,
    };
    // Enums the columns use but the files do not export (drizzle-kit would miss them; the
    // column still names the type).
    for table in &tables {
        for column in table.columns.iter().filter(|c| c.is_enum) {
            if !enums
                .iter()
                .any(|e| e.name == column.sql_type && e.schema == column.enum_schema)
                && let Some((m, value)) = reader.constant(table.module, &column.builder)
                && let Some((schema, name, values)) = reader.enum_of(m, &value)
            {
                enums.push(PgEnum {
                    schema,
                    name,
                    values,
                    exported: false,
                    pos: value.pos,
                });
            }
        }
    }
    reader.resolve_references(&mut tables)?;
    Ok(Model {
        core,
        tables,
        enums,
        schemas,
        unread,
        notes,
        sequences,
        views,
    })
}

/// An exported drizzle value that is neither a table nor an enum.
enum Entity {
    /// `pgSchema("x")` / `mysqlSchema("x")`.
    Schema(String),
    /// Something drizzle-kit snapshots and migen does not read, described.
    Unread(String),
    /// `pgSequence(name, options)` or `schema.sequence(...)`: the schema and the arguments.
    Sequence(Option<String>, Vec<Node>),
    /// `pgView(...)`, `pgMaterializedView(...)` (`schema.view(...)`) or `sqliteView(...)`: its
    /// core, schema and whether it is materialized.
    View(Core, Option<String>, bool),
}

impl Reader<'_> {
    /// What an exported value is, when it is a drizzle schema, view, sequence, role or policy,
    /// or a table call with methods chained on it (`.enableRLS()`).
    fn unread_entity(&self, module: usize, node: &Node) -> Option<Entity> {
        let chain = columns::chain(node);
        let (callee, args) = chain.base.call()?;
        // `appTable("t", {...}).enableRLS()` of a pgTableCreator, like pgTable's below.
        if !chain.methods.is_empty()
            && self.builder(module, &callee).is_none()
            && self.table_call(module, chain.base).is_some()
        {
            return Some(Entity::Unread("a table with methods chained on it".into()));
        }
        if let Some(builder) = self.builder(module, &callee) {
            return match builder.as_str() {
                "pgSchema" | "mysqlSchema" => args
                    .first()
                    .and_then(|a| self.value(module, a).str().map(str::to_string))
                    .map(Entity::Schema),
                "pgTable" | "mysqlTable" | "sqliteTable" if !chain.methods.is_empty() => {
                    let methods: Vec<String> = chain
                        .methods
                        .iter()
                        .map(|(m, ..)| format!(".{m}()"))
                        .collect();
                    Some(Entity::Unread(format!("a table with {}", methods.join(""))))
                }
                "pgSequence" => Some(Entity::Sequence(None, args.to_vec())),
                "pgView" => Some(Entity::View(Core::Pg, None, false)),
                "pgMaterializedView" => Some(Entity::View(Core::Pg, None, true)),
                "sqliteView" => Some(Entity::View(Core::Sqlite, None, false)),
                "pgRole" | "pgPolicy" | "mysqlView" => Some(Entity::Unread(format!("`{builder}`"))),
                _ => None,
            };
        }
        let (object, member) = callee.rsplit_once('.')?;
        // `pgTable.withRLS(...)`: a table with row-level security.
        if member == "withRLS" && self.builder(module, object).as_deref() == Some("pgTable") {
            return Some(Entity::Unread("`pgTable.withRLS`".into()));
        }
        // `billing.view(...)`, `billing.sequence(...)` on a pgSchema constant.
        let (m, value) = self.constant(module, object)?;
        let (name, schema_args) = value.call()?;
        let schema_builder = self.builder(m, &name)?;
        let is_schema = matches!(schema_builder.as_str(), "pgSchema" | "mysqlSchema");
        match member {
            "sequence" | "view" | "materializedView" if schema_builder == "pgSchema" => {
                let schema = schema_args
                    .first()
                    .and_then(|a| self.value(m, a).str().map(str::to_string))
                    .filter(|s| s != "public");
                Some(match member {
                    "sequence" => Entity::Sequence(schema, args.to_vec()),
                    _ => Entity::View(Core::Pg, schema, member == "materializedView"),
                })
            }
            "view" | "materializedView" | "sequence" if is_schema => {
                Some(Entity::Unread(format!("`{object}.{member}`")))
            }
            "table" if is_schema && !chain.methods.is_empty() => {
                Some(Entity::Unread("a table with methods chained on it".into()))
            }
            _ => None,
        }
    }
}

/// The constants `module` exports (its own and re-exported), with the module each is in.
fn exported_consts<'s>(
    sources: &'s Sources,
    module: usize,
    out: &mut Vec<(usize, String, &'s Node)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let m = sources.module(module);
    for (exported, _) in &m.exports {
        if let Some(Resolved::Const(found, node)) = sources.exported(module, exported, 0) {
            let variable = found
                .consts
                .iter()
                .find(|(_, n)| n.pos == node.pos)
                .map_or(exported.clone(), |(name, _)| name.clone());
            out.push((found.file, variable, node));
        }
    }
    for reexport in &m.reexports {
        let Some(target) = sources.loaded(module, &reexport.source) else {
            continue;
        };
        match &reexport.names {
            None => exported_consts(sources, target, out, depth + 1),
            Some(names) => {
                for (original, _) in names {
                    if let Some(Resolved::Const(found, node)) =
                        sources.exported(target, original, 0)
                    {
                        out.push((found.file, original.clone(), node));
                    }
                }
            }
        }
    }
}

impl Reader<'_> {
    /// Every `.references()` and `foreignKey()` target found among the tables: a foreign key
    /// with drizzle-kit's default name where none is given.
    fn resolve_references(&self, tables: &mut [Table]) -> Result<()> {
        let mut resolved = Vec::new();
        for (index, table) in tables.iter().enumerate() {
            for column in &table.columns {
                let Some(reference) = &column.references else {
                    continue;
                };
                let (target, target_column) =
                    self.target(tables, reference.module, &reference.target)?;
                let columns = vec![column.name.clone()];
                let ref_columns = vec![target_column];
                resolved.push((
                    index,
                    tables::ForeignKey {
                        name: Some(foreign_key_name(
                            table,
                            &columns,
                            &tables[target],
                            &ref_columns,
                        )),
                        columns,
                        module: reference.module,
                        targets: Vec::new(),
                        ref_table: tables[target].name.clone(),
                        ref_schema: tables[target].schema.clone(),
                        ref_columns,
                        on_delete: reference.on_delete.clone(),
                        on_update: reference.on_update.clone(),
                        pos: reference.pos,
                    },
                ));
            }
            for fk in &table.foreign_keys {
                let mut target_table = None;
                let mut columns = Vec::new();
                for node in &fk.targets {
                    let (target, column) = self.target(tables, fk.module, node)?;
                    target_table = Some(target);
                    columns.push(column);
                }
                let target = target_table
                    .ok_or_else(|| self.error(fk.pos, "foreignKey() names no foreign columns"))?;
                let name = fk.name.clone().unwrap_or_else(|| {
                    foreign_key_name(table, &fk.columns, &tables[target], &columns)
                });
                resolved.push((
                    index,
                    tables::ForeignKey {
                        name: Some(name),
                        ref_table: tables[target].name.clone(),
                        ref_schema: tables[target].schema.clone(),
                        ref_columns: columns,
                        targets: Vec::new(),
                        ..fk.clone()
                    },
                ));
            }
        }
        for table in tables.iter_mut() {
            table.foreign_keys.clear();
        }
        for (index, fk) in resolved {
            tables[index].foreign_keys.push(fk);
        }
        Ok(())
    }

    /// The table (index) and column name a reference target (`users.id`) names.
    fn target(&self, tables: &[Table], module: usize, node: &Node) -> Result<(usize, String)> {
        let Value::Member(object, key) = &node.value else {
            return Err(self.error(
                node.pos,
                format!("{} does not name a table's column", node.describe()),
            ));
        };
        let found = object.path().and_then(|path| {
            let (m, value) = self.resolve_const(module, object)?;
            tables
                .iter()
                .position(|t| t.module == m && t.pos == value.pos)
                .map(|index| (index, path))
        });
        let Some((index, _)) = found else {
            return Err(self.error(
                node.pos,
                format!(
                    "the reference to `{}` names no table of the schema",
                    object.describe()
                ),
            ));
        };
        let table = &tables[index];
        let column = table
            .columns
            .iter()
            .find(|c| &c.key == key)
            .ok_or_else(|| {
                self.error(
                    node.pos,
                    format!("table `{}` has no column `{key}`", table.name),
                )
            })?;
        Ok((index, column.name.clone()))
    }
}

/// drizzle-kit's name for an unnamed foreign key: drizzle-orm's, of the columns' names as
/// written, with each then replaced by its cased name.
fn foreign_key_name(
    table: &Table,
    columns: &[String],
    target: &Table,
    ref_columns: &[String],
) -> String {
    let written = tables::given_names(table, columns);
    let written_to = tables::given_names(target, ref_columns);
    let name = format!(
        "{}_{}_{}_{}_fk",
        table.name,
        written.join("_"),
        target.name,
        written_to.join("_")
    );
    let name = cased_name(name, &written, columns);
    cased_name(name, &written_to, ref_columns)
}

/// The model and the DDL drizzle-kit would write for schema files given as (name, text): for
/// tests and the bench.
pub fn ddl_of_files(files: &[(&str, &str)], settings: &Settings) -> Result<String> {
    let mut sources = Sources::new();
    let mut modules = Vec::new();
    for (name, text) in files {
        modules.push(sources.add(Path::new(name), text)?);
    }
    let model = model_of(&sources, settings, &modules)?;
    Ok(ddl::render(&model, &sources).text())
}

/// The schema of schema files given as (name, text).
pub fn schema_of_files(files: &[(&str, &str)], settings: &Settings) -> Result<Schema> {
    let mut sources = Sources::new();
    let mut modules = Vec::new();
    for (name, text) in files {
        modules.push(sources.add(Path::new(name), text)?);
    }
    let model = model_of(&sources, settings, &modules)?;
    ddl::render(&model, &sources).parse(settings.dialect, "drizzle-kit", &sources.names[0])
}

#[cfg(test)]
mod tests;
