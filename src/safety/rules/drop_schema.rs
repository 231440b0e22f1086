//! R34 (PostgreSQL): DROP SCHEMA.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropSchema,
    severity: Severity::Error,
    summary: "A schema is dropped with everything in it.",
    why: "Dropping a namespace removes every table, view, type and function inside it, with \
          their data, and breaks every query that names it. It is the table drop at a larger \
          scale and just as impossible to undo.",
    instead: "Treat it like dropping each table inside: stop all use in code, deploy, back up, \
              and drop in a later release. Never use CASCADE blindly.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE on every object in the schema",
    )],
    references: &["atlas: DS101", "strong_migrations: rename_schema"],
    catalog: &["R34"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::DropSchema { name } = change else {
            continue;
        };
        let tables: Vec<String> = ctx
            .before()
            .tables
            .keys()
            .filter(|t| t.schema.as_deref() == Some(name.as_str()))
            .map(|t| t.to_string())
            .collect();
        let message = if tables.is_empty() {
            format!("dropping schema {name} breaks every query that names it")
        } else {
            format!(
                "dropping schema {name} deletes {} with their rows",
                tables.join(", ")
            )
        };
        let finding = ctx.finding(i, message).data_loss(!tables.is_empty());
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropSchema as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn dropping_a_schema() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int);",
            "",
        );
        assert!(found[0].data_loss);
        assert!(found[0].message.contains("billing.invoices"));
    }

    #[test]
    fn creating_a_schema_is_fine() {
        no_findings(RULE, "postgres:15", "", "CREATE SCHEMA billing;");
    }
}
