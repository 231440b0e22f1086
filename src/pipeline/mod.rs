//! The one orchestration every front end calls. A `Request` (what to compare, how to read it)
//! is loaded into two schemas (`load`), the server they are for is found out (`server_facts`),
//! the changes are planned (`plan`) and judged (`findings`), the plan is written out for a
//! migration tool (`render`), tried on a scratch database (`verify`) and written to disk
//! (`write`). `migen plan|diff|generate|verify|status` and the wizard call these and only
//! these; they add questions, output formats and screens, never steps of their own.
//!
//! The front ends import what they name from here: the types of the stages below are
//! re-exported, so `cli/` and `tui/` depend on the pipeline alone (checked by
//! `tests/architecture.rs`).

mod detected;
mod fills;
mod output;
mod status;

use std::path::Path;

pub use crate::config::{Config, FILE_NAME as CONFIG_FILE_NAME, THEMES, save_rename};
pub use crate::diff::{Change, Fill, FillQuestion, RenameAnswers, RenameCandidate};
pub use crate::interrupt::{Cleanup, exit, install as handle_interrupts, interrupted};
pub use crate::lint::{LintFinding, LintReport, github_annotations};
pub use crate::model::{TableStats, Version};
pub use crate::plan::{Plan, PlanOptions, Strategy, migration_script};
pub use crate::render::{Artifact, Choices, Files, Target, TargetParser, default_name};
pub use crate::safety::{Finding, RuleId, Severity, explain, rules};
pub use crate::source::project::{Candidate, MigrationFolder, Project};
pub use crate::source::{SourceSpec, live::url_dialect};
pub use crate::text::commented;
pub use crate::verify::Verification;
pub use detected::{
    SchemaChoice, candidate_label, check_folder, folder_for, init, init_text, schema_choice,
    several_text,
};
pub use fills::{answer_fill, check_fill, fill_question_text};
pub use output::{OutputRequest, Rendering, choices, configured_dir, render};
pub use status::{Baseline, StatusCount, status_count};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source;

/// What to compare and how to read it: `--from`, `--to` and what goes with them.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The before side as given; default: migen.toml's `[schema] from`, else the after file at
    /// git HEAD.
    pub from: Option<String>,
    /// The after side as given; default: migen.toml's `[schema] source`.
    pub to: Option<String>,
    pub dialect: Option<Dialect>,
    /// `--db-version`, unparsed.
    pub db_version: Option<String>,
    /// Rename answers in `--rename` form; they win over migen.toml's.
    pub renames: Vec<String>,
    pub no_renames: bool,
    /// Fill answers in `--fill` form (`table.column=SQL`); they win over migen.toml's.
    pub fills: Vec<String>,
    /// No fill question: NOT NULL is planned as is (`--no-fill`).
    pub no_fill: bool,
    /// Read models by running the project's own ORM where the static reader cannot be exact.
    pub exact: bool,
    /// A further database URL (verify's and the wizard's `--db`): it implies the dialect and
    /// is where a scratch database is made.
    pub server: Option<String>,
}

/// Both sides read, with the settings they were read under.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub from_spec: SourceSpec,
    pub to_spec: SourceSpec,
    pub before: Schema,
    pub after: Schema,
    pub answers: RenameAnswers,
    /// What the readers noticed and the model leaves out; the front end shows them.
    pub notes: Vec<String>,
    /// The ORM state of both sides, read from the sources on first use by a target that writes
    /// from it (`render`), with the kind of reader it came from; empty until then.
    pub orm_state: std::sync::OnceLock<(&'static str, crate::model::orm::OrmSides)>,
}

impl Loaded {
    pub fn dialect(&self) -> Dialect {
        self.after.dialect
    }

    /// Where a scratch database can be made for verification: the request's server, else a
    /// live before-database's server (SQLite needs none).
    pub fn scratch_server(&self, request: &Request) -> Option<String> {
        request.server.clone().or_else(|| match &self.from_spec {
            SourceSpec::Database(url) if self.after.dialect != Dialect::Sqlite => Some(url.clone()),
            _ => None,
        })
    }
}

/// migen.toml in the current directory, its target checked against the renderer registry.
pub fn settings() -> Result<Config> {
    checked(Config::current()?)
}

/// What the project at `root` is (detection only reads files), its migen.toml checked like
/// `settings`.
pub fn detect(root: &Path) -> Result<Project> {
    let config = checked(Config::load(root)?)?;
    crate::source::project::detect_with(root, config)
}

/// A migen.toml target no renderer has is an error at the key; one the registry knows is
/// spelled by its name (an alias or `golang_migrate` becomes `golang-migrate`).
fn checked(mut config: Config) -> Result<Config> {
    if let (Some(target), Some(path)) = (&config.target, &config.path) {
        match Target::parse(target) {
            Ok(known) => config.target = Some(known.name().to_string()),
            Err(message) => {
                let (line, column) = config.target_at;
                return Err(Error::parse(
                    &path.display().to_string(),
                    line,
                    column,
                    message,
                ));
            }
        }
    }
    Ok(config)
}

/// `--from`'s or `--to`'s long help: `lead`, then what every reader in the registry takes,
/// then the forms every side takes.
pub fn source_help(lead: &str) -> String {
    let mut text = format!("{lead}\n\nEach side is one of:\n");
    for reader in source::READERS {
        text.push_str(&format!("  {:<11} {}\n", reader.id(), reader.forms()));
    }
    text.push_str(
        "  git:REV:PATH any of the files above as it was at a git revision (git:HEAD:db/schema.sql)\n\nA folder that holds one project of these kinds (and no .sql files of its own) is read as that project.",
    );
    text
}

/// A spec as people read it, for messages and the wizard.
pub fn spec_label(spec: &SourceSpec) -> String {
    source::spec_label(spec)
}

/// The dialect given with --dialect, or the one a source implies (they must agree), or
/// migen.toml's, or SQLite.
pub fn resolve_dialect(
    given: Option<Dialect>,
    implied: Option<Dialect>,
    where_: &str,
    config: &Config,
) -> Result<Dialect> {
    match (given, implied) {
        (Some(given), Some(url)) if given != url => Err(Error::Usage(format!(
            "--dialect {given} does not match {where_}, which is {url} (a database URL, a Prisma provider or a knexfile's client)"
        ))),
        (Some(given), _) => Ok(given),
        (None, Some(url)) => Ok(url),
        (None, None) => Ok(config.dialect.unwrap_or(Dialect::Sqlite)),
    }
}

/// Read both sides of a request under `config` (migen.toml).
pub fn load(request: &Request, mut config: Config) -> Result<Loaded> {
    let (to_text, detected) = match schema_choice(request.to.as_deref(), &config)? {
        SchemaChoice::One { to, project } => (to, project),
        SchemaChoice::Several(candidates) => {
            return Err(Error::Question(several_text(&candidates)));
        }
        SchemaChoice::Nothing(why) => return Err(Error::Usage(why)),
    };
    let mut found_notes = Vec::new();
    if let Some(project) = &detected {
        // The project's own settings name its database where migen.toml does not.
        config.dialect = config.dialect.or(project.dialect);
        config.version = config.version.or(project.version);
        if request.to.is_none() && config.source.is_none() {
            found_notes.push(format!(
                "schema: {to_text}, detected (pin it with `migen init`, or name another with --to)"
            ));
        }
    }
    let to_text = to_text.as_str();
    let to_spec = SourceSpec::parse(to_text);
    let from_text = request
        .from
        .as_deref()
        .or(config.from.as_deref().filter(|_| request.to.is_none()));
    let from_spec = match from_text {
        // A `--from` directory holding one project is read as that project, as `--to` is.
        Some(text) => match schema_choice(Some(text), &Config::default())? {
            SchemaChoice::One { to, .. } => SourceSpec::parse(&to),
            _ => SourceSpec::parse(text),
        },
        // What the working tree changed since the last commit.
        None => match &to_spec {
            SourceSpec::SqlFile(path) => SourceSpec::Git {
                rev: "HEAD".into(),
                path: path.clone(),
            },
            _ => {
                return Err(Error::Usage(
                    "--from is needed when --to is not a file (a file's default before is its version at git HEAD)".into(),
                ));
            }
        },
    };
    let implied = from_spec
        .implied_dialect()
        .or(to_spec.implied_dialect())
        .or(request.server.as_deref().and_then(url_dialect));
    let dialect = resolve_dialect(request.dialect, implied, "as a source", &config)?;
    let read = source::ReadOptions {
        exact: request.exact,
    };
    let (before, before_notes) = source::read(&from_spec, dialect, &read)?;
    let (after, after_notes) = source::read(&to_spec, dialect, &read)?;
    // The command line's answers first: they win over migen.toml's for the same name.
    let given: Vec<String> = request
        .renames
        .iter()
        .chain(&config.renames)
        .cloned()
        .collect();
    let mut answers = RenameAnswers::parse(&given, request.no_renames).map_err(Error::Usage)?;
    answers.fills = fills::answers(request, &config, &after)?;
    answers.fills.none_needed = request.no_fill;
    if let SourceSpec::Database(url) = &from_spec {
        fills::unneeded_from_live(url, &before, &after, &mut answers)?;
    }
    Ok(Loaded {
        config,
        from_spec,
        to_spec,
        before,
        after,
        answers,
        notes: found_notes
            .into_iter()
            .chain(before_notes)
            .chain(after_notes)
            .collect(),
        orm_state: Default::default(),
    })
}

/// `--db-version` as given, for a server of `dialect`.
pub fn given_version(text: &str, dialect: Dialect) -> Result<Version> {
    let version = Version::parse(text).map_err(|e| Error::Usage(format!("--db-version: {e}")))?;
    if version.dialect != dialect {
        return Err(Error::Usage(format!(
            "--db-version {text} is not a {dialect} server"
        )));
    }
    Ok(version)
}

/// What is known of the server a migration is for: its version (given, read, or the oldest
/// supported) and, for a live before-database, its table sizes.
#[derive(Debug, Clone)]
pub struct ServerFacts {
    pub version: Version,
    /// Set when the version is a guess; the front end says so.
    pub note: Option<String>,
    pub stats: Option<TableStats>,
}

impl ServerFacts {
    /// The version when it was given or read, not guessed: what version-gated plans may rely
    /// on.
    pub fn known_version(&self) -> Option<Version> {
        self.note.is_none().then_some(self.version)
    }
}

/// The server facts for a loaded pair. One connection to a live source serves both its version
/// and its table sizes.
pub fn server_facts(loaded: &Loaded, request: &Request) -> Result<ServerFacts> {
    let mut live = match &loaded.from_spec {
        SourceSpec::Database(url) => Some(source::live::connect(url)?),
        _ => None,
    };
    let dialect = loaded.dialect();
    let given = match &request.db_version {
        Some(text) => Some(given_version(text, dialect)?),
        None => loaded.config.version.filter(|v| v.dialect == dialect),
    };
    let reported = match (given, live.as_mut()) {
        (None, Some(db)) => Version::from_server_report(dialect, &db.server_version()?),
        _ => None,
    };
    let (version, note) = match given.or(reported) {
        Some(version) => (version, None),
        None => {
            let version = Version::oldest_supported(dialect);
            let note = format!(
                "no server version given: the safety rules assume {}, the oldest supported (pass --db-version or set [database] version in migen.toml)",
                version.label()
            );
            (version, Some(note))
        }
    };
    let stats = match live.as_mut() {
        Some(db) => {
            let mut stats = TableStats::default();
            for size in db.table_sizes()? {
                if let Some(rows) = size.rows {
                    stats.rows.insert(size.table.clone(), rows);
                }
                if let Some(bytes) = size.bytes {
                    stats.bytes.insert(size.table, bytes);
                }
            }
            Some(stats)
        }
        None => None,
    };
    Ok(ServerFacts {
        version,
        note,
        stats,
    })
}

/// The plan between the two sides with these answers. Unanswered rename questions are in
/// `plan.questions`: the front end asks them (or stops) and plans again.
pub fn plan(loaded: &Loaded, answers: &RenameAnswers, options: &PlanOptions) -> Plan {
    crate::plan::plan_with(&loaded.before, &loaded.after, answers, options)
}

/// The safety findings for a plan, for the server's version and graded by its table sizes.
/// The plan's own lock guards answer the lock-timeout rule.
pub fn findings(before: &Schema, plan: &Plan, server: &ServerFacts) -> Vec<Finding> {
    let guarded = plan
        .up
        .iter()
        .any(|s| crate::lint::sets_lock_timeout(plan.dialect, &s.sql));
    crate::safety::analyze(
        &plan.changes,
        before,
        &server.version,
        server.stats.as_ref(),
    )
    .into_iter()
    .filter(|f| !(guarded && f.rule == RuleId::RequireLockTimeout))
    .collect()
}

/// The text of unanswered rename questions, with how to answer each: what a run without a
/// terminal stops with (exit 3).
pub fn question_text(questions: &[RenameCandidate]) -> String {
    let mut text =
        String::from("likely renames need an answer before a migration can be planned:\n");
    for question in questions {
        text.push_str(&format!(
            "  {}\n    rename: --rename {}\n",
            question.question(),
            shell_word(&question.answer())
        ));
    }
    text.push_str("  or pass --no-renames to drop and add instead (the dropped data is lost)");
    text
}

/// `text` as a shell takes it back: as is when it holds nothing the shell reads, else quoted.
pub fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.=-/:@%+,".contains(c))
    {
        text.to_string()
    } else {
        crate::text::shell_quote(text)
    }
}

/// Record an answer to a rename question: `rename` keeps the data, else drop and add (and the
/// question is not asked again).
pub fn answer(answers: &mut RenameAnswers, question: &RenameCandidate, rename: bool) {
    if rename {
        answers.renames.push(question.accepted());
    } else {
        answers.declined.push(question.answer());
    }
}

/// What verification needs besides the loaded pair.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// DDL that builds the before side (a SQL file's own text), else it is generated.
    pub before_sql: Option<String>,
    /// Rows to insert before the up migration, else migen's own.
    pub seed_sql: Option<String>,
    pub auto_seed: bool,
    /// Where the scratch database is made (PostgreSQL, MySQL); SQLite needs none.
    pub server_url: Option<String>,
}

/// Whether a scratch database can be had for verification: SQLite always, a server when one
/// is known.
pub fn scratch_available(dialect: Dialect, server_url: Option<&str>) -> bool {
    dialect == Dialect::Sqlite || server_url.is_some()
}

/// Up and down of migen's SQL on a scratch database. (A target whose tool computes its own
/// SQL, `Renderer::own_sql`, is judged by that tool instead.)
pub fn verify(
    loaded: &Loaded,
    answers: &RenameAnswers,
    options: &PlanOptions,
    request: &VerifyRequest,
) -> Result<Verification> {
    crate::verify::verify(&crate::verify::VerifyInput {
        before: &loaded.before,
        after: &loaded.after,
        before_sql: request.before_sql.as_deref(),
        seed_sql: request.seed_sql.as_deref(),
        auto_seed: request.auto_seed,
        answers,
        server_url: request.server_url.as_deref(),
        options: options.clone(),
    })
}

/// The before side's own DDL when it is a SQL file, so verification builds it as written.
pub fn before_sql(loaded: &Loaded) -> Result<Option<String>> {
    match &loaded.from_spec {
        SourceSpec::SqlFile(path) if path.is_file() => {
            Ok(Some(std::fs::read_to_string(path).map_err(|source| {
                Error::Io {
                    path: path.clone(),
                    source,
                }
            })?))
        }
        _ => Ok(None),
    }
}

/// Write the files, all or none; an existing migration is never overwritten (only a tool's
/// own index, a Liquibase master changelog or drizzle-kit's journal, is replaced, atomically).
pub fn write(artifacts: &[Artifact]) -> Result<Vec<std::path::PathBuf>> {
    crate::write::write_all(Path::new(""), artifacts)
}

/// Read one spec as it is (no defaults from migen.toml), with the readers' notes.
pub fn read(spec: &SourceSpec, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    source::read(spec, dialect, &source::ReadOptions::default())
}

/// The files `migen lint` reads for its paths (a folder's `.sql` files, or its Knex
/// migrations). A folder with files but none of those is an error naming what it holds: lint
/// cannot judge them, and "0 findings" would read as a clean bill.
pub fn lint_paths(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let found = crate::lint::expand_paths(std::slice::from_ref(path))?;
        if found.is_empty() && path.is_dir() {
            let held: Vec<String> = std::fs::read_dir(path)
                .map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.path().is_file())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect();
            if !held.is_empty() {
                let tool = crate::source::project::classify_dir(Path::new(""), path)
                    .map(|folder| format!("{} migrations, ", folder.tool.name()))
                    .unwrap_or_default();
                let mut shown: Vec<&str> = held.iter().map(String::as_str).take(3).collect();
                shown.sort_unstable();
                return Err(Error::Usage(format!(
                    "{}: migen lint cannot read the files here ({tool}{} file{}: {}{}): it reads .sql migrations, and Knex migrations (`<14-digit timestamp>_<name>.js`, or any code file in a folder a knexfile names); lint the SQL these migrations run instead",
                    path.display(),
                    held.len(),
                    if held.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if held.len() > 3 { ", …" } else { "" },
                )));
            }
        }
        files.extend(found);
    }
    Ok(files)
}

/// Lint migration files, each on top of the ones before, starting from `base`.
pub fn lint(
    files: &[std::path::PathBuf],
    base: &Schema,
    version: &Version,
) -> Result<Vec<LintFinding>> {
    crate::lint::lint(files, base, version)
}

/// Like `lint`, with the findings the files' `-- squawk-ignore` annotations leave out.
pub fn lint_report(
    files: &[std::path::PathBuf],
    base: &Schema,
    version: &Version,
) -> Result<LintReport> {
    crate::lint::lint_report(files, base, version)
}

/// The dialect the migration tool's own settings name for lint's paths, if any: the knexfile
/// of a Knex folder (or of its files).
pub fn migrations_dialect(paths: &[std::path::PathBuf]) -> Option<Dialect> {
    paths.iter().find_map(|path| {
        let folder = if source::knex::is_knex_folder(path) {
            path.as_path()
        } else if source::knex::is_knex_migration(path) {
            path.parent()?
        } else {
            return None;
        };
        source::knex::folder_dialect(folder)
    })
}

/// The server version a live database reports, when it can be read.
pub fn reported_version(url: &str, dialect: Dialect) -> Result<Option<Version>> {
    let mut db = source::live::connect(url)?;
    let reported = db.server_version()?;
    Ok(Version::from_server_report(dialect, &reported))
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible output), else the clock.
pub fn now_seconds() -> Result<u64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH=`{text}` is not a number of seconds"
            ))
        }),
        Err(_) => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_no_renderer_has_is_an_error_at_its_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "[migrations]\n\ntarget = \"liquid\"\n",
        )
        .unwrap();
        let error = checked(Config::load(dir.path()).unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("migen.toml:3:1"), "{error}");
        assert!(error.contains("unknown target `liquid`"), "{error}");
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "[migrations]\ntarget = \"golang_migrate\"\n",
        )
        .unwrap();
        assert!(checked(Config::load(dir.path()).unwrap()).is_ok());
    }
}
