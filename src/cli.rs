//! The command line: clap surface and the commands behind it. Every command is a thin layer over
//! the library pipeline; output formats live here.

use std::io::{IsTerminal, Write};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::diff::{Change, RenameAnswers, RenameCandidate};
use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::plan::{self, Plan};
use crate::source::{self, SourceSpec};
use crate::verify::{self, VerifyInput};

#[derive(Debug, Parser)]
#[command(
    name = "migen",
    version,
    about = "Safe, reversible migrations from schema changes",
    long_about = "migen reads a schema before and after a change (SQL DDL or a live database), \
                  computes the changes and writes up and down migrations for PostgreSQL, \
                  MySQL/MariaDB and SQLite."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the migration (up and down statements) between two schemas.
    Plan(PlanArgs),
    /// List the changes between two schemas, readably.
    Diff(PairArgs),
    /// Write the migration files for a migration tool (and, if asked, a test and a guide).
    Generate(GenerateArgs),
    /// The interactive wizard: status, changes and their risks, options, preview, write.
    Tui(TuiArgs),
    /// Apply the migration up and down on a scratch database and check every step.
    Verify(VerifyArgs),
    /// Check migration files someone already wrote against the safety rules.
    Lint(LintArgs),
    /// List the safety rules.
    Rules,
    /// Show what this project is: schema, migrations, database, and what changed.
    Status(StatusArgs),
    /// Explain one safety rule: why it matters and what the safe pattern does.
    Explain {
        /// A rule id, as `migen rules` lists them (e.g. add-not-null-without-default).
        rule: String,
    },
}

/// Where the two schemas come from and how to read them.
#[derive(Debug, Args, Clone)]
pub struct PairArgs {
    /// The schema before the change: a .sql file or directory, a schema.prisma (or a folder of
    /// .prisma files), `git:REV:path` (a file as it was at a git revision), `migrations:DIR` (a
    /// migrations folder replayed), a database URL (postgres://, mysql://, mariadb://,
    /// sqlite://), or `empty`. Defaults to migen.toml's `[schema] from`, else the --to file as it is at git HEAD.
    #[arg(long)]
    pub from: Option<String>,
    /// The schema after the change (same forms as --from). Defaults to migen.toml's
    /// `[schema] source`.
    #[arg(long)]
    pub to: Option<String>,
    /// SQL dialect of the files: postgres, mysql (also mariadb) or sqlite. Taken from a database
    /// URL when one side is a database; sqlite otherwise.
    #[arg(long, value_parser = parse_dialect)]
    pub dialect: Option<Dialect>,
    /// Answer a rename question: `table.old=new` for a column, `old=new` for a table. Repeatable.
    #[arg(long = "rename", value_name = "OLD=NEW")]
    pub renames: Vec<String>,
    /// Treat every likely rename that has no answer as a drop and an add.
    #[arg(long)]
    pub no_renames: bool,
    /// Read SQLAlchemy models by running the project's own Python (`MIGEN_PYTHON`, else
    /// python3): it imports the metadata and compiles the CREATE statements for the dialect.
    /// For models the static reader cannot resolve; it runs the project's code.
    #[arg(long)]
    pub exact: bool,
    /// Server version the migration is for, e.g. `postgres:15`, `mysql:8.0.35`, `mariadb:10.11`,
    /// `sqlite:3.45`. Read from the database when a source is a URL; the oldest supported
    /// release otherwise.
    #[arg(long, value_name = "ENGINE:VERSION")]
    pub db_version: Option<String>,
    /// Exit with code 1 when a finding is at or above this severity (info, warning, error).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<crate::safety::Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Json,
    Sql,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Strategy {
    /// One migration, applied as a whole (still guarded by lock timeouts).
    Direct,
    /// Expand (pre-deploy), backfill and contract (post-deploy) migrations, each online.
    ZeroDowntime,
}

/// How the plan is shaped.
#[derive(Debug, Args, Clone)]
pub struct StrategyArgs {
    /// How risky changes are applied [default: migen.toml's `[migrations] strategy`, else direct].
    #[arg(long, value_enum)]
    pub strategy: Option<Strategy>,
    /// How long a statement may wait for a lock before failing (lock_timeout,
    /// lock_wait_timeout, busy_timeout), e.g. `5s`, `800ms`.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration_ms)]
    pub lock_timeout: u64,
    /// PostgreSQL statement_timeout for schema statements (`0` for none), e.g. `15min`.
    #[arg(long, value_name = "DURATION", default_value = "15min", value_parser = parse_duration_ms)]
    pub statement_timeout: u64,
    /// Rows per backfill batch.
    #[arg(long, value_name = "ROWS", default_value_t = 500)]
    pub batch_size: u64,
    /// Pause between backfill batches, e.g. `100ms`.
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_duration_ms)]
    pub batch_pause: u64,
    /// Zero-downtime: rename dropped columns and tables to `<name>__migen_deprecated` instead of
    /// dropping them (the down renames them back, losing nothing); drop them in a later migration.
    #[arg(long)]
    pub keep_dropped: bool,
}

impl StrategyArgs {
    fn options(
        &self,
        version: Option<crate::safety::Version>,
        config: &crate::config::Config,
    ) -> plan::PlanOptions {
        plan::PlanOptions {
            strategy: match self.strategy {
                Some(Strategy::Direct) => plan::Strategy::Direct,
                Some(Strategy::ZeroDowntime) => plan::Strategy::ZeroDowntime,
                None => config.strategy.unwrap_or_default(),
            },
            version,
            lock_timeout_ms: self.lock_timeout,
            statement_timeout_ms: self.statement_timeout,
            batch_size: self.batch_size.max(1),
            batch_pause_ms: self.batch_pause,
            keep_dropped: self.keep_dropped,
            no_guards: false,
        }
    }
}

/// `5s`, `800ms`, `2min`, `1h`, or a bare number of milliseconds.
fn parse_duration_ms(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 5s, 800ms, 2min)"))?;
    let factor = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1_000,
        "min" | "m" => 60_000,
        "h" => 3_600_000,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use ms, s, min or h)"
            ));
        }
    };
    Ok(number * factor)
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Sql)]
    pub format: PlanFormat,
    #[command(flatten)]
    pub shape: StrategyArgs,
}

/// What to write: the tool, the folder, the name and which files. `migen generate` and the
/// wizard's options screen fill the same `render::Choices` from these.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// The migration tool to write for: sql, golang-migrate, flyway, dbmate or prisma
    /// [default: migen.toml's `[migrations] target`, else sql].
    #[arg(long, value_parser = crate::render::Target::parse)]
    pub target: Option<crate::render::Target>,
    /// The migrations folder [default: migen.toml's `[migrations] dir`, else the tool's usual
    /// place].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
    /// The migration's name (slugged into file names) [default: from the changes].
    #[arg(long)]
    pub name: Option<String>,
    /// Only the migration files (the default).
    #[arg(long, conflicts_with_all = ["with_tests", "with_docs", "full"])]
    pub quick: bool,
    /// Also a test script that runs the files up and down on a scratch database.
    #[arg(long)]
    pub with_tests: bool,
    /// Also MIGRATION.md: risks, locks, deploy order, rollback, monitoring, checklist.
    #[arg(long)]
    pub with_docs: bool,
    /// Both the test and the guide.
    #[arg(long)]
    pub full: bool,
}

impl OutputArgs {
    /// The choices: the command line, then migen.toml, then what detection found (the project's
    /// own migrations folder and tool), then the defaults.
    pub fn choices(
        &self,
        shape: &StrategyArgs,
        config: &crate::config::Config,
        project: Option<&crate::source::project::Project>,
    ) -> Result<crate::render::Choices> {
        use crate::render::{Files, Target};
        let detected_folder = project.and_then(|p| p.main_migrations());
        let detected_target =
            detected_folder.and_then(|folder| Target::parse(folder.tool.name()).ok());
        let target = match (self.target, &config.target) {
            (Some(target), _) => target,
            (None, Some(text)) => Target::parse(text).map_err(Error::Usage)?,
            (None, None) => detected_target.unwrap_or(Target::Sql),
        };
        let dir = self
            .dir
            .clone()
            .or_else(|| config.migrations_dir.clone())
            .or_else(|| {
                detected_folder
                    .filter(|folder| folder.tool.name() == target.name())
                    .map(|folder| folder.dir.clone())
            })
            .unwrap_or_else(|| target.default_dir().into());
        let strategy = match shape.strategy {
            Some(Strategy::Direct) => plan::Strategy::Direct,
            Some(Strategy::ZeroDowntime) => plan::Strategy::ZeroDowntime,
            None => config.strategy.unwrap_or_default(),
        };
        Ok(crate::render::Choices {
            target,
            strategy,
            files: Files::from_flags(self.with_tests || self.full, self.with_docs || self.full),
            name: self.name.clone().unwrap_or_default(),
            dir,
        })
    }
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    #[command(flatten)]
    pub shape: StrategyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the files instead of writing them.
    #[arg(long)]
    pub dry_run: bool,
    /// Write a migration that loses data (a dropped column or table, a narrowed type).
    #[arg(long)]
    pub allow_data_loss: bool,
    /// Print what was written (or would be) as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    #[command(flatten)]
    pub shape: StrategyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Server (PostgreSQL or MySQL URL) to verify on before writing; SQLite needs none.
    #[arg(long)]
    pub db: Option<String>,
    /// Colour theme: dark, light, high-contrast, or a .toml file [default: migen.toml's, else
    /// dark]. NO_COLOR turns colour off.
    #[arg(long)]
    pub theme: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration files, or directories of `.sql` files (read in name order; down scripts are
    /// left out). They are read in the order given, each on top of the ones before.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// The schema the first file applies to (a .sql file or directory, a database URL, or
    /// `empty`, the default: the files build the schema themselves).
    #[arg(long, default_value = "empty")]
    pub schema: String,
    /// SQL dialect of the files (taken from a --schema URL when there is one; sqlite otherwise).
    #[arg(long, value_parser = parse_dialect)]
    pub dialect: Option<Dialect>,
    /// Server version the migrations are for, e.g. `postgres:15` (read from a --schema URL;
    /// the oldest supported release otherwise).
    #[arg(long, value_name = "ENGINE:VERSION")]
    pub db_version: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
    /// Exit with code 1 when a finding is at or above this severity (info, warning, error).
    #[arg(long, value_name = "SEVERITY", default_value = "error")]
    pub fail_on: crate::safety::Severity,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub pair: PairArgs,
    #[command(flatten)]
    pub shape: StrategyArgs,
    /// Server to create the scratch database on (PostgreSQL or MySQL URL). SQLite needs none.
    #[arg(long)]
    pub db: Option<String>,
    /// SQL that inserts rows after the source schema is created, instead of migen's own rows.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<std::path::PathBuf>,
    /// Insert no rows before the up migration.
    #[arg(long)]
    pub no_seed: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_dialect(text: &str) -> std::result::Result<Dialect, String> {
    Dialect::parse(text)
        .ok_or_else(|| format!("unknown dialect `{text}` (use postgres, mysql or sqlite)"))
}

/// Run a command; the returned number is the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Plan(args) => plan_command(&args),
        Command::Diff(args) => diff_command(&args),
        Command::Generate(args) => generate_command(&args),
        Command::Tui(args) => tui_command(&args),
        Command::Verify(args) => verify_command(&args),
        Command::Lint(args) => lint_command(&args),
        Command::Rules => rules_command(),
        Command::Explain { rule } => explain_command(&rule),
        Command::Status(args) => status_command(&args),
    }
}

fn lint_command(args: &LintArgs) -> Result<i32> {
    let spec = SourceSpec::parse(&args.schema);
    let config = crate::config::Config::current()?;
    let dialect = resolve_dialect(args.dialect, spec.implied_dialect(), "as --schema", &config)?;
    let (base, notes) = source::load_with_notes(&spec, dialect)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let version = match &args.db_version {
        Some(text) => {
            let version = crate::safety::Version::parse(text)
                .map_err(|e| Error::Usage(format!("--db-version: {e}")))?;
            if version.dialect != dialect {
                return Err(Error::Usage(format!(
                    "--db-version {text} is not a {dialect} server"
                )));
            }
            version
        }
        None if config.version.is_some_and(|v| v.dialect == dialect) => {
            config.version.expect("checked")
        }
        None => {
            let reported = match &spec {
                SourceSpec::Database(url) => {
                    let mut db = crate::source::live::connect(url)?;
                    let reported = db.server_version()?;
                    crate::safety::Version::from_server_report(dialect, &reported)
                }
                _ => None,
            };
            reported.unwrap_or_else(|| {
                let oldest = crate::safety::Version::oldest_supported(dialect);
                eprintln!(
                    "note: no server version given: the rules assume {}, the oldest supported (pass --db-version or set [database] version in migen.toml)",
                    oldest.label()
                );
                oldest
            })
        }
    };
    let files = crate::lint::expand_paths(&args.files)?;
    let findings = crate::lint::lint(&files, &base, &version)?;
    let text = match args.format {
        LintFormat::Json => {
            serde_json::to_string_pretty(&findings).expect("findings serialise") + "\n"
        }
        LintFormat::Github => crate::lint::github_annotations(&findings),
        LintFormat::Text => {
            let mut text = String::new();
            for f in &findings {
                text.push_str(&format!(
                    "{}:{}:{}: {} {}: {}\n",
                    f.file, f.line, f.column, f.severity, f.rule, f.message
                ));
            }
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            text.push_str(&format!(
                "{} in {}\n",
                plural(findings.len(), "finding"),
                plural(files.len(), "file")
            ));
            text
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(if findings.iter().any(|f| f.severity >= args.fail_on) {
        1
    } else {
        0
    })
}

fn rules_command() -> Result<i32> {
    let mut out = String::new();
    for meta in crate::safety::rules() {
        let dialects: Vec<&str> = meta.dialects.iter().map(|d| d.name()).collect();
        out.push_str(&format!(
            "{:<32} {:<8} {:<24} {}\n",
            meta.id.to_string(),
            meta.severity.as_str(),
            dialects.join(","),
            meta.summary
        ));
    }
    out.push_str("\nmigen explain RULE shows a rule's page.\n");
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(0)
}

fn explain_command(rule: &str) -> Result<i32> {
    match crate::safety::explain(rule) {
        Some(page) => {
            let _ = std::io::stdout().lock().write_all(page.as_bytes());
            Ok(0)
        }
        None => Err(Error::Usage(format!(
            "no rule `{rule}`: `migen rules` lists them"
        ))),
    }
}

/// The server version the safety rules assume, and a note when it is a guess.
fn server_version(
    loaded: &Loaded,
    pair: &PairArgs,
    live: Option<&mut Box<dyn crate::source::live::Database>>,
) -> Result<(crate::safety::Version, Option<String>)> {
    use crate::safety::Version;
    if let Some(text) = &pair.db_version {
        let version =
            Version::parse(text).map_err(|e| Error::Usage(format!("--db-version: {e}")))?;
        if version.dialect != loaded.after.dialect {
            return Err(Error::Usage(format!(
                "--db-version {text} is not a {} server",
                loaded.after.dialect
            )));
        }
        return Ok((version, None));
    }
    if let Some(version) = loaded
        .config
        .version
        .filter(|v| v.dialect == loaded.after.dialect)
    {
        return Ok((version, None));
    }
    if let Some(db) = live {
        let reported = db.server_version()?;
        if let Some(version) = Version::from_server_report(loaded.after.dialect, &reported) {
            return Ok((version, None));
        }
    }
    let version = Version::oldest_supported(loaded.after.dialect);
    let note = format!(
        "no server version given: the safety rules assume {}, the oldest supported (pass --db-version or set [database] version in migen.toml)",
        version.label()
    );
    Ok((version, Some(note)))
}

/// What is known of the server a migration is for: its version (given, read, or the oldest
/// supported) and, for a live before-database, its table sizes.
struct ServerInfo {
    version: crate::safety::Version,
    /// Set when the version is a guess.
    note: Option<String>,
    stats: Option<crate::safety::TableStats>,
}

/// The server facts for a pair; a guessed version is reported on stderr when `tell` is set.
fn server_info(loaded: &Loaded, pair: &PairArgs, tell: bool) -> Result<ServerInfo> {
    // One connection to a live source serves both its version and its table sizes.
    let mut live = match &loaded.from_spec {
        SourceSpec::Database(url) => Some(crate::source::live::connect(url)?),
        _ => None,
    };
    let (version, note) = server_version(loaded, pair, live.as_mut())?;
    let stats = match live.as_mut() {
        Some(db) => {
            let mut stats = crate::safety::TableStats::default();
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
    if tell {
        if let Some(note) = &note {
            eprintln!("note: {note}");
        }
    }
    Ok(ServerInfo {
        version,
        note,
        stats,
    })
}

/// The safety findings for a plan, for the server's version and graded by its table sizes.
/// The plan's own lock guards answer the lock-timeout rule.
fn analyze(loaded: &Loaded, plan: &Plan, server: &ServerInfo) -> Vec<crate::safety::Finding> {
    let guarded = plan
        .up
        .iter()
        .any(|s| crate::lint::sets_lock_timeout(plan.dialect, &s.sql));
    crate::safety::analyze(
        &plan.changes,
        &loaded.before,
        &server.version,
        server.stats.as_ref(),
    )
    .into_iter()
    .filter(|f| !(guarded && f.rule == crate::safety::RuleId::RequireLockTimeout))
    .collect()
}

/// Exit code 1 when a finding reaches `--fail-on`.
fn fail_code(findings: &[crate::safety::Finding], pair: &PairArgs) -> i32 {
    match pair.fail_on {
        Some(limit) if findings.iter().any(|f| f.severity >= limit) => 1,
        _ => 0,
    }
}

/// The dialect given with --dialect, or the one a database URL implies (they must agree), or
/// migen.toml's, or SQLite.
fn resolve_dialect(
    given: Option<Dialect>,
    implied: Option<Dialect>,
    where_: &str,
    config: &crate::config::Config,
) -> Result<Dialect> {
    match (given, implied) {
        (Some(given), Some(url)) if given != url => Err(Error::Usage(format!(
            "--dialect {given} does not match {where_}, which is {url} (a database URL or a Prisma provider)"
        ))),
        (Some(given), _) => Ok(given),
        (None, Some(url)) => Ok(url),
        (None, None) => Ok(config.dialect.unwrap_or(Dialect::Sqlite)),
    }
}

struct Loaded {
    config: crate::config::Config,
    from_spec: SourceSpec,
    before: Schema,
    after: Schema,
    answers: RenameAnswers,
}

/// `server` is a further database URL the command was given (verify's `--db`), which also
/// implies the dialect.
fn load_pair(pair: &PairArgs, server: Option<&str>) -> Result<Loaded> {
    let config = crate::config::Config::current()?;
    let to_text = pair
        .to
        .as_deref()
        .or(config.source.as_deref())
        .ok_or_else(|| {
            Error::Usage(
                "no schema given: pass --to, or set [schema] source in migen.toml".to_string(),
            )
        })?;
    let to_spec = SourceSpec::parse(to_text);
    let from_text = pair
        .from
        .as_deref()
        .or(config.from.as_deref().filter(|_| pair.to.is_none()));
    let from_spec = match from_text {
        Some(text) => SourceSpec::parse(text),
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
        .or(server.and_then(crate::source::live::url_dialect));
    let dialect = resolve_dialect(pair.dialect, implied, "as a source", &config)?;
    let load = |spec: &SourceSpec| {
        if pair.exact
            && let Some(tree) = source::local_tree(spec)?
            && source::sqlalchemy::is_models_path(&tree)
        {
            return source::sqlalchemy::load_exact(&tree, dialect)
                .map(|schema| (schema, Vec::new()))
                .map_err(|e| tree.relabel_error(e));
        }
        source::load_with_notes(spec, dialect)
    };
    let (before, before_notes) = load(&from_spec)?;
    let (after, after_notes) = load(&to_spec)?;
    for note in before_notes.iter().chain(&after_notes) {
        eprintln!("note: {note}");
    }
    // The command line's answers first: they win over migen.toml's for the same name.
    let given: Vec<String> = pair
        .renames
        .iter()
        .chain(&config.renames)
        .cloned()
        .collect();
    let answers = RenameAnswers::parse(&given, pair.no_renames).map_err(Error::Usage)?;
    Ok(Loaded {
        config,
        from_spec,
        before,
        after,
        answers,
    })
}

/// Plan, asking rename questions on a terminal; without one, unanswered questions stop the run.
fn plan_with_answers(loaded: &mut Loaded, options: &plan::PlanOptions) -> Result<Plan> {
    loop {
        let plan = plan::plan_with(&loaded.before, &loaded.after, &loaded.answers, options);
        if plan.questions.is_empty() {
            return Ok(plan);
        }
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(Error::Question(question_text(&plan.questions)));
        }
        for question in &plan.questions {
            let yes = inquire::Confirm::new(&question.question())
                .with_default(true)
                .with_help_message("yes: rename (keeps the data); no: drop and add")
                .prompt()
                .map_err(|e| Error::Usage(format!("no answer to a rename question: {e}")))?;
            let answer = question.answer();
            if yes {
                let (old, new) = answer.split_once('=').expect("answers are old=new");
                loaded
                    .answers
                    .renames
                    .push((old.to_string(), new.to_string()));
            } else {
                // Not asked again; an accepted rename may still raise new questions, which are.
                loaded.answers.declined.push(answer);
            }
        }
    }
}

fn question_text(questions: &[RenameCandidate]) -> String {
    let mut text =
        String::from("likely renames need an answer before a migration can be planned:\n");
    for question in questions {
        text.push_str(&format!(
            "  {}\n    rename: --rename {}\n",
            question.question(),
            question.answer()
        ));
    }
    text.push_str("  or pass --no-renames to drop and add instead (the dropped data is lost)");
    text
}

/// Load, plan and analyse, reporting the plan's notes on stderr: what plan and generate share.
fn planned(
    pair: &PairArgs,
    shape: &StrategyArgs,
) -> Result<(Loaded, ServerInfo, Plan, Vec<crate::safety::Finding>)> {
    let mut loaded = load_pair(pair, None)?;
    let server = server_info(&loaded, pair, true)?;
    let options = shape.options(Some(server.version), &loaded.config);
    let plan = plan_with_answers(&mut loaded, &options)?;
    let findings = analyze(&loaded, &plan, &server);
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    Ok((loaded, server, plan, findings))
}

fn plan_command(args: &PlanArgs) -> Result<i32> {
    let (_, server, plan, findings) = planned(&args.pair, &args.shape)?;
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        PlanFormat::Json => {
            let value = json!({
                "dialect": plan.dialect,
                "strategy": plan.strategy,
                "server": server.version.label(),
                "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
                "findings": findings
                    .iter()
                    .map(|f| json!({
                        "rule": f.rule,
                        "severity": f.severity,
                        "change": f.change,
                        "message": f.message,
                    }))
                    .collect::<Vec<_>>(),
                "up": plan.up,
                "down": plan.down,
                "migrations": plan.migrations.iter().map(|m| json!({
                    "phase": m.phase,
                    "when": m.phase.when(),
                    "atomic": m.atomic(),
                    "up": m.up,
                    "down": m.down,
                })).collect::<Vec<_>>(),
                "steps": plan.steps,
                "lossiness": plan.lossiness(),
                "notes": plan.notes,
            });
            serde_json::to_string_pretty(&value).expect("plan serialises") + "\n"
        }
        PlanFormat::Sql => {
            let mut text = format!(
                "-- migen plan ({}, {}): {} changes\n",
                plan.dialect,
                plan.strategy.name(),
                plan.changes.len()
            );
            for note in &plan.notes {
                text.push_str(&format!("-- note: {note}\n"));
            }
            for migration in &plan.migrations {
                if plan.strategy == plan::Strategy::ZeroDowntime {
                    text.push_str(&format!(
                        "\n-- ===== {}: {}\n",
                        migration.phase.name(),
                        migration.phase.when()
                    ));
                }
                text.push_str("-- up\n");
                text.push_str(&plan::migration_script(plan.dialect, &migration.up));
                text.push_str("\n-- down\n");
                for line in plan::migration_script(plan.dialect, &migration.down).lines() {
                    text.push_str("-- ");
                    text.push_str(line);
                    text.push('\n');
                }
            }
            text
        }
    };
    let _ = out.write_all(text.as_bytes());
    Ok(fail_code(&findings, &args.pair))
}

fn change_json(change: &Change) -> serde_json::Value {
    let mut value = serde_json::to_value(change).expect("changes serialise");
    if let Some(object) = value.as_object_mut() {
        object.insert("description".into(), json!(change.describe()));
    }
    value
}

/// Colour on a terminal unless NO_COLOR is set.
fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn diff_command(args: &PairArgs) -> Result<i32> {
    let mut loaded = load_pair(args, None)?;
    let server = server_info(&loaded, args, true)?;
    let plan = plan_with_answers(&mut loaded, &plan::PlanOptions::default())?;
    let findings = analyze(&loaded, &plan, &server);
    let color = use_color();
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    if plan.changes.is_empty() {
        out.push_str("No changes.\n");
    } else {
        out.push_str(&format!(
            "{} changes ({}):\n",
            plan.changes.len(),
            plan.dialect
        ));
        for change in &plan.changes {
            let description = change.describe();
            let (sign, code) =
                if description.starts_with("create") || description.starts_with("add") {
                    ("+", "32")
                } else if description.starts_with("drop") {
                    ("-", "31")
                } else {
                    ("~", "33")
                };
            out.push_str(&format!("  {} {}\n", paint(code, sign), description));
            let index = plan
                .changes
                .iter()
                .position(|c| std::ptr::eq(c, change))
                .unwrap_or(0);
            for finding in findings.iter().filter(|f| f.change == index) {
                let severity_code = match finding.severity {
                    crate::safety::Severity::Error => "31",
                    crate::safety::Severity::Warning => "33",
                    crate::safety::Severity::Info => "36",
                };
                out.push_str(&format!(
                    "      {} {}: {}\n",
                    paint(severity_code, &format!("[{}]", finding.severity)),
                    finding.rule,
                    finding.message
                ));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(fail_code(&findings, args))
}

fn verify_command(args: &VerifyArgs) -> Result<i32> {
    let mut loaded = load_pair(&args.pair, args.db.as_deref())?;
    // Questions are settled before any database work starts.
    let server_facts = server_info(&loaded, &args.pair, args.pair.fail_on.is_some())?;
    let version_known = server_facts.note.is_none();
    let options = args.shape.options(
        version_known.then_some(server_facts.version),
        &loaded.config,
    );
    let plan = plan_with_answers(&mut loaded, &options)?;
    let findings = analyze(&loaded, &plan, &server_facts);
    let before_sql = match &loaded.from_spec {
        SourceSpec::SqlFile(path) if path.is_file() => {
            Some(std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?)
        }
        _ => None,
    };
    let seed_sql = match &args.seed {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?),
        None => None,
    };
    let server = args.db.clone().or_else(|| match &loaded.from_spec {
        SourceSpec::Database(url) if loaded.after.dialect != Dialect::Sqlite => Some(url.clone()),
        _ => None,
    });
    let result = verify::verify(&VerifyInput {
        before: &loaded.before,
        after: &loaded.after,
        before_sql: before_sql.as_deref(),
        seed_sql: seed_sql.as_deref(),
        auto_seed: !args.no_seed,
        answers: &loaded.answers,
        server_url: server.as_deref(),
        options,
    })?;
    let mut out = String::new();
    if args.json {
        out = serde_json::to_string_pretty(&result).expect("verification serialises") + "\n";
    } else {
        let color = use_color();
        for phase in &result.phases {
            let mark = match (phase.ok, color) {
                (true, true) => "\x1b[32mpass\x1b[0m",
                (false, true) => "\x1b[31mFAIL\x1b[0m",
                (true, false) => "pass",
                (false, false) => "FAIL",
            };
            out.push_str(&format!("{mark}  {:<26} {}\n", phase.name, phase.detail));
        }
        out.push_str(if result.passed() {
            "verified: up and down round-trip cleanly\n"
        } else {
            "verification failed\n"
        });
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    // A failed round trip is exit 1; so is a finding at or above --fail-on.
    Ok(if result.passed() {
        fail_code(&findings, &args.pair)
    } else {
        1
    })
}

/// Seconds since the epoch: `SOURCE_DATE_EPOCH` when set (reproducible output), else the clock.
fn now_seconds() -> Result<u64> {
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

fn generate_command(args: &GenerateArgs) -> Result<i32> {
    use crate::render;
    let (loaded, server, mut plan, findings) = planned(&args.pair, &args.shape)?;
    let project = crate::source::project::detect(std::path::Path::new(".")).ok();
    let choices = args
        .output
        .choices(&args.shape, &loaded.config, project.as_ref())?;
    let target = choices.target;
    // Django's migration state also holds what the database does not (choices, validators,
    // on_delete, Meta options): only the models' comparison can say there is nothing to do.
    if plan.changes.is_empty() && target != render::Target::Django {
        eprintln!("No changes: nothing to generate.");
        return Ok(0);
    }
    let lossy: Vec<&str> = plan
        .steps
        .iter()
        .filter_map(|step| step.loss.as_deref())
        .collect();
    if !lossy.is_empty() && !args.allow_data_loss && !args.dry_run {
        return Err(Error::Usage(format!(
            "this migration loses data: {}\nnothing written; pass --allow-data-loss to write it anyway (or --keep-dropped with --strategy zero-downtime to keep dropped columns and tables)",
            lossy.join("; ")
        )));
    }
    let name = match choices.name.as_str() {
        // Django's own names, per app, are made from the operations.
        "" if target == render::Target::Django => String::new(),
        "" => render::default_name(&plan),
        given => given.to_string(),
    };
    let context = render::Context::scan(&choices.dir, &name, now_seconds()?)?;
    let facts = render::Facts {
        before: &loaded.before,
        after: &loaded.after,
        findings: &findings,
        version: &server.version,
        stats: server.stats.as_ref(),
    };
    let extras = choices.files.extras();
    let artifacts = if target == render::Target::Django {
        let options = args.shape.options(Some(server.version), &loaded.config);
        let to_spec = after_spec(&loaded, &args.pair);
        let sides = render::DjangoSides {
            from: &loaded.from_spec,
            to: &to_spec,
            answers: &loaded.answers,
            options: &options,
        };
        let (phased, artifacts) = render::render_django(&plan, &sides, &name, &facts, extras)?;
        plan = phased;
        artifacts
    } else {
        render::render(&plan, target, &context, &facts, extras)?
    };
    if artifacts.is_empty() {
        eprintln!("No changes: nothing to generate.");
        return Ok(0);
    }
    let mut out = String::new();
    if args.dry_run {
        if args.json {
            out = serde_json::to_string_pretty(&artifacts).expect("artifacts serialise") + "\n";
        } else {
            for artifact in &artifacts {
                out.push_str(&format!(
                    "==> {} <==\n{}\n",
                    artifact.path.display(),
                    artifact.contents
                ));
            }
        }
    } else {
        let written = crate::write::write_all(std::path::Path::new(""), &artifacts)?;
        if args.json {
            let listed: Vec<serde_json::Value> = artifacts
                .iter()
                .map(|a| json!({"path": a.path, "kind": a.kind, "phase": a.phase}))
                .collect();
            out = serde_json::to_string_pretty(&json!({
                "target": target,
                "strategy": plan.strategy,
                "written": listed,
            }))
            .expect("paths serialise")
                + "\n";
        } else {
            for path in &written {
                out.push_str(&format!("{}\n", path.display()));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(fail_code(&findings, &args.pair))
}

fn after_spec(loaded: &Loaded, pair: &PairArgs) -> SourceSpec {
    SourceSpec::parse(
        pair.to
            .as_deref()
            .or(loaded.config.source.as_deref())
            .unwrap_or_default(),
    )
}

/// The wizard's starting point: everything loaded before the terminal opens. A schema that
/// cannot be read is a problem the status screen shows, not an exit.
pub fn tui_session(
    args: &TuiArgs,
    config: &crate::config::Config,
    now: u64,
) -> crate::tui::session::Session {
    use crate::tui::session::{Fact, Inputs, Session};
    // What the project is: detection only reads files, and is fast enough to wait for.
    let project = crate::source::project::detect(std::path::Path::new(".")).ok();
    let detected_folder = project.as_ref().and_then(|p| p.main_migrations().cloned());
    let choices = match args.output.choices(&args.shape, config, project.as_ref()) {
        Ok(choices) => choices,
        Err(error) => {
            let mut session = Session::new(
                crate::render::Choices {
                    target: crate::render::Target::Sql,
                    strategy: plan::Strategy::Direct,
                    files: crate::render::Files::Quick,
                    name: String::new(),
                    dir: "migrations".into(),
                },
                now,
            );
            session.problem = Some(error.to_string());
            return session;
        }
    };
    let (target, dir) = (choices.target, choices.dir.clone());
    let mut session = Session::new(choices, now);
    let fact = |label: &str, value: String| Fact {
        label: label.to_string(),
        value,
    };
    if let Some(path) = &config.path {
        session
            .facts
            .push(fact("settings", path.display().to_string()));
    }
    if let Some(orm) = project.as_ref().and_then(|p| p.orm()) {
        session.facts.push(fact("project", orm.name().to_string()));
    }
    // The schema: as given, else migen.toml's, else the one detection found if migen reads it.
    let mut pair = args.pair.clone();
    if pair.to.is_none() && config.source.is_none() {
        // The main source, else a SQL or Prisma schema beside models migen does not read.
        let readable = project.as_ref().and_then(|p| {
            p.readable_source().ok().or_else(|| {
                p.schema_sources
                    .iter()
                    .find(|source| {
                        matches!(
                            source.orm,
                            crate::source::project::Orm::Sql | crate::source::project::Orm::Prisma
                        )
                    })
                    .map(|source| source.path.clone())
            })
        });
        match readable {
            Some(path) => pair.to = Some(path.display().to_string()),
            None => {
                let found = project
                    .as_ref()
                    .and_then(|p| p.orm())
                    .map(|orm| {
                        format!(
                            "This looks like a {} project, whose models migen does not read yet.\n",
                            orm.name()
                        )
                    })
                    .unwrap_or_default();
                session.problem = Some(format!(
                    "Nothing to do here yet: no schema was found or given.\n{found}Start with `migen tui --to db/schema.sql` (compared with its last commit), or write\na migen.toml with [schema] source = \"db/schema.sql\" (see the README)."
                ));
                return session;
            }
        }
    }
    let loaded = load_pair(&pair, args.db.as_deref());
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            session.problem = Some(format!("The schema could not be read:\n{error}"));
            return session;
        }
    };
    let to = pair
        .to
        .clone()
        .or(config.source.clone())
        .unwrap_or_default();
    let to_spec = SourceSpec::parse(&to);
    session.facts.push(fact("schema", to));
    session
        .facts
        .push(fact("compared with", spec_label(&loaded.from_spec)));
    let server = match server_info(&loaded, &pair, false) {
        Ok(server) => server,
        Err(error) => {
            session.problem = Some(format!("The database could not be read:\n{error}"));
            return session;
        }
    };
    session.facts.push(fact(
        "database",
        match &server.note {
            Some(_) => format!(
                "{} (assumed: set [database] version in migen.toml)",
                server.version.label()
            ),
            None => server.version.label(),
        },
    ));
    let folder = detected_folder.filter(|folder| folder.dir == dir);
    session.facts.push(fact(
        "migrations",
        match folder {
            Some(folder) => format!(
                "{} in {} · {} so far{}",
                folder.tool.name(),
                dir.display(),
                folder.count,
                folder
                    .latest
                    .map(|l| format!(", last {l}"))
                    .unwrap_or_default()
            ),
            None => format!("{target} in {} · none yet", dir.display()),
        },
    ));
    let options = args.shape.options(
        server.note.is_none().then_some(server.version),
        &loaded.config,
    );
    let server_url = args.db.clone().or_else(|| match &loaded.from_spec {
        SourceSpec::Database(url) if loaded.after.dialect != Dialect::Sqlite => Some(url.clone()),
        _ => None,
    });
    session.answers = loaded.answers.clone();
    session.inputs = Some(Inputs {
        before: loaded.before,
        after: loaded.after,
        config: loaded.config,
        version: server.version,
        stats: server.stats,
        options,
        server_url,
        config_path: std::path::PathBuf::from(crate::config::FILE_NAME),
        from_spec: loaded.from_spec,
        to_spec,
    });
    session.replan();
    session
}

pub(crate) fn spec_label(spec: &SourceSpec) -> String {
    match spec {
        SourceSpec::Empty => "nothing (empty)".into(),
        SourceSpec::SqlFile(path) => path.display().to_string(),
        SourceSpec::Database(url) => crate::error::redact_url(url),
        SourceSpec::Git { rev, path } => format!("{} at git {rev}", path.display()),
        SourceSpec::Migrations(dir) => format!("the migrations in {}, replayed", dir.display()),
    }
}

fn tui_command(args: &TuiArgs) -> Result<i32> {
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(Error::Usage(
            "migen tui needs a terminal; without one use the plain commands: migen diff, plan, generate, verify, lint (each with --json or --format json)".into(),
        ));
    }
    let config = crate::config::Config::current()?;
    let name = args
        .theme
        .clone()
        .or(config.theme.clone())
        .unwrap_or_else(|| "dark".to_string());
    let mut theme =
        crate::tui::theme::Theme::load(&name, crate::tui::theme::user_dir().as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_color();
    }
    let session = tui_session(args, &config, now_seconds()?);
    crate::tui::run(crate::tui::app::App::new(session, theme))?;
    Ok(0)
}
/// `migen status`: detection never runs the project's code; the changes are counted with the
/// same diff, plan and safety analysis as `migen diff`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// What the schema is compared with: a git revision [default: HEAD], `migrations:DIR` (that
    /// folder's up scripts replayed into a scratch database), or `migrations` (the detected
    /// migrations folder, replayed the same way). A branch that is itself called `migrations`
    /// is `heads/migrations`.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What the schema is compared with in `migen status`.
enum StatusBaseline {
    /// A git revision; `explicit` when the user named it (then a bad one is an error).
    Git {
        rev: String,
        explicit: bool,
    },
    Migrations(std::path::PathBuf),
}

impl StatusBaseline {
    fn label(&self) -> String {
        match self {
            StatusBaseline::Git { rev, .. } => rev.clone(),
            StatusBaseline::Migrations(dir) => format!("migrations:{}", dir.display()),
        }
    }
}

/// The changes between the baseline and the working schema. A change is risky when the safety
/// rules give it a finding at warning or above (info findings are advice, not risk).
struct StatusCount {
    changes: usize,
    risky: usize,
    questions: usize,
}

fn status_command(args: &StatusArgs) -> Result<i32> {
    let project = crate::source::project::detect(std::path::Path::new("."))?;
    let mut notes = project.notes.clone();
    let baseline = match args.since.as_deref() {
        Some("migrations" | "migrations:") => {
            let folder = project.main_migrations().ok_or_else(|| {
                Error::Usage(
                    "--since migrations: no migrations folder found here; name one with --since migrations:DIR"
                        .into(),
                )
            })?;
            StatusBaseline::Migrations(folder.dir.clone())
        }
        Some(text) => match SourceSpec::parse(text) {
            SourceSpec::Migrations(dir) => StatusBaseline::Migrations(dir),
            _ if text.starts_with("git:") => {
                return Err(Error::Usage(format!(
                    "--since {text}: give the revision alone (e.g. --since main); the schema path is detected"
                )));
            }
            _ => StatusBaseline::Git {
                rev: text.to_string(),
                explicit: true,
            },
        },
        None => StatusBaseline::Git {
            rev: "HEAD".into(),
            explicit: false,
        },
    };
    let dialect = project.dialect.unwrap_or(Dialect::Sqlite);

    // The schema as it is now: migen.toml's source, else the main detected source if migen
    // reads it.
    // A file source set in migen.toml leads the detected ones, named by its extension, so it
    // goes through the same "can migen read it" check; a URL or other spec is used as it is.
    let configured = project
        .config
        .source
        .as_deref()
        .map(SourceSpec::parse)
        .filter(|spec| !matches!(spec, SourceSpec::SqlFile(_)));
    let after_spec = match (configured, project.schema_sources.first()) {
        (Some(spec), _) => Some(spec),
        (None, _) => match project.readable_source() {
            Ok(path) => Some(SourceSpec::SqlFile(path)),
            Err(why) => {
                notes.push(format!("changes are not counted: {why}"));
                None
            }
        },
    };
    let before_spec = match (&baseline, &after_spec) {
        (_, None) => None,
        (StatusBaseline::Migrations(dir), Some(_)) => Some(SourceSpec::Migrations(dir.clone())),
        (StatusBaseline::Git { rev, .. }, Some(SourceSpec::SqlFile(path))) => {
            Some(SourceSpec::Git {
                rev: rev.clone(),
                path: path.clone(),
            })
        }
        (StatusBaseline::Git { rev, .. }, Some(_)) => {
            notes.push(format!(
                "changes are not counted: the schema source is not a file in git, so it has no version at {rev} (try --since migrations)"
            ));
            None
        }
    };

    let count = match (before_spec, after_spec) {
        (Some(before_spec), Some(after_spec)) => {
            if project.dialect.is_none() {
                notes.push(
                    "no dialect found: assuming sqlite (set [database] dialect in migen.toml)"
                        .into(),
                );
            }
            let before = match source::load_with_notes(&before_spec, dialect) {
                Ok((schema, more)) => Some((schema, more)),
                // Without --since, a tree outside git (or without commits) is no error.
                Err(Error::Usage(why))
                    if matches!(
                        baseline,
                        StatusBaseline::Git {
                            explicit: false,
                            ..
                        }
                    ) =>
                {
                    notes.push(format!("changes are not counted: {why}"));
                    None
                }
                Err(e) => return Err(e),
            };
            match before {
                Some((before, before_notes)) => {
                    let (after, after_notes) = source::load_with_notes(&after_spec, dialect)?;
                    notes.extend(before_notes);
                    notes.extend(after_notes);
                    Some(status_count(
                        &project,
                        before_spec,
                        before,
                        after,
                        dialect,
                        &mut notes,
                    )?)
                }
                None => None,
            }
        }
        _ => None,
    };
    let text = if args.json {
        status_json(&project, &baseline, count.as_ref(), &notes)
    } else {
        status_text(&project, &baseline, count.as_ref(), &notes)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(0)
}

/// Plan and analyse like `migen diff`, but unanswered rename questions are counted, not asked.
fn status_count(
    project: &crate::source::project::Project,
    from_spec: SourceSpec,
    before: Schema,
    after: Schema,
    dialect: Dialect,
    notes: &mut Vec<String>,
) -> Result<StatusCount> {
    let answers = RenameAnswers::parse(&project.config.renames, false).map_err(Error::Usage)?;
    let version = match project.version.filter(|v| v.dialect == dialect) {
        Some(version) => version,
        None => {
            let oldest = crate::safety::Version::oldest_supported(dialect);
            notes.push(format!(
                "no server version found: risk is judged for {}, the oldest supported",
                oldest.label()
            ));
            oldest
        }
    };
    let options = plan::PlanOptions {
        version: Some(version),
        ..plan::PlanOptions::default()
    };
    let plan = plan::plan_with(&before, &after, &answers, &options);
    let loaded = Loaded {
        config: project.config.clone(),
        from_spec,
        before,
        after,
        answers,
    };
    let server = ServerInfo {
        version,
        note: None,
        stats: None,
    };
    let findings = analyze(&loaded, &plan, &server);
    let risky: std::collections::BTreeSet<usize> = findings
        .iter()
        .filter(|f| f.severity >= crate::safety::Severity::Warning)
        .map(|f| f.change)
        .collect();
    for question in &plan.questions {
        notes.push(format!(
            "open question: {} (answer with --rename {} or in migen.toml [renames])",
            question.question(),
            question.answer()
        ));
    }
    Ok(StatusCount {
        changes: plan.changes.len(),
        risky: risky.len(),
        questions: plan.questions.len(),
    })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn status_text(
    project: &crate::source::project::Project,
    baseline: &StatusBaseline,
    count: Option<&StatusCount>,
    notes: &[String],
) -> String {
    let orm = project.orm().map_or("no schema found", |o| o.name());
    let database = match (project.version, project.dialect) {
        (Some(version), _) => version.to_string().replacen(':', " ", 1),
        (None, Some(dialect)) => dialect.name().to_string(),
        // What the changes were counted as; a note says why.
        (None, None) if count.is_some() => "sqlite (assumed)".to_string(),
        (None, None) => "dialect unknown".to_string(),
    };
    let changes = match (count, baseline) {
        (None, _) => "changes not counted".to_string(),
        (Some(count), baseline) => {
            let mut text = match (count.changes, baseline) {
                (0, StatusBaseline::Git { rev, .. }) => format!("no changes since {rev}"),
                (0, StatusBaseline::Migrations(_)) => "no changes outside the migrations".into(),
                (n, StatusBaseline::Git { rev, .. }) => {
                    format!("{} since {rev}", plural(n, "change"))
                }
                (n, StatusBaseline::Migrations(_)) => {
                    format!("{} not yet in a migration", plural(n, "change"))
                }
            };
            if count.risky > 0 {
                text.push_str(&format!(" ({} risky)", count.risky));
            }
            if count.questions > 0 {
                text.push_str(&format!(
                    ", {} open",
                    plural(count.questions, "rename question")
                ));
            }
            text
        }
    };
    let last = match project.main_migrations() {
        Some(folder) => match &folder.latest {
            Some(latest) => format!("last migration {latest}"),
            None => "no migrations yet".into(),
        },
        None => "no migrations folder".into(),
    };
    let mut out = format!("{orm} · {database} · {changes} · {last}\n");
    const SHOWN: usize = 5;
    let sources = &project.schema_sources;
    for source in sources.iter().take(SHOWN) {
        out.push_str(&format!(
            "  schema      {} ({})\n",
            source.path.display(),
            source.orm.name()
        ));
    }
    if sources.len() > SHOWN {
        out.push_str(&format!(
            "  schema      … and {} more\n",
            sources.len() - SHOWN
        ));
    }
    for folder in project.migrations.iter().take(SHOWN) {
        let latest = folder
            .latest
            .as_ref()
            .map(|l| format!(", latest {l}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  migrations  {} ({}, {}{latest})\n",
            folder.dir.display(),
            folder.tool.name(),
            plural(folder.count, "migration")
        ));
    }
    if project.migrations.len() > SHOWN {
        out.push_str(&format!(
            "  migrations  … and {} more folders\n",
            project.migrations.len() - SHOWN
        ));
    }
    let mut origin = match (&project.dialect, &project.dialect_source) {
        (Some(dialect), Some(from)) => format!("{dialect} from {from}"),
        _ if count.is_some() => "not found (sqlite assumed)".to_string(),
        _ => "not found".to_string(),
    };
    if let (Some(version), Some(from)) = (&project.version, &project.version_source) {
        origin.push_str(&format!("; version {} from {from}", version.label()));
    }
    out.push_str(&format!("  database    {origin}\n"));
    out.push_str(&format!("  compared    with {}\n", baseline.label()));
    for note in notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

fn status_json(
    project: &crate::source::project::Project,
    baseline: &StatusBaseline,
    count: Option<&StatusCount>,
    notes: &[String],
) -> String {
    let folder_json = |f: &crate::source::project::MigrationFolder| {
        json!({
            "tool": f.tool,
            "dir": f.dir.display().to_string(),
            "count": f.count,
            "latest": f.latest,
        })
    };
    let value = json!({
        "orm": project.orm(),
        "dialect": project.dialect,
        "dialect_source": project.dialect_source,
        "version": project.version.map(|v| v.to_string()),
        "version_source": project.version_source,
        "schema_sources": project.schema_sources.iter().map(|s| json!({
            "orm": s.orm,
            "path": s.path.display().to_string(),
        })).collect::<Vec<_>>(),
        "migrations": project.main_migrations().map(folder_json),
        "migration_folders": project.migrations.iter().map(folder_json).collect::<Vec<_>>(),
        "baseline": baseline.label(),
        "changes": count.map(|c| c.changes),
        "risky": count.map(|c| c.risky),
        "questions": count.map(|c| c.questions),
        "notes": notes,
    });
    serde_json::to_string_pretty(&value).expect("status serialises") + "\n"
}
