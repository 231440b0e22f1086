//! Database facts: the dialect and server version a project is for, read from the first place
//! that names them, in the order the project module's documentation lists.

use std::path::{Path, PathBuf};

use super::Project;
use super::migrations::MigrationTool;
use super::schemas::{Orm, drizzle_config, sequelizerc_path};
use super::walk::Tree;
use crate::model::Dialect;
use crate::model::Version;
use crate::source::{sequelize, typeorm};
use crate::text::{ini_value, js_string_property, quoted};

pub(super) fn find_dialect(tree: &Tree, project: &mut Project) {
    // The first place that names a dialect wins.
    fn set(project: &mut Project, dialect: Option<Dialect>, from: String) {
        if project.dialect.is_none()
            && let Some(dialect) = dialect
        {
            project.dialect = Some(dialect);
            project.dialect_source = Some(from);
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
    if let Some(knexfile) = super::schemas::knexfile(tree) {
        let client = knexfile.client.clone().unwrap_or_default();
        let environment = knexfile
            .environment
            .as_ref()
            .map(|e| format!("{e} "))
            .unwrap_or_default();
        set(
            project,
            knexfile.dialect(),
            format!("{} ({environment}client {client})", knexfile.path.display()),
        );
    }
    if project.orm() == Some(Orm::Typeorm) {
        typeorm_dialect(tree, project, &mut set);
    }
    if project.orm() == Some(Orm::Sequelize) {
        sequelize_dialect(tree, project, &mut set);
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

/// Words in the names of the files that usually build a TypeORM DataSource.
const DATA_SOURCE_NAMES: &[&str] = &[
    "source",
    "ormconfig",
    "module",
    "database",
    "typeorm",
    "db",
    "config",
    "index",
    "main",
    "app",
];

/// The `type` of a TypeORM DataSource (`new DataSource({...})`, `TypeOrmModule.forRoot`, an
/// ormconfig): the first source file whose head builds one and names a driver.
fn typeorm_dialect(
    tree: &Tree,
    project: &mut Project,
    set: &mut dyn FnMut(&mut Project, Option<Dialect>, String),
) {
    if let Some(text) = tree.read(Path::new("ormconfig.json")) {
        let driver = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|json| json.get("type")?.as_str().map(str::to_string));
        if let Some(dialect) = driver.as_deref().and_then(typeorm::driver_dialect) {
            set(project, Some(dialect), "ormconfig.json (type)".into());
            return;
        }
    }
    let candidates: Vec<PathBuf> = tree
        .files()
        .filter(|(dir, name)| {
            // Where DataSources live by convention: only those files' heads are read.
            let lower = name.to_lowercase();
            (lower.ends_with(".ts") || lower.ends_with(".js"))
                && !lower.ends_with(".d.ts")
                && !dir.components().any(|c| c.as_os_str() == "migrations")
                && DATA_SOURCE_NAMES.iter().any(|hint| lower.contains(hint))
        })
        .map(|(dir, name)| dir.join(name))
        .collect();
    for path in candidates {
        let head = tree.head(&path);
        let named = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("ormconfig"));
        if !(named || typeorm::mentions_data_source(&head)) {
            continue;
        }
        let dialect = js_string_property(&head, "type")
            .first()
            .and_then(|driver| typeorm::driver_dialect(driver));
        if dialect.is_some() {
            set(
                project,
                dialect,
                format!("{} (DataSource type)", path.display()),
            );
            return;
        }
    }
}

/// The `dialect` of sequelize-cli's config (`.sequelizerc`'s `config`, else
/// `config/config.json`) in the `NODE_ENV` environment, `development` by default.
fn sequelize_dialect(
    tree: &Tree,
    project: &mut Project,
    set: &mut dyn FnMut(&mut Project, Option<Dialect>, String),
) {
    let path = sequelizerc_path(tree, "config")
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap_or_else(|| PathBuf::from("config/config.json"));
    let Some(text) = tree.read(&path) else {
        return;
    };
    let environment = std::env::var("NODE_ENV").unwrap_or_else(|_| "development".into());
    let dialect = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|json| {
            json.get(&environment)?
                .get("dialect")?
                .as_str()
                .map(str::to_string)
        });
    if let Some(name) = dialect {
        set(
            project,
            sequelize::config::dialect_named(&name),
            format!("{} ({environment} dialect {name})", path.display()),
        );
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
    use super::compose_versions;
    use crate::model::Dialect;
    use crate::source::project::tests::detect_files;

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
    fn compose_images_name_versions() {
        let versions = compose_versions(
            "  db:\n    image: \"mariadb:10.11.6\"\n  cache:\n    image: redis:7\n  pg:\n    image: postgis/postgis:16-3.4\n  x:\n    image: postgres:latest\n",
        );
        let labels: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
        assert_eq!(labels, ["mariadb:10.11.6", "postgres:16"]);
    }
}
