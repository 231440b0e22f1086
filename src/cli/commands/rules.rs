//! `migen rules` and `migen explain RULE`.

use super::print;
use crate::error::{Error, Result};
use crate::pipeline;

/// `migen rules`: every rule, one line each.
pub fn list() -> Result<i32> {
    let mut out = String::new();
    for meta in pipeline::rules() {
        let dialects: Vec<&str> = meta.dialects.iter().map(|d| d.name()).collect();
        out.push_str(&format!(
            "{:<32} {:<8} {:<24} {}\n",
            meta.id.to_string(),
            meta.severity.as_str(),
            dialects.join(","),
            meta.summary
        ));
    }
    out.push_str("\nmigen explain RULE shows a rule's page.\n");
    print(&out);
    Ok(0)
}

/// `migen explain RULE`: a rule's page.
pub fn explain(rule: &str) -> Result<i32> {
    match pipeline::explain(rule) {
        Some(page) => {
            print(&page);
            Ok(0)
        }
        None => Err(Error::Usage(format!(
            "no rule `{rule}`: `migen rules` lists them"
        ))),
    }
}
