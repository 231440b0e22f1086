//! Safety rules: typed changes → findings about locks, rewrites, data loss and broken clients.
//!
//! The catalog of risks (`SAFETY-RULES.md`) lives here as code. Each rule is one file under
//! `rules/` holding its metadata (`RuleMeta`: severity, the why, the safe alternative, per-engine
//! locks, version gates), its `check` over the `Change` values, and its tests. `rules/mod.rs` maps
//! every `RuleId` to its file with exhaustive matches, so a new id does not compile until its rule
//! exists. Rules never look at SQL text: they read the typed changes, the before-schema, the
//! server `Version` and, when given, `TableStats`.
//!
//! Two kinds of rules share the registry, so a change gets one cost finding per engine:
//! - Operation rules name the hazard of one kind of change (`drop-column`, `set-not-null-scan`).
//!   Compatibility and data hazards fire on every dialect; lock and rewrite costs are described
//!   per engine where the engine's mechanism is specific to the operation (mostly PostgreSQL).
//! - Engine rules name a mechanism: `mysql-table-copy` and `mysql-table-rebuild` grade every
//!   MySQL/MariaDB change by the ALGORITHM the server picks, `sqlite-table-rebuild` every change
//!   SQLite's ALTER TABLE cannot make. On those engines they carry the cost; operation rules carry
//!   only what the mechanism does not say (data loss, clients breaking).
//!
//! `analyze` runs every rule, drops findings on tables created in the same migration (nothing
//! reads them yet), grades size-sensitive findings one level lower on small tables, and sorts.
//! Findings are data: the planner reads `safe_pattern`, the CLI prints `message`, `explain` prints
//! a rule's page.

mod analysis;
mod explain;
mod finding;
mod mysql;
mod registry;
mod rules;
mod sqlite;
pub mod squawk;
#[cfg(test)]
pub(crate) mod test_support;
mod types;

pub(crate) use analysis::Ctx;
#[cfg(test)]
pub(crate) use analysis::analyze_rules;
pub use analysis::{SMALL_TABLE_BYTES, SMALL_TABLE_ROWS, analyze};
pub use explain::explain;
pub use finding::{Finding, Severity};
pub(crate) use mysql::Algorithm as MysqlAlgorithm;
pub use registry::{Gate, Lock, RuleId, RuleMeta, SafePattern, rules};
pub(crate) use rules::change_column_type_rewrite::rewrites as postgres_type_change_rewrites;
pub(crate) use rules::prefer_text_field::bounded_varchar_len;
pub(crate) use types::narrows as narrows_type;

use crate::diff::Change;
use crate::model::{Schema, Version};

/// How MySQL or MariaDB `version` performs each change (`None`: not an ALTER of a table that
/// existed before).
pub(crate) fn mysql_algorithms(
    changes: &[Change],
    before: &Schema,
    version: &Version,
) -> Vec<Option<(MysqlAlgorithm, String)>> {
    let ctx = Ctx::new(changes, before, version, None);
    (0..changes.len())
        .map(|i| mysql::classify(&ctx, i))
        .collect()
}

#[cfg(test)]
mod tests;
