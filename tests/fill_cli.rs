//! Fill questions from the real binary, as a user meets them: the seeds' examples ("add NOT
//! NULL constraint to status", "add email_verified set from email_confirmed_at", the CDN URL
//! backfill) planned with `--fill` or migen.toml's `[fill]` and applied to databases holding
//! rows, value by value; exit 3 with the question and the flag that answers it when no terminal
//! can ask; exit 2 at the position of a bad expression, with nothing written; no question where
//! a live source shows no NULL.
//!
//! The PostgreSQL and MariaDB examples need servers (`MIGEN_TEST_POSTGRES`, `MIGEN_TEST_MYSQL`,
//! defaults on localhost); without one they are skipped locally and fail under `CI=true`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use migen::model::{Dialect, QName};
use migen::source::live::{self, Database};

const BEFORE: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(20), email_confirmed_at DATE, legacy_avatar VARCHAR(100));\n";
const STATUS_NOT_NULL: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(20) NOT NULL, email_confirmed_at DATE, legacy_avatar VARCHAR(100));\n";
const EMAIL_VERIFIED: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(20), email_confirmed_at DATE, legacy_avatar VARCHAR(100), email_verified BOOLEAN NOT NULL);\n";
const AVATAR_URL: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(20), email_confirmed_at DATE, legacy_avatar VARCHAR(100), avatar_url VARCHAR(200));\n";
const ROWS: &[&str] = &[
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar) VALUES (1, NULL, '2024-01-02', 'a.png')",
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar) VALUES (2, 'banned', NULL, NULL)",
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar) VALUES (3, NULL, NULL, 'o''neil.png')",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn migen(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the migen binary runs");
    Run {
        code: out.status.code().expect("an exit code"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn project(after: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("before.sql"), BEFORE).unwrap();
    std::fs::write(dir.path().join("after.sql"), after).unwrap();
    dir
}

/// Every up statement of every phase (`up`), or every down (`down`), from `plan --format json`.
fn statements(json: &str, direction: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value[direction]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sql"].as_str().unwrap().to_string())
        .collect()
}

fn seeded(url: &str) -> Box<dyn Database> {
    let mut db = live::connect(url).unwrap();
    db.execute(BEFORE).unwrap();
    for row in ROWS {
        db.execute(row).unwrap();
    }
    db
}

fn run_all(db: &mut dyn Database, statements: &[String]) {
    for sql in statements {
        db.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

fn holds(db: &mut dyn Database, id: i64, condition: &str) -> bool {
    db.count_where(
        &QName::new("users"),
        &format!("id = {id} AND ({condition})"),
    )
    .unwrap()
        == 1
}

/// A new, empty SQLite database file in `dir`.
fn sqlite_url(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap();
    format!("sqlite://{}", path.display())
}

#[test]
fn add_not_null_constraint_to_status_asks_then_fills() {
    let dir = project(STATUS_NOT_NULL);
    let pair = [
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--dialect",
        "sqlite",
    ];

    // No terminal, no answer: exit 3 with the question and the flag, nothing written.
    let mut args = vec!["generate", "--dir", "migrations"];
    args.extend(pair);
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("users.status"), "{}", run.stderr);
    assert!(run.stderr.contains("becomes NOT NULL"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--fill users.status=\"<SQL>\""),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("migrations").exists());

    for strategy in ["direct", "zero-downtime"] {
        let mut args = vec!["plan", "--format", "json", "--strategy", strategy];
        args.extend(pair);
        args.extend(["--fill", "users.status='active'"]);
        let run = migen(dir.path(), &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let url = sqlite_url(dir.path(), &format!("{strategy}.db"));
        let mut db = seeded(&url);
        run_all(db.as_mut(), &statements(&run.stdout, "up"));
        assert!(holds(db.as_mut(), 1, "status = 'active'"), "{strategy}");
        assert!(holds(db.as_mut(), 2, "status = 'banned'"), "{strategy}");
        assert!(holds(db.as_mut(), 3, "status = 'active'"), "{strategy}");
        let refused = db.execute("INSERT INTO users (id) VALUES (9)");
        assert!(
            refused.is_err(),
            "{strategy}: status is NOT NULL after the up"
        );
        run_all(db.as_mut(), &statements(&run.stdout, "down"));
        db.execute("INSERT INTO users (id) VALUES (9)")
            .expect("NULL allowed again after the down");
        // What the down says it cannot restore is what it does not restore.
        assert!(holds(db.as_mut(), 1, "status = 'active'"));
        assert!(holds(db.as_mut(), 2, "status = 'banned'"));
    }

    // The SQL script says so in the down.
    let mut args = vec!["plan"];
    args.extend(pair);
    args.extend(["--fill", "users.status='active'"]);
    let run = migen(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("UPDATE users SET status = 'active' WHERE status IS NULL"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("cannot be told apart"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_fill_expression_is_exit_2_at_its_position_with_nothing_written() {
    let dir = project(STATUS_NOT_NULL);
    let run = migen(
        dir.path(),
        &[
            "generate",
            "--dir",
            "migrations",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--dialect",
            "sqlite",
            "--fill",
            "users.status=lower(status) 'x'",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--fill users.status:1:15"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("migrations").exists());
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--dialect",
            "sqlite",
            "--fill",
            "users.status=actve",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--fill users.status:1:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not a column of users"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn migen_toml_fill_answers_and_its_mistakes_name_the_line() {
    let dir = project(STATUS_NOT_NULL);
    std::fs::write(
        dir.path().join("migen.toml"),
        "[database]\ndialect = \"sqlite\"\n\n[fill]\n\"users.status\" = \"'active'\"\n",
    )
    .unwrap();
    let run = migen(
        dir.path(),
        &["plan", "--from", "before.sql", "--to", "after.sql"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("SET status = 'active'"),
        "{}",
        run.stdout
    );
    // The command line wins over migen.toml.
    let run = migen(
        dir.path(),
        &[
            "plan",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--fill",
            "users.status='new'",
        ],
    );
    assert!(run.stdout.contains("SET status = 'new'"), "{}", run.stdout);
    std::fs::write(
        dir.path().join("migen.toml"),
        "[database]\ndialect = \"sqlite\"\n\n[fill]\n\"users.status\" = \"'a' +\"\n",
    )
    .unwrap();
    let run = migen(
        dir.path(),
        &["plan", "--from", "before.sql", "--to", "after.sql"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("migen.toml:5:"), "{}", run.stderr);
}

#[test]
fn a_live_source_without_nulls_is_not_asked() {
    let dir = project(STATUS_NOT_NULL);
    let url = sqlite_url(dir.path(), "live.db");
    let mut db = live::connect(&url).unwrap();
    db.execute(BEFORE).unwrap();
    db.execute("INSERT INTO users (id, status) VALUES (1, 'a')")
        .unwrap();
    drop(db);
    let run = migen(dir.path(), &["plan", "--from", &url, "--to", "after.sql"]);
    assert_eq!(run.code, 0, "no NULL, no question: {}", run.stderr);
    assert!(!run.stdout.contains("UPDATE"), "{}", run.stdout);
    let mut db = live::connect(&url).unwrap();
    db.execute("INSERT INTO users (id) VALUES (2)").unwrap();
    drop(db);
    let run = migen(dir.path(), &["plan", "--from", &url, "--to", "after.sql"]);
    assert_eq!(run.code, 3, "a NULL: the question: {}", run.stderr);
    // An empty table needs no value for an added NOT NULL column.
    let dir = project(EMAIL_VERIFIED);
    let url = sqlite_url(dir.path(), "empty.db");
    let mut db = live::connect(&url).unwrap();
    db.execute(BEFORE).unwrap();
    drop(db);
    let run = migen(dir.path(), &["plan", "--from", &url, "--to", "after.sql"]);
    assert_eq!(run.code, 0, "an empty table: no question: {}", run.stderr);
}

/// A scratch database on the dialect's server, or `None` when there is none (outside CI).
fn scratch(dialect: Dialect) -> Option<live::Scratch> {
    let server = common::server(dialect)?;
    Some(live::create_scratch(&server).unwrap())
}

fn plan_json(dir: &Path, dialect: Dialect, strategy: &str, fill: &str) -> Run {
    migen(
        dir,
        &[
            "plan",
            "--format",
            "json",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--dialect",
            dialect.name(),
            "--strategy",
            strategy,
            "--fill",
            fill,
            "--batch-pause",
            "0",
        ],
    )
}

#[test]
fn email_verified_set_from_email_confirmed_at() {
    let dir = project(EMAIL_VERIFIED);
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        for strategy in ["direct", "zero-downtime"] {
            let (url, _keep) = match dialect {
                Dialect::Sqlite => (sqlite_url(dir.path(), &format!("ev-{strategy}.db")), None),
                _ => match scratch(dialect) {
                    Some(s) => (s.url.clone(), Some(s)),
                    None => continue,
                },
            };
            let run = plan_json(
                dir.path(),
                dialect,
                strategy,
                "users.email_verified=email_confirmed_at IS NOT NULL",
            );
            assert_eq!(run.code, 0, "{dialect} {strategy}: {}", run.stderr);
            let mut db = seeded(&url);
            run_all(db.as_mut(), &statements(&run.stdout, "up"));
            let at = format!("{dialect} {strategy}");
            assert!(holds(db.as_mut(), 1, "email_verified = TRUE"), "{at}");
            assert!(holds(db.as_mut(), 2, "email_verified = FALSE"), "{at}");
            assert!(holds(db.as_mut(), 3, "email_verified = FALSE"), "{at}");
            run_all(db.as_mut(), &statements(&run.stdout, "down"));
            assert_eq!(db.row_count(&QName::new("users")).unwrap(), 3, "{at}");
            assert!(
                holds(db.as_mut(), 1, "email_confirmed_at IS NOT NULL"),
                "{at}"
            );
        }
    }
}

#[test]
fn the_cdn_url_backfill_is_written_in_each_dialects_own_sql() {
    let dir = project(AVATAR_URL);
    // MySQL's || is OR: refused at its position, the way CONCAT is named.
    let run = plan_json(
        dir.path(),
        Dialect::Mysql,
        "direct",
        "users.avatar_url='https://cdn.example.com/' || legacy_avatar",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("CONCAT"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--fill users.avatar_url:1:1"),
        "{}",
        run.stderr
    );
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let fill = match dialect {
            Dialect::Mysql => "users.avatar_url=CONCAT('https://cdn.example.com/', legacy_avatar)",
            _ => "users.avatar_url='https://cdn.example.com/' || legacy_avatar",
        };
        for strategy in ["direct", "zero-downtime"] {
            let (url, _keep) = match dialect {
                Dialect::Sqlite => (sqlite_url(dir.path(), &format!("cdn-{strategy}.db")), None),
                _ => match scratch(dialect) {
                    Some(s) => (s.url.clone(), Some(s)),
                    None => continue,
                },
            };
            let run = plan_json(dir.path(), dialect, strategy, fill);
            assert_eq!(run.code, 0, "{dialect} {strategy}: {}", run.stderr);
            let mut db = seeded(&url);
            run_all(db.as_mut(), &statements(&run.stdout, "up"));
            let at = format!("{dialect} {strategy}");
            assert!(
                holds(
                    db.as_mut(),
                    1,
                    "avatar_url = 'https://cdn.example.com/a.png'"
                ),
                "{at}"
            );
            assert!(holds(db.as_mut(), 2, "avatar_url IS NULL"), "{at}");
            assert!(
                holds(
                    db.as_mut(),
                    3,
                    "avatar_url = 'https://cdn.example.com/o''neil.png'"
                ),
                "{at}"
            );
            run_all(db.as_mut(), &statements(&run.stdout, "down"));
            assert!(
                holds(db.as_mut(), 3, "legacy_avatar = 'o''neil.png'"),
                "{at}"
            );
        }
    }
}
