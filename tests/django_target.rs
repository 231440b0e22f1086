//! Django judges migen's Django migrations. Every case of `tests/django_target/cases.toml` is
//! one app of a single Django project. For each dialect and strategy: Django's makemigrations
//! writes each app's 0001 from the `before` models and `migrate` applies it; rows are seeded;
//! the `after` models replace them and migen writes the next migrations from the two projects.
//! Then `makemigrations --check --dry-run` must find no changes, `migrate` must bring the
//! database to what migen reads from the after models, and migrating every app back to its
//! 0001 must bring back the before schema with the seeded rows intact.
//!
//! Django is pinned and installed with pip into `.cache/oracles/django` (shared with
//! tests/django.rs). Without python3 (or a server) the test is skipped locally and fails under
//! `CI=true`. `MIGEN_CASE=text` runs only the cases whose name contains `text`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migen::diff::{self, Change, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::source::{django, live};
use serde::Deserialize;

mod common;

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    before: String,
    after: String,
    #[serde(default)]
    renames: Vec<String>,
    #[serde(default)]
    only: Option<String>,
    #[serde(default)]
    skip: Option<String>,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/django_target")
}

fn cases(dialect: Dialect) -> Vec<Case> {
    let text = std::fs::read_to_string(data_dir().join("cases.toml")).unwrap();
    let parsed: CaseFile = toml::from_str(&text).unwrap();
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    let all = parsed.cases;
    let mut chosen: Vec<Case> = Vec::new();
    for case in all {
        let skipped = case.only.as_deref().is_some_and(|o| o != dialect.name())
            || case.skip.as_deref() == Some(dialect.name());
        if skipped {
            eprintln!("{dialect}: {} skipped (see cases.toml)", case.name);
        } else if case.name.contains(&filter) {
            chosen.push(case);
        }
    }
    chosen
}

fn write_project(dir: &Path, cases: &[Case], after: bool) {
    let apps: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    common::django::write_settings(dir, &apps);
    for case in cases {
        let app = dir.join(&case.name);
        std::fs::create_dir_all(app.join("migrations")).unwrap();
        std::fs::write(app.join("__init__.py"), "").unwrap();
        std::fs::write(app.join("migrations/__init__.py"), "").unwrap();
        let models = if after { &case.after } else { &case.before };
        std::fs::write(app.join("models.py"), models).unwrap();
    }
}

fn run(python: &Path, dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(python)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("running python")
}

fn ok(out: Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The tables of the case apps (each app's tables start with its number, `t07_`).
fn case_tables(schema: &Schema, cases: &[Case]) -> Schema {
    let prefixes: Vec<String> = cases
        .iter()
        .map(|c| format!("{}_", c.name.split('_').next().unwrap_or(&c.name)))
        .collect();
    let mut out = schema.clone();
    out.tables
        .retain(|name, _| prefixes.iter().any(|p| name.name.starts_with(p)));
    out
}

/// The differences, and (with `names_aside`) the constraint and index renames set apart:
/// Django's own operations name what they add their way (`…_uniq` where a fresh PostgreSQL
/// table gets `…_key`), and keep a renamed table's primary key name, so after Django's
/// operations only those names may differ from a fresh `migrate` of the after models.
fn names_aside(by_django: &Schema, by_migen: &Schema, aside: bool) -> (String, String) {
    let changes = diff::diff(by_django, by_migen, &RenameAnswers::never()).changes;
    let (names, hard): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| {
        aside
            && matches!(
                c,
                Change::RenameConstraint { .. } | Change::RenameIndex { .. }
            )
    });
    let text = |list: Vec<&Change>| {
        list.iter()
            .map(|c| c.describe())
            .collect::<Vec<_>>()
            .join("; ")
    };
    (text(hard), text(names))
}

type Rows = BTreeMap<String, Vec<BTreeMap<String, String>>>;

fn dump(python: &Path, dir: &Path, env: &[(String, String)], cases: &[Case]) -> Rows {
    let helper = data_dir().join("helper.py");
    let mut args = vec![helper.to_str().unwrap(), "dump"];
    args.extend(cases.iter().map(|c| c.name.as_str()));
    serde_json::from_str(&ok(run(python, dir, env, &args), "dump")).unwrap()
}

/// The rows of the columns a table has both before and after: what must survive the round
/// trip (a dropped column's values cannot come back).
fn kept(rows: &Rows, before: &Schema, after: &Schema) -> Rows {
    let columns = |schema: &Schema, table: &str| -> Vec<String> {
        schema
            .tables
            .iter()
            .find(|(name, _)| name.name == table)
            .map(|(_, t)| t.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    };
    // A dropped table comes back empty: its rows are not expected to survive.
    rows.iter()
        .filter(|(table, _)| !columns(after, table).is_empty())
        .map(|(table, rows)| {
            let keep: Vec<String> = columns(before, table)
                .into_iter()
                .filter(|c| columns(after, table).contains(c))
                .collect();
            let mut projected: Vec<BTreeMap<String, String>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .filter(|(c, _)| keep.contains(c))
                        .map(|(c, v)| (c.clone(), v.clone()))
                        .collect()
                })
                .collect();
            projected.sort();
            (table.clone(), projected)
        })
        .collect()
}

fn round_trip(python: &Path, server: &str, dialect: Dialect, strategy: &str, cases: &[Case]) {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("project");
    let before_copy = root.path().join("before");
    write_project(&project, cases, false);
    let scratch = live::create_scratch(server).unwrap();
    let env = common::django::django_env(dialect, &scratch.url);
    ok(
        run(python, &project, &env, &["manage.py", "makemigrations"]),
        "makemigrations (before)",
    );
    ok(
        run(python, &project, &env, &["manage.py", "migrate"]),
        "migrate (before)",
    );
    let helper = data_dir().join("helper.py");
    let mut seed = vec![helper.to_str().unwrap(), "seed"];
    seed.extend(cases.iter().map(|c| c.name.as_str()));
    ok(run(python, &project, &env, &seed), "seeding");
    let seeded = dump(python, &project, &env, cases);
    let before_db = live::connect(&scratch.url).unwrap().introspect().unwrap();

    // The before project is kept as it is; the after models replace the project's.
    copy_dir(&project, &before_copy);
    write_project(&project, cases, true);
    let mut migen = Command::new(env!("CARGO_BIN_EXE_migen"));
    migen
        .current_dir(root.path())
        .args(["generate", "--target", "django", "--from"])
        .arg(&before_copy)
        .arg("--to")
        .arg(&project)
        .args([
            "--dialect",
            dialect.name(),
            "--strategy",
            strategy,
            "--name",
            "change",
            "--allow-data-loss",
            // The cases' NOT NULL columns are filled by Django's own defaults, not asked.
            "--no-fill",
        ]);
    for case in cases {
        for rename in &case.renames {
            migen.args(["--rename", rename]);
        }
    }
    let out = migen.output().unwrap();
    let written = ok(out, "migen generate");
    assert!(
        written.contains("migrations"),
        "migen wrote nothing:\n{written}"
    );

    let check = run(
        python,
        &project,
        &env,
        &["manage.py", "makemigrations", "--check", "--dry-run"],
    );
    let check_text = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(
        check.status.success() && check_text.contains("No changes detected"),
        "{dialect} {strategy}: Django finds changes migen's migrations miss:\n{check_text}\n{}\n--- migen wrote:\n{}",
        String::from_utf8_lossy(&check.stderr),
        written_files(&written)
    );

    ok(
        run(python, &project, &env, &["manage.py", "migrate"]),
        &format!(
            "{dialect} {strategy}: migrate (migen's migrations)\n--- migen wrote:\n{}",
            written_files(&written)
        ),
    );
    let after_db = live::connect(&scratch.url).unwrap().introspect().unwrap();
    let (after_read, _) = django::parse_with_notes(&project, dialect).unwrap();
    let after_read = case_tables(&after_read, cases);
    let (found, names) = names_aside(
        &case_tables(&after_db, cases),
        &after_read,
        strategy == "direct",
    );
    if !names.is_empty() {
        eprintln!("{dialect} {strategy}: names Django's operations chose: {names}");
    }
    assert!(
        found.is_empty(),
        "{dialect} {strategy}: after migrate, the database differs from the after models: {found}\n--- migen wrote:\n{}",
        written_files(&written)
    );

    let mut back = vec![helper.to_str().unwrap(), "back"];
    back.extend(cases.iter().map(|c| c.name.as_str()));
    ok(
        run(python, &project, &env, &back),
        &format!("{dialect} {strategy}: migrating the case apps back"),
    );
    let back_db = live::connect(&scratch.url).unwrap().introspect().unwrap();
    let (found, names) = names_aside(
        &case_tables(&back_db, cases),
        &case_tables(&before_db, cases),
        strategy == "direct",
    );
    if !names.is_empty() {
        eprintln!("{dialect} {strategy}: names Django's reverse operations chose: {names}");
    }
    assert!(
        found.is_empty(),
        "{dialect} {strategy}: migrating back does not restore the before schema: {found}\n--- migen wrote:\n{}",
        written_files(&written)
    );
    let restored = dump(python, &project, &env, cases);
    let before_models = case_tables(&before_db, cases);
    let expected = kept(&seeded, &before_models, &after_read);
    let got = kept(&restored, &before_models, &after_read);
    for (table, rows) in &expected {
        assert_eq!(
            got.get(table),
            Some(rows),
            "{dialect} {strategy}: the seeded rows of {table} changed over the round trip"
        );
    }
    eprintln!(
        "{dialect} {strategy}: {} cases round-tripped: {}",
        cases.len(),
        cases
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

fn written_files(listing: &str) -> String {
    listing
        .lines()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path.trim()).ok()?;
            Some(format!("==> {path} <==\n{text}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn run_dialect(dialect: Dialect) {
    let Some(python) = common::django::oracle_python() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let cases = cases(dialect);
    assert!(!cases.is_empty(), "no cases");
    for strategy in ["direct", "zero-downtime"] {
        round_trip(&python, &server, dialect, strategy, &cases);
    }
}

#[test]
fn sqlite_django_migrations() {
    run_dialect(Dialect::Sqlite);
}

#[test]
fn postgres_django_migrations() {
    run_dialect(Dialect::Postgres);
}

#[test]
fn mysql_django_migrations() {
    run_dialect(Dialect::Mysql);
}

/// A before and after project of one app `shop` (no Python needed: migen reads them).
fn shop_projects(root: &Path, before: &str, after: &str) -> (PathBuf, PathBuf) {
    let (b, a) = (root.join("before"), root.join("after"));
    for (dir, models) in [(&b, before), (&a, after)] {
        common::django::write_settings(dir, &["shop"]);
        std::fs::create_dir_all(dir.join("shop/migrations")).unwrap();
        std::fs::write(dir.join("shop/models.py"), models).unwrap();
        std::fs::write(
            dir.join("shop/migrations/0001_initial.py"),
            "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n",
        )
        .unwrap();
    }
    (b, a)
}

fn generate(root: &Path, before: &Path, after: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root)
        .args([
            "generate",
            "--target",
            "django",
            "--dialect",
            "sqlite",
            "--no-fill",
            "--from",
        ])
        .arg(before)
        .arg("--to")
        .arg(after)
        .args(extra)
        .output()
        .unwrap()
}

const SHOP: &str = "from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20)\n";

/// Choices, validators, verbose names change no table, but Django's state holds them: the
/// migration is written all the same.
#[test]
fn a_change_only_django_sees_still_gets_a_migration() {
    let root = tempfile::tempdir().unwrap();
    let after = SHOP.replace(
        "max_length=20)",
        "max_length=20, choices=[(\"a\", \"A\")], verbose_name=\"label\")",
    );
    let (before, after) = shop_projects(root.path(), SHOP, &after);
    let out = generate(root.path(), &before, &after, &[]);
    let stdout = ok(out, "migen generate");
    assert!(
        stdout.contains("shop/migrations/0002_alter_product_name.py"),
        "{stdout}"
    );
    let text =
        std::fs::read_to_string(after.join("shop/migrations/0002_alter_product_name.py")).unwrap();
    assert!(
        text.contains(
            "field=models.CharField(max_length=20, choices=[['a', 'A']], verbose_name='label'),"
        ),
        "{text}"
    );
    // Nothing at all changed: nothing written.
    let (before, after) = shop_projects(&root.path().join("same"), SHOP, SHOP);
    let out = generate(root.path(), &before, &after, &[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No changes"));
}

/// A value only Python can compute is an error at its field (exit 2), and nothing is written;
/// so is a before that is not a Django project directory.
#[test]
fn what_cannot_be_written_statically_is_an_error_at_the_field() {
    let root = tempfile::tempdir().unwrap();
    let after = SHOP.replace("max_length=20)", "max_length=20, default=make_name())");
    let (before, after) = shop_projects(root.path(), SHOP, &after);
    let out = generate(root.path(), &before, &after, &["--dry-run"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shop/models.py:4:"), "{stderr}");
    assert!(stderr.contains("statically"), "{stderr}");
    let sql = root.path().join("schema.sql");
    std::fs::write(
        &sql,
        "CREATE TABLE shop_product (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    let out = generate(root.path(), &sql, &after, &["--dry-run"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Django project directory"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(after.join("shop/migrations"))
            .unwrap()
            .count(),
        1,
        "nothing written"
    );
}

/// examples/projects/django: the setup script makes its git history, `migen generate` (no
/// arguments: migen.toml says everything) writes each changed app's next migration, and
/// Django finds nothing left to migrate, applies them and migrates back.
#[test]
fn the_example_project_generates_what_django_accepts() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("django");
    let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects/setup.sh");
    let out = Command::new("bash")
        .arg(&setup)
        .args(["django"])
        .arg(&project)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
        .output()
        .unwrap();
    ok(out, "setup.sh django");
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(&project)
        .arg("generate")
        .output()
        .unwrap();
    let written = ok(out, "migen generate");
    let mut files: Vec<&str> = written.lines().collect();
    files.sort();
    assert_eq!(
        files,
        [
            "./customers/migrations/0002_rename_name_customer_full_name_customer_phone.py",
            "./orders/migrations/0002_alter_product_sku_and_more.py",
        ]
    );
    let orders = std::fs::read_to_string(project.join(files[1])).unwrap();
    assert!(
        orders.contains("('customers', '0002_rename_name_customer_full_name_customer_phone'),"),
        "{orders}"
    );
    let Some(python) = common::django::oracle_python() else {
        return;
    };
    let check = run(
        &python,
        &project,
        &[],
        &["manage.py", "makemigrations", "--check", "--dry-run"],
    );
    assert!(
        ok(check, "makemigrations --check").contains("No changes detected"),
        "Django finds changes"
    );
    ok(
        run(&python, &project, &[], &["manage.py", "migrate"]),
        "migrate",
    );
    for app in ["orders", "customers"] {
        ok(
            run(
                &python,
                &project,
                &[],
                &["manage.py", "migrate", app, "0001"],
            ),
            "migrate back",
        );
    }
}
