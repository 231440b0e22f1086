//! How changes become migrations: a choice the user makes (command line, migen.toml, the
//! wizard) that the planner follows. It sits with the model so settings can name it without
//! depending on the planner.

use serde::Serialize;

/// How changes become migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// One migration applied as a whole.
    #[default]
    Direct,
    /// Expand, backfill and contract migrations around the deploy of the new code.
    ZeroDowntime,
}

impl Strategy {
    pub fn parse(text: &str) -> Option<Strategy> {
        match text {
            "direct" => Some(Strategy::Direct),
            "zero-downtime" | "zero_downtime" | "online" => Some(Strategy::ZeroDowntime),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Direct => "direct",
            Strategy::ZeroDowntime => "zero-downtime",
        }
    }
}
