//! Liquibase judges migen's Liquibase changelogs. For each case, dialect and strategy: the
//! before schema and the seed go into a scratch database; migen's files (`--target
//! liquibase`: the changelog under `changes/` and the master changelog that includes the
//! folder) go into a fresh folder; **Liquibase's own command line** (4.28, from the npm package
//! `liquibase`, which ships the distribution and its PostgreSQL, MariaDB and SQLite drivers)
//! runs `update`, then `status` must show nothing pending, the database must equal the after
//! schema and every seeded row must still be there, value by value; then `rollback-count N`
//! (N: the changesets migen wrote) must bring back the before schema and the seeded rows.
//!
//! One JVM runs every command of a dialect (`tests/liquibase/Driver.java` calls Liquibase's
//! command line class once per request): a JVM start costs seconds. Rows are read with the
//! Knex judge's node driver, and the cases are the Knex judge's (the ten reference changes of
//! ORACLES.md and a hostile one, the corpus cut to the cases that hold every construct);
//! `MIGEN_FULL_ORACLES=1` runs the whole corpus, `MIGEN_CASE=text` and
//! `MIGEN_STRATEGY=direct|zero-downtime` narrow the run.
//!
//! Liquibase's SQLite driver needs SLF4J's API, which the distribution does not ship: it comes
//! from Debian's `libslf4j-java` (`/usr/share/java/slf4j-api.jar`). Without java, the oracle
//! or a server the dialect is skipped locally and fails under `CI=true`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, QName, Schema, Version};
use migen::plan::{Plan, PlanOptions, Strategy};
use migen::render::{Context, Facts, Job, Target};
use migen::source::{live, sql};
use serde_json::{Value, json};

#[path = "knex/cases.rs"]
mod cases;
mod common;
// The statement comparisons are the Knex judge's own: Liquibase sends migen's text as is.
#[allow(dead_code)]
#[path = "knex/compare.rs"]
mod compare;

use cases::{judged_cases, reference_cases, strategies};
use common::Case;
use compare::{Renames, Rows, kept, same_rows};

/// The class path of Liquibase's command line with SLF4J beside it.
fn class_path(home: &Path) -> String {
    let mut parts = vec![format!("{}/internal/lib/*", home.display())];
    parts.extend(common::oracles::SLF4J.iter().map(|s| s.to_string()));
    parts.join(":")
}

/// One JVM running Liquibase commands.
struct Liquibase {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Liquibase {
    fn start(home: &Path) -> Liquibase {
        let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/liquibase/Driver.java");
        let mut child = Command::new("java")
            .arg("-cp")
            .arg(class_path(home))
            .arg(driver)
            .env("LIQUIBASE_HOME", home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("java starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Liquibase {
            child,
            stdin,
            stdout,
        }
    }

    /// Runs one command; its output, or an error with it when the exit code is not 0.
    fn run(&mut self, args: &[String]) -> Result<String, String> {
        let line = args.join("\t");
        writeln!(self.stdin, "{line}").map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())?;
        let mut said = String::new();
        loop {
            let mut line = String::new();
            if self
                .stdout
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err(format!("the Liquibase JVM ended:\n{said}"));
            }
            if let Some(code) = line.trim_end().strip_prefix("MIGEN-DONE ") {
                return if code == "0" {
                    Ok(said)
                } else {
                    Err(format!(
                        "liquibase {} exited {code}:\n{said}",
                        args.join(" ")
                    ))
                };
            }
            said.push_str(&line);
        }
    }
}

impl Drop for Liquibase {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Liquibase's JDBC URL and user for one of migen's database URLs.
fn jdbc(url: &str) -> (String, Option<String>) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return (format!("jdbc:sqlite:{path}"), None);
    }
    let (scheme, rest) = url.split_once("://").unwrap();
    let (user, place) = match rest.split_once('@') {
        Some((user, place)) => (Some(user.split(':').next().unwrap().to_string()), place),
        None => (None, rest),
    };
    // The distribution ships MariaDB's driver, which speaks to MySQL too.
    let driver = if scheme.starts_with("postgres") {
        "postgresql"
    } else {
        "mariadb"
    };
    (format!("jdbc:{driver}://{place}"), user)
}

/// One Knex node process, for reading rows the same way as the Knex judge.
struct RowReader(common::node::NodeScript);

impl RowReader {
    fn start(oracle: &Path) -> RowReader {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/knex/driver.js");
        let mut command = Command::new("node");
        command
            .arg(script)
            .env("NODE_PATH", oracle.join("node_modules"));
        RowReader(common::node::NodeScript::start(command))
    }

    fn dump(&mut self, dialect: Dialect, url: &str, tables: &[QName]) -> Result<Rows, String> {
        let (client, connection) = match dialect {
            Dialect::Postgres => ("pg", json!(url)),
            Dialect::Mysql => ("mysql2", json!(url)),
            Dialect::Sqlite => (
                "better-sqlite3",
                json!({ "filename": url.trim_start_matches("sqlite://") }),
            ),
        };
        let tables: Vec<Value> = tables.iter().map(|t| json!([t.schema, t.name])).collect();
        let reply = self.0.ask(&json!({
            "op": "dump", "client": client, "connection": connection, "tables": tables
        }))?;
        if let Some(error) = reply.get("error") {
            return Err(format!("reading rows: {error}"));
        }
        serde_json::from_value(reply["rows"].clone()).map_err(|e| e.to_string())
    }
}

/// The database's schema without Liquibase's bookkeeping tables.
fn live_schema(url: &str) -> Result<Schema, String> {
    let mut schema = live::connect(url)
        .and_then(|mut db| db.introspect())
        .map_err(|e| e.to_string())?;
    schema.tables.retain(|name, _| {
        !name
            .name
            .to_ascii_lowercase()
            .starts_with("databasechangelog")
    });
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

pub(crate) fn plan_for(
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

const NOW: u64 = 1_794_700_800;

/// migen's Liquibase files for the plan under `<root>/db/changelog`; the changeset count and
/// the files' text, to show on failure.
fn write_changelog(
    plan: &Plan,
    before: &Schema,
    after: &Schema,
    root: &Path,
) -> Result<(usize, String), String> {
    let dir = root.join("db/changelog");
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
    let rendered = Target::parse("liquibase")
        .unwrap()
        .render(&Job {
            plan,
            context: &context,
            facts: &facts,
            orm: None,
        })
        .map_err(|e| e.to_string())?;
    let (mut count, mut shown) = (0, String::new());
    for artifact in &rendered.artifacts {
        std::fs::create_dir_all(artifact.path.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&artifact.path, &artifact.contents).map_err(|e| e.to_string())?;
        count += artifact
            .contents
            .lines()
            .filter(|l| l.starts_with("--changeset "))
            .count();
        shown.push_str(&format!(
            "==> {} <==\n{}\n",
            artifact.path.display(),
            artifact.contents
        ));
    }
    Ok((count, shown))
}

enum Outcome {
    Passed,
    Skipped,
}

struct Run<'a> {
    liquibase: &'a mut Liquibase,
    rows: &'a mut RowReader,
    server: String,
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
        let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
        let (count, files) = write_changelog(&plan, &before, &after, folder.path())?;
        let scratch = live::create_scratch(&self.server).map_err(|e| e.to_string())?;
        let url = scratch.url.clone();
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
        let seeded = self.rows.dump(dialect, &url, &before_tables)?;
        let renames = Renames::of(&plan);
        let (jdbc, user) = jdbc(&url);
        let command = |words: &[&str]| -> Vec<String> {
            let mut args = vec![
                "--show-banner=false".to_string(),
                format!("--url={jdbc}"),
                format!(
                    "--search-path={}",
                    folder.path().join("db/changelog").display()
                ),
                "--changelog-file=db.changelog-master.xml".to_string(),
            ];
            args.extend(user.iter().map(|u| format!("--username={u}")));
            args.extend(words.iter().map(|w| w.to_string()));
            args
        };
        let mut check = |when: &str, schema: &Schema, rows: &Rows| -> Result<(), String> {
            let found = differences(&live_schema(&url)?, schema);
            if !found.is_empty() {
                return Err(format!("{when}: the schema differs: {found}"));
            }
            let tables: Vec<QName> = schema.tables.keys().cloned().collect();
            let got = self.rows.dump(dialect, &url, &tables)?;
            same_rows(rows, &got, when)
        };
        let result = (|| {
            self.liquibase.run(&command(&["update"]))?;
            let status = self.liquibase.run(&command(&["status"]))?;
            if !status.contains("is up to date") {
                return Err(format!(
                    "status after update shows pending changesets:\n{status}"
                ));
            }
            check(
                "after liquibase update",
                &after,
                &kept(&seeded, &before, &after, &renames, true, true),
            )?;
            self.liquibase
                .run(&command(&["rollback-count", &format!("--count={count}")]))?;
            check(
                &format!("after liquibase rollback-count --count={count}"),
                &before,
                &kept(&seeded, &before, &after, &renames, false, false),
            )
        })();
        result.map_err(|e| format!("{e}\n{files}"))?;
        Ok(Outcome::Passed)
    }
}

fn run_dialect(dialect: Dialect) {
    let Some(home) = common::oracles::liquibase_home() else {
        return;
    };
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
    let mut liquibase = Liquibase::start(&home);
    let mut rows = RowReader::start(&oracle);
    let mut run = Run {
        liquibase: &mut liquibase,
        rows: &mut rows,
        server,
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
        "{dialect}: {passed} Liquibase round trips passed, {} failed, {skipped} skipped (rename questions, no change)",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} {dialect} Liquibase round trips failed",
        failures.len()
    );
}

#[test]
fn sqlite_liquibase_round_trips() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_liquibase_round_trips() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_liquibase_round_trips() {
    run_dialect(Dialect::Mysql);
}

/// A `liquibase` command for the generated test scripts: Liquibase's command line from the
/// oracle, with SLF4J beside it.
fn liquibase_command(home: &Path, dir: &Path) -> PathBuf {
    let path = dir.join("liquibase");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nLIQUIBASE_HOME='{}' exec java -cp '{}' liquibase.integration.commandline.LiquibaseCommandLine \"$@\"\n",
            home.display(),
            class_path(home)
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Runs a generated test script with Liquibase; what it said, after asserting it passed.
fn run_generated_test(script: &Path, liquibase: &Path, server: Option<&str>) -> String {
    let mut run = Command::new("bash");
    run.arg(script).env("LIQUIBASE", liquibase);
    if let Some(server) = server {
        run.env("MIGEN_TEST_URL", server);
    }
    let out = run.output().unwrap();
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the generated test failed:\n{said}");
    for expected in [
        "run liquibase update",
        "run liquibase rollback-count --count=",
        "ok: the schema after up",
        "ok: seeded rows after up",
        "ok: the schema after down",
        "ok: seeded rows after down",
        "passed:",
    ] {
        assert!(said.contains(expected), "no `{expected}` in:\n{said}");
    }
    said
}

/// The binary end to end: `migen generate --target liquibase --full`, then the test it wrote
/// runs Liquibase's own `update` and `rollback-count` on a scratch database with seeded rows;
/// the guide names Liquibase's commands.
fn generated_test_runs_liquibase(dialect: Dialect) {
    let Some(home) = common::oracles::liquibase_home() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let case = &reference_cases(dialect)[7];
    let project = tempfile::tempdir().unwrap();
    let listing = common::generate(
        project.path(),
        case,
        dialect,
        &["--target", "liquibase", "--name", "add author", "--full"],
    );
    assert!(
        project
            .path()
            .join("db/changelog/db.changelog-master.xml")
            .is_file(),
        "{listing}"
    );
    let script = listing
        .split_whitespace()
        .find(|word| word.ends_with("test.sh"))
        .unwrap_or_else(|| panic!("no test.sh in {listing}"));
    let guide = std::fs::read_to_string(project.path().join(script).with_file_name("MIGRATION.md"))
        .unwrap();
    assert!(guide.contains("liquibase update"), "{guide}");
    assert!(guide.contains("liquibase rollback-count"), "{guide}");
    let tools = tempfile::tempdir().unwrap();
    let command = liquibase_command(&home, tools.path());
    let server = (dialect != Dialect::Sqlite).then_some(server.as_str());
    run_generated_test(&project.path().join(script), &command, server);
}

#[test]
fn sqlite_generated_test_runs_liquibase() {
    generated_test_runs_liquibase(Dialect::Sqlite);
}

#[test]
fn postgres_generated_test_runs_liquibase() {
    generated_test_runs_liquibase(Dialect::Postgres);
}

#[test]
fn mysql_generated_test_runs_liquibase() {
    generated_test_runs_liquibase(Dialect::Mysql);
}

/// examples/projects/liquibase: the setup script makes its git history (the first changelog
/// and the master changelog, written by migen), `migen generate --with-tests` alone (migen.toml
/// says the rest) writes the next changelog after it, and its test passes under Liquibase.
#[test]
fn the_example_project_runs_under_liquibase() {
    let Some(home) = common::oracles::liquibase_home() else {
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("liquibase");
    let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects/setup.sh");
    let out = Command::new("bash")
        .arg(&setup)
        .args(["liquibase"])
        .arg(&project)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(&project)
        .arg("status")
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.contains("db/changelog (liquibase, 1 migration"),
        "{status}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(&project)
        .args(["generate", "--with-tests"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{listing}");
    let changelogs: Vec<String> = std::fs::read_dir(project.join("db/changelog/changes"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    let mut sorted = changelogs.clone();
    sorted.sort();
    assert_eq!(sorted.len(), 2, "{sorted:?}");
    assert!(
        sorted[0].ends_with("-init.sql"),
        "{sorted:?}: the new one sorts last"
    );
    let script = listing
        .split_whitespace()
        .find(|word| word.ends_with("test.sh"))
        .unwrap_or_else(|| panic!("no test.sh in {listing}"));
    let tools = tempfile::tempdir().unwrap();
    let command = liquibase_command(&home, tools.path());
    run_generated_test(&project.join(script), &command, None);
}

/// `migen generate` in a Liquibase project without migen.toml picks the target and the folder
/// by itself: liquibase.properties names the master changelog (YAML, including `changes/`),
/// whose folder gets the new changelog; the master is left as it is, and no second one is made.
#[test]
fn generate_detects_a_liquibase_project() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::create_dir_all(root.join("src/main/resources/db")).unwrap();
    std::fs::write(
        root.join("liquibase.properties"),
        "changeLogFile=src/main/resources/db/db.changelog-master.yaml\nurl=jdbc:sqlite:app.db\n",
    )
    .unwrap();
    let master = "databaseChangeLog:\n  - includeAll:\n      path: changes/\n      relativeToChangelogFile: true\n";
    std::fs::write(
        root.join("src/main/resources/db/db.changelog-master.yaml"),
        master,
    )
    .unwrap();
    let case = &reference_cases(Dialect::Sqlite)[0];
    let listing = common::generate(root, case, Dialect::Sqlite, &["--name", "add subtitle"]);
    assert!(
        listing.contains("src/main/resources/db/changes/") && listing.contains("-add_subtitle.sql"),
        "{listing}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("src/main/resources/db/db.changelog-master.yaml"))
            .unwrap(),
        master
    );
    assert!(
        !root
            .join("src/main/resources/db/db.changelog-master.xml")
            .exists()
    );
}

/// A Liquibase project whose XML master lists its changelogs one by one.
fn listing_project(root: &Path, before: &str) -> &'static str {
    let dir = root.join("db/changelog");
    std::fs::create_dir_all(dir.join("changes")).unwrap();
    std::fs::write(
        root.join("liquibase.properties"),
        "changeLogFile=db/changelog/db.changelog-master.xml\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("changes/20200101000000-init.sql"),
        format!("--liquibase formatted sql\n--changeset dev:init\n{before}\n"),
    )
    .unwrap();
    let master = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<databaseChangeLog\n        xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n        xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd\">\n        <include file=\"changes/20200101000000-init.sql\" relativeToChangelogFile=\"true\"/>\n</databaseChangeLog>\n";
    std::fs::write(dir.join("db.changelog-master.xml"), master).unwrap();
    master
}

/// `migen generate` adds its changelog to a master that lists changelogs one by one (in the
/// master's own indentation), and Liquibase's `update` then runs both changelogs through it.
#[test]
fn generate_adds_its_changelog_to_a_listing_master_that_liquibase_then_runs() {
    let case = &reference_cases(Dialect::Sqlite)[0];
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    let master = listing_project(root, &case.before);
    let master_path = root.join("db/changelog/db.changelog-master.xml");
    // --dry-run shows the edited master and writes nothing.
    let shown = common::generate(
        root,
        case,
        Dialect::Sqlite,
        &[
            "--target",
            "liquibase",
            "--name",
            "add subtitle",
            "--dry-run",
        ],
    );
    assert!(
        shown.contains("==> db/changelog/db.changelog-master.xml <==")
            && shown.contains("-add_subtitle.sql\" relativeToChangelogFile=\"true\"/>"),
        "{shown}"
    );
    assert_eq!(std::fs::read_to_string(&master_path).unwrap(), master);
    common::generate(
        root,
        case,
        Dialect::Sqlite,
        &["--target", "liquibase", "--name", "add subtitle"],
    );
    let edited = std::fs::read_to_string(&master_path).unwrap();
    let new_file = std::fs::read_dir(root.join("db/changelog/changes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.ends_with("-add_subtitle.sql"))
        .expect("the new changelog");
    assert_eq!(
        edited,
        master.replace(
            "true\"/>\n",
            &format!(
                "true\"/>\n        <include file=\"changes/{new_file}\" relativeToChangelogFile=\"true\"/>\n"
            )
        )
    );
    let leftovers: Vec<_> = std::fs::read_dir(root.join("db/changelog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let Some(home) = common::oracles::liquibase_home() else {
        return;
    };
    let database = root.join("app.db");
    let mut liquibase = Liquibase::start(&home);
    liquibase
        .run(&[
            "--show-banner=false".to_string(),
            format!("--url=jdbc:sqlite:{}", database.display()),
            format!("--search-path={}", root.join("db/changelog").display()),
            "--changelog-file=db.changelog-master.xml".to_string(),
            "update".to_string(),
        ])
        .unwrap();
    let after = sql::parse(Dialect::Sqlite, &case.after, "after").unwrap();
    let live = live_schema(&format!("sqlite://{}", database.display())).unwrap();
    let found = differences(&live, &after);
    assert!(
        found.is_empty(),
        "after update through the edited master: {found}"
    );
}

/// A master migen cannot parse is an error at its line and column: exit 2, nothing written.
#[test]
fn a_malformed_listing_master_stops_generate_and_nothing_is_written() {
    let case = &reference_cases(Dialect::Sqlite)[0];
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    listing_project(root, &case.before);
    let master_path = root.join("db/changelog/db.changelog-master.xml");
    let broken = "<databaseChangeLog>\n  <include file=\"changes/20200101000000-init.sql\">\n</databaseChangeLog>\n";
    std::fs::write(&master_path, broken).unwrap();
    std::fs::write(root.join("before.sql"), &case.before).unwrap();
    std::fs::write(root.join("after.sql"), &case.after).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root)
        .args([
            "generate",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--no-fill",
        ])
        .args([
            "--dialect",
            "sqlite",
            "--target",
            "liquibase",
            "--name",
            "x",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("db.changelog-master.xml:3:"), "{said}");
    assert_eq!(std::fs::read_to_string(&master_path).unwrap(), broken);
    let changes: Vec<_> = std::fs::read_dir(root.join("db/changelog/changes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(changes, ["20200101000000-init.sql"]);
}
