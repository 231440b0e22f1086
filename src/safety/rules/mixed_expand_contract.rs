//! C4: additive and breaking changes in one migration cannot both be ordered against the deploy.

use super::ALL_DIALECTS;
use crate::diff::Change;
use crate::safety::types::{has_value_default, narrows, server_filled};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::MixedExpandContract,
    severity: Severity::Warning,
    summary: "The migration both adds what new code needs and removes what old code needs.",
    why: "Additions (tables, nullable columns, indexes, enum values) must exist before the new \
          release starts, while removals and tightenings (drops, renames, NOT NULL, narrower \
          types) must wait until the old release is gone. In one migration there is no moment \
          at which both releases work, so some requests fail during the deploy.",
    instead: "Split it: an expand migration applied before the deploy, and a contract migration \
              applied after every instance runs the new code.",
    safe_pattern: Some(SafePattern::SplitDeployPhases),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[],
    references: &[
        "pgroll: docs/concepts.md (expand/contract)",
        "reshape: README",
        "DoctrineMigrationsBundle issue 292",
    ],
    catalog: &["C4"],
    graded_by_size: false,
};

#[derive(PartialEq)]
enum Phase {
    /// Safe for old code, needed by new code.
    Expand,
    /// Breaks old code.
    Contract,
}

fn phase(ctx: &Ctx, i: usize) -> Option<Phase> {
    let changes = ctx.changes();
    let dialect = ctx.version().dialect;
    let existing = |change: &Change| change.table().is_some_and(|t| ctx.existed_before(t));
    let change = &changes[i];
    Some(match change {
        Change::CreateTable { .. }
        | Change::CreateEnum { .. }
        | Change::AddEnumValue { .. }
        | Change::CreateSequence { .. }
        | Change::CreateExtension { .. }
        | Change::CreateSchema { .. }
        | Change::AddIndex { .. } => Phase::Expand,
        Change::CreateView { view } if !ctx.before().views.contains_key(&view.name) => {
            Phase::Expand
        }
        Change::AddColumn { column, .. } => {
            if column.nullable || has_value_default(column) || server_filled(column) {
                Phase::Expand
            } else if existing(change) {
                Phase::Contract
            } else {
                return None;
            }
        }
        Change::DropView { view } => {
            let recreated = changes
                .iter()
                .any(|c| matches!(c, Change::CreateView { view: v } if v.name == view.name));
            if recreated {
                return None;
            }
            Phase::Contract
        }
        Change::DropTable { .. }
        | Change::RenameTable { .. }
        | Change::DropEnum { .. }
        | Change::DropSequence { .. }
        | Change::DropSchema { .. } => Phase::Contract,
        Change::DropColumn { .. } | Change::RenameColumn { .. } if existing(change) => {
            Phase::Contract
        }
        Change::RecreateEnum { from, to, .. }
            if from.values.iter().any(|v| !to.values.contains(v)) =>
        {
            Phase::Contract
        }
        Change::AlterColumn { from, to, .. } if existing(change) => {
            let tightened = (from.nullable && !to.nullable)
                || (has_value_default(from) && !has_value_default(to) && !to.nullable)
                || narrows(dialect, &from.ty, &to.ty);
            if tightened {
                Phase::Contract
            } else if (!from.nullable && to.nullable)
                || (!has_value_default(from) && has_value_default(to))
            {
                Phase::Expand
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

pub(super) fn check(ctx: &mut Ctx) {
    let mut expand = Vec::new();
    let mut contract = Vec::new();
    for i in 0..ctx.changes().len() {
        match phase(ctx, i) {
            Some(Phase::Expand) => expand.push(i),
            Some(Phase::Contract) => contract.push(i),
            None => {}
        }
    }
    if expand.is_empty() || contract.is_empty() {
        return;
    }
    let list = |v: &[usize]| {
        v.iter()
            .map(|i| format!("#{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let first = contract[0];
    let mut finding = ctx.finding(
        first,
        format!(
            "changes {} add what the new release needs, while {} remove or tighten what the old release uses; ship them as separate migrations around the deploy",
            list(&expand),
            list(&contract)
        ),
    );
    if let Some(table) = ctx.changes()[first].table() {
        finding = finding.table(table);
    }
    ctx.report(finding);
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::MixedExpandContract as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn add_and_drop_together() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int, legacy text);",
            "CREATE TABLE users (id int, email text);",
        );
        assert_eq!(found.len(), 1);
        for version in ["mysql:8.0.35", "sqlite:3.45"] {
            findings(
                RULE,
                version,
                "CREATE TABLE users (id int, legacy text);",
                "CREATE TABLE users (id int, email text);",
            );
        }
    }

    #[test]
    fn only_additions_or_only_removals() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int);",
            "CREATE TABLE users (id int, email text); CREATE INDEX users_email ON users (email);",
        );
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int, legacy text, old text);",
            "CREATE TABLE users (id int);",
        );
    }
}
