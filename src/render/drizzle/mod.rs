//! drizzle-kit: `<out>/<NNNN>_<name>.sql` (statements split by `--> statement-breakpoint`), its
//! entry appended to `meta/_journal.json` (the only thing drizzle's migrator reads) and
//! `meta/<NNNN>_snapshot.json`, the whole after-schema as drizzle-kit would have written it, so
//! that the next `drizzle-kit generate` finds nothing left to do. drizzle-kit has no down
//! migrations: the down goes to `<out>/down/<NNNN>_<name>.sql`, outside the journal, for a
//! person to run (`--with-tests` runs it with the database's client after drizzle-kit's
//! `migrate`). drizzle's migrator applies every pending migration in one transaction: on
//! PostgreSQL a plan with a statement that cannot run in one is refused.

mod journal;
mod runner;
#[cfg(test)]
mod tests;

use super::ArtifactKind;
use super::Facts;
use super::layout::{Block, Rendered, Run, phase_suffix};
use super::renderer::{Input, Job, Renderer, RunnerSteps};
use super::slug;
use crate::dialect::op::Op;
use crate::diff::Change;
use crate::error::{Error, Result};
use crate::model::orm::OrmSides;
use crate::model::{Dialect, Version};
use crate::plan::{Plan, PlannedStatement};

pub use journal::{Journal, new_snapshot_id};

pub struct Drizzle;

impl Renderer for Drizzle {
    fn id(&self) -> &'static str {
        "drizzle"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["drizzle-kit"]
    }

    fn layout(&self) -> &'static str {
        "<NNNN>_<name>.sql with meta/_journal.json's entry and meta/<NNNN>_snapshot.json"
    }

    fn default_dir(&self) -> &'static str {
        "drizzle"
    }

    fn apply_command(&self) -> &'static str {
        "`npx drizzle-kit migrate`"
    }

    fn rollback_command(&self) -> &'static str {
        "drizzle-kit has none: run down/<NNNN>_<name>.sql with the database's client, then remove the journal entry, the snapshot and the SQL file"
    }

    /// drizzle-kit migrates up; the down files run with the database's client.
    fn runner_steps(&self, rendered: &Rendered, dialect: Dialect) -> Option<RunnerSteps> {
        Some(runner::steps(rendered, dialect))
    }

    fn input(&self) -> Input {
        Input::OrmState("drizzle")
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        let (plan, context) = (job.plan, job.context);
        let Some(OrmSides::Drizzle { after }) = job.orm else {
            return Err(Error::Usage(
                "the drizzle target needs a drizzle schema as --to".into(),
            ));
        };
        match after.dialect {
            "postgresql" => in_one_transaction(plan, job.facts.version)?,
            "sqlite" => rebuilds_no_referenced_table(plan, job.facts)?,
            _ => {}
        }
        let journal_path = context.dir.join("meta").join("_journal.json");
        let mut journal = Journal::read(&journal_path, after.dialect)?;
        let previous_id = journal.last_snapshot_id(&context.dir)?;
        let name = slug(&context.name);
        let mut out = Rendered::new(&context.dir);
        for (n, migration) in plan.migrations.iter().enumerate() {
            let idx = journal.next_idx();
            let tag = format!("{idx:04}_{name}{}", phase_suffix(migration.phase));
            journal.append(&tag, context.now);
            let sql_path = context.dir.join(format!("{tag}.sql"));
            out.push(
                sql_path.clone(),
                ArtifactKind::Migration,
                Some(migration.phase),
                breakpoints(&migration.up),
            );
            let down_path = context.dir.join("down").join(format!("{tag}.sql"));
            let down = format!(
                "-- The down of {tag}, written by migen: drizzle-kit has no down migrations, so this\n\
                 -- file is outside the journal. Run it with the database's client, then remove the\n\
                 -- journal entry, {tag}.sql and its snapshot, if it has one.\n{}\n",
                breakpoints(&migration.down)
            );
            out.push(
                down_path.clone(),
                ArtifactKind::Down,
                Some(migration.phase),
                down,
            );
            // A zero-downtime plan's middle phases leave schemas the drizzle schema does not
            // describe: only the last entry gets a snapshot, the after-schema. drizzle-kit
            // generate diffs against the newest snapshot; the migrator reads only the journal.
            if n + 1 == plan.migrations.len() {
                let seed = format!(
                    "{previous_id} {tag} {} {}",
                    context.now,
                    serde_json::Value::Object(after.snapshot.clone())
                );
                let mut snapshot = serde_json::Map::new();
                snapshot.insert("id".into(), new_snapshot_id(&seed).into());
                snapshot.insert("prevId".into(), previous_id.clone().into());
                snapshot.extend(after.snapshot.clone());
                out.push(
                    context
                        .dir
                        .join("meta")
                        .join(format!("{idx:04}_snapshot.json")),
                    ArtifactKind::Settings,
                    None,
                    pretty(&serde_json::Value::Object(snapshot))?,
                );
            }
            out.runs("up", sql_path, Block::Whole, Run::Statements);
            out.runs("down", down_path, Block::Whole, Run::Statements);
            out.versions.push(tag);
        }
        // The test and the guide go beside the entries, in a folder drizzle-kit does not read,
        // named after the first new entry (so a later migration's test never collides).
        out.extras_beside_files(&context.dir);
        // An existing journal is replaced only once every new file is in place.
        let kind = if journal_path.is_file() {
            ArtifactKind::Replacement
        } else {
            ArtifactKind::Settings
        };
        out.push(journal_path, kind, None, pretty(&journal.to_json())?);
        Ok(out)
    }
}

/// drizzle's PostgreSQL migrator runs every pending migration inside one transaction, where a
/// statement that must run outside one (CREATE INDEX CONCURRENTLY, a backfill committing its
/// batches) fails. PostgreSQL 12 and
/// later add an enum value inside a transaction (as drizzle-kit's own migrations do), as long
/// as nothing after it in that transaction uses the value.
fn in_one_transaction(plan: &Plan, version: &Version) -> Result<()> {
    // The down files run with the database's client, outside the migrator.
    let statements: Vec<&PlannedStatement> =
        plan.migrations.iter().flat_map(|m| m.up.iter()).collect();
    let added: Vec<String> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::AddEnumValue { value, .. } => Some(format!("'{}'", value.replace('\'', "''"))),
            _ => None,
        })
        .collect();
    for (at, statement) in statements.iter().enumerate() {
        if statement.transactional {
            continue;
        }
        let sql = statement.sql.trim().trim_end_matches(';');
        let adds_value = sql.starts_with("ALTER TYPE") && sql.contains(" ADD VALUE ");
        let value = added
            .iter()
            .find(|v| adds_value && sql.contains(&format!("ADD VALUE {v}")));
        let used_later = value.is_some_and(|v| {
            statements[at + 1..]
                .iter()
                .any(|s| s.sql.contains(v.as_str()))
        });
        if value.is_some() && version.at_least(12, 0, 0) && !used_later {
            continue;
        }
        return Err(Error::Usage(format!(
            "the drizzle target cannot run `{sql}`: drizzle's migrator applies migrations inside one transaction, where PostgreSQL refuses it (the direct strategy builds indexes without CONCURRENTLY and backfills inside the migration; PostgreSQL 12 and later add an enum value in a transaction when nothing in it uses the value: pass --db-version postgres:12 or later)"
        )));
    }
    Ok(())
}

/// drizzle's SQLite migrator runs every pending migration inside one transaction, where
/// `PRAGMA foreign_keys = OFF` does nothing: the DROP TABLE of a table rebuild would delete
/// (cascade), change (set null) or refuse to drop the rows of the tables that reference it.
/// Tables the migration creates are empty while it runs.
fn rebuilds_no_referenced_table(plan: &Plan, facts: &Facts) -> Result<()> {
    for statement in plan.migrations.iter().flat_map(|m| m.up.iter()) {
        let Some(Op::Rebuild { from, .. }) = statement.op() else {
            continue;
        };
        // Only a table that was there before can hold rows; it may gain the reference now.
        let references = |table: &crate::model::Table| {
            table.name != from.name
                && table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.ref_table == from.name)
        };
        let referencing = facts.before.tables.values().find(|table| {
            references(table) || facts.after.tables.get(&table.name).is_some_and(references)
        });
        if let Some(table) = referencing {
            return Err(Error::Usage(format!(
                "the drizzle target cannot rebuild table {} on SQLite: {} references it, and drizzle's migrator applies migrations inside one transaction, where PRAGMA foreign_keys = OFF does nothing, so dropping the old table would delete or change the referencing rows (apply this change with the sql target instead)",
                from.name, table.name
            )));
        }
    }
    Ok(())
}

/// drizzle-kit's layout of a migration's SQL: each statement ends with `;` and the next starts
/// after a breakpoint line; no newline at the end.
fn breakpoints(statements: &[PlannedStatement]) -> String {
    statements
        .iter()
        .map(|s| {
            let sql = s.sql.trim_end();
            if sql.ends_with(';') {
                sql.to_string()
            } else {
                format!("{sql};")
            }
        })
        .collect::<Vec<_>>()
        .join("\n--> statement-breakpoint\n")
}

/// JSON as drizzle-kit writes it: two spaces of indent, no newline at the end.
fn pretty(value: &serde_json::Value) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::Usage(format!("cannot write drizzle-kit JSON: {e}")))
}
