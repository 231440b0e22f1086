//! Hostile names: for names holding every kind of quote, line breaks (`\r`, `\n`, U+2028),
//! comment markers, `;`, `.`, `=`, spaces, reserved words, unicode and the servers' length
//! limits, on SQLite, PostgreSQL and MariaDB and in both strategies:
//! - the plan's SQL script (notes, headers and the commented-out down included), piped into
//!   the server's own client as a user would (`migen plan | psql`), reaches the after schema,
//!   keeps the renamed column's values, and never touches a sentinel table;
//! - the plan's down, statement by statement, restores the before schema and the values;
//! - the rename question prints an answer that, given back, is taken;
//! - every file every target writes parses in its language (Python through `ast`, JavaScript
//!   and TypeScript through oxc, shell through `bash -n`, TOML, XML, JSON).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use migen::diff::{self, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::source::{live, sql};

mod common;

const NAMES: &[&str] = &[
    "plain",
    "has space",
    "dq\"uote",
    "sq'uote",
    "back`tick",
    "n\rDROP TABLE sentinel;\r--",
    "n\nDROP TABLE sentinel;\n--",
    "crlf\r\nDROP TABLE sentinel;--",
    "ls\u{2028}DROP TABLE sentinel;--",
    "ps\u{2029}x",
    "dash--dash",
    "open/*comment",
    "close*/comment",
    "semi;colon",
    "x.c",
    "a=b",
    " padded ",
    "select",
    "order",
    "$dollar",
    "${template}",
    "back\\slash",
    "?question",
    ":colon",
    "%percent",
    "#hash",
    "tab\tname",
    "ünïcödé",
    "名前",
    "emoji😀",
    "\"\"\"",
    "'''",
];

/// The longest name each server takes, in its own unit (PostgreSQL bytes, MariaDB characters).
fn length_limit_names(dialect: Dialect) -> Vec<String> {
    match dialect {
        Dialect::Postgres => vec!["p".repeat(63)],
        Dialect::Mysql => vec!["m".repeat(64)],
        Dialect::Sqlite => vec!["s".repeat(200)],
    }
}

/// Whether the server takes `name` as an identifier at all.
fn allowed(dialect: Dialect, name: &str) -> bool {
    match dialect {
        Dialect::Sqlite => true,
        Dialect::Postgres => name.len() <= 63,
        // MariaDB: Unicode's basic plane only, no trailing space, at most 64 characters.
        Dialect::Mysql => {
            name.chars().all(|c| (c as u32) < 0x10000)
                && !name.ends_with(' ')
                && name.chars().count() <= 64
        }
    }
}

/// `name` changed at its end into another valid name of at most the same length.
fn variant(dialect: Dialect, name: &str, suffix: char) -> String {
    let mut out: String = name.to_string();
    loop {
        let candidate = format!("{out}{suffix}");
        if allowed(dialect, &candidate) && !candidate.ends_with(' ') {
            return candidate;
        }
        out.pop();
    }
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn migen(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The argument after `--rename ` in a question, as the shell would hand it over.
fn suggested_answer(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("rename: --rename "))
        .unwrap_or_else(|| panic!("no answer offered:\n{stderr}"));
    // The rest of the question may continue on the next lines when the name holds a break.
    let at = stderr.find(line).unwrap();
    let text = &stderr[at..];
    if let Some(rest) = text.strip_prefix('\'') {
        // A single-quoted shell word, where '\'' is a quote.
        let mut out = String::new();
        let mut rest = rest;
        loop {
            let end = rest.find('\'').expect("closing quote");
            out.push_str(&rest[..end]);
            rest = &rest[end + 1..];
            match rest.strip_prefix("\\''") {
                Some(more) => {
                    out.push('\'');
                    rest = more;
                }
                None => return out,
            }
        }
    }
    line.to_string()
}

/// The text of each row's first column.
fn strings(dialect: Dialect, url: &str, query: &str) -> Vec<Option<String>> {
    match dialect {
        Dialect::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap();
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut statement = conn.prepare(query).unwrap();
            statement
                .query_map([], |row| row.get::<_, Option<String>>(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        }
        Dialect::Postgres => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
            client
                .query(query, &[])
                .unwrap()
                .iter()
                .map(|row| row.get::<_, Option<String>>(0))
                .collect()
        }
        Dialect::Mysql => {
            use mysql::prelude::Queryable;
            let mut conn = mysql::Conn::new(mysql::Opts::from_url(url).unwrap()).unwrap();
            conn.query(query).unwrap()
        }
    }
}

/// Pipes `script` into the server's own command-line client (as `migen plan | psql` does),
/// stopping at the first error.
fn run_client(dialect: Dialect, url: &str, script: &str) -> Result<(), String> {
    let mut command = match dialect {
        // The sqlite3 shell drops a carriage return before each line feed of its input, inside
        // quoted names too, so SQLite's own parser takes the script, through the driver.
        Dialect::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap();
            return rusqlite::Connection::open(path)
                .and_then(|conn| conn.execute_batch(script))
                .map_err(|e| e.to_string());
        }
        Dialect::Postgres => {
            let mut c = Command::new("psql");
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", url]);
            c
        }
        Dialect::Mysql => {
            let database = url.rsplit('/').next().unwrap();
            let mut c = Command::new("mysql");
            // Without --binary-mode the client reads "\r\n" as "\n", inside quoted names too.
            c.args([
                "-h127.0.0.1",
                "-uroot",
                "--batch",
                "--binary-mode",
                database,
            ]);
            c
        }
    };
    let mut child = command
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
        .write_all(script.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() && !stderr.contains("ERROR") && !stderr.contains("Error") {
        Ok(())
    } else {
        Err(stderr.into_owned())
    }
}

fn equal(live: &Schema, expected: &Schema) -> Vec<String> {
    diff::diff(live, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

struct Case {
    dialect: Dialect,
    name: String,
    before: String,
    after: String,
    renamed: String,
    table: String,
}

fn case(dialect: Dialect, name: &str) -> Case {
    let q = |n: &str| quote(dialect, n);
    let table = name.to_string();
    let renamed = variant(dialect, name, '2');
    let added = variant(dialect, name, '3');
    let index = variant(dialect, name, '4');
    let sentinel = "CREATE TABLE sentinel (id integer PRIMARY KEY, v varchar(20) NOT NULL);\n";
    let before = format!(
        "{sentinel}CREATE TABLE {} (id integer PRIMARY KEY, {} varchar(40) NOT NULL, keep varchar(40));\n",
        q(&table),
        q(name)
    );
    let after = format!(
        "{sentinel}CREATE TABLE {} (id integer PRIMARY KEY, {} varchar(40) NOT NULL, keep varchar(40), {} varchar(40));\nCREATE INDEX {} ON {} (keep);\n",
        q(&table),
        q(&renamed),
        q(&added),
        q(&index),
        q(&table)
    );
    Case {
        dialect,
        name: name.to_string(),
        before,
        after,
        renamed,
        table,
    }
}

fn dialect_flag(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
    }
}

/// Plans the case, applies it up through the client and down through the driver, checking
/// the schema, the values and the sentinel at each end. Returns the rename answer.
fn round_trip(case: &Case, strategy: &str, scratch: &mut common::Scratch) -> String {
    let dialect = case.dialect;
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("before.sql"), &case.before).unwrap();
    std::fs::write(work.path().join("after.sql"), &case.after).unwrap();
    let base = [
        "plan",
        "--dialect",
        dialect_flag(dialect),
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--strategy",
        strategy,
    ];
    let (code, _, stderr) = migen(work.path(), &base);
    assert_eq!(code, 3, "{:?}: {stderr}", case.name);
    let answer = suggested_answer(&stderr);
    let with_answer = |format: &str| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["--rename", &answer, "--format", format]);
        let (code, stdout, stderr) = migen(work.path(), &args);
        assert_eq!(code, 0, "{:?} {answer:?}: {stderr}", case.name);
        stdout
    };
    let script = with_answer("sql");
    let json: serde_json::Value = serde_json::from_str(&with_answer("json")).unwrap();
    assert!(
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "rename_column"),
        "{:?}: the answer was not taken as a rename",
        case.name
    );

    let url = scratch.fresh().unwrap();
    let mut db = live::connect(&url).unwrap();
    db.execute(&case.before).unwrap();
    let q = |n: &str| quote(dialect, n);
    db.execute(&format!(
        "INSERT INTO sentinel VALUES (1, 'safe'); INSERT INTO {} VALUES (1, 'v1', 'k1'), (2, 'it''s', NULL);",
        q(&case.table)
    ))
    .unwrap();
    let before = sql::parse(dialect, &case.before, "before.sql").unwrap();
    let after = sql::parse(dialect, &case.after, "after.sql").unwrap();

    run_client(dialect, &url, &script)
        .unwrap_or_else(|e| panic!("{:?} {strategy}: up failed: {e}\n{script}", case.name));
    let values = |column: &str| {
        strings(
            dialect,
            &url,
            &format!("SELECT {} FROM {} ORDER BY id", q(column), q(&case.table)),
        )
    };
    let expected = vec![Some("v1".to_string()), Some("it's".to_string())];
    // The database holds `schema` with the seeded values in `column`, and the sentinel is intact.
    let reached = |schema: &Schema, column: &str, when: &str| {
        let live = live::connect(&url).unwrap().introspect().unwrap();
        assert_eq!(
            equal(&live, schema),
            Vec::<String>::new(),
            "{:?} {strategy}: {when}",
            case.name
        );
        assert_eq!(
            values(column),
            expected,
            "{:?} {strategy}: {when}",
            case.name
        );
        assert_eq!(
            strings(dialect, &url, "SELECT v FROM sentinel"),
            [Some("safe".to_string())],
            "{:?} {strategy}: {when}",
            case.name
        );
    };
    reached(&after, &case.renamed, "up");

    let mut db = live::connect(&url).unwrap();
    for statement in json["down"].as_array().unwrap() {
        let sql = statement["sql"].as_str().unwrap();
        db.execute(sql)
            .unwrap_or_else(|e| panic!("{:?} {strategy}: down failed at {sql}: {e}", case.name));
    }
    reached(&before, &case.name, "down");
    answer
}

fn names(dialect: Dialect) -> Vec<String> {
    NAMES
        .iter()
        .map(|n| n.to_string())
        .chain(length_limit_names(dialect))
        .filter(|n| allowed(dialect, n))
        .collect()
}

fn round_trips(dialect: Dialect) {
    let Some(server) = common::server(dialect) else {
        return;
    };
    let mut scratch = common::Scratch::new(server, dialect);
    let names = names(dialect);
    assert!(names.len() >= 30, "{dialect}: {}", names.len());
    for name in &names {
        let case = case(dialect, name);
        for strategy in ["direct", "zero-downtime"] {
            round_trip(&case, strategy, &mut scratch);
        }
    }
}

#[test]
fn sqlite_scripts_keep_every_name_in_its_place() {
    round_trips(Dialect::Sqlite);
}

#[test]
fn postgres_scripts_keep_every_name_in_its_place() {
    round_trips(Dialect::Postgres);
}

#[test]
fn mariadb_scripts_keep_every_name_in_its_place() {
    round_trips(Dialect::Mysql);
}

/// Targets whose files migen writes from SQL schemas.
const TARGETS: &[&str] = &[
    "sql",
    "golang-migrate",
    "flyway",
    "dbmate",
    "prisma",
    "alembic",
    "knex",
    "typeorm",
    "liquibase",
    "sequelize",
];

#[test]
fn every_sqlite_file_of_every_target_parses_in_its_language() {
    files_parse(Dialect::Sqlite);
}

#[test]
fn every_postgres_file_of_every_target_parses_in_its_language() {
    files_parse(Dialect::Postgres);
}

#[test]
fn every_mariadb_file_of_every_target_parses_in_its_language() {
    files_parse(Dialect::Mysql);
}

/// Every name through every target; both strategies for each name under
/// `MIGEN_FULL_ORACLES=1`, else the two strategies take turns (each still meets every target
/// with half of the names, which keeps CI's run short).
fn files_parse(dialect: Dialect) {
    let full = std::env::var("MIGEN_FULL_ORACLES").is_ok_and(|v| v == "1");
    let mut python = Vec::new();
    let mut checked = 0;
    let out = tempfile::tempdir().unwrap();
    {
        for (n, name) in names(dialect).iter().enumerate() {
            let case = case(dialect, name);
            let work = out.path().join(format!("{}-{n}", dialect_flag(dialect)));
            std::fs::create_dir_all(&work).unwrap();
            std::fs::write(work.join("before.sql"), &case.before).unwrap();
            std::fs::write(work.join("after.sql"), &case.after).unwrap();
            let answer = quoted_answer(&case);
            let strategies = match (full, n % 2) {
                (true, _) => &["direct", "zero-downtime"][..],
                (false, 0) => &["direct"][..],
                (false, _) => &["zero-downtime"][..],
            };
            for strategy in strategies {
                for target in TARGETS {
                    let dir = format!("out-{strategy}-{target}");
                    let generate = |tests: bool| {
                        let mut args = vec![
                            "generate",
                            "--dialect",
                            dialect_flag(dialect),
                            "--from",
                            "before.sql",
                            "--to",
                            "after.sql",
                            "--strategy",
                            strategy,
                            "--target",
                            target,
                            "--dir",
                            &dir,
                            "--rename",
                            &answer,
                            "--name",
                            "hostile",
                        ];
                        if tests {
                            args.push("--with-tests");
                        }
                        migen(&work, &args)
                    };
                    // The test script too, where the target has one.
                    let (mut code, _, mut stderr) = generate(true);
                    if code == 2 && stderr.contains("--with-tests is not available") {
                        (code, _, stderr) = generate(false);
                    }
                    // A target may refuse a plan it cannot carry (exit 2 with the reason).
                    if code == 2 && stderr.contains("cannot") {
                        continue;
                    }
                    assert_eq!(code, 0, "{dialect} {name:?} {target} {strategy}: {stderr}");
                    for file in files_under(&work.join(&dir)) {
                        checked += 1;
                        check_file(&file, &mut python);
                    }
                }
            }
        }
    }
    assert!(checked > 300, "{dialect}: {checked} files");
    check_python(&python);
}

/// The rename answer with each name quoted, as the question prints it.
fn quoted_answer(case: &Case) -> String {
    let quote = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
    format!(
        "{}.{}={}",
        quote(&case.table),
        quote(&case.name),
        quote(&case.renamed)
    )
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn check_file(path: &Path, python: &mut Vec<PathBuf>) {
    let text = std::fs::read_to_string(path).unwrap();
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension {
        "py" => python.push(path.to_path_buf()),
        "js" | "ts" | "mjs" | "cjs" => {
            let allocator = oxc_allocator::Allocator::default();
            let source_type = oxc_span::SourceType::from_path(path).unwrap();
            let parsed = oxc_parser::Parser::new(&allocator, &text, source_type).parse();
            assert!(
                parsed.diagnostics.is_empty() && !parsed.panicked,
                "{}: {:?}\n{text}",
                path.display(),
                parsed.diagnostics
            );
        }
        "sh" => {
            let status = Command::new("bash").arg("-n").arg(path).status().unwrap();
            assert!(status.success(), "{}:\n{text}", path.display());
        }
        "toml" => {
            text.parse::<toml::Table>()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        "json" => {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        "xml" => {
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{}: {e}", path.display()),
                }
            }
        }
        _ => {}
    }
}

/// All Python files through one interpreter: `ast.parse` is the compiler's own parser.
fn check_python(files: &[PathBuf]) {
    if files.is_empty() {
        return;
    }
    let list = files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let output = Command::new("python3")
        .args([
            "-c",
            "import ast, sys\nbad = []\nfor name in sys.stdin.read().splitlines():\n    try:\n        ast.parse(open(name, encoding='utf-8').read(), name)\n    except SyntaxError as e:\n        bad.append(f'{name}: {e}')\nprint('\\n'.join(bad))\nsys.exit(1 if bad else 0)",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(list.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
