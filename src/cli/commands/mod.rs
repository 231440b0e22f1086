//! One file per command. What several commands share is here: planning with rename questions
//! asked on a terminal, the `--fail-on` exit code, colour.

pub mod diff;
pub mod generate;
pub mod init;
pub mod lint;
pub mod plan;
pub mod rules;
pub mod status;
pub mod tui;
pub mod verify;

use std::io::IsTerminal;

use super::args::{PairArgs, StrategyArgs};
use crate::error::{Error, Result};
use crate::pipeline::{
    self, FillQuestion, Finding, Loaded, Plan, PlanOptions, RenameAnswers, Request, ServerFacts,
};

/// Load a pair under migen.toml, reporting the readers' notes on stderr.
pub(super) fn load(pair: &PairArgs, server: Option<&str>) -> Result<(Request, Loaded)> {
    let mut request = pair.request(server);
    let config = pipeline::settings()?;
    pick_schema(&mut request, &config)?;
    let loaded = pipeline::load(&request, config)?;
    for note in &loaded.notes {
        eprintln!("note: {note}");
    }
    Ok((request, loaded))
}

/// The server facts; a guessed version is reported on stderr when `tell` is set.
pub(super) fn server_facts(loaded: &Loaded, request: &Request, tell: bool) -> Result<ServerFacts> {
    let server = pipeline::server_facts(loaded, request)?;
    if tell && let Some(note) = &server.note {
        eprintln!("note: {note}");
    }
    Ok(server)
}

/// Whether questions can be asked: stdin and stderr (where the prompts go) are a terminal.
pub(super) fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// An answer that could not be had: cancelled by the user (a question left open, exit 3), or
/// the terminal failed.
pub(super) fn prompt_error(what: &str, error: inquire::InquireError) -> Error {
    match error {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            Error::Question(format!("no answer to {what}"))
        }
        other => Error::Terminal(format!("{what}: {other}")),
    }
}

/// When detection finds several schemas and nothing names one, ask which on a terminal (the
/// answer becomes the request's `--to`); without one, loading stops and names them (exit 3).
pub(super) fn pick_schema(request: &mut Request, config: &pipeline::Config) -> Result<()> {
    if !can_ask() {
        return Ok(());
    }
    if let pipeline::SchemaChoice::Several(candidates) =
        pipeline::schema_choice(request.to.as_deref(), config)?
    {
        let labels: Vec<String> = candidates.iter().map(pipeline::candidate_label).collect();
        let chosen = inquire::Select::new(
            "Several schemas found here. Which one to read?",
            labels.clone(),
        )
        .with_help_message("pin the answer with `migen init` or [schema] source in migen.toml")
        .prompt()
        .map_err(|e| prompt_error("which schema to read", e))?;
        let at = labels.iter().position(|l| *l == chosen).unwrap_or(0);
        request.to = Some(candidates[at].path.display().to_string());
    }
    Ok(())
}

/// Plan, asking rename questions on a terminal; without one, unanswered questions stop the run.
/// `fills`: whether fill questions must be answered too (not for `migen diff`, which only
/// lists the changes).
pub(super) fn plan_with_answers(
    loaded: &Loaded,
    answers: &mut RenameAnswers,
    options: &PlanOptions,
    fills: bool,
) -> Result<Plan> {
    loop {
        let plan = pipeline::plan(loaded, answers, options);
        if plan.questions.is_empty() && (plan.fill_questions.is_empty() || !fills) {
            return Ok(plan);
        }
        let terminal = can_ask();
        if plan.questions.is_empty() {
            // Renames first: a fill names the column as the renames leave it.
            if !terminal {
                return Err(Error::Question(pipeline::fill_question_text(
                    &plan.fill_questions,
                )));
            }
            for question in &plan.fill_questions {
                let fill = ask_fill(loaded, question)?;
                pipeline::answer_fill(answers, fill);
            }
            continue;
        }
        if !terminal {
            return Err(Error::Question(pipeline::question_text(&plan.questions)));
        }
        for question in &plan.questions {
            let yes = inquire::Confirm::new(&question.question())
                .with_default(true)
                .with_help_message("yes: rename (keeps the data); no: drop and add")
                .prompt()
                .map_err(|e| prompt_error("a rename question", e))?;
            // A declined rename is not asked again; an accepted one may raise new questions.
            pipeline::answer(answers, question, yes);
        }
    }
}

/// Ask for the value of a fill on the terminal until one parses.
fn ask_fill(loaded: &Loaded, question: &FillQuestion) -> Result<pipeline::Fill> {
    let check = {
        let loaded = loaded.clone();
        let question = question.clone();
        move |text: &str| match pipeline::check_fill(&loaded, &question, text) {
            Ok(_) => Ok(inquire::validator::Validation::Valid),
            Err(e) => Ok(inquire::validator::Validation::Invalid(
                e.to_string().into(),
            )),
        }
    };
    let asked = question.question();
    let text = inquire::Text::new(&asked)
        .with_help_message("SQL of the dialect: 'active', 0, false, or an expression over the row")
        .with_validator(check)
        .prompt()
        .map_err(|e| prompt_error("a fill question", e))?;
    pipeline::check_fill(loaded, question, &text)
}

/// Everything `plan` and `generate` print from: the loaded pair, the server, the plan (its
/// notes reported on stderr) and its findings.
pub(super) struct Planned {
    pub loaded: Loaded,
    pub server: ServerFacts,
    pub options: PlanOptions,
    pub answers: RenameAnswers,
    pub plan: Plan,
    pub findings: Vec<Finding>,
}

pub(super) fn planned(pair: &PairArgs, shape: &StrategyArgs) -> Result<Planned> {
    let (request, loaded) = load(pair, None)?;
    let server = server_facts(&loaded, &request, true)?;
    let options = shape.options(Some(server.version), &loaded.config);
    let mut answers = loaded.answers.clone();
    let plan = plan_with_answers(&loaded, &mut answers, &options, true)?;
    let findings = pipeline::findings(&loaded.before, &plan, &server);
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    Ok(Planned {
        loaded,
        server,
        options,
        answers,
        plan,
        findings,
    })
}

/// Exit code 1 when a finding reaches `--fail-on`.
pub(super) fn fail_code(findings: &[Finding], pair: &PairArgs) -> i32 {
    match pair.fail_on {
        Some(limit) if findings.iter().any(|f| f.severity >= limit) => 1,
        _ => 0,
    }
}

/// Colour on a terminal unless NO_COLOR is set.
pub(super) fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Print to stdout; a closed pipe is not an error.
pub(super) fn print(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_question_stays_open_and_a_broken_terminal_is_its_own_exit_code() {
        let cancelled = prompt_error(
            "a rename question",
            inquire::InquireError::OperationCanceled,
        );
        assert_eq!(cancelled.exit_code(), 3, "{cancelled}");
        let broken = prompt_error(
            "which schema to read",
            inquire::InquireError::IO(std::io::Error::other("the tty went away")),
        );
        assert_eq!(broken.exit_code(), 6, "{broken}");
        assert!(
            broken
                .to_string()
                .starts_with("terminal: which schema to read"),
            "{broken}"
        );
    }
}
