//! Renderers: a plan becomes the files a migration tool expects, named and chained the way
//! that tool does it. A zero-downtime plan becomes one migration per phase, so each can be
//! applied at its point in the deploy.

pub mod extras;
pub mod layout;
pub mod renderer;

mod chunk;

// The tools, one file each; a new one is a file here, its `mod` line and a line in RENDERERS.
mod alembic;
mod dbmate;
pub mod django;
mod drizzle;
mod flyway;
mod golang_migrate;
mod knex;
mod liquibase;
mod prisma;
mod sequelize;
mod sql;
mod typeorm;

/// Every tool migen writes for, in the order lists show them. `sql` comes first: it is the
/// default.
pub static RENDERERS: &[&dyn Renderer] = &[
    &sql::Sql,
    &golang_migrate::GolangMigrate,
    &flyway::Flyway,
    &dbmate::Dbmate,
    &prisma::Prisma,
    &alembic::Alembic,
    &django::Django,
    &knex::Knex,
    &typeorm::TypeOrm,
    &liquibase::Liquibase,
    &sequelize::Sequelize,
    &drizzle::Drizzle,
];

pub use crate::model::orm::OrmSides;
pub use renderer::{Input, Job, Renderer, RunnerSteps, Target, TargetParser};

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Schema, TableStats, Version};
use crate::plan::{Phase, Plan};
use crate::safety::Finding;

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
    /// An existing file migen rewrites whole (a Liquibase master changelog that lists its
    /// changelogs one by one, drizzle-kit's journal): replaced atomically, after every new file
    /// is written. Every other kind is a new file that never replaces one.
    Replacement,
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
/// asked for. `orm` is the ORM state both sides were read with, for a target whose `Input` asks
/// for it.
pub fn render(
    plan: &Plan,
    target: Target,
    context: &Context,
    facts: &Facts,
    extras: Extras,
    orm: Option<&OrmSides>,
) -> Result<Vec<Artifact>> {
    if let (true, Some(why)) = (extras.tests, target.tests_unavailable()) {
        return Err(Error::Usage(why.into()));
    }
    let job = Job {
        plan,
        context,
        facts,
        orm,
    };
    let rendered = target.render(&job)?;
    let mut artifacts = rendered.artifacts.clone();
    if extras.tests {
        artifacts.push(Artifact {
            path: rendered.extras_dir.join("test.sh"),
            kind: ArtifactKind::Test,
            phase: None,
            contents: extras::test_script::render(plan, target, &rendered, facts),
        });
    }
    if extras.docs {
        artifacts.push(Artifact {
            path: rendered.extras_dir.join("MIGRATION.md"),
            kind: ArtifactKind::Guide,
            phase: None,
            contents: extras::guide::render(plan, target, &rendered, facts),
        });
    }
    Ok(artifacts)
}

/// A name as migration tools like it: lower case, words joined by `_`, camelCase split, at
/// most 60 characters (Prisma's rule, shorter).
pub fn slug(name: &str) -> String {
    slug_within(name, 60)
}

/// `slug`, at most `max` characters, cut after a whole word where it must be cut.
fn slug_within(name: &str, max: usize) -> String {
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
    if out.len() > max {
        // The slug is ASCII, so any byte index is a character boundary.
        let cut = match out[..=max].rfind('_') {
            Some(word_end) if word_end > 0 => word_end,
            _ => max,
        };
        out.truncate(cut);
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
        // The first change gives way, so the count always fits.
        [first, rest @ ..] => format!(
            "{}_and_{}_more",
            slug_within(&first.describe(), 44),
            rest.len()
        ),
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
        // Cut after a whole word, never inside one.
        let long = "drop check on order status in pending paid shipped and refunded or cancelled";
        assert_eq!(
            slug(long),
            "drop_check_on_order_status_in_pending_paid_shipped_and"
        );
        assert_eq!(slug_within("add column customers", 12), "add_column");
    }
}
