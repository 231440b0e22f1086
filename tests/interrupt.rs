//! An interrupted run leaves nothing behind: Ctrl-C (SIGINT) or SIGTERM during `generate`
//! removes the files it had written, and during `verify` drops the scratch database it had
//! made (a file in the temporary folder for SQLite, a database on PostgreSQL and MariaDB).
//! Both exit with 130.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use migen::model::Dialect;

mod common;

fn migen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_migen"))
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for `ready` (polled), then signals; panics when the child ends first.
fn interrupt_when(child: &mut Child, name: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before it could be interrupted");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "never ready");
        std::thread::sleep(Duration::from_millis(2));
    }
    signal(child, name);
}

/// Schemas different enough that a zero-downtime plan writes several files, and large enough
/// that verifying them takes a while.
fn write_schemas(dir: &Path, tables: usize) -> (String, String) {
    let mut before = String::new();
    let mut after = String::new();
    for t in 0..tables {
        before.push_str(&format!(
            "CREATE TABLE t{t} (id integer PRIMARY KEY, name varchar(50), note text);\n"
        ));
        after.push_str(&format!(
            "CREATE TABLE t{t} (id integer PRIMARY KEY, name varchar(50) NOT NULL DEFAULT 'x', note text, added integer);\nCREATE INDEX t{t}_note ON t{t} (note);\n"
        ));
    }
    let (from, to) = (dir.join("before.sql"), dir.join("after.sql"));
    std::fs::write(&from, before).unwrap();
    std::fs::write(&to, after).unwrap();
    (from.display().to_string(), to.display().to_string())
}

#[test]
fn an_interrupted_generate_leaves_no_file() {
    for name in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = write_schemas(dir.path(), 3);
        let out = dir.path().join("db/migrations");
        // The same zero-downtime generate, waiting `pause` ms before each file it writes.
        let generate = |pause: &str| {
            let mut command = migen();
            command
                .args([
                    "generate",
                    "--from",
                    &from,
                    "--to",
                    &to,
                    "--dialect",
                    "postgres",
                ])
                .args(["--strategy", "zero-downtime", "--target", "golang-migrate"])
                .args(["--name", "big", "--dir"])
                .arg(&out)
                .env("MIGEN_TEST_WRITE_PAUSE_MS", pause);
            command
        };
        let mut child = generate("400")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let files = |dir: &Path| std::fs::read_dir(dir).map_or(0, |d| d.count());
        interrupt_when(&mut child, name, || files(&out) >= 2);
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(130), "SIG{name}");
        assert!(
            !dir.path().join("db").exists(),
            "SIG{name}: {:?}",
            std::fs::read_dir(&out).map(|d| d.map(|e| e.unwrap().file_name()).collect::<Vec<_>>())
        );
        // Uninterrupted, the same run writes its files: the pause only slows it.
        let written = generate("1").output().unwrap();
        assert!(written.status.success(), "{written:?}");
        assert!(files(&out) >= 4, "{}", files(&out));
    }
}

#[test]
fn an_interrupted_verify_drops_its_scratch_database() {
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = write_schemas(dir.path(), 150);
        let mut command = migen();
        command
            .args(["verify", "--from", &from, "--to", &to])
            .args(["--dialect", &dialect.to_string().to_lowercase()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if dialect != Dialect::Sqlite {
            command.args(["--db", &server]);
        }
        let mut child = command.spawn().unwrap();
        let prefix = format!("migen_scratch_{}_", child.id());
        let mut scratches = scratch_lister(dialect, &server, &prefix);
        interrupt_when(&mut child, "INT", || !scratches().is_empty());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{dialect}");
        assert_eq!(scratches(), Vec::<String>::new(), "{dialect}: left behind");
    }
}

/// What scratch databases (or SQLite files) a run with this name prefix has now.
fn scratch_lister(dialect: Dialect, server: &str, prefix: &str) -> Box<dyn FnMut() -> Vec<String>> {
    let prefix = prefix.to_string();
    match dialect {
        Dialect::Sqlite => Box::new(move || {
            std::fs::read_dir(std::env::temp_dir())
                .unwrap()
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with(&prefix))
                .collect()
        }),
        Dialect::Postgres => {
            let mut client = postgres::Client::connect(server, postgres::NoTls).unwrap();
            Box::new(move || {
                client
                    .query(
                        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)",
                        &[&prefix],
                    )
                    .unwrap()
                    .iter()
                    .map(|row| row.get(0))
                    .collect()
            })
        }
        Dialect::Mysql => {
            use mysql::prelude::Queryable;
            let mut conn = mysql::Conn::new(mysql::Opts::from_url(server).unwrap()).unwrap();
            Box::new(move || {
                conn.exec(
                    "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE CONCAT(?, '%')",
                    (prefix.replace('_', "\\_"),),
                )
                .unwrap()
            })
        }
    }
}
