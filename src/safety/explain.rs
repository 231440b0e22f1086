//! A rule's page in plain words, for `migen explain`.

use super::analysis::{human_bytes, thousands};
use super::{RuleId, RuleMeta, SMALL_TABLE_BYTES, SMALL_TABLE_ROWS};
use crate::model::{Dialect, Engine};

/// A rule's page in plain words, or `None` for an unknown id.
pub fn explain(id: &str) -> Option<String> {
    let rule: RuleId = id.trim().parse().ok()?;
    let meta = rule.meta();
    let mut page = String::new();
    page.push_str(&format!("{} — {}\n\n", meta.id, meta.summary));
    let grading = if meta.graded_by_size {
        format!(
            " (one level lower on tables known to hold under {} rows and {})",
            thousands(SMALL_TABLE_ROWS),
            human_bytes(SMALL_TABLE_BYTES)
        )
    } else {
        String::new()
    };
    page.push_str(&format!("Severity:   {}{grading}\n", meta.severity));
    page.push_str(&format!("Applies to: {}\n", applies_text(meta)));
    if !meta.catalog.is_empty() {
        page.push_str(&format!("Catalog:    {}\n", meta.catalog.join(", ")));
    }
    page.push_str("\nWhy\n");
    page.push_str(&wrap(meta.why, 2));
    page.push_str("\nInstead\n");
    page.push_str(&wrap(meta.instead, 2));
    if let Some(pattern) = meta.safe_pattern {
        page.push_str(&wrap(
            &format!("Safe pattern `{pattern}`: {}.", pattern.describe()),
            2,
        ));
    }
    if !meta.lock.is_empty() {
        page.push_str("\nLocks\n");
        let own_mariadb = meta.lock.iter().any(|l| l.engine == Engine::Mariadb);
        for lock in meta.lock {
            let label = if lock.engine == Engine::Mysql
                && !own_mariadb
                && meta.dialects.contains(&Dialect::Mysql)
            {
                "MySQL and MariaDB"
            } else {
                lock.engine.label()
            };
            page.push_str(&wrap(&format!("{label}: {}", lock.text), 2));
        }
    }
    if !meta.references.is_empty() {
        page.push_str("\nReferences\n");
        for reference in meta.references {
            page.push_str(&format!("  {reference}\n"));
        }
    }
    Some(page)
}

fn applies_text(meta: &RuleMeta) -> String {
    let mut parts = Vec::new();
    for dialect in meta.dialects {
        for &engine in Engine::of(*dialect) {
            let gates: Vec<String> = meta
                .gates
                .iter()
                .filter(|g| g.engine == engine)
                .map(|g| {
                    match (
                        g.since.map(|r| r.text(engine)),
                        g.until.map(|r| r.text(engine)),
                    ) {
                        (Some(s), Some(u)) => format!("{s} up to {u}"),
                        (Some(s), None) => format!("{s} and later"),
                        (None, Some(u)) => format!("before {u}"),
                        (None, None) => "all versions".to_string(),
                    }
                })
                .collect();
            if gates.is_empty() {
                parts.push(engine.label().to_string());
            } else {
                parts.push(format!("{} {}", engine.label(), gates.join(" or ")));
            }
        }
    }
    parts.join(", ")
}

/// Word-wrap a paragraph to 78 columns with an indent.
fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > 78 {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{pad}{line}\n"));
    }
    out
}
