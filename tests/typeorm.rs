//! TypeORM judges migen's TypeORM migrations. The cases of `tests/typeorm/cases.toml` are
//! TypeScript entity files, before and after a change; all cases of a naming strategy share one
//! TypeORM project and database (each case's tables start with its `tNN_` prefix). For SQLite,
//! PostgreSQL and MariaDB, and for both strategies:
//!
//! 1. TypeORM synchronizes the before entities into scratch database A and rows are seeded; it
//!    synchronizes the after entities into scratch database B; migen's reading of the after
//!    entities, statically and with `--exact`, must equal B (`migen diff --from B` finds nothing);
//! 2. `migen generate --target typeorm` from the before entities to the after entities (each
//!    side a TypeORM project of its own, read statically) writes the migrations;
//! 3. `typeorm migration:run` applies them to A (`-t each` where a class opts out of
//!    transactions): A must equal B, and `migration:generate --check` with the after entities
//!    must report exactly what it reports on B, TypeORM's own build (the known differences of
//!    TypeORM with itself are listed, with their reasons, in `tests/typeorm/quirks.toml`; a
//!    listed quirk that no longer shows up fails the test, so the list stays true);
//! 4. `typeorm migration:revert`, once per migration, brings A back to the before schema with
//!    every seeded row of the columns that survive the change, value by value.
//!
//! A case marked `irreversible` (its down needs values the up dropped) runs alone: where the
//! migrations say their down fails on a non-empty table, the revert must fail, then succeed
//! once the case's rows are gone.
//!
//! The pinned TypeORM, drivers and ts-node come from `tests/common/node.rs` (`.cache/oracles/js`).
//! Without node/npm or a server the dialect is skipped locally and fails under `CI=true`.
//! `MIGEN_CASE=text` runs only the cases whose name contains `text`. The three dialects and both
//! strategies run side by side (about 4 minutes on 2 shared cores, most of it node starting).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migen::diff::{self, RenameAnswers};
use migen::model::{Dialect, Schema};
use migen::source::live;
use serde::Deserialize;

mod common;

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
struct Case {
    name: String,
    before: String,
    after: String,
    #[serde(default)]
    seed: Option<String>,
    #[serde(default)]
    renames: Vec<String>,
    /// `snake`: the project uses the snake-case naming strategy.
    #[serde(default)]
    naming: Option<String>,
    /// A dialect the case needs (native enums are PostgreSQL's).
    #[serde(default)]
    only: Option<String>,
    /// The change loses what its down needs (a NOT NULL column without default dropped): the
    /// case runs alone, and where the migration says its down fails on a non-empty table, the
    /// revert must fail, then succeed once the case's rows are gone.
    #[serde(default)]
    irreversible: bool,
}

impl Case {
    /// `t07_` for `07_add_unique`.
    fn prefix(&self) -> String {
        format!("t{}_", self.name.split('_').next().unwrap_or(&self.name))
    }
}

/// A difference TypeORM's `--check` reports even on the database TypeORM built itself.
#[derive(Debug, Deserialize)]
struct Quirk {
    case: String,
    dialect: String,
    /// Text of the statement `--check` prints.
    statement: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct QuirkFile {
    #[serde(rename = "quirk", default)]
    quirks: Vec<Quirk>,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typeorm")
}

const DECORATORS: &str = "import { Entity, Column, PrimaryGeneratedColumn, PrimaryColumn, ManyToOne, OneToMany, OneToOne, ManyToMany, JoinColumn, JoinTable, Index, Unique, Check, CreateDateColumn, UpdateDateColumn, DeleteDateColumn, TableInheritance, ChildEntity } from \"typeorm\";\n";

fn cases(dialect: Dialect) -> Vec<Case> {
    let text = std::fs::read_to_string(data_dir().join("cases.toml")).unwrap();
    let parsed: CaseFile = toml::from_str(&text).unwrap();
    let filter = std::env::var("MIGEN_CASE").unwrap_or_default();
    parsed
        .cases
        .into_iter()
        .filter(|case| {
            let wanted = case.only.as_deref().is_none_or(|o| o == dialect.name());
            if !wanted {
                eprintln!("{dialect}: {} is for {:?} only", case.name, case.only);
            }
            wanted && case.name.contains(&filter)
        })
        .collect()
}

fn quirks(dialect: Dialect, cases: &[Case]) -> Vec<Quirk> {
    let text = std::fs::read_to_string(data_dir().join("quirks.toml")).unwrap();
    let parsed: QuirkFile = toml::from_str(&text).unwrap();
    parsed
        .quirks
        .into_iter()
        .filter(|q| q.dialect == dialect.name() && cases.iter().any(|c| c.name == q.case))
        .collect()
}

/// How TypeORM is told about a database.
fn typeorm_connection(dialect: Dialect, url: &str) -> (&'static str, String) {
    match dialect {
        Dialect::Postgres => ("postgres", url.to_string()),
        // TypeORM's `mysql` driver never settles MariaDB's nullable columns (ORACLES.md §5).
        Dialect::Mysql => ("mariadb", url.replacen("mariadb://", "mysql://", 1)),
        Dialect::Sqlite => (
            "better-sqlite3",
            url.trim_start_matches("sqlite://").to_string(),
        ),
    }
}

/// The TypeORM project of one run: the judge's scripts, the oracle's node_modules, the entity
/// files of both sides, and the migrations folder migen writes into.
struct Project {
    root: tempfile::TempDir,
    naming: Option<String>,
    /// NODE_PATH for the project's TypeORM under `--exact` (the naming strategies beside it).
    node_path: Option<String>,
}

impl Project {
    fn new(oracle: &Path, cases: &[Case]) -> Project {
        let root = tempfile::tempdir().unwrap();
        for file in [
            "data-source.js",
            "snake-naming.js",
            "oracle.js",
            "tsconfig.json",
        ] {
            std::fs::copy(data_dir().join(file), root.path().join(file)).unwrap();
        }
        std::os::unix::fs::symlink(
            oracle.join("node_modules"),
            root.path().join("node_modules"),
        )
        .unwrap();
        for side in ["before", "after", "migrations"] {
            std::fs::create_dir_all(root.path().join(side)).unwrap();
        }
        // The seeds as written (JSON objects keep their order in node, not in serde_json).
        let mut seeds = Vec::new();
        for case in cases {
            for (side, text) in [("before", &case.before), ("after", &case.after)] {
                let file = root.path().join(side).join(format!("{}.ts", case.name));
                std::fs::write(file, format!("{DECORATORS}{text}")).unwrap();
            }
            if let Some(seed) = &case.seed {
                serde_json::from_str::<serde_json::Value>(seed)
                    .unwrap_or_else(|e| panic!("{}: {e}", case.name));
                seeds.push(seed.as_str());
            }
        }
        std::fs::write(
            root.path().join("seed.json"),
            format!("[{}]", seeds.join(",\n")),
        )
        .unwrap();
        let naming = cases[0].naming.clone();
        let node_path = match naming.as_deref() {
            Some("snake") => common::node::typeorm_naming()
                .map(|dir| common::node::js_node_path(oracle, Some(&dir))),
            _ => Some(common::node::js_node_path(oracle, None)),
        };
        Project {
            root,
            naming,
            node_path,
        }
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    /// node with ts-node, in the project, on database `url` with the entities of `side`.
    fn node(&self, dialect: Dialect, url: &str, side: &str, args: &[&str]) -> Output {
        let (kind, target) = typeorm_connection(dialect, url);
        Command::new("node")
            .args(["-r", "ts-node/register"])
            .args(args)
            .current_dir(self.path())
            .env("TS_NODE_TRANSPILE_ONLY", "true")
            .env("MIGEN_TO_TYPE", kind)
            .env("MIGEN_TO_URL", target)
            .env("MIGEN_TO_ENTITIES", self.path().join(side))
            .env("MIGEN_TO_MIGRATIONS", self.path().join("migrations"))
            .env("MIGEN_TO_NAMING", self.naming.as_deref().unwrap_or(""))
            .output()
            .expect("running node")
    }

    /// TypeORM's CLI on database `url`, the after entities and migen's migrations.
    fn typeorm(&self, dialect: Dialect, url: &str, args: &[&str]) -> Output {
        let cli = ["node_modules/typeorm/cli.js"];
        let data_source = ["-d", "data-source.js"];
        self.node(
            dialect,
            url,
            "after",
            &[&cli[..], args, &data_source].concat(),
        )
    }
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

/// The source migen reads a side from: the side's entity files as a TypeORM project of their own
/// (`static/<side>/`: a DataSource of the dialect's driver and naming strategy, and the
/// entities), read statically.
fn side(project: &Project, dialect: Dialect, side: &str) -> PathBuf {
    let dir = project.path().join("static").join(side);
    let entities = dir.join("entity");
    std::fs::create_dir_all(&entities).unwrap();
    for file in std::fs::read_dir(project.path().join(side)).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, entities.join(file.file_name().unwrap())).unwrap();
    }
    let snake = project.naming.as_deref() == Some("snake");
    let (kind, _) = typeorm_connection(dialect, "");
    std::fs::write(
        dir.join("data-source.ts"),
        format!(
            "import {{ DataSource }} from \"typeorm\";\n{}export const AppDataSource = new DataSource({{ type: \"{kind}\", entities: [__dirname + \"/entity/*.ts\"]{} }});\n",
            if snake {
                "import { SnakeNamingStrategy } from \"typeorm-naming-strategies\";\n"
            } else {
                ""
            },
            if snake {
                ", namingStrategy: new SnakeNamingStrategy()"
            } else {
                ""
            }
        ),
    )
    .unwrap();
    dir
}

/// `migen diff` from the database TypeORM built of the after entities to migen's reading of
/// them (statically, or through the project's TypeORM with `--exact`): nothing may differ.
fn reads_as_typeorm_builds(project: &Project, label: &str, built: &str, after: &Path, exact: bool) {
    let mut diff = Command::new(env!("CARGO_BIN_EXE_migen"));
    diff.current_dir(project.path())
        .args(["diff", "--from", built, "--to"])
        .arg(after)
        .env("NO_COLOR", "1");
    if exact {
        diff.arg("--exact");
        if let Some(path) = &project.node_path {
            diff.env("NODE_PATH", path);
        }
    }
    let out = diff.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.starts_with("No changes."),
        "{label}: migen's reading of the after entities{} differs from TypeORM's build of them:\n{text}{}",
        if exact { " with --exact" } else { "" },
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The cases' part of a schema: their tables and enum types (not TypeORM's `migrations`).
fn case_part(schema: &Schema, cases: &[Case]) -> Schema {
    let prefixes: Vec<String> = cases.iter().map(Case::prefix).collect();
    let ours = |name: &str| prefixes.iter().any(|p| name.starts_with(p.as_str()));
    let mut out = schema.clone();
    out.tables.retain(|name, _| ours(&name.name));
    out.enums.retain(|name, _| ours(&name.name));
    out.sequences.retain(|name, _| ours(&name.name));
    out.views.retain(|name, _| ours(&name.name));
    out
}

fn differences(actual: &Schema, expected: &Schema) -> String {
    diff::diff(actual, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join("; ")
}

fn introspect(url: &str) -> Schema {
    live::connect(url).unwrap().introspect().unwrap()
}

type Rows = BTreeMap<String, serde_json::Value>;

/// The rows of the tables the seeds fill, restricted to the columns that exist both before
/// and after (a dropped column's values cannot come back; a dropped table comes back empty).
fn dump(project: &Project, dialect: Dialect, url: &str, tables: &[String]) -> Rows {
    let mut args = vec!["oracle.js", "dump"];
    args.extend(tables.iter().map(String::as_str));
    let text = ok(project.node(dialect, url, "before", &args), "dump");
    serde_json::from_str(&text).unwrap()
}

fn kept(rows: &Rows, before: &Schema, after: &Schema, renames: &[String]) -> Rows {
    let columns = |schema: &Schema, table: &str| -> BTreeSet<String> {
        schema
            .tables
            .iter()
            .find(|(name, _)| name.name == table)
            .map(|(_, t)| t.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    };
    // The after name of a table or column the change renames.
    let renamed = |old: &str| -> String {
        renames
            .iter()
            .find_map(|r| r.split_once('=').filter(|(from, _)| *from == old))
            .map(|(_, to)| to.to_string())
            .unwrap_or_else(|| old.to_string())
    };
    rows.iter()
        .filter_map(|(table, rows)| {
            let after_table = renamed(table);
            let after_columns = columns(after, &after_table);
            if after_columns.is_empty() {
                return None;
            }
            let keep: BTreeSet<String> = columns(before, table)
                .into_iter()
                .filter(|c| {
                    let after_name = renamed(&format!("{table}.{c}"));
                    let after_name = after_name.rsplit('.').next().unwrap_or(c);
                    after_columns.contains(c) || after_columns.contains(after_name)
                })
                .collect();
            let projected: Vec<serde_json::Value> = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    let fields = row.as_object().unwrap();
                    serde_json::Value::Object(
                        fields
                            .iter()
                            .filter(|(c, _)| keep.contains(*c))
                            .map(|(c, v)| (c.clone(), v.clone()))
                            .collect(),
                    )
                })
                .collect();
            Some((table.clone(), serde_json::Value::Array(projected)))
        })
        .collect()
}

/// The statements `migration:generate --check` prints (one per `await queryRunner.query`),
/// whitespace collapsed; empty when it finds nothing.
fn check(project: &Project, dialect: Dialect, url: &str) -> BTreeSet<String> {
    let out = project.typeorm(
        dialect,
        url,
        &["migration:generate", "migrations/Check", "--check"],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        assert!(
            text.contains("No changes in database schema were found"),
            "{dialect}: --check succeeded without saying so:\n{text}"
        );
        return BTreeSet::new();
    }
    let statements: BTreeSet<String> = text
        .split("await queryRunner.query(`")
        .skip(1)
        .filter_map(|rest| rest.split("`);").next())
        .map(|sql| {
            let sql = sql.replace("\\`", "`");
            sql.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|sql| !sql.is_empty())
        .collect();
    assert!(
        !statements.is_empty(),
        "{dialect}: --check failed without naming a change:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    statements
}

/// The migration files migen wrote, oldest first, with whether each opts out of transactions.
fn migrations(project: &Project) -> Vec<(PathBuf, bool)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(project.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ts"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let own = text.contains("\n    transaction = false\n");
            (path, own)
        })
        .collect()
}

fn listing(files: &[(PathBuf, bool)]) -> String {
    files
        .iter()
        .map(|(path, _)| {
            format!(
                "==> {} <==\n{}",
                path.display(),
                std::fs::read_to_string(path).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which case a `--check` statement is about: the first case prefix it names.
fn case_of<'a>(statement: &str, cases: &'a [Case]) -> Option<&'a Case> {
    cases.iter().find(|c| statement.contains(&c.prefix()))
}

fn round_trip(oracle: &Path, server: &str, dialect: Dialect, strategy: &str, cases: &[Case]) {
    let label = format!(
        "{dialect} {strategy} ({} naming)",
        cases[0].naming.as_deref().unwrap_or("default")
    );
    let project = Project::new(oracle, cases);
    let a = live::create_scratch(server).unwrap();
    let b = live::create_scratch(server).unwrap();
    ok(
        project.node(dialect, &a.url, "before", &["oracle.js", "sync"]),
        &format!("{label}: TypeORM synchronizing the before entities"),
    );
    ok(
        project.node(dialect, &b.url, "after", &["oracle.js", "sync"]),
        &format!("{label}: TypeORM synchronizing the after entities"),
    );
    let before_db = case_part(&introspect(&a.url), cases);
    let after_db = case_part(&introspect(&b.url), cases);
    let after_entities = side(&project, dialect, "after");
    reads_as_typeorm_builds(&project, &label, &b.url, &after_entities, false);
    // The snake-case cases run --exact only where the naming strategies package is installed.
    if project.naming.is_none() || project.node_path.is_some() {
        reads_as_typeorm_builds(&project, &label, &b.url, &after_entities, true);
    }
    ok(
        project.node(
            dialect,
            &a.url,
            "before",
            &["oracle.js", "seed", "seed.json"],
        ),
        &format!("{label}: seeding"),
    );
    let tables: Vec<String> = before_db.tables.keys().map(|t| t.name.clone()).collect();
    let seeded = dump(&project, dialect, &a.url, &tables);
    // TypeORM's own differences with what it built.
    let baseline = check(&project, dialect, &b.url);

    let mut migen = Command::new(env!("CARGO_BIN_EXE_migen"));
    migen
        .current_dir(project.path())
        .args(["generate", "--target", "typeorm", "--no-fill", "--from"])
        .arg(side(&project, dialect, "before"))
        .arg("--to")
        .arg(side(&project, dialect, "after"))
        .args([
            "--dir",
            "migrations",
            "--strategy",
            strategy,
            "--name",
            "change",
            "--allow-data-loss",
        ]);
    let renames: Vec<String> = cases.iter().flat_map(|c| c.renames.clone()).collect();
    for rename in &renames {
        migen.args(["--rename", rename]);
    }
    ok(migen.output().unwrap(), &format!("{label}: migen generate"));
    let files = migrations(&project);
    assert!(!files.is_empty(), "{label}: migen wrote no migration");
    let written = listing(&files);

    let mode = if files.iter().any(|(_, own)| *own) {
        "each"
    } else {
        "all"
    };
    ok(
        project.typeorm(dialect, &a.url, &["migration:run", "-t", mode]),
        &format!("{label}: migration:run\n{written}"),
    );
    let found = differences(&case_part(&introspect(&a.url), cases), &after_db);
    assert!(
        found.is_empty(),
        "{label}: after migration:run the database differs from TypeORM's build of the after entities: {found}\n{written}"
    );
    let checked = check(&project, dialect, &a.url);
    let extra: Vec<&String> = checked.difference(&baseline).collect();
    let missing: Vec<&String> = baseline.difference(&checked).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{label}: after migen's migrations `--check` reports {extra:?}, and not {missing:?}, unlike on TypeORM's own build\n{written}"
    );
    // TypeORM's disagreements with itself must be the listed ones, each still there.
    let listed = quirks(dialect, cases);
    let unexplained: Vec<&String> = baseline
        .iter()
        .filter(|statement| {
            let case = case_of(statement, cases).map(|c| c.name.as_str());
            !listed
                .iter()
                .any(|q| Some(q.case.as_str()) == case && statement.contains(&q.statement))
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "{label}: TypeORM's --check is not clean on its own build: {unexplained:#?}; list each in tests/typeorm/quirks.toml with its reason if TypeORM means it"
    );
    for quirk in &listed {
        assert!(
            baseline.iter().any(|s| s.contains(&quirk.statement)
                && case_of(s, cases).is_some_and(|c| c.name == quirk.case)),
            "{label}: the listed TypeORM quirk of {} ({}) no longer shows: remove it from tests/typeorm/quirks.toml",
            quirk.case,
            quirk.reason
        );
    }

    let mut cleared = false;
    for (path, own) in files.iter().rev() {
        let mode = if *own { "none" } else { "all" };
        let revert = || project.typeorm(dialect, &a.url, &["migration:revert", "-t", mode]);
        let out = revert();
        if !out.status.success() && cases.iter().all(|c| c.irreversible) {
            // What the downs said would happen (in the migration of the phase that loses it).
            assert!(
                written.contains("fails on a non-empty table"),
                "{label}: the revert of {} failed without the migration saying it would:\n{}\n{written}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            let mut args = vec!["oracle.js", "clear"];
            args.extend(tables.iter().rev().map(String::as_str));
            ok(
                project.node(dialect, &a.url, "after", &args),
                "clearing rows",
            );
            cleared = true;
            ok(
                revert(),
                &format!(
                    "{label}: migration:revert of {} on empty tables\n{written}",
                    path.display()
                ),
            );
        } else {
            ok(
                out,
                &format!("{label}: migration:revert of {}\n{written}", path.display()),
            );
        }
    }
    let found = differences(&case_part(&introspect(&a.url), cases), &before_db);
    assert!(
        found.is_empty(),
        "{label}: after migration:revert the database differs from the before entities: {found}\n{written}"
    );
    if cleared {
        eprintln!("{label}: the down failed on rows, as it says, and ran once they were gone");
        return;
    }
    let restored = dump(&project, dialect, &a.url, &tables);
    let expected = kept(&seeded, &before_db, &after_db, &renames);
    let got = kept(&restored, &before_db, &after_db, &renames);
    for (table, rows) in &expected {
        assert_eq!(
            got.get(table),
            Some(rows),
            "{label}: the seeded rows of {table} changed over the round trip\n{written}"
        );
    }
    eprintln!("{label}: {} cases round-tripped", cases.len());
}

fn run_dialect(dialect: Dialect) {
    let Some(oracle) = common::node::js_oracle() else {
        return;
    };
    let Some(server) = common::server(dialect) else {
        return;
    };
    let cases = cases(dialect);
    if cases.is_empty() {
        eprintln!("{dialect}: no case matches MIGEN_CASE");
        return;
    }
    // A naming strategy is the whole DataSource's: each one is a project of its own.
    // An irreversible case runs alone: its failing down must not stop the others'.
    let mut groups: BTreeMap<(Option<String>, Option<String>), Vec<Case>> = BTreeMap::new();
    for case in cases {
        let alone = case.irreversible.then(|| case.name.clone());
        groups
            .entry((case.naming.clone(), alone))
            .or_default()
            .push(case);
    }
    // The strategies side by side: most of a round is waiting on node and the server.
    std::thread::scope(|scope| {
        for strategy in ["direct", "zero-downtime"] {
            let (oracle, server, groups) = (&oracle, &server, &groups);
            scope.spawn(move || {
                for group in groups.values() {
                    round_trip(oracle, server, dialect, strategy, group);
                }
            });
        }
    });
}

/// One test for the three dialects, run side by side in threads: cargo runs only as many tests
/// at once as there are cores, and a round mostly waits on node and the servers.
#[test]
fn typeorm_judges_the_migrations_on_every_dialect() {
    std::thread::scope(|scope| {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            scope.spawn(move || run_dialect(dialect));
        }
    });
}

/// A project whose migrations folder holds a TypeORM migration in JavaScript: `migen generate`
/// picks the target and the folder, writes JavaScript, and numbers after the newest class.
#[test]
fn generate_detects_a_typeorm_folder_and_follows_it() {
    let root = tempfile::tempdir().unwrap();
    let migrations = root.path().join("src/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    // A clock behind the newest class: the new one still sorts after it.
    std::fs::write(
        migrations.join("1900000000000-Init.js"),
        "module.exports = class Init1900000000000 {\n    name = 'Init1900000000000'\n    async up(queryRunner) {}\n    async down(queryRunner) {}\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.path().join("before.sql"),
        "CREATE TABLE t (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        root.path().join("after.sql"),
        "CREATE TABLE t (id integer PRIMARY KEY, note text);\nCREATE INDEX t_note_idx ON t (note);\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migen"))
        .current_dir(root.path())
        .args([
            "generate",
            "--from",
            "before.sql",
            "--to",
            "after.sql",
            "--dialect",
            "postgres",
            "--name",
            "add note",
            "--strategy",
            "zero-downtime",
            "--with-docs",
        ])
        .output()
        .unwrap();
    ok(out, "migen generate");
    // The index is built concurrently, outside a transaction: its class opts out of TypeORM's,
    // and the guide says how to run it.
    let written = migrations.join("1900000000001-AddNoteExpand.js");
    let text =
        std::fs::read_to_string(&written).unwrap_or_else(|e| panic!("{}: {e}", written.display()));
    assert!(
        text.contains("module.exports = class AddNoteExpand1900000000001 {")
            && text.contains("name = 'AddNoteExpand1900000000001'")
            && text.contains("    transaction = false\n")
            && text.contains("await queryRunner.query(`ALTER TABLE t ADD COLUMN note text`);")
            && text.contains("await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS t_note_idx ON t (note)`);")
            && text.contains("await queryRunner.query(`ALTER TABLE t DROP COLUMN note`);"),
        "{text}"
    );
    let guide =
        std::fs::read_to_string(migrations.join("AddNoteExpand1900000000001.migen/MIGRATION.md"))
            .unwrap();
    assert!(
        guide.contains("`src/migrations/1900000000001-AddNoteExpand.js` sets it")
            && guide.contains("migration:run -d <data-source> -t each")
            && guide.contains("migration:revert -d <data-source> -t none"),
        "{guide}"
    );
}

/// `--with-tests`: the script migen writes runs TypeORM's own CLI up and down on a scratch
/// database with seeded rows, and passes.
#[test]
fn the_generated_test_runs_typeorm_up_and_down() {
    let Some(oracle) = common::node::js_oracle() else {
        return;
    };
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let Some(server) = common::server(dialect) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(
            oracle.join("node_modules"),
            root.path().join("node_modules"),
        )
        .unwrap();
        let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
        let shop = match dialect {
            Dialect::Sqlite => shop,
            other => shop.join(other.name()),
        };
        // The zero-downtime files go into a folder of CommonJS migrations: they are written,
        // and run, as JavaScript.
        for strategy in ["direct", "zero-downtime"] {
            let dir = format!("migrations-{strategy}");
            if strategy == "zero-downtime" {
                std::fs::create_dir_all(root.path().join(&dir)).unwrap();
                std::fs::write(
                    root.path().join(&dir).join("1700000000000-Init.js"),
                    "module.exports = class Init1700000000000 {\n    async up() {}\n    async down() {}\n}\n",
                )
                .unwrap();
            }
            let out = Command::new(env!("CARGO_BIN_EXE_migen"))
                .current_dir(root.path())
                .args(["generate", "--target", "typeorm", "--with-tests", "--from"])
                .arg(shop.join("before.sql"))
                .arg("--to")
                .arg(shop.join("after.sql"))
                .args([
                    "--dialect",
                    dialect.name(),
                    "--strategy",
                    strategy,
                    "--dir",
                    &dir,
                ])
                .args(["--rename", "customers.name=full_name", "--name", "shop"])
                .output()
                .unwrap();
            let listing = ok(out, "migen generate --with-tests");
            let script = std::fs::read_dir(root.path().join(&dir))
                .unwrap()
                .map(|e| e.unwrap().path().join("test.sh"))
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("no test.sh in:\n{listing}"));
            let extension = if strategy == "direct" { ".ts" } else { ".js" };
            assert!(
                listing.lines().any(|l| l.ends_with(extension))
                    && listing
                        .lines()
                        .filter(|l| l.contains("Shop"))
                        .all(|l| !l.ends_with("Shop")
                            && (l.ends_with(extension) || l.ends_with(".sh"))),
                "{dialect} {strategy}: expected {extension} files:\n{listing}"
            );
            let out = Command::new("bash")
                .arg(&script)
                .current_dir(root.path())
                .env("MIGEN_TEST_URL", &server)
                .output()
                .unwrap();
            let text = ok(out, &format!("{dialect} {strategy}: the generated test"));
            assert!(
                text.contains("ok: seeded rows after down") && text.contains("passed:"),
                "{dialect} {strategy}:\n{text}"
            );
        }
    }
}
