//! The command line: the clap surface (`args`) and one file per command (`commands/`). Every
//! command is a thin layer over `crate::pipeline`: it turns flags into a request, asks rename
//! questions on a terminal, and prints; output formats live here, steps do not.

mod args;
mod commands;

use clap::{Parser, Subcommand};

pub use args::*;
pub use commands::tui::session as tui_session;

use crate::error::Result;
use crate::pipeline;

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
    /// Write the migen.toml detection implies (commented), to pin it; never overwrites one.
    Init,
    /// Explain one safety rule: why it matters and what the safe pattern does.
    Explain {
        /// A rule id, as `migen rules` lists them (e.g. add-not-null-without-default).
        rule: String,
    },
}

/// End the process with the outcome of `run`: the error on stderr and its exit code. While an
/// interruption is undoing the run, nothing is printed: the failures it causes are its own.
pub fn finish(outcome: Result<i32>) -> ! {
    match outcome {
        Ok(code) => pipeline::exit(code),
        Err(error) => {
            if !pipeline::interrupted() {
                eprintln!("error: {error}");
            }
            pipeline::exit(error.exit_code())
        }
    }
}

/// Run a command; the returned number is the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    pipeline::handle_interrupts();
    match cli.command {
        Command::Plan(args) => commands::plan::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Generate(args) => commands::generate::run(&args),
        Command::Tui(args) => commands::tui::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Lint(args) => commands::lint::run(&args),
        Command::Rules => commands::rules::list(),
        Command::Explain { rule } => commands::rules::explain(&rule),
        Command::Status(args) => commands::status::run(&args),
        Command::Init => commands::init::run(),
    }
}
