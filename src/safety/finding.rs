//! What the rules report: a finding about one change, and how bad it is.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{RuleId, SafePattern};
use crate::model::QName;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One level lower (Info stays Info).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Severity, String> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!(
                "unknown severity `{text}` (expected info, warning or error)"
            )),
        }
    }
}

/// One risk found in one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// Index into the analysed changes.
    pub change: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<QName>,
    pub message: String,
    /// The lock taken, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// The table (or its indexes) is copied or rewritten.
    pub rewrite: bool,
    /// Data is deleted or may be changed irreversibly.
    pub data_loss: bool,
    /// What the planner can do instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_pattern: Option<SafePattern>,
}

impl Finding {
    /// A finding with the rule's default severity and safe pattern.
    pub fn new(rule: RuleId, change: usize, message: impl Into<String>) -> Finding {
        let meta = rule.meta();
        Finding {
            rule,
            severity: meta.severity,
            change,
            table: None,
            message: message.into(),
            lock: None,
            rewrite: false,
            data_loss: false,
            safe_pattern: meta.safe_pattern,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn table(mut self, table: &QName) -> Finding {
        self.table = Some(table.clone());
        self
    }

    pub fn lock(mut self, lock: impl Into<String>) -> Finding {
        self.lock = Some(lock.into());
        self
    }

    pub fn rewrite(mut self, rewrite: bool) -> Finding {
        self.rewrite = rewrite;
        self
    }

    pub fn data_loss(mut self, data_loss: bool) -> Finding {
        self.data_loss = data_loss;
        self
    }

    pub fn pattern(mut self, pattern: Option<SafePattern>) -> Finding {
        self.safe_pattern = pattern;
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] change #{}: {}",
            self.severity, self.rule, self.change, self.message
        )?;
        if let Some(pattern) = self.safe_pattern {
            write!(f, " (safe pattern: {pattern})")?;
        }
        Ok(())
    }
}
