//! `migen status`: what this project is and what changed, from detection (which never runs the
//! project's code) and the same plan and safety analysis as `migen diff`.

use std::path::Path;

use serde_json::json;

use super::print;
use crate::cli::args::StatusArgs;
use crate::error::Result;
use crate::pipeline::{self, Baseline, MigrationFolder, Project, StatusCount};

pub fn run(args: &StatusArgs) -> Result<i32> {
    let project = pipeline::detect(Path::new("."))?;
    let mut notes = project.notes.clone();
    let baseline = Baseline::parse(args.since.as_deref(), &project)?;
    let count = pipeline::status_count(&project, &baseline, &mut notes)?;
    let text = if args.json {
        status_json(&project, &baseline, count.as_ref(), &notes)
    } else {
        status_text(&project, &baseline, count.as_ref(), &notes)
    };
    print(&text);
    Ok(0)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn status_text(
    project: &Project,
    baseline: &Baseline,
    count: Option<&StatusCount>,
    notes: &[String],
) -> String {
    let orm = project.orm().map_or("no schema found", |o| o.name());
    let database = match (project.version, project.dialect) {
        (Some(version), _) => version.to_string().replacen(':', " ", 1),
        (None, Some(dialect)) => dialect.name().to_string(),
        // What the changes were counted as; a note says why.
        (None, None) if count.is_some() => "sqlite (assumed)".to_string(),
        (None, None) => "dialect unknown".to_string(),
    };
    let changes = match (count, baseline) {
        (None, _) => "changes not counted".to_string(),
        (Some(count), baseline) => {
            let mut text = match (count.changes, baseline) {
                (0, Baseline::Git { rev, .. }) => format!("no changes since {rev}"),
                (0, Baseline::Migrations(_)) => "no changes outside the migrations".into(),
                (n, Baseline::Git { rev, .. }) => {
                    format!("{} since {rev}", plural(n, "change"))
                }
                (n, Baseline::Migrations(_)) => {
                    format!("{} not yet in a migration", plural(n, "change"))
                }
            };
            if count.risky > 0 {
                text.push_str(&format!(" ({} risky)", count.risky));
            }
            if count.questions > 0 {
                text.push_str(&format!(
                    ", {} open",
                    plural(count.questions, "rename question")
                ));
            }
            text
        }
    };
    let last = match project.main_migrations() {
        Some(folder) => match &folder.latest {
            Some(latest) => format!("last migration {latest}"),
            None => "no migrations yet".into(),
        },
        None => "no migrations folder".into(),
    };
    let mut out = format!("{orm} · {database} · {changes} · {last}\n");
    const SHOWN: usize = 5;
    let sources = &project.schema_sources;
    for source in sources.iter().take(SHOWN) {
        out.push_str(&format!(
            "  schema      {} ({})\n",
            source.path.display(),
            source.orm.name()
        ));
    }
    if sources.len() > SHOWN {
        out.push_str(&format!(
            "  schema      … and {} more\n",
            sources.len() - SHOWN
        ));
    }
    for folder in project.migrations.iter().take(SHOWN) {
        let latest = folder
            .latest
            .as_ref()
            .map(|l| format!(", latest {l}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  migrations  {} ({}, {}{latest})\n",
            folder.dir.display(),
            folder.tool.name(),
            plural(folder.count, "migration")
        ));
    }
    if project.migrations.len() > SHOWN {
        out.push_str(&format!(
            "  migrations  … and {} more folders\n",
            project.migrations.len() - SHOWN
        ));
    }
    let mut origin = match (&project.dialect, &project.dialect_source) {
        (Some(dialect), Some(from)) => format!("{dialect} from {from}"),
        _ if count.is_some() => "not found (sqlite assumed)".to_string(),
        _ => "not found".to_string(),
    };
    if let (Some(version), Some(from)) = (&project.version, &project.version_source) {
        origin.push_str(&format!("; version {} from {from}", version.label()));
    }
    out.push_str(&format!("  database    {origin}\n"));
    out.push_str(&format!("  compared    with {}\n", baseline.label()));
    for note in notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

fn status_json(
    project: &Project,
    baseline: &Baseline,
    count: Option<&StatusCount>,
    notes: &[String],
) -> String {
    let folder_json = |f: &MigrationFolder| {
        json!({
            "tool": f.tool,
            "dir": f.dir.display().to_string(),
            "count": f.count,
            "latest": f.latest,
        })
    };
    let value = json!({
        "orm": project.orm(),
        "dialect": project.dialect,
        "dialect_source": project.dialect_source,
        "version": project.version.map(|v| v.to_string()),
        "version_source": project.version_source,
        "schema_sources": project.schema_sources.iter().map(|s| json!({
            "orm": s.orm,
            "path": s.path.display().to_string(),
        })).collect::<Vec<_>>(),
        "migrations": project.main_migrations().map(folder_json),
        "migration_folders": project.migrations.iter().map(folder_json).collect::<Vec<_>>(),
        "baseline": baseline.label(),
        "changes": count.map(|c| c.changes),
        "risky": count.map(|c| c.risky),
        "questions": count.map(|c| c.questions),
        "notes": notes,
    });
    serde_json::to_string_pretty(&value).expect("status serialises") + "\n"
}
