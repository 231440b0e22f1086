//! Sequelize judges migen's whole path from models to sequelize-cli migrations. For every
//! model change of `sequelize_changes/cases.rs` (a before and an after models folder) on
//! SQLite, PostgreSQL and MariaDB:
//!
//! 1. Sequelize's own `sync()` (the pinned oracle, `sequelize_models/oracle.js`) builds the
//!    after models into a fresh database and the before models into another; migen's static
//!    reading of each folder equals what `sync()` built;
//! 2. for each strategy (direct, zero-downtime), on the before state with seeded rows, the real
//!    binary runs `migen generate --from before --to after --target sequelize` in a project
//!    whose `config/config.json` names the database;
//! 3. sequelize-cli's `db:migrate` reaches what `sync()` of the after models built (migen's
//!    live introspection of both, SequelizeMeta aside), every seeded row still there value by
//!    value in the columns the change keeps with their type;
//! 4. `db:migrate:undo:all` gives back the before state and the seeded rows value by value,
//!    except the values a case names as lost: those the files' down must name in a
//!    `// Cannot restore (…)` line. Where that line says the down re-adds a required column
//!    and fails on a non-empty table, the judge empties the table before the undo (the case
//!    says so by naming the column lost) and expects it back empty.
//!
//! The `sync()` check of step 1 runs for every case. The sequelize-cli round trips (each
//! starts node twice) run by default for the fewest (case, strategy) pairs that hold every
//! kind of change migen plans for the models under each strategy, and whether a file runs
//! outside a transaction; `MIGEN_FULL_ORACLES=1` runs every pair. `MIGEN_CASE=text` keeps the
//! cases whose name contains `text`. Without node/npm or a server the dialect is skipped
//! locally and fails under `CI=true`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, QName, Schema};
use migen::plan::{Plan, PlanOptions, Strategy};
use migen::source::{ReadOptions, SourceSpec};

#[path = "sequelize_changes/cases.rs"]
mod cases;
mod common;
#[allow(dead_code)]
#[path = "knex/compare.rs"]
mod compare;

use cases::Case;
use common::sequelize::{CliProject, Dumper, Rows, Syncer, live_schema};
use compare::{Renames, kept, same_rows};

const STRATEGIES: [Strategy; 2] = [Strategy::Direct, Strategy::ZeroDowntime];

fn differences(actual: &Schema, expected: &Schema) -> String {
    diff::diff(actual, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

fn write_models(dir: &Path, files: &[(&str, String)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// migen's static reading of a models folder.
fn read_models(dir: &Path, dialect: Dialect) -> Result<Schema, String> {
    migen::source::read(
        &SourceSpec::SqlFile(dir.to_path_buf()),
        dialect,
        &ReadOptions::default(),
    )
    .map(|(schema, _)| schema)
    .map_err(|e| e.to_string())
}

/// A case's models on one dialect, as `sync()` built them and as migen reads them.
struct Built {
    before: Schema,
    after: Schema,
    /// migen's own plan from its readings, for the kinds of change and the renames.
    plans: Vec<(Strategy, Plan)>,
}

/// What a run under `strategy` holds: each kind of change, and a file on one connection.
fn kinds(strategy: Strategy, plan: &Plan) -> BTreeSet<String> {
    let mut kinds: BTreeSet<String> = plan
        .changes
        .iter()
        .map(|change| {
            let kind = serde_json::to_value(change).unwrap()["kind"].clone();
            format!("{} {}", strategy.name(), kind.as_str().unwrap_or_default())
        })
        .collect();
    for migration in &plan.migrations {
        if migration
            .up
            .iter()
            .chain(&migration.down)
            .any(|s| !s.transactional || s.own_transaction)
        {
            kinds.insert(format!("{} outside a transaction", strategy.name()));
        }
        kinds.insert(format!("{} {:?} file", strategy.name(), migration.phase));
    }
    kinds
}

struct Judge {
    oracle: std::path::PathBuf,
    dialect: Dialect,
    syncer: Syncer,
    dumper: Dumper,
    scratch: common::Scratch,
}

impl Judge {
    /// Step 1: `sync()` of both folders equals migen's reading of them.
    fn build(&mut self, case: &Case) -> Result<Built, String> {
        let dialect = self.dialect;
        let models = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut schemas = Vec::new();
        for (side, files) in [("before", &case.before), ("after", &case.after)] {
            let dir = models.path().join(side);
            write_models(&dir, files);
            let url = self.scratch.fresh()?;
            self.syncer
                .sync(&dir, dialect, &url)
                .map_err(|e| format!("sync() of the {side} models failed: {e}"))?;
            let synced = live_schema(&url)?;
            let read = read_models(&dir, dialect)
                .map_err(|e| format!("migen could not read the {side} models: {e}"))?;
            let found = differences(&synced, &read);
            if !found.is_empty() {
                return Err(format!(
                    "sync() of the {side} models -> migen's reading: {found}"
                ));
            }
            schemas.push((synced, read));
        }
        let (after, after_read) = schemas.pop().unwrap();
        let (before, before_read) = schemas.pop().unwrap();
        let answers = RenameAnswers::parse(
            &case
                .renames
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>(),
            false,
        )?;
        let plans = STRATEGIES
            .iter()
            .map(|&strategy| {
                let options = PlanOptions {
                    strategy,
                    ..PlanOptions::default()
                };
                let plan = migen::plan::plan_with(&before_read, &after_read, &answers, &options);
                (strategy, plan)
            })
            .collect();
        Ok(Built {
            before,
            after,
            plans,
        })
    }

    /// Steps 2 to 4 under one strategy.
    fn round_trip(
        &mut self,
        case: &Case,
        built: &Built,
        strategy: Strategy,
        plan: &Plan,
    ) -> Result<(), String> {
        let dialect = self.dialect;
        let url = self.scratch.fresh()?;
        let project = CliProject::new(&self.oracle, dialect, &url)?;
        let root = project.path();
        write_models(&root.join("before"), &case.before);
        write_models(&root.join("after"), &case.after);
        self.syncer.sync(&root.join("before"), dialect, &url)?;
        self.dumper.insert(dialect, &url, &case.seed)?;
        let before_tables: Vec<QName> = built.before.tables.keys().cloned().collect();
        let seeded = self.dumper.rows(dialect, &url, &before_tables)?;

        let files = generate(root, case, dialect, strategy)?;
        let shown: String = files
            .iter()
            .map(|(name, text)| format!("==> {name} <==\n{text}\n"))
            .collect();
        let fail = |e: String| format!("{e}\n{shown}");
        let (restored, emptied) = restorable(case, &files, &seeded).map_err(fail)?;

        let renames = Renames::of(plan);
        let after_tables: Vec<QName> = built.after.tables.keys().cloned().collect();
        project.cli("db:migrate").map_err(fail)?;
        let found = differences(&live_schema(&url)?, &built.after);
        if !found.is_empty() {
            return Err(fail(format!(
                "after db:migrate, the database -> sync() of the after models: {found}"
            )));
        }
        let expected = kept(&seeded, &built.before, &built.after, &renames, true, true);
        let got = self.dumper.rows(dialect, &url, &after_tables)?;
        same_rows(&expected, &got, "after db:migrate").map_err(fail)?;

        if !emptied.is_empty() {
            let mut db = migen::source::live::connect(&url).map_err(|e| e.to_string())?;
            for table in &emptied {
                let quoted = match dialect {
                    Dialect::Mysql => format!("`{table}`"),
                    _ => format!("\"{table}\""),
                };
                db.execute(&format!("DELETE FROM {quoted}"))
                    .map_err(|e| e.to_string())?;
            }
        }
        project.cli("db:migrate:undo:all").map_err(fail)?;
        let found = differences(&live_schema(&url)?, &built.before);
        if !found.is_empty() {
            return Err(fail(format!(
                "after db:migrate:undo:all, the database -> sync() of the before models: {found}"
            )));
        }
        let got = self.dumper.rows(dialect, &url, &before_tables)?;
        same_rows(&restored, &got, "after db:migrate:undo:all").map_err(fail)
    }
}

/// `migen generate` (the binary) in the project: the files it wrote, in name order.
fn generate(
    root: &Path,
    case: &Case,
    dialect: Dialect,
    strategy: Strategy,
) -> Result<Vec<(String, String)>, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migen"));
    command
        .current_dir(root)
        .args(["generate", "--from", "before", "--to", "after"])
        .args(["--target", "sequelize", "--dir", "migrations", "--name"])
        .arg(case.name)
        .args(["--dialect", dialect.name(), "--strategy", strategy.name()])
        .arg("--allow-data-loss");
    for rename in &case.renames {
        command.args(["--rename", rename]);
    }
    let out = command.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "migen generate failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut files: Vec<(String, String)> = std::fs::read_dir(root.join("migrations"))
        .map_err(|e| e.to_string())?
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("migen generate wrote no migration".into());
    }
    Ok(files)
}

/// The seeded rows the undo must give back: all of them, but for the values the case names
/// as lost, each of which a `// Cannot restore (…)` line of a down must name; and the tables
/// to empty before the undo, whose lost column that line says the down re-adds and fails on
/// a non-empty table (these must come back empty).
fn restorable(
    case: &Case,
    files: &[(String, String)],
    seeded: &Rows,
) -> Result<(Rows, BTreeSet<String>), String> {
    let said: Vec<&str> = files
        .iter()
        .flat_map(|(_, text)| text.lines())
        .filter(|line| line.trim_start().starts_with("// Cannot restore ("))
        .collect();
    let mut emptied = BTreeSet::new();
    for lost in &case.lost {
        let (table, column) = lost.split_once('.').unwrap_or((lost, ""));
        let Some(line) = said.iter().find(|line| line.contains(lost)) else {
            return Err(format!(
                "the down does not say it cannot restore {lost}: {said:#?}"
            ));
        };
        let re_added = format!(
            "values of {lost} are dropped; the down re-adds the column and fails on a non-empty table"
        );
        if !column.is_empty() && line.contains(&re_added) {
            emptied.insert(table.to_string());
        }
    }
    let mut rows = seeded.clone();
    for table in &emptied {
        rows.insert(table.clone(), Vec::new());
    }
    for lost in &case.lost {
        match lost.split_once('.') {
            Some((table, column)) => {
                for row in rows.get_mut(table).into_iter().flatten() {
                    row.remove(column);
                }
            }
            None => {
                rows.remove(*lost);
            }
        }
    }
    for table in rows.values_mut() {
        table.sort();
    }
    Ok((rows, emptied))
}

/// The fewest (case, strategy) runs, greedily, that hold every kind the runs hold.
fn covering(runs: Vec<(usize, Strategy, BTreeSet<String>)>) -> BTreeSet<(usize, &'static str)> {
    let mut uncovered: BTreeSet<String> = runs.iter().flat_map(|(_, _, k)| k.clone()).collect();
    let mut left = runs;
    let mut chosen = BTreeSet::new();
    while !uncovered.is_empty() {
        let best = (0..left.len())
            .max_by_key(|&i| {
                (
                    left[i].2.intersection(&uncovered).count(),
                    std::cmp::Reverse(i),
                )
            })
            .unwrap();
        let (case, strategy, kinds) = left.remove(best);
        uncovered.retain(|k| !kinds.contains(k));
        chosen.insert((case, strategy.name()));
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
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    let full = std::env::var("MIGEN_FULL_ORACLES").as_deref() == Ok("1");
    let cases: Vec<Case> = cases::cases()
        .into_iter()
        .filter(|c| c.only.contains(&dialect) && c.name.contains(&filter))
        .collect();
    let mut judge = Judge {
        dialect,
        syncer: Syncer::start(&oracle),
        dumper: Dumper::start(&oracle),
        scratch: common::Scratch::new(server, dialect),
        oracle,
    };
    let mut failures = Vec::new();
    let mut built = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        match judge.build(case) {
            Ok(b) => built.push((index, b)),
            Err(why) => failures.push(format!("{} on {dialect}: {why}", case.name)),
        }
    }
    let runs: Vec<(usize, Strategy, BTreeSet<String>)> = built
        .iter()
        .flat_map(|(index, b)| {
            b.plans
                .iter()
                .map(|(strategy, plan)| (*index, *strategy, kinds(*strategy, plan)))
        })
        .collect();
    let total = runs.len();
    let chosen = if full {
        runs.iter().map(|(i, s, _)| (*i, s.name())).collect()
    } else {
        covering(runs)
    };
    let mut passed: Vec<String> = Vec::new();
    for (index, b) in &built {
        for (strategy, plan) in &b.plans {
            if !chosen.contains(&(*index, strategy.name())) {
                continue;
            }
            let case = &cases[*index];
            match judge.round_trip(case, b, *strategy, plan) {
                Ok(()) => passed.push(format!("{} ({})", case.name, strategy.name())),
                Err(why) => failures.push(format!(
                    "{} on {dialect} ({}): {why}",
                    case.name,
                    strategy.name()
                )),
            }
        }
    }
    for failure in &failures {
        eprintln!("FAILED {failure}\n");
    }
    eprintln!(
        "{dialect}: {} of {} model sets read as sync() builds them; {} of {total} (case, strategy) sequelize-cli round trips run{}, {} passed",
        built.len(),
        cases.len(),
        chosen.len(),
        if full {
            ""
        } else {
            " (every kind of change; MIGEN_FULL_ORACLES=1 for all)"
        },
        passed.len(),
    );
    assert!(
        failures.is_empty(),
        "{} {dialect} Sequelize model changes failed",
        failures.len()
    );
    if filter.is_empty() {
        assert!(cases.len() >= 30, "only {} cases", cases.len());
    }
}

#[test]
fn sqlite_model_changes() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_model_changes() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_model_changes() {
    run_dialect(Dialect::Mysql);
}
