//! `migen diff`: the changes between two schemas, readably, with their findings.

use super::{fail_code, load, plan_with_answers, print, server_facts, use_color};
use crate::cli::args::PairArgs;
use crate::error::Result;
use crate::pipeline::{self, PlanOptions, Severity};

pub fn run(args: &PairArgs) -> Result<i32> {
    let (request, loaded) = load(args, None)?;
    let server = server_facts(&loaded, &request, true)?;
    let mut answers = loaded.answers.clone();
    let plan = plan_with_answers(&loaded, &mut answers, &PlanOptions::default(), false)?;
    let findings = pipeline::findings(&loaded.before, &plan, &server);
    let color = use_color();
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    if plan.changes.is_empty() {
        out.push_str("No changes.\n");
    } else {
        out.push_str(&format!(
            "{} changes ({}):\n",
            plan.changes.len(),
            plan.dialect
        ));
        for change in &plan.changes {
            let description = change.describe();
            let (sign, code) =
                if description.starts_with("create") || description.starts_with("add") {
                    ("+", "32")
                } else if description.starts_with("drop") {
                    ("-", "31")
                } else {
                    ("~", "33")
                };
            out.push_str(&format!("  {} {}\n", paint(code, sign), description));
            let index = plan
                .changes
                .iter()
                .position(|c| std::ptr::eq(c, change))
                .unwrap_or(0);
            for finding in findings.iter().filter(|f| f.change == index) {
                let severity_code = match finding.severity {
                    Severity::Error => "31",
                    Severity::Warning => "33",
                    Severity::Info => "36",
                };
                out.push_str(&format!(
                    "      {} {}: {}\n",
                    paint(severity_code, &format!("[{}]", finding.severity)),
                    finding.rule,
                    finding.message
                ));
            }
        }
    }
    print(&out);
    Ok(fail_code(&findings, args))
}
