//! Migration folders: which tool a folder's migrations are written for, the order that tool
//! applies them in and its newest one, and which folder goes with the project's schema.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Project;
use super::schemas::Orm;
use super::walk::{Tree, strip_dot};
use crate::text::{ini_value, python_assignment, quoted};

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
    Liquibase,
}

impl MigrationTool {
    pub const ALL: [MigrationTool; 12] = [
        MigrationTool::Sql,
        MigrationTool::GolangMigrate,
        MigrationTool::Flyway,
        MigrationTool::Dbmate,
        MigrationTool::Prisma,
        MigrationTool::Django,
        MigrationTool::Alembic,
        MigrationTool::Knex,
        MigrationTool::Typeorm,
        MigrationTool::Sequelize,
        MigrationTool::Drizzle,
        MigrationTool::Liquibase,
    ];

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
            MigrationTool::Liquibase => "liquibase",
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

    /// The tool that usually keeps an ORM's migrations, to pick the folder that goes with it
    /// (and the target a project of that ORM writes for when it has no migrations yet).
    pub fn of_orm(orm: Orm) -> Option<MigrationTool> {
        match orm {
            Orm::Prisma => Some(MigrationTool::Prisma),
            Orm::Django => Some(MigrationTool::Django),
            Orm::Sqlalchemy => Some(MigrationTool::Alembic),
            Orm::Typeorm => Some(MigrationTool::Typeorm),
            Orm::Sequelize => Some(MigrationTool::Sequelize),
            Orm::Drizzle => Some(MigrationTool::Drizzle),
            Orm::Knex => Some(MigrationTool::Knex),
            Orm::Sql => None,
        }
    }
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

pub(super) fn find_migrations(tree: &Tree, project: &mut Project) {
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
    // liquibase.properties names the master changelog; its folder is where changelogs go.
    if let Some(changelogs) = liquibase_changelog_dir(tree)
        && !found.iter().any(|f| f.dir == changelogs)
    {
        let folder = classify_dir(&project.root, &changelogs).unwrap_or(MigrationFolder {
            tool: MigrationTool::Liquibase,
            dir: changelogs,
            count: 0,
            latest: None,
            ordered: Vec::new(),
        });
        found.push(folder);
    }
    // alembic.ini names its folder; it may sit where the walk does not look (deep, hidden).
    if let Some(versions) = alembic_versions_dir(tree)
        && !found.iter().any(|f| f.dir == versions)
        && let Some(folder) = classify_dir(&project.root, &versions)
    {
        found.push(folder);
    }
    // The knexfile names its folders; one with no migrations yet is still where Knex's go.
    if let Some(knexfile) = super::schemas::knexfile(tree) {
        let base = knexfile
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for dir in knexfile.migration_dirs() {
            let dir = strip_dot(&base.join(dir));
            if !found.iter().any(|f| f.dir == dir) {
                found.push(knexfile_folder(&project.root, dir));
            }
        }
    }
    // `.sequelizerc`'s `migrations-path` is where sequelize-cli reads and writes migrations:
    // the project's folder, even before it holds any.
    if let Some(dir) = super::schemas::sequelizerc_path(tree, "migrations-path") {
        let dir = strip_dot(&dir);
        found.retain(|f| f.dir != dir);
        let folder = classify_dir(&project.root, &dir)
            .filter(|f| f.tool == MigrationTool::Sequelize)
            .unwrap_or(MigrationFolder {
                tool: MigrationTool::Sequelize,
                dir,
                count: 0,
                latest: None,
                ordered: Vec::new(),
            });
        found.insert(0, folder);
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

/// A folder the knexfile names: Knex's whatever its files are called (Knex runs them in name
/// order), and empty when it holds none yet.
fn knexfile_folder(root: &Path, dir: PathBuf) -> MigrationFolder {
    let tree = Tree::walk_shallow(&root.join(&dir));
    let mut ordered: Vec<PathBuf> = tree
        .listing(Path::new(""))
        .map(|l| {
            l.files
                .iter()
                .map(PathBuf::from)
                .filter(|f| crate::source::knex::is_migration_name(f))
                .collect()
        })
        .unwrap_or_default();
    ordered.sort();
    folder(MigrationTool::Knex, &dir, ordered).unwrap_or(MigrationFolder {
        tool: MigrationTool::Knex,
        dir,
        count: 0,
        latest: None,
        ordered: Vec::new(),
    })
}

/// The folder of the master changelog `liquibase.properties` names (`changeLogFile`, or
/// `changelog-file` as Liquibase 4 also spells it).
fn liquibase_changelog_dir(tree: &Tree) -> Option<PathBuf> {
    let text = tree.read(Path::new("liquibase.properties"))?;
    let file = text.lines().find_map(|line| {
        let (key, value) = line.split_once(['=', ':'])?;
        let key = key.trim();
        (key == "changeLogFile"
            || key == "changelog-file"
            || key == "liquibase.command.changelogFile")
            .then(|| value.trim().to_string())
    })?;
    let dir = Path::new(&file).parent()?;
    Some(strip_dot(dir))
}

/// A Liquibase changelog folder: the master changelog, and the changelogs of `changes/` (what
/// migen writes and an `includeAll` of that folder runs) in file-name order.
fn liquibase(tree: &Tree, dir: &Path, files: &[String]) -> Option<MigrationFolder> {
    let master = files
        .iter()
        .find(|f| f.starts_with("db.changelog-master."))?;
    let mut ordered: Vec<PathBuf> = tree
        .listing(&dir.join("changes"))
        .map(|l| {
            l.files
                .iter()
                .filter(|f| {
                    [".sql", ".xml", ".yaml", ".yml", ".json"]
                        .iter()
                        .any(|e| f.ends_with(e))
                })
                .map(|f| Path::new("changes").join(f))
                .collect()
        })
        .unwrap_or_default();
    ordered.sort();
    let latest = ordered.last().map(|p| migration_name(p));
    Some(MigrationFolder {
        tool: MigrationTool::Liquibase,
        dir: dir.to_path_buf(),
        count: ordered.len(),
        latest,
        ordered: if ordered.is_empty() {
            vec![PathBuf::from(master)]
        } else {
            ordered
        },
    })
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

/// The tool named by migen.toml's `target` (render's names), for a folder that has no files yet.
/// The tool named by migen.toml's `target` (a renderer's name, as the pipeline spells it), for
/// a folder that has no files yet; plain SQL for a name no tool here has.
fn configured_tool(target: Option<&str>) -> MigrationTool {
    MigrationTool::ALL
        .into_iter()
        .find(|tool| Some(tool.name()) == target)
        .unwrap_or(MigrationTool::Sql)
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

    if let Some(found) = liquibase(tree, dir, &listing.files) {
        return Some(found);
    }
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
        if !scripts.is_empty()
            && let Some(found) = alembic(tree, dir, &scripts)
        {
            return Some(found);
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

/// The main ORM's tool first: the folder that goes with the schema.
pub(super) fn order_migrations(project: &mut Project) {
    let configured = project.config.migrations_dir.is_some();
    let wanted = project.orm().and_then(MigrationTool::of_orm);
    let rest = &mut project.migrations[usize::from(configured)..];
    // Stable: the main ORM's tool first, then SQL tools, each group in walk order (shallow first).
    rest.sort_by_key(|f| (Some(f.tool) != wanted, !f.tool.is_sql()));
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::MigrationTool;
    use crate::source::project::tests::{detect_files, only_migrations, paths};

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
    fn liquibase_changelog_folders() {
        let project = detect_files(&[
            (
                "src/main/resources/db/changelog/db.changelog-master.yaml",
                "databaseChangeLog:\n  - includeAll:\n      path: changes/\n",
            ),
            (
                "src/main/resources/db/changelog/changes/20250101000000-init.sql",
                "--liquibase formatted sql\n",
            ),
            (
                "src/main/resources/db/changelog/changes/20250201000000-add_bio.sql",
                "--liquibase formatted sql\n",
            ),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Liquibase);
        assert_eq!(folder.dir, Path::new("src/main/resources/db/changelog"));
        assert_eq!(folder.latest.as_deref(), Some("20250201000000-add_bio"));
        // liquibase.properties names a master changelog of another name.
        let project = detect_files(&[
            (
                "liquibase.properties",
                "changeLogFile: ./sql/db.changelog-master.xml\nurl: jdbc:sqlite:app.db\n",
            ),
            ("sql/db.changelog-master.xml", "<databaseChangeLog/>\n"),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Liquibase);
        assert_eq!(folder.dir, Path::new("sql"));
        assert_eq!(folder.count, 0);
    }
}
