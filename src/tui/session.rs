//! What the wizard works on: the two schemas and what was found out about the project, and the
//! pipeline steps the screens ask for (plan, render, verify, write). No terminal here.

use std::path::PathBuf;

use crate::config::Config;
use crate::diff::{RenameAnswers, RenameCandidate};
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{self, Plan, PlanOptions};
use crate::render::{self, Artifact};
use crate::safety::{Finding, RuleId, Severity, TableStats, Version};
use crate::source::SourceSpec;
use crate::verify::{self, Verification};

pub use crate::render::{Choices, Files};

/// A fact for the status screen: `label: value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// The schemas and settings the wizard starts from (loaded before the terminal opens).
#[derive(Debug, Clone)]
pub struct Inputs {
    pub before: Schema,
    pub after: Schema,
    pub config: Config,
    pub version: Version,
    pub stats: Option<TableStats>,
    pub options: PlanOptions,
    /// Where verification may create a scratch database (PostgreSQL, MySQL); SQLite needs none.
    pub server_url: Option<String>,
    /// Where migen.toml is, for saving rename answers.
    pub config_path: PathBuf,
    /// The two sides as given: the Django target reads the models behind them again.
    pub from_spec: SourceSpec,
    pub to_spec: SourceSpec,
}

#[derive(Debug, Clone)]
pub struct Session {
    /// What was detected, shown first.
    pub facts: Vec<Fact>,
    /// Why there is nothing to work on (no schema, or a schema that does not read).
    pub problem: Option<String>,
    pub inputs: Option<Inputs>,
    pub answers: RenameAnswers,
    pub choices: Choices,
    pub plan: Option<Plan>,
    pub findings: Vec<Finding>,
    pub artifacts: Vec<Artifact>,
    pub verification: Option<Verification>,
    pub written: Vec<PathBuf>,
    /// The last thing that went wrong, shown on the screen that asked for it.
    pub error: Option<String>,
    /// Seconds since the epoch for file names (fixed in tests).
    pub now: u64,
}

/// Counts of changes by their worst finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RiskCounts {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub safe: usize,
}

impl Session {
    /// A session with nothing loaded yet.
    pub fn new(choices: Choices, now: u64) -> Session {
        Session {
            facts: Vec::new(),
            problem: None,
            inputs: None,
            answers: RenameAnswers::default(),
            choices,
            plan: None,
            findings: Vec::new(),
            artifacts: Vec::new(),
            verification: None,
            written: Vec::new(),
            error: None,
            now,
        }
    }

    /// The worst finding's severity for a change (`None`: safe).
    pub fn risk(&self, change: usize) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.change == change)
            .map(|f| f.severity)
            .max()
    }

    pub fn risk_counts(&self) -> RiskCounts {
        let mut counts = RiskCounts::default();
        if let Some(plan) = &self.plan {
            for index in 0..plan.changes.len() {
                match self.risk(index) {
                    Some(Severity::Error) => counts.high += 1,
                    Some(Severity::Warning) => counts.medium += 1,
                    Some(Severity::Info) => counts.low += 1,
                    None => counts.safe += 1,
                }
            }
        }
        counts
    }

    pub fn questions(&self) -> &[RenameCandidate] {
        self.plan.as_ref().map_or(&[], |p| p.questions.as_slice())
    }

    /// Plan again (after an answer or a changed strategy).
    pub fn replan(&mut self) {
        let Some(inputs) = &self.inputs else {
            return;
        };
        let mut options = inputs.options.clone();
        options.strategy = self.choices.strategy;
        let plan = plan::plan_with(&inputs.before, &inputs.after, &self.answers, &options);
        let guarded = plan
            .up
            .iter()
            .any(|s| crate::lint::sets_lock_timeout(plan.dialect, &s.sql));
        self.findings = crate::safety::analyze(
            &plan.changes,
            &inputs.before,
            &inputs.version,
            inputs.stats.as_ref(),
        )
        .into_iter()
        .filter(|f| !(guarded && f.rule == RuleId::RequireLockTimeout))
        .collect();
        if self.choices.name.is_empty() || self.choices.name == "migration" {
            self.choices.name = render::default_name(&plan);
        }
        self.plan = Some(plan);
        self.artifacts.clear();
    }

    /// Answer a rename question; the plan is made again.
    pub fn answer(&mut self, question: &RenameCandidate, rename: bool) {
        if rename {
            let answer = question.answer();
            let (old, new) = answer.split_once('=').expect("answers are old=new");
            self.answers
                .renames
                .push((old.to_string(), new.to_string()));
        } else {
            self.answers.declined.push(question.answer());
        }
        self.replan();
    }

    /// Keep a rename answer in migen.toml's `[renames]`, so the next run does not ask.
    pub fn save_answer(&self, question: &RenameCandidate) -> Result<PathBuf> {
        let inputs = self
            .inputs
            .as_ref()
            .ok_or_else(|| Error::Usage("no project".into()))?;
        let path = inputs.config_path.clone();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let answer = question.answer();
        let (old, new) = answer.split_once('=').expect("answers are old=new");
        let line = format!("\"{old}\" = \"{new}\"\n");
        let updated = match text.find("[renames]\n") {
            Some(at) => {
                let end = at + "[renames]\n".len();
                format!("{}{line}{}", &text[..end], &text[end..])
            }
            None => {
                let gap = if text.is_empty() || text.ends_with("\n\n") {
                    ""
                } else if text.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                format!("{text}{gap}[renames]\n{line}")
            }
        };
        // migen.toml is a settings file, not a migration: replacing it (atomically) is fine.
        let temporary = path.with_extension("toml.migen-tmp");
        std::fs::write(&temporary, updated).map_err(|source| Error::Io {
            path: temporary.clone(),
            source,
        })?;
        std::fs::rename(&temporary, &path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// The files the choices make, for the preview.
    pub fn render(&mut self) -> Result<()> {
        let (Some(inputs), Some(plan)) = (&self.inputs, &self.plan) else {
            return Ok(());
        };
        let context = render::Context::scan(&self.choices.dir, &self.choices.name, self.now)?;
        let facts = render::Facts {
            before: &inputs.before,
            after: &inputs.after,
            findings: &self.findings,
            version: &inputs.version,
            stats: inputs.stats.as_ref(),
        };
        self.artifacts = if self.choices.target == render::Target::Django {
            let mut options = inputs.options.clone();
            options.strategy = self.choices.strategy;
            let sides = render::DjangoSides {
                from: &inputs.from_spec,
                to: &inputs.to_spec,
                answers: &self.answers,
                options: &options,
            };
            // A name left as migen made it gives way to Django's own naming, per app.
            let name = match self.choices.name == render::default_name(plan) {
                true => "",
                false => self.choices.name.as_str(),
            };
            let (_, artifacts) =
                render::render_django(plan, &sides, name, &facts, self.choices.files.extras())?;
            artifacts
        } else {
            render::render(
                plan,
                self.choices.target,
                &context,
                &facts,
                self.choices.files.extras(),
            )?
        };
        Ok(())
    }

    /// Up and down on a scratch database before anything is written: SQLite always, a
    /// server when one is known. `None` when no scratch database can be had.
    pub fn verify(&self) -> Result<Option<Verification>> {
        let Some(inputs) = &self.inputs else {
            return Ok(None);
        };
        // Django runs its own operations (and fills rows from Python defaults), so a round
        // trip of migen's SQL would judge something else; Django's migrate is the judge there.
        if self.choices.target == render::Target::Django {
            return Ok(None);
        }
        if inputs.after.dialect != crate::model::Dialect::Sqlite && inputs.server_url.is_none() {
            return Ok(None);
        }
        let mut options = inputs.options.clone();
        options.strategy = self.choices.strategy;
        verify::verify(&verify::VerifyInput {
            before: &inputs.before,
            after: &inputs.after,
            before_sql: None,
            seed_sql: None,
            auto_seed: true,
            answers: &self.answers,
            server_url: inputs.server_url.as_deref(),
            options,
        })
        .map(Some)
    }

    pub fn write(&mut self) -> Result<()> {
        self.written = crate::write::write_all(std::path::Path::new(""), &self.artifacts)?;
        Ok(())
    }
}
