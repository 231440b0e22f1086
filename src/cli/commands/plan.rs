//! `migen plan`: the migration as JSON (the machine contract) or as one SQL script.

use serde_json::json;

use super::{Planned, fail_code, planned, print};
use crate::cli::args::{PlanArgs, PlanFormat};
use crate::error::Result;
use crate::pipeline::{self, Change, Strategy, migration_script};

pub fn run(args: &PlanArgs) -> Result<i32> {
    let Planned {
        server,
        plan,
        findings,
        ..
    } = planned(&args.pair, &args.shape)?;
    let text = match args.format {
        PlanFormat::Json => {
            let value = json!({
                "dialect": plan.dialect,
                "strategy": plan.strategy,
                "server": server.version.label(),
                "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
                "findings": findings
                    .iter()
                    .map(|f| json!({
                        "rule": f.rule,
                        "severity": f.severity,
                        "change": f.change,
                        "message": f.message,
                    }))
                    .collect::<Vec<_>>(),
                "up": plan.up,
                "down": plan.down,
                "migrations": plan.migrations.iter().map(|m| json!({
                    "phase": m.phase,
                    "when": m.phase.when(),
                    "atomic": m.atomic(),
                    "up": m.up,
                    "down": m.down,
                })).collect::<Vec<_>>(),
                "steps": plan.steps,
                "lossiness": plan.lossiness(),
                "notes": plan.notes,
            });
            serde_json::to_string_pretty(&value).expect("plan serialises") + "\n"
        }
        PlanFormat::Sql => {
            let mut text = format!(
                "-- migen plan ({}, {}): {} changes\n",
                plan.dialect,
                plan.strategy.name(),
                plan.changes.len()
            );
            for note in &plan.notes {
                text.push_str(&pipeline::commented("-- note: ", note));
            }
            for migration in &plan.migrations {
                if plan.strategy == Strategy::ZeroDowntime {
                    text.push_str(&format!(
                        "\n-- ===== {}: {}\n",
                        migration.phase.name(),
                        migration.phase.when()
                    ));
                }
                text.push_str("-- up\n");
                text.push_str(&migration_script(plan.dialect, &migration.up));
                text.push_str("\n-- down\n");
                text.push_str(&pipeline::commented(
                    "-- ",
                    &migration_script(plan.dialect, &migration.down),
                ));
            }
            text
        }
    };
    print(&text);
    Ok(fail_code(&findings, &args.pair))
}

fn change_json(change: &Change) -> serde_json::Value {
    let mut value = serde_json::to_value(change).expect("changes serialise");
    if let Some(object) = value.as_object_mut() {
        object.insert("description".into(), json!(change.describe()));
    }
    value
}
