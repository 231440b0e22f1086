//! How the wizard starts: what the project is, what to compare and what to write, all found
//! out through the pipeline before the terminal opens. A schema that cannot be read is a
//! problem the status screen shows, not an exit.

use std::path::{Path, PathBuf};

use super::session::{Choices, Fact, Files, Inputs, Session};
use crate::pipeline::{
    self, Config, OutputRequest, PlanOptions, Request, SchemaChoice, Strategy, Target,
};

/// `request` says what to compare, `output` what to write; `options` are the plan's settings
/// (their version is set here, from the server facts).
pub fn session(
    request: &Request,
    output: &OutputRequest,
    mut options: PlanOptions,
    config: &Config,
    now: u64,
) -> Session {
    // What the project is: detection only reads files, and is fast enough to wait for.
    let project = pipeline::detect(Path::new(".")).ok();
    let choices = match pipeline::choices(output, config, project.as_ref()) {
        Ok(choices) => choices,
        Err(error) => {
            let mut session = Session::new(
                Choices {
                    target: Target::sql(),
                    strategy: Strategy::Direct,
                    files: Files::Quick,
                    name: String::new(),
                    dir: "migrations".into(),
                },
                now,
            );
            session.problem = Some(error.to_string());
            return session;
        }
    };
    let (target, dir) = (choices.target, choices.dir.clone());
    let mut session = Session::new(choices, now);
    let fact = |label: &str, value: String| Fact {
        label: label.to_string(),
        value,
    };
    if let Some(path) = &config.path {
        session
            .facts
            .push(fact("settings", path.display().to_string()));
    }
    if let Some(orm) = project.as_ref().and_then(|p| p.orm()) {
        session.facts.push(fact("project", orm.name().to_string()));
    }
    // The schema: as given, else migen.toml's, else the one detection found (the same choice
    // every command makes).
    let mut request = request.clone();
    match pipeline::schema_choice(request.to.as_deref(), config) {
        Ok(SchemaChoice::One { to, .. }) => request.to = Some(to),
        Ok(SchemaChoice::Several(candidates)) => {
            session.problem = Some(pipeline::several_text(&candidates));
            return session;
        }
        Ok(SchemaChoice::Nothing(why)) => {
            session.problem = Some(format!(
                "Nothing to do here yet: {why}.\nStart with `migen tui --to db/schema.sql` (compared with its last commit), or run\n`migen init` to write a migen.toml to edit (see the README)."
            ));
            return session;
        }
        Err(error) => {
            session.problem = Some(format!("The schema could not be found:\n{error}"));
            return session;
        }
    }
    let loaded = match pipeline::load(&request, config.clone()) {
        Ok(loaded) => {
            for note in &loaded.notes {
                eprintln!("note: {note}");
            }
            loaded
        }
        Err(error) => {
            session.problem = Some(format!("The schema could not be read:\n{error}"));
            return session;
        }
    };
    session
        .facts
        .push(fact("schema", request.to.clone().unwrap_or_default()));
    session.facts.push(fact(
        "compared with",
        pipeline::spec_label(&loaded.from_spec),
    ));
    let server = match pipeline::server_facts(&loaded, &request) {
        Ok(server) => server,
        Err(error) => {
            session.problem = Some(format!("The database could not be read:\n{error}"));
            return session;
        }
    };
    session.facts.push(fact(
        "database",
        match &server.note {
            Some(_) => format!(
                "{} (assumed: set [database] version in migen.toml)",
                server.version.label()
            ),
            None => server.version.label(),
        },
    ));
    let folder = project
        .as_ref()
        .and_then(|p| p.folder_of(target.name()).cloned())
        .filter(|folder| folder.dir == dir);
    session.facts.push(fact(
        "migrations",
        match folder {
            Some(folder) => format!(
                "{} in {} · {} so far{}",
                folder.tool.name(),
                dir.display(),
                folder.count,
                folder
                    .latest
                    .map(|l| format!(", last {l}"))
                    .unwrap_or_default()
            ),
            None => format!("{target} in {} · none yet", dir.display()),
        },
    ));
    options.version = server.known_version();
    session.answers = loaded.answers.clone();
    session.inputs = Some(Inputs {
        server_url: loaded.scratch_server(&request),
        loaded,
        project,
        server,
        options,
        config_path: PathBuf::from(pipeline::CONFIG_FILE_NAME),
    });
    session.replan();
    session
}
