//! R42 (hygiene, PostgreSQL): timestamp without time zone.

use super::{POSTGRES, columns_brought_in};
use crate::model::{Column, Type};
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::PreferTimestamptz,
    severity: Severity::Info,
    summary: "A new column uses timestamp without time zone.",
    why: "A plain timestamp stores wall-clock time with no zone, so the same value means \
          different instants to servers and clients in different zones, and daylight-saving \
          changes make some values ambiguous. Converting the column later is a type change \
          that can rewrite the table.",
    instead: "Use timestamptz, which stores an instant and converts on the way in and out.",
    safe_pattern: None,
    dialects: POSTGRES,
    gates: &[],
    lock: &[],
    references: &["squawk: prefer-timestamp-tz"],
    catalog: &["R42"],
    graded_by_size: false,
};

fn naive(column: &Column) -> bool {
    matches!(column.ty, Type::Timestamp { tz: false, .. })
}

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let hits = columns_brought_in(change, false, naive);
        for (table, column) in hits {
            let finding = ctx
                .finding(
                    i,
                    format!(
                        "{table}.{} is a timestamp without time zone; timestamptz records the instant",
                        column.name
                    ),
                )
                .table(table);
            ctx.report(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::PreferTimestamptz as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn naive_timestamps() {
        findings(RULE, "postgres:15", "", "CREATE TABLE t (at timestamp);");
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, at timestamp);",
        );
    }

    #[test]
    fn timestamptz_is_fine() {
        no_findings(RULE, "postgres:15", "", "CREATE TABLE t (at timestamptz);");
    }
}
