//! One detection for every command: the schema a command works on when neither `--to` nor
//! migen.toml's `[schema] source` names one is the schema `migen status` detects, and a `--to`
//! directory that holds a project is read as that project. Also the migen.toml that detection
//! implies (`migen init`) and the check that keeps one tool's files out of another's folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Config, Project, Target};
use crate::error::{Error, Result};
use crate::source::project::{Candidate, classify_dir, detect_with};
use crate::source::{SourceSpec, reader};

/// Where the after side comes from.
#[derive(Debug, Clone)]
pub enum SchemaChoice {
    /// One schema, as a `--to` spec. `project` is set when detection found it (in the current
    /// directory, or in a `--to` directory): its dialect and version count where nothing else
    /// says.
    One {
        to: String,
        project: Option<Box<Project>>,
    },
    /// Detection found several schemas: the user says which (`--to`, `[schema] source`).
    Several(Vec<Candidate>),
    /// Nothing to read, and why.
    Nothing(String),
}

/// The after side for a request under `config`: `--to`, else migen.toml's source, else what
/// detection finds here. A directory only the SQL reader would take, with no `.sql` file of its
/// own, is read as the project it holds.
pub fn schema_choice(to: Option<&str>, config: &Config) -> Result<SchemaChoice> {
    let Some(text) = to.or(config.source.as_deref()) else {
        let project = detect_with(Path::new("."), config.clone())?;
        return Ok(match choose(project, Path::new(".")) {
            SchemaChoice::Nothing(why) => SchemaChoice::Nothing(format!(
                "no schema given, and {why}: pass --to, or set [schema] source in migen.toml (`migen init` writes one from what it finds)"
            )),
            found => found,
        });
    };
    let Some(dir) = project_dir(text) else {
        return Ok(SchemaChoice::One {
            to: text.to_string(),
            project: None,
        });
    };
    let project = detect_with(&dir, Config::load(&dir)?)?;
    Ok(match choose(project, &dir) {
        SchemaChoice::Nothing(why) => {
            SchemaChoice::Nothing(format!("{}: no .sql files in it, and {why}", dir.display()))
        }
        found => found,
    })
}

/// The text a run without a terminal stops with (exit 3) when detection found several schemas.
pub fn several_text(candidates: &[Candidate]) -> String {
    let mut text = String::from("several schemas found here; say which one to read:\n");
    for candidate in candidates {
        let _ = writeln!(
            text,
            "  {} ({})\n    --to {}",
            candidate.path.display(),
            candidate.orm.name(),
            candidate.path.display()
        );
    }
    text.push_str(
        "  or set [schema] source in migen.toml (`migen init` writes one, naming the others)",
    );
    text
}

/// A candidate as a menu shows it.
pub fn candidate_label(candidate: &Candidate) -> String {
    format!("{} ({})", candidate.path.display(), candidate.orm.name())
}

/// `text` when it names a directory that no reader but the SQL one claims and that holds no
/// `.sql` file of its own: read as a folder of SQL it would be an empty schema.
fn project_dir(text: &str) -> Option<PathBuf> {
    let spec = SourceSpec::parse(text);
    let SourceSpec::SqlFile(dir) = &spec else {
        return None;
    };
    if !dir.is_dir() || reader::reader_for(&spec).is_none_or(|r| r.id() != "sql") {
        return None;
    }
    let has_sql = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok())
        .any(|entry| entry.path().extension().is_some_and(|e| e == "sql"));
    (!has_sql).then(|| dir.clone())
}

/// The schema detection found under `dir`, with paths as seen from the current directory.
fn choose(project: Project, dir: &Path) -> SchemaChoice {
    let mut candidates = project.candidates();
    for candidate in &mut candidates {
        candidate.path = joined(dir, &candidate.path);
    }
    match candidates.len() {
        0 => SchemaChoice::Nothing(match project.orm() {
            Some(orm) => format!("migen does not read the {} models found", orm.name()),
            None => "none was found".to_string(),
        }),
        1 => SchemaChoice::One {
            to: candidates[0].path.display().to_string(),
            project: Some(Box::new(project)),
        },
        _ => SchemaChoice::Several(candidates),
    }
}

/// `dir/path`, without a leading `./` (git specs and messages read better without it).
fn joined(dir: &Path, path: &Path) -> PathBuf {
    let dir = dir.strip_prefix(".").unwrap_or(dir);
    let path = path.strip_prefix(".").unwrap_or(path);
    let both = dir.join(path);
    if both.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        both
    }
}

/// The folder `target` writes to: `--dir`, else migen.toml's when it is that target's, else
/// the folder detection found holding that tool's migrations, else the tool's usual place.
pub fn folder_for(
    target: Target,
    given: Option<&Path>,
    config: &Config,
    project: Option<&Project>,
) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .or_else(|| super::configured_dir(config, target))
        .or_else(|| {
            project
                .and_then(|p| p.folder_of(target.name()))
                .map(|f| f.dir.clone())
        })
        .unwrap_or_else(|| target.default_dir().into())
}

/// One tool's files never go into a folder that holds another tool's migrations: neither tool
/// would run them in order, and the other tool may trip over them.
pub fn check_folder(target: Target, dir: &Path) -> Result<()> {
    let Some(folder) = classify_dir(Path::new(""), dir) else {
        return Ok(());
    };
    if folder.count == 0 || folder.tool.name() == target.name() {
        return Ok(());
    }
    let latest = folder
        .latest
        .as_ref()
        .map(|l| format!(", the latest {l}"))
        .unwrap_or_default();
    let elsewhere = if Path::new(target.default_dir()) == dir {
        "another folder with --dir".to_string()
    } else {
        format!(
            "{} (the {} default) or another folder with --dir",
            target.default_dir(),
            target.name()
        )
    };
    Err(Error::Usage(format!(
        "{} holds {} migrations ({}{latest}): {} files do not go there, since {} would not apply them and {} would find files it does not know; write them to {elsewhere}, or keep --target {}",
        dir.display(),
        folder.tool.name(),
        folder.count,
        target.name(),
        target.name(),
        folder.tool.name(),
        folder.tool.name(),
    )))
}

/// The migen.toml detection implies, every setting commented with where it came from: what
/// `migen init` writes for users who want to pin it.
pub fn init_text(project: &Project) -> String {
    let mut text = String::from(
        "# migen.toml: what `migen init` found in this project. Every command works without this\n# file (it detects the same); keep it to pin the choices, and edit what detection got wrong.\n",
    );
    text.push_str("\n[database]\n");
    match (&project.dialect, &project.dialect_source) {
        (Some(dialect), Some(from)) => {
            let _ = writeln!(text, "# from {from}\ndialect = \"{dialect}\"");
        }
        _ => text.push_str(
            "# no dialect found (sqlite is assumed): postgres, mysql (mariadb) or sqlite\n# dialect = \"postgres\"\n",
        ),
    }
    match (&project.version, &project.version_source) {
        (Some(version), Some(from)) => {
            let _ = writeln!(text, "# from {from}\nversion = \"{version}\"");
        }
        _ => text.push_str(
            "# the server the migrations are for (the oldest supported is assumed), e.g.\n# version = \"postgres:16\"\n",
        ),
    }
    text.push_str("\n[schema]\n");
    let candidates = project.candidates();
    match candidates.split_first() {
        Some((main, others)) => {
            let _ = writeln!(
                text,
                "# the {} schema, compared with its last commit unless `from` says otherwise\nsource = \"{}\"",
                main.orm.name(),
                toml_path(&main.path)
            );
            for other in others {
                let _ = writeln!(
                    text,
                    "# also found, the {} schema:\n# source = \"{}\"",
                    other.orm.name(),
                    toml_path(&other.path)
                );
            }
        }
        None => text.push_str(
            "# no schema found: the schema as it should be (.sql, .prisma, a models folder, ...)\n# source = \"db/schema.sql\"\n",
        ),
    }
    text.push_str("\n[migrations]\n");
    let tool = project.default_tool();
    let target = tool
        .and_then(|tool| Target::parse(tool.name()).ok())
        .unwrap_or_else(Target::sql);
    let folder = project.folder_of(target.name());
    let _ = writeln!(
        text,
        "# {}\ntarget = \"{}\"",
        match (folder, tool) {
            (Some(_), _) => "the tool of the migrations found",
            (None, Some(_)) => "the tool that usually keeps this project's migrations",
            (None, None) =>
                "no migrations found: plain SQL files (or any of the targets in `migen generate --help`)",
        },
        target.name()
    );
    match folder {
        Some(folder) => {
            let _ = writeln!(
                text,
                "# {} so far\ndir = \"{}\"",
                plural(folder.count, "migration"),
                toml_path(&folder.dir)
            );
        }
        None => {
            let _ = writeln!(
                text,
                "# {}'s usual folder\ndir = \"{}\"",
                target.name(),
                target.default_dir()
            );
        }
    }
    text.push_str(
        "# direct, or zero-downtime (expand, backfill, contract)\nstrategy = \"direct\"\n",
    );
    text.push_str(
        "\n# Answers to rename questions, so they are not asked again:\n# [renames]\n# \"customers.name\" = \"full_name\"\n",
    );
    text
}

/// `migen init`: write `init_text` for the project at `root` into its migen.toml, which must
/// not exist yet (an existing one is never replaced). The file appears whole or not at all.
pub fn init(root: &Path) -> Result<(PathBuf, Project)> {
    let path = joined(root, Path::new(super::CONFIG_FILE_NAME));
    let exists = |path: &Path| {
        Error::Usage(format!(
            "{} exists already: migen init never overwrites it (edit it, or remove it to start again)",
            path.display()
        ))
    };
    if path.exists() {
        return Err(exists(&path));
    }
    let project = super::detect(root)?;
    let io = |path: &Path, source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let temporary = root.join(format!(
        ".{}.{}.tmp",
        super::CONFIG_FILE_NAME,
        std::process::id()
    ));
    std::fs::write(&temporary, init_text(&project)).map_err(|e| io(&temporary, e))?;
    // A hard link fails when the name is taken: a file made meanwhile is not replaced either.
    let linked = std::fs::hard_link(&temporary, &path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok((path, project)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(&path)),
        Err(e) => Err(io(&path, e)),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A path as a TOML string's contents (forward slashes, quotes escaped).
fn toml_path(path: &Path) -> String {
    path.display()
        .to_string()
        .replace('\\', "/")
        .replace('"', "\\\"")
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

    #[test]
    fn a_project_directory_is_read_as_its_schema_and_a_sql_folder_stays_one() {
        let dir = tree(&[
            (
                "app/prisma/schema.prisma",
                "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
            ),
            ("sql/a.sql", "CREATE TABLE a (id int);"),
            ("empty/readme.txt", "nothing"),
        ]);
        let at = |name: &str| dir.path().join(name).display().to_string();
        match schema_choice(Some(&at("app")), &Config::default()).unwrap() {
            SchemaChoice::One { to, project } => {
                assert_eq!(to, at("app/prisma/schema.prisma"));
                assert!(project.is_some());
            }
            other => panic!("{other:?}"),
        }
        match schema_choice(Some(&at("sql")), &Config::default()).unwrap() {
            SchemaChoice::One { to, project } => {
                assert_eq!(to, at("sql"));
                assert!(project.is_none());
            }
            other => panic!("{other:?}"),
        }
        match schema_choice(Some(&at("empty")), &Config::default()).unwrap() {
            SchemaChoice::Nothing(why) => assert!(why.contains("no .sql files"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_folder_of_another_tool_s_migrations_is_refused_with_the_reason() {
        let dir = tree(&[(
            "db/migrations/20250101000000_init.sql",
            "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n",
        )]);
        let folder = dir.path().join("db/migrations");
        let error = check_folder(Target::parse("prisma").unwrap(), &folder)
            .unwrap_err()
            .to_string();
        assert!(error.contains("holds dbmate migrations (1"), "{error}");
        assert!(error.contains("prisma files do not go there"), "{error}");
        assert!(check_folder(Target::parse("dbmate").unwrap(), &folder).is_ok());
        // A folder with no migrations yet takes anything.
        assert!(check_folder(Target::parse("prisma").unwrap(), &dir.path().join("none")).is_ok());
    }

    #[test]
    fn init_text_names_what_was_found_and_parses_back() {
        let dir = tree(&[
            (
                "prisma/schema.prisma",
                "datasource db {\n  provider = \"postgresql\"\n}\n",
            ),
            ("db/schema.sql", "CREATE TABLE a (id int);"),
        ]);
        let project = detect_with(dir.path(), Config::default()).unwrap();
        let text = init_text(&project);
        assert!(text.contains("source = \"prisma/schema.prisma\""), "{text}");
        assert!(text.contains("# source = \"db/schema.sql\""), "{text}");
        assert!(text.contains("target = \"prisma\""), "{text}");
        assert!(text.contains("dir = \"prisma/migrations\""), "{text}");
        assert!(text.contains("dialect = \"postgres\""), "{text}");
        std::fs::write(dir.path().join("migen.toml"), &text).unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(config.source.as_deref(), Some("prisma/schema.prisma"));
        assert_eq!(config.target.as_deref(), Some("prisma"));
    }
}
