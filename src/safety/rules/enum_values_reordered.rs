//! R26/R27 (PostgreSQL): enum values re-ordered, which re-creates the type.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::{Engine, QName};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::EnumValuesReordered,
    severity: Severity::Warning,
    summary: "Enum values change order, so the type is re-created and its columns rewritten.",
    why: "Enum values sort in declaration order, and PostgreSQL can only insert new values, not \
          move existing ones. A new order means a new type: every column using it is converted \
          in a table rewrite under ACCESS EXCLUSIVE, and ORDER BY and comparisons on those \
          columns give different answers afterwards.",
    instead: "Prefer adding values in the position you want (BEFORE/AFTER) over re-ordering. If \
              the order must change on a large table, move the data through a new column of \
              the new type.",
    safe_pattern: Some(SafePattern::NewColumnAndSwap),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE on each table using the type, for a full rewrite",
    )],
    references: &["squawk: require-enum-value-ordering"],
    catalog: &["R26", "R27"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::RecreateEnum { from, to, columns } = change else {
            continue;
        };
        // Removals are enum-value-removed.
        if from.values.iter().any(|v| !to.values.contains(v)) {
            continue;
        }
        let tables: Vec<&QName> = columns
            .iter()
            .map(|(t, _)| t)
            .filter(|t| ctx.existed_before(t))
            .collect();
        let Some(table) = ctx.largest(tables.iter().copied()) else {
            continue;
        };
        let used_by = columns
            .iter()
            .map(|(t, c)| format!("{t}.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let finding = ctx
            .finding(
                i,
                format!(
                    "re-ordering the values of {} changes how they sort and rewrites {used_by}",
                    from.name
                ),
            )
            .table(table)
            .rewrite(true);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::EnumValuesReordered as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn reorder_rewrites() {
        findings(
            RULE,
            "postgres:15",
            "CREATE TYPE size AS ENUM ('s', 'm', 'l'); CREATE TABLE t (v size);",
            "CREATE TYPE size AS ENUM ('l', 'm', 's'); CREATE TABLE t (v size);",
        );
    }

    #[test]
    fn inserting_in_place_is_not_a_reorder() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TYPE size AS ENUM ('s', 'l'); CREATE TABLE t (v size);",
            "CREATE TYPE size AS ENUM ('s', 'm', 'l'); CREATE TABLE t (v size);",
        );
    }
}
