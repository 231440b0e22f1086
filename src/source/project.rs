//! Project detection: which schema sources and migration folders a repository holds, and which
//! database it is for. Pure file reading within tight limits: the project's own code is never
//! run, dependency and build folders are skipped, and most files are only read at their head.
//!
//! Dialect and version are taken from the first of: `migen.toml`, Prisma's `datasource`
//! provider, Django's `DATABASES` engine, drizzle's config `dialect`, Prisma's
//! `migration_lock.toml`, `alembic.ini`'s `sqlalchemy.url`, `DATABASE_URL` in `.env` files,
//! and docker-compose image tags (which are also the only place a version is read from besides
//! `migen.toml`).

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::model::Dialect;
use crate::safety::Version;

/// Directories that hold dependencies, caches or build output, never the project's schema.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "venv",
    ".venv",
    "env",
    "__pycache__",
    "dist",
    "build",
    "site-packages",
    "vendor",
    "coverage",
];
/// Deeper than this a schema or migration folder is not looked for.
const MAX_DEPTH: usize = 12;
/// A repository with more directories than this is only partly walked (and a note says so).
const MAX_DIRS: usize = 50_000;
/// Source files read (at their head) to recognise models; past this, detection stops sniffing.
const MAX_SNIFFED_FILES: usize = 20_000;
/// How much of a source file is read to recognise it: imports and decorators sit at the top.
const HEAD_BYTES: usize = 4096;
/// Largest configuration file read whole (settings.py, package.json, a drizzle journal).
const CONFIG_BYTES: usize = 512 * 1024;

/// Where a schema is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Orm {
    /// Plain SQL DDL (schema.sql, structure.sql).
    Sql,
    Prisma,
    Django,
    Sqlalchemy,
    Typeorm,
    Sequelize,
    Drizzle,
}

impl Orm {
    pub fn name(self) -> &'static str {
        match self {
            Orm::Sql => "sql",
            Orm::Prisma => "prisma",
            Orm::Django => "django",
            Orm::Sqlalchemy => "sqlalchemy",
            Orm::Typeorm => "typeorm",
            Orm::Sequelize => "sequelize",
            Orm::Drizzle => "drizzle",
        }
    }
}

/// The tool a migration folder is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MigrationTool {
    /// Plain `.sql` files (or migen's `<name>/up.sql` folders), applied in name order.
    Sql,
    GolangMigrate,
    Flyway,
    Dbmate,
    Prisma,
    Django,
    Alembic,
    Knex,
    Typeorm,
    Sequelize,
    Drizzle,
}

impl MigrationTool {
    pub fn name(self) -> &'static str {
        match self {
            MigrationTool::Sql => "sql",
            MigrationTool::GolangMigrate => "golang-migrate",
            MigrationTool::Flyway => "flyway",
            MigrationTool::Dbmate => "dbmate",
            MigrationTool::Prisma => "prisma",
            MigrationTool::Django => "django",
            MigrationTool::Alembic => "alembic",
            MigrationTool::Knex => "knex",
            MigrationTool::Typeorm => "typeorm",
            MigrationTool::Sequelize => "sequelize",
            MigrationTool::Drizzle => "drizzle",
        }
    }

    /// Whether the migrations are SQL migen can replay (the others are code).
    pub fn is_sql(self) -> bool {
        matches!(
            self,
            MigrationTool::Sql
                | MigrationTool::GolangMigrate
                | MigrationTool::Flyway
                | MigrationTool::Dbmate
                | MigrationTool::Prisma
                | MigrationTool::Drizzle
        )
    }

    /// The tool that usually keeps an ORM's migrations, to pick the folder that goes with it.
    fn of_orm(orm: Orm) -> Option<MigrationTool> {
        match orm {
            Orm::Prisma => Some(MigrationTool::Prisma),
            Orm::Django => Some(MigrationTool::Django),
            Orm::Sqlalchemy => Some(MigrationTool::Alembic),
            Orm::Typeorm => Some(MigrationTool::Typeorm),
            Orm::Sequelize => Some(MigrationTool::Sequelize),
            Orm::Drizzle => Some(MigrationTool::Drizzle),
            Orm::Sql => None,
        }
    }
}

/// A file or folder that defines (part of) the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaSource {
    pub orm: Orm,
    /// Relative to the project root.
    pub path: PathBuf,
}

/// A folder of migrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationFolder {
    pub tool: MigrationTool,
    /// Relative to the project root.
    pub dir: PathBuf,
    pub count: usize,
    /// The newest migration by the tool's own ordering (file or folder name without extension).
    pub latest: Option<String>,
    /// The migrations (files or folders, relative to `dir`) in the order the tool applies them.
    #[serde(skip)]
    pub ordered: Vec<PathBuf>,
}

/// What detection found in a directory tree.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// Ordered by weight: `migen.toml`'s source first, then the ORM with the most files.
    pub schema_sources: Vec<SchemaSource>,
    /// `migen.toml`'s `[migrations] dir` first, then the folders of the main ORM's tool.
    pub migrations: Vec<MigrationFolder>,
    pub dialect: Option<Dialect>,
    /// Where the dialect was read, e.g. `prisma/schema.prisma (datasource provider)`.
    pub dialect_source: Option<String>,
    pub version: Option<Version>,
    pub version_source: Option<String>,
    pub notes: Vec<String>,
}

impl Project {
    /// The main ORM: that of the first schema source.
    pub fn orm(&self) -> Option<Orm> {
        self.schema_sources.first().map(|s| s.orm)
    }

    /// The main schema source as a path migen reads (relative like the sources), or why there is
    /// none: SQL and Prisma sources are read as they are; a Django app's models stand for the
    /// whole project (the folder holding `manage.py`, which the Django reader loads); SQLAlchemy
    /// model files are read together (the one file, or the folder all of them share).
    pub fn readable_source(&self) -> std::result::Result<PathBuf, String> {
        let Some(main) = self.schema_sources.first() else {
            return Err("no schema source found".into());
        };
        match main.orm {
            Orm::Sql | Orm::Prisma => Ok(main.path.clone()),
            Orm::Django => Ok(main
                .path
                .ancestors()
                // The source itself when it is the project folder, else the folder above a
                // models.py that holds manage.py.
                .find(|dir| self.root.join(dir).join("manage.py").is_file())
                .map(|dir| match dir.as_os_str().is_empty() {
                    true => PathBuf::from("."),
                    false => dir.to_path_buf(),
                })
                .unwrap_or_else(|| main.path.clone())),
            Orm::Sqlalchemy => {
                let files: Vec<&Path> = self
                    .schema_sources
                    .iter()
                    .filter(|s| s.orm == Orm::Sqlalchemy)
                    .map(|s| s.path.as_path())
                    .collect();
                if let [one] = files.as_slice() {
                    return Ok(one.to_path_buf());
                }
                let mut shared = files[0].parent().unwrap_or(Path::new("")).to_path_buf();
                while !files.iter().all(|f| f.starts_with(&shared)) {
                    shared.pop();
                }
                Ok(if shared.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    shared
                })
            }
            other => Err(format!("migen does not read {} models yet", other.name())),
        }
    }

    /// The migrations folder that goes with the schema.
    pub fn main_migrations(&self) -> Option<&MigrationFolder> {
        self.migrations.first()
    }
}

/// Detect the project rooted at `root`. Fails only on a `migen.toml` that cannot be read.
pub fn detect(root: &Path) -> Result<Project> {
    let config = Config::load(root)?;
    let tree = Tree::walk(root);
    let mut project = Project {
        root: root.to_path_buf(),
        config,
        schema_sources: Vec::new(),
        migrations: Vec::new(),
        dialect: None,
        dialect_source: None,
        version: None,
        version_source: None,
        notes: tree.notes.clone(),
    };
    find_migrations(&tree, &mut project);
    find_schema_sources(&tree, &mut project);
    order_migrations(&mut project);
    find_dialect(&tree, &mut project);
    Ok(project)
}

// ---------------------------------------------------------------------------
// the walk

/// One directory's entries.
#[derive(Debug, Default)]
struct Listing {
    files: Vec<String>,
    dirs: Vec<String>,
}

/// The directories of a project, walked once; files are read later only where needed.
struct Tree {
    root: PathBuf,
    /// Relative directory path → its listing; the root is the empty path.
    listings: HashMap<PathBuf, Listing>,
    /// Directories in walk order (parents before children, siblings by name).
    order: Vec<PathBuf>,
    notes: Vec<String>,
    sniffed: std::cell::Cell<usize>,
}

impl Tree {
    fn walk(root: &Path) -> Tree {
        let mut tree = Tree {
            root: root.to_path_buf(),
            listings: HashMap::new(),
            order: Vec::new(),
            notes: Vec::new(),
            sniffed: std::cell::Cell::new(0),
        };
        // Breadth first, so shallow folders (the usual places) are seen before any limit.
        let mut queue = std::collections::VecDeque::from([(PathBuf::new(), 0usize)]);
        while let Some((relative, depth)) = queue.pop_front() {
            if tree.order.len() >= MAX_DIRS {
                tree.notes.push(format!(
                    "stopped looking after {MAX_DIRS} directories: set [schema] source and [migrations] dir in migen.toml"
                ));
                break;
            }
            let Ok(entries) = std::fs::read_dir(root.join(&relative)) else {
                continue;
            };
            let mut listing = Listing::default();
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                if kind.is_dir() {
                    listing.dirs.push(name);
                } else if kind.is_file() {
                    listing.files.push(name);
                }
            }
            listing.files.sort();
            listing.dirs.sort();
            if depth < MAX_DEPTH {
                for dir in &listing.dirs {
                    if !skipped_dir(dir) {
                        queue.push_back((relative.join(dir), depth + 1));
                    }
                }
            }
            tree.order.push(relative.clone());
            tree.listings.insert(relative, listing);
        }
        tree
    }

    fn listing(&self, dir: &Path) -> Option<&Listing> {
        self.listings.get(dir)
    }

    fn has_file(&self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        self.listing(parent)
            .is_some_and(|l| l.files.iter().any(|f| f.as_str() == name))
    }

    /// Every file as (directory, name), directories in walk order.
    fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.order.iter().flat_map(move |dir| {
            self.listings[dir]
                .files
                .iter()
                .map(move |f| (dir.as_path(), f.as_str()))
        })
    }

    /// The first `HEAD_BYTES` of a file, or "" once the sniffing budget is spent.
    fn head(&self, path: &Path) -> String {
        if self.sniffed.get() >= MAX_SNIFFED_FILES {
            return String::new();
        }
        self.sniffed.set(self.sniffed.get() + 1);
        read_head(&self.root.join(path), HEAD_BYTES)
    }

    fn read(&self, path: &Path) -> Option<String> {
        let text = read_head(&self.root.join(path), CONFIG_BYTES);
        (!text.is_empty()).then_some(text)
    }
}

fn skipped_dir(name: &str) -> bool {
    // Hidden folders (.git, .next, .tox, .mypy_cache …) hold no project schema.
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Up to `limit` bytes of a file as text (a cut UTF-8 character is dropped).
fn read_head(path: &Path, limit: usize) -> String {
    let Ok(file) = std::fs::File::open(path) else {
        return String::new();
    };
    let mut bytes = Vec::new();
    if file.take(limit as u64).read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---------------------------------------------------------------------------
// migration folders

fn find_migrations(tree: &Tree, project: &mut Project) {
    let mut found: Vec<MigrationFolder> = Vec::new();
    let mut found_dirs: std::collections::HashSet<&Path> = std::collections::HashSet::new();
    for dir in &tree.order {
        // A migration folder's own subfolders (Prisma's one-per-migration) are not folders of
        // migrations themselves; the walk sees parents first.
        if dir.ancestors().skip(1).any(|a| found_dirs.contains(a)) {
            continue;
        }
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if let Some(folder) = classify(tree, dir, &name) {
            if !dir.as_os_str().is_empty() {
                found_dirs.insert(dir);
            }
            found.push(folder);
        }
    }
    // alembic.ini names its folder; it may sit where the walk does not look (deep, hidden).
    if let Some(versions) = alembic_versions_dir(tree) {
        if !found.iter().any(|f| f.dir == versions) {
            if let Some(folder) = classify_dir(&project.root, &versions) {
                found.push(folder);
            }
        }
    }
    // migen.toml's folder is the one migen writes to, so it leads even when empty or skipped.
    if let Some(configured) = project.config.migrations_dir.clone() {
        let configured = strip_dot(&configured);
        found.retain(|f| f.dir != configured);
        let folder = classify_dir(&project.root, &configured).unwrap_or_else(|| MigrationFolder {
            tool: configured_tool(project.config.target.as_deref()),
            dir: configured.clone(),
            count: 0,
            latest: None,
            ordered: Vec::new(),
        });
        found.insert(0, folder);
    }
    project.migrations = found;
}

/// `<script_location>/versions` from `alembic.ini` (`%(here)s` is the project root here).
fn alembic_versions_dir(tree: &Tree) -> Option<PathBuf> {
    let text = tree.read(Path::new("alembic.ini"))?;
    let location = ini_value(&text, "script_location")?;
    let location = location
        .trim_start_matches("%(here)s")
        .trim_start_matches('/');
    // A package reference (`myapp:alembic`) is resolved by Python's import system, not here.
    if location.contains(':') {
        return None;
    }
    Some(strip_dot(&Path::new(location).join("versions")))
}

/// `key = value` in an INI file (the first one, any section).
fn ini_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim() == key).then(|| value.trim().to_string())
    })
}

/// The tool named by migen.toml's `target` (render's names), for a folder that has no files yet.
fn configured_tool(target: Option<&str>) -> MigrationTool {
    match target
        .map(|t| t.to_ascii_lowercase().replace('_', "-"))
        .as_deref()
    {
        Some("golang-migrate" | "migrate" | "golang") => MigrationTool::GolangMigrate,
        Some("flyway") => MigrationTool::Flyway,
        Some("dbmate") => MigrationTool::Dbmate,
        Some("prisma") => MigrationTool::Prisma,
        _ => MigrationTool::Sql,
    }
}

fn strip_dot(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Classify one folder on its own (for `migrations:DIR`): walks just it and its children.
pub fn classify_dir(root: &Path, dir: &Path) -> Option<MigrationFolder> {
    let base = root.join(dir);
    let tree = Tree::walk_shallow(&base);
    // `.` or `..` name no folder: the real name says whether it holds migrations.
    let name = std::fs::canonicalize(&base)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut folder = classify(&tree, Path::new(""), &name)?;
    folder.dir = dir.to_path_buf();
    Some(folder)
}

impl Tree {
    /// A folder, its subfolders and theirs (enough for Prisma folders and drizzle's meta/).
    fn walk_shallow(base: &Path) -> Tree {
        let mut tree = Tree {
            root: base.to_path_buf(),
            listings: HashMap::new(),
            order: Vec::new(),
            notes: Vec::new(),
            sniffed: std::cell::Cell::new(0),
        };
        let mut pending = vec![(PathBuf::new(), 0)];
        while let Some((relative, depth)) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(base.join(&relative)) else {
                continue;
            };
            let mut listing = Listing::default();
            for entry in entries.flatten() {
                let (Ok(kind), Some(name)) = (
                    entry.file_type(),
                    entry.file_name().to_str().map(String::from),
                ) else {
                    continue;
                };
                if kind.is_dir() {
                    listing.dirs.push(name);
                } else if kind.is_file() {
                    listing.files.push(name);
                }
            }
            listing.files.sort();
            listing.dirs.sort();
            if depth < 1 {
                for dir in &listing.dirs {
                    pending.push((relative.join(dir), depth + 1));
                }
            }
            tree.order.push(relative.clone());
            tree.listings.insert(relative, listing);
        }
        tree
    }
}

fn folder(tool: MigrationTool, dir: &Path, ordered: Vec<PathBuf>) -> Option<MigrationFolder> {
    if ordered.is_empty() {
        return None;
    }
    let latest = ordered.last().map(|p| migration_name(p));
    Some(MigrationFolder {
        tool,
        dir: dir.to_path_buf(),
        count: ordered.len(),
        latest,
        ordered,
    })
}

/// A migration's name as its tool shows it: the file name without `.up.sql`, `.sql`, `.py` ….
fn migration_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for suffix in [
        ".up.sql", ".sql", ".py", ".js", ".cjs", ".mjs", ".ts", ".cts",
    ] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    name
}

/// Which tool a folder's migrations are written for, if it holds any.
fn classify(tree: &Tree, dir: &Path, name: &str) -> Option<MigrationFolder> {
    let listing = tree.listing(dir)?;
    let dir_name = name.to_ascii_lowercase();
    let sub_has = |sub: &str, file: &str| {
        tree.listing(&dir.join(sub))
            .is_some_and(|l| l.files.iter().any(|f| f == file))
    };

    // Folders of one migration each: Prisma (migration.sql), drizzle-kit 1.x (migration.sql
    // beside snapshot.json), migen's own sql target (up.sql).
    let with_migration_sql: Vec<&String> = listing
        .dirs
        .iter()
        .filter(|d| sub_has(d, "migration.sql"))
        .collect();
    if !with_migration_sql.is_empty() {
        let drizzle = with_migration_sql
            .iter()
            .all(|d| sub_has(d, "snapshot.json"));
        let tool = if drizzle {
            MigrationTool::Drizzle
        } else {
            MigrationTool::Prisma
        };
        let ordered = with_migration_sql.iter().map(PathBuf::from).collect();
        return folder(tool, dir, ordered);
    }
    if listing.files.iter().any(|f| f == "migration_lock.toml") {
        return Some(MigrationFolder {
            tool: MigrationTool::Prisma,
            dir: dir.to_path_buf(),
            count: 0,
            latest: None,
            ordered: Vec::new(),
        });
    }
    if sub_has("meta", "_journal.json") {
        return drizzle_journal(tree, dir);
    }
    let with_up_sql: Vec<PathBuf> = listing
        .dirs
        .iter()
        .filter(|d| sub_has(d, "up.sql"))
        .map(PathBuf::from)
        .collect();
    if !with_up_sql.is_empty() {
        return folder(MigrationTool::Sql, dir, with_up_sql);
    }

    let files = &listing.files;
    // golang-migrate: `<version>_<title>.up.<ext>`, highest numeric version last.
    let mut golang: Vec<(u128, &String)> = files
        .iter()
        .filter(|f| f.contains(".up."))
        .filter_map(|f| version_prefix(f, '_').map(|v| (v, f)))
        .collect();
    if !golang.is_empty() {
        golang.sort();
        return folder(
            MigrationTool::GolangMigrate,
            dir,
            golang.into_iter().map(|(_, f)| PathBuf::from(f)).collect(),
        );
    }
    // Flyway: `V<version>__<description>.sql`, by version; repeatable `R__` scripts after.
    let mut flyway: Vec<(Vec<u128>, &String)> = files
        .iter()
        .filter_map(|f| flyway_version(f).map(|v| (v, f)))
        .collect();
    if !flyway.is_empty() {
        flyway.sort();
        let mut ordered: Vec<PathBuf> = flyway.into_iter().map(|(_, f)| PathBuf::from(f)).collect();
        let latest = ordered.last().map(|p| migration_name(p));
        let versioned = ordered.len();
        ordered.extend(
            files
                .iter()
                .filter(|f| f.starts_with("R__") && f.ends_with(".sql"))
                .map(PathBuf::from),
        );
        return Some(MigrationFolder {
            tool: MigrationTool::Flyway,
            dir: dir.to_path_buf(),
            count: versioned,
            latest,
            ordered,
        });
    }
    // Django: `<app>/migrations/NNNN_name.py` in a package.
    if dir_name == "migrations" && files.iter().any(|f| f == "__init__.py") {
        let numbered: Vec<&String> = files
            .iter()
            .filter(|f| f.ends_with(".py") && leading_digits(f) == 4)
            .collect();
        if !numbered.is_empty() {
            return django(tree, dir, &numbered);
        }
    }
    // Alembic: `versions/*.py` assigning `revision`.
    if dir_name == "versions" {
        let scripts: Vec<&String> = files.iter().filter(|f| f.ends_with(".py")).collect();
        if !scripts.is_empty() {
            if let Some(found) = alembic(tree, dir, &scripts) {
                return Some(found);
            }
        }
    }
    let is_code = |f: &str| {
        [".js", ".cjs", ".mjs", ".ts", ".cts"]
            .iter()
            .any(|e| f.ends_with(e))
            && !f.ends_with(".d.ts")
    };
    // Knex `<14 digits>_name.js`, Sequelize `<14 digits>-name.js`, TypeORM `<13 digits>-Name.ts`.
    let timestamped = |digits: usize, separator: char| -> Vec<PathBuf> {
        files
            .iter()
            .filter(|f| is_code(f) && leading_digits(f) == digits)
            .filter(|f| f[digits..].starts_with(separator))
            .map(PathBuf::from)
            .collect()
    };
    let knex = timestamped(14, '_');
    if !knex.is_empty() {
        return folder(MigrationTool::Knex, dir, knex);
    }
    let sequelize = timestamped(14, '-');
    if !sequelize.is_empty() {
        return folder(MigrationTool::Sequelize, dir, sequelize);
    }
    let typeorm = timestamped(13, '-');
    if !typeorm.is_empty() {
        return typeorm_folder(tree, dir, typeorm);
    }
    let sql_files: Vec<&String> = files
        .iter()
        .filter(|f| f.ends_with(".sql") && !is_down_script(f))
        .collect();
    if sql_files.is_empty() {
        return None;
    }
    // dbmate: numbered `.sql` files with `-- migrate:up` blocks, by numeric version.
    let mut dbmate: Vec<(u128, &String)> = sql_files
        .iter()
        .filter_map(|f| version_prefix(f, '_').map(|v| (v, *f)))
        .collect();
    if !dbmate.is_empty()
        && tree
            .head(&dir.join(dbmate[0].1))
            .lines()
            .any(|l| l.trim_start().starts_with("-- migrate:up"))
    {
        dbmate.sort();
        return folder(
            MigrationTool::Dbmate,
            dir,
            dbmate.into_iter().map(|(_, f)| PathBuf::from(f)).collect(),
        );
    }
    // Plain SQL, only in a folder that says it holds migrations (schema folders are not).
    if dir_name.contains("migrat") {
        return folder(
            MigrationTool::Sql,
            dir,
            sql_files.into_iter().map(PathBuf::from).collect(),
        );
    }
    None
}

fn is_down_script(name: &str) -> bool {
    name.ends_with(".down.sql")
        || name == "down.sql"
        || (name.starts_with('U') && flyway_version(&format!("V{}", &name[1..])).is_some())
}

fn leading_digits(name: &str) -> usize {
    name.bytes().take_while(u8::is_ascii_digit).count()
}

/// `000010_add.up.sql` → 10: the digits before `separator`.
fn version_prefix(name: &str, separator: char) -> Option<u128> {
    let digits = leading_digits(name);
    if digits == 0 || !name[digits..].starts_with(separator) {
        return None;
    }
    name[..digits].parse().ok()
}

/// `V1_2__init.sql` → [1, 2]: Flyway's version parts, compared numerically.
fn flyway_version(name: &str) -> Option<Vec<u128>> {
    let rest = name.strip_prefix('V')?;
    let (version, description) = rest.split_once("__")?;
    if !description.ends_with(".sql") || version.is_empty() {
        return None;
    }
    version
        .split(['.', '_'])
        .map(|part| part.parse().ok())
        .collect()
}

fn drizzle_journal(tree: &Tree, dir: &Path) -> Option<MigrationFolder> {
    let text = tree.read(&dir.join("meta/_journal.json"))?;
    let journal: serde_json::Value = serde_json::from_str(&text).ok()?;
    // The migrator applies journal entries in their order and reads nothing else.
    let ordered = journal
        .get("entries")?
        .as_array()?
        .iter()
        .filter_map(|e| e.get("tag")?.as_str())
        .map(|tag| PathBuf::from(format!("{tag}.sql")))
        .collect();
    folder(MigrationTool::Drizzle, dir, ordered).or(Some(MigrationFolder {
        tool: MigrationTool::Drizzle,
        dir: dir.to_path_buf(),
        count: 0,
        latest: None,
        ordered: Vec::new(),
    }))
}

/// Django: ordered by number; the latest is the leaf, the one no other migration of the app
/// depends on (the highest number among several leaves, which Django calls a conflict).
fn django(tree: &Tree, dir: &Path, numbered: &[&String]) -> Option<MigrationFolder> {
    let mut ordered: Vec<PathBuf> = numbered.iter().map(PathBuf::from).collect();
    ordered.sort();
    let heads: Vec<String> = ordered.iter().map(|f| tree.head(&dir.join(f))).collect();
    let names: Vec<String> = ordered.iter().map(|p| migration_name(p)).collect();
    let depended_on = |name: &str| {
        heads.iter().zip(&names).any(|(head, other)| {
            other != name
                && dependencies_block(head).is_some_and(|deps| {
                    deps.contains(&format!("'{name}'")) || deps.contains(&format!("\"{name}\""))
                })
        })
    };
    let leaf = names.iter().rev().find(|n| !depended_on(n)).cloned();
    let mut found = folder(MigrationTool::Django, dir, ordered)?;
    found.latest = leaf.or(found.latest);
    Some(found)
}

/// The text of `dependencies = [...]` in a Django migration.
fn dependencies_block(text: &str) -> Option<&str> {
    let start = text.find("dependencies")?;
    let rest = &text[start..];
    let end = rest.find(']').map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

/// Alembic: the head is the revision no other script names as its `down_revision`.
fn alembic(tree: &Tree, dir: &Path, scripts: &[&String]) -> Option<MigrationFolder> {
    let mut revisions: Vec<(String, Vec<String>, PathBuf)> = Vec::new();
    for script in scripts {
        let head = tree.head(&dir.join(script));
        let Some(revision) =
            python_assignment(&head, "revision").and_then(|v| quoted(&v).into_iter().next())
        else {
            continue;
        };
        let down = python_assignment(&head, "down_revision")
            .map(|v| quoted(&v))
            .unwrap_or_default();
        revisions.push((revision, down, PathBuf::from(script)));
    }
    if revisions.is_empty() {
        return None;
    }
    // Apply order: parents before children (a plain topological walk from the roots).
    let mut ordered = Vec::new();
    let mut done: BTreeSet<String> = BTreeSet::new();
    while ordered.len() < revisions.len() {
        let before = ordered.len();
        for (revision, down, path) in &revisions {
            if !done.contains(revision)
                && down
                    .iter()
                    .all(|d| done.contains(d) || !revisions.iter().any(|(r, _, _)| r == d))
            {
                done.insert(revision.clone());
                ordered.push(path.clone());
            }
        }
        if ordered.len() == before {
            // A cycle: keep the rest in name order rather than loop.
            for (revision, _, path) in &revisions {
                if done.insert(revision.clone()) {
                    ordered.push(path.clone());
                }
            }
        }
    }
    let heads: Vec<&(String, Vec<String>, PathBuf)> = revisions
        .iter()
        .filter(|(r, _, _)| !revisions.iter().any(|(_, down, _)| down.contains(r)))
        .collect();
    let mut found = folder(MigrationTool::Alembic, dir, ordered)?;
    found.latest = heads.last().map(|(_, _, path)| migration_name(path));
    Some(found)
}

/// The right-hand side of `name = …` or `name: type = …` at the start of a line.
pub(crate) fn python_assignment(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let rest = rest.trim_start();
        let rest = if let Some(typed) = rest.strip_prefix(':') {
            &typed[typed.find('=')?..]
        } else {
            rest
        };
        let value = rest.strip_prefix('=')?.trim();
        (!value.starts_with('=')).then(|| value.to_string())
    })
}

/// Every quoted string in a value: `'abc'`, `("a", "b")`.
pub(crate) fn quoted(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = rest[start..].chars().next().expect("found a quote");
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    found
}

/// TypeORM runs migrations by the 13-digit timestamp that ends the class name.
fn typeorm_folder(tree: &Tree, dir: &Path, files: Vec<PathBuf>) -> Option<MigrationFolder> {
    let mut keyed: Vec<(u128, String, PathBuf)> = files
        .into_iter()
        .map(|file| {
            let head = tree.head(&dir.join(&file));
            let class = head.split("class ").skip(1).find_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                (digits >= 13).then_some(name)
            });
            let from_name = || {
                let name = file.to_string_lossy();
                name[..13].parse::<u128>().unwrap_or(0)
            };
            match class {
                Some(class) => {
                    let timestamp = class[class.len() - 13..]
                        .parse()
                        .unwrap_or_else(|_| from_name());
                    (timestamp, class, file)
                }
                None => (from_name(), migration_name(&file), file),
            }
        })
        .collect();
    keyed.sort();
    let latest = keyed.last().map(|(_, class, _)| class.clone());
    let mut found = folder(
        MigrationTool::Typeorm,
        dir,
        keyed.into_iter().map(|(_, _, f)| f).collect(),
    )?;
    found.latest = latest;
    Some(found)
}

// ---------------------------------------------------------------------------
// schema sources

fn find_schema_sources(tree: &Tree, project: &mut Project) {
    let mut sources: Vec<SchemaSource> = Vec::new();
    // A set, not a scan of `sources`: a big project has hundreds of model files.
    let seen = std::cell::RefCell::new(std::collections::HashSet::new());
    let add = |orm: Orm, path: PathBuf, sources: &mut Vec<SchemaSource>| {
        if seen.borrow_mut().insert(path.clone()) {
            sources.push(SchemaSource { orm, path });
        }
    };
    prisma_sources(tree, &mut |p| add(Orm::Prisma, p, &mut sources));
    for name in [
        "schema.sql",
        "db/schema.sql",
        "structure.sql",
        "db/structure.sql",
        "sql/schema.sql",
        "database/schema.sql",
    ] {
        if tree.has_file(Path::new(name)) {
            add(Orm::Sql, PathBuf::from(name), &mut sources);
        }
    }
    drizzle_sources(tree, &mut |p| add(Orm::Drizzle, p, &mut sources));
    code_sources(tree, &mut |orm, p| add(orm, p, &mut sources));

    // The ORM with the most files is the project's main one; migen.toml's source beats all.
    let mut weight: HashMap<Orm, usize> = HashMap::new();
    for source in &sources {
        *weight.entry(source.orm).or_default() += 1;
    }
    sources.sort_by_key(|s| {
        (
            std::cmp::Reverse(weight[&s.orm] + usize::from(s.orm == Orm::Prisma) * 1000),
            s.orm,
        )
    });
    if let Some(source) = &project.config.source {
        if let super::SourceSpec::SqlFile(path) = super::SourceSpec::parse(source) {
            let path = match strip_dot(&path) {
                // `source = "."`: the project root itself (a Django project, say).
                stripped if stripped.as_os_str().is_empty() => PathBuf::from("."),
                stripped => stripped,
            };
            let on_disk = tree.root.join(&path);
            let orm = match path.extension().and_then(|e| e.to_str()) {
                Some("prisma") => Orm::Prisma,
                _ if super::django::is_django_path(&on_disk) => Orm::Django,
                _ if super::sqlalchemy::is_models_path(&on_disk) => Orm::Sqlalchemy,
                Some("py") => Orm::Django,
                Some("ts") if path.to_string_lossy().ends_with(".entity.ts") => Orm::Typeorm,
                Some("ts" | "js") => Orm::Drizzle,
                _ => Orm::Sql,
            };
            sources.retain(|s| s.path != path);
            sources.insert(0, SchemaSource { orm, path });
        }
    }
    project.schema_sources = sources;
}

fn prisma_sources(tree: &Tree, add: &mut dyn FnMut(PathBuf)) {
    // Explicit settings first: prisma.config.ts (Prisma 7), then package.json (older).
    for config in ["prisma.config.ts", "prisma.config.js", "prisma.config.mjs"] {
        if let Some(text) = tree.read(Path::new(config)) {
            if let Some(path) = js_string_property(&text, "schema").into_iter().next() {
                add(strip_dot(Path::new(&path)));
            }
        }
    }
    if let Some(text) = tree.read(Path::new("package.json")) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(path) = json.pointer("/prisma/schema").and_then(|v| v.as_str()) {
                add(strip_dot(Path::new(path)));
            }
        }
    }
    for file in ["prisma/schema.prisma", "schema.prisma"] {
        if tree.has_file(Path::new(file)) {
            add(PathBuf::from(file));
        }
    }
    // Multi-file schema: a folder of .prisma files.
    if tree
        .listing(Path::new("prisma/schema"))
        .is_some_and(|l| l.files.iter().any(|f| f.ends_with(".prisma")))
    {
        add(PathBuf::from("prisma/schema"));
    }
}

fn drizzle_config(tree: &Tree) -> Option<(PathBuf, String)> {
    ["ts", "js", "mjs", "cjs", "mts", "json"]
        .iter()
        .map(|ext| PathBuf::from(format!("drizzle.config.{ext}")))
        .find_map(|path| tree.read(&path).map(|text| (path, text)))
}

fn drizzle_sources(tree: &Tree, add: &mut dyn FnMut(PathBuf)) {
    if let Some((_, text)) = drizzle_config(tree) {
        for path in js_string_property(&text, "schema") {
            add(strip_dot(Path::new(&path)));
        }
    }
}

/// The string value(s) of `name: "…"` or `name: ["…", "…"]` in a JS/TS object literal (or JSON).
fn js_string_property(text: &str, name: &str) -> Vec<String> {
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = text[at + name.len()..].trim_start_matches(['"', '\'']);
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let end = if value.starts_with('[') {
            value.find(']').unwrap_or(value.len())
        } else {
            value.find([',', '\n', '}']).unwrap_or(value.len())
        };
        let found = quoted(&value[..end]);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Models written in Python or TypeScript/JavaScript, recognised from file names and heads.
fn code_sources(tree: &Tree, add: &mut dyn FnMut(Orm, PathBuf)) {
    let django_project = tree.files().any(|(_, f)| f == "manage.py");
    let sequelize_models = sequelize_models_dir(tree);
    let entity_files = tree
        .files()
        .any(|(_, f)| f.ends_with(".entity.ts") || f.ends_with(".entity.js"));
    for (dir, name) in tree.files() {
        let path = dir.join(name);
        let in_migrations = dir.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            c == "migrations" || c == "versions" || c == "migration"
        });
        if in_migrations {
            continue;
        }
        if name.ends_with(".py") {
            let django_models = name == "models.py"
                || (dir.file_name().is_some_and(|d| d == "models") && name != "__init__.py");
            let head = tree.head(&path);
            if django_project && django_models && head.contains("django") {
                // An app's models package is one source, not one per submodule.
                let source = if name == "models.py" {
                    path
                } else {
                    dir.to_path_buf()
                };
                add(Orm::Django, source);
            } else if head.contains("DeclarativeBase")
                || head.contains("declarative_base(")
                || head.contains("generate_base(")
                || head.contains("__tablename__")
            {
                add(Orm::Sqlalchemy, path);
            }
        } else if name.ends_with(".entity.ts") || name.ends_with(".entity.js") {
            add(Orm::Typeorm, path);
        } else if (name.ends_with(".ts") || name.ends_with(".js")) && !name.ends_with(".d.ts") {
            let in_sequelize_models = sequelize_models.as_deref() == Some(dir);
            let named_models = dir.file_name().is_some_and(|d| d == "models");
            if !(in_sequelize_models || named_models || !entity_files) {
                continue;
            }
            let head = tree.head(&path);
            if !entity_files && head.contains("@Entity(") {
                add(Orm::Typeorm, path);
            } else if (in_sequelize_models || named_models)
                && (head.contains("sequelize.define(")
                    || head.contains(".init(")
                    || head.contains("sequelize-typescript"))
            {
                add(Orm::Sequelize, path);
            }
        }
    }
}

/// `.sequelizerc`'s `models-path` (`path.resolve('db', 'models')` joined), if set.
fn sequelize_models_dir(tree: &Tree) -> Option<PathBuf> {
    let text = tree.read(Path::new(".sequelizerc"))?;
    let at = text.find("models-path")?;
    let rest = &text[at + "models-path".len()..];
    let value = rest
        .trim_start_matches(['\'', '"'])
        .trim_start()
        .strip_prefix(':')?;
    let end = value.find([')', ',', '\n']).unwrap_or(value.len());
    let parts = quoted(&value[..end]);
    Some(strip_dot(&parts.iter().collect::<PathBuf>()))
}

// ---------------------------------------------------------------------------
// the migrations that go with the schema

fn order_migrations(project: &mut Project) {
    let configured = project.config.migrations_dir.is_some();
    let wanted = project.orm().and_then(MigrationTool::of_orm);
    let rest = &mut project.migrations[usize::from(configured)..];
    // Stable: the main ORM's tool first, then SQL tools, each group in walk order (shallow first).
    rest.sort_by_key(|f| (Some(f.tool) != wanted, !f.tool.is_sql()));
}

// ---------------------------------------------------------------------------
// dialect and version

fn find_dialect(tree: &Tree, project: &mut Project) {
    // The first place that names a dialect wins.
    fn set(project: &mut Project, dialect: Option<Dialect>, from: String) {
        if project.dialect.is_none() {
            if let Some(dialect) = dialect {
                project.dialect = Some(dialect);
                project.dialect_source = Some(from);
            }
        }
    }
    if let Some(config_path) = project.config.path.clone() {
        let from = format!(
            "{}",
            config_path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
        );
        if let Some(version) = project.config.version {
            project.version = Some(version);
            project.version_source = Some(from.clone());
        }
        set(project, project.config.dialect, from);
    }
    let prisma_files: Vec<PathBuf> = project
        .schema_sources
        .iter()
        .filter(|s| s.orm == Orm::Prisma)
        .flat_map(|s| match tree.listing(&s.path) {
            Some(listing) => listing
                .files
                .iter()
                .filter(|f| f.ends_with(".prisma"))
                .map(|f| s.path.join(f))
                .collect(),
            None => vec![s.path.clone()],
        })
        .collect();
    for file in prisma_files {
        if let Some(text) = tree.read(&file) {
            match datasource_provider(&text) {
                Some(Ok(dialect)) => set(
                    project,
                    Some(dialect),
                    format!("{} (datasource provider)", file.display()),
                ),
                Some(Err(provider)) => project.notes.push(format!(
                    "{}: provider `{provider}` is not a database migen supports",
                    file.display()
                )),
                None => {}
            }
        }
    }
    if project.orm() == Some(Orm::Django) || tree.has_file(Path::new("manage.py")) {
        for (dir, name) in tree.files() {
            if name == "settings.py"
                || (dir.file_name().is_some_and(|d| d == "settings") && name.ends_with(".py"))
            {
                let path = dir.join(name);
                if let Some(dialect) = tree.read(&path).and_then(|t| django_engine(&t)) {
                    set(
                        project,
                        Some(dialect),
                        format!("{} (DATABASES ENGINE)", path.display()),
                    );
                }
            }
        }
    }
    if let Some((path, text)) = drizzle_config(tree) {
        let dialect = js_string_property(&text, "dialect")
            .first()
            .and_then(|d| Dialect::parse(d));
        set(project, dialect, format!("{} (dialect)", path.display()));
    }
    let locks: Vec<PathBuf> = project
        .migrations
        .iter()
        .filter(|f| f.tool == MigrationTool::Prisma)
        .map(|f| f.dir.join("migration_lock.toml"))
        .collect();
    for lock in locks {
        if let Some(Some(Ok(dialect))) = tree.read(&lock).map(|t| provider_value(&t)) {
            set(
                project,
                Some(dialect),
                format!("{} (provider)", lock.display()),
            );
        }
    }
    if let Some(text) = tree.read(Path::new("alembic.ini")) {
        let url = ini_value(&text, "sqlalchemy.url");
        if let Some(url) = url {
            set(
                project,
                url_scheme_dialect(&url),
                format!(
                    "alembic.ini (sqlalchemy.url {})",
                    crate::error::redact_url(&url)
                ),
            );
        }
    }
    for env in [".env", ".env.local", ".env.development", ".env.example"] {
        let Some(text) = tree.read(Path::new(env)) else {
            continue;
        };
        let url = text.lines().find_map(|l| {
            let l = l.trim().trim_start_matches("export ");
            let (key, value) = l.split_once('=')?;
            (key.trim() == "DATABASE_URL")
                .then(|| value.trim().trim_matches(['"', '\'']).to_string())
        });
        if let Some(url) = url {
            set(
                project,
                url_scheme_dialect(&url),
                format!("{env} (DATABASE_URL {})", crate::error::redact_url(&url)),
            );
        }
    }
    if project.version.is_none() {
        for compose in [
            "docker-compose.yml",
            "docker-compose.yaml",
            "compose.yml",
            "compose.yaml",
        ] {
            let Some(text) = tree.read(Path::new(compose)) else {
                continue;
            };
            let found = compose_versions(&text)
                .into_iter()
                .find(|v| project.dialect.is_none_or(|d| d == v.dialect));
            if let Some(version) = found {
                set(project, Some(version.dialect), format!("{compose} (image)"));
                project.version = Some(version);
                project.version_source = Some(format!("{compose} (image)"));
                break;
            }
        }
    }
}

/// The provider of Prisma's `datasource` block: `Ok` for a dialect migen writes, `Err` with the
/// provider's name otherwise.
// Not prisma.rs's reader: detection wants the name of a provider migen cannot write too, and
// reads a schema without tokenizing all of it.
fn datasource_provider(text: &str) -> Option<std::result::Result<Dialect, String>> {
    let start = text
        .match_indices("datasource")
        .find(|(at, _)| {
            text[..*at]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim().is_empty())
        })?
        .0;
    let block = &text[start..];
    let block = &block[..block.find('}').unwrap_or(block.len())];
    provider_value(block)
}

/// `provider = "postgresql"` in a Prisma block or `migration_lock.toml`.
fn provider_value(text: &str) -> Option<std::result::Result<Dialect, String>> {
    let value = text.lines().find_map(|line| {
        let line = line.trim();
        let rest = line
            .strip_prefix("provider")?
            .trim_start()
            .strip_prefix('=')?;
        quoted(rest).into_iter().next()
    })?;
    Some(match value.as_str() {
        "postgresql" | "postgres" => Ok(Dialect::Postgres),
        "mysql" => Ok(Dialect::Mysql),
        "sqlite" => Ok(Dialect::Sqlite),
        other => Err(other.to_string()),
    })
}

/// `'ENGINE': 'django.db.backends.postgresql'` → PostgreSQL (postgis and psycopg2 spellings too).
fn django_engine(text: &str) -> Option<Dialect> {
    let at = text.find("DATABASES")?;
    let block = &text[at..];
    let engine = block.find("ENGINE")?;
    let value = quoted(
        block[engine + "ENGINE".len()..]
            .lines()
            .next()?
            .trim_start_matches(['\'', '"']),
    )
    .into_iter()
    .next()?;
    let backend = value.rsplit('.').next()?;
    match backend {
        b if b.starts_with("postgresql") || b.starts_with("postgis") => Some(Dialect::Postgres),
        b if b.starts_with("mysql") => Some(Dialect::Mysql),
        b if b.starts_with("sqlite") || b.starts_with("spatialite") => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// The dialect of a URL's scheme, SQLAlchemy's `dialect+driver://` included.
fn url_scheme_dialect(url: &str) -> Option<Dialect> {
    let scheme = url.split_once("://")?.0;
    Dialect::parse(scheme.split('+').next()?)
}

/// Database images in a compose file: `image: postgres:15-alpine` → postgres:15.
fn compose_versions(text: &str) -> Vec<Version> {
    text.lines()
        .filter_map(|line| {
            let image = line
                .trim()
                .strip_prefix("image:")?
                .trim()
                .trim_matches(['"', '\'']);
            let (name, tag) = image.split_once(':')?;
            let engine = match name.rsplit('/').next()? {
                "postgres" | "postgis" => "postgres",
                "mysql" => "mysql",
                "mariadb" => "mariadb",
                _ => return None,
            };
            let number: String = tag
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let number = number.trim_end_matches('.');
            if number.is_empty() {
                return None;
            }
            Version::parse(&format!("{engine}:{number}")).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn detect_files(files: &[(&str, &str)]) -> Project {
        let dir = tree(files);
        detect(dir.path()).unwrap()
    }

    fn paths(project: &Project) -> Vec<String> {
        project
            .schema_sources
            .iter()
            .map(|s| format!("{}:{}", s.orm.name(), s.path.display()))
            .collect()
    }

    fn only_migrations(project: &Project) -> &MigrationFolder {
        assert_eq!(project.migrations.len(), 1, "{:?}", project.migrations);
        &project.migrations[0]
    }

    #[test]
    fn prisma_schema_migrations_and_provider() {
        let project = detect_files(&[
            (
                "prisma/schema.prisma",
                "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
            ),
            (
                "prisma/migrations/migration_lock.toml",
                "provider = \"postgresql\"\n",
            ),
            (
                "prisma/migrations/20250101120000_init/migration.sql",
                "CREATE TABLE a (id int);",
            ),
            (
                "prisma/migrations/20250301090000_two/migration.sql",
                "ALTER TABLE a ADD b int;",
            ),
            (
                "docker-compose.yml",
                "services:\n  db:\n    image: postgres:15-alpine\n",
            ),
        ]);
        assert_eq!(paths(&project), ["prisma:prisma/schema.prisma"]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Prisma);
        assert_eq!(folder.count, 2);
        assert_eq!(folder.latest.as_deref(), Some("20250301090000_two"));
        assert_eq!(project.dialect, Some(Dialect::Postgres));
        assert_eq!(
            project.dialect_source.as_deref(),
            Some("prisma/schema.prisma (datasource provider)")
        );
        assert_eq!(project.version.unwrap().to_string(), "postgres:15");
    }

    #[test]
    fn prisma_schema_from_package_json_config_and_folder() {
        let project = detect_files(&[
            (
                "package.json",
                r#"{"name": "x", "prisma": {"schema": "db/main.prisma"}}"#,
            ),
            (
                "db/main.prisma",
                "datasource db {\n  provider = \"mysql\"\n}\n",
            ),
        ]);
        assert_eq!(paths(&project), ["prisma:db/main.prisma"]);
        assert_eq!(project.dialect, Some(Dialect::Mysql));
        let project = detect_files(&[
            (
                "prisma.config.ts",
                "export default defineConfig({\n  schema: \"./src/schema.prisma\",\n});\n",
            ),
            (
                "src/schema.prisma",
                "datasource db {\n  provider = \"sqlite\"\n}\n",
            ),
        ]);
        assert_eq!(paths(&project), ["prisma:src/schema.prisma"]);
        assert_eq!(project.dialect, Some(Dialect::Sqlite));
        let project = detect_files(&[
            (
                "prisma/schema/base.prisma",
                "datasource db {\n  provider = \"cockroachdb\"\n}\n",
            ),
            ("prisma/schema/user.prisma", "model User { id Int @id }\n"),
        ]);
        assert_eq!(paths(&project), ["prisma:prisma/schema"]);
        assert_eq!(project.dialect, None);
        assert!(
            project.notes.iter().any(|n| n.contains("cockroachdb")),
            "{:?}",
            project.notes
        );
    }

    #[test]
    fn django_apps_migrations_leaf_and_engine() {
        let project = detect_files(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
            ),
            (
                "site/settings.py",
                "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.mysql',\n        'NAME': 'shop',\n    }\n}\n",
            ),
            (
                "accounts/models.py",
                "from django.db import models\n\nclass User(models.Model):\n    pass\n",
            ),
            ("accounts/migrations/__init__.py", ""),
            (
                "accounts/migrations/0001_initial.py",
                "class Migration(migrations.Migration):\n    dependencies = []\n",
            ),
            (
                "accounts/migrations/0002_user_bio.py",
                "class Migration(migrations.Migration):\n    dependencies = [('accounts', '0001_initial')]\n",
            ),
            (
                "accounts/migrations/0003_merge.py",
                "class Migration(migrations.Migration):\n    dependencies = [('accounts', '0002_user_bio')]\n",
            ),
            ("shop/models/__init__.py", "from .order import Order\n"),
            ("shop/models/order.py", "from django.db import models\n"),
        ]);
        assert_eq!(
            paths(&project),
            ["django:accounts/models.py", "django:shop/models"]
        );
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Django);
        assert_eq!(folder.dir, Path::new("accounts/migrations"));
        assert_eq!(folder.count, 3);
        assert_eq!(folder.latest.as_deref(), Some("0003_merge"));
        assert_eq!(project.dialect, Some(Dialect::Mysql));
        assert_eq!(
            project.dialect_source.as_deref(),
            Some("site/settings.py (DATABASES ENGINE)")
        );
    }

    #[test]
    fn django_leaf_is_not_the_highest_number_when_that_one_is_depended_on() {
        // 0002 depends on 0003 (a hand-reordered history): the leaf is 0002.
        let project = detect_files(&[
            ("manage.py", ""),
            ("app/migrations/__init__.py", ""),
            ("app/migrations/0001_initial.py", "dependencies = []\n"),
            (
                "app/migrations/0002_b.py",
                "dependencies = [('app', '0003_a')]\n",
            ),
            (
                "app/migrations/0003_a.py",
                "dependencies = [('app', '0001_initial')]\n",
            ),
        ]);
        assert_eq!(only_migrations(&project).latest.as_deref(), Some("0002_b"));
    }

    #[test]
    fn the_readable_source_is_the_django_project_or_the_sqlalchemy_models_folder() {
        let dir = tree(&[
            ("site/manage.py", "import os\n"),
            ("site/shelf/models.py", "from django.db import models\n"),
        ]);
        let project = detect(dir.path()).unwrap();
        assert_eq!(paths(&project), ["django:site/shelf/models.py"]);
        assert_eq!(project.readable_source(), Ok(PathBuf::from("site")));

        let header = "from sqlalchemy.orm import DeclarativeBase\n";
        let project = detect_files(&[
            ("app/db/users.py", header),
            ("app/db/blog/posts.py", header),
        ]);
        assert_eq!(project.readable_source(), Ok(PathBuf::from("app/db")));
        let project = detect_files(&[("models.py", header)]);
        assert_eq!(project.readable_source(), Ok(PathBuf::from("models.py")));
        let project = detect_files(&[("users.py", header), ("posts.py", header)]);
        assert_eq!(project.readable_source(), Ok(PathBuf::from(".")));

        let project = detect_files(&[(
            "src/user.entity.ts",
            "import { Entity } from 'typeorm';\n@Entity()\nexport class User {}\n",
        )]);
        assert_eq!(
            project.readable_source(),
            Err("migen does not read typeorm models yet".to_string())
        );
    }

    #[test]
    fn sqlalchemy_base_alembic_head_and_url() {
        let project = detect_files(&[
            (
                "app/db.py",
                "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n",
            ),
            (
                "app/models.py",
                "from .db import Base\n\nclass User(Base):\n    __tablename__ = 'users'\n",
            ),
            ("app/util.py", "def nothing():\n    pass\n"),
            (
                "alembic.ini",
                "[alembic]\nscript_location = alembic\nsqlalchemy.url = postgresql+psycopg2://app:secret@db/app\n",
            ),
            (
                "alembic/versions/aaa111_init.py",
                "revision = 'aaa111'\ndown_revision = None\n",
            ),
            (
                "alembic/versions/0zz_second.py",
                "revision: str = \"bbb222\"\ndown_revision: Union[str, None] = 'aaa111'\n",
            ),
        ]);
        assert_eq!(
            paths(&project),
            ["sqlalchemy:app/db.py", "sqlalchemy:app/models.py"]
        );
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Alembic);
        // The head by down_revision, though its file name sorts first.
        assert_eq!(folder.latest.as_deref(), Some("0zz_second"));
        assert_eq!(
            folder.ordered,
            [
                PathBuf::from("aaa111_init.py"),
                PathBuf::from("0zz_second.py")
            ]
        );
        assert_eq!(project.dialect, Some(Dialect::Postgres));
        let source = project.dialect_source.unwrap();
        assert!(!source.contains("secret"), "{source}");
    }

    #[test]
    fn alembic_ini_script_location_is_followed_into_hidden_folders() {
        let project = detect_files(&[
            (
                "alembic.ini",
                "[alembic]\nscript_location = %(here)s/.db/alembic\n",
            ),
            (
                ".db/alembic/versions/abc_init.py",
                "revision = 'abc'\ndown_revision = None\n",
            ),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Alembic);
        assert_eq!(folder.dir, Path::new(".db/alembic/versions"));
        assert_eq!(folder.latest.as_deref(), Some("abc_init"));
    }

    #[test]
    fn drizzle_kit_1_folders_are_not_prisma() {
        let project = detect_files(&[
            (
                "drizzle/20250101000000_init/migration.sql",
                "CREATE TABLE a (id int);",
            ),
            ("drizzle/20250101000000_init/snapshot.json", "{}"),
            (
                "drizzle/20250202000000_more/migration.sql",
                "CREATE TABLE b (id int);",
            ),
            ("drizzle/20250202000000_more/snapshot.json", "{}"),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Drizzle);
        assert_eq!(folder.latest.as_deref(), Some("20250202000000_more"));
    }

    #[test]
    fn typeorm_entities_and_migrations_by_class_timestamp() {
        let project = detect_files(&[
            ("src/user.entity.ts", "@Entity()\nexport class User {}\n"),
            ("src/post.ts", "@Entity('posts')\nexport class Post {}\n"),
            (
                "src/migrations/1700000000000-Init.ts",
                "export class Init1700000000000 implements MigrationInterface {}\n",
            ),
            (
                "src/migrations/1600000000000-Later.ts",
                "export class Later1800000000000 implements MigrationInterface {}\n",
            ),
        ]);
        // With *.entity.ts files present, those are the entities (no sniffing of other files).
        assert_eq!(paths(&project), ["typeorm:src/user.entity.ts"]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Typeorm);
        assert_eq!(folder.latest.as_deref(), Some("Later1800000000000"));
        let project = detect_files(&[(
            "src/post.ts",
            "import {Entity} from 'typeorm';\n@Entity('posts')\nexport class Post {}\n",
        )]);
        assert_eq!(paths(&project), ["typeorm:src/post.ts"]);
    }

    #[test]
    fn sequelize_models_and_migrations() {
        let project = detect_files(&[
            (
                ".sequelizerc",
                "const path = require('path');\nmodule.exports = {\n  'models-path': path.resolve('db', 'models'),\n};\n",
            ),
            (
                "db/models/user.js",
                "module.exports = (sequelize, DataTypes) => sequelize.define('User', {});\n",
            ),
            (
                "db/models/index.js",
                "'use strict';\nconst fs = require('fs');\n",
            ),
            (
                "migrations/20250101000000-create-user.js",
                "module.exports = { async up() {} };\n",
            ),
            (
                "migrations/20250102000000-add-bio.js",
                "module.exports = { async up() {} };\n",
            ),
        ]);
        assert_eq!(paths(&project), ["sequelize:db/models/user.js"]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Sequelize);
        assert_eq!(folder.latest.as_deref(), Some("20250102000000-add-bio"));
    }

    #[test]
    fn drizzle_config_journal_and_dialect() {
        let project = detect_files(&[
            (
                "drizzle.config.ts",
                "export default defineConfig({\n  dialect: \"postgresql\",\n  schema: [\"./src/db/schema.ts\", \"./src/db/auth.ts\"],\n  out: \"./drizzle\",\n});\n",
            ),
            (
                "src/db/schema.ts",
                "export const users = pgTable('users', {});\n",
            ),
            (
                "drizzle/meta/_journal.json",
                r#"{"version":"7","dialect":"postgresql","entries":[{"idx":0,"tag":"0000_init"},{"idx":1,"tag":"0001_bio"}]}"#,
            ),
            ("drizzle/0000_init.sql", "CREATE TABLE users (id serial);"),
            ("drizzle/0001_bio.sql", "ALTER TABLE users ADD bio text;"),
        ]);
        assert_eq!(
            paths(&project),
            ["drizzle:src/db/schema.ts", "drizzle:src/db/auth.ts"]
        );
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Drizzle);
        assert_eq!(folder.latest.as_deref(), Some("0001_bio"));
        assert_eq!(project.dialect, Some(Dialect::Postgres));
    }

    #[test]
    fn golang_migrate_orders_numerically() {
        let mut files = vec![("db/schema.sql", "CREATE TABLE a (id int);")];
        let names: Vec<(String, String)> = (1..=10)
            .flat_map(|n| {
                [
                    (
                        format!("db/migrations/{n}_step.up.sql"),
                        "SELECT 1;".to_string(),
                    ),
                    (
                        format!("db/migrations/{n}_step.down.sql"),
                        "SELECT 1;".to_string(),
                    ),
                ]
            })
            .collect();
        files.extend(names.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        let project = detect_files(&files);
        assert_eq!(paths(&project), ["sql:db/schema.sql"]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::GolangMigrate);
        assert_eq!(folder.count, 10);
        // 10 after 9, though "10_" sorts before "9_" by name.
        assert_eq!(folder.latest.as_deref(), Some("10_step"));
        let padded = detect_files(&[
            ("m/000009_a.up.sql", ""),
            ("m/000010_b.up.sql", ""),
            ("m/000010_b.down.sql", ""),
        ]);
        assert_eq!(only_migrations(&padded).latest.as_deref(), Some("000010_b"));
    }

    #[test]
    fn flyway_orders_by_version_parts() {
        let project = detect_files(&[
            ("sql/V9__nine.sql", ""),
            ("sql/V10__ten.sql", ""),
            ("sql/V2_1__two_one.sql", ""),
            ("sql/R__views.sql", ""),
            ("sql/U10__ten.sql", ""),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Flyway);
        assert_eq!(folder.count, 3);
        assert_eq!(folder.latest.as_deref(), Some("V10__ten"));
        let order: Vec<String> = folder
            .ordered
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            order,
            [
                "V2_1__two_one.sql",
                "V9__nine.sql",
                "V10__ten.sql",
                "R__views.sql"
            ]
        );
    }

    #[test]
    fn dbmate_knex_and_plain_sql() {
        let project = detect_files(&[
            (
                "db/migrations/20250102000000_b.sql",
                "-- migrate:up\nSELECT 1;\n-- migrate:down\n",
            ),
            (
                "db/migrations/20250101000000_a.sql",
                "-- migrate:up\nSELECT 1;\n-- migrate:down\n",
            ),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Dbmate);
        assert_eq!(folder.latest.as_deref(), Some("20250102000000_b"));
        let project = detect_files(&[
            ("knexfile.js", "module.exports = {};\n"),
            (
                "migrations/20250101000000_create_users.js",
                "exports.up = function (knex) {};\n",
            ),
            (
                "migrations/20250201000000_add_bio.js",
                "exports.up = function (knex) {};\n",
            ),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Knex);
        assert_eq!(folder.latest.as_deref(), Some("20250201000000_add_bio"));
        let project = detect_files(&[
            ("migrations/001_init.sql", "CREATE TABLE a (id int);"),
            ("migrations/002_more.sql", "CREATE TABLE b (id int);"),
            ("schema/tables.sql", "CREATE TABLE a (id int);"),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Sql);
        assert_eq!(folder.latest.as_deref(), Some("002_more"));
    }

    #[test]
    fn dependency_and_hidden_folders_are_skipped() {
        let project = detect_files(&[
            (
                "node_modules/pkg/prisma/migrations/1_x/migration.sql",
                "SELECT 1;",
            ),
            ("node_modules/pkg/src/user.entity.ts", "@Entity()\n"),
            (
                ".venv/lib/site/models.py",
                "from sqlalchemy.orm import DeclarativeBase\n",
            ),
            (
                "venv/lib/db.py",
                "from sqlalchemy.orm import DeclarativeBase\n",
            ),
            ("target/migrations/001_a.sql", "SELECT 1;"),
            ("dist/migrations/001_a.sql", "SELECT 1;"),
            (".git/migrations/001_a.sql", "SELECT 1;"),
            ("build/x.entity.ts", ""),
            ("src/__pycache__/db.py", "DeclarativeBase"),
        ]);
        assert!(
            project.schema_sources.is_empty(),
            "{:?}",
            project.schema_sources
        );
        assert!(project.migrations.is_empty(), "{:?}", project.migrations);
    }

    #[test]
    fn migen_toml_wins_for_source_folder_and_dialect() {
        let project = detect_files(&[
            (
                "migen.toml",
                "[database]\nversion = \"mysql:8.0\"\n[schema]\nsource = \"./model/all.sql\"\n[migrations]\ndir = \"out/migrations\"\ntarget = \"flyway\"\n",
            ),
            ("model/all.sql", "CREATE TABLE a (id int);"),
            ("schema.sql", "CREATE TABLE a (id int);"),
            (
                "prisma/schema.prisma",
                "datasource db {\n  provider = \"postgresql\"\n}\n",
            ),
            ("migrations/001_a.sql", "SELECT 1;"),
            (".env", "DATABASE_URL=postgres://u:pw@h/db\n"),
        ]);
        assert_eq!(project.schema_sources[0].path, Path::new("model/all.sql"));
        let main = project.main_migrations().unwrap();
        assert_eq!(main.dir, Path::new("out/migrations"));
        assert_eq!(main.tool, MigrationTool::Flyway);
        assert_eq!(main.count, 0);
        assert_eq!(project.dialect, Some(Dialect::Mysql));
        assert_eq!(project.dialect_source.as_deref(), Some("migen.toml"));
        assert_eq!(project.version.unwrap().to_string(), "mysql:8.0");
    }

    #[test]
    fn env_file_url_gives_the_dialect_without_its_password() {
        let project = detect_files(&[
            ("schema.sql", ""),
            (
                ".env",
                "# local\nexport DATABASE_URL=\"mysql://app:hunter2@localhost/app\"\n",
            ),
        ]);
        assert_eq!(project.dialect, Some(Dialect::Mysql));
        let source = project.dialect_source.unwrap();
        assert!(source.starts_with(".env (DATABASE_URL"), "{source}");
        assert!(!source.contains("hunter2"), "{source}");
    }

    #[test]
    fn a_broken_migen_toml_is_an_error_with_its_line() {
        let dir = tree(&[("migen.toml", "[database]\ndialekt = 1\n")]);
        let error = detect(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:2:1"), "{error}");
    }

    #[test]
    fn compose_images_name_versions() {
        let versions = compose_versions(
            "  db:\n    image: \"mariadb:10.11.6\"\n  cache:\n    image: redis:7\n  pg:\n    image: postgis/postgis:16-3.4\n  x:\n    image: postgres:latest\n",
        );
        let labels: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
        assert_eq!(labels, ["mariadb:10.11.6", "postgres:16"]);
    }
}
