//! golang-migrate: `<version>_<name>.up.sql` and `.down.sql`, numbered sequentially where the
//! folder already is, else by timestamp as `migrate create` does.

use super::ArtifactKind;
use super::Context;
use super::chunk::{Chunk, Spelling};
use super::layout::{self, Block, Rendered, Run, body, header, leading_digits, pieces};
use super::renderer::{Job, Renderer};
use crate::error::Result;
use crate::model::Dialect;

pub struct GolangMigrate;

impl Renderer for GolangMigrate {
    fn id(&self) -> &'static str {
        "golang-migrate"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["migrate", "golang"]
    }

    fn layout(&self) -> &'static str {
        "<version>_<name>.up.sql and .down.sql"
    }

    fn default_dir(&self) -> &'static str {
        "db/migrations"
    }

    fn apply_command(&self) -> &'static str {
        "`migrate -path DIR -database URL up`"
    }

    fn rollback_command(&self) -> &'static str {
        "`migrate -path DIR -database URL down N`"
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        let dialect = plan.dialect;
        let dir = &context.dir;
        let mut out = Rendered::new(dir);
        let notes = dialect_notes(dialect);
        // golang-migrate sends a file as one query: what cannot share it goes alone.
        let pieces = pieces(plan, &context.name, true);
        let versions = versions(context, pieces.len());
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
                let mut text = header(self.id(), piece, direction, &notes);
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
                out.push(path.clone(), kind, Some(piece.phase), text);
                out.runs(direction, path, Block::Whole, run);
            }
            out.versions.push(stem);
        }
        out.extras_beside_files(dir);
        Ok(out)
    }
}

/// What golang-migrate's users need to be told in each file's header.
fn dialect_notes(dialect: Dialect) -> Vec<&'static str> {
    match dialect {
        Dialect::Mysql => vec!["golang-migrate: the database URL needs multiStatements=true."],
        Dialect::Sqlite => vec![
            "golang-migrate runs each file in a transaction, where PRAGMA foreign_keys has no effect: keep foreign key enforcement off in the URL while it runs (the default).",
        ],
        Dialect::Postgres => Vec::new(),
    }
}

/// golang-migrate: keep numbering sequentially (`000042`) where the folder does, else
/// timestamps as `migrate create` makes by default.
fn versions(context: &Context, count: usize) -> Vec<String> {
    let numbered: Vec<&str> = context
        .existing
        .iter()
        .filter(|name| name.ends_with(".up.sql") || name.ends_with(".down.sql"))
        .map(|name| leading_digits(name))
        .filter(|digits| !digits.is_empty())
        .collect();
    let sequential = !numbered.is_empty() && numbered.iter().all(|d| d.len() < 14);
    if !sequential {
        return layout::timestamps(context, count);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::layout::tests::context;

    #[test]
    fn versions_continue_what_the_folder_has() {
        let ctx = context(
            &["000009_a.up.sql", "000009_a.down.sql", "000010_b.up.sql"],
            0,
        );
        assert_eq!(versions(&ctx, 2), ["000011", "000012"]);
        // A folder versioned by timestamp keeps timestamps.
        let ctx = context(&["20200101000000_a.up.sql"], 1_798_761_599);
        assert_eq!(versions(&ctx, 1), ["20261231235959"]);
    }
}
