//! Where the migrations go: each app's leaf (the migration a new one follows), the apps in
//! dependency order, and the zero-downtime chain of phased SQL migrations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::operations::Operation;
use super::writer::{File, indent, sql_list};
use crate::error::{Error, Result};
use crate::model::orm::django::py_str;
use crate::plan::{Plan, PlannedStatement};

/// The migration a new one follows in an app's `migrations/` folder: the one no other
/// migration of the app depends on (the highest number when that is not one), with its number.
pub fn leaf(dir: &Path, app: &str) -> Result<Option<(String, u32)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut names = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = file.strip_suffix(".py")
            && stem.starts_with(|c: char| c.is_ascii_digit())
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    let mut depended: BTreeSet<String> = BTreeSet::new();
    for name in &names {
        let path = dir.join(format!("{name}.py"));
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        depended.extend(same_app_dependencies(&text, app));
    }
    let number = |n: &str| -> u32 {
        n.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let leaves: Vec<&String> = names.iter().filter(|n| !depended.contains(*n)).collect();
    let chosen = match leaves.as_slice() {
        [one] => Some((*one).clone()),
        _ => names
            .iter()
            .max_by_key(|n| (number(n), (*n).clone()))
            .cloned(),
    };
    Ok(chosen.map(|n| {
        let k = number(&n);
        (n, k)
    }))
}

/// The names of `("app", "name")` pairs in a migration's text that belong to `app`.
fn same_app_dependencies(text: &str, app: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['\'', '"'] {
        let opener = format!("({quote}{app}{quote}");
        let mut rest = text;
        while let Some(at) = rest.find(&opener) {
            rest = &rest[at + opener.len()..];
            let after = rest.trim_start().trim_start_matches(',').trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '\'' || *c == '"')
                && let Some(end) = after[1..].find(q)
            {
                out.push(after[1..1 + end].to_string());
            }
        }
    }
    out
}

/// Apps in an order where each comes after the apps its operations refer to.
pub(super) fn app_order(ops: &BTreeMap<String, Vec<Operation>>) -> Vec<String> {
    let refers = |app: &str| -> BTreeSet<String> {
        ops[app]
            .iter()
            .flat_map(|o| o.refers.iter().flatten().cloned())
            .filter(|a| a != app && ops.contains_key(a))
            .collect()
    };
    let mut left: Vec<String> = ops.keys().cloned().collect();
    let mut out: Vec<String> = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|a| refers(a).iter().all(|r| out.contains(r)))
            .unwrap_or(0);
        out.push(left.remove(ready));
    }
    out
}

/// The phased SQL as a chain of migrations in `app`: the first takes the state operations
/// already in `files.last()`; each phase, and each statement that must run outside a
/// transaction, gets a migration of its own.
pub(super) fn chain_sql(
    plan: &Plan,
    name: &str,
    app: &str,
    files: &mut Vec<File>,
    next_number: &mut BTreeMap<String, u32>,
    newest: &mut BTreeMap<String, String>,
) {
    let plan = &without_foreign_key_switches(plan);
    let pieces = crate::render::layout::pieces(plan, name, true);
    let lone = |statements: &[PlannedStatement]| {
        statements
            .iter()
            .any(|s| !s.transactional || s.own_transaction)
    };
    for (i, piece) in pieces.iter().enumerate() {
        let database = format!(
            "migrations.RunSQL(\n    sql={},\n    reverse_sql={},\n)",
            indent(&sql_list(&piece.up.statements), "    ").trim_start(),
            indent(&sql_list(&piece.down.statements), "    ").trim_start()
        );
        let mut header = vec![format!("{}: {}", piece.label, piece.phase.when())];
        if piece
            .down
            .statements
            .iter()
            .any(|s| s.note.as_deref().is_some_and(|n| n.contains("lost")))
            || plan
                .steps
                .iter()
                .any(|s| s.loss.is_some() && s.phase == piece.phase)
        {
            header.push("Reversing this migration cannot bring back data its forward step drops: the reverse SQL restores the schema only.".into());
        }
        let atomic = !(lone(&piece.up.statements) || lone(&piece.down.statements));
        if i == 0 {
            let first = files.last_mut().expect("the state migration");
            let state = std::mem::take(&mut first.body);
            // The state operations are wrapped already: put the SQL into their wrapper.
            let wrapped = state.join("\n").replace(
                "    database_operations=[],\n",
                &format!(
                    "    database_operations=[\n{}\n    ],\n",
                    indent(&format!("{database},"), "        ")
                ),
            );
            first.body = vec![wrapped];
            first.atomic = atomic;
            first.phase = piece.phase;
            first.header.extend(header);
            continue;
        }
        let number = next_number[app];
        let file_name = format!("{number:04}_{}", piece.label);
        let previous = newest[app].clone();
        files.push(File {
            app: app.to_string(),
            name: file_name.clone(),
            phase: piece.phase,
            dependencies: vec![format!("({}, {})", py_str(app), py_str(&previous))],
            atomic,
            initial: false,
            body: vec![format!(
                "migrations.SeparateDatabaseAndState(\n    state_operations=[],\n    database_operations=[\n{}\n    ],\n),",
                indent(&format!("{database},"), "        ")
            )],
            imports: BTreeSet::new(),
            header,
        });
        newest.insert(app.to_string(), file_name);
        next_number.insert(app.to_string(), number + 1);
    }
}

/// The plan without SQLite's `PRAGMA foreign_keys` switches. Django's SQLite schema editor
/// turns foreign-key enforcement off around every migration and checks the constraints at its
/// end; migen's own switches cannot run in a transaction, so they would only force the
/// migration out of one and leave a table rebuild half done when a statement fails.
pub(super) fn without_foreign_key_switches(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    if plan.dialect != crate::model::Dialect::Sqlite {
        return plan;
    }
    let switch = |s: &PlannedStatement| {
        s.sql == crate::dialect::FOREIGN_KEYS_OFF || s.sql == crate::dialect::FOREIGN_KEYS_ON
    };
    for migration in &mut plan.migrations {
        migration.up.retain(|s| !switch(s));
        migration.down.retain(|s| !switch(s));
    }
    plan.up.retain(|s| !switch(s));
    plan.down.retain(|s| !switch(s));
    plan
}
