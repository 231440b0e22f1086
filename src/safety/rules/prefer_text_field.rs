//! R12, R42 (hygiene, PostgreSQL): varchar(n) columns.

use super::POSTGRES;
use crate::diff::Change;
use crate::model::{Column, QName, Type};
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::PreferTextField,
    severity: Severity::Info,
    summary: "A column is declared varchar(n).",
    why: "In PostgreSQL varchar(n) is stored exactly like text; the length is only a check. \
          Raising it later is catalog only, but lowering it, or changing it to a type that is \
          not binary compatible, takes ACCESS EXCLUSIVE and scans or rewrites the table, and \
          the limit is rarely the real rule the data follows.",
    instead: "Use text, with a CHECK (char_length(col) <= n) constraint where a limit matters: \
              the constraint can be added NOT VALID, validated without blocking writes and \
              changed without touching the rows.",
    safe_pattern: None,
    dialects: POSTGRES,
    gates: &[],
    lock: &[],
    references: &["squawk: prefer-text-field"],
    catalog: &["R12", "R42"],
    graded_by_size: false,
};

/// The length of a varchar(n) type, or of the elements of an array of them.
pub(crate) fn bounded_varchar_len(ty: &Type) -> Option<u32> {
    match ty {
        Type::Varchar { len: Some(len) } => Some(*len),
        Type::Array { element } => bounded_varchar_len(element),
        _ => None,
    }
}

fn bounded_varchar(column: &Column) -> Option<u32> {
    bounded_varchar_len(&column.ty)
}

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let hits: Vec<(&QName, &Column, u32)> = match change {
            Change::CreateTable { table } => table
                .columns
                .iter()
                .filter_map(|c| bounded_varchar(c).map(|len| (&table.name, c, len)))
                .collect(),
            Change::AddColumn { table, column } => bounded_varchar(column)
                .map(|len| (table, column, len))
                .into_iter()
                .collect(),
            // A new collation restates the type too.
            Change::AlterColumn { table, from, to }
                if from.ty != to.ty || from.collation != to.collation =>
            {
                bounded_varchar(to)
                    .map(|len| (table, to, len))
                    .into_iter()
                    .collect()
            }
            _ => continue,
        };
        for (table, column, len) in hits {
            let finding = ctx
                .finding(
                    i,
                    format!(
                        "{table}.{} is varchar({len}); text with a CHECK on its length can change without a lock",
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
    use crate::safety::RuleId::PreferTextField as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn bounded_varchar_columns() {
        findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (name varchar(40));",
        );
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, name varchar(40));",
        );
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (name text);",
            "CREATE TABLE t (name varchar(40));",
        );
    }

    #[test]
    fn text_and_unbounded_varchar_are_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (a text, b varchar, c int);",
        );
        // A column left as it was is not the migration's choice.
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (name varchar(40));",
            "CREATE TABLE t (name varchar(40), note text);",
        );
        no_findings(RULE, "mysql:8.0", "", "CREATE TABLE t (name varchar(40));");
    }
}
