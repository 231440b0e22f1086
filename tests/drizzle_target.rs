//! drizzle-kit judges migen's drizzle target. For each before/after pair of SQLite drizzle
//! schemas, a scratch project with the pinned drizzle-kit (`common::node::drizzle_oracle()`)
//! generates and migrates the before schema and gets a seeded row; then `migen generate
//! --target drizzle` writes the next journal entry, its SQL and snapshot. drizzle-kit must then
//! find nothing to generate (the snapshot is what it would have written), `check` must pass,
//! `migrate` must apply migen's file, the database must equal migen's reading of the after
//! schema, and the seeded row must survive. Without node/npm the judge is skipped locally and
//! fails under `CI=true`.

use std::path::Path;
use std::process::{Command, Output};

use migen::model::{Dialect, Schema};
use migen::source::{ReadOptions, SourceSpec, live};

mod common;

const HEADER: &str = "import { sqliteTable, integer, text, real, index, uniqueIndex, foreignKey } from 'drizzle-orm/sqlite-core';\n";

/// (name, before, after): table bodies after the imports.
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "add_column_and_index",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name', { length: 50 }).notNull().default('x'),\n});\n",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name', { length: 50 }).notNull().default('x'),\n  bio: text('bio'),\n  score: real('score').default(1.5),\n}, (t) => [index('author_bio_idx').on(t.bio)]);\n",
    ),
    (
        "create_table_with_references",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name').notNull(),\n});\n",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name').notNull(),\n  email: text('email').unique(),\n});\nexport const book = sqliteTable('book', {\n  id: integer('id').primaryKey(),\n  authorId: integer('author_id').notNull().references(() => author.id, { onDelete: 'cascade' }),\n  title: text('title').notNull(),\n}, (t) => [uniqueIndex('book_title_author').on(t.title, t.authorId)]);\n",
    ),
    (
        "drop_column",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name').notNull(),\n  legacy: integer('legacy'),\n});\n",
        "export const author = sqliteTable('author', {\n  id: integer('id').primaryKey({ autoIncrement: true }),\n  name: text('name').notNull(),\n});\n",
    ),
];

fn drizzle_kit(dir: &Path, args: &[&str]) -> Output {
    Command::new(dir.join("node_modules/.bin/drizzle-kit"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn show(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The database, without drizzle's own bookkeeping table.
fn built(url: &str) -> Schema {
    let mut schema = live::connect(url)
        .and_then(|mut d| d.introspect())
        .unwrap_or_else(|e| panic!("introspect {url}: {e}"));
    schema
        .tables
        .retain(|name, _| name.name != "__drizzle_migrations");
    schema
}

fn migrations(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("drizzle"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

#[test]
fn drizzle_kit_accepts_what_migen_writes_on_sqlite() {
    let Some(oracle) = common::node::drizzle_oracle() else {
        return;
    };
    for (name, before, after) in PAIRS {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink(oracle.join("node_modules"), root.join("node_modules")).unwrap();
        std::fs::write(
            root.join("package.json"),
            "{\"name\": \"case\", \"private\": true}\n",
        )
        .unwrap();
        let db = root.join("dev.db");
        std::fs::write(
            root.join("drizzle.config.ts"),
            format!(
                "import {{ defineConfig }} from 'drizzle-kit';\nexport default defineConfig({{ dialect: 'sqlite', schema: './schema.ts', out: './drizzle', dbCredentials: {{ url: {:?} }} }});\n",
                db.display().to_string()
            ),
        )
        .unwrap();
        std::fs::write(root.join("before.ts"), format!("{HEADER}{before}")).unwrap();
        std::fs::write(root.join("after.ts"), format!("{HEADER}{after}")).unwrap();
        std::fs::copy(root.join("before.ts"), root.join("schema.ts")).unwrap();
        let out = drizzle_kit(root, &["generate", "--name", "init"]);
        assert!(out.status.success(), "{name}: {}", show(&out));
        let out = drizzle_kit(root, &["migrate"]);
        assert!(out.status.success(), "{name}: {}", show(&out));
        let seeded = rusqlite::Connection::open(&db).unwrap();
        seeded
            .execute("INSERT INTO author (id, name) VALUES (7, 'Ada')", [])
            .unwrap();
        drop(seeded);

        std::fs::copy(root.join("after.ts"), root.join("schema.ts")).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_migen"))
            .args([
                "generate",
                "--target",
                "drizzle",
                "--from",
                "before.ts",
                "--to",
                "after.ts",
            ])
            .args([
                "--dir",
                "drizzle",
                "--name",
                name,
                "--quick",
                "--allow-data-loss",
            ])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: migen: {}", show(&out));
        let ours = format!("0001_{name}.sql");
        assert_eq!(
            migrations(root),
            ["0000_init.sql".to_string(), ours.clone()],
            "{name}"
        );
        assert!(
            root.join("drizzle/meta/0001_snapshot.json").is_file(),
            "{name}"
        );

        let out = drizzle_kit(root, &["generate"]);
        assert!(
            out.status.success() && show(&out).contains("No schema changes"),
            "{name}: drizzle-kit generate after migen's snapshot: {}\n{}",
            show(&out),
            std::fs::read_to_string(root.join("drizzle/meta/0001_snapshot.json")).unwrap()
        );
        assert_eq!(
            migrations(root).len(),
            2,
            "{name}: drizzle-kit wrote a file"
        );
        let out = drizzle_kit(root, &["check"]);
        assert!(
            show(&out).contains("Everything's fine"),
            "{name}: {}",
            show(&out)
        );
        let out = drizzle_kit(root, &["migrate"]);
        assert!(
            out.status.success(),
            "{name}: migrate {ours}: {}",
            show(&out)
        );

        let url = format!("sqlite://{}", db.display());
        let expected = migen::source::read(
            &SourceSpec::SqlFile(root.join("after.ts")),
            Dialect::Sqlite,
            &ReadOptions::default(),
        )
        .unwrap()
        .0;
        let changes = migen::diff::diff(
            &built(&url),
            &expected,
            &migen::diff::RenameAnswers::never(),
        )
        .changes;
        assert!(
            changes.is_empty(),
            "{name}: the database differs from after.ts: {:?}",
            changes.iter().map(|c| c.describe()).collect::<Vec<_>>()
        );
        let kept = rusqlite::Connection::open(&db).unwrap();
        let name_kept: String = kept
            .query_row("SELECT name FROM author WHERE id = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(name_kept, "Ada", "{name}");
    }
}

/// A `--to` that is not a drizzle schema, or a drizzle schema the snapshot writer does not cover
/// (PostgreSQL so far), stops with exit code 2 and writes nothing: a snapshot that is not what
/// drizzle-kit would write would make its next `generate` repeat the change.
#[test]
fn the_target_refuses_what_it_cannot_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("before.sql"),
        "CREATE TABLE a (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("after.sql"),
        "CREATE TABLE a (id integer PRIMARY KEY, b text);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("pg.ts"),
        "import { pgTable, integer } from 'drizzle-orm/pg-core';\nexport const a = pgTable('a', { id: integer('id').primaryKey() });\n",
    )
    .unwrap();
    for (from, to, says) in [
        ("before.sql", "after.sql", "needs a drizzle schema"),
        ("empty", "pg.ts", "SQLite schemas only"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_migen"))
            .args([
                "generate", "--target", "drizzle", "--from", from, "--to", to,
            ])
            .args(["--dir", "drizzle", "--quick"])
            .current_dir(root)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{to}: {}", show(&out));
        assert!(show(&out).contains(says), "{to}: {}", show(&out));
        assert!(!root.join("drizzle").exists(), "{to}: files written");
    }
}
