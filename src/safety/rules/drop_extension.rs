//! R33 (PostgreSQL): DROP EXTENSION.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropExtension,
    severity: Severity::Warning,
    summary: "An extension is dropped (or re-created), taking its types, functions and operators with it.",
    why: "Objects other schema parts depend on (a citext column, a trigram index, a function a \
          default calls) belong to the extension. The drop either fails because of them or, \
          with CASCADE, drops them too, columns included. Re-creating an extension in another \
          schema or version can change behaviour for code that uses it.",
    instead: "Create extensions early and drop them last, never with CASCADE, after checking \
              that nothing uses their objects. Review upgrade notes before changing versions.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "locks on every object the extension owns or that depends on it",
    )],
    references: &["pg-schema-diff: HAS_UNTRACKABLE_DEPENDENCIES, UPGRADING_EXTENSION_VERSION"],
    catalog: &["R33"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let Change::DropExtension { extension } = change else {
            continue;
        };
        let recreated = changes.iter().any(
            |c| matches!(c, Change::CreateExtension { extension: e } if e.name == extension.name),
        );
        let message = if recreated {
            format!(
                "extension {} is dropped and created again: objects that depend on it block the drop or are dropped with it",
                extension.name
            )
        } else {
            format!(
                "dropping extension {} removes its types and functions; anything using them blocks the drop or goes with it",
                extension.name
            )
        };
        let finding = ctx.finding(i, message);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropExtension as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn dropping_an_extension() {
        findings(RULE, "postgres:15", "CREATE EXTENSION citext;", "");
    }

    #[test]
    fn creating_one_is_fine() {
        no_findings(RULE, "postgres:15", "", "CREATE EXTENSION citext;");
    }
}
