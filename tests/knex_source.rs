//! Knex projects as a source, from the binary: the project's own Knex (the pinned JS oracle's
//! node_modules, linked into each project) applies the migrations to a scratch database that
//! migen reads. `migrations:DIR` must build exactly the hand-written schema of
//! `tests/knex_source/library/` on SQLite, PostgreSQL and MariaDB (when reachable); status,
//! git HEAD against the working tree and lint run on the example project; broken migrations and
//! a missing Knex are errors naming the file or what to install.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::Dialect;
use migen::source::live;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn migen(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env_remove("NODE_ENV")
        .env_remove("MIGEN_SCRATCH_URL")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The pinned JS oracle's node_modules (knex 3.3.0, pg, mysql2, better-sqlite3, ts-node), or
/// `None` (skip) where it cannot be installed outside CI.
fn node_modules() -> Option<PathBuf> {
    common::node::js_oracle().map(|dir| dir.join("node_modules"))
}

fn library() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/knex_source/library")
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `migen plan --from empty --to migrations:<folder>` in a project.
fn plan_from_empty(dir: &Path, folder: &str) -> Run {
    migen(
        dir,
        &[
            "plan",
            "--from",
            "empty",
            "--to",
            &format!("migrations:{folder}"),
        ],
        &[],
    )
}

/// A Knex project in a temporary folder: the library migrations, a knexfile with `client`, and
/// the oracle's node_modules.
fn library_project(client: &str, modules: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(library().join("migrations")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::create_dir_all(dir.path().join("migrations")).unwrap();
        std::fs::copy(
            &path,
            dir.path()
                .join("migrations")
                .join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    write(
        dir.path(),
        "knexfile.js",
        &format!(
            "module.exports = {{\n  development: {{ client: '{client}', useNullAsDefault: true, migrations: {{ directory: './migrations' }} }},\n}};\n"
        ),
    );
    std::os::unix::fs::symlink(modules, dir.path().join("node_modules")).unwrap();
    dir
}

#[test]
fn migrations_dir_builds_the_hand_written_schema_on_every_database() {
    let Some(modules) = node_modules() else {
        return;
    };
    for (dialect, client) in [
        (Dialect::Sqlite, "better-sqlite3"),
        (Dialect::Postgres, "pg"),
        (Dialect::Mysql, "mysql2"),
    ] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        let project = library_project(client, &modules);
        // The expected schema, built from its hand-written DDL on a scratch database of its own,
        // so both sides are read back the same way.
        let expected = live::create_scratch(&server).unwrap();
        let ddl =
            std::fs::read_to_string(library().join(format!("expected_{}.sql", dialect.name())))
                .unwrap();
        live::connect(&expected.url).unwrap().execute(&ddl).unwrap();
        let env = [("MIGEN_SCRATCH_URL", server.as_str())];
        // No --dialect: the knexfile's client names it.
        let run = migen(
            project.path(),
            &[
                "diff",
                "--from",
                &expected.url,
                "--to",
                "migrations:migrations",
            ],
            &env,
        );
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, "No changes.\n"),
            "{dialect}: {}",
            run.stderr
        );
        // And against nothing: every table the migrations make, and not Knex's own tracking.
        let run = migen(
            project.path(),
            &["diff", "--from", "empty", "--to", "migrations:migrations"],
            &env,
        );
        assert_eq!(run.code, 0, "{dialect}: {}", run.stderr);
        let created: Vec<&str> = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("  + create table"))
            .collect();
        assert_eq!(
            created,
            ["  + create table authors", "  + create table books"],
            "{dialect}: {}",
            run.stdout
        );
    }
}

#[test]
fn typescript_and_es_module_projects() {
    let Some(modules) = node_modules() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "knexfile.ts",
        "import type { Knex } from 'knex';\nconst config: { [key: string]: Knex.Config } = {\n  development: { client: 'better-sqlite3', useNullAsDefault: true, migrations: { directory: './db/migrations', extension: 'ts' } },\n};\nexport default config;\n",
    );
    write(
        dir.path(),
        "db/migrations/20250101000000_create_tags.ts",
        "import type { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.schema.createTable('tags', (t: Knex.CreateTableBuilder) => {\n    t.increments('id');\n    t.string('label', 30).notNullable().unique();\n  });\n}\n\nexport async function down(knex: Knex): Promise<void> {\n  await knex.schema.dropTable('tags');\n}\n",
    );
    std::os::unix::fs::symlink(&modules, dir.path().join("node_modules")).unwrap();
    let run = plan_from_empty(dir.path(), "db/migrations");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("label varchar(30) NOT NULL")
            && run
                .stdout
                .contains("CREATE UNIQUE INDEX tags_label_unique ON tags (label);"),
        "{}",
        run.stdout
    );
    // An ES module project: `export async function up` in .js files, `export default` knexfile.
    let esm = tempfile::tempdir().unwrap();
    write(esm.path(), "package.json", "{\"type\": \"module\"}\n");
    write(
        esm.path(),
        "knexfile.js",
        "export default { client: 'better-sqlite3', useNullAsDefault: true };\n",
    );
    write(
        esm.path(),
        "migrations/20250101000000_create_notes.js",
        "export async function up(knex) {\n  await knex.schema.createTable('notes', (t) => { t.increments('id'); t.text('body'); });\n}\nexport async function down(knex) {\n  await knex.schema.dropTable('notes');\n}\n",
    );
    std::os::unix::fs::symlink(&modules, esm.path().join("node_modules")).unwrap();
    let run = plan_from_empty(esm.path(), "migrations");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("CREATE TABLE notes (\n  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n  body text\n);"),
        "{}",
        run.stdout
    );
    // Detection: the knexfile's folder and client.
    let run = migen(dir.path(), &["status", "--json"], &[]);
    let status: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["orm"], "knex", "{status}");
    assert_eq!(status["dialect"], "sqlite", "{status}");
    assert_eq!(status["migrations"]["dir"], "db/migrations", "{status}");
    assert_eq!(
        status["dialect_source"], "knexfile.ts (development client better-sqlite3)",
        "{status}"
    );
}

#[test]
fn a_failing_migration_is_named_with_knex_error_and_exit_2() {
    let Some(modules) = node_modules() else {
        return;
    };
    let project = library_project("better-sqlite3", &modules);
    write(
        project.path(),
        "migrations/20250103000000_broken.js",
        "exports.up = (knex) => knex.raw('ALTER TABLE missing ADD COLUMN x integer');\nexports.down = () => {};\n",
    );
    let run = plan_from_empty(project.path(), "migrations");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("migrations/20250103000000_broken.js")
            && run.stderr.contains("no such table: missing"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // A syntax error: the file, line and column.
    write(
        project.path(),
        "migrations/20250103000000_broken.js",
        "exports.up = (knex) => {\n  return knex.schema.(;\n};\nexports.down = () => {};\n",
    );
    let run = plan_from_empty(project.path(), "migrations");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("migrations/20250103000000_broken.js:2:"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_knex_installed_the_error_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "knexfile.js",
        "module.exports = { client: 'pg' };\n",
    );
    write(
        dir.path(),
        "migrations/20250101000000_a.js",
        "exports.up = (knex) => knex.schema.createTable('a', (t) => t.increments());\nexports.down = () => {};\n",
    );
    let run = plan_from_empty(dir.path(), "migrations");
    // A package the project has not installed is a missing tool: exit 5, not bad input.
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains("no node_modules/knex") && run.stderr.contains("npm install knex"),
        "{}",
        run.stderr
    );
}

/// The example project as `setup.sh knex` makes it: its first migration committed, the next
/// release's migration new in the working tree.
fn example_project(modules: &Path) -> tempfile::TempDir {
    let dest = tempfile::tempdir().unwrap();
    let project = dest.path().join("shop");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects/setup.sh"))
        .arg("knex")
        .arg(&project)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
        .env("NODE_MODULES", modules)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dest
}

#[test]
fn example_project_status_git_head_and_lint() {
    let Some(modules) = node_modules() else {
        return;
    };
    let dest = example_project(&modules);
    let dir = dest.path().join("shop");
    let status = migen(&dir, &["status"], &[]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let lines: Vec<&str> = status.stdout.lines().take(5).collect();
    assert_eq!(
        lines,
        [
            "knex · sqlite · 4 changes since HEAD (2 risky) · last migration 20250201000000_next_release",
            "  schema      migrations (knex)",
            "  migrations  migrations (knex, 2 migrations, latest 20250201000000_next_release)",
            "  database    sqlite from knexfile.js (development client better-sqlite3)",
            "  compared    with HEAD",
        ],
        "{}",
        status.stdout
    );
    let json = migen(&dir, &["status", "--json"], &[]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (
            &value["orm"],
            &value["dialect"],
            &value["changes"],
            &value["risky"]
        ),
        (
            &serde_json::json!("knex"),
            &serde_json::json!("sqlite"),
            &serde_json::json!(4),
            &serde_json::json!(2)
        ),
        "{value}"
    );
    // Against the migrations themselves, nothing is outstanding.
    let since = migen(&dir, &["status", "--since", "migrations"], &[]);
    assert!(
        since
            .stdout
            .starts_with("knex · sqlite · no changes outside the migrations"),
        "{}",
        since.stdout
    );
    // git HEAD against the working tree, each side applied by Knex: what the new migration does.
    let diff = migen(
        &dir,
        &[
            "diff",
            "--from",
            "git:HEAD:migrations",
            "--to",
            "migrations:migrations",
        ],
        &[],
    );
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let changes: Vec<&str> = diff
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .collect();
    assert_eq!(
        changes,
        [
            "  ~ rename column customers.name to full_name",
            "  + create table order_items",
            "  + add column customers.phone",
            "  + add index products_sku_key on products",
        ],
        "{}",
        diff.stdout
    );
    // The same with the folder as a path: its before is the folder at HEAD.
    let default = migen(&dir, &["diff", "--to", "migrations"], &[]);
    assert_eq!(default.stdout, diff.stdout, "{}", default.stderr);

    // Lint judges the SQL the new migration ran, at its file.
    let lint = migen(&dir, &["lint", "migrations"], &[]);
    assert_eq!(lint.code, 1, "{}{}", lint.stdout, lint.stderr);
    let found: Vec<&str> = lint.stdout.lines().collect();
    assert!(
        found.contains(
            &"migrations/20250201000000_next_release.js:3:1: error rename-column-breaks-clients: renaming customers.name to full_name breaks every client still using name"
        ),
        "{}",
        lint.stdout
    );
    // The raw index is placed where its SQL is written.
    assert!(
        found.iter().any(|l| l.starts_with(
            "migrations/20250201000000_next_release.js:8:19: warning create-index-non-concurrently:"
        )),
        "{}",
        lint.stdout
    );
    assert_eq!(
        found.last(),
        Some(&"4 findings in 2 files"),
        "{}",
        lint.stdout
    );
    // The first migration builds the tables the second one changes: nothing in it is risky.
    assert!(
        !lint.stdout.contains("20250101000000_create_shop.js"),
        "{}",
        lint.stdout
    );
    // One file alone is read on top of the migrations before it.
    let one = migen(
        &dir,
        &["lint", "migrations/20250201000000_next_release.js"],
        &[],
    );
    assert_eq!(one.code, 1, "{}", one.stderr);
    assert!(
        one.stdout.ends_with("4 findings in 1 file\n"),
        "{}",
        one.stdout
    );
    // On top of a given schema (what the migrations at HEAD build), the file alone.
    let on_head = migen(
        &dir,
        &[
            "lint",
            "migrations/20250201000000_next_release.js",
            "--schema",
            "git:HEAD:migrations",
        ],
        &[],
    );
    assert_eq!(on_head.stdout, one.stdout, "{}", on_head.stderr);
}

#[test]
fn lint_on_the_servers_judges_the_index_a_knex_migration_builds() {
    let Some(modules) = node_modules() else {
        return;
    };
    for (dialect, client, version, expected) in [
        (
            Dialect::Postgres,
            "pg",
            "postgres:15",
            "error create-index-non-concurrently:",
        ),
        (
            Dialect::Mysql,
            "mysql2",
            "mariadb:10.11",
            "info require-algorithm-lock:",
        ),
    ] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        let project = library_project(client, &modules);
        let run = migen(
            project.path(),
            &["lint", "migrations", "--db-version", version],
            &[("MIGEN_SCRATCH_URL", server.as_str())],
        );
        // The raw CREATE INDEX, at the place it is written in the migration.
        let at = format!("migrations/20250102000000_add_summary.js:5:19: {expected}");
        assert!(
            run.stdout.lines().any(|l| l.starts_with(&at)),
            "{dialect}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// `migen generate` in the example project picks the Knex target and folder by detection, and
/// what it writes, applied by Knex after the project's own migrations, builds the wanted schema.
/// Needs the knex target (`src/render/knex/`): skipped locally in a build without it, a failure
/// under `CI=true`.
#[test]
fn generate_detects_the_knex_folder_and_its_migration_builds_the_wanted_schema() {
    if migen::pipeline::Target::parse("knex").is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "the knex target is missing from this build"
        );
        eprintln!("skipping: this build has no knex target");
        return;
    }
    let Some(modules) = node_modules() else {
        return;
    };
    let dest = example_project(&modules);
    let dir = dest.path().join("shop");
    write(
        &dir,
        "wanted.sql",
        "CREATE TABLE customers (\n  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n  full_name text NOT NULL,\n  email text NOT NULL,\n  phone text,\n  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\nCREATE UNIQUE INDEX customers_email_key ON customers (email);\n",
    );
    let run = migen(
        &dir,
        &[
            "generate",
            "--from",
            "migrations:migrations",
            "--to",
            "wanted.sql",
            "--name",
            "trim_shop",
            "--allow-data-loss",
        ],
        &[("SOURCE_DATE_EPOCH", "1794700800")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout, "migrations/20261115000000_trim_shop.js\n",
        "{}",
        run.stderr
    );
    let run = migen(
        &dir,
        &[
            "diff",
            "--from",
            "wanted.sql",
            "--to",
            "migrations:migrations",
        ],
        &[],
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        run.stderr
    );
}

/// `git` in a folder, with an identity for commits.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=migen",
            "-c",
            "user.email=migen@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn status_counts_an_uncommitted_migration_on_every_database() {
    let Some(modules) = node_modules() else {
        return;
    };
    for (dialect, client) in [
        (Dialect::Sqlite, "better-sqlite3"),
        (Dialect::Postgres, "pg"),
        (Dialect::Mysql, "mysql2"),
    ] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        let project = library_project(client, &modules);
        let dir = project.path();
        let second = dir.join("migrations/20250102000000_add_summary.js");
        let text = std::fs::read_to_string(&second).unwrap();
        std::fs::remove_file(&second).unwrap();
        write(dir, ".gitignore", "node_modules\n");
        git(dir, &["init", "-q"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "library"]);
        std::fs::write(&second, text).unwrap();
        let run = migen(
            dir,
            &["status", "--json"],
            &[("MIGEN_SCRATCH_URL", server.as_str())],
        );
        assert_eq!(run.code, 0, "{dialect}: {}", run.stderr);
        let status: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            (
                status["orm"].as_str(),
                status["dialect"].as_str(),
                status["dialect_source"].as_str(),
                status["migrations"]["count"].as_u64(),
                status["migrations"]["latest"].as_str(),
                status["changes"].as_u64(),
            ),
            (
                Some("knex"),
                Some(dialect.name()),
                Some(format!("knexfile.js (development client {client})").as_str()),
                Some(2),
                Some("20250102000000_add_summary"),
                // The summary column and the title index.
                Some(2),
            ),
            "{dialect}: {status}"
        );
    }
}
