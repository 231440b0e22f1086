//! What the wizard works on: the two schemas and what was found out about the project, and the
//! pipeline steps the screens ask for (plan, render, verify, write). No terminal here.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::pipeline::{
    self, Artifact, FillQuestion, Finding, Loaded, Plan, PlanOptions, Project, RenameAnswers,
    RenameCandidate, ServerFacts, Severity, Verification, VerifyRequest,
};

pub use crate::pipeline::{Choices, Files};

/// A fact for the status screen: `label: value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// The schemas and settings the wizard starts from (loaded before the terminal opens).
#[derive(Debug, Clone)]
pub struct Inputs {
    pub loaded: Loaded,
    pub server: ServerFacts,
    pub options: PlanOptions,
    /// Where verification may create a scratch database (PostgreSQL, MySQL); SQLite needs none.
    pub server_url: Option<String>,
    /// Where migen.toml is, for saving rename answers.
    pub config_path: PathBuf,
    /// What detection found here: the folders each tool's migrations are in.
    pub project: Option<Project>,
}

impl Inputs {
    /// The plan's settings with the strategy chosen on the options screen.
    fn options_for(&self, choices: &Choices) -> PlanOptions {
        let mut options = self.options.clone();
        options.strategy = choices.strategy;
        options
    }

    /// Whether the write screen can try the files on a scratch database first.
    pub fn scratch_available(&self) -> bool {
        pipeline::scratch_available(self.loaded.dialect(), self.server_url.as_deref())
    }
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

    /// Columns whose existing rows need a value (asked after the renames).
    pub fn fill_questions(&self) -> &[FillQuestion] {
        match &self.plan {
            Some(plan) if plan.questions.is_empty() => plan.fill_questions.as_slice(),
            _ => &[],
        }
    }

    /// Answer a fill question with SQL typed in the wizard; a value that does not parse is an
    /// error and the question stays open.
    pub fn fill(&mut self, question: &FillQuestion, value: &str) -> Result<()> {
        let inputs = self
            .inputs
            .as_ref()
            .ok_or_else(|| Error::Usage("no project".into()))?;
        let fill = pipeline::check_fill(&inputs.loaded, question, value)?;
        pipeline::answer_fill(&mut self.answers, fill);
        self.replan();
        Ok(())
    }

    /// Plan again (after an answer or a changed strategy).
    pub fn replan(&mut self) {
        let Some(inputs) = &self.inputs else {
            return;
        };
        let options = inputs.options_for(&self.choices);
        let plan = pipeline::plan(&inputs.loaded, &self.answers, &options);
        self.findings = pipeline::findings(&inputs.loaded.before, &plan, &inputs.server);
        if self.choices.name.is_empty() || self.choices.name == "migration" {
            self.choices.name = pipeline::default_name(&plan);
        }
        self.plan = Some(plan);
        self.artifacts.clear();
    }

    /// Take new choices; the plan is made again when the strategy changed. A folder that holds
    /// another tool's migrations is refused at once, with the reason, before any preview.
    pub fn choose(&mut self, choices: Choices) {
        let replan = choices.strategy != self.choices.strategy;
        self.choices = choices;
        if replan {
            self.replan();
        }
        self.artifacts.clear();
        if let Err(error) = pipeline::check_folder(self.choices.target, &self.choices.dir) {
            self.error = Some(error.to_string());
        }
    }

    /// The folder `target` writes to: migen.toml's when it is that target's, else the folder
    /// detection found holding that tool's migrations, else the tool's usual place.
    pub fn folder_for(&self, target: pipeline::Target) -> PathBuf {
        match &self.inputs {
            Some(inputs) => {
                pipeline::folder_for(target, None, &inputs.loaded.config, inputs.project.as_ref())
            }
            None => target.default_dir().into(),
        }
    }

    /// Answer a rename question; the plan is made again.
    pub fn answer(&mut self, question: &RenameCandidate, rename: bool) {
        pipeline::answer(&mut self.answers, question, rename);
        self.replan();
    }

    /// Keep a rename answer in migen.toml's `[renames]`, so the next run does not ask.
    pub fn save_answer(&self, question: &RenameCandidate) -> Result<PathBuf> {
        let inputs = self
            .inputs
            .as_ref()
            .ok_or_else(|| Error::Usage("no project".into()))?;
        let path = inputs.config_path.clone();
        let (old, new) = question.accepted().sides();
        pipeline::save_rename(&path, &old, &new)?;
        Ok(path)
    }

    /// The files the choices make, for the preview.
    pub fn render(&mut self) -> Result<()> {
        let (Some(inputs), Some(plan)) = (&self.inputs, &self.plan) else {
            return Ok(());
        };
        let rendering = pipeline::render(
            &inputs.loaded,
            &inputs.server,
            plan,
            &self.findings,
            &self.answers,
            &inputs.options_for(&self.choices),
            &self.choices,
            self.now,
        )?;
        self.artifacts = rendering.artifacts;
        Ok(())
    }

    /// Up and down on a scratch database before anything is written: SQLite always, a
    /// server when one is known. `None` when no scratch database can be had, or the target's
    /// own tool is the judge.
    pub fn verify(&self) -> Result<Option<Verification>> {
        let Some(inputs) = &self.inputs else {
            return Ok(None);
        };
        if !inputs.scratch_available() || self.choices.target.own_sql().is_some() {
            return Ok(None);
        }
        let request = VerifyRequest {
            before_sql: None,
            seed_sql: None,
            auto_seed: true,
            server_url: inputs.server_url.clone(),
        };
        pipeline::verify(
            &inputs.loaded,
            &self.answers,
            &inputs.options_for(&self.choices),
            &request,
        )
        .map(Some)
    }

    pub fn write(&mut self) -> Result<()> {
        self.written = pipeline::write(&self.artifacts)?;
        Ok(())
    }
}
