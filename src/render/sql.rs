//! migen's own layout: `<timestamp>_<name>/up.sql` and `down.sql`, run with psql, mysql or
//! sqlite3 in folder-name order.

use super::chunk::Spelling;
use super::layout::{Folders, Rendered, Run};
use super::renderer::{Job, Renderer};
use crate::error::Result;

pub struct Sql;

impl Renderer for Sql {
    fn id(&self) -> &'static str {
        "sql"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["plain"]
    }

    fn layout(&self) -> &'static str {
        "<timestamp>_<name>/up.sql and down.sql, run with psql, mysql or sqlite3"
    }

    fn default_dir(&self) -> &'static str {
        "migrations"
    }

    fn apply_command(&self) -> &'static str {
        "psql -f / mysql / sqlite3, in name order"
    }

    fn rollback_command(&self) -> &'static str {
        "run each folder's down.sql, newest folder first"
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let mut out = Rendered::new(&job.context.dir);
        let folders = Folders {
            tool: self.id(),
            up_name: "up.sql",
            spelling: Spelling::Client,
            run: Run::Statements,
            down_note: None,
        };
        folders.lay_out(&mut out, job.plan, job.context, false);
        Ok(out)
    }
}
