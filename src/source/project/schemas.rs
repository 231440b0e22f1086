//! Schema sources: the files and folders that define the schema, and the ORM each is written
//! for, recognised from well-known paths, tool configs and the heads of source files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Project;
use super::migrations::MigrationTool;
use super::walk::{Tree, strip_dot};
use crate::source::{SourceSpec, django, drizzle, knex, sequelize, sqlalchemy, typeorm};
use crate::text::{js_string_property, quoted};

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
    /// Knex has no models: its migrations folder is the schema (what the migrations build).
    Knex,
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
            Orm::Knex => "knex",
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

pub(super) fn find_schema_sources(tree: &Tree, project: &mut Project) {
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
    // A Knex project's schema is what its migrations build: each Knex folder stands for it.
    for folder in &project.migrations {
        if folder.tool == MigrationTool::Knex {
            add(Orm::Knex, folder.dir.clone(), &mut sources);
        }
    }

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
    if let Some(source) = &project.config.source
        && let SourceSpec::SqlFile(path) = SourceSpec::parse(source)
    {
        let path = match strip_dot(&path) {
            // `source = "."`: the project root itself (a Django project, say).
            stripped if stripped.as_os_str().is_empty() => PathBuf::from("."),
            stripped => stripped,
        };
        let on_disk = tree.root.join(&path);
        let orm = match path.extension().and_then(|e| e.to_str()) {
            Some("prisma") => Orm::Prisma,
            _ if django::is_django_path(&on_disk) => Orm::Django,
            _ if sqlalchemy::is_models_path(&on_disk) => Orm::Sqlalchemy,
            _ if knex::is_knex_folder(&on_disk) => Orm::Knex,
            _ if drizzle::is_drizzle_path(&on_disk) => Orm::Drizzle,
            _ if typeorm::is_typeorm_path(&on_disk) => Orm::Typeorm,
            _ if sequelize::is_sequelize_path(&on_disk) => Orm::Sequelize,
            Some("py") => Orm::Django,
            Some("ts") if path.to_string_lossy().ends_with(".entity.ts") => Orm::Typeorm,
            Some("ts" | "js") => Orm::Drizzle,
            _ => Orm::Sql,
        };
        sources.retain(|s| s.path != path);
        sources.insert(0, SchemaSource { orm, path });
    }
    project.schema_sources = sources;
}

fn prisma_sources(tree: &Tree, add: &mut dyn FnMut(PathBuf)) {
    // Explicit settings first: prisma.config.ts (Prisma 7), then package.json (older).
    for config in ["prisma.config.ts", "prisma.config.js", "prisma.config.mjs"] {
        if let Some(text) = tree.read(Path::new(config))
            && let Some(path) = js_string_property(&text, "schema").into_iter().next()
        {
            add(strip_dot(Path::new(&path)));
        }
    }
    if let Some(text) = tree.read(Path::new("package.json"))
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(path) = json.pointer("/prisma/schema").and_then(|v| v.as_str())
    {
        add(strip_dot(Path::new(path)));
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

/// The project's knexfile (the shallowest), read statically, with its path relative to the root.
pub(super) fn knexfile(tree: &Tree) -> Option<knex::Knexfile> {
    let (dir, name) = tree
        .files()
        .filter(|(_, name)| knex::knexfile::KNEXFILE_NAMES.contains(name))
        .min_by_key(|(dir, name)| (dir.components().count(), *name))?;
    let path = dir.join(name);
    let text = tree.read(&path)?;
    let environment = std::env::var("NODE_ENV").ok();
    // A knexfile migen cannot parse names nothing; reading a Knex source reports why.
    knex::knexfile::parse(&path, &text, environment.as_deref()).ok()
}

pub(super) fn drizzle_config(tree: &Tree) -> Option<(PathBuf, String)> {
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
    sequelizerc_path(tree, "models-path")
}

/// A path `.sequelizerc` sets (`config`, `models-path`, `migrations-path`).
pub(super) fn sequelizerc_path(tree: &Tree, key: &str) -> Option<PathBuf> {
    let text = tree.read(Path::new(".sequelizerc"))?;
    let at = text.find(key)?;
    let rest = &text[at + key.len()..];
    let value = rest
        .trim_start_matches(['\'', '"'])
        .trim_start()
        .strip_prefix(':')?;
    // A call (`path.resolve('db', 'migrations')`) ends at its `)`, a plain string at `,`.
    let plain_end = value.find([',', '\n', '}']).unwrap_or(value.len());
    let end = match value.find('(') {
        Some(open) if open < plain_end => value.find(')').unwrap_or(value.len()),
        _ => plain_end,
    };
    let parts = quoted(&value[..end]);
    Some(strip_dot(&parts.iter().collect::<PathBuf>()))
}

#[cfg(test)]
mod tests {
    use crate::model::Dialect;
    use crate::source::project::MigrationTool;
    use crate::source::project::tests::{detect_files, only_migrations, paths};

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
    fn knex_projects_name_their_folder_and_client() {
        let project = detect_files(&[
            (
                "knexfile.js",
                "module.exports = {\n  development: { client: 'pg', migrations: { directory: './db/migrations' } },\n  production: { client: 'mysql2' },\n};\n",
            ),
            (
                "db/migrations/20250101000000_create_users.js",
                "exports.up = function (knex) {};\n",
            ),
            (
                "db/migrations/20250201000000_add_bio.js",
                "exports.up = function (knex) {};\n",
            ),
        ]);
        assert_eq!(paths(&project), ["knex:db/migrations"]);
        let folder = only_migrations(&project);
        assert_eq!(folder.tool, MigrationTool::Knex);
        assert_eq!(folder.count, 2);
        assert_eq!(folder.latest.as_deref(), Some("20250201000000_add_bio"));
        assert_eq!(project.dialect, Some(Dialect::Postgres));
        assert_eq!(
            project.dialect_source.as_deref(),
            Some("knexfile.js (development client pg)")
        );
        // A knexfile whose folder holds no migrations yet still says where they go.
        let project = detect_files(&[(
            "knexfile.ts",
            "export default { client: 'better-sqlite3', migrations: { directory: 'src/migrations' } };\n",
        )]);
        let folder = only_migrations(&project);
        assert_eq!(
            (folder.tool, folder.dir.as_path(), folder.count),
            (
                MigrationTool::Knex,
                std::path::Path::new("src/migrations"),
                0
            )
        );
        assert_eq!(project.dialect, Some(Dialect::Sqlite));
        // Knex runs any file of the folder the knexfile names, in name order.
        let project = detect_files(&[
            (
                "knexfile.js",
                "module.exports = { client: 'mysql2', migrations: { directory: 'db/knex' } };\n",
            ),
            ("db/knex/002_more.js", "exports.up = () => {};\n"),
            ("db/knex/001_init.js", "exports.up = () => {};\n"),
        ]);
        assert_eq!(paths(&project), ["knex:db/knex"]);
        let folder = only_migrations(&project);
        assert_eq!(
            (folder.tool, folder.count, folder.latest.as_deref()),
            (MigrationTool::Knex, 2, Some("002_more"))
        );
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
    fn sequelizerc_migrations_path_is_the_migrations_folder() {
        for rc in [
            "const path = require('path');\nmodule.exports = {\n  'config': path.resolve('config', 'config.json'),\n  'migrations-path': path.resolve('db', 'migrations'),\n};\n",
            "const path = require('path');\nmodule.exports = {\n  \"migrations-path\": path.join(__dirname, 'db', 'migrations')\n};\n",
            "module.exports = { 'migrations-path': 'db/migrations', 'models-path': 'models' };\n",
        ] {
            // Empty yet: still the folder sequelize-cli writes to, ahead of other folders.
            let project = detect_files(&[
                (".sequelizerc", rc),
                ("db/migrations/.gitkeep", ""),
                ("migrations/20250101000000-old.js", "module.exports = {};\n"),
            ]);
            let folder = project.main_migrations().unwrap();
            assert_eq!(folder.tool, MigrationTool::Sequelize, "{rc}");
            assert_eq!(folder.dir, std::path::Path::new("db/migrations"), "{rc}");
            assert_eq!(folder.count, 0);
        }
        let project = detect_files(&[
            (
                ".sequelizerc",
                "module.exports = { 'migrations-path': 'db/migrations' };\n",
            ),
            (
                "db/migrations/20250101000000-create-user.js",
                "module.exports = { async up() {} };\n",
            ),
        ]);
        let folder = only_migrations(&project);
        assert_eq!(folder.dir, std::path::Path::new("db/migrations"));
        assert_eq!(folder.latest.as_deref(), Some("20250101000000-create-user"));
    }
}
