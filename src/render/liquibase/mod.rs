//! Liquibase: a formatted-SQL changelog `changes/<timestamp>-<name>.sql` under the changelog
//! folder, one changeset per unit of work (what runs in one transaction, or one statement that
//! must run outside any), each with a `--rollback` block from migen's down. Liquibase runs each
//! changeset in its own transaction, so a unit of migen's plan maps onto exactly one changeset.
//! A new project also gets `db.changelog-master.xml`, which includes the `changes/` folder
//! whole (`includeAll`), so later migrations need no edit of it. A master that lists its
//! changelogs one by one gets the new one added after its last entry (`master.rs`), rewritten
//! whole once the new changelog is written.

mod changesets;
mod master;
mod runner;

use std::path::Path;

use super::ArtifactKind;
use super::layout::{Block, Rendered, Run, timestamps};
use super::renderer::{Job, Renderer, RunnerSteps};
use super::slug;
use crate::error::{Error, Result};
use crate::model::Dialect;

pub struct Liquibase;

/// The master changelog a new project gets, and the names Liquibase projects use for theirs.
pub const MASTER: &str = "db.changelog-master.xml";
const MASTER_NAMES: &[&str] = &[
    "db.changelog-master.xml",
    "db.changelog-master.yaml",
    "db.changelog-master.yml",
    "db.changelog-master.json",
    "db.changelog-master.sql",
];
/// The folder, under the changelog folder, the master changelog includes whole.
pub const CHANGES: &str = "changes";

impl Renderer for Liquibase {
    fn id(&self) -> &'static str {
        "liquibase"
    }

    fn layout(&self) -> &'static str {
        "changes/<timestamp>-<name>.sql (formatted SQL, one changeset per unit) included by db.changelog-master.xml"
    }

    fn default_dir(&self) -> &'static str {
        "db/changelog"
    }

    fn apply_command(&self) -> &'static str {
        "`liquibase update` (`liquibase update --label-filter=<phase>` applies one phase)"
    }

    fn rollback_command(&self) -> &'static str {
        "`liquibase rollback-count --count=<N>`, N being the number of changesets in the file"
    }

    fn runner_steps(&self, rendered: &Rendered, dialect: Dialect) -> Option<RunnerSteps> {
        Some(runner::steps(rendered, dialect))
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        let dir = &context.dir;
        let changes = dir.join(CHANGES);
        // Stamps sort after the changelogs already in `changes/` (read from the folder itself:
        // the context lists the changelog folder).
        let mut in_changes = context.clone();
        in_changes.existing = list(&changes);
        let stamp = timestamps(&in_changes, 1).remove(0);
        let stem = format!("{stamp}-{}", slug(&context.name));
        let path = changes.join(format!("{stem}.sql"));
        let (mut text, count) = changesets::changelog(plan, &stem);
        let master = context
            .existing
            .iter()
            .find(|name| MASTER_NAMES.contains(&name.as_str()));
        let mut edited_master = None;
        if let Some(master) = master {
            let master_path = dir.join(master);
            let master_text =
                std::fs::read_to_string(&master_path).map_err(|source| Error::Io {
                    path: master_path.clone(),
                    source,
                })?;
            let shown = master_path.display().to_string();
            match master::add_include(master, &shown, &master_text, &format!("{stem}.sql"))? {
                master::Edit::Nothing => {}
                master::Edit::Rewrite(edited) => edited_master = Some((master_path, edited)),
                master::Edit::ByHand(line) => text.insert_str(
                    text.find('\n').map_or(0, |n| n + 1),
                    &format!("-- {master} does not include {CHANGES}/ whole: add\n--   {line}\n"),
                ),
            }
        }
        let mut out = Rendered::new(dir);
        out.push(path.clone(), ArtifactKind::Migration, None, text);
        if master.is_none() {
            out.push(
                dir.join(MASTER),
                ArtifactKind::Settings,
                None,
                master_changelog(),
            );
        }
        if let Some((master_path, edited)) = edited_master {
            out.push(master_path, ArtifactKind::Replacement, None, edited);
        }
        // Liquibase runs the changelog itself; the test script asks `runner_steps` how.
        out.runs("up", path.clone(), Block::Whole, Run::Statements);
        out.runs("down", path, Block::Whole, Run::Statements);
        out.versions.push(format!("{stem} ({count} changesets)"));
        out.extras_dir = changes.join(format!("{stem}.migen"));
        Ok(out)
    }
}

/// File names in a folder; none when it is not there yet.
fn list(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A master changelog that runs every changelog of `changes/` in file-name order.
fn master_changelog() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by migen for a new Liquibase project: every changelog in {CHANGES}/ runs, in
     file-name order (the names start with a UTC timestamp). -->
<databaseChangeLog
    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">
    <includeAll path="{CHANGES}/" relativeToChangelogFile="true"/>
</databaseChangeLog>
"#
    )
}

#[cfg(test)]
mod tests;
