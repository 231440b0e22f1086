//! R42 (hygiene, PostgreSQL): char(n) columns.

use super::{POSTGRES, columns_brought_in};
use crate::model::Type;
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::PreferTextOverChar,
    severity: Severity::Info,
    summary: "A column is declared char(n).",
    why: "char(n) pads every value with spaces to n characters and strips them again when \
          comparing, so trailing spaces vanish and lengths surprise clients; it is no faster \
          than text in PostgreSQL, and changing n later is a type change.",
    instead: "Use text (or varchar) with a CHECK on the length or format where it matters.",
    safe_pattern: None,
    dialects: POSTGRES,
    gates: &[],
    lock: &[],
    references: &["squawk: ban-char-field"],
    catalog: &["R42"],
    graded_by_size: false,
};

fn fixed_width(ty: &Type) -> bool {
    match ty {
        Type::Char { .. } => true,
        Type::Array { element } => fixed_width(element),
        _ => false,
    }
}

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let hits = columns_brought_in(change, true, |c| fixed_width(&c.ty));
        for (table, column) in hits {
            let finding = ctx
                .finding(
                    i,
                    format!(
                        "{table}.{} is char(n): values are space-padded; text with a CHECK says what is meant",
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
    use crate::safety::RuleId::PreferTextOverChar as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn fixed_width_columns() {
        findings(RULE, "postgres:15", "", "CREATE TABLE t (code char(3));");
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (code text);",
            "CREATE TABLE t (code char(3));",
        );
    }

    #[test]
    fn other_strings_and_other_databases_are_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (a text, b varchar(3));",
        );
        no_findings(RULE, "mysql:8.0", "", "CREATE TABLE t (code char(3));");
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (code char(3));",
            "CREATE TABLE t (code char(3), note text);",
        );
    }
}
