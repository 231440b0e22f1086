//! What the file-based tools share: a plan laid out as versions of a tool (`Rendered`), how a
//! tool runs each file (`Apply`), version numbering and file headers. Each migration of the plan
//! (one, or one per zero-downtime phase) becomes one or more versions of the tool; see `chunk`
//! for why a migration may need several.

use std::path::{Path, PathBuf};

use super::chunk::{self, Chunk, Spelling};
use super::{Artifact, ArtifactKind, Context, slug};
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
    /// A file of code that only the tool's own runner runs (a TypeORM class, a Knex module):
    /// `Renderer::runner_steps` says how. `transaction: false` when the file opts out of the
    /// transaction the tool would run it in.
    Tool { transaction: bool },
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
    /// Nothing laid out yet; the test and the guide go into `dir` unless the tool says else.
    pub(super) fn new(dir: &Path) -> Rendered {
        Rendered {
            artifacts: Vec::new(),
            up: Vec::new(),
            down: Vec::new(),
            extras_dir: dir.to_path_buf(),
            versions: Vec::new(),
        }
    }

    pub(super) fn push(
        &mut self,
        path: PathBuf,
        kind: ArtifactKind,
        phase: Option<Phase>,
        contents: String,
    ) {
        self.artifacts.push(Artifact {
            path,
            kind,
            phase,
            contents,
        });
    }

    /// The tool runs `path` in this direction: ups in version order, downs newest first.
    pub(super) fn runs(&mut self, direction: &str, path: PathBuf, block: Block, run: Run) {
        let apply = Apply { path, block, run };
        if direction == "up" {
            self.up.push(apply);
        } else {
            self.down.insert(0, apply);
        }
    }

    /// For tools that keep migrations as files: the test and the guide go into a folder named
    /// after the first version, which the tool does not read.
    pub(super) fn extras_beside_files(&mut self, dir: &Path) {
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

pub(super) fn phase_suffix(phase: Phase) -> &'static str {
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
pub(super) fn seconds_of(stamp: &str) -> Option<u64> {
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

pub(super) fn leading_digits(name: &str) -> &str {
    let end = name
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(name.len());
    &name[..end]
}

/// Timestamps for `count` versions: from now, and after every timestamp already there.
pub(super) fn timestamps(context: &Context, count: usize) -> Vec<String> {
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

/// The comment every file starts with: which tool, which version, when to apply it.
pub(super) fn header(tool: &str, piece: &Piece, direction: &str, notes: &[&str]) -> String {
    let mut text = crate::text::commented(
        "-- ",
        &format!(
            "Generated by migen for {tool}: {} ({direction}).",
            piece.label
        ),
    );
    if piece.phase != Phase::Direct {
        text.push_str(&format!("-- {}\n", piece.phase.when()));
    }
    for note in notes {
        text.push_str(&crate::text::commented("-- ", note));
    }
    text
}

fn empty_body(direction: &str) -> String {
    format!(
        "-- Nothing to run {direction} in this version: it keeps up and down files paired where a step had to be split.\n"
    )
}

/// A chunk's statements as the tool sends them, or a note that this version is empty.
pub(super) fn body(
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

/// The tools that keep one folder per version (migen's own `sql`, Prisma): `<stamp>_<label>/`
/// holding `up_name` and `down.sql`. `down_note` is said at the top of every down file.
pub(super) struct Folders<'a> {
    pub tool: &'a str,
    pub up_name: &'a str,
    pub spelling: Spelling,
    pub run: Run,
    pub down_note: Option<&'a str>,
}

impl Folders<'_> {
    pub(super) fn lay_out(&self, out: &mut Rendered, plan: &Plan, context: &Context, alone: bool) {
        let dialect = plan.dialect;
        let pieces = pieces(plan, &context.name, alone);
        let stamps = timestamps(context, pieces.len());
        for (piece, stamp) in pieces.iter().zip(&stamps) {
            let folder = context.dir.join(format!("{stamp}_{}", piece.label));
            let mut up = header(self.tool, piece, "up", &[]);
            up.push_str(&body(dialect, &piece.up, self.spelling, false, "up"));
            let mut down = header(self.tool, piece, "down", &[]);
            if let Some(note) = self.down_note {
                down.push_str(note);
            }
            down.push_str(&body(dialect, &piece.down, self.spelling, false, "down"));
            let up_path = folder.join(self.up_name);
            let down_path = folder.join("down.sql");
            out.push(
                up_path.clone(),
                ArtifactKind::Migration,
                Some(piece.phase),
                up,
            );
            out.push(
                down_path.clone(),
                ArtifactKind::Down,
                Some(piece.phase),
                down,
            );
            out.runs("up", up_path, Block::Whole, self.run);
            out.runs("down", down_path, Block::Whole, self.run);
            out.versions.push(format!("{stamp}_{}", piece.label));
        }
        if let Some(first) = out.versions.first() {
            out.extras_dir = context.dir.join(first);
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
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

    /// The plan from `before` to `after` (SQL of `dialect`), no renames.
    pub(in crate::render) fn sql_plan(
        dialect: Dialect,
        before: &str,
        after: &str,
        strategy: crate::plan::Strategy,
    ) -> Plan {
        let before = crate::source::sql::parse(dialect, before, "before").unwrap();
        let after = crate::source::sql::parse(dialect, after, "after").unwrap();
        let options = crate::plan::PlanOptions {
            strategy,
            ..crate::plan::PlanOptions::default()
        };
        crate::plan::plan_with(
            &before,
            &after,
            &crate::diff::RenameAnswers::never(),
            &options,
        )
    }

    /// What `renderer` writes for `plan`, with no findings, statistics or ORM state.
    pub(in crate::render) fn render_plan(
        renderer: &dyn crate::render::Renderer,
        plan: &Plan,
        context: &Context,
    ) -> Rendered {
        let before = crate::model::Schema::empty(plan.dialect);
        let facts = crate::render::Facts {
            before: &before,
            after: &before,
            findings: &[],
            version: &crate::model::Version::oldest_supported(plan.dialect),
            stats: None,
        };
        let job = crate::render::Job {
            plan,
            context,
            facts: &facts,
            orm: None,
        };
        renderer.render(&job).unwrap()
    }

    pub(in crate::render) fn context(existing: &[&str], now: u64) -> Context {
        Context {
            dir: PathBuf::from("db/migrations"),
            name: "add phone".into(),
            now,
            existing: existing.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn timestamps_sort_after_what_the_folder_has() {
        // A clock behind the newest migration still sorts after it.
        let ctx = context(&["20991231235959_future.sql"], 1_798_761_599);
        assert_eq!(timestamps(&ctx, 2), ["21000101000000", "21000101000001"]);
        let ctx = context(&["20200101000000_old"], 1_798_761_599);
        assert_eq!(timestamps(&ctx, 1), ["20261231235959"]);
    }
}
