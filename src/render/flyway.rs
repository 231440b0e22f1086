//! Flyway: `V<version>__<name>.sql` and `U<version>__<name>.sql`, with a `.conf` beside a script
//! that must run outside a transaction.

use super::ArtifactKind;
use super::Context;
use super::chunk::Spelling;
use super::layout::{self, Block, Rendered, Run, body, header, pieces};
use super::renderer::{Job, Renderer};
use crate::error::Result;

pub struct Flyway;

impl Renderer for Flyway {
    fn id(&self) -> &'static str {
        "flyway"
    }

    fn layout(&self) -> &'static str {
        "V<version>__<name>.sql and U<version>__<name>.sql"
    }

    fn default_dir(&self) -> &'static str {
        "sql"
    }

    fn apply_command(&self) -> &'static str {
        "`flyway migrate`"
    }

    fn rollback_command(&self) -> &'static str {
        "`flyway undo`, once per version (Flyway Teams), or run the U files by hand"
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        let dialect = plan.dialect;
        let dir = &context.dir;
        let mut out = Rendered::new(dir);
        let pieces = pieces(plan, &context.name, false);
        let versions = versions(context, pieces.len());
        for (piece, version) in pieces.iter().zip(&versions) {
            let description = piece.label.clone();
            for (prefix, direction, chunk, kind) in [
                ("V", "up", &piece.up, ArtifactKind::Migration),
                ("U", "down", &piece.down, ArtifactKind::Down),
            ] {
                let file = format!("{prefix}{version}__{description}.sql");
                let path = dir.join(&file);
                let mut text = header(self.id(), piece, direction, &[]);
                text.push_str(&body(
                    dialect,
                    chunk,
                    Spelling::Client,
                    chunk.atomic,
                    direction,
                ));
                out.push(path.clone(), kind, Some(piece.phase), text);
                let run = if chunk.atomic {
                    Run::StatementsInTransaction
                } else {
                    // Flyway's per-script configuration: run it outside a transaction.
                    out.push(
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
        Ok(out)
    }
}

/// Flyway: the next whole version after the highest one there (`V7__…` → 8); timestamps when
/// the folder versions by timestamp.
fn versions(context: &Context, count: usize) -> Vec<String> {
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
        return layout::timestamps(context, count);
    }
    let last = majors.into_iter().max().unwrap_or(0);
    (1..=count as u64).map(|k| (last + k).to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::layout::tests::context;

    #[test]
    fn versions_continue_what_the_folder_has() {
        let ctx = context(
            &["V9__a.sql", "V10__b.sql", "V10_1__c.sql", "U10__b.sql"],
            0,
        );
        assert_eq!(versions(&ctx, 2), ["11", "12"]);
        assert_eq!(versions(&context(&[], 0), 1), ["1"]);
    }
}
