//! `migen.toml`: project settings read from the current directory, used wherever the command
//! line does not say otherwise.
//!
//! ```toml
//! [database]
//! dialect = "postgres"          # postgres, mysql (mariadb) or sqlite
//! version = "postgres:15"       # the server the migrations are for
//!
//! [schema]
//! source = "db/schema.sql"      # the schema as it should be (--to); .sql, .prisma, a directory
//! from = "git:HEAD:db/schema.sql"  # what it is compared with (--from); default: `source` at HEAD
//!
//! [migrations]
//! target = "golang-migrate"     # any target `migen generate --help` lists
//! dir = "db/migrations"         # where `migen generate` writes
//! strategy = "zero-downtime"    # or direct
//!
//! [renames]                     # answers to rename questions, as --rename gives them
//! "customers.name" = "full_name"
//! "orders" = "purchases"
//!
//! [fill]                        # values for existing rows, as --fill gives them: SQL of
//! "users.status" = "'active'"   # the dialect, a constant or an expression over the row
//! "users.email_verified" = "email_confirmed_at IS NOT NULL"
//!
//! [tui]
//! theme = "dark"                # a file in themes/ (dark, light, high-contrast)
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Dialect, Version};

pub const FILE_NAME: &str = "migen.toml";

/// The colour themes shipped in `themes/`.
pub const THEMES: &[&str] = &["dark", "light", "high-contrast"];

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Where the settings came from, for messages.
    pub path: Option<PathBuf>,
    pub dialect: Option<Dialect>,
    pub version: Option<Version>,
    /// The schema as it should be: a source spec, as `--to` takes it.
    pub source: Option<String>,
    /// What the schema is compared with: a source spec, as `--from` takes it.
    pub from: Option<String>,
    /// The migration tool files are written for: a renderer's name, checked against the
    /// registry by the pipeline (`pipeline::settings`), which reports a wrong one at `target_at`.
    pub target: Option<String>,
    /// Where `target` is written (line, column).
    pub target_at: (u64, u64),
    /// Where migrations are written and found.
    pub migrations_dir: Option<PathBuf>,
    pub strategy: Option<crate::model::Strategy>,
    /// Rename answers in `--rename` form (`table.old=new`, `old=new`).
    pub renames: Vec<String>,
    /// Fill answers from `[fill]`, checked against the schema when it is read.
    pub fills: Vec<ConfigFill>,
    pub theme: Option<String>,
}

/// One `[fill]` entry: `"table.column" = "SQL"`, with where its value starts in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFill {
    pub key: String,
    pub expr: String,
    /// Line and column of the value's first character (inside the quotes).
    pub at: (u64, u64),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    database: DatabaseSection,
    #[serde(default)]
    schema: SchemaSection,
    #[serde(default)]
    migrations: MigrationsSection,
    #[serde(default)]
    renames: BTreeMap<String, String>,
    #[serde(default)]
    fill: BTreeMap<String, String>,
    #[serde(default)]
    tui: TuiSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    dialect: Option<String>,
    version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaSection {
    source: Option<String>,
    from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrationsSection {
    target: Option<String>,
    dir: Option<PathBuf>,
    strategy: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TuiSection {
    theme: Option<String>,
}

impl Config {
    /// `migen.toml` in `dir`, or nothing set when there is none.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let name = path.display().to_string();
        let at = |span: Option<std::ops::Range<usize>>| {
            let offset = span.map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            let line = before.matches('\n').count() as u64 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
            (line, column)
        };
        let file: File = toml::from_str(&text).map_err(|e| {
            let (line, column) = at(e.span());
            Error::parse(&name, line, column, e.message().to_string())
        })?;
        // A key as written: bare, or quoted with TOML's escapes.
        let locate = |key: &str| {
            let quoted = crate::text::toml_string(key);
            let offset = text
                .find(key)
                .map(|o| o..o + key.len())
                .or_else(|| text.find(&quoted).map(|o| o..o + quoted.len()));
            at(offset)
        };
        let dialect = match &file.database.dialect {
            Some(text) => Some(Dialect::parse(text).ok_or_else(|| {
                let (line, column) = locate("dialect");
                Error::parse(
                    &name,
                    line,
                    column,
                    format!("unknown dialect `{text}` (use postgres, mysql or sqlite)"),
                )
            })?),
            None => None,
        };
        let version = match &file.database.version {
            Some(text) => Some(Version::parse(text).map_err(|message| {
                let (line, column) = locate("version");
                Error::parse(&name, line, column, message)
            })?),
            None => None,
        };
        if let (Some(dialect), Some(version)) = (dialect, &version)
            && version.dialect != dialect
        {
            let (line, column) = locate("version");
            return Err(Error::parse(
                &name,
                line,
                column,
                format!("version {} is not a {dialect} server", version.label()),
            ));
        }
        let strategy = match &file.migrations.strategy {
            Some(text) => Some(crate::model::Strategy::parse(text).ok_or_else(|| {
                let (line, column) = locate("strategy");
                Error::parse(
                    &name,
                    line,
                    column,
                    format!("unknown strategy `{text}` (use direct or zero-downtime)"),
                )
            })?),
            None => None,
        };
        if let Some(theme) = &file.tui.theme
            && !THEMES.contains(&theme.as_str())
        {
            let (line, column) = locate("theme");
            return Err(Error::parse(
                &name,
                line,
                column,
                format!("unknown theme `{theme}` (use {})", THEMES.join(", ")),
            ));
        }
        let mut renames = Vec::new();
        for (old, new) in &file.renames {
            let well_formed = crate::text::parse_name_path(old).is_ok_and(|o| o.len() <= 3)
                && crate::text::parse_name_path(new).is_ok_and(|n| n.len() <= 2);
            if !well_formed {
                let (line, column) = locate(old);
                return Err(Error::parse(
                    &name,
                    line,
                    column,
                    format!(
                        "rename `{old}` = `{new}`: write \"table.old\" = \"new\" for a column, \"old\" = \"new\" for a table (a name holding `.` or `=` in double quotes: 't.\"x.c\"' = '\"x.d\"')"
                    ),
                ));
            }
            renames.push(format!("{old}={new}"));
        }
        let mut fills = Vec::new();
        for (key, expr) in &file.fill {
            let (line, column) = locate(key);
            if !key.contains('.') {
                return Err(Error::parse(
                    &name,
                    line,
                    column,
                    format!("fill `{key}`: name the column as \"table.column\" = \"SQL\""),
                ));
            }
            fills.push(ConfigFill {
                key: key.clone(),
                expr: expr.clone(),
                at: value_start(&text, key).unwrap_or((line, column)),
            });
        }
        Ok(Config {
            path: Some(path),
            dialect: dialect.or(version.map(|v| v.dialect)),
            version,
            source: file.schema.source,
            from: file.schema.from,
            target_at: file
                .migrations
                .target
                .as_ref()
                .map_or((0, 0), |_| locate("target")),
            target: file.migrations.target,
            migrations_dir: file.migrations.dir,
            strategy,
            renames,
            fills,
            theme: file.tui.theme,
        })
    }

    /// `migen.toml` in the current directory.
    pub fn current() -> Result<Config> {
        Config::load(Path::new("."))
    }
}

/// Where the quoted value of `key = "value"` starts (line, column), for errors inside it.
fn value_start(text: &str, key: &str) -> Option<(u64, u64)> {
    let key_at = text.find(key)?;
    let after_key = &text[key_at + key.len()..];
    let equals = after_key.find('=')?;
    let quote = after_key[equals..].find(['"', '\''])?;
    let offset = key_at + key.len() + equals + quote + 1;
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    Some((line, column))
}

/// Keep a rename answer in `[renames]` of the migen.toml at `path` (made when missing), so
/// the next run does not ask.
pub fn save_rename(path: &Path, old: &str, new: &str) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let line = format!(
        "{} = {}\n",
        crate::text::toml_string(old),
        crate::text::toml_string(new)
    );
    let updated = match text.find("[renames]\n") {
        Some(at) => {
            let end = at + "[renames]\n".len();
            format!("{}{line}{}", &text[..end], &text[end..])
        }
        None => {
            let gap = if text.is_empty() || text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{text}{gap}[renames]\n{line}")
        }
    };
    // migen.toml is a settings file, not a migration: replacing it (atomically) is fine.
    let temporary = path.with_extension("toml.migen-tmp");
    std::fs::write(&temporary, updated).map_err(|source| Error::Io {
        path: temporary.clone(),
        source,
    })?;
    std::fs::rename(&temporary, path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_database_section() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Config::load(dir.path()).unwrap().version.is_none());
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[database]\ndialect = \"postgres\"\nversion = \"postgres:15\"\n",
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.dialect, Some(Dialect::Postgres));
        assert_eq!(config.version.unwrap().label(), "PostgreSQL 15");
    }

    #[test]
    fn reads_every_section() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"
[database]
version = "mariadb:10.11"

[schema]
source = "db/schema.sql"
from = "git:main:db/schema.sql"

[migrations]
target = "golang-migrate"
dir = "db/migrations"
strategy = "zero-downtime"

[renames]
"customers.name" = "full_name"
orders = "purchases"

[fill]
"users.status" = "'active'"

[tui]
theme = "light"
"#,
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.dialect, Some(Dialect::Mysql));
        assert_eq!(config.source.as_deref(), Some("db/schema.sql"));
        assert_eq!(config.from.as_deref(), Some("git:main:db/schema.sql"));
        assert_eq!(config.target.as_deref(), Some("golang-migrate"));
        assert_eq!(config.migrations_dir, Some(PathBuf::from("db/migrations")));
        assert_eq!(config.strategy, Some(crate::model::Strategy::ZeroDowntime));
        assert_eq!(
            config.renames,
            ["customers.name=full_name", "orders=purchases"]
        );
        assert_eq!(config.theme.as_deref(), Some("light"));
        assert_eq!(config.fills.len(), 1);
        assert_eq!(config.fills[0].key, "users.status");
        assert_eq!(config.fills[0].expr, "'active'");
        assert_eq!(config.fills[0].at, (19, 19));
    }

    #[test]
    fn a_saved_answer_loads_back_whatever_its_names_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        save_rename(&path, r#"t."x.c""#, r#""x=""d""#).unwrap();
        save_rename(&path, "orders", "\"n\rDROP TABLE t;--\"").unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(
            config.renames,
            ["orders=\"n\rDROP TABLE t;--\"", r#"t."x.c"="x=""d""#]
        );
    }

    #[test]
    fn unknown_values_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        for (text, line, wanted) in [
            ("[migrations]\nstrategy = \"yolo\"\n", 2, "unknown strategy"),
            ("[tui]\ntheme = \"neon\"\n", 2, "unknown theme"),
            ("[renames]\n\"a.b.c.d\" = \"x\"\n", 2, "rename"),
            ("[renames]\n\"a.\\\"b\" = \"x\"\n", 2, "rename"),
        ] {
            std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
            let error = Config::load(dir.path()).unwrap_err().to_string();
            assert!(error.contains(&format!("migen.toml:{line}:")), "{error}");
            assert!(error.contains(wanted), "{error}");
        }
    }

    #[test]
    fn mistakes_name_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[database]\ndialect = \"postgres\"\nversion = \"mysql:8.0\"\n",
        )
        .unwrap();
        let error = Config::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:3:1"), "{error}");
        std::fs::write(dir.path().join(FILE_NAME), "[database]\ndialekt = 1\n").unwrap();
        let error = Config::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("migen.toml:2:1"), "{error}");
    }
}
