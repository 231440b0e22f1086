//! The command line as a user meets it: the real `migen` binary, run in a temporary directory
//! with stdin not a terminal. Covers exit codes, error locations, rename questions, the JSON
//! contract of `plan`, scripts a database accepts, colour handling and `verify`.
//!
//! The PostgreSQL and MySQL example checks need servers (`MIGEN_TEST_POSTGRES`,
//! `MIGEN_TEST_MYSQL`, defaults on localhost); without one they are skipped locally and fail
//! under `CI=true`, like the round-trip corpus.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::SystemTime;

use migen::diff::RenameAnswers;
use migen::model::{Dialect, Schema};

// ---------------------------------------------------------------------------
// helpers

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from_output(output: Output) -> Run {
        Run {
            code: output.status.code().expect("migen exits with a code"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    fn show(&self) -> String {
        format!(
            "exit {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn migen_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migen"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    command
}

/// Run migen in `dir` with stdin not a terminal and stdout/stderr captured.
fn migen(dir: &Path, args: &[&str]) -> Run {
    Run::from_output(
        migen_command(dir, args)
            .output()
            .expect("the migen binary runs"),
    )
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/shop")
        .join(path)
}

fn example_text(path: &str) -> String {
    std::fs::read_to_string(example(path)).unwrap()
}

/// Copy the bundled SQLite example into `dir` as before.sql and after.sql.
fn copy_example(dir: &Path) {
    write(dir, "before.sql", &example_text("before.sql"));
    write(dir, "after.sql", &example_text("after.sql"));
}

const EXAMPLE_RENAME: &str = "customers.name=full_name";

fn parse_sqlite(text: &str, name: &str) -> Schema {
    migen::source::sql::parse(Dialect::Sqlite, text, name).expect("the schema parses")
}

/// The schema of a SQLite database file, read back through migen's introspection.
fn introspect_sqlite(path: &Path) -> Schema {
    let url = format!("sqlite://{}", path.display());
    migen::source::live::connect(&url)
        .expect("the SQLite file opens")
        .introspect()
        .expect("the SQLite file introspects")
}

/// The differences between two schemas, described; empty when they are the same.
fn differences(live: &Schema, expected: &Schema) -> Vec<String> {
    let answers = RenameAnswers::never();
    migen::diff::diff(live, expected, &answers)
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

/// A SQLite database file holding `ddl`.
fn sqlite_db(path: &Path, ddl: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(ddl).unwrap();
}

/// Every file under `dir` with its size and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                pending.push(entry.path());
            }
            files.insert(
                entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                (meta.len(), meta.modified().unwrap()),
            );
        }
    }
    files
}

fn is_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

fn program_available(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------------------
// bad input: exit 2 with a location

#[test]
fn malformed_ddl_names_file_line_and_column() {
    let dir = temp_dir();
    write(
        dir.path(),
        "bad.sql",
        "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (\n  id INTEGER PRIMARY KEY,,\n  x TEXT\n);\n",
    );
    let run = migen(dir.path(), &["plan", "--from", "bad.sql", "--to", "empty"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    // The second comma on line 3 is at column 26.
    assert!(run.stderr.contains("bad.sql:3:26: "), "{}", run.show());
}

#[test]
fn malformed_ddl_in_a_directory_names_the_file_inside_it() {
    let dir = temp_dir();
    write(
        dir.path(),
        "schema/01_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    write(
        dir.path(),
        "schema/02_posts.sql",
        "CREATE TABLE posts (\n  id INTEGER PRIMARY KEY\n  user_id INTEGER\n);\n",
    );
    let run = migen(dir.path(), &["diff", "--from", "empty", "--to", "schema"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    let expected = Path::new("schema").join("02_posts.sql");
    assert!(
        run.stderr
            .contains(&format!("{}:3:3: ", expected.display())),
        "{}",
        run.show()
    );
}

#[test]
fn unknown_postgres_type_names_file_line_and_column() {
    let dir = temp_dir();
    write(
        dir.path(),
        "t.sql",
        "CREATE TABLE t (\n  id integer,\n  a footype\n);\n",
    );
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--dialect",
            "postgres",
            "--from",
            "t.sql",
            "--to",
            "empty",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    assert!(run.stderr.contains("t.sql:3:3: "), "{}", run.show());
    assert!(run.stderr.contains("footype"), "{}", run.show());

    // The one-line form from the documentation: `a` is at column 17.
    write(dir.path(), "one.sql", "CREATE TABLE t (a footype)");
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--dialect",
            "postgres",
            "--from",
            "empty",
            "--to",
            "one.sql",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("one.sql:1:17: "), "{}", run.show());
}

#[test]
fn missing_file_names_the_path() {
    let dir = temp_dir();
    let run = migen(
        dir.path(),
        &["plan", "--from", "no_such_schema.sql", "--to", "empty"],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    assert!(run.stderr.contains("no_such_schema.sql"), "{}", run.show());
}

#[test]
fn unknown_dialect_is_bad_input() {
    let dir = temp_dir();
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--dialect",
            "oracle",
            "--from",
            "empty",
            "--to",
            "empty",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("oracle"), "{}", run.show());
}

// ---------------------------------------------------------------------------
// database errors: exit 4, password never printed

#[test]
fn unreachable_database_is_exit_4_without_the_password() {
    let dir = temp_dir();
    for url in [
        "postgres://u:secret@127.0.0.1:1/x",
        "mysql://u:secret@127.0.0.1:1/x",
    ] {
        let run = migen(dir.path(), &["plan", "--from", url, "--to", "empty"]);
        assert_eq!(run.code, 4, "{url}: {}", run.show());
        assert!(run.stdout.is_empty(), "{url}: {}", run.show());
        let scheme = url.split("://").next().unwrap();
        assert!(
            run.stderr.contains(&format!("{scheme}://u:")) && run.stderr.contains("127.0.0.1:1/x"),
            "{url}: the message should name the URL: {}",
            run.show()
        );
        assert!(!run.stderr.contains("secret"), "{url}: {}", run.show());
    }
}

#[test]
fn unreachable_verify_server_is_exit_4_without_the_password() {
    let dir = temp_dir();
    write(dir.path(), "a.sql", "CREATE TABLE t (id integer);\n");
    let run = migen(
        dir.path(),
        &[
            "verify",
            "--dialect",
            "postgres",
            "--from",
            "a.sql",
            "--to",
            "a.sql",
            "--db",
            "postgres://u:secret@127.0.0.1:1/x",
        ],
    );
    assert_eq!(run.code, 4, "{}", run.show());
    assert!(run.stderr.contains("127.0.0.1:1/x"), "{}", run.show());
    assert!(!run.stderr.contains("secret"), "{}", run.show());
}

// ---------------------------------------------------------------------------
// rename questions

fn rename_pair(dir: &Path) {
    write(
        dir,
        "before.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n",
    );
    write(
        dir,
        "after.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, email TEXT);\n",
    );
}

#[test]
fn unanswered_rename_without_a_terminal_is_exit_3_with_the_answer() {
    let dir = temp_dir();
    rename_pair(dir.path());
    for command in ["plan", "diff", "verify"] {
        let run = migen(
            dir.path(),
            &[command, "--from", "before.sql", "--to", "after.sql"],
        );
        assert_eq!(run.code, 3, "{command}: {}", run.show());
        assert!(run.stdout.is_empty(), "{command}: {}", run.show());
        assert!(
            run.stderr
                .contains("Was column users.name renamed to full_name?"),
            "{command}: {}",
            run.show()
        );
        assert!(
            run.stderr.contains("--rename users.name=full_name"),
            "{command}: {}",
            run.show()
        );
        assert!(
            run.stderr.contains("--no-renames"),
            "{command}: {}",
            run.show()
        );
    }
}

#[test]
fn answered_rename_plans_a_rename() {
    let dir = temp_dir();
    rename_pair(dir.path());
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            "users.name=full_name",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout
            .contains("ALTER TABLE users RENAME COLUMN name TO full_name;"),
        "{}",
        run.show()
    );
    assert!(!run.stdout.contains("DROP COLUMN"), "{}", run.show());
}

#[test]
fn no_renames_plans_a_drop_and_an_add() {
    let dir = temp_dir();
    rename_pair(dir.path());
    let args = ["--from", "before.sql", "--to", "after.sql", "--no-renames"];
    let run = migen(dir.path(), &[&["diff"][..], &args].concat());
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.contains("- drop column users.name"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("+ add column users.full_name"),
        "{}",
        run.show()
    );
    assert!(!run.stdout.contains("rename"), "{}", run.show());

    // users.full_name is added NOT NULL: without a fill that is a question (the table is
    // planned as it stands here).
    let run = migen(
        dir.path(),
        &[&["plan", "--format", "json"][..], &args].concat(),
    );
    assert_eq!(run.code, 3, "{}", run.show());
    let run = migen(
        dir.path(),
        &[&["plan", "--format", "json", "--no-fill"][..], &args].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"drop_column"), "{kinds:?}");
    assert!(kinds.contains(&"add_column"), "{kinds:?}");
    assert!(!kinds.contains(&"rename_column"), "{kinds:?}");
}

#[test]
fn table_rename_question_and_answer() {
    let dir = temp_dir();
    write(
        dir.path(),
        "before.sql",
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n",
    );
    write(
        dir.path(),
        "after.sql",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);\n",
    );
    let run = migen(
        dir.path(),
        &["plan", "--from", "before.sql", "--to", "after.sql"],
    );
    assert_eq!(run.code, 3, "{}", run.show());
    assert!(
        run.stderr.contains("--rename customer=customers"),
        "{}",
        run.show()
    );
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            "customer=customers",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout
            .contains("ALTER TABLE customer RENAME TO customers;"),
        "{}",
        run.show()
    );
}

// ---------------------------------------------------------------------------
// plan output

#[test]
fn plan_json_has_the_documented_shape_and_applies_to_sqlite() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--format",
            "json",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let object = plan.as_object().expect("a JSON object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected = vec![
        "dialect",
        "strategy",
        "server",
        "changes",
        "findings",
        "up",
        "down",
        "migrations",
        "steps",
        "lossiness",
        "notes",
    ];
    expected.sort();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(plan["dialect"], "sqlite");
    // Safety findings: each names its rule, severity, change (an index into `changes`) and message.
    let findings = plan["findings"].as_array().expect("findings is a list");
    for finding in findings {
        assert!(finding["rule"].is_string(), "{finding}");
        assert!(finding["severity"].is_string(), "{finding}");
        assert!(finding["message"].is_string(), "{finding}");
        let change = finding["change"].as_u64().expect("change is an index");
        assert!(
            (change as usize) < plan["changes"].as_array().unwrap().len(),
            "{finding}"
        );
    }
    let changes = plan["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        assert!(change["kind"].is_string(), "{change}");
    }
    for side in ["up", "down"] {
        let statements = plan[side].as_array().unwrap();
        assert!(!statements.is_empty(), "{side} is empty");
        for statement in statements {
            let mut keys: Vec<&str> = statement
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(keys, ["phase", "sql", "transactional"], "{statement}");
            assert!(statement["sql"].is_string(), "{statement}");
            assert!(statement["transactional"].is_boolean(), "{statement}");
            assert!(statement["phase"].is_string(), "{statement}");
        }
    }
    let statements = |side: &str| -> Vec<String> {
        plan[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["sql"].as_str().unwrap().to_string())
            .collect()
    };

    // Apply up to a database holding the source: it must read back as the target; then down.
    let before_text = example_text("before.sql");
    let after_text = example_text("after.sql");
    let db = dir.path().join("shop.db");
    sqlite_db(&db, &before_text);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "INSERT INTO customers (id, name, email) VALUES (1, 'Ada', 'ada@example.com');
             INSERT INTO orders (id, customer_id, placed_at) VALUES (1, 1, '2024-01-01');",
        )
        .unwrap();
        for sql in statements("up") {
            conn.execute_batch(&sql)
                .unwrap_or_else(|e| panic!("up statement failed: {e}\n{sql}"));
        }
    }
    let after = parse_sqlite(&after_text, "after.sql");
    assert_eq!(
        differences(&introspect_sqlite(&db), &after),
        Vec::<String>::new(),
        "after up"
    );
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let name: String = conn
            .query_row("SELECT full_name FROM customers WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(name, "Ada", "the renamed column keeps its data");
        for sql in statements("down") {
            conn.execute_batch(&sql)
                .unwrap_or_else(|e| panic!("down statement failed: {e}\n{sql}"));
        }
    }
    let before = parse_sqlite(&before_text, "before.sql");
    assert_eq!(
        differences(&introspect_sqlite(&db), &before),
        Vec::<String>::new(),
        "after down"
    );
}

#[test]
fn plan_sql_is_a_script_sqlite3_accepts() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.starts_with("-- migen plan (sqlite, direct)"),
        "{}",
        run.show()
    );
    // The down script is there for reading, commented out.
    let (_, down) = run
        .stdout
        .split_once("\n-- down\n")
        .expect("a down section");
    assert!(
        down.lines().all(|l| l.is_empty() || l.starts_with("--")),
        "{down}"
    );

    let db = dir.path().join("shop.db");
    sqlite_db(&db, &example_text("before.sql"));
    if program_available("sqlite3") {
        let mut child = Command::new("sqlite3")
            .arg("-bail")
            .arg(&db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(run.stdout.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "sqlite3 refused the script: {}\n{}",
            String::from_utf8_lossy(&output.stderr),
            run.stdout
        );
    } else {
        eprintln!("sqlite3 not installed: applying the script with rusqlite instead");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(&run.stdout).unwrap();
    }
    let after = parse_sqlite(&example_text("after.sql"), "after.sql");
    assert_eq!(
        differences(&introspect_sqlite(&db), &after),
        Vec::<String>::new()
    );
}

#[test]
fn plan_from_empty_creates_everything() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--format",
            "json",
            "--from",
            "empty",
            "--to",
            "after.sql",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let db = dir.path().join("new.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    for statement in plan["up"].as_array().unwrap() {
        conn.execute_batch(statement["sql"].as_str().unwrap())
            .unwrap();
    }
    drop(conn);
    let after = parse_sqlite(&example_text("after.sql"), "after.sql");
    assert_eq!(
        differences(&introspect_sqlite(&db), &after),
        Vec::<String>::new()
    );
}

#[test]
fn identical_schemas_have_no_changes() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &["diff", "--from", "after.sql", "--to", "after.sql"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert_eq!(run.stdout, "No changes.\n");
}

#[test]
fn fail_on_turns_findings_into_exit_1() {
    let dir = temp_dir();
    copy_example(dir.path());
    let args = [
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--rename",
        EXAMPLE_RENAME,
    ];
    let run = migen(
        dir.path(),
        &[&["plan", "--format", "json"][..], &args].concat(),
    );
    assert_eq!(run.code, 0, "findings alone do not fail: {}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        !plan["findings"].as_array().unwrap().is_empty(),
        "the example renames a column, which is worth a finding"
    );
    for command in ["plan", "diff"] {
        let run = migen(
            dir.path(),
            &[&[command, "--fail-on", "info"][..], &args].concat(),
        );
        assert_eq!(run.code, 1, "{command}: {}", run.show());
        assert!(
            !run.stdout.is_empty(),
            "{command}: the output is still printed"
        );
    }
    // No changes, no findings: --fail-on has nothing to fail on.
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--fail-on",
            "info",
            "--from",
            "after.sql",
            "--to",
            "after.sql",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
}

// ---------------------------------------------------------------------------
// colour

#[test]
fn diff_is_plain_text_when_not_on_a_terminal() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("changes (sqlite):"), "{}", run.show());
    assert!(!run.stdout.contains('\x1b'), "{}", run.show());
    assert!(!run.stderr.contains('\x1b'), "{}", run.show());
}

/// Run `migen diff` on a pseudo-terminal through util-linux `script`; `None` when it is missing.
fn diff_on_a_terminal(dir: &Path, no_color: Option<&str>) -> Option<String> {
    if !Path::new("/usr/bin/script").exists() && !program_available("script") {
        return None;
    }
    let command = format!(
        "'{}' diff --from before.sql --to after.sql --rename {EXAMPLE_RENAME}",
        env!("CARGO_BIN_EXE_migen")
    );
    let mut script = Command::new("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        script.env("NO_COLOR", value);
    }
    let output = script.output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn diff_colours_a_terminal_unless_no_color_is_set() {
    let dir = temp_dir();
    copy_example(dir.path());
    let Some(coloured) = diff_on_a_terminal(dir.path(), None) else {
        eprintln!("skipping: util-linux `script` is not available to provide a terminal");
        return;
    };
    assert!(coloured.contains("changes (sqlite):"), "{coloured:?}");
    assert!(
        coloured.contains("\x1b["),
        "a terminal gets colour: {coloured:?}"
    );
    let plain = diff_on_a_terminal(dir.path(), Some("1")).expect("script ran before");
    assert!(plain.contains("changes (sqlite):"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "NO_COLOR=1 is ignored: {plain:?}");
}

// ---------------------------------------------------------------------------
// verify

#[test]
fn verify_passes_on_the_example() {
    let dir = temp_dir();
    let before = example("before.sql");
    let after = example("after.sql");
    let run = migen(
        dir.path(),
        &[
            "verify",
            "--from",
            before.to_str().unwrap(),
            "--to",
            after.to_str().unwrap(),
            "--rename",
            EXAMPLE_RENAME,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout
            .contains("verified: up and down round-trip cleanly"),
        "{}",
        run.show()
    );
    assert!(!run.stdout.contains("FAIL"), "{}", run.show());

    let run = migen(
        dir.path(),
        &[
            "verify",
            "--json",
            "--from",
            before.to_str().unwrap(),
            "--to",
            after.to_str().unwrap(),
            "--rename",
            EXAMPLE_RENAME,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let result: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let phases = result["phases"].as_array().unwrap();
    assert!(!phases.is_empty());
    assert!(phases.iter().all(|p| p["ok"] == true), "{result}");
}

#[test]
fn verify_reports_a_failed_up_for_rows_a_new_not_null_refuses() {
    let dir = temp_dir();
    write(
        dir.path(),
        "before.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n",
    );
    write(
        dir.path(),
        "after.sql",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n",
    );
    // A row with no body cannot survive `body` becoming NOT NULL without a default.
    write(
        dir.path(),
        "seed.sql",
        "INSERT INTO notes (id, body) VALUES (1, 'kept'), (2, NULL);\n",
    );
    let args = [
        "verify",
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--seed",
        "seed.sql",
    ];
    // Without a terminal the fill question stops the run; --no-fill plans NOT NULL as it is.
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 3, "{}", run.show());
    assert!(run.stderr.contains("--fill notes.body="), "{}", run.show());
    let run = migen(dir.path(), &[&args[..], &["--no-fill"]].concat());
    assert_eq!(run.code, 1, "{}", run.show());
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .collect();
    assert!(
        failed
            .iter()
            .any(|l| l.contains("up") && l.contains("NOT NULL")),
        "{}",
        run.show()
    );
    assert!(run.stdout.contains("verification failed"), "{}", run.show());

    // The same pair without the offending row verifies.
    write(
        dir.path(),
        "seed.sql",
        "INSERT INTO notes (id, body) VALUES (1, 'kept');\n",
    );
    let run = migen(dir.path(), &[&args[..], &["--no-fill"]].concat());
    assert_eq!(run.code, 0, "{}", run.show());
    // With a fill the row holding NULL gets a value, and the migration verifies.
    write(
        dir.path(),
        "seed.sql",
        "INSERT INTO notes (id, body) VALUES (1, 'kept'), (2, NULL);\n",
    );
    let run = migen(
        dir.path(),
        &[&args[..], &["--fill", "notes.body=''"]].concat(),
    );
    assert_eq!(run.code, 0, "{}", run.show());
}

/// The server for a dialect's example check, or `None` (skip) when unreachable outside CI.
fn example_server(dialect: Dialect) -> Option<String> {
    let (variable, default) = match dialect {
        Dialect::Postgres => (
            "MIGEN_TEST_POSTGRES",
            "postgres://postgres@127.0.0.1:5432/postgres",
        ),
        Dialect::Mysql => ("MIGEN_TEST_MYSQL", "mysql://root@127.0.0.1:3306/"),
        Dialect::Sqlite => return Some("sqlite://".into()),
    };
    let url = std::env::var(variable).unwrap_or_else(|_| default.to_string());
    match migen::source::live::connect(&url) {
        Ok(_) => Some(url),
        Err(e) if is_ci() => panic!("{dialect} server unreachable under CI=true: {e}"),
        Err(e) => {
            eprintln!("skipping the {dialect} example: server unreachable ({e})");
            None
        }
    }
}

fn verify_server_example(dialect: Dialect) {
    let Some(server) = example_server(dialect) else {
        return;
    };
    let dir = temp_dir();
    let before = example(&format!("{}/before.sql", dialect.name()));
    let after = example(&format!("{}/after.sql", dialect.name()));
    let run = migen(
        dir.path(),
        &[
            "verify",
            "--dialect",
            dialect.name(),
            "--from",
            before.to_str().unwrap(),
            "--to",
            after.to_str().unwrap(),
            "--rename",
            EXAMPLE_RENAME,
            "--db",
            &server,
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(!run.stdout.contains("FAIL"), "{}", run.show());
}

#[test]
fn verify_passes_on_the_postgres_example() {
    verify_server_example(Dialect::Postgres);
}

#[test]
fn verify_passes_on_the_mysql_example() {
    verify_server_example(Dialect::Mysql);
}

#[test]
fn examples_describe_the_same_change_in_every_dialect() {
    let dir = temp_dir();
    let mut listings = Vec::new();
    for (dialect, prefix) in [
        ("sqlite", ""),
        ("postgres", "postgres/"),
        ("mysql", "mysql/"),
    ] {
        let before = example(&format!("{prefix}before.sql"));
        let after = example(&format!("{prefix}after.sql"));
        let run = migen(
            dir.path(),
            &[
                "diff",
                "--dialect",
                dialect,
                "--from",
                before.to_str().unwrap(),
                "--to",
                after.to_str().unwrap(),
                "--rename",
                EXAMPLE_RENAME,
            ],
        );
        assert_eq!(run.code, 0, "{dialect}: {}", run.show());
        // The change lines only (`  + …`, `  - …`, `  ~ …`); findings and notes differ per dialect.
        let mut lines: Vec<String> = run
            .stdout
            .lines()
            .filter(|l| ["  + ", "  - ", "  ~ "].iter().any(|p| l.starts_with(p)))
            .map(str::to_string)
            .collect();
        assert!(!lines.is_empty(), "{dialect}: {}", run.show());
        lines.sort();
        listings.push((dialect, lines));
    }
    for (dialect, lines) in &listings[1..] {
        assert_eq!(lines, &listings[0].1, "{dialect} differs from sqlite");
    }
}

// ---------------------------------------------------------------------------
// side effects

#[test]
fn plan_and_diff_write_nothing_to_disk() {
    let dir = temp_dir();
    copy_example(dir.path());
    rename_pair(&dir.path().join("renames"));
    write(dir.path(), "bad.sql", "CREATE TABLE (;\n");
    write(
        dir.path(),
        "schema/01_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);\n",
    );
    write(
        dir.path(),
        "schema/02_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n",
    );
    sqlite_db(&dir.path().join("shop.db"), &example_text("before.sql"));
    let before = snapshot(dir.path());
    let runs: [(&[&str], i32); 9] = [
        (
            &[
                "plan",
                "--from",
                "before.sql",
                "--to",
                "after.sql",
                "--rename",
                EXAMPLE_RENAME,
            ],
            0,
        ),
        (
            &[
                "plan",
                "--format",
                "json",
                "--from",
                "before.sql",
                "--to",
                "after.sql",
                "--rename",
                EXAMPLE_RENAME,
            ],
            0,
        ),
        (
            &[
                "diff",
                "--from",
                "before.sql",
                "--to",
                "after.sql",
                "--rename",
                EXAMPLE_RENAME,
            ],
            0,
        ),
        (&["plan", "--from", "before.sql", "--to", "after.sql"], 3),
        (
            &[
                "diff",
                "--from",
                "renames/before.sql",
                "--to",
                "renames/after.sql",
                "--no-renames",
            ],
            0,
        ),
        (&["plan", "--from", "bad.sql", "--to", "empty"], 2),
        (&["plan", "--from", "empty", "--to", "schema"], 0),
        (
            &[
                "plan",
                "--from",
                "sqlite://shop.db",
                "--to",
                "after.sql",
                "--rename",
                EXAMPLE_RENAME,
            ],
            0,
        ),
        (
            &["diff", "--from", "sqlite://shop.db", "--to", "before.sql"],
            0,
        ),
    ];
    for (args, code) in runs {
        let run = migen(dir.path(), args);
        assert_eq!(run.code, code, "{args:?}: {}", run.show());
    }
    assert_eq!(
        snapshot(dir.path()),
        before,
        "files changed in the directory"
    );
}

/// A `sqlite://` URL naming a file that does not exist is an error. It must not create an empty
/// database there and plan as if the schema were empty (a typo in the path would then plan
/// "create everything" and leave a stray file behind).
#[test]
fn sqlite_url_to_a_missing_file_is_an_error_and_creates_nothing() {
    let dir = temp_dir();
    copy_example(dir.path());
    let before = snapshot(dir.path());
    let run = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            "sqlite://no_such.db",
            "--to",
            "before.sql",
        ],
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a file was created: {}",
        run.show()
    );
    assert_eq!(run.code, 4, "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    assert!(run.stderr.contains("no_such.db"), "{}", run.show());
}

/// A live source's table sizes grade its findings: an empty table is named as such and graded
/// lower; a file source says the grade assumes a large table.
#[test]
fn findings_are_graded_by_the_live_databases_table_sizes() {
    let dir = temp_dir();
    let db = dir.path().join("shop.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&std::fs::read_to_string(example("before.sql")).unwrap())
        .unwrap();
    drop(conn);
    let url = format!("sqlite://{}", db.display());
    let after = example("after.sql");
    let live = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            &url,
            "--to",
            after.to_str().unwrap(),
            "--no-renames",
        ],
    );
    assert_eq!(live.code, 0, "{}", live.show());
    assert!(live.stdout.contains("customers: 0 rows"), "{}", live.show());
    assert!(
        !live.stdout.contains("no table statistics"),
        "{}",
        live.show()
    );
    let from_file = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            example("before.sql").to_str().unwrap(),
            "--to",
            after.to_str().unwrap(),
            "--no-renames",
        ],
    );
    assert!(
        from_file.stdout.contains("no table statistics"),
        "{}",
        from_file.show()
    );
}

/// A directory source is one schema: a later file may alter a table an earlier file creates.
#[test]
fn a_directory_file_may_refer_to_an_earlier_file() {
    let dir = temp_dir();
    let schema = dir.path().join("schema");
    std::fs::create_dir(&schema).unwrap();
    std::fs::write(
        schema.join("1_users.sql"),
        "CREATE TABLE users (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        schema.join("2_email.sql"),
        "ALTER TABLE users ADD COLUMN email text;\n",
    )
    .unwrap();
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "empty",
            "--to",
            schema.to_str().unwrap(),
            "--format",
            "sql",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("email text"), "{}", run.show());
}

// ---------------------------------------------------------------------------
// strategies

const PG_BEFORE: &str = "CREATE TABLE customers (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total integer NOT NULL, memo text);
";
const PG_AFTER: &str = "CREATE TABLE customers (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), total bigint NOT NULL);
CREATE INDEX orders_customer_idx ON orders (customer_id);
";

fn pg_plan(dir: &Path, extra: &[&str]) -> Run {
    write(dir, "before.sql", PG_BEFORE);
    write(dir, "after.sql", PG_AFTER);
    let mut args = vec![
        "plan",
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--dialect",
        "postgres",
        "--db-version",
        "postgres:15",
    ];
    args.extend_from_slice(extra);
    migen(dir, &args)
}

#[test]
fn zero_downtime_plan_json_has_phases_steps_and_online_statements() {
    let dir = temp_dir();
    let run = pg_plan(
        dir.path(),
        &["--strategy", "zero-downtime", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["strategy"], "zero-downtime");
    let migrations = plan["migrations"].as_array().unwrap();
    let phases: Vec<&str> = migrations
        .iter()
        .map(|m| m["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["pre_deploy", "backfill", "post_deploy"]);
    for migration in migrations {
        assert!(migration["when"].is_string());
        assert!(migration["atomic"].is_boolean());
    }
    // The top-level lists are the migrations' statements in order (downs: last phase first).
    let flat_up: Vec<&serde_json::Value> = migrations
        .iter()
        .flat_map(|m| m["up"].as_array().unwrap())
        .collect();
    assert_eq!(
        flat_up,
        plan["up"].as_array().unwrap().iter().collect::<Vec<_>>()
    );
    let flat_down: Vec<&serde_json::Value> = migrations
        .iter()
        .rev()
        .flat_map(|m| m["down"].as_array().unwrap())
        .collect();
    assert_eq!(
        flat_down,
        plan["down"].as_array().unwrap().iter().collect::<Vec<_>>()
    );
    let up = plan["up"].as_array().unwrap();
    let find = |needle: &str| {
        up.iter()
            .find(|s| s["sql"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no statement with {needle}:\n{}", run.stdout))
    };
    let index = find("CREATE INDEX CONCURRENTLY");
    assert_eq!(index["transactional"], false);
    assert_eq!(index["phase"], "pre_deploy");
    assert_eq!(find("NOT VALID")["phase"], "pre_deploy");
    let validate = find("VALIDATE CONSTRAINT orders_customer_id_fkey");
    assert_eq!(validate["phase"], "backfill");
    assert_eq!(validate["own_transaction"], true);
    // int → bigint goes through a shadow column: synced, backfilled in batches, swapped.
    assert_eq!(
        find("ADD COLUMN IF NOT EXISTS total__migen_new bigint")["phase"],
        "pre_deploy"
    );
    assert_eq!(find("DO $migen$")["phase"], "backfill");
    assert_eq!(
        find("RENAME COLUMN total__migen_new TO total")["phase"],
        "post_deploy"
    );
    assert_eq!(
        find("ALTER TABLE orders DROP COLUMN memo")["phase"],
        "post_deploy"
    );
    // Every step names its phase, its changes, its lossiness and its down.
    let steps = plan["steps"].as_array().unwrap();
    assert!(!steps.is_empty());
    for step in steps {
        assert!(
            step["phase"].is_string() && step["summary"].is_string(),
            "{step}"
        );
        assert!(step["up"].is_array() && step["down"].is_array(), "{step}");
        assert!(
            ["lossless", "lossy", "irreversible"].contains(&step["lossiness"].as_str().unwrap()),
            "{step}"
        );
    }
    let memo = steps
        .iter()
        .find(|s| {
            s["summary"]
                .as_str()
                .unwrap()
                .contains("drop column orders.memo")
        })
        .expect("a step drops memo");
    assert_eq!(memo["lossiness"], "lossy");
    assert!(memo["loss"].as_str().unwrap().contains("orders.memo"));
    assert_eq!(plan["lossiness"], "lossy");
}

#[test]
fn zero_downtime_sql_script_splits_phases_and_transactions() {
    let dir = temp_dir();
    let run = pg_plan(dir.path(), &["--strategy", "zero-downtime"]);
    assert_eq!(run.code, 0, "{}", run.show());
    let out = &run.stdout;
    let expand = out.find("-- ===== pre_deploy").expect("expand header");
    let backfill = out.find("-- ===== backfill").expect("backfill header");
    let contract = out.find("-- ===== post_deploy").expect("contract header");
    assert!(expand < backfill && backfill < contract, "{out}");
    // CONCURRENTLY stands outside any BEGIN … COMMIT; VALIDATE commits on its own.
    let concurrently = out.find("CREATE INDEX CONCURRENTLY").unwrap();
    let before = &out[..concurrently];
    assert!(
        before.rfind("BEGIN;") < before.rfind("COMMIT;"),
        "CONCURRENTLY inside a transaction:\n{out}"
    );
    assert!(
        out.contains("BEGIN;\n-- scans the rows without blocking writes"),
        "{out}"
    );
}

#[test]
fn direct_plans_are_guarded_by_lock_timeouts() {
    let dir = temp_dir();
    let run = pg_plan(dir.path(), &["--lock-timeout", "2s", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let up: Vec<&str> = plan["up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sql"].as_str().unwrap())
        .collect();
    assert_eq!(up[0], "SET lock_timeout = '2000ms'");
    assert_eq!(up[1], "SET statement_timeout = '900000ms'");
    let down = plan["down"].as_array().unwrap();
    assert_eq!(down[0]["sql"], "SET lock_timeout = '2000ms'");

    // SQLite waits for another writer at most this long.
    let sqlite = temp_dir();
    copy_example(sqlite.path());
    let run = migen(
        sqlite.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
            "--format",
            "json",
        ],
    );
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["up"][0]["sql"], "PRAGMA busy_timeout = 5000");

    // The plan's own guard answers the lock-timeout rule, on MySQL too.
    let mysql = temp_dir();
    write(
        mysql.path(),
        "before.sql",
        "CREATE TABLE t (id INT PRIMARY KEY, n INT);",
    );
    write(
        mysql.path(),
        "after.sql",
        "CREATE TABLE t (id INT PRIMARY KEY, n INT);\nCREATE INDEX t_n_idx ON t (n);",
    );
    let run = migen(
        mysql.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--dialect",
            "mysql",
            "--format",
            "json",
        ],
    );
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["up"][0]["sql"], "SET SESSION lock_wait_timeout = 5");
    let rules: Vec<&str> = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"require-lock-timeout"), "{rules:?}");

    let bad = pg_plan(temp_dir().path(), &["--lock-timeout", "5 parsecs"]);
    assert_eq!(bad.code, 2, "{}", bad.show());
    assert!(bad.stderr.contains("--lock-timeout"), "{}", bad.show());
}

#[test]
fn keep_dropped_renames_instead_of_dropping_and_says_how_to_finish() {
    let dir = temp_dir();
    let run = pg_plan(
        dir.path(),
        &[
            "--strategy",
            "zero-downtime",
            "--keep-dropped",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sql: Vec<&str> = plan["up"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sql"].as_str().unwrap())
        .collect();
    assert!(
        sql.contains(&"ALTER TABLE orders RENAME COLUMN memo TO memo__migen_deprecated"),
        "{sql:#?}"
    );
    assert!(
        !sql.iter().any(|s| s.contains("DROP COLUMN memo")),
        "{sql:#?}"
    );
    let notes = plan["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .contains("ALTER TABLE orders DROP COLUMN memo__migen_deprecated")),
        "{notes:?}"
    );
    assert_eq!(plan["lossiness"], "lossless");
}

#[test]
fn verify_runs_the_zero_downtime_phases_on_sqlite() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen(
        dir.path(),
        &[
            "verify",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
            "--strategy",
            "zero-downtime",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("up pre_deploy"), "{}", run.show());
    assert!(run.stdout.contains("up post_deploy"), "{}", run.show());
    assert!(run.stdout.contains("down pre_deploy"), "{}", run.show());
    assert!(run.stdout.contains("verified"), "{}", run.show());
}

// ---------------------------------------------------------------------------
// lint

fn lint_fixture(dir: &Path) {
    write(
        dir,
        "schema.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text);",
    );
    std::fs::create_dir(dir.join("migrations")).unwrap();
    write(
        dir,
        "migrations/001_index.sql",
        "-- index the email\nCREATE INDEX users_email_idx ON users (email);\n",
    );
    write(
        dir,
        "migrations/002_drop.sql",
        "SET lock_timeout = '2s';\nALTER TABLE users DROP COLUMN legacy;\n",
    );
    write(
        dir,
        "migrations/002_drop.down.sql",
        "ALTER TABLE users ADD COLUMN legacy text;\n",
    );
}

#[test]
fn lint_reports_findings_at_their_statements_in_every_format() {
    let dir = temp_dir();
    lint_fixture(dir.path());
    let base = [
        "lint",
        "migrations",
        "--schema",
        "schema.sql",
        "--dialect",
        "postgres",
        "--db-version",
        "postgres:15",
    ];
    let run = migen(dir.path(), &base);
    assert_eq!(
        run.code,
        1,
        "an error-level finding fails by default: {}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("migrations/001_index.sql:2:1: error create-index-non-concurrently"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("migrations/002_drop.sql:2:1: error drop-column"),
        "{}",
        run.show()
    );
    // The down script is not part of the way forward; the file's SET answers the lock timeout.
    assert!(!run.stdout.contains("002_drop.down.sql"), "{}", run.show());
    assert!(
        !run.stdout
            .contains("002_drop.sql:2:1: warning require-lock-timeout"),
        "{}",
        run.show()
    );

    let mut github = base.to_vec();
    github.extend(["--format", "github"]);
    let run = migen(dir.path(), &github);
    assert!(
        run.stdout.contains(
            "::error file=migrations/001_index.sql,line=2,col=1,title=create-index-non-concurrently::"
        ),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("::error file=migrations/002_drop.sql,line=2,col=1,title=drop-column::"),
        "{}",
        run.show()
    );

    let mut json = base.to_vec();
    json.extend(["--format", "json", "--fail-on", "info"]);
    let run = migen(dir.path(), &json);
    assert_eq!(run.code, 1, "{}", run.show());
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let first = &findings[0];
    for key in [
        "file", "line", "column", "rule", "severity", "message", "change",
    ] {
        assert!(!first[key].is_null(), "{key} missing in {first}");
    }

    // The careful way to write the same index passes the gate.
    write(
        dir.path(),
        "careful.sql",
        "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n",
    );
    let run = migen(
        dir.path(),
        &[
            "lint",
            "careful.sql",
            "--schema",
            "schema.sql",
            "--dialect",
            "postgres",
            "--db-version",
            "postgres:15",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
}

#[test]
fn lint_of_an_unreadable_statement_is_exit_2_with_its_place() {
    let dir = temp_dir();
    write(
        dir.path(),
        "001.sql",
        "CREATE TABLE a (id int);\n\nALTER TABLE nowhere ADD COLUMN b int;\n",
    );
    let run = migen(dir.path(), &["lint", "001.sql", "--dialect", "postgres"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("001.sql:3:1"), "{}", run.show());
}

#[test]
fn lint_reads_migens_own_zero_downtime_scripts() {
    for dialect in ["postgres", "mysql"] {
        let dir = temp_dir();
        let (before, after) = if dialect == "postgres" {
            (PG_BEFORE, PG_AFTER)
        } else {
            (
                "CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(20));",
                "CREATE TABLE t (id INT PRIMARY KEY, n BIGINT NOT NULL, s VARCHAR(20));\nCREATE INDEX t_s_idx ON t (s);",
            )
        };
        write(dir.path(), "before.sql", before);
        write(dir.path(), "after.sql", after);
        let plan = migen(
            dir.path(),
            &[
                "plan",
                "--from",
                "before.sql",
                "--to",
                "after.sql",
                "--dialect",
                dialect,
                "--strategy",
                "zero-downtime",
            ],
        );
        assert_eq!(plan.code, 0, "{}", plan.show());
        write(dir.path(), "migration.sql", &plan.stdout);
        let run = migen(
            dir.path(),
            &[
                "lint",
                "migration.sql",
                "--schema",
                "before.sql",
                "--dialect",
                dialect,
                "--fail-on",
                "info",
            ],
        );
        assert_ne!(run.code, 2, "{dialect}: {}", run.show());
        for rule in [
            "create-index-non-concurrently",
            "add-foreign-key-validating",
            "require-lock-timeout",
            "require-algorithm-lock",
        ] {
            assert!(
                !run.stdout.contains(rule),
                "{dialect}: {rule}\n{}",
                run.show()
            );
        }
    }
}

#[test]
fn migen_toml_gives_the_dialect_and_server_version() {
    let dir = temp_dir();
    write(
        dir.path(),
        "migen.toml",
        "[database]\ndialect = \"postgres\"\nversion = \"postgres:15\"\n",
    );
    write(dir.path(), "before.sql", PG_BEFORE);
    write(dir.path(), "after.sql", PG_AFTER);
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["dialect"], "postgres");
    assert_eq!(plan["server"], "PostgreSQL 15");
    assert!(!run.stderr.contains("no server version"), "{}", run.show());

    write(
        dir.path(),
        "migen.toml",
        "[database]\nversion = \"oracle:19\"\n",
    );
    let run = migen(
        dir.path(),
        &["plan", "--from", "before.sql", "--to", "after.sql"],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("migen.toml:2:1"), "{}", run.show());
}

// ---------------------------------------------------------------------------
// git sources

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "migen test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "migen test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn the_default_before_is_the_file_at_git_head() {
    let dir = temp_dir();
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("db")).unwrap();
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY);\n",
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, email text);\n",
    );
    // No --from: the working tree against HEAD.
    let run = migen(dir.path(), &["diff", "--to", "db/schema.sql"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.contains("add column users.email"),
        "{}",
        run.show()
    );
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains(" + ") || l.contains(" - ") || l.contains(" ~ "))
            .count(),
        1,
        "{}",
        run.show()
    );

    // The same, spelled out, from a subdirectory.
    let run = migen(
        &dir.path().join("db"),
        &[
            "diff",
            "--from",
            "git:HEAD:schema.sql",
            "--to",
            "schema.sql",
        ],
    );
    assert!(
        run.stdout.contains("add column users.email"),
        "{}",
        run.show()
    );

    // A file new since the revision: its before is empty, and a note says so.
    write(
        dir.path(),
        "db/extra.sql",
        "CREATE TABLE tags (id integer PRIMARY KEY);\n",
    );
    let run = migen(dir.path(), &["diff", "--to", "db/extra.sql"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("create table tags"), "{}", run.show());
    assert!(
        run.stderr.contains("did not exist at HEAD"),
        "{}",
        run.show()
    );

    // A directory at a revision is its .sql files in name order.
    let run = migen(dir.path(), &["diff", "--from", "git:HEAD:db", "--to", "db"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("create table tags"), "{}", run.show());
    assert!(
        run.stdout.contains("add column users.email"),
        "{}",
        run.show()
    );

    // A revision that does not exist is bad input, not an empty before.
    let run = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            "git:nosuchrev:db/schema.sql",
            "--to",
            "db/schema.sql",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("nosuchrev"), "{}", run.show());

    // A syntax error in the committed file names it with the revision.
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY,);\n",
    );
    git(dir.path(), &["commit", "-q", "-am", "broken"]);
    let run = migen(
        dir.path(),
        &[
            "diff",
            "--from",
            "git:HEAD:db/schema.sql",
            "--to",
            "db/extra.sql",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(
        run.stderr.contains("git:HEAD:db/schema.sql:1:"),
        "{}",
        run.show()
    );
}

// ---------------------------------------------------------------------------
// generate

/// A git project configured by migen.toml: the schema committed as the example's before, the
/// working tree holding the after.
fn configured_project(target: &str) -> tempfile::TempDir {
    let dir = temp_dir();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), "db/schema.sql", &example_text("before.sql"));
    write(
        dir.path(),
        "migen.toml",
        &format!(
            "[database]\ndialect = \"sqlite\"\n\n[schema]\nsource = \"db/schema.sql\"\n\n[migrations]\ntarget = \"{target}\"\ndir = \"db/migrations\"\n\n[renames]\n\"customers.name\" = \"full_name\"\n"
        ),
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "schema"]);
    write(dir.path(), "db/schema.sql", &example_text("after.sql"));
    dir
}

#[test]
fn generate_writes_what_migen_toml_asks_for_from_the_change_since_head() {
    let dir = configured_project("golang-migrate");
    let run = migen_command(dir.path(), &["generate", "--name", "shop"])
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .map(Run::from_output)
        .unwrap();
    assert_eq!(run.code, 0, "{}", run.show());
    assert_eq!(
        run.stdout,
        "db/migrations/20261118110640_shop.up.sql\ndb/migrations/20261118110640_shop.down.sql\n"
    );
    // The files take the database from the committed schema to the working tree's.
    let db = dir.path().join("check.db");
    sqlite_db(&db, &example_text("before.sql"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let up = std::fs::read_to_string(dir.path().join("db/migrations/20261118110640_shop.up.sql"))
        .unwrap();
    // golang-migrate's sqlite3 driver runs a file inside one transaction.
    conn.execute_batch(&format!("BEGIN;\n{up}\nCOMMIT;"))
        .unwrap();
    drop(conn);
    let after = parse_sqlite(&example_text("after.sql"), "after.sql");
    assert_eq!(
        differences(&introspect_sqlite(&db), &after),
        Vec::<String>::new()
    );

    // A second migration numbers after the first; nothing already there is touched.
    let before = snapshot(dir.path());
    let run = migen_command(dir.path(), &["generate", "--name", "again"])
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .map(Run::from_output)
        .unwrap();
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout
            .starts_with("db/migrations/20261118110641_again.up.sql"),
        "{}",
        run.show()
    );
    let now = snapshot(dir.path());
    for (path, stamp) in &before {
        if dir.path().join(path).is_file() {
            assert_eq!(now.get(path), Some(stamp), "{} changed", path.display());
        }
    }
}

#[test]
fn generate_dry_run_prints_the_files_and_writes_nothing() {
    let dir = configured_project("flyway");
    let before = snapshot(dir.path());
    let run = migen(
        dir.path(),
        &["generate", "--dry-run", "--full", "--name", "shop"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.contains("==> db/migrations/V1__shop.sql <=="),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("==> db/migrations/U1__shop.sql <=="),
        "{}",
        run.show()
    );
    assert!(run.stdout.contains("MIGRATION.md <=="), "{}", run.show());
    assert!(run.stdout.contains("test.sh <=="), "{}", run.show());
    assert_eq!(snapshot(dir.path()), before);
    let run = migen(
        dir.path(),
        &["generate", "--dry-run", "--json", "--name", "shop"],
    );
    let files: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    // The rebuild of a referenced table must run outside Flyway's transaction: a .conf says so.
    assert_eq!(
        kinds,
        ["migration", "settings", "down", "settings"],
        "{}",
        run.stdout
    );
}

#[test]
fn generate_refuses_data_loss_without_an_explicit_yes() {
    let dir = temp_dir();
    write(
        dir.path(),
        "before.sql",
        "CREATE TABLE t (id integer PRIMARY KEY, note text);\n",
    );
    write(
        dir.path(),
        "after.sql",
        "CREATE TABLE t (id integer PRIMARY KEY);\n",
    );
    let args = ["generate", "--from", "before.sql", "--to", "after.sql"];
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("loses data"), "{}", run.show());
    assert!(run.stderr.contains("--allow-data-loss"), "{}", run.show());
    assert!(!dir.path().join("migrations").exists());
    let run = migen(dir.path(), &[&args[..], &["--allow-data-loss"]].concat());
    assert_eq!(run.code, 0, "{}", run.show());
    let down_path = dir.path().join(run.stdout.lines().nth(1).unwrap());
    let down = std::fs::read_to_string(down_path).unwrap();
    assert!(down.contains("ADD COLUMN note"), "{down}");
}

#[test]
fn generate_respects_prismas_migration_lock() {
    let dir = temp_dir();
    copy_example(dir.path());
    write(
        dir.path(),
        "prisma/migrations/migration_lock.toml",
        "# Please do not edit this file manually\nprovider = \"postgresql\"\n",
    );
    let args = [
        "generate",
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--rename",
        EXAMPLE_RENAME,
        "--target",
        "prisma",
    ];
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(
        run.stderr.contains("migration_lock.toml:2:1") && run.stderr.contains("postgresql"),
        "{}",
        run.show()
    );
    std::fs::remove_file(dir.path().join("prisma/migrations/migration_lock.toml")).unwrap();
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.show());
    let lock =
        std::fs::read_to_string(dir.path().join("prisma/migrations/migration_lock.toml")).unwrap();
    assert!(lock.contains("provider = \"sqlite\""), "{lock}");
    assert!(
        run.stdout.lines().any(|l| l.ends_with("/migration.sql")),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.lines().any(|l| l.ends_with("/down.sql")),
        "{}",
        run.show()
    );
}

/// A guide, snapshot-tested in the top-level `snapshots/` folder.
fn guide_snapshot(name: &str, text: &str) {
    insta::with_settings!(
        { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => true },
        { insta::assert_snapshot!(name, text) }
    );
}

#[test]
fn generate_with_docs_writes_a_guide_worth_reading() {
    let dir = temp_dir();
    copy_example(dir.path());
    let run = migen_command(
        dir.path(),
        &[
            "generate",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
            "--target",
            "dbmate",
            "--with-docs",
            "--name",
            "shop",
            "--db-version",
            "sqlite:3.45",
        ],
    )
    .env("SOURCE_DATE_EPOCH", "1795000000")
    .output()
    .map(Run::from_output)
    .unwrap();
    assert_eq!(run.code, 0, "{}", run.show());
    let guide = dir
        .path()
        .join("db/migrations/20261118110640_shop.migen/MIGRATION.md");
    guide_snapshot(
        "generate_guide_sqlite_dbmate",
        &std::fs::read_to_string(guide).unwrap(),
    );
}

#[test]
fn generate_with_docs_guides_a_zero_downtime_deploy() {
    let dir = temp_dir();
    write(
        dir.path(),
        "before.sql",
        &example_text("postgres/before.sql"),
    );
    write(dir.path(), "after.sql", &example_text("postgres/after.sql"));
    let run = migen_command(
        dir.path(),
        &[
            "generate",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--rename",
            EXAMPLE_RENAME,
            "--dialect",
            "postgres",
            "--db-version",
            "postgres:15",
            "--strategy",
            "zero-downtime",
            "--target",
            "flyway",
            "--with-docs",
            "--name",
            "shop",
            "--dry-run",
            "--json",
        ],
    )
    .output()
    .map(Run::from_output)
    .unwrap();
    assert_eq!(run.code, 0, "{}", run.show());
    let files: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let guide = files
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "guide")
        .expect("a guide");
    guide_snapshot(
        "generate_guide_postgres_zero_downtime_flyway",
        guide["contents"].as_str().unwrap(),
    );
}

// ---------------------------------------------------------------------------
// Prisma schemas

const PRISMA_BEFORE: &str = "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";

#[test]
fn prisma_files_imply_their_providers_dialect() {
    let dir = temp_dir();
    write(dir.path(), "a.prisma", PRISMA_BEFORE);
    write(
        dir.path(),
        "b.prisma",
        &PRISMA_BEFORE.replace("@unique\n", "@unique\n  bio   String?\n"),
    );
    let run = migen(
        dir.path(),
        &["plan", "--from", "a.prisma", "--to", "b.prisma"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("(postgres, direct)"), "{}", run.show());
    assert!(
        run.stdout
            .contains("ALTER TABLE \"User\" ADD COLUMN bio text;"),
        "{}",
        run.show()
    );

    // A --dialect that disagrees with the provider is a usage error.
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "a.prisma",
            "--to",
            "b.prisma",
            "--dialect",
            "sqlite",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("postgres"), "{}", run.show());
}

#[test]
fn prisma_errors_name_the_file_position() {
    let dir = temp_dir();
    write(
        dir.path(),
        "schema.prisma",
        &PRISMA_BEFORE.replace("email String @unique", "email Strng @unique"),
    );
    let run = migen(
        dir.path(),
        &["plan", "--from", "empty", "--to", "schema.prisma"],
    );
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(
        run.stderr
            .contains("schema.prisma:7:9: unknown type `Strng`"),
        "{}",
        run.show()
    );
}

#[test]
fn a_prisma_schema_directory_against_git_head() {
    let dir = temp_dir();
    git(dir.path(), &["init", "-q"]);
    write(
        dir.path(),
        "prisma/schema/main.prisma",
        "datasource db {\n  provider = \"sqlite\"\n}\n",
    );
    write(
        dir.path(),
        "prisma/schema/user.prisma",
        "model User {\n  id Int @id\n}\n",
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    write(
        dir.path(),
        "prisma/schema/post.prisma",
        "model Post {\n  id    Int    @id\n  title String\n  @@index([title])\n}\n",
    );
    // No --from: the directory at HEAD (two files) against the working tree (three).
    let run = migen(dir.path(), &["diff", "--to", "prisma/schema"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("create table Post"), "{}", run.show());
    assert!(
        run.stdout.starts_with("1 changes (sqlite)"),
        "{}",
        run.show()
    );
}

/// The plan's up runs `statement` and no other ALTER TABLE.
fn assert_only_alter(run: &Run, statement: &str) {
    let alters: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("ALTER TABLE"))
        .collect();
    assert_eq!(alters, [statement], "{}", run.show());
}

const SQLALCHEMY_MODELS: &str = "from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    __tablename__ = \"users\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str] = mapped_column(String(40))\n";

/// A committed SQLAlchemy project: models in `app/` (two modules), a postgres `alembic.ini` at
/// the root, which the models' default before (`git:HEAD:app`) must still see.
fn sqlalchemy_repo() -> tempfile::TempDir {
    committed_repo(&[
        (
            "alembic.ini",
            "[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n",
        ),
        ("app/__init__.py", ""),
        ("app/models.py", SQLALCHEMY_MODELS),
        ("README.md", "not a model\n"),
    ])
}

#[test]
fn sqlalchemy_models_against_git_head() {
    let dir = sqlalchemy_repo();
    write(
        dir.path(),
        "app/models.py",
        &SQLALCHEMY_MODELS.replace(
            "String(40))\n",
            "String(40))\n    bio: Mapped[str | None] = mapped_column(String(200))\n",
        ),
    );
    for to in ["app/models.py", "app"] {
        // No --from: the models at HEAD; the dialect from alembic.ini, at HEAD and now.
        let run = migen(dir.path(), &["plan", "--to", to]);
        assert_eq!(run.code, 0, "{to}: {}", run.show());
        assert_only_alter(
            &run,
            "ALTER TABLE users ADD COLUMN bio character varying(200);",
        );
    }
    // The models at HEAD alone imply the dialect of alembic.ini (at HEAD too).
    let run = migen(
        dir.path(),
        &["diff", "--from", "git:HEAD:app", "--to", "empty"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.starts_with("1 changes (postgres)"),
        "{}",
        run.show()
    );
    // From a subdirectory, with the spec spelled out: the same change.
    let run = migen(
        &dir.path().join("app"),
        &["diff", "--from", "git:HEAD:models.py", "--to", "models.py"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.starts_with("1 changes (postgres)"),
        "{}",
        run.show()
    );
    // Models new since HEAD: an empty before, said so.
    write(dir.path(), "extra/models.py", SQLALCHEMY_MODELS);
    let run = migen(dir.path(), &["diff", "--to", "extra/models.py"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(run.stdout.contains("create table users"), "{}", run.show());
    assert!(
        run.stderr
            .contains("git:HEAD:extra/models.py did not exist at HEAD"),
        "{}",
        run.show()
    );
}

#[test]
fn a_bad_model_at_git_head_is_named_by_its_git_spec() {
    let dir = committed_repo(&[(
        "app/models.py",
        &SQLALCHEMY_MODELS.replace("String(40))", "String(40), server_default=now())"),
    )]);
    write(dir.path(), "app/models.py", SQLALCHEMY_MODELS);
    let run = migen(dir.path(), &["plan", "--to", "app/models.py"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(
        run.stderr.contains("git:HEAD:app/models.py:12:"),
        "{}",
        run.show()
    );
    assert!(!run.stderr.contains("migen-git-"), "{}", run.show());
}

const DJANGO_MANAGE: &str =
    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n";
const DJANGO_MODELS: &str = "from django.db import models\n\n\nclass Book(models.Model):\n    title = models.CharField(max_length=100)\n";

/// A committed Django project in `site/`: settings naming the postgresql engine and one app.
fn django_repo() -> tempfile::TempDir {
    committed_repo(&[
        ("site/manage.py", DJANGO_MANAGE),
        ("site/proj/__init__.py", ""),
        (
            "site/proj/settings.py",
            "INSTALLED_APPS = ['shelf']\nDEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shelf'}}\n",
        ),
        ("site/shelf/__init__.py", ""),
        ("site/shelf/models.py", DJANGO_MODELS),
        ("site/shelf/migrations/__init__.py", ""),
    ])
}

#[test]
fn a_django_project_against_git_head() {
    let dir = django_repo();
    write(
        dir.path(),
        "site/shelf/models.py",
        &format!("{DJANGO_MODELS}    pages = models.IntegerField(null=True)\n"),
    );
    let run = migen(dir.path(), &["plan", "--to", "site"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_only_alter(&run, "ALTER TABLE shelf_book ADD COLUMN pages integer;");
    // The project at HEAD alone implies its dialect (the settings' ENGINE).
    let run = migen(
        dir.path(),
        &["diff", "--from", "git:HEAD:site", "--to", "empty"],
    );
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.starts_with("1 changes (postgres)"),
        "{}",
        run.show()
    );
    // The app's models.py alone names the same table (the app label is its folder's name).
    let run = migen(dir.path(), &["diff", "--to", "site/shelf/models.py"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout.contains("add column shelf_book.pages"),
        "{}",
        run.show()
    );
}

// ---------------------------------------------------------------------------
// status

/// A git repository holding `files`, committed.
fn committed_repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = temp_dir();
    git(dir.path(), &["init", "-q"]);
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first"]);
    dir
}

fn status_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["status", "--json"];
    all.extend_from_slice(args);
    let run = migen(dir, &all);
    assert_eq!(run.code, 0, "{}", run.show());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}\n{}", run.show()))
}

#[test]
fn status_counts_changes_since_head_and_the_risky_ones() {
    let dir = committed_repo(&[
        (
            "schema.sql",
            "CREATE TABLE users (id integer PRIMARY KEY, name text);\nCREATE TABLE logs (id integer PRIMARY KEY);\n",
        ),
        (
            "migrations/000001_init.up.sql",
            "CREATE TABLE users (id integer PRIMARY KEY, name text);\n",
        ),
        ("migrations/000001_init.down.sql", "DROP TABLE users;\n"),
        (
            "migrations/000002_logs.up.sql",
            "CREATE TABLE logs (id integer PRIMARY KEY);\n",
        ),
        ("migrations/000002_logs.down.sql", "DROP TABLE logs;\n"),
    ]);
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "sql · sqlite (assumed) · no changes since HEAD · last migration 000002_logs",
        "{}",
        run.show()
    );
    // An added column (safe) and a dropped table (drop-table is an error finding).
    write(
        dir.path(),
        "schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text, email text);\n",
    );
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 0, "{}", run.show());
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "sql · sqlite (assumed) · 2 changes since HEAD (1 risky) · last migration 000002_logs",
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("  schema      schema.sql (sql)\n"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains(
            "  migrations  migrations (golang-migrate, 2 migrations, latest 000002_logs)\n"
        ),
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("note: no dialect found: assuming sqlite"),
        "{}",
        run.show()
    );

    let json = status_json(dir.path(), &[]);
    assert_eq!(json["orm"], "sql");
    assert_eq!(json["dialect"], serde_json::Value::Null);
    assert_eq!(json["baseline"], "HEAD");
    assert_eq!(json["changes"], 2);
    assert_eq!(json["risky"], 1);
    assert_eq!(json["questions"], 0);
    assert_eq!(json["schema_sources"][0]["path"], "schema.sql");
    assert_eq!(json["migrations"]["tool"], "golang-migrate");
    assert_eq!(json["migrations"]["dir"], "migrations");
    assert_eq!(json["migrations"]["count"], 2);
    assert_eq!(json["migrations"]["latest"], "000002_logs");

    // --since an older revision: the file as it was there.
    git(dir.path(), &["commit", "-q", "-am", "second"]);
    assert_eq!(status_json(dir.path(), &[])["changes"], 0);
    let json = status_json(dir.path(), &["--since", "HEAD~1"]);
    assert_eq!(json["baseline"], "HEAD~1");
    assert_eq!(json["changes"], 2);
}

#[test]
fn status_counts_an_unanswered_rename_as_an_open_question() {
    let dir = committed_repo(&[(
        "db/schema.sql",
        "CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);\n",
    )]);
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE customers (id integer PRIMARY KEY, full_name text NOT NULL);\n",
    );
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 0, "{}", run.show());
    let first = run.stdout.lines().next().unwrap();
    assert!(first.contains("1 rename question open"), "{}", run.show());
    assert!(
        run.stdout.contains("--rename customers.name=full_name"),
        "{}",
        run.show()
    );
    let json = status_json(dir.path(), &[]);
    assert_eq!(json["questions"], 1);
    // migen.toml's answer settles it: one rename, which breaks clients (risky).
    write(
        dir.path(),
        "migen.toml",
        "[database]\nversion = \"sqlite:3.45\"\n[renames]\n\"customers.name\" = \"full_name\"\n",
    );
    let json = status_json(dir.path(), &[]);
    assert_eq!(json["questions"], 0);
    assert_eq!(json["changes"], 1);
    assert_eq!(json["risky"], 1);
    assert_eq!(json["dialect"], "sqlite");
    assert_eq!(json["dialect_source"], "migen.toml");
    assert_eq!(json["version"], "sqlite:3.45");
}

#[test]
fn status_rejects_a_bad_revision_and_a_broken_migen_toml() {
    let dir = committed_repo(&[("schema.sql", "CREATE TABLE a (id integer);\n")]);
    let run = migen(dir.path(), &["status", "--since", "no-such-rev"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("no-such-rev"), "{}", run.show());
    assert!(run.stdout.is_empty(), "{}", run.show());
    write(
        dir.path(),
        "migen.toml",
        "[database]\ndialekt = \"postgres\"\n",
    );
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("migen.toml:2:1"), "{}", run.show());
}

#[test]
fn status_outside_git_still_reports_what_it_found() {
    let dir = temp_dir();
    write(dir.path(), "schema.sql", "CREATE TABLE a (id integer);\n");
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert!(
        run.stdout
            .starts_with("sql · dialect unknown · changes not counted · no migrations folder\n"),
        "{}",
        run.show()
    );
    assert!(
        run.stdout.contains("not in a git repository"),
        "{}",
        run.show()
    );

    let dir = temp_dir();
    write(dir.path(), "manage.py", "");
    write(
        dir.path(),
        "shop/models.py",
        "from django.db import models\n",
    );
    write(dir.path(), "shop/migrations/__init__.py", "");
    write(
        dir.path(),
        "shop/migrations/0001_initial.py",
        "dependencies = []\n",
    );
    write(
        dir.path(),
        "proj/settings.py",
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n",
    );
    write(
        dir.path(),
        "node_modules/x/models.py",
        "from django.db import models\n",
    );
    let run = migen(dir.path(), &["status"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "django · postgres · changes not counted · last migration 0001_initial",
        "{}",
        run.show()
    );
    // Django models are read, but there is no HEAD to compare them with.
    assert!(
        run.stdout.contains(
            "changes are not counted: git:HEAD:.: the current directory is not in a git repository"
        ),
        "{}",
        run.show()
    );
    let json = status_json(dir.path(), &[]);
    assert_eq!(json["changes"], serde_json::Value::Null);
    assert_eq!(json["schema_sources"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["dialect_source"],
        "proj/settings.py (DATABASES ENGINE)"
    );
}

#[test]
fn status_counts_sqlalchemy_model_changes_since_head() {
    let dir = sqlalchemy_repo();
    write(
        dir.path(),
        "app/blog.py",
        "from sqlalchemy.orm import Mapped, mapped_column\nfrom app.models import Base\n\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "posts"]);
    // One safe change (a nullable column), one risky (a dropped column), in two model files.
    write(
        dir.path(),
        "app/models.py",
        &SQLALCHEMY_MODELS.replace("    name: Mapped[str] = mapped_column(String(40))\n", ""),
    );
    write(
        dir.path(),
        "app/blog.py",
        "from sqlalchemy.orm import Mapped, mapped_column\nfrom app.models import Base\n\n\nclass Post(Base):\n    __tablename__ = \"posts\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    views: Mapped[int | None]\n",
    );
    let status = status_json(dir.path(), &[]);
    assert_eq!(status["orm"], "sqlalchemy", "{status}");
    assert_eq!(status["dialect"], "postgres", "{status}");
    assert_eq!(status["changes"], 2, "{status}");
    assert_eq!(status["risky"], 1, "{status}");
    let run = migen(dir.path(), &["status"]);
    assert!(
        run.stdout
            .starts_with("sqlalchemy · postgres · 2 changes since HEAD (1 risky)"),
        "{}",
        run.show()
    );
}

#[test]
fn status_counts_django_model_changes_since_head() {
    let dir = django_repo();
    write(
        dir.path(),
        "site/shelf/models.py",
        &format!("{DJANGO_MODELS}    pages = models.IntegerField(null=True)\n"),
    );
    let status = status_json(dir.path(), &[]);
    assert_eq!(status["orm"], "django", "{status}");
    assert_eq!(status["dialect"], "postgres", "{status}");
    assert_eq!(status["changes"], 1, "{status}");
    assert_eq!(status["risky"], 0, "{status}");
    assert_eq!(
        status["schema_sources"][0]["path"], "site/shelf/models.py",
        "{status}"
    );
}

#[test]
fn status_since_migrations_replays_them_on_sqlite() {
    let dir = temp_dir();
    write(
        dir.path(),
        "schema.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n",
    );
    write(
        dir.path(),
        "db/migrations/20250101000000_users.sql",
        "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE users;\n",
    );
    write(
        dir.path(),
        "db/migrations/20250102000000_name.sql",
        "-- migrate:up\nALTER TABLE users ADD COLUMN name TEXT;\n-- migrate:down\nALTER TABLE users DROP COLUMN name;\n",
    );
    let run = migen(dir.path(), &["status", "--since", "migrations"]);
    assert_eq!(run.code, 0, "{}", run.show());
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "sql · sqlite (assumed) · 1 change not yet in a migration · last migration 20250102000000_name",
        "{}",
        run.show()
    );
    assert!(
        run.stdout
            .contains("  compared    with migrations:db/migrations\n"),
        "{}",
        run.show()
    );
    let json = status_json(dir.path(), &["--since", "migrations:db/migrations"]);
    assert_eq!(json["baseline"], "migrations:db/migrations");
    assert_eq!(json["changes"], 1);
    assert_eq!(json["migrations"]["tool"], "dbmate");

    write(
        dir.path(),
        "db/migrations/20250103000000_posts.sql",
        "-- migrate:up\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n-- migrate:down\nDROP TABLE posts;\n",
    );
    let run = migen(dir.path(), &["status", "--since", "migrations"]);
    assert!(
        run.stdout.starts_with("sql · sqlite (assumed) · no changes outside the migrations · last migration 20250103000000_posts\n"),
        "{}",
        run.show()
    );
    // A script that fails is a database error naming the file; a missing folder is bad input.
    write(
        dir.path(),
        "db/migrations/20250104000000_bad.sql",
        "-- migrate:up\nALTER TABLE nope ADD COLUMN x INTEGER;\n",
    );
    let run = migen(dir.path(), &["status", "--since", "migrations"]);
    assert_eq!(run.code, 4, "{}", run.show());
    assert!(
        run.stderr.contains("20250104000000_bad.sql"),
        "{}",
        run.show()
    );
    let run = migen(dir.path(), &["status", "--since", "migrations:nowhere"]);
    assert_eq!(run.code, 2, "{}", run.show());
}

#[test]
fn status_since_migrations_replays_them_on_postgres() {
    let Some(server) = common::server(Dialect::Postgres) else {
        return;
    };
    let dir = temp_dir();
    write(
        dir.path(),
        "migen.toml",
        "[database]\nversion = \"postgres:15\"\n",
    );
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX users_email ON users (email);\n",
    );
    write(
        dir.path(),
        "db/migrations/000001_users.up.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n",
    );
    write(
        dir.path(),
        "db/migrations/000001_users.down.sql",
        "DROP TABLE users;\n",
    );
    let run = Run::from_output(
        migen_command(dir.path(), &["status", "--since", "migrations"])
            .env("MIGEN_SCRATCH_URL", &server)
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.show());
    // The index is the one change, and building it on an existing table is risky.
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "sql · postgres 15 · 1 change not yet in a migration (1 risky) · last migration 000001_users",
        "{}",
        run.show()
    );
}

#[test]
fn status_since_migrations_replays_them_on_mysql() {
    let Some(server) = common::server(Dialect::Mysql) else {
        return;
    };
    let dir = temp_dir();
    write(
        dir.path(),
        "migen.toml",
        "[database]\nversion = \"mysql:8.0\"\n",
    );
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL);\nCREATE TABLE posts (id BIGINT PRIMARY KEY);\n",
    );
    // Two statements in one file: the replay runs a file as the tool does, as one script.
    write(
        dir.path(),
        "db/migrations/V1__init.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\nALTER TABLE users ADD COLUMN email VARCHAR(200) NOT NULL;\n",
    );
    let run = Run::from_output(
        migen_command(dir.path(), &["status", "--since", "migrations", "--json"])
            .env("MIGEN_SCRATCH_URL", &server)
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.show());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["migrations"]["tool"], "flyway");
    assert_eq!(json["changes"], 1, "{}", run.show());
}

#[test]
fn status_reads_the_schema_migen_toml_names() {
    let dir = committed_repo(&[
        ("migen.toml", "[schema]\nsource = \"model/all.sql\"\n"),
        ("model/all.sql", "CREATE TABLE a (id integer);\n"),
        ("schema.sql", "CREATE TABLE z (id integer);\n"),
    ]);
    write(
        dir.path(),
        "model/all.sql",
        "CREATE TABLE a (id integer, b text);\n",
    );
    write(dir.path(), "schema.sql", "CREATE TABLE y (id integer);\n");
    let json = status_json(dir.path(), &[]);
    assert_eq!(json["schema_sources"][0]["path"], "model/all.sql");
    // One added column; schema.sql's table swap would be two changes.
    assert_eq!(json["changes"], 1);
}

#[test]
fn status_counts_a_prisma_schemas_changes_since_head() {
    let dir = committed_repo(&[("prisma/schema.prisma", PRISMA_BEFORE)]);
    write(
        dir.path(),
        "prisma/schema.prisma",
        &PRISMA_BEFORE.replace(
            "email String @unique\n",
            "email String @unique\n  bio   String?\n",
        ),
    );
    let status = status_json(dir.path(), &[]);
    assert_eq!(status["orm"], "prisma", "{status}");
    assert_eq!(status["dialect"], "postgres", "{status}");
    assert_eq!(status["changes"], 1, "{status}");
}

#[test]
fn tui_without_a_terminal_points_to_the_plain_commands() {
    let dir = temp_dir();
    let run = migen(dir.path(), &["tui"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(run.stderr.contains("needs a terminal"), "{}", run.show());
    assert!(
        run.stderr.contains("migen diff, plan, generate"),
        "{}",
        run.show()
    );
}

/// Each example project's `migen status` names the ORM its migen.toml's `source` is written in
/// (the configured source leads the list, so a models folder must not fall back to SQL) and
/// finds the change its working tree holds.
#[test]
fn status_names_the_orm_of_each_example_project() {
    let projects = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects");
    let model_projects = [
        ("alembic", "sqlalchemy"),
        ("django", "django"),
        ("drizzle", "drizzle"),
        ("knex", "knex"),
        ("sequelize", "sequelize"),
        ("typeorm", "typeorm"),
    ];
    for entry in std::fs::read_dir(&projects).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !projects.join(&name).join("migen.toml").is_file() {
            continue;
        }
        let root = temp_dir();
        let dest = root.path().join(&name);
        let setup = Command::new(projects.join("setup.sh"))
            .arg(&name)
            .arg(&dest)
            .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
            .output()
            .unwrap();
        assert!(setup.status.success(), "{name}: {setup:?}");
        let status = status_json(&dest, &[]);
        let wanted = model_projects
            .iter()
            .find(|(project, _)| *project == name)
            .map_or("sql", |(_, orm)| *orm);
        assert_eq!(status["orm"], wanted, "{name}: {status}");
        assert_eq!(
            status["schema_sources"][0]["orm"], wanted,
            "{name}: {status}"
        );
        // Knex's schema is what the project's own Knex builds, and no node_modules is linked
        // here: status says so instead of counting.
        let counted = status["changes"].as_u64().is_some_and(|n| n > 0);
        let knex_without_node_modules = name == "knex"
            && status["notes"][0]
                .as_str()
                .is_some_and(|n| n.contains("npm install knex"));
        assert!(counted || knex_without_node_modules, "{name}: {status}");
    }
}

/// migen.toml's `dir` is the folder of its `target`: `--target` naming another tool writes into
/// that tool's folder, not among the configured tool's files.
#[test]
fn another_target_than_migen_toml_s_writes_to_its_own_folder() {
    let dir = temp_dir();
    write(
        dir.path(),
        "migen.toml",
        "[database]\ndialect = \"sqlite\"\n\n[migrations]\ntarget = \"sql\"\ndir = \"sql-changes\"\n",
    );
    write(
        dir.path(),
        "before.sql",
        "CREATE TABLE a (id integer PRIMARY KEY);\n",
    );
    write(
        dir.path(),
        "after.sql",
        "CREATE TABLE a (id integer PRIMARY KEY, note text);\n",
    );
    let generate = |target: &str| {
        let args = [
            "generate",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--target",
            target,
            "--name",
            "note",
        ];
        let run = migen(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.show());
        run.stdout
    };
    let flyway = generate("flyway");
    // Flyway's own default folder, where `flyway migrate` looks.
    assert!(
        flyway.lines().any(|l| l.starts_with("sql/V1__note.sql")),
        "{flyway}"
    );
    assert!(!flyway.contains("sql-changes"), "{flyway}");
    let sql = generate("sql");
    assert!(sql.lines().any(|l| l.contains("sql-changes/")), "{sql}");
}
