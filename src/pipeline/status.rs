//! `migen status`: what changed in a detected project since a baseline, counted with the same
//! plan and safety analysis as `migen diff`, without asking anything.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{Loaded, Project, ServerFacts, Severity, Version, findings};
use crate::diff::RenameAnswers;
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::plan::PlanOptions;
use crate::source::{self, SourceSpec};

/// What the schema is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// A git revision; `explicit` when the user named it (then a bad one is an error).
    Git { rev: String, explicit: bool },
    /// A migrations folder, replayed.
    Migrations(PathBuf),
}

impl Baseline {
    /// `--since` as given: a revision, `migrations:DIR`, or `migrations` (the detected folder).
    pub fn parse(since: Option<&str>, project: &Project) -> Result<Baseline> {
        Ok(match since {
            Some("migrations" | "migrations:") => {
                let folder = project.main_migrations().ok_or_else(|| {
                    Error::Usage(
                        "--since migrations: no migrations folder found here; name one with --since migrations:DIR"
                            .into(),
                    )
                })?;
                Baseline::Migrations(folder.dir.clone())
            }
            Some(text) => match SourceSpec::parse(text) {
                SourceSpec::Migrations(dir) => Baseline::Migrations(dir),
                _ if text.starts_with("git:") => {
                    return Err(Error::Usage(format!(
                        "--since {text}: give the revision alone (e.g. --since main); the schema path is detected"
                    )));
                }
                _ => Baseline::Git {
                    rev: text.to_string(),
                    explicit: true,
                },
            },
            None => Baseline::Git {
                rev: "HEAD".into(),
                explicit: false,
            },
        })
    }

    pub fn label(&self) -> String {
        match self {
            Baseline::Git { rev, .. } => rev.clone(),
            Baseline::Migrations(dir) => format!("migrations:{}", dir.display()),
        }
    }
}

/// The changes between the baseline and the working schema. A change is risky when the safety
/// rules give it a finding at warning or above (info findings are advice, not risk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusCount {
    pub changes: usize,
    pub risky: usize,
    pub questions: usize,
}

/// Count the changes since the baseline; `None` (with a note saying why) when they cannot be
/// counted. Notes go to `notes`.
pub fn status_count(
    project: &Project,
    baseline: &Baseline,
    notes: &mut Vec<String>,
) -> Result<Option<StatusCount>> {
    let dialect = project.dialect.unwrap_or(Dialect::Sqlite);
    // The schema as it is now: migen.toml's source, else the main detected source if migen
    // reads it. A file source set in migen.toml leads the detected ones, named by its
    // extension, so it goes through the same "can migen read it" check; a URL or other spec is
    // used as it is.
    let configured = project
        .config
        .source
        .as_deref()
        .map(SourceSpec::parse)
        .filter(|spec| !matches!(spec, SourceSpec::SqlFile(_)));
    let candidates = project.candidates();
    if project.config.source.is_none() && candidates.len() > 1 {
        let listed: Vec<String> = candidates.iter().map(super::candidate_label).collect();
        notes.push(format!(
            "several schemas found ({}): counted for the first; diff, plan, verify and generate ask which (or stop with exit 3 without a terminal) unless --to or [schema] source names one",
            listed.join(", ")
        ));
    }
    let after_spec = match configured {
        Some(spec) => spec,
        None => match project.readable_source() {
            Ok(path) => SourceSpec::SqlFile(path),
            Err(why) => {
                notes.push(format!("changes are not counted: {why}"));
                return Ok(None);
            }
        },
    };
    let before_spec = match (baseline, &after_spec) {
        (Baseline::Migrations(dir), _) => SourceSpec::Migrations(dir.clone()),
        (Baseline::Git { rev, .. }, SourceSpec::SqlFile(path)) => SourceSpec::Git {
            rev: rev.clone(),
            path: path.clone(),
        },
        (Baseline::Git { rev, .. }, _) => {
            notes.push(format!(
                "changes are not counted: the schema source is not a file in git, so it has no version at {rev} (try --since migrations)"
            ));
            return Ok(None);
        }
    };
    if project.dialect.is_none() {
        notes.push(
            "no dialect found: assuming sqlite (set [database] dialect in migen.toml)".into(),
        );
    }
    let read = source::ReadOptions::default();
    let (before, before_notes) = match source::read(&before_spec, dialect, &read) {
        Ok(read) => read,
        // Without --since, a tree outside git (or without commits) is no error.
        Err(Error::Usage(why) | Error::Tool(why))
            if matches!(
                baseline,
                Baseline::Git {
                    explicit: false,
                    ..
                }
            ) =>
        {
            notes.push(format!("changes are not counted: {why}"));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let (after, after_notes) = source::read(&after_spec, dialect, &read)?;
    notes.extend(before_notes);
    notes.extend(after_notes);
    let answers = RenameAnswers::parse(&project.config.renames, false).map_err(Error::Usage)?;
    let version = match project.version.filter(|v| v.dialect == dialect) {
        Some(version) => version,
        None => {
            let oldest = Version::oldest_supported(dialect);
            notes.push(format!(
                "no server version found: risk is judged for {}, the oldest supported",
                oldest.label()
            ));
            oldest
        }
    };
    let options = PlanOptions {
        version: Some(version),
        ..PlanOptions::default()
    };
    let loaded = Loaded {
        config: project.config.clone(),
        from_spec: before_spec,
        to_spec: after_spec,
        before,
        after,
        answers,
        notes: Vec::new(),
        orm_state: Default::default(),
    };
    let plan = super::plan(&loaded, &loaded.answers, &options);
    let server = ServerFacts {
        version,
        note: None,
        stats: None,
    };
    let risky: BTreeSet<usize> = findings(&loaded.before, &plan, &server)
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.change)
        .collect();
    for question in &plan.questions {
        notes.push(format!(
            "open question: {} (answer with --rename {} or in migen.toml [renames])",
            question.question(),
            super::shell_word(&question.answer())
        ));
    }
    Ok(Some(StatusCount {
        changes: plan.changes.len(),
        risky: risky.len(),
        questions: plan.questions.len(),
    }))
}
