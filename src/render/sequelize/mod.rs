//! Sequelize: `<directory>/<YYYYMMDDHHMMSS>-<name>.js`, the module `sequelize-cli
//! migration:generate` writes (`'use strict'`, the JSDoc type, `module.exports = { async up
//! (queryInterface, Sequelize), async down (…) }`), one file per zero-downtime phase with
//! increasing timestamps after the newest file in the folder. sequelize-cli applies pending
//! files in name order and `db:migrate:undo` reverts the newest one.
//!
//! Statements are `queryInterface` calls where Sequelize sends exactly the statement migen
//! planned (see `native`) and `queryInterface.sequelize.query` with migen's SQL otherwise.
//! sequelize-cli opens no transaction of its own: on PostgreSQL and SQLite a migration runs
//! its statements in `queryInterface.sequelize.transaction`. A migration holding a statement
//! that cannot run inside one (PostgreSQL's concurrent index builds, batched backfills that
//! commit, SQLite's foreign-key switch) runs every statement on one pooled connection instead
//! and wraps the groups migen planned as transactions in BEGIN/COMMIT itself, so the session
//! settings and the switch hold for the statements after them. MySQL's DDL commits on its own:
//! no transaction there, one connection for the whole file.

mod native;
mod runner;

use std::fmt::Write as _;

use super::ArtifactKind;
use super::knex::js;
use super::layout::{Block, Rendered, Run, timestamps};
use super::renderer::{Job, Renderer, RunnerSteps};
use super::slug;
use crate::error::Result;
use crate::model::Dialect;
use crate::plan::{Migration, Phase, Plan, PlannedStatement};

pub struct Sequelize;

impl Renderer for Sequelize {
    fn id(&self) -> &'static str {
        "sequelize"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["sequelize-cli"]
    }

    fn layout(&self) -> &'static str {
        "<timestamp>-<name>.js with module.exports = { up, down } (queryInterface)"
    }

    fn default_dir(&self) -> &'static str {
        "migrations"
    }

    fn apply_command(&self) -> &'static str {
        "`npx sequelize-cli db:migrate --to <file>` (up to and including that file; without `--to`, every pending file)"
    }

    fn rollback_command(&self) -> &'static str {
        "`npx sequelize-cli db:migrate:undo` (the newest file; once per file)"
    }

    fn runner_steps(&self, rendered: &Rendered, dialect: Dialect) -> Option<RunnerSteps> {
        Some(runner::steps(rendered, dialect))
    }

    fn guide_notes(&self, rendered: &Rendered) -> Option<String> {
        runner::guide_notes(rendered)
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        // sequelize-cli's own names join words with hyphens (`migration:generate --name`).
        let name = slug(&context.name).replace('_', "-");
        let stamps = timestamps(context, plan.migrations.len());
        let mut out = Rendered::new(&context.dir);
        for (migration, stamp) in plan.migrations.iter().zip(&stamps) {
            let stem = format!("{stamp}-{name}{}", phase_suffix(migration.phase));
            let path = context.dir.join(format!("{stem}.js"));
            let text = file(plan, migration, &stem);
            out.push(
                path.clone(),
                ArtifactKind::Migration,
                Some(migration.phase),
                text,
            );
            let run = Run::Tool {
                transaction: !on_one_connection(plan.dialect, migration),
            };
            out.runs("up", path.clone(), Block::Whole, run);
            out.runs("down", path, Block::Whole, run);
            out.versions.push(stem);
        }
        out.extras_beside_files(&context.dir);
        Ok(out)
    }
}

fn phase_suffix(phase: Phase) -> &'static str {
    match phase {
        Phase::Direct => "",
        Phase::PreDeploy => "-expand",
        Phase::Backfill => "-backfill",
        Phase::PostDeploy => "-contract",
    }
}

/// Whether a statement must run outside a transaction (or commits on its own).
fn alone(dialect: Dialect, statement: &PlannedStatement) -> bool {
    !statement.transactional
        || statement.own_transaction
        // SQLite's PRAGMA foreign_keys does nothing inside a transaction.
        || (dialect == Dialect::Sqlite
            && statement
                .sql
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("PRAGMA FOREIGN_KEYS"))
}

/// Whether the file runs its statements on one connection of its own rather than in one
/// `sequelize.transaction`: always on MySQL (no transactional DDL), elsewhere when a statement
/// cannot run inside a transaction.
fn on_one_connection(dialect: Dialect, migration: &Migration) -> bool {
    dialect == Dialect::Mysql
        || migration
            .up
            .iter()
            .chain(&migration.down)
            .any(|s| alone(dialect, s))
}

/// Statements in the order they run, grouped: the groups migen planned as one transaction, and
/// the statements that run alone.
struct Unit<'a> {
    transaction: bool,
    /// Whether the statements after it may join it.
    grouped: bool,
    statements: Vec<&'a PlannedStatement>,
}

fn units(dialect: Dialect, statements: &[PlannedStatement]) -> Vec<Unit<'_>> {
    let mut units: Vec<Unit> = Vec::new();
    for statement in statements {
        let grouped = dialect != Dialect::Mysql && !alone(dialect, statement);
        match units.last_mut() {
            Some(last) if grouped && last.grouped => last.statements.push(statement),
            _ => units.push(Unit {
                // A statement that commits on its own is a transaction of its own.
                transaction: grouped
                    || (dialect != Dialect::Mysql
                        && statement.transactional
                        && statement.own_transaction),
                grouped,
                statements: vec![statement],
            }),
        }
    }
    units
}

fn file(plan: &Plan, migration: &Migration, stem: &str) -> String {
    let dialect = plan.dialect;
    let one_connection = on_one_connection(dialect, migration);
    let mut s = String::from("'use strict';\n");
    let _ = writeln!(
        s,
        "// Generated by migen for sequelize-cli: {stem} ({dialect})."
    );
    if migration.phase != Phase::Direct {
        let _ = writeln!(s, "// {}", migration.phase.when());
    }
    if dialect == Dialect::Mysql {
        s.push_str("// MySQL commits each DDL statement on its own: no transaction around them.\n");
    } else if one_connection {
        s.push_str("// Some statements cannot run inside a transaction: the file opens its own around the others.\n");
    }
    let up = body(dialect, &migration.up, one_connection);
    let mut down = String::new();
    for step in plan
        .steps
        .iter()
        .filter(|step| step.phase == migration.phase)
    {
        if let Some(loss) = &step.loss {
            let _ = writeln!(down, "    // Cannot restore ({}): {loss}", step.summary);
        }
    }
    down.push_str(&body(dialect, &migration.down, one_connection));
    let _ = write!(
        s,
        "\n/** @type {{import('sequelize-cli').Migration}} */\nmodule.exports = {{\n  async up (queryInterface, Sequelize) {{\n{up}  }},\n\n  async down (queryInterface, Sequelize) {{\n{down}  }}\n}};\n"
    );
    if one_connection {
        s.push('\n');
        s.push_str(ON_ONE_CONNECTION);
        if s.contains("await inTransaction(") {
            s.push('\n');
            s.push_str(IN_TRANSACTION);
        }
    }
    s
}

/// One direction's statements, indented for the method body.
fn body(dialect: Dialect, statements: &[PlannedStatement], one_connection: bool) -> String {
    let mut s = String::new();
    if statements.is_empty() {
        return "    // Nothing to run in this direction.\n".into();
    }
    if !one_connection {
        s.push_str("    await queryInterface.sequelize.transaction(async (transaction) => {\n");
        for statement in statements {
            notes(&mut s, statement, "      ");
            let _ = writeln!(s, "      await {};", call(dialect, statement, true));
        }
        s.push_str("    });\n");
        return s;
    }
    s.push_str("    await onOneConnection(queryInterface.sequelize, async (sql, options) => {\n");
    for unit in units(dialect, statements) {
        let indent = if unit.transaction {
            s.push_str("      await inTransaction(sql, async () => {\n");
            "        "
        } else {
            "      "
        };
        for statement in &unit.statements {
            notes(&mut s, statement, indent);
            if !statement.transactional {
                let _ = writeln!(s, "{indent}// must run outside a transaction");
            } else if statement.own_transaction {
                let _ = writeln!(s, "{indent}// commits on its own");
            }
            let _ = writeln!(s, "{indent}await {};", call(dialect, statement, false));
        }
        if unit.transaction {
            s.push_str("      });\n");
        }
    }
    s.push_str("    });\n");
    s
}

/// The call that runs `statement`: the `queryInterface` method that sends it, or the SQL
/// itself, on the transaction (`in_transaction`) or the file's connection (`options`).
fn call(dialect: Dialect, statement: &PlannedStatement, in_transaction: bool) -> String {
    let options = |entries: &[String]| -> String {
        match (entries.is_empty(), in_transaction) {
            (true, true) => "{ transaction }".into(),
            (true, false) => "options".into(),
            (false, true) => format!("{{ {}, transaction }}", entries.join(", ")),
            (false, false) => format!("{{ {}, ...options }}", entries.join(", ")),
        }
    };
    match statement.op().and_then(|op| native::call(dialect, op)) {
        Some(call) => format!(
            "queryInterface.{}({}, {})",
            call.method,
            call.arguments.join(", "),
            options(&call.options)
        ),
        None => format!(
            "queryInterface.sequelize.query({}, {})",
            js::string(&statement.sql),
            options(&[])
        ),
    }
}

fn notes(s: &mut String, statement: &PlannedStatement, indent: &str) {
    if let Some(note) = &statement.note {
        s.push_str(&crate::text::commented(&format!("{indent}// "), note));
    }
}

const ON_ONE_CONNECTION: &str = r#"// Sequelize hands every query a connection of its pool: these statements share one, so the
// session settings they make (lock timeouts, SQLite's foreign-key switch) and the BEGIN/COMMIT
// around a group hold for the statements after them.
async function onOneConnection(sequelize, work) {
  const connection = await sequelize.connectionManager.getConnection({});
  // sequelize.query runs on the connection of the transaction its options name.
  const session = { connection, id: 'migen' };
  const options = { transaction: session };
  const sql = (text) => sequelize.query(text, options);
  try {
    await work(sql, options);
  } finally {
    await sequelize.connectionManager.releaseConnection(connection);
  }
}
"#;

const IN_TRANSACTION: &str = r#"// The statements migen planned as one transaction: all of them, or none.
async function inTransaction(sql, work) {
  await sql('BEGIN');
  try {
    await work();
  } catch (error) {
    await sql('ROLLBACK');
    throw error;
  }
  await sql('COMMIT');
}
"#;

#[cfg(test)]
mod tests;
