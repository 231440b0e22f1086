//! TypeORM itself judges migen's static reading of TypeORM entities. For every project of
//! `tests/ts_entities/<case>/` (a `data-source.ts` and its entities) on SQLite, PostgreSQL and
//! MariaDB (a case's `only` file names the dialects it is for):
//!
//! 1. TypeORM (the pinned oracle in `.cache/oracles/js`, through ts-node) synchronizes the
//!    entities into a scratch database (`sync.js`), and `migen diff --from <that database>
//!    --to <the project>` finds no change: the static reader equals what TypeORM builds;
//! 2. `--exact` (the reader running the project's TypeORM) and the static reader agree.
//!
//! The bad-input cases check that a TypeScript syntax error, an unknown column type and a
//! relation to a missing entity stop `migen generate` with file:line:col, exit code 2 and
//! nothing written. Without node/npm or a server the test is skipped locally and fails under
//! `CI=true`. `MIGEN_CASE=text` runs only the cases whose name contains `text`.

use std::path::{Path, PathBuf};
use std::process::Command;

use migen::model::{Dialect, QName, Schema};
use migen::source::{ReadOptions, SourceSpec, live, typeorm};

mod common;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ts_entities")
}

fn cases() -> Vec<PathBuf> {
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("data-source.ts").is_file())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    cases.sort();
    cases
}

fn driver(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "better-sqlite3",
        Dialect::Postgres => "postgres",
        // The server is MariaDB; TypeORM's `mysql` type never settles some columns on it.
        Dialect::Mysql => "mariadb",
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the case as a project for `dialect`: its DataSource's `type` set to the driver,
/// a package.json, and the oracle's node_modules linked in.
fn project(case: &Path, dialect: Dialect, js: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(case, dir.path());
    let data_source = dir.path().join("data-source.ts");
    let text = std::fs::read_to_string(&data_source).unwrap();
    let typed = ["\"better-sqlite3\"", "\"postgres\""]
        .iter()
        .fold(text, |t, from| {
            t.replace(from, &format!("\"{}\"", driver(dialect)))
        });
    std::fs::write(&data_source, typed).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        "{\"name\": \"case\", \"private\": true}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(js.join("node_modules"), dir.path().join("node_modules")).unwrap();
    dir
}

fn differences(from: &Schema, to: &Schema) -> Vec<String> {
    let mut from = from.clone();
    from.tables.remove(&QName::new("typeorm_metadata"));
    migen::diff::diff(&from, to, &migen::diff::RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

#[test]
fn the_static_reader_equals_what_typeorm_builds_and_what_exact_reads() {
    let Some(js) = common::node::js_oracle() else {
        return;
    };
    let naming = common::node::typeorm_naming();
    let migen = env!("CARGO_BIN_EXE_migen");
    let mut failures = Vec::new();
    let mut checked = 0;
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        for case in cases() {
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            if let Ok(only) = std::fs::read_to_string(case.join("only"))
                && !only.lines().any(|l| l.trim() == dialect.name())
            {
                continue;
            }
            if naming.is_none() && name.contains("snake") {
                continue;
            }
            let label = format!("{name} on {dialect}");
            let dir = project(&case, dialect, &js);
            let scratch = live::create_scratch(&server).unwrap();
            let target = match dialect {
                Dialect::Sqlite => scratch.url.trim_start_matches("sqlite://").to_string(),
                _ => scratch.url.clone(),
            };
            let synced = Command::new("node")
                .arg(cases_dir().join("sync.js"))
                .arg(dir.path())
                .arg(driver(dialect))
                .arg(&target)
                .env(
                    "NODE_PATH",
                    common::node::js_node_path(&js, naming.as_deref()),
                )
                .output()
                .unwrap();
            if !synced.status.success() {
                failures.push(format!(
                    "{label}: TypeORM could not synchronize:\n{}",
                    String::from_utf8_lossy(&synced.stderr)
                ));
                continue;
            }
            // 1. From the binary: the database TypeORM built against the entities.
            let diff = Command::new(migen)
                .args(["diff", "--from", &scratch.url, "--to"])
                .arg(dir.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let out = String::from_utf8_lossy(&diff.stdout);
            if !diff.status.success() || !out.starts_with("No changes.") {
                let live = live::connect(&scratch.url).and_then(|mut d| d.introspect());
                let ddl = typeorm_ddl(dir.path(), dialect);
                failures.push(format!(
                    "{label}: migen diff from TypeORM's database to the entities:\n{out}{}\nlive: {live:#?}\nmigen's DDL:\n{ddl}",
                    String::from_utf8_lossy(&diff.stderr)
                ));
                continue;
            }
            // 2. --exact and the static reading agree.
            let spec = SourceSpec::SqlFile(dir.path().to_path_buf());
            let read = migen::source::read(&spec, dialect, &ReadOptions::default()).map(|r| r.0);
            let exact = with_env(
                "NODE_PATH",
                &common::node::js_node_path(&js, naming.as_deref()),
                || typeorm::load_exact(dir.path(), dialect),
            );
            match (read, exact) {
                (Ok(read), Ok(exact)) => {
                    let changes = differences(&exact, &read);
                    if !changes.is_empty() {
                        failures.push(format!(
                            "{label}: --exact and the static reader differ: {changes:?}"
                        ));
                    }
                }
                (read, exact) => failures.push(format!(
                    "{label}: static {:?} / exact {:?}",
                    read.err().map(|e| e.to_string()),
                    exact.err().map(|e| e.to_string())
                )),
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        checked + failures.len(),
        failures.join("\n\n")
    );
    eprintln!("{checked} TypeORM entity projects agree with TypeORM");
}

fn typeorm_ddl(dir: &Path, dialect: Dialect) -> String {
    let files: Vec<(String, String)> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ts"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let settings = typeorm::Settings {
        dialect,
        mariadb: dialect == Dialect::Mysql,
        naming: if files.iter().any(|(_, t)| t.contains("SnakeNamingStrategy")) {
            typeorm::Naming::Snake
        } else {
            typeorm::Naming::Default
        },
        pgcrypto: false,
    };
    typeorm::ddl_of_files(&refs, &settings).unwrap_or_else(|e| e.to_string())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let path = entry.path();
        if entry.file_name() == "node_modules" {
            continue;
        }
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Run `f` with an environment variable set (the exact reader's node inherits it).
fn with_env<T>(key: &str, value: &str, f: impl FnOnce() -> T) -> T {
    // SAFETY: this test binary's other tests do not read the environment concurrently with
    // this one's node runs in a way that depends on NODE_PATH.
    unsafe { std::env::set_var(key, value) };
    let result = f();
    unsafe { std::env::remove_var(key) };
    result
}

/// The three kinds of bad input: exit code 2, the entity's file:line:col, nothing written.
#[test]
fn bad_entities_stop_generate_with_their_position_and_write_nothing() {
    let migen = env!("CARGO_BIN_EXE_migen");
    let entity = |body: &str| {
        format!(
            "import {{ Entity, Column, PrimaryGeneratedColumn, ManyToOne }} from \"typeorm\";\n\n@Entity()\nexport class Note {{\n  @PrimaryGeneratedColumn()\n  id: number;\n\n{body}\n}}\n"
        )
    };
    let cases = [
        (
            "syntax",
            entity("  @Column()\n  title: string =;"),
            "src/note.entity.ts:9:18: TypeScript syntax error",
        ),
        (
            "type",
            entity("  @Column({ type: \"varchr\" })\n  title: string;"),
            "src/note.entity.ts:8:19: unknown column type \"varchr\"",
        ),
        (
            "relation",
            entity("  @ManyToOne(() => Folder)\n  folder: Folder;"),
            "src/note.entity.ts:8:14: relation `folder` points at `Folder`, which is not an entity",
        ),
    ];
    for (name, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("package.json"), "{\"name\": \"bad\"}\n").unwrap();
        std::fs::write(dir.path().join("src/note.entity.ts"), text).unwrap();
        std::fs::write(
            dir.path().join("src/data-source.ts"),
            "import { DataSource } from \"typeorm\";\nexport const AppDataSource = new DataSource({ type: \"better-sqlite3\", database: \"app.sqlite\", entities: [\"src/**/*.entity.ts\"], migrations: [\"src/migrations/*.ts\"] });\n",
        )
        .unwrap();
        let output = Command::new(migen)
            .args([
                "generate", "--from", "empty", "--to", "src", "--name", "init", "--target", "sql",
                "--dir", "out",
            ])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            !dir.path().join("out").exists(),
            "{name}: something was written"
        );
    }
}
