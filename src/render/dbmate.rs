//! dbmate: `<timestamp>_<name>.sql` with `-- migrate:up` and `-- migrate:down` blocks.

use super::ArtifactKind;
use super::chunk::Spelling;
use super::layout::{Block, Rendered, Run, body, header, pieces, timestamps};
use super::renderer::{Job, Renderer};
use crate::error::Result;

pub struct Dbmate;

impl Renderer for Dbmate {
    fn id(&self) -> &'static str {
        "dbmate"
    }

    fn layout(&self) -> &'static str {
        "<timestamp>_<name>.sql with -- migrate:up and -- migrate:down blocks"
    }

    fn default_dir(&self) -> &'static str {
        "db/migrations"
    }

    fn apply_command(&self) -> &'static str {
        "`dbmate migrate`"
    }

    fn rollback_command(&self) -> &'static str {
        "`dbmate rollback`, once per file"
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        let dialect = plan.dialect;
        let dir = &context.dir;
        let mut out = Rendered::new(dir);
        // dbmate sends a block as one query: what cannot share it goes alone.
        let pieces = pieces(plan, &context.name, true);
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
                text.push_str(&header(self.id(), piece, direction, &[]));
                text.push_str(&body(
                    dialect,
                    chunk,
                    Spelling::Driver,
                    chunk.atomic,
                    direction,
                ));
                runs.push(run);
            }
            out.push(
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
        Ok(out)
    }
}
