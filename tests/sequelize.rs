//! sequelize-cli judges migen's Sequelize migrations. For each case, dialect and strategy: the
//! before schema and the seed go into a scratch database; migen's migration files
//! (`--target sequelize`) go into a fresh project with a `config/config.json` naming that
//! database; **sequelize-cli itself** (`db:migrate`, then `db:migrate:undo` once per file
//! written) applies and reverts them, through pg, mysql2 (dialect `mysql` on MariaDB) and
//! sqlite3. Then:
//!
//! - what Sequelize sent is the statements migen planned, in order (the `queryInterface` calls
//!   included: Sequelize's spelling of them must mean the planned statement); sequelize-cli
//!   reads `config/config.js`, which adds a logger to config.json's database for that;
//! - after `db:migrate` the database equals the after schema, and every seeded row is still
//!   there, value by value, in the columns the change keeps as they were;
//! - after the undos the database equals the before schema and holds the seeded rows, value
//!   by value, in every column the change kept.
//!
//! Cases: the ten reference changes of ORACLES.md, a hostile one (quotes, backticks, `${`,
//! backslashes, line breaks in names and defaults) and the SQL corpus `tests/cases/<dialect>`,
//! each under both strategies. Every sequelize-cli call starts node, so by default the runs
//! are cut to the fewest (case, strategy) pairs that still hold every kind of planned
//! statement per strategy, in and out of transactions, and every character JavaScript must
//! keep (the constructs of the Knex judge's cut): 56 runs, about 40 s on 2 cores;
//! `MIGEN_FULL_ORACLES=1` runs every pair (1,118 runs, about 15 minutes on 2 busy cores). `MIGEN_CASE=text` keeps the cases whose name
//! contains `text`; `MIGEN_STRATEGY=direct|zero-downtime` one strategy.
//!
//! Without node/npm or a server the dialect is skipped locally and fails under `CI=true`.

use std::path::Path;
use std::process::Command;

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, QName, Schema, Version};
use migen::plan::{Plan, PlanOptions, PlannedStatement, Strategy};
use migen::render::{ArtifactKind, Context, Facts, Job, Target};
use migen::source::{live, sql};

// The Knex judge's cases and comparisons; its own cut (`covering`) and statement comparison
// are Knex's, this judge has its own.
#[allow(dead_code)]
#[path = "knex/cases.rs"]
mod cases;
mod common;
#[allow(dead_code)]
#[path = "knex/compare.rs"]
mod compare;

use cases::{constructs, corpus, hostile, reference_cases, strategies};
use common::Case;
use common::sequelize::{CliProject, Dumper, live_schema};
use compare::{Renames, Rows, canonical, kept, same_rows};

fn differences(actual: &Schema, expected: &Schema) -> String {
    diff::diff(actual, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A statement's tokens, with Sequelize's MySQL spelling of a unique index (`ALTER TABLE t ADD
/// UNIQUE INDEX n (…)`) in the planned statement's terms.
fn spelled(dialect: Dialect, sql: &str) -> Vec<String> {
    let tokens = canonical(dialect, sql);
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match (dialect, t.as_slice()) {
        (Dialect::Mysql, ["create", "unique", "index", name, "on", table, rest @ ..]) => [
            &["alter", "table", table, "add", "unique", "index", name],
            rest,
        ]
        .concat()
        .into_iter()
        .map(String::from)
        .collect(),
        _ => tokens,
    }
}

fn same_statements(
    dialect: Dialect,
    sent: &[String],
    planned: &[&PlannedStatement],
    when: &str,
) -> Result<(), String> {
    let matches = sent.len() == planned.len()
        && sent.iter().zip(planned).all(|(sent, planned)| {
            sent.trim() == planned.sql.trim()
                || spelled(dialect, sent) == spelled(dialect, &planned.sql)
        });
    if matches {
        Ok(())
    } else {
        Err(format!(
            "{when}: Sequelize sent other statements than migen planned\n  sent:    {sent:#?}\n  planned: {:#?}",
            planned.iter().map(|s| &s.sql).collect::<Vec<_>>()
        ))
    }
}

const NOW: u64 = 1_794_700_800;

enum Outcome {
    Passed,
    Skipped,
}

struct Run<'a> {
    oracle: &'a Path,
    dumper: &'a mut Dumper,
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
        if case.expect.is_some() || !plan.questions.is_empty() || plan.changes.is_empty() {
            return Ok(Outcome::Skipped);
        }
        let url = self.scratch.fresh()?;
        let project = CliProject::new(self.oracle, dialect, &url)?;
        let (files, shown) = write_migrations(&plan, &before, &after, project.path())?;

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
        let seeded = self.dumper.rows(dialect, &url, &before_tables)?;
        let renames = Renames::of(&plan);
        let mut check = |sent: Vec<String>,
                         planned: Vec<&PlannedStatement>,
                         schema: &Schema,
                         rows: Rows,
                         when: &str|
         -> Result<(), String> {
            same_statements(dialect, &sent, &planned, when)?;
            let found = differences(&live_schema(&url)?, schema);
            if !found.is_empty() {
                return Err(format!("{when}: the schema differs: {found}"));
            }
            let tables: Vec<QName> = schema.tables.keys().cloned().collect();
            let got = self.dumper.rows(dialect, &url, &tables)?;
            same_rows(&rows, &got, when)
        };
        let result = project.cli("db:migrate").and_then(|sent| {
            check(
                sent,
                plan.migrations.iter().flat_map(|m| &m.up).collect(),
                &after,
                kept(&seeded, &before, &after, &renames, true, true),
                "after db:migrate",
            )
        });
        let result = result.and_then(|()| {
            let mut sent = Vec::new();
            for _ in 0..files {
                sent.extend(project.cli("db:migrate:undo")?);
            }
            check(
                sent,
                plan.migrations.iter().rev().flat_map(|m| &m.down).collect(),
                &before,
                kept(&seeded, &before, &after, &renames, false, false),
                &format!("after db:migrate:undo ×{files}"),
            )
        });
        result.map_err(|e| format!("{e}\n{shown}"))?;
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

/// migen's Sequelize files for the plan in `<root>/migrations`: how many, and their text to
/// show on failure.
fn write_migrations(
    plan: &Plan,
    before: &Schema,
    after: &Schema,
    root: &Path,
) -> Result<(usize, String), String> {
    let dir = root.join("migrations");
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
    let rendered = Target::parse("sequelize")
        .unwrap()
        .render(&Job {
            plan,
            context: &context,
            facts: &facts,
            orm: None,
        })
        .map_err(|e| e.to_string())?;
    let mut shown = String::new();
    let mut files = 0;
    for artifact in rendered
        .artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Migration)
    {
        std::fs::write(&artifact.path, &artifact.contents).map_err(|e| e.to_string())?;
        files += 1;
        shown.push_str(&format!(
            "==> {} <==\n{}\n",
            artifact.path.display(),
            artifact.contents
        ));
    }
    Ok((files, shown))
}

/// A case under a strategy, by its label.
type CaseRun<'a> = (&'a str, &'a Case, Strategy);

/// The fewest runs (greedily) that hold every construct the runs hold under their strategy:
/// each kind of planned statement (alone or in a transaction) and each character JavaScript
/// and Sequelize must keep. The kinds of change per topic are left to the full sweep.
fn covering_runs<'a>(
    dialect: Dialect,
    runs: Vec<CaseRun<'a>>,
    version: Option<Version>,
) -> Vec<CaseRun<'a>> {
    let mut left: Vec<(CaseRun, std::collections::BTreeSet<String>)> = runs
        .into_iter()
        .map(|(label, case, strategy)| {
            let prefix = format!("{} ", strategy.name());
            let kinds = constructs(dialect, "", case, version)
                .into_iter()
                .filter(|k| k.starts_with(&prefix) || k.starts_with("text holds"))
                .map(|k| {
                    if k.starts_with("text holds") {
                        format!("{prefix}{k}")
                    } else {
                        k
                    }
                })
                .collect();
            ((label, case, strategy), kinds)
        })
        .collect();
    let mut uncovered: std::collections::BTreeSet<String> =
        left.iter().flat_map(|(_, k)| k.iter().cloned()).collect();
    let mut chosen = Vec::new();
    while !uncovered.is_empty() && !left.is_empty() {
        let best = (0..left.len())
            .max_by_key(|&i| {
                (
                    left[i].1.intersection(&uncovered).count(),
                    std::cmp::Reverse(i),
                )
            })
            .unwrap();
        let (run, kinds) = left.remove(best);
        if kinds.intersection(&uncovered).next().is_none() {
            break;
        }
        uncovered.retain(|k| !kinds.contains(k));
        chosen.push(run);
    }
    chosen
}

fn run_dialect(dialect: Dialect) {
    let Some(oracle) = common::node::sequelize_oracle() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let version = live::connect(&server)
        .and_then(|mut db| db.server_version())
        .ok()
        .and_then(|reported| Version::from_server_report(dialect, &reported));
    let corpus = corpus(dialect);
    let mut cases: Vec<(String, Case)> = reference_cases(dialect)
        .into_iter()
        .map(|c| (format!("reference#{}", c.name), c))
        .collect();
    cases.push(("hostile".into(), hostile(dialect)));
    cases.extend(corpus);
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    cases.retain(|(label, _)| label.contains(&filter));
    let strategies = strategies();
    let mut runs: Vec<CaseRun> = cases
        .iter()
        .flat_map(|(label, case)| strategies.iter().map(move |s| (label.as_str(), case, *s)))
        .collect();
    let full = std::env::var("MIGEN_FULL_ORACLES").as_deref() == Ok("1");
    let total = runs.len();
    if !full {
        runs = covering_runs(dialect, runs, version);
    }
    eprintln!(
        "{dialect}: {} of {total} (case, strategy) runs over {} cases{}",
        runs.len(),
        cases.len(),
        if full {
            ""
        } else {
            " (every construct; MIGEN_FULL_ORACLES=1 for all)"
        }
    );
    let mut dumper = Dumper::start(&oracle);
    let mut scratch = common::Scratch::new(server, dialect);
    let mut run = Run {
        oracle: &oracle,
        dumper: &mut dumper,
        scratch: &mut scratch,
        dialect,
        version,
    };
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for (label, case, strategy) in runs {
        match run.case(label, case, strategy) {
            Ok(Outcome::Passed) => passed += 1,
            Ok(Outcome::Skipped) => skipped += 1,
            Err(why) => failures.push(format!("{label} ({}): {why}", strategy.name())),
        }
    }
    for failure in &failures {
        eprintln!("FAILED {dialect} {failure}\n");
    }
    eprintln!(
        "{dialect}: {passed} sequelize-cli round trips passed, {} failed, {skipped} skipped (rename questions, no change)",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} {dialect} sequelize-cli round trips failed",
        failures.len()
    );
}

#[test]
fn sqlite_sequelize_round_trips() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_sequelize_round_trips() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_sequelize_round_trips() {
    run_dialect(Dialect::Mysql);
}

/// The binary end to end: `migen generate --target sequelize --full` in a project, then the
/// test it wrote runs sequelize-cli (`db:migrate`, `db:migrate:undo` per file) on a scratch
/// database with seeded rows; the guide names sequelize-cli's commands. With `linked`, the
/// project's node_modules hold sequelize-cli (found from the project, as in a real one);
/// otherwise SEQUELIZE_CLI_PATH names it.
fn generated_test_runs_sequelize_cli(dialect: Dialect, linked: bool, strategy: &str) {
    let Some(oracle) = common::node::sequelize_oracle() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let case = &reference_cases(dialect)[7];
    let project = tempfile::tempdir().unwrap();
    if linked {
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
        &[
            "--target",
            "sequelize",
            "--name",
            "add author",
            "--full",
            "--strategy",
            strategy,
        ],
    );
    let script = listing
        .split_whitespace()
        .find(|word| word.ends_with("test.sh"))
        .unwrap_or_else(|| panic!("no test.sh in {listing}"));
    let guide = std::fs::read_to_string(project.path().join(script).with_file_name("MIGRATION.md"))
        .unwrap();
    assert!(guide.contains("npx sequelize-cli db:migrate"), "{guide}");
    assert!(guide.contains("db:migrate:undo"), "{guide}");
    let files: Vec<String> = std::fs::read_dir(project.path().join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".js"))
        .collect();
    assert!(
        files.iter().any(|name| name.contains("-add-author")),
        "{listing}"
    );
    let mut run = Command::new("bash");
    run.arg(project.path().join(script))
        .env("MIGEN_TEST_URL", &server)
        .env_remove("SEQUELIZE_CLI_PATH");
    if !linked {
        run.env(
            "SEQUELIZE_CLI_PATH",
            oracle.join("node_modules/sequelize-cli"),
        );
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
    assert_eq!(
        said.matches("run sequelize-cli db:migrate:undo").count(),
        files.len(),
        "{dialect}: one undo per file:\n{said}"
    );
    for expected in [
        "run sequelize-cli db:migrate\n",
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
fn sqlite_generated_test_runs_sequelize_cli() {
    generated_test_runs_sequelize_cli(Dialect::Sqlite, true, "direct");
}

#[test]
fn postgres_generated_test_runs_sequelize_cli() {
    generated_test_runs_sequelize_cli(Dialect::Postgres, false, "zero-downtime");
}

#[test]
fn mysql_generated_test_runs_sequelize_cli() {
    generated_test_runs_sequelize_cli(Dialect::Mysql, false, "direct");
}

/// `.sequelizerc`'s `migrations-path` names the folder: `migen status` lists it as the
/// Sequelize migrations (empty at first), `migen generate --target sequelize` writes there,
/// and status then counts the new migration.
#[test]
fn sequelizerc_migrations_path_is_where_generate_writes() {
    let case = &reference_cases(Dialect::Sqlite)[0];
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::write(
        root.join(".sequelizerc"),
        "const path = require('path');\n\nmodule.exports = {\n  'config': path.resolve('config', 'config.json'),\n  'migrations-path': path.resolve('db', 'migrations'),\n};\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("db/migrations")).unwrap();
    let status = |expected: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_migen"))
            .current_dir(root)
            .arg("status")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(said.contains(expected), "{said}");
    };
    status("db/migrations (sequelize, 0 migration");
    let listing = common::generate(
        root,
        case,
        Dialect::Sqlite,
        &["--target", "sequelize", "--name", "add subtitle"],
    );
    let written: Vec<String> = std::fs::read_dir(root.join("db/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        written.len() == 1
            && written[0].len() > 15
            && written[0][..14].bytes().all(|b| b.is_ascii_digit())
            && written[0].ends_with("-add-subtitle.js"),
        "{written:?}\n{listing}"
    );
    assert!(!root.join("migrations").exists(), "{listing}");
    status("db/migrations (sequelize, 1 migration");
}
