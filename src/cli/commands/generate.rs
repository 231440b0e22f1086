//! `migen generate`: the migration files for a tool, plus a test and a guide when asked for.

use std::path::Path;

use serde_json::json;

use super::{Planned, fail_code, planned, print};
use crate::cli::args::GenerateArgs;
use crate::error::{Error, Result};
use crate::pipeline;

pub fn run(args: &GenerateArgs) -> Result<i32> {
    let Planned {
        loaded,
        server,
        options,
        answers,
        plan,
        findings,
    } = planned(&args.pair, &args.shape)?;
    let project = pipeline::detect(Path::new(".")).ok();
    let choices = pipeline::choices(
        &args.output.request(&args.shape),
        &loaded.config,
        project.as_ref(),
    )?;
    let target = choices.target;
    if plan.changes.is_empty() && !target.writes_without_changes() {
        eprintln!("No changes: nothing to generate.");
        return Ok(0);
    }
    let lossy: Vec<&str> = plan
        .steps
        .iter()
        .filter_map(|step| step.loss.as_deref())
        .collect();
    if !lossy.is_empty() && !args.allow_data_loss && !args.dry_run {
        return Err(Error::Usage(format!(
            "this migration loses data: {}\nnothing written; pass --allow-data-loss to write it anyway (or --keep-dropped with --strategy zero-downtime to keep dropped columns and tables)",
            lossy.join("; ")
        )));
    }
    let rendering = pipeline::render(
        &loaded,
        &server,
        &plan,
        &findings,
        &answers,
        &options,
        &choices,
        pipeline::now_seconds()?,
    )?;
    let artifacts = rendering.artifacts;
    if artifacts.is_empty() {
        eprintln!("No changes: nothing to generate.");
        return Ok(0);
    }
    let mut out = String::new();
    if args.dry_run {
        if args.json {
            out = serde_json::to_string_pretty(&artifacts).expect("artifacts serialise") + "\n";
        } else {
            for artifact in &artifacts {
                out.push_str(&format!(
                    "==> {} <==\n{}\n",
                    artifact.path.display(),
                    artifact.contents
                ));
            }
        }
    } else {
        let written = pipeline::write(&artifacts)?;
        if args.json {
            let listed: Vec<serde_json::Value> = artifacts
                .iter()
                .map(|a| json!({"path": a.path, "kind": a.kind, "phase": a.phase}))
                .collect();
            out = serde_json::to_string_pretty(&json!({
                "target": target,
                "strategy": rendering.plan.strategy,
                "written": listed,
            }))
            .expect("paths serialise")
                + "\n";
        } else {
            for path in &written {
                out.push_str(&format!("{}\n", path.display()));
            }
        }
    }
    print(&out);
    Ok(fail_code(&findings, &args.pair))
}
