//! File names and layouts, one tool at a time. Each migration of the plan (one, or one per
//! zero-downtime phase) becomes one or more versions of the tool; see `chunk` for why a
//! migration may need several.

use std::path::PathBuf;

use super::chunk::{self, Chunk, Spelling};
use super::{Artifact, ArtifactKind, Context, Target, slug};
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::plan::{Phase, Plan};

/// How a tool sends a file (or a dbmate block) to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Statement by statement, each committing unless the file opens a transaction (psql -f,
    /// mysql, sqlite3; Flyway with `executeInTransaction=false`).
    Statements,
    /// Statement by statement inside one transaction the tool opens (Flyway's default).
    StatementsInTransaction,
    /// The whole text as one query (golang-migrate, Prisma; dbmate with `transaction:false`).
    OneQuery,
    /// The whole text as one query inside a transaction the tool opens (dbmate's default,
    /// golang-migrate's sqlite3 driver).
    OneQueryInTransaction,
}

/// Which part of a file runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Whole,
    /// dbmate: from `-- migrate:up` to `-- migrate:down`.
    DbmateUp,
    /// dbmate: from `-- migrate:down` to the end.
    DbmateDown,
}

/// One file (or block) to run, and how the tool runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apply {
    pub path: PathBuf,
    pub block: Block,
    pub run: Run,
}

/// A plan laid out for a tool.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub artifacts: Vec<Artifact>,
    /// What the tool runs to migrate up, in its order.
    pub up: Vec<Apply>,
    /// What the tool runs to roll everything back, in its order (newest version first).
    pub down: Vec<Apply>,
    /// The folder the test and the guide go into.
    pub extras_dir: PathBuf,
    /// The tool's version labels, oldest first.
    pub versions: Vec<String>,
}

impl Rendered {
    /// The tool runs `path` in this direction: ups in version order, downs newest first.
    fn runs(&mut self, direction: &str, path: PathBuf, block: Block, run: Run) {
        let apply = Apply { path, block, run };
        if direction == "up" {
            self.up.push(apply);
        } else {
            self.down.insert(0, apply);
        }
    }

    /// For tools that keep migrations as files: the test and the guide go into a folder named
    /// after the first version, which the tool does not read.
    fn extras_beside_files(&mut self, dir: &std::path::Path) {
        let first = self.versions.first().cloned().unwrap_or_default();
        self.extras_dir = dir.join(format!("{first}.migen"));
    }
}

/// One version of the tool: an up chunk and the down chunk that undoes its share.
pub(super) struct Piece {
    pub(super) phase: Phase,
    pub(super) label: String,
    pub(super) up: Chunk,
    pub(super) down: Chunk,
}

fn phase_suffix(phase: Phase) -> &'static str {
    match phase {
        Phase::Direct => "",
        Phase::PreDeploy => "_expand",
        Phase::Backfill => "_backfill",
        Phase::PostDeploy => "_contract",
    }
}

/// The plan's migrations as pieces. The downs of one migration are spread so that rolling
/// back version by version, newest first, runs them in the planned order: the newest version
/// undoes first. When a down needs more pieces than its up, the extra versions have an empty
/// up (the versions of up and down files stay paired, as the tools need).
pub(super) fn pieces(plan: &Plan, name: &str, alone: bool) -> Vec<Piece> {
    let name = slug(name);
    let mut pieces = Vec::new();
    for migration in &plan.migrations {
        let ups = chunk::chunks(plan.dialect, &migration.up, alone);
        let downs = chunk::chunks(plan.dialect, &migration.down, alone);
        let count = ups.len().max(downs.len()).max(1);
        for k in 0..count {
            let label = if count == 1 {
                format!("{name}{}", phase_suffix(migration.phase))
            } else {
                format!("{name}{}_{}", phase_suffix(migration.phase), k + 1)
            };
            let empty = || Chunk {
                statements: Vec::new(),
                atomic: true,
            };
            let down_index = count - 1 - k;
            pieces.push(Piece {
                phase: migration.phase,
                label,
                up: ups.get(k).cloned().unwrap_or_else(empty),
                down: downs.get(down_index).cloned().unwrap_or_else(empty),
            });
        }
    }
    pieces
}

/// `YYYYMMDDHHMMSS` in UTC.
pub fn timestamp(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// Seconds since the epoch for a `YYYYMMDDHHMMSS` stamp.
fn seconds_of(stamp: &str) -> Option<u64> {
    if stamp.len() != 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| stamp[range].parse::<i64>().ok();
    let (y, m, d) = (field(0..4)?, field(4..6)?, field(6..8)?);
    let (hh, mm, ss) = (field(8..10)?, field(10..12)?, field(12..14)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3_600 + mm * 60 + ss).ok()
}

fn leading_digits(name: &str) -> &str {
    let end = name
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(name.len());
    &name[..end]
}

/// Timestamps for `count` versions: from now, and after every timestamp already there.
fn timestamps(context: &Context, count: usize) -> Vec<String> {
    let latest = context
        .existing
        .iter()
        .filter_map(|name| seconds_of(leading_digits(name).get(..14)?))
        .max();
    let start = match latest {
        Some(latest) if latest >= context.now => latest + 1,
        _ => context.now,
    };
    (0..count as u64).map(|k| timestamp(start + k)).collect()
}

/// golang-migrate: keep numbering sequentially (`000042`) where the folder does, else
/// timestamps as `migrate create` makes by default.
fn golang_versions(context: &Context, count: usize) -> Vec<String> {
    let numbered: Vec<&str> = context
        .existing
        .iter()
        .filter(|name| name.ends_with(".up.sql") || name.ends_with(".down.sql"))
        .map(|name| leading_digits(name))
        .filter(|digits| !digits.is_empty())
        .collect();
    let sequential = !numbered.is_empty() && numbered.iter().all(|d| d.len() < 14);
    if !sequential {
        return timestamps(context, count);
    }
    let width = numbered.iter().map(|d| d.len()).max().unwrap_or(6);
    let last: u64 = numbered
        .iter()
        .filter_map(|d| d.parse().ok())
        .max()
        .unwrap_or(0);
    (1..=count as u64)
        .map(|k| format!("{:0width$}", last + k))
        .collect()
}

/// Flyway: the next whole version after the highest one there (`V7__…` → 8); timestamps when
/// the folder versions by timestamp.
fn flyway_versions(context: &Context, count: usize) -> Vec<String> {
    let majors: Vec<u64> = context
        .existing
        .iter()
        .filter_map(|name| {
            let rest = name.strip_prefix('V').or_else(|| name.strip_prefix('U'))?;
            let (version, _) = rest.split_once("__")?;
            version.split(['.', '_']).next()?.parse().ok()
        })
        .collect();
    if majors.iter().any(|m| *m >= 10_000_000_000) {
        return timestamps(context, count);
    }
    let last = majors.into_iter().max().unwrap_or(0);
    (1..=count as u64).map(|k| (last + k).to_string()).collect()
}

fn header(target: Target, piece: &Piece, direction: &str, notes: &[&str]) -> String {
    let mut text = format!(
        "-- Generated by migen for {target}: {} ({direction}).\n",
        piece.label
    );
    if piece.phase != Phase::Direct {
        text.push_str(&format!("-- {}\n", piece.phase.when()));
    }
    for note in notes {
        text.push_str(&format!("-- {note}\n"));
    }
    text
}

fn empty_body(direction: &str) -> String {
    format!(
        "-- Nothing to run {direction} in this version: it keeps up and down files paired where a step had to be split.\n"
    )
}

fn body(
    dialect: Dialect,
    chunk: &Chunk,
    spelling: Spelling,
    wrapped: bool,
    direction: &str,
) -> String {
    if chunk.is_empty() {
        empty_body(direction)
    } else {
        chunk::text(dialect, chunk, spelling, wrapped)
    }
}

/// What a tool needs to be told in each file's header.
fn dialect_notes(target: Target, dialect: Dialect) -> Vec<&'static str> {
    match (target, dialect) {
        (Target::GolangMigrate, Dialect::Mysql) => {
            vec!["golang-migrate: the database URL needs multiStatements=true."]
        }
        (Target::GolangMigrate, Dialect::Sqlite) => vec![
            "golang-migrate runs each file in a transaction, where PRAGMA foreign_keys has no effect: keep foreign key enforcement off in the URL while it runs (the default).",
        ],
        _ => Vec::new(),
    }
}

pub fn render(plan: &Plan, target: Target, context: &Context) -> Result<Rendered> {
    if target == Target::Alembic {
        return super::alembic::render(plan, context);
    }
    if target == Target::Django {
        // The operations come from the models, which a plan alone does not hold.
        return Err(Error::Usage(
            "the django target is written from Django projects: run `migen generate --target django --from <before project> --to <after project>`".into(),
        ));
    }
    let dialect = plan.dialect;
    let alone = matches!(
        target,
        Target::GolangMigrate | Target::Dbmate | Target::Prisma
    );
    let pieces = pieces(plan, &context.name, alone);
    let dir = &context.dir;
    let mut out = Rendered {
        artifacts: Vec::new(),
        up: Vec::new(),
        down: Vec::new(),
        extras_dir: dir.clone(),
        versions: Vec::new(),
    };
    let push = |out: &mut Rendered, path: PathBuf, kind, phase, contents: String| {
        out.artifacts.push(Artifact {
            path,
            kind,
            phase,
            contents,
        })
    };
    let notes = dialect_notes(target, dialect);
    match target {
        Target::Sql | Target::Prisma => {
            if target == Target::Prisma {
                prisma_lock(&mut out, context, dialect)?;
            }
            let stamps = timestamps(context, pieces.len());
            for (piece, stamp) in pieces.iter().zip(&stamps) {
                let folder = dir.join(format!("{stamp}_{}", piece.label));
                let (up_name, spelling, run) = match target {
                    Target::Sql => ("up.sql", Spelling::Client, Run::Statements),
                    _ => ("migration.sql", Spelling::Driver, Run::OneQuery),
                };
                let mut up = header(target, piece, "up", &notes);
                up.push_str(&body(dialect, &piece.up, spelling, false, "up"));
                let mut down = header(target, piece, "down", &notes);
                if target == Target::Prisma {
                    down.push_str("-- Prisma has no down migrations: run this file with `prisma db execute --file`, then `prisma migrate resolve --rolled-back <this folder>`.\n");
                }
                down.push_str(&body(dialect, &piece.down, spelling, false, "down"));
                push(
                    &mut out,
                    folder.join(up_name),
                    ArtifactKind::Migration,
                    Some(piece.phase),
                    up,
                );
                push(
                    &mut out,
                    folder.join("down.sql"),
                    ArtifactKind::Down,
                    Some(piece.phase),
                    down,
                );
                out.runs("up", folder.join(up_name), Block::Whole, run);
                out.runs("down", folder.join("down.sql"), Block::Whole, run);
                out.versions.push(format!("{stamp}_{}", piece.label));
            }
            if let Some(first) = out.versions.first() {
                out.extras_dir = dir.join(first);
            }
        }
        Target::GolangMigrate => {
            let versions = golang_versions(context, pieces.len());
            // The sqlite3 driver wraps every file in a transaction; the others send it as is.
            let (wrapped, run) = match dialect {
                Dialect::Sqlite => (true, Run::OneQueryInTransaction),
                _ => (false, Run::OneQuery),
            };
            for (piece, version) in pieces.iter().zip(&versions) {
                let stem = format!("{version}_{}", piece.label);
                for (direction, chunk, kind) in [
                    ("up", &piece.up, ArtifactKind::Migration),
                    ("down", &piece.down, ArtifactKind::Down),
                ] {
                    let path = dir.join(format!("{stem}.{direction}.sql"));
                    let mut text = header(target, piece, direction, &notes);
                    let chunk = if wrapped {
                        // Nothing can leave the driver's transaction: written as one.
                        Chunk {
                            statements: chunk.statements.clone(),
                            atomic: true,
                        }
                    } else {
                        chunk.clone()
                    };
                    text.push_str(&body(dialect, &chunk, Spelling::Driver, wrapped, direction));
                    push(&mut out, path.clone(), kind, Some(piece.phase), text);
                    out.runs(direction, path, Block::Whole, run);
                }
                out.versions.push(stem);
            }
            out.extras_beside_files(dir);
        }
        Target::Flyway => {
            let versions = flyway_versions(context, pieces.len());
            for (piece, version) in pieces.iter().zip(&versions) {
                let description = piece.label.clone();
                for (prefix, direction, chunk, kind) in [
                    ("V", "up", &piece.up, ArtifactKind::Migration),
                    ("U", "down", &piece.down, ArtifactKind::Down),
                ] {
                    let file = format!("{prefix}{version}__{description}.sql");
                    let path = dir.join(&file);
                    let mut text = header(target, piece, direction, &notes);
                    text.push_str(&body(
                        dialect,
                        chunk,
                        Spelling::Client,
                        chunk.atomic,
                        direction,
                    ));
                    push(&mut out, path.clone(), kind, Some(piece.phase), text);
                    let run = if chunk.atomic {
                        Run::StatementsInTransaction
                    } else {
                        // Flyway's per-script configuration: run it outside a transaction.
                        push(
                            &mut out,
                            dir.join(format!("{file}.conf")),
                            ArtifactKind::Settings,
                            Some(piece.phase),
                            "executeInTransaction=false\n".to_string(),
                        );
                        Run::Statements
                    };
                    out.runs(direction, path, Block::Whole, run);
                }
                out.versions.push(format!("V{version}__{description}"));
            }
            out.extras_beside_files(dir);
        }
        Target::Alembic | Target::Django => unreachable!("rendered above"),
        Target::Dbmate => {
            let stamps = timestamps(context, pieces.len());
            for (piece, stamp) in pieces.iter().zip(&stamps) {
                let stem = format!("{stamp}_{}", piece.label);
                let path = dir.join(format!("{stem}.sql"));
                let mut text = String::new();
                let mut runs = Vec::new();
                for (direction, chunk) in [("up", &piece.up), ("down", &piece.down)] {
                    // dbmate runs a block in a transaction unless its marker says otherwise.
                    let (marker, run) = if chunk.atomic {
                        ("", Run::OneQueryInTransaction)
                    } else {
                        (" transaction:false", Run::OneQuery)
                    };
                    if direction == "down" {
                        text.push('\n');
                    }
                    text.push_str(&format!("-- migrate:{direction}{marker}\n"));
                    text.push_str(&header(target, piece, direction, &notes));
                    text.push_str(&body(
                        dialect,
                        chunk,
                        Spelling::Driver,
                        chunk.atomic,
                        direction,
                    ));
                    runs.push(run);
                }
                push(
                    &mut out,
                    path.clone(),
                    ArtifactKind::Migration,
                    Some(piece.phase),
                    text,
                );
                out.runs("up", path.clone(), Block::DbmateUp, runs[0]);
                out.runs("down", path, Block::DbmateDown, runs[1]);
                out.versions.push(stem);
            }
            out.extras_beside_files(dir);
        }
    }
    Ok(out)
}

/// Prisma's `migration_lock.toml`: written when the folder has none; an existing one must
/// name the same provider and is left as it is.
fn prisma_lock(out: &mut Rendered, context: &Context, dialect: Dialect) -> Result<()> {
    let provider = match dialect {
        Dialect::Postgres => "postgresql",
        Dialect::Mysql => "mysql",
        Dialect::Sqlite => "sqlite",
    };
    let path = context.dir.join("migration_lock.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let named = text.lines().enumerate().find_map(|(i, line)| {
                let value = line
                    .trim()
                    .strip_prefix("provider")?
                    .trim()
                    .strip_prefix('=')?;
                Some((i, value.trim().trim_matches('"').to_string()))
            });
            match named {
                Some((_, found)) if found == provider => Ok(()),
                Some((line, found)) => Err(Error::parse(
                    &path.display().to_string(),
                    line as u64 + 1,
                    1,
                    format!(
                        "the migrations are locked to provider \"{found}\" but this migration is for {provider}"
                    ),
                )),
                None => Err(Error::parse(
                    &path.display().to_string(),
                    1,
                    1,
                    "no provider = \"…\" line",
                )),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.artifacts.push(Artifact {
                path,
                kind: ArtifactKind::Settings,
                phase: None,
                contents: format!(
                    "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = \"{provider}\"\n"
                ),
            });
            Ok(())
        }
        Err(source) => Err(Error::Io { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_the_calendar() {
        assert_eq!(timestamp(0), "19700101000000");
        assert_eq!(timestamp(951_782_400), "20000229000000");
        assert_eq!(timestamp(1_798_761_599), "20261231235959");
        for seconds in [0, 951_782_400, 1_798_761_599, 4_102_444_800] {
            assert_eq!(seconds_of(&timestamp(seconds)), Some(seconds));
        }
    }

    fn context(existing: &[&str], now: u64) -> Context {
        Context {
            dir: PathBuf::from("db/migrations"),
            name: "add phone".into(),
            now,
            existing: existing.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn versions_continue_what_the_folder_has() {
        let ctx = context(
            &["000009_a.up.sql", "000009_a.down.sql", "000010_b.up.sql"],
            0,
        );
        assert_eq!(golang_versions(&ctx, 2), ["000011", "000012"]);
        let ctx = context(
            &["V9__a.sql", "V10__b.sql", "V10_1__c.sql", "U10__b.sql"],
            0,
        );
        assert_eq!(flyway_versions(&ctx, 2), ["11", "12"]);
        assert_eq!(flyway_versions(&context(&[], 0), 1), ["1"]);
        // A clock behind the newest migration still sorts after it.
        let ctx = context(&["20991231235959_future.sql"], 1_798_761_599);
        assert_eq!(timestamps(&ctx, 2), ["21000101000000", "21000101000001"]);
        let ctx = context(&["20200101000000_old"], 1_798_761_599);
        assert_eq!(timestamps(&ctx, 1), ["20261231235959"]);
    }
}
