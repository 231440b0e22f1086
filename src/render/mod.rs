//! Renderers: a plan becomes the files a migration tool expects, named and chained the way
//! that tool does it. A zero-downtime plan becomes one migration per phase, so each can be
//! applied at its point in the deploy.

use std::fmt;

/// The migration tools migen writes files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `<timestamp>_<name>/up.sql` and `down.sql`, run with psql, mysql or sqlite3.
    Sql,
    /// `<version>_<name>.up.sql` / `.down.sql`.
    GolangMigrate,
    /// `V<version>__<name>.sql` and `U<version>__<name>.sql`.
    Flyway,
    /// `<timestamp>_<name>.sql` with `-- migrate:up` and `-- migrate:down` blocks.
    Dbmate,
    /// `<timestamp>_<name>/migration.sql` folders beside `migration_lock.toml`.
    Prisma,
    /// `versions/<revision>_<name>.py` chained by `down_revision`.
    Alembic,
    /// `<app>/migrations/NNNN_<name>.py` per changed app, chained to the app's leaf.
    Django,
}

impl Target {
    pub const ALL: [Target; 7] = [
        Target::Sql,
        Target::GolangMigrate,
        Target::Flyway,
        Target::Dbmate,
        Target::Prisma,
        Target::Alembic,
        Target::Django,
    ];

    pub fn parse(text: &str) -> Result<Target, String> {
        let wanted = text.to_ascii_lowercase().replace('_', "-");
        let aliases: &[(&str, Target)] = &[
            ("plain", Target::Sql),
            ("migrate", Target::GolangMigrate),
            ("golang", Target::GolangMigrate),
        ];
        Target::ALL
            .into_iter()
            .find(|t| t.name() == wanted)
            .or_else(|| {
                aliases
                    .iter()
                    .find(|(alias, _)| *alias == wanted)
                    .map(|(_, t)| *t)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
                format!("unknown target `{text}` (use {})", names.join(", "))
            })
    }

    /// Where the tool keeps its migrations when nobody says.
    pub fn default_dir(self) -> &'static str {
        match self {
            Target::Sql => "migrations",
            Target::GolangMigrate => "db/migrations",
            Target::Flyway => "sql",
            Target::Dbmate => "db/migrations",
            Target::Prisma => "prisma/migrations",
            Target::Alembic => "alembic/versions",
            // Each app's own `migrations/` folder; this is only where extras would go.
            Target::Django => ".",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Sql => "sql",
            Target::GolangMigrate => "golang-migrate",
            Target::Flyway => "flyway",
            Target::Dbmate => "dbmate",
            Target::Prisma => "prisma",
            Target::Alembic => "alembic",
            Target::Django => "django",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

mod alembic;
mod alembic_ops;
mod chunk;
pub mod django;
pub mod docs;
pub mod files;
pub mod tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diff::RenameAnswers;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{Phase, Plan, PlanOptions};
use crate::safety::{Finding, TableStats, Version};
use crate::source::SourceSpec;

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// A file the migration tool applies (dbmate's hold the down part too).
    Migration,
    /// The down script, where the tool keeps it apart (or has none, as Prisma).
    Down,
    /// A setting the tool reads beside a migration (Flyway `.conf`, Prisma `migration_lock.toml`).
    Settings,
    /// A test the user runs: up and down on a scratch database.
    Test,
    /// The deployment guide.
    Guide,
}

/// One file to write, its path relative to where migen runs.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    pub path: PathBuf,
    pub kind: ArtifactKind,
    /// The deployment phase of a migration file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    pub contents: String,
}

/// Where and under what name the files go.
#[derive(Debug, Clone)]
pub struct Context {
    /// The migrations folder.
    pub dir: PathBuf,
    /// The migration's name as the user gave it (slugged for file names).
    pub name: String,
    /// Now, in seconds since the Unix epoch (UTC); timestamps in names start here.
    pub now: u64,
    /// File and folder names already in `dir`, to number after them.
    pub existing: Vec<String>,
}

impl Context {
    /// A context for writing into `dir`, reading what is there already.
    pub fn scan(dir: &Path, name: &str, now: u64) -> Result<Context> {
        let existing = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        };
        Ok(Context {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            now,
            existing,
        })
    }
}

/// What the plan was made from, for the guide and the generated test.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub before: &'a Schema,
    pub after: &'a Schema,
    pub findings: &'a [Finding],
    pub version: &'a Version,
    pub stats: Option<&'a TableStats>,
}

/// Which files besides the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extras {
    pub tests: bool,
    pub docs: bool,
}

/// What `--quick`, `--with-tests`, `--with-docs` and `--full` ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    Quick,
    WithTests,
    WithDocs,
    Full,
}

impl Files {
    pub const ALL: [Files; 4] = [Files::Quick, Files::WithTests, Files::WithDocs, Files::Full];

    pub fn from_flags(tests: bool, docs: bool) -> Files {
        match (tests, docs) {
            (true, true) => Files::Full,
            (true, false) => Files::WithTests,
            (false, true) => Files::WithDocs,
            (false, false) => Files::Quick,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Files::Quick => "quick (migrations only)",
            Files::WithTests => "with tests",
            Files::WithDocs => "with docs",
            Files::Full => "full (tests and docs)",
        }
    }

    pub fn extras(self) -> Extras {
        Extras {
            tests: matches!(self, Files::WithTests | Files::Full),
            docs: matches!(self, Files::WithDocs | Files::Full),
        }
    }
}

/// What a migration is written as: the choices `migen generate` takes on the command line and
/// the wizard's options screen edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    pub target: Target,
    pub strategy: crate::plan::Strategy,
    pub files: Files,
    /// Empty: made from the changes.
    pub name: String,
    pub dir: PathBuf,
}

/// The files for a plan: the migrations in the tool's layout, then the test and the guide when
/// asked for.
pub fn render(
    plan: &Plan,
    target: Target,
    context: &Context,
    facts: &Facts,
    extras: Extras,
) -> Result<Vec<Artifact>> {
    let rendered = files::render(plan, target, context)?;
    with_extras(plan, target, rendered, facts, extras)
}

/// What a Django migration is made between, besides the plan: the two sides as given (the after
/// a Django project directory in the working tree, whose apps get the files; the before one too,
/// `git:REV:DIR` of one, or `empty`), and what replanning the zero-downtime strategy needs.
pub struct DjangoSides<'a> {
    pub from: &'a SourceSpec,
    pub to: &'a SourceSpec,
    pub answers: &'a RenameAnswers,
    pub options: &'a PlanOptions,
}

/// Django migrations for a plan between two Django projects' models, then the guide when
/// asked for. The zero-downtime plan is made again with the Python-side defaults Django fills
/// existing rows from (the schemas do not hold them); the plan the files follow is returned.
pub fn render_django(
    plan: &Plan,
    sides: &DjangoSides,
    name: &str,
    facts: &Facts,
    extras: Extras,
) -> Result<(Plan, Vec<Artifact>)> {
    use crate::source::django::state::{ProjectState, model_state, python_defaults};
    let after_dir = django_project_dir(sides.to, "--to")?;
    // The before's kind is checked before any models are read: a wrong --from is the first
    // thing to tell.
    let before_tree = match crate::source::local_tree(sides.from)? {
        // `empty`, or a git path that did not exist at the revision: every model is new.
        None if matches!(sides.from, SourceSpec::Empty | SourceSpec::Git { .. }) => None,
        Some(tree) if tree.is_dir() && tree.join("manage.py").is_file() => Some(tree),
        _ => {
            return Err(Error::Usage(format!(
                "the django target needs a Django project directory (with manage.py), `git:REV:DIR` of one, or `empty` as --from; got {}",
                crate::cli::spec_label(sides.from)
            )));
        }
    };
    let after = model_state(&after_dir)?;
    let before = match before_tree {
        Some(tree) => model_state(&tree).map_err(|e| tree.relabel_error(e))?,
        None => ProjectState {
            apps: Vec::new(),
            models: Vec::new(),
            user_model: after.user_model.clone(),
        },
    };
    let plan = if plan.strategy == crate::plan::Strategy::ZeroDowntime {
        django::zero_downtime_plan(
            facts.before,
            facts.after,
            &python_defaults(&after_dir)?,
            sides.answers,
            sides.options,
        )?
    } else {
        plan.clone()
    };
    let rendered = django::render(&plan, &before, &after, name, facts.findings)?;
    let artifacts = with_extras(&plan, Target::Django, rendered, facts, extras)?;
    Ok((plan, artifacts))
}

/// The after side of a Django migration must be a project directory: its apps get the files.
fn django_project_dir(spec: &SourceSpec, side: &str) -> Result<PathBuf> {
    match spec {
        SourceSpec::SqlFile(path) if path.is_dir() && path.join("manage.py").is_file() => {
            Ok(path.clone())
        }
        other => Err(Error::Usage(format!(
            "the django target needs a Django project directory (with manage.py) as {side}; got {}",
            crate::cli::spec_label(other)
        ))),
    }
}

fn with_extras(
    plan: &Plan,
    target: Target,
    rendered: files::Rendered,
    facts: &Facts,
    extras: Extras,
) -> Result<Vec<Artifact>> {
    let mut artifacts = rendered.artifacts.clone();
    if extras.tests && target == Target::Alembic {
        return Err(Error::Usage(
            "--with-tests is not available for alembic yet: try the revision with `alembic upgrade head` and `alembic downgrade -1` on a scratch database".into(),
        ));
    }
    if extras.tests && target == Target::Django {
        return Err(Error::Usage(
            "--with-tests is not available for django yet: try the migrations with `manage.py migrate` and `manage.py migrate <app> <previous>` on a scratch database".into(),
        ));
    }
    if extras.tests {
        artifacts.push(Artifact {
            path: rendered.extras_dir.join("test.sh"),
            kind: ArtifactKind::Test,
            phase: None,
            contents: tests::render(plan, target, &rendered, facts),
        });
    }
    if extras.docs {
        artifacts.push(Artifact {
            path: rendered.extras_dir.join("MIGRATION.md"),
            kind: ArtifactKind::Guide,
            phase: None,
            contents: docs::render(plan, target, &rendered, facts),
        });
    }
    Ok(artifacts)
}

/// A name as migration tools like it: lower case, words joined by `_`, camelCase split, at
/// most 60 characters (Prisma's rule, shorter).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            previous_lower = false;
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.len() > 60 {
        out.truncate(60);
        out = out.trim_end_matches('_').to_string();
    }
    if out.is_empty() {
        "migration".to_string()
    } else {
        out
    }
}

/// A name for a migration from what it changes: `add_column_customers_phone`, or the first
/// change and how many more.
pub fn default_name(plan: &Plan) -> String {
    match plan.changes.as_slice() {
        [] => "empty".to_string(),
        [one] => slug(&one.describe()),
        [first, rest @ ..] => format!("{}_and_{}_more", slug(&first.describe()), rest.len()),
    }
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn slugs_read_like_the_tools_own() {
        assert_eq!(slug("Add phone to customers"), "add_phone_to_customers");
        assert_eq!(slug("addPhoneNumber"), "add_phone_number");
        assert_eq!(
            slug("  drop column users.email (v2) "),
            "drop_column_users_email_v2"
        );
        assert_eq!(slug("!!!"), "migration");
        assert!(slug(&"x".repeat(100)).len() <= 60);
    }

    #[test]
    fn targets_parse_by_name_and_alias() {
        assert_eq!(Target::parse("golang-migrate"), Ok(Target::GolangMigrate));
        assert_eq!(Target::parse("golang_migrate"), Ok(Target::GolangMigrate));
        assert_eq!(Target::parse("Flyway"), Ok(Target::Flyway));
        assert!(Target::parse("liquibase").unwrap_err().contains("dbmate"));
    }
}
