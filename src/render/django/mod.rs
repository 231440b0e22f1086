//! Django migrations: `<app>/migrations/NNNN_<name>.py`, numbered after the app's leaf and
//! written with Django's own operations, so Django's migration state matches the models
//! (`makemigrations --check` finds nothing). The operations come from comparing the models'
//! migration state before and after; migen's plan decides what is a rename.
//!
//! Direct strategy: Django computes the SQL from the operations. Zero-downtime: the state
//! operations ride on the first migration of a chain whose database side is migen's phased
//! SQL (`SeparateDatabaseAndState` + `RunSQL`), one migration per phase and per statement that
//! must run outside a transaction.

mod layout;
mod operations;
mod writer;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::layout::{Apply, Block, Rendered, Run};
use super::renderer::{Input, Job, Renderer};
use super::{Artifact, ArtifactKind, slug};
use crate::error::{Error, Result};
use crate::model::orm::OrmSides;
use crate::model::orm::django::{ProjectState, SETTINGS_IMPORT, py_str};
use crate::plan::{Phase, Plan, Strategy};
use crate::safety::Finding;

pub use layout::leaf;
use layout::{app_order, chain_sql};
use operations::operations;
use writer::{File, django_name, indent, notes_by_table};

pub struct Django;

impl Renderer for Django {
    fn id(&self) -> &'static str {
        "django"
    }

    fn layout(&self) -> &'static str {
        "<app>/migrations/NNNN_<name>.py per changed app, chained to the app's leaf"
    }

    fn default_dir(&self) -> &'static str {
        // Each app's own `migrations/` folder; this is only where extras would go.
        "."
    }

    fn apply_command(&self) -> &'static str {
        "`python manage.py migrate`"
    }

    fn rollback_command(&self) -> &'static str {
        "`python manage.py migrate <app> <previous migration>`"
    }

    fn tests_unavailable(&self) -> Option<&'static str> {
        Some(
            "--with-tests is not available for django yet: try the migrations with `manage.py migrate` and `manage.py migrate <app> <previous>` on a scratch database",
        )
    }

    fn input(&self) -> Input {
        Input::OrmState("django")
    }

    fn own_sql(&self) -> Option<&'static str> {
        Some(
            "Django computes the SQL of its operations: try them with `python manage.py migrate` on a scratch database.",
        )
    }

    fn names_its_migrations(&self) -> bool {
        true
    }

    fn writes_without_changes(&self) -> bool {
        // Django's migration state also holds what the database does not (choices,
        // validators, on_delete, Meta options).
        true
    }

    fn stages_app_defaults(&self) -> bool {
        true
    }

    fn render(&self, job: &Job) -> Result<Rendered> {
        match job.orm {
            Some(OrmSides::Django { before, after, .. }) => render(
                job.plan,
                before,
                after,
                &job.context.name,
                job.facts.findings,
            ),
            _ => Err(Error::Usage(
                "the django target is written from Django projects: run `migen generate --target django --from <before project> --to <after project>`".into(),
            )),
        }
    }
}

/// Render the plan as Django migrations; `name` names them (empty: Django's own names).
pub fn render(
    plan: &Plan,
    before: &ProjectState,
    after: &ProjectState,
    name: &str,
    findings: &[Finding],
) -> Result<Rendered> {
    let ops = operations(plan, before, after);
    let notes = notes_by_table(plan, findings, after);
    let name = if name.is_empty() {
        String::new()
    } else {
        slug(name)
    };
    let order = app_order(&ops);
    // Each app's leaf, read from its folder.
    let mut leaves: BTreeMap<String, Option<(String, u32)>> = BTreeMap::new();
    for app in &order {
        let state = after.app(app).ok_or_else(|| {
            Error::Usage(format!(
                "app {app} is not in the after project's INSTALLED_APPS"
            ))
        })?;
        leaves.insert(app.clone(), leaf(&state.dir.join("migrations"), app)?);
    }
    let mut files: Vec<File> = Vec::new();
    // The newest migration of each app once this run's files are in.
    let mut newest: BTreeMap<String, String> = BTreeMap::new();
    let mut next_number: BTreeMap<String, u32> = leaves
        .iter()
        .map(|(app, leaf)| (app.clone(), leaf.as_ref().map(|(_, n)| n + 1).unwrap_or(1)))
        .collect();
    let dependency_on = |app: &str,
                         newest: &BTreeMap<String, String>,
                         other: &Option<String>|
     -> Result<Option<String>> {
        match other {
            None => Ok(Some(
                "migrations.swappable_dependency(settings.AUTH_USER_MODEL)".to_string(),
            )),
            Some(other) if other == app => Ok(None),
            Some(other) => {
                let name = match newest.get(other) {
                    Some(name) => Some(name.clone()),
                    // Another app of the project (its leaf); an app outside it (Django's own)
                    // has no folder here and no dependency.
                    None => match after.app(other) {
                        Some(a) => leaf(&a.dir.join("migrations"), other)?.map(|(n, _)| n),
                        None => None,
                    },
                };
                Ok(name.map(|n| format!("({}, {})", py_str(other), py_str(&n))))
            }
        }
    };
    let zero_downtime = plan.strategy == Strategy::ZeroDowntime;
    for (k, app) in order.iter().enumerate() {
        let app_ops = &ops[app];
        let number = next_number[app];
        let initial = leaves[app].is_none();
        // Without a name from the user, each app's migration is named as Django would.
        let app_name = if name.is_empty() {
            django_name(app_ops, initial)
        } else if initial {
            "initial".to_string()
        } else {
            name.clone()
        };
        let file_name = format!("{number:04}_{app_name}");
        let mut dependencies = Vec::new();
        let mut imports = BTreeSet::new();
        if let Some((leaf_name, _)) = &leaves[app] {
            dependencies.push(format!("({}, {})", py_str(app), py_str(leaf_name)));
        }
        let mut refers: BTreeSet<Option<String>> = BTreeSet::new();
        for op in app_ops {
            refers.extend(op.refers.iter().cloned());
            imports.extend(op.imports.iter().cloned());
        }
        for other in &refers {
            if let Some(d) = dependency_on(app, &newest, other)?
                && !dependencies.contains(&d)
            {
                if other.is_none() {
                    imports.insert(SETTINGS_IMPORT.to_string());
                }
                dependencies.push(d);
            }
        }
        // Zero-downtime: the phased SQL goes into the last app's chain, after every app's
        // state has moved; the other apps' migrations only move their state.
        let hosts_sql = zero_downtime && k + 1 == order.len();
        if zero_downtime && hosts_sql {
            for other in order.iter().take(k) {
                let d = format!("({}, {})", py_str(other), py_str(&newest[other]));
                if !dependencies.contains(&d) {
                    dependencies.push(d);
                }
            }
        }
        let mut body = Vec::new();
        let mut seen_tables: BTreeSet<&str> = BTreeSet::new();
        for op in app_ops {
            if !zero_downtime && seen_tables.insert(op.table.as_str()) {
                for note in notes.get(&op.table).into_iter().flatten() {
                    for line in crate::text::comment_lines(note) {
                        body.push(format!("# {line}"));
                    }
                }
            }
            body.push(op.python.clone());
        }
        if zero_downtime {
            let state = indent(&body.join("\n"), "        ");
            body = vec![format!(
                "migrations.SeparateDatabaseAndState(\n    state_operations=[\n{state}\n    ],\n    database_operations=[],\n),"
            )];
        }
        let mut header = Vec::new();
        if zero_downtime && !hosts_sql {
            header.push("State only: the database changes are in the chain of the last app migen wrote, which depends on this migration.".to_string());
        }
        files.push(File {
            app: app.clone(),
            name: file_name.clone(),
            phase: if zero_downtime {
                Phase::PreDeploy
            } else {
                Phase::Direct
            },
            dependencies,
            atomic: true,
            initial,
            body,
            imports,
            header,
        });
        newest.insert(app.clone(), file_name);
        next_number.insert(app.clone(), number + 1);
        if hosts_sql {
            chain_sql(
                plan,
                &app_name,
                app,
                &mut files,
                &mut next_number,
                &mut newest,
            );
        }
    }
    let mut out = Rendered {
        artifacts: Vec::new(),
        up: Vec::new(),
        down: Vec::new(),
        extras_dir: PathBuf::new(),
        versions: Vec::new(),
    };
    for file in &files {
        let dir = after
            .app(&file.app)
            .map(|a| a.dir.join("migrations"))
            .unwrap_or_default();
        let path = dir.join(format!("{}.py", file.name));
        if out.extras_dir.as_os_str().is_empty() {
            out.extras_dir = dir.join(format!("{}.migen", file.name));
        }
        out.artifacts.push(Artifact {
            path: path.clone(),
            kind: ArtifactKind::Migration,
            phase: Some(file.phase),
            contents: file.text(),
        });
        let apply = Apply {
            path,
            block: Block::Whole,
            run: Run::Statements,
        };
        out.up.push(apply.clone());
        out.down.insert(0, apply);
        out.versions.push(format!("{}.{}", file.app, file.name));
    }
    {
        // Django only loads migrations from a package.
        for app in &order {
            if leaves[app].is_none()
                && let Some(state) = after.app(app)
            {
                let init = state.dir.join("migrations/__init__.py");
                if !init.exists() {
                    out.artifacts.push(Artifact {
                        path: init,
                        kind: ArtifactKind::Settings,
                        phase: None,
                        contents: String::new(),
                    });
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
