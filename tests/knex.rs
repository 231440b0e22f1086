//! Knex judges migen's Knex migrations. For each case, dialect and strategy: the before schema
//! and the seed go into a scratch database; migen's migration files (`--target knex`) go into
//! a fresh folder; **Knex itself** (`knex.migrate.latest()`, what `knex migrate:latest` runs,
//! driven by `tests/knex/driver.js` through better-sqlite3, pg and mysql2) applies them. Then:
//!
//! - what Knex sent is the statements migen planned, in order (the schema builder calls
//!   included: Knex's spelling of them must mean the planned statement);
//! - the database equals the after schema, and every seeded row is still there, value by
//!   value, in the columns the change keeps as they were;
//! - `knex.migrate.rollback(all)` brings back the before schema and the seeded rows, value by
//!   value, in every column the change kept.
//!
//! Cases: the ten reference changes of ORACLES.md, then the SQL corpus `tests/cases/<dialect>`.
//! By default the corpus is cut to the fewest cases that still hold every construct the whole
//! corpus plans (every change kind, operation and statement kind, in and out of transactions),
//! chosen when the test runs; `MIGEN_FULL_ORACLES=1` runs all of it (about 3.5 minutes on 2
//! cores, against about 70 s for the default). `MIGEN_CASE=text` keeps the cases whose name
//! contains `text`; `MIGEN_STRATEGY=direct|zero-downtime` one strategy.
//!
//! The cases are in `knex/cases.rs`, what is compared and how in `knex/compare.rs`; the end
//! to end tests at the bottom run the binary and the `--with-tests` script it writes.
//!
//! Without node/npm or a server the dialect is skipped locally and fails under `CI=true`.

use std::path::Path;
use std::process::Command;

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, QName, Schema, Version};
use migen::plan::{Plan, PlanOptions, PlannedStatement, Strategy};
use migen::render::{ArtifactKind, Context, Facts, Job, Target};
use migen::source::{live, sql};
use serde_json::{Value, json};

#[path = "knex/cases.rs"]
mod cases;
mod common;
#[path = "knex/compare.rs"]
mod compare;

use cases::{judged_cases, reference_cases, strategies};
use common::Case;
use compare::{Renames, Rows, kept, same_rows, same_statements};

/// One node process driving Knex.
struct Driver(common::node::NodeScript);

impl Driver {
    fn start(oracle: &Path) -> Driver {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/knex/driver.js");
        let mut command = Command::new("node");
        command
            .arg(script)
            .env("NODE_PATH", oracle.join("node_modules"));
        Driver(common::node::NodeScript::start(command))
    }

    fn ask(&mut self, request: Value) -> Result<Value, String> {
        let reply = self.0.ask(&request)?;
        match reply.get("error") {
            Some(error) => Err(format!("Knex: {}", error.as_str().unwrap_or_default())),
            None => Ok(reply),
        }
    }
}

/// Where Knex connects: its client package and connection.
fn knex_connection(dialect: Dialect, url: &str) -> (&'static str, Value) {
    match dialect {
        Dialect::Postgres => ("pg", json!(url)),
        Dialect::Mysql => ("mysql2", json!(url)),
        Dialect::Sqlite => (
            "better-sqlite3",
            json!({ "filename": url.trim_start_matches("sqlite://") }),
        ),
    }
}

/// The database's schema without Knex's bookkeeping tables.
fn live_schema(url: &str) -> Result<Schema, String> {
    let mut schema = live::connect(url)
        .and_then(|mut db| db.introspect())
        .map_err(|e| e.to_string())?;
    schema
        .tables
        .retain(|name, _| name.name != "knex_migrations" && name.name != "knex_migrations_lock");
    Ok(schema)
}

fn differences(actual: &Schema, expected: &Schema) -> String {
    diff::diff(actual, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

fn dump(
    driver: &mut Driver,
    dialect: Dialect,
    url: &str,
    tables: &[QName],
) -> Result<Rows, String> {
    let (client, connection) = knex_connection(dialect, url);
    let tables: Vec<Value> = tables.iter().map(|t| json!([t.schema, t.name])).collect();
    let reply = driver.ask(json!({
        "op": "dump", "client": client, "connection": connection, "tables": tables
    }))?;
    serde_json::from_value(reply["rows"].clone()).map_err(|e| e.to_string())
}

const NOW: u64 = 1_794_700_800;

enum Outcome {
    Passed,
    Skipped,
}

/// One run of Knex's migrator and what must hold after it.
struct Stage<'a> {
    /// The driver's request: `latest` or `rollback` (all batches).
    op: &'static str,
    when: &'static str,
    /// The statements Knex must send, in order.
    planned: Vec<&'a PlannedStatement>,
    /// The schema the database must have afterwards.
    schema: &'a Schema,
    /// The seeded rows that must be there afterwards.
    rows: Rows,
}

struct Run<'a> {
    driver: &'a mut Driver,
    scratch: &'a mut common::Scratch,
    dialect: Dialect,
    version: Option<Version>,
}

impl Run<'_> {
    fn case(&mut self, label: &str, case: &Case, strategy: Strategy) -> Result<Outcome, String> {
        let dialect = self.dialect;
        let before = sql::parse(dialect, &case.before, &format!("{label}:before"))
            .map_err(|e| e.to_string())?;
        let after = sql::parse(dialect, &case.after, &format!("{label}:after"))
            .map_err(|e| e.to_string())?;
        let answers = RenameAnswers::parse(&case.renames, false)?;
        let plan = plan_for(&before, &after, &answers, strategy, self.version);
        if case.expect.is_some() || !plan.questions.is_empty() {
            return Ok(Outcome::Skipped);
        }
        if plan.changes.is_empty() {
            return Ok(Outcome::Skipped);
        }
        let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
        let files = write_migrations(&plan, &before, &after, folder.path())?;

        let url = self.scratch.fresh()?;
        let mut db = live::connect(&url).map_err(|e| e.to_string())?;
        if !case.before.trim().is_empty() {
            db.execute(&case.before)
                .map_err(|e| format!("before: {e}"))?;
        }
        if let Some(seed) = case.seed.as_deref().filter(|s| !s.trim().is_empty()) {
            db.execute(seed).map_err(|e| format!("seed: {e}"))?;
        }
        drop(db);
        let before_tables: Vec<QName> = before.tables.keys().cloned().collect();
        let seeded = dump(self.driver, dialect, &url, &before_tables)?;
        let renames = Renames::of(&plan);
        let directory = folder.path().join("migrations");
        let mut stage = |stage: Stage| -> Result<(), String> {
            let (client, connection) = knex_connection(dialect, &url);
            let reply = self.driver.ask(json!({ "op": stage.op, "client": client,
                "connection": connection, "directory": directory }))?;
            let sent: Vec<String> = serde_json::from_value(reply["queries"].clone())
                .map_err(|e| format!("driver reply {reply}: {e}"))?;
            same_statements(dialect, &sent, &stage.planned, stage.when)?;
            let found = differences(&live_schema(&url)?, stage.schema);
            if !found.is_empty() {
                return Err(format!("{}: the schema differs: {found}", stage.when));
            }
            let tables: Vec<QName> = stage.schema.tables.keys().cloned().collect();
            let rows = dump(self.driver, dialect, &url, &tables)?;
            same_rows(&stage.rows, &rows, stage.when)
        };
        stage(Stage {
            op: "latest",
            when: "after migrate:latest",
            planned: plan.migrations.iter().flat_map(|m| &m.up).collect(),
            schema: &after,
            rows: kept(&seeded, &before, &after, &renames, true, true),
        })
        .and_then(|()| {
            stage(Stage {
                op: "rollback",
                when: "after migrate:rollback --all",
                planned: plan.migrations.iter().rev().flat_map(|m| &m.down).collect(),
                schema: &before,
                rows: kept(&seeded, &before, &after, &renames, false, false),
            })
        })
        .map_err(|e| format!("{e}\n{files}"))?;
        Ok(Outcome::Passed)
    }
}

fn plan_for(
    before: &Schema,
    after: &Schema,
    answers: &RenameAnswers,
    strategy: Strategy,
    version: Option<Version>,
) -> Plan {
    let options = PlanOptions {
        strategy,
        version,
        ..PlanOptions::default()
    };
    migen::plan::plan_with(before, after, answers, &options)
}

/// migen's Knex files for the plan in `<root>/migrations`; their text, to show on failure.
fn write_migrations(
    plan: &Plan,
    before: &Schema,
    after: &Schema,
    root: &Path,
) -> Result<String, String> {
    let dir = root.join("migrations");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let version = Version::oldest_supported(plan.dialect);
    let facts = Facts {
        before,
        after,
        findings: &[],
        version: &version,
        stats: None,
    };
    let context = Context {
        dir: dir.clone(),
        name: "change".into(),
        now: NOW,
        existing: Vec::new(),
    };
    let target = Target::parse("knex").unwrap();
    let rendered = target
        .render(&Job {
            plan,
            context: &context,
            facts: &facts,
            orm: None,
        })
        .map_err(|e| e.to_string())?;
    let mut shown = String::new();
    for artifact in rendered
        .artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Migration)
    {
        std::fs::write(&artifact.path, &artifact.contents).map_err(|e| e.to_string())?;
        shown.push_str(&format!(
            "==> {} <==\n{}\n",
            artifact.path.display(),
            artifact.contents
        ));
    }
    Ok(shown)
}

fn run_dialect(dialect: Dialect) {
    let Some(oracle) = common::node::js_oracle() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let version = live::connect(&server)
        .and_then(|mut db| db.server_version())
        .ok()
        .and_then(|reported| Version::from_server_report(dialect, &reported));
    let cases = judged_cases(dialect, version);
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    let strategies = strategies();
    let mut driver = Driver::start(&oracle);
    let mut scratch = common::Scratch::new(server, dialect);
    let mut run = Run {
        driver: &mut driver,
        scratch: &mut scratch,
        dialect,
        version,
    };
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for (label, case) in cases.iter().filter(|(label, _)| label.contains(&filter)) {
        for &strategy in &strategies {
            match run.case(label, case, strategy) {
                Ok(Outcome::Passed) => passed += 1,
                Ok(Outcome::Skipped) => skipped += 1,
                Err(why) => failures.push(format!("{label} ({}): {why}", strategy.name())),
            }
        }
    }
    for failure in &failures {
        eprintln!("FAILED {dialect} {failure}\n");
    }
    eprintln!(
        "{dialect}: {passed} Knex round trips passed, {} failed, {skipped} skipped (rename questions, no change)",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} {dialect} Knex round trips failed",
        failures.len()
    );
}

#[test]
fn sqlite_knex_round_trips() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_knex_round_trips() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_knex_round_trips() {
    run_dialect(Dialect::Mysql);
}

/// An empty TypeScript migration, as a TypeScript Knex project has.
const TS_INIT: &str = "import type { Knex } from \"knex\";\n\nexport async function up(knex: Knex): Promise<void> {}\n\nexport async function down(knex: Knex): Promise<void> {}\n";

/// The binary end to end: `migen generate --target knex --full` in a project, then the test it
/// wrote runs Knex's own CLI (`knex migrate:latest`, `knex migrate:rollback --all`) on a
/// scratch database with seeded rows; the guide names Knex's commands. With `typescript`, the
/// project's migrations are TypeScript and its node_modules hold Knex and ts-node (found from
/// the project, as in a real one); otherwise KNEX_PATH names Knex.
fn generated_test_runs_knex_cli(dialect: Dialect, typescript: bool) {
    let Some(oracle) = common::node::js_oracle() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let case = &reference_cases(dialect)[7];
    let project = tempfile::tempdir().unwrap();
    if typescript {
        std::fs::create_dir_all(project.path().join("migrations")).unwrap();
        std::fs::write(
            project.path().join("migrations/20200101000000_init.ts"),
            TS_INIT,
        )
        .unwrap();
        std::os::unix::fs::symlink(
            oracle.join("node_modules"),
            project.path().join("node_modules"),
        )
        .unwrap();
    }
    let listing = common::generate(
        project.path(),
        case,
        dialect,
        &["--target", "knex", "--name", "add author", "--full"],
    );
    let script = listing
        .split_whitespace()
        .find(|word| word.ends_with("test.sh"))
        .unwrap_or_else(|| panic!("no test.sh in {listing}"));
    let guide = std::fs::read_to_string(project.path().join(script).with_file_name("MIGRATION.md"))
        .unwrap();
    assert!(guide.contains("npx knex migrate:latest"), "{guide}");
    let migration = std::fs::read_dir(project.path().join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .find(|name| {
            name.ends_with(if typescript {
                "_add_author.ts"
            } else {
                "_add_author.js"
            })
        });
    assert!(migration.is_some(), "{listing}");
    let mut run = Command::new("bash");
    run.arg(project.path().join(script))
        .env("MIGEN_TEST_URL", &server)
        .env_remove("KNEX_PATH");
    if !typescript {
        run.env("KNEX_PATH", oracle.join("node_modules/knex"));
    }
    let run = run.output().unwrap();
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "{dialect}: the generated test failed:\n{said}"
    );
    for expected in [
        "run knex migrate:latest",
        "run knex migrate:rollback --all",
        "ok: seeded rows after down",
        "passed:",
    ] {
        assert!(
            said.contains(expected),
            "{dialect}: no `{expected}` in:\n{said}"
        );
    }
}

#[test]
fn sqlite_generated_test_runs_knex_cli() {
    generated_test_runs_knex_cli(Dialect::Sqlite, false);
}

#[test]
fn postgres_generated_test_runs_knex_cli() {
    generated_test_runs_knex_cli(Dialect::Postgres, true);
}

#[test]
fn mysql_generated_test_runs_knex_cli() {
    generated_test_runs_knex_cli(Dialect::Mysql, false);
}

/// `migen generate` in a Knex project picks the target and the folder by itself: the
/// knexfile's migrations folder, TypeScript like its newest migration, named after it.
#[test]
fn generate_detects_a_knex_project() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::create_dir_all(root.join("db/migrations")).unwrap();
    std::fs::write(
        root.join("knexfile.js"),
        "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './db/migrations' } };\n",
    )
    .unwrap();
    std::fs::write(root.join("db/migrations/20991231235959_init.ts"), TS_INIT).unwrap();
    let case = &reference_cases(Dialect::Postgres)[0];
    let listing = common::generate(root, case, Dialect::Postgres, &["--name", "add subtitle"]);
    let written = root.join("db/migrations/21000101000000_add_subtitle.ts");
    let text = std::fs::read_to_string(&written)
        .unwrap_or_else(|e| panic!("{}: {e}\n{listing}", written.display()));
    assert!(
        text.contains("export async function up(knex: Knex): Promise<void> {"),
        "{text}"
    );
}
