//! The clap surface: every command's flags, and how they become pipeline requests.

use clap::{Args, ValueEnum};

use crate::model::Dialect;
use crate::pipeline::{
    self, Config, OutputRequest, PlanOptions, Request, Severity, Target, TargetParser, Version,
};

const FROM_HELP: &str = "The schema before the change, in any of the forms --to lists. Default: migen.toml's `[schema] from`, else the --to schema as it is at git HEAD.";
const TO_HELP: &str = "The schema after the change. Default: migen.toml's `[schema] source`, else the schema detected here (as `migen status` shows it; when several are found, migen asks on a terminal and otherwise exits with 3 naming them).";

/// Where the two schemas come from and how to read them.
#[derive(Debug, Args, Clone)]
pub struct PairArgs {
    /// The schema before the change [default: migen.toml's `[schema] from`, else the --to
    /// schema as it is at git HEAD]. `--help` lists the forms.
    #[arg(long, long_help = FROM_HELP)]
    pub from: Option<String>,
    /// The schema after the change [default: migen.toml's `[schema] source`, else the schema
    /// detected here, as `migen status` shows it]. `--help` lists the forms.
    #[arg(long, long_help = pipeline::source_help(TO_HELP))]
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
    /// The value existing rows get when a column becomes NOT NULL or is added NOT NULL without
    /// a default, or how an added column is derived: `table.column=SQL`, SQL of the dialect (a
    /// constant such as `'active'` or an expression over the row's columns, e.g.
    /// `email_confirmed_at IS NOT NULL`). Repeatable.
    #[arg(long = "fill", value_name = "TABLE.COLUMN=SQL")]
    pub fills: Vec<String>,
    /// Ask no fill question: a column made (or added) NOT NULL is planned without filling the
    /// existing rows, which must then hold no NULL (the migration fails on one that does).
    #[arg(long)]
    pub no_fill: bool,
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
    pub fail_on: Option<Severity>,
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
    /// Rows per backfill batch (1 to 2147483647).
    #[arg(long, value_name = "ROWS", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=i32::MAX as u64))]
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
    /// The strategy given on the command line, if any.
    pub fn strategy(&self) -> Option<pipeline::Strategy> {
        self.strategy.map(|strategy| match strategy {
            Strategy::Direct => pipeline::Strategy::Direct,
            Strategy::ZeroDowntime => pipeline::Strategy::ZeroDowntime,
        })
    }

    /// The plan's settings: the command line, then migen.toml.
    pub fn options(&self, version: Option<Version>, config: &Config) -> PlanOptions {
        PlanOptions {
            strategy: self
                .strategy()
                .unwrap_or_else(|| config.strategy.unwrap_or_default()),
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

/// The longest duration every server takes: PostgreSQL's timeouts are a 32-bit count of
/// milliseconds, SQLite's busy timeout too (MySQL's lock_wait_timeout allows a year).
const MAX_DURATION_MS: u64 = i32::MAX as u64;

/// `5s`, `800ms`, `2min`, `1h`, or a bare number of milliseconds, at most `MAX_DURATION_MS`.
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
    number
        .checked_mul(factor)
        .filter(|ms| *ms <= MAX_DURATION_MS)
        .ok_or_else(|| {
            format!(
                "`{text}` is too long: at most {MAX_DURATION_MS}ms (about 24 days), the most PostgreSQL and SQLite take"
            )
        })
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
    /// The migration tool to write for [default: migen.toml's `[migrations] target`, else the
    /// tool of the project's migrations folder, else of its ORM, else sql].
    #[arg(long, value_parser = TargetParser)]
    pub target: Option<Target>,
    /// The migrations folder [default: migen.toml's `[migrations] dir`, else the folder that
    /// holds the tool's migrations, else its usual place]. A folder holding another tool's
    /// migrations is refused.
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
    /// What these flags ask of the files, for `pipeline::choices`.
    pub fn request(&self, shape: &StrategyArgs) -> OutputRequest {
        OutputRequest {
            target: self.target,
            dir: self.dir.clone(),
            name: self.name.clone(),
            strategy: shape.strategy(),
            tests: self.with_tests || self.full,
            docs: self.with_docs || self.full,
        }
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
    /// left out). They are read in the order given, each on top of the ones before. Knex
    /// migrations (a Knex folder or its files) are judged by the SQL they run when the project's
    /// own Knex applies them to a scratch database.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// The schema the first file applies to (a .sql file or directory, a database URL, or
    /// `empty`, the default: the files build the schema themselves).
    #[arg(long, default_value = "empty")]
    pub schema: String,
    /// SQL dialect of the files (taken from a --schema URL when there is one, else migen.toml,
    /// else a Knex folder's knexfile; sqlite otherwise).
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
    pub fail_on: Severity,
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

impl PairArgs {
    /// What to compare and how to read it; `server` is a further database URL the command was
    /// given (verify's and the wizard's `--db`).
    pub fn request(&self, server: Option<&str>) -> Request {
        Request {
            from: self.from.clone(),
            to: self.to.clone(),
            dialect: self.dialect,
            db_version: self.db_version.clone(),
            renames: self.renames.clone(),
            no_renames: self.no_renames,
            fills: self.fills.clone(),
            no_fill: self.no_fill,
            exact: self.exact,
            server: server.map(str::to_string),
        }
    }
}

pub(super) fn parse_dialect(text: &str) -> std::result::Result<Dialect, String> {
    Dialect::parse(text)
        .ok_or_else(|| format!("unknown dialect `{text}` (use postgres, mysql or sqlite)"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_checked_against_what_the_servers_take() {
        assert_eq!(parse_duration_ms("5s"), Ok(5_000));
        assert_eq!(parse_duration_ms("2147483647"), Ok(2_147_483_647));
        for too_long in [
            "9999999999999999h",
            "2147483648ms",
            "597h",
            "99999999999999999999",
        ] {
            let error = parse_duration_ms(too_long).unwrap_err();
            assert!(
                error.contains("2147483647ms") || error.contains("not a duration"),
                "{too_long}: {error}"
            );
        }
        assert!(
            parse_duration_ms("9999999999999999h")
                .unwrap_err()
                .contains("too long")
        );
    }
}
