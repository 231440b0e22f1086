//! Fuzzing every static reader (issue 19): real inputs from the repository, mutated by a seeded
//! loop (byte flips, truncation, duplicated and deleted lines, stray quotes, brackets, `\r`,
//! U+2028, NUL, a byte-order mark, invalid UTF-8, 5,000 nested brackets), read in-process through
//! the reader's `SchemaReader::read` — never `--exact`, which runs the ORM. Each read must:
//! - not panic (caught, and the input kept under the system temp dir for replay);
//! - not abort: every read runs on a thread with the 2 MiB stack a test thread gets, so a
//!   recursion without a limit overflows here and kills this test binary;
//! - end in `Ok` or in `Error::Parse` located in one of the files written, at line ≥ 1 and
//!   column ≥ 1. Every file exists and is readable, so the input is the only possible cause of a
//!   failure: an `Io`, `Usage` or any other error is unlocated and fails the test, with one
//!   exception: `Usage` saying the path holds none of the reader's definitions (`no TypeORM
//!   entities … there`), which has no position to give. The dialect is the one the file names
//!   where it names one, as the commands take it, so a provider that contradicts a requested
//!   dialect (a usage error about the command line) does not arise.
//!
//! Not fuzzed: Knex, whose reader runs the project's own Knex (no static reading), and the live
//! and migration readers, whose input is a database.
//!
//! Bounded: `CASES` cases per reader (about a second or a few each), more with
//! `MIGEN_FUZZ_CASES=N` or `MIGEN_FULL_ORACLES=1`. The seed is fixed, so a run is reproducible;
//! `MIGEN_FUZZ_SEED` picks another.

// Only the files and dialects are used here; the case names serve tests/sequelize_models.rs.
#[allow(dead_code)]
#[path = "sequelize_models/cases.rs"]
mod sequelize_cases;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use migen::error::Error;
use migen::model::Dialect;
use migen::source::{READERS, SchemaReader, SourceSpec};

const CASES: usize = 300;
/// The stack a test thread gets by default (`RUST_MIN_STACK` aside).
const TEST_STACK: usize = 2 << 20;
const FULL_CASES: usize = 3_000;

/// Files written into a fresh folder; `mutate` is the one whose text is mutated, `read` the path
/// handed to the reader (both relative to the folder).
#[derive(Clone)]
struct Seed {
    files: Vec<(String, String)>,
    mutate: usize,
    read: String,
    dialect: Dialect,
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(ext))
        .collect();
    found.sort();
    found
}

/// The string values of `keys` in every `[[case]]` of a TOML case file.
fn toml_values(path: &Path, keys: &[&str]) -> Vec<String> {
    let doc: toml::Table = text(path).parse().expect("case file parses");
    let cases = doc.get("case").and_then(|c| c.as_array()).expect("cases");
    cases
        .iter()
        .flat_map(|case| {
            keys.iter()
                .filter_map(|k| case.get(*k).and_then(|v| v.as_str()).map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn one_file(name: &str, content: String, dialect: Dialect) -> Seed {
    Seed {
        files: vec![(name.to_string(), content)],
        mutate: 0,
        read: name.to_string(),
        dialect,
    }
}

/// A folder's files as seeds, one per file mutated, read as `read`.
fn folder_seeds(files: Vec<(String, String)>, read: &str, dialect: Dialect) -> Vec<Seed> {
    (0..files.len())
        .map(|mutate| Seed {
            files: files.clone(),
            mutate,
            read: read.to_string(),
            dialect,
        })
        .collect()
}

fn sql_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for (folder, dialect) in [
        ("postgres", Dialect::Postgres),
        ("mysql", Dialect::Mysql),
        ("sqlite", Dialect::Sqlite),
    ] {
        for file in files_in(&repo(&format!("tests/cases/{folder}")), ".toml") {
            for body in toml_values(&file, &["before", "after"]) {
                seeds.push(one_file("schema.sql", body, dialect));
            }
        }
    }
    for name in ["before.sql", "after.sql"] {
        let body = text(&repo(&format!("examples/shop/{name}")));
        seeds.push(one_file("schema.sql", body, Dialect::Postgres));
    }
    seeds
}

fn prisma_seeds() -> Vec<Seed> {
    let header =
        "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n\n";
    let mut seeds: Vec<Seed> = toml_values(&repo("tests/prisma/cases.toml"), &["before", "after"])
        .into_iter()
        .map(|body| {
            one_file(
                "schema.prisma",
                format!("{header}{body}"),
                Dialect::Postgres,
            )
        })
        .collect();
    for file in files_in(&repo("examples/shop/prisma"), ".prisma") {
        seeds.push(one_file("schema.prisma", text(&file), Dialect::Postgres));
    }
    seeds
}

fn django_seeds() -> Vec<Seed> {
    let mut bodies = toml_values(&repo("tests/django/cases.toml"), &["models"]);
    for app in ["customers", "orders"] {
        bodies.push(text(&repo(&format!(
            "examples/projects/django/{app}/models.py"
        ))));
    }
    bodies
        .into_iter()
        .map(|body| Seed {
            files: vec![
                ("app/__init__.py".to_string(), String::new()),
                ("app/models.py".to_string(), body),
            ],
            mutate: 1,
            read: "app/models.py".to_string(),
            dialect: Dialect::Postgres,
        })
        .collect()
}

fn sqlalchemy_seeds() -> Vec<Seed> {
    let header = "import enum, datetime, decimal, uuid\nfrom typing import Optional\n\
        import sqlalchemy as sa\nfrom sqlalchemy import *\n\
        from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column, relationship\n";
    let mut seeds: Vec<Seed> = toml_values(&repo("tests/sqlalchemy/cases.toml"), &["models"])
        .into_iter()
        .map(|body| one_file("models.py", format!("{header}{body}"), Dialect::Postgres))
        .collect();
    let example = repo("examples/projects/alembic/shop");
    if example.is_dir() {
        for file in files_in(&example, ".py") {
            seeds.push(one_file("models.py", text(&file), Dialect::Postgres));
        }
    }
    seeds
}

fn typeorm_seeds() -> Vec<Seed> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(repo("tests/ts_entities"))
        .unwrap()
        .map(|e| e.unwrap().path().join("entity"))
        .filter(|p| p.is_dir())
        .collect();
    folders.push(repo("examples/projects/typeorm/src/entity"));
    folders.sort();
    folders
        .iter()
        .flat_map(|folder| {
            let files = files_in(folder, ".ts")
                .iter()
                .map(|f| {
                    let name = f.file_name().unwrap().to_string_lossy();
                    (format!("entity/{name}"), text(f))
                })
                .collect();
            folder_seeds(files, "entity", Dialect::Postgres)
        })
        .collect()
}

fn drizzle_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for (folder, dialect) in [
        ("pg", Dialect::Postgres),
        ("mysql", Dialect::Mysql),
        ("sqlite", Dialect::Sqlite),
    ] {
        let dir = repo(&format!("tests/drizzle_schema/{folder}"));
        let shared = dir.join("shared.ts");
        for file in files_in(&dir, ".ts") {
            if file == shared {
                continue;
            }
            let mut files = vec![("schema.ts".to_string(), text(&file))];
            if shared.is_file() {
                files.push(("shared.ts".to_string(), text(&shared)));
            }
            seeds.push(Seed {
                files,
                mutate: 0,
                read: "schema.ts".to_string(),
                dialect,
            });
        }
    }
    seeds.push(one_file(
        "schema.ts",
        text(&repo("examples/projects/drizzle/src/db/schema.ts")),
        Dialect::Postgres,
    ));
    seeds
}

fn sequelize_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for case in sequelize_cases::cases() {
        let files: Vec<(String, String)> = case
            .files
            .iter()
            .map(|(name, body)| (format!("models/{name}"), body.to_string()))
            .collect();
        seeds.extend(folder_seeds(files, "models", case.only[0]));
    }
    seeds
}

/// xorshift64*: a fixed seed makes every run the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INSERTS: &[&str] = &[
    "'", "\"", "`", "\"\"\"", "'''", "(", ")", "[", "]", "{", "}", "<", ">", "\r", "\r\n", "\n",
    "\u{2028}", "\0", "\\", "/*", "*/", "--", "//", "#", ";", ",", "=", "@", "@@", "${", "...",
    "é", "😀", "\u{feff}", "0x", "1e999", "-", ":", "::", "\t",
];

/// The opening and closing brackets each reader's language nests.
const NESTS: &[(&str, &str)] = &[("(", ")"), ("[", "]"), ("{", "}"), ("<", ">")];

/// One to three mutations of `bytes`.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(10) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.truncate(at),
            2 | 3 => {
                let token = INSERTS[rng.below(INSERTS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            4 => edit_line(rng, &mut out, true),
            5 => edit_line(rng, &mut out, false),
            6 => {
                let (open, close) = NESTS[rng.below(NESTS.len())];
                let depth = if rng.below(2) == 0 { 5_000 } else { 50 };
                let balanced = rng.below(2) == 0;
                let mut nest = open.repeat(depth).into_bytes();
                if balanced {
                    nest.extend_from_slice(b"1");
                    nest.extend(close.repeat(depth).into_bytes());
                }
                out.splice(at..at, nest);
            }
            7 => out.splice(0..0, "\u{feff}".bytes()).for_each(drop),
            8 => out.splice(at..at, [0xff, 0xc3, 0x28]).for_each(drop),
            _ => {
                // A copy of a random slice elsewhere: pieces of real syntax out of place.
                let from = rng.below(out.len());
                let len = rng.below(64.min(out.len() - from) + 1);
                let piece = out[from..from + len].to_vec();
                out.splice(at..at, piece);
            }
        }
    }
    out
}

fn edit_line(rng: &mut Rng, out: &mut Vec<u8>, duplicate: bool) {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            out.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    let line = rng.below(starts.len());
    let start = starts[line];
    let end = starts.get(line + 1).copied().unwrap_or(out.len());
    if duplicate {
        let copy = out[start..end].to_vec();
        out.splice(start..start, copy);
    } else {
        out.drain(start..end);
    }
}

fn cases() -> usize {
    if let Some(n) = std::env::var("MIGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    if std::env::var("MIGEN_FULL_ORACLES").is_ok_and(|v| v == "1") {
        FULL_CASES
    } else {
        CASES
    }
}

/// What a read came to, judged.
fn judge(
    result: std::thread::Result<migen::error::Result<()>>,
    read: &Path,
    names: &[String],
) -> Option<String> {
    match result {
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        Ok(Ok(())) => None,
        Ok(Err(Error::Parse { location, message })) => {
            let named = names.iter().any(|n| location.file.ends_with(n.as_str()));
            if named && location.line >= 1 && location.column >= 1 {
                None
            } else {
                Some(format!("badly located: {location}: {message}"))
            }
        }
        // A path holding none of the reader's definitions at all: the spec named the wrong
        // thing, and no position can point at what is absent. Only that message is accepted.
        Ok(Err(Error::Usage(message)))
            if message.starts_with(&read.display().to_string()) && message.ends_with(" there") =>
        {
            None
        }
        Ok(Err(other)) => Some(format!("unlocated: {other:?}")),
    }
}

/// Run `cases` mutated seeds through reader `id`; returns the failures, each with where its input
/// was kept.
fn fuzz(id: &str, seeds: Vec<Seed>, cases: usize, seed: u64) -> Vec<String> {
    assert!(!seeds.is_empty(), "{id}: no seeds");
    let reader = reader(id);
    let keep = std::env::temp_dir().join(format!("migen-fuzz-{id}"));
    let mut rng = Rng(seed
        ^ id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        }));
    let mut failures = Vec::new();
    for case in 0..cases {
        let input = &seeds[rng.below(seeds.len())];
        let mutated = mutate(&mut rng, input.files[input.mutate].1.as_bytes());
        if let Some(problem) =
            read_mutated(reader, input, &mutated, &keep.join(format!("case{case}")))
        {
            failures.push(format!("case {case}: {problem}"));
        }
    }
    failures
}

/// Write `input` with its mutated file as `mutated`, read it on a thread with a test thread's
/// stack, and judge the outcome; a failing input is copied to `keep`.
fn read_mutated(
    reader: &dyn SchemaReader,
    input: &Seed,
    mutated: &[u8],
    keep: &Path,
) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (i, (name, body)) in input.files.iter().enumerate() {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes = if i == input.mutate {
            mutated
        } else {
            body.as_bytes()
        };
        std::fs::write(&path, bytes).unwrap();
        names.push(name.clone());
    }
    let spec = SourceSpec::SqlFile(dir.path().join(&input.read));
    // As the commands do: the dialect the file names (a Prisma provider) wins; a request
    // that contradicts the file is a usage error, not the reader's input at fault.
    let dialect = reader.implied_dialect(&spec).unwrap_or(input.dialect);
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(TEST_STACK)
            .spawn_scoped(scope, || {
                catch_unwind(AssertUnwindSafe(|| reader.read(&spec, dialect).map(drop)))
            })
            .unwrap()
            .join()
            .expect("caught")
    });
    let problem = judge(result, &dir.path().join(&input.read), &names)?;
    // The whole folder as read, for replay with the same reader.
    for name in &names {
        let to = keep.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(dir.path().join(name), to).unwrap();
    }
    Some(format!("{problem} (input kept in {})", keep.display()))
}

fn reader(id: &str) -> &'static dyn SchemaReader {
    READERS
        .iter()
        .copied()
        .find(|r| r.id() == id)
        .expect("reader")
}

/// 10,000 brackets of each kind, closed and unclosed, in a field's default (where the issue's
/// overflow was), in the middle and at the start of each seed's first file: read on a 2 MiB
/// stack, none may overflow (which would abort this binary) or end unlocated.
fn deep(id: &str, seeds: &[Seed]) {
    let reader = reader(id);
    let keep = std::env::temp_dir().join(format!("migen-fuzz-{id}-deep"));
    let mut failures = Vec::new();
    for (n, input) in seeds.iter().take(3).enumerate() {
        let text = &input.files[input.mutate].1;
        let lower = text.to_lowercase();
        let after_default = lower
            .find("default")
            .map(|at| at + lower[at..].find(['(', '=', ':', ' ']).map_or(7, |i| i + 1));
        let mut places = vec![0, text.len() / 2];
        places.extend(after_default);
        for at in places {
            let at = (0..=at)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            for (open, close) in NESTS {
                for closed in [true, false] {
                    let mut deep = String::from(&text[..at]);
                    deep.push_str(&open.repeat(10_000));
                    if closed {
                        deep.push('1');
                        deep.push_str(&close.repeat(10_000));
                    }
                    deep.push_str(&text[at..]);
                    let place = keep.join(format!("seed{n}-at{at}-{open}-{closed}"));
                    if let Some(problem) = read_mutated(reader, input, deep.as_bytes(), &place) {
                        failures.push(problem);
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{id}: deep nesting:\n{}",
        failures.join("\n")
    );
}

fn run(id: &str, seeds: Vec<Seed>) {
    let seed = std::env::var("MIGEN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(19);
    deep(id, &seeds);
    let failures = fuzz(id, seeds, cases(), seed);
    assert!(
        failures.is_empty(),
        "{id}: {} of {} cases failed:\n{}",
        failures.len(),
        cases(),
        failures.join("\n")
    );
}

/// Inputs the fuzzing found, kept as they were fixed.
#[test]
fn regressions() {
    let django =
        "from django.db import models\n\nclass A(models.Model):\n    name = models.TextField()\n";
    let sqlalchemy = "from sqlalchemy.orm import DeclarativeBase\n";
    let cases = [
        // A comment or blank line ending the file without a line break put the tokenizer's
        // line start past the text: the end position subtracted with overflow (a panic).
        ("django", format!("{django}# end"), "app/models.py"),
        ("django", format!("{django}   "), "app/models.py"),
        ("sqlalchemy", format!("{sqlalchemy}# end"), "models.py"),
        // Primary keys that are foreign keys to each other: the column type was looked up
        // around the cycle until the stack overflowed.
        (
            "django",
            format!(
                "{django}\nclass B(models.Model):\n    id = models.OneToOneField('C', primary_key=True, on_delete=models.CASCADE)\n\nclass C(models.Model):\n    id = models.OneToOneField('B', primary_key=True, on_delete=models.CASCADE)\n"
            ),
            "app/models.py",
        ),
        // A module without models importing itself was read again and again until the stack
        // overflowed.
        (
            "django",
            "from . import models\n".to_string(),
            "app/models.py",
        ),
        // A field referring to a model that is not there was a usage error without a position.
        (
            "django",
            format!("{django}    other = models.ForeignKey('Nowhere', on_delete=models.CASCADE)\n"),
            "app/models.py",
        ),
    ];
    let keep = std::env::temp_dir().join("migen-fuzz-regressions");
    let mut failures = Vec::new();
    for (n, (id, text, name)) in cases.iter().enumerate() {
        let input = Seed {
            files: vec![(name.to_string(), String::new())],
            mutate: 0,
            read: name.to_string(),
            dialect: Dialect::Postgres,
        };
        if let Some(problem) = read_mutated(
            reader(id),
            &input,
            text.as_bytes(),
            &keep.join(n.to_string()),
        ) {
            failures.push(format!("{id} {text:?}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sql() {
    run("sql", sql_seeds());
}

#[test]
fn prisma() {
    run("prisma", prisma_seeds());
}

#[test]
fn django() {
    run("django", django_seeds());
}

#[test]
fn sqlalchemy() {
    run("sqlalchemy", sqlalchemy_seeds());
}

#[test]
fn typeorm() {
    run("typeorm", typeorm_seeds());
}

#[test]
fn drizzle() {
    run("drizzle", drizzle_seeds());
}

#[test]
fn sequelize() {
    run("sequelize", sequelize_seeds());
}
