//! From a plan to files: which tool, folder, name and extras (`choices`), and the files
//! themselves (`render`), with whatever the target needs besides the plan.

use std::borrow::Cow;
use std::path::PathBuf;

use super::{Config, Loaded, Project, ServerFacts};
use crate::diff::RenameAnswers;
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanOptions, Strategy};
use crate::render::{self, Artifact, Choices, Files, Input, OrmSides, Target};
use crate::safety::Finding;
use crate::source;

/// What the command line (or the wizard's start) says about the files; `None` leaves it to
/// migen.toml, then detection, then the tool's defaults.
#[derive(Debug, Clone, Default)]
pub struct OutputRequest {
    pub target: Option<Target>,
    pub dir: Option<PathBuf>,
    pub name: Option<String>,
    pub strategy: Option<Strategy>,
    pub tests: bool,
    pub docs: bool,
}

/// The choices: the request, then migen.toml, then what detection found (the project's own
/// migrations folder and tool), then the defaults.
pub fn choices(
    request: &OutputRequest,
    config: &Config,
    project: Option<&Project>,
) -> Result<Choices> {
    // The tool of the project's migrations, else the one its ORM's migrations usually use.
    let detected_target = project
        .and_then(|p| p.default_tool())
        .and_then(|tool| Target::parse(tool.name()).ok());
    let target = match (request.target, &config.target) {
        (Some(target), _) => target,
        (None, Some(text)) => Target::parse(text).map_err(Error::Usage)?,
        (None, None) => detected_target.unwrap_or_else(Target::sql),
    };
    let dir = super::folder_for(target, request.dir.as_deref(), config, project);
    Ok(Choices {
        target,
        strategy: request
            .strategy
            .unwrap_or_else(|| config.strategy.unwrap_or_default()),
        files: Files::from_flags(request.tests, request.docs),
        name: request.name.clone().unwrap_or_default(),
        dir,
    })
}

/// migen.toml's migrations folder when it belongs to `target`: the file names no target, or
/// that one. A folder kept for another tool's files is no place for this one's.
pub fn configured_dir(config: &Config, target: Target) -> Option<PathBuf> {
    let belongs = config
        .target
        .as_deref()
        .is_none_or(|configured| Target::parse(configured).is_ok_and(|t| t == target));
    config.migrations_dir.clone().filter(|_| belongs)
}

/// The files a target writes, and the plan they follow (for a target that stages
/// application-side defaults, the zero-downtime plan is made again with them).
#[derive(Debug, Clone)]
pub struct Rendering {
    pub plan: Plan,
    pub artifacts: Vec<Artifact>,
}

/// Render a plan for the choices. `options` are the plan's own (for planning again);
/// `now` stamps file names.
#[allow(clippy::too_many_arguments)]
pub fn render(
    loaded: &Loaded,
    server: &ServerFacts,
    plan: &Plan,
    findings: &[Finding],
    answers: &RenameAnswers,
    options: &PlanOptions,
    choices: &Choices,
    now: u64,
) -> Result<Rendering> {
    let target = choices.target;
    let name = match choices.name.as_str() {
        // A name left as migen made it gives way to the tool's own naming.
        "" if target.names_its_migrations() => String::new(),
        name if target.names_its_migrations() && name == render::default_name(plan) => {
            String::new()
        }
        "" => render::default_name(plan),
        given => given.to_string(),
    };
    let orm = orm_sides(target, loaded)?;
    let plan = match orm.as_deref() {
        Some(sides) if target.stages_app_defaults() && plan.strategy == Strategy::ZeroDowntime => {
            staged_plan(loaded, sides, answers, options)?
        }
        _ => plan.clone(),
    };
    super::check_folder(target, &choices.dir)?;
    let context = render::Context::scan(&choices.dir, &name, now)?;
    let facts = render::Facts {
        before: &loaded.before,
        after: &loaded.after,
        findings,
        version: &server.version,
        stats: server.stats.as_ref(),
    };
    let artifacts = render::render(
        &plan,
        target,
        &context,
        &facts,
        choices.files.extras(),
        orm.as_deref(),
    )?;
    Ok(Rendering { plan, artifacts })
}

/// The ORM state both sides were read with, for a target that writes from it: read from the
/// sources once per loaded pair (the wizard renders again on every change of its options).
fn orm_sides(target: Target, loaded: &Loaded) -> Result<Option<Cow<'_, OrmSides>>> {
    let Input::OrmState(kind) = target.input() else {
        return Ok(None);
    };
    if let Some((cached, sides)) = loaded.orm_state.get()
        && *cached == kind
    {
        return Ok(Some(Cow::Borrowed(sides)));
    }
    let sides = source::reader::orm_sides(kind, &loaded.from_spec, &loaded.to_spec, target.name())?;
    // The first kind asked for keeps the slot; another kind is read each time it is asked.
    match loaded.orm_state.set((kind, sides)) {
        Ok(()) => Ok(loaded
            .orm_state
            .get()
            .map(|(_, sides)| Cow::Borrowed(sides))),
        Err((_, sides)) => Ok(Some(Cow::Owned(sides))),
    }
}

/// The zero-downtime plan again, with existing rows filled from the models' application-side
/// defaults through a temporary database default (the schemas do not hold those defaults).
fn staged_plan(
    loaded: &Loaded,
    sides: &OrmSides,
    answers: &RenameAnswers,
    options: &PlanOptions,
) -> Result<Plan> {
    crate::plan::staged::plan_with_app_defaults(
        &loaded.before,
        &loaded.after,
        sides.app_defaults(),
        answers,
        options,
    )
}
