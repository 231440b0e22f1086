//! `migen generate` end to end: for every target, dialect and strategy, the files are written
//! into a fresh folder and the generated test script (which runs the files the way the tool
//! runs them: its order, its transactions) passes on a scratch database. dbmate's own runner
//! also applies and rolls back its files (installed from npm into `.cache/oracles/dbmate`).
//! Servers absent locally skip their part; under `CI=true` they fail it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::{self, SourceSpec, live};

const TARGETS: [&str; 5] = ["sql", "golang-migrate", "flyway", "dbmate", "prisma"];

fn example(dialect: Dialect) -> (PathBuf, PathBuf, &'static str) {
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let (dir, version) = match dialect {
        Dialect::Sqlite => (shop.clone(), "sqlite:3.40"),
        Dialect::Postgres => (shop.join("postgres"), "postgres:15"),
        Dialect::Mysql => (shop.join("mysql"), "mariadb:10.11"),
    };
    (dir.join("before.sql"), dir.join("after.sql"), version)
}

/// `migen generate` for the shop example into `root`; returns stdout (the written paths).
fn generate(root: &Path, dialect: Dialect, target: &str, strategy: &str, extra: &[&str]) -> String {
    let (before, after, version) = example(dialect);
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .args([
            "generate",
            "--dialect",
            dialect.name(),
            "--db-version",
            version,
        ])
        .arg("--from")
        .arg(&before)
        .arg("--to")
        .arg(&after)
        .args(["--rename", "customers.name=full_name", "--name", "shop"])
        .args(["--target", target, "--strategy", strategy])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generate {target} {strategy}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn run_test_script(script: &Path, server: &str) -> (bool, String) {
    run_test_script_in(script, server, Path::new("."))
}

/// `run_test_script` from `dir`, as a user runs it from the project's root (a JavaScript
/// runner finds the project's tool in `node_modules` there).
fn run_test_script_in(script: &Path, server: &str, dir: &Path) -> (bool, String) {
    let output = Command::new("bash")
        .arg(script)
        .current_dir(dir)
        .env("MIGEN_TEST_URL", server)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn written(stdout: &str, ending: &str) -> PathBuf {
    stdout
        .lines()
        .find(|line| line.ends_with(ending))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no {ending} among\n{stdout}"))
}

fn generated_tests_pass(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let mut failures = Vec::new();
    for target in TARGETS {
        for strategy in ["direct", "zero-downtime"] {
            let root = tempfile::tempdir().unwrap();
            let stdout = generate(root.path(), dialect, target, strategy, &["--full"]);
            let guide = root.path().join(written(&stdout, "MIGRATION.md"));
            assert!(
                std::fs::read_to_string(guide)
                    .unwrap()
                    .contains("## Rollback")
            );
            let script = root.path().join(written(&stdout, "test.sh"));
            let (passed, output) = run_test_script(&script, &server);
            if !passed || !output.contains("ok: seeded rows after down") {
                failures.push(format!("{target} {strategy}:\n{output}"));
            }
            // Each step's wall time, as it ends and listed after the checks.
            let timed = output.lines().filter(|l| l.starts_with("took ")).count();
            let listed = output
                .split("timings:\n")
                .nth(1)
                .map_or(0, |rest| rest.lines().filter(|l| l.contains("s  ")).count());
            if timed == 0 || timed != listed {
                failures.push(format!(
                    "{target} {strategy}: {timed} steps timed, {listed} listed:\n{output}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generated_tests_pass_on_sqlite() {
    generated_tests_pass(Dialect::Sqlite);
}

#[test]
fn generated_tests_pass_on_postgres() {
    generated_tests_pass(Dialect::Postgres);
}

#[test]
fn generated_tests_pass_on_mysql() {
    generated_tests_pass(Dialect::Mysql);
}

#[test]
fn a_generated_test_fails_when_the_migration_is_wrong() {
    let root = tempfile::tempdir().unwrap();
    let stdout = generate(
        root.path(),
        Dialect::Sqlite,
        "sql",
        "direct",
        &["--with-tests"],
    );
    let up = root.path().join(written(&stdout, "up.sql"));
    let text = std::fs::read_to_string(&up).unwrap();
    let broken: String = text
        .lines()
        .filter(|line| !line.contains("RENAME COLUMN"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(text, broken, "the example renames a column");
    std::fs::write(&up, broken).unwrap();
    let (passed, output) = run_test_script(&root.path().join(written(&stdout, "test.sh")), "");
    assert!(!passed, "{output}");
    assert!(output.contains("FAILED: the schema after up"), "{output}");
}

/// What still differs (column order never counts, as in every migen comparison).
fn differences(live: &Schema, wanted: &Schema) -> Vec<String> {
    migen::diff::diff(live, wanted, &migen::diff::RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

fn without_tracking(mut schema: Schema) -> Schema {
    schema.tables.remove(&QName::new("schema_migrations"));
    schema
}

/// dbmate's own runner applies the files (both strategies), then rolls them back one by one.
fn dbmate_runs_the_files(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let Some(dbmate) = common::oracles::dbmate() else {
        return;
    };
    let (before_path, after_path, _) = example(dialect);
    let before = source::load(&SourceSpec::SqlFile(before_path.clone()), dialect).unwrap();
    let after = source::load(&SourceSpec::SqlFile(after_path), dialect).unwrap();
    for strategy in ["direct", "zero-downtime"] {
        let root = tempfile::tempdir().unwrap();
        let stdout = generate(root.path(), dialect, "dbmate", strategy, &[]);
        let files = stdout.lines().count();
        let scratch = live::create_scratch(&server).unwrap();
        let (url, dbmate_url) = match dialect {
            Dialect::Sqlite => {
                let path = root.path().join("test.sqlite3");
                // migen reads existing SQLite files only; dbmate and migen share this one.
                std::fs::write(&path, "").unwrap();
                (
                    format!("sqlite://{}", path.display()),
                    format!("sqlite:{}", path.display()),
                )
            }
            Dialect::Postgres => (
                scratch.url.clone(),
                format!("{}?sslmode=disable", scratch.url),
            ),
            Dialect::Mysql => (scratch.url.clone(), scratch.url.clone()),
        };
        let mut db = live::connect(&url).unwrap();
        db.execute(&std::fs::read_to_string(&before_path).unwrap())
            .unwrap();
        let run = |command: &str| {
            let output = Command::new(&dbmate)
                .current_dir(root.path())
                .args(["--url", &dbmate_url, "--no-dump-schema", command])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "dbmate {command} ({dialect}, {strategy}): {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        run("migrate");
        let left = differences(&without_tracking(db.introspect().unwrap()), &after);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: dbmate migrate did not reach the target: {left:?}"
        );
        for _ in 0..files {
            run("rollback");
        }
        let left = differences(&without_tracking(db.introspect().unwrap()), &before);
        assert!(
            left.is_empty(),
            "{dialect} {strategy}: dbmate rollback did not restore the source: {left:?}"
        );
        drop(db);
        drop(scratch);
    }
}

#[test]
fn dbmate_runs_the_files_on_sqlite() {
    dbmate_runs_the_files(Dialect::Sqlite);
}

#[test]
fn dbmate_runs_the_files_on_postgres() {
    dbmate_runs_the_files(Dialect::Postgres);
}

#[test]
fn dbmate_runs_the_files_on_mysql() {
    dbmate_runs_the_files(Dialect::Mysql);
}

/// Make the example project for `target` at `project` with its setup script, then run
/// `migen generate` there with `args` (migen.toml says the rest); returns the written paths.
fn example_project(project: &Path, target: &str, args: &[&str]) -> String {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects");
    let mut setup = Command::new("bash");
    setup
        .arg(examples.join("setup.sh"))
        .arg(target)
        .arg(project)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"));
    // A JavaScript project runs its tool from node_modules: the pinned oracle's (Sequelize's
    // and drizzle's own folders for the sequelize-cli and drizzle-kit projects).
    if examples.join(target).join("package.json").is_file()
        && let Some(js) = match target {
            "sequelize" => common::node::sequelize_oracle(),
            "drizzle" => common::node::drizzle_oracle(),
            _ => common::node::js_oracle(),
        }
    {
        setup.env("NODE_MODULES", js.join("node_modules"));
    }
    let output = setup.output().unwrap();
    assert!(
        output.status.success(),
        "setup {target}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(project)
        .arg("generate")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generate {target}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every example project: the setup script makes its git history, `migen generate` (no
/// arguments: migen.toml says everything) writes the change since the last commit after the
/// first migration, and the generated test passes.
/// The example projects: every folder of examples/projects with a migen.toml, named after its
/// target.
fn example_projects() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("migen.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn example_projects_generate_from_their_git_history() {
    let projects = example_projects();
    for target in TARGETS.iter().chain(&["alembic", "django"]) {
        assert!(
            projects.iter().any(|p| p == target),
            "no example project for {target}"
        );
    }
    for target in &projects {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join(target);
        if target == "alembic" {
            // No generated test script for Alembic: Alembic itself runs the revision.
            let stdout = example_project(&project, target, &[]);
            alembic_applies_the_example(&project, &stdout);
            continue;
        }
        if target == "liquibase" {
            // Liquibase itself runs that one's generated test (it needs Liquibase's JVM):
            // tests/liquibase.rs, the_example_project_runs_under_liquibase.
            continue;
        }
        if target == "django" {
            // Django itself judges this one (makemigrations --check, migrate, migrating back):
            // tests/django_target.rs, the_example_project_generates_what_django_accepts.
            continue;
        }
        if target == "knex" {
            // Its schema is its migrations (the change since the commit is a migration already),
            // and Knex runs from node_modules: tests/knex_source.rs generates there and has
            // Knex apply the result.
            continue;
        }
        let stdout = example_project(&project, target, &["--with-tests"]);
        let script = project.join(written(&stdout, "test.sh"));
        let (passed, text) = run_test_script_in(&script, "", &project);
        assert!(passed, "{target}: {text}");
        // Every new file sorts after the first migration, the way the tool orders them.
        let versions = |names: &mut dyn Iterator<Item = &str>| -> Vec<u128> {
            names
                // The version is in the file's name, or its folder's (sql, Prisma).
                .filter_map(|path| {
                    Path::new(path)
                        .components()
                        .find_map(|c| version_of(&c.as_os_str().to_string_lossy()))
                })
                .collect()
        };
        let new_versions = versions(&mut stdout.lines().filter(|l| !l.contains(".migen")));
        let committed = git_files(&project);
        let setup_output = String::from_utf8_lossy(&committed);
        let old_versions = versions(
            &mut setup_output
                .lines()
                .filter(|l| l.to_lowercase().contains("init")),
        );
        assert!(
            !old_versions.is_empty() && !new_versions.is_empty(),
            "{target}"
        );
        assert!(
            new_versions.iter().min() > old_versions.iter().max(),
            "{target}: new {new_versions:?} not after {old_versions:?}"
        );
        if target == "dbmate" {
            dbmate_replays_the_history(&project);
        }
    }
}

/// The Alembic example: the new revision follows the committed one, and Alembic (where the
/// pinned venv installs) upgrades to it, finds nothing left to do against the changed models
/// (`alembic check`), and downgrades back.
fn alembic_applies_the_example(project: &Path, stdout: &str) {
    let revision = written(stdout, ".py");
    let text = std::fs::read_to_string(project.join(&revision)).unwrap();
    let committed = String::from_utf8(git_files(project)).unwrap();
    let first = committed
        .lines()
        .find(|l| l.starts_with("alembic/versions/") && l.ends_with("_init.py"))
        .expect("the example commits its first revision");
    let first_id = Path::new(first)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split('_')
        .next()
        .unwrap()
        .to_string();
    assert!(
        text.contains(&format!(
            "down_revision: Union[str, Sequence[str], None] = '{first_id}'"
        )),
        "{text}"
    );
    let Some(bin) = common::alembic::venv_bin() else {
        return;
    };
    let alembic = |args: &[&str]| {
        common::alembic::run(
            Command::new(bin.join("alembic"))
                .current_dir(project)
                .args(args),
            &format!("alembic {args:?}"),
        )
    };
    alembic(&["upgrade", "head"]);
    let check = alembic(&["check"]);
    assert!(
        check.contains("No new upgrade operations detected"),
        "{check}"
    );
    alembic(&["downgrade", "-1"]);
    let current = alembic(&["current"]);
    assert!(current.contains(&first_id), "{current}");
}

/// The files of the project's last commit.
fn git_files(project: &Path) -> Vec<u8> {
    Command::new("git")
        .current_dir(project)
        .args(["ls-files"])
        .output()
        .unwrap()
        .stdout
}

/// A migration's version the way the tools compare them: the number after an optional `V`.
/// The version a migration's file or folder name starts with (drizzle-kit's first is 0000);
/// `None` for a name without one.
fn version_of(name: &str) -> Option<u128> {
    let digits: String = name
        .trim_start_matches('V')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// dbmate applies the project's whole folder (the first migration and the new one) to an empty
/// database, which then holds the working tree's schema.
fn dbmate_replays_the_history(project: &Path) {
    let Some(dbmate) = common::oracles::dbmate() else {
        return;
    };
    let db = project.join("replay.sqlite3");
    let output = Command::new(&dbmate)
        .current_dir(project)
        .args([
            "--url",
            &format!("sqlite:{}", db.display()),
            "--no-dump-schema",
            "migrate",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "dbmate migrate: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let live = live::connect(&format!("sqlite://{}", db.display()))
        .unwrap()
        .introspect()
        .unwrap();
    let after = source::load(
        &SourceSpec::SqlFile(project.join("db/schema.sql")),
        Dialect::Sqlite,
    )
    .unwrap();
    let left = differences(&without_tracking(live), &after);
    assert!(left.is_empty(), "dbmate replay: {left:?}");
}

/// `prisma migrate deploy` applies the example project's folders (its first migration, then
/// migen's: one folder, or one per zero-downtime phase and per statement that must run alone),
/// and the database then holds the working tree's schema.
#[test]
fn prisma_migrate_deploy_applies_the_folders() {
    let Some(prisma) = common::oracles::prisma6() else {
        return;
    };
    for strategy in ["direct", "zero-downtime"] {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join("prisma");
        example_project(&project, "prisma", &["--strategy", strategy]);
        std::fs::write(
            project.join("prisma/schema.prisma"),
            "datasource db {\n  provider = \"sqlite\"\n  url      = env(\"DATABASE_URL\")\n}\n",
        )
        .unwrap();
        std::fs::write(
            project.join("prisma.config.ts"),
            "import { defineConfig } from 'prisma/config';\nimport { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';\nexport default defineConfig({\n  experimental: { adapter: true },\n  engine: 'js',\n  schema: './prisma/schema.prisma',\n  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL }),\n});\n",
        )
        .unwrap();
        std::os::unix::fs::symlink(prisma.join("node_modules"), project.join("node_modules"))
            .unwrap();
        let db = project.join("deploy.db");
        let output = Command::new(prisma.join("node_modules/.bin/prisma"))
            .current_dir(&project)
            .args(["migrate", "deploy"])
            .env("DATABASE_URL", format!("file:{}", db.display()))
            // Offline: the adapter replaces the engines Prisma would download.
            .env("PRISMA_SCHEMA_ENGINE_BINARY", "/bin/false")
            .env("PRISMA_QUERY_ENGINE_LIBRARY", "/bin/false")
            .env("PRISMA_HIDE_UPDATE_MESSAGE", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.status.success(),
            "prisma migrate deploy ({strategy}): {said}"
        );
        assert!(said.contains("successfully applied"), "{said}");
        let mut live = live::connect(&format!("sqlite://{}", db.display()))
            .unwrap()
            .introspect()
            .unwrap();
        live.tables.remove(&QName::new("_prisma_migrations"));
        let after = source::load(
            &SourceSpec::SqlFile(project.join("db/schema.sql")),
            Dialect::Sqlite,
        )
        .unwrap();
        let left = differences(&live, &after);
        assert!(
            left.is_empty(),
            "prisma migrate deploy ({strategy}): {left:?}"
        );
    }
}
