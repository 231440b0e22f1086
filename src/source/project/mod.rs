//! Project detection: which schema sources and migration folders a repository holds, and which
//! database it is for. Pure file reading within tight limits: the project's own code is never
//! run, dependency and build folders are skipped, and most files are only read at their head.
//!
//! Dialect and version are taken from the first of: `migen.toml`, Prisma's `datasource`
//! provider, Django's `DATABASES` engine, drizzle's config `dialect`, the knexfile's `client`, Prisma's
//! `migration_lock.toml`, `alembic.ini`'s `sqlalchemy.url`, `DATABASE_URL` in `.env` files,
//! and docker-compose image tags (which are also the only place a version is read from besides
//! `migen.toml`).

mod database;
mod migrations;
mod schemas;
mod walk;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Result;
use crate::model::Dialect;
use crate::model::Version;

pub use migrations::{MigrationFolder, MigrationTool, classify_dir};
pub use schemas::{Orm, SchemaSource};

use database::find_dialect;
use migrations::{find_migrations, order_migrations};
use schemas::find_schema_sources;
use walk::Tree;

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
    /// none. The reader of the main source's kind says which path stands for it (a Django app's
    /// models stand for the project folder; SQLAlchemy model files for the folder they share).
    pub fn readable_source(&self) -> std::result::Result<PathBuf, String> {
        let Some(main) = self.schema_sources.first() else {
            return Err("no schema source found".into());
        };
        let reader = crate::source::reader::reader_detected_as(main.orm.name())
            .ok_or_else(|| format!("migen does not read {} models yet", main.orm.name()))?;
        let same_kind: Vec<&Path> = self
            .schema_sources
            .iter()
            .filter(|s| s.orm == main.orm)
            .map(|s| s.path.as_path())
            .collect();
        Ok(reader.source_path(&self.root, &same_kind))
    }

    /// The main source if migen reads it, else the first schema beside models migen does not
    /// read whose reader takes its files as they are (SQL, Prisma).
    pub fn any_readable_source(&self) -> Option<PathBuf> {
        self.readable_source().ok().or_else(|| {
            self.schema_sources
                .iter()
                .find(|source| {
                    crate::source::reader::reader_detected_as(source.orm.name())
                        .is_some_and(|reader| !reader.needs_checkout())
                })
                .map(|source| source.path.clone())
        })
    }

    /// The migrations folder that goes with the schema.
    pub fn main_migrations(&self) -> Option<&MigrationFolder> {
        self.migrations.first()
    }

    /// Every schema here that migen reads, as a path to read, the main one first: one per ORM
    /// (its files stand for one project, as `readable_source` says), and each SQL file on its
    /// own (each is a whole schema). More than one means the user has to say which.
    pub fn candidates(&self) -> Vec<Candidate> {
        let mut found: Vec<Candidate> = Vec::new();
        for source in &self.schema_sources {
            let Some(reader) = crate::source::reader::reader_detected_as(source.orm.name()) else {
                continue;
            };
            let path = if source.orm == Orm::Sql {
                source.path.clone()
            } else if found.iter().any(|c| c.orm == source.orm) {
                continue;
            } else {
                let same_kind: Vec<&Path> = self
                    .schema_sources
                    .iter()
                    .filter(|s| s.orm == source.orm)
                    .map(|s| s.path.as_path())
                    .collect();
                reader.source_path(&self.root, &same_kind)
            };
            if !found.iter().any(|c| c.path == path) {
                found.push(Candidate {
                    orm: source.orm,
                    path,
                });
            }
        }
        found
    }

    /// The migration tool this project writes for: that of its main migrations folder, else
    /// the tool that usually keeps its main ORM's migrations (plain SQL has none of its own).
    pub fn default_tool(&self) -> Option<MigrationTool> {
        self.main_migrations()
            .map(|f| f.tool)
            .or_else(|| self.orm().and_then(MigrationTool::of_orm))
    }

    /// The first folder detection found holding `tool`'s migrations.
    pub fn folder_of(&self, tool: &str) -> Option<&MigrationFolder> {
        self.migrations.iter().find(|f| f.tool.name() == tool)
    }
}

/// A schema detection found, as `--to` would name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub orm: Orm,
    /// Relative to the project root.
    pub path: PathBuf,
}

/// Detect the project rooted at `root`. Fails only on a `migen.toml` that cannot be read.
pub fn detect(root: &Path) -> Result<Project> {
    detect_with(root, Config::load(root)?)
}

/// `detect` with migen.toml already read (the pipeline reads it first, to check its target
/// against the renderer registry and spell it by the registry's name).
pub fn detect_with(root: &Path, config: Config) -> Result<Project> {
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    pub(super) fn detect_files(files: &[(&str, &str)]) -> Project {
        let dir = tree(files);
        detect(dir.path()).unwrap()
    }

    pub(super) fn paths(project: &Project) -> Vec<String> {
        project
            .schema_sources
            .iter()
            .map(|s| format!("{}:{}", s.orm.name(), s.path.display()))
            .collect()
    }

    pub(super) fn only_migrations(project: &Project) -> &MigrationFolder {
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

        // TypeORM entity files stand for their project: the folder with package.json, else
        // the folder they share; the DataSource's `type` is the dialect.
        let entity = "import { Entity } from 'typeorm';\n@Entity()\nexport class User {}\n";
        let project = detect_files(&[("src/user.entity.ts", entity)]);
        assert_eq!(project.readable_source(), Ok(PathBuf::from("src")));
        // The folders must still exist when the source path is asked for.
        let dir = tree(&[
            ("api/package.json", "{}"),
            ("api/src/entity/user.entity.ts", entity),
            (
                "api/src/data-source.ts",
                "export const AppDataSource = new DataSource({\n  type: \"mariadb\",\n  entities: [User],\n});\n",
            ),
        ]);
        let project = detect(dir.path()).unwrap();
        assert_eq!(project.readable_source(), Ok(PathBuf::from("api")));
        assert_eq!(project.dialect, Some(Dialect::Mysql));
        assert_eq!(
            project.dialect_source.as_deref(),
            Some("api/src/data-source.ts (DataSource type)")
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
    fn a_broken_migen_toml_is_an_error_with_its_line() {
        let dir = tree(&[("migen.toml", "[database]\ndialekt = 1\n")]);
        let error = detect(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:2:1"), "{error}");
    }
}
