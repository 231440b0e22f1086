//! C2 (MySQL, MariaDB): DDL commits statement by statement.

use super::MYSQL;
use crate::diff::Change;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DdlNotTransactional,
    severity: Severity::Info,
    summary: "A MySQL migration with several statements is not atomic.",
    why: "MySQL and MariaDB commit every DDL statement on its own, so wrapping the migration in a \
          transaction does nothing. If a later statement fails, the earlier ones stay applied, \
          and the migration tool may record the migration as neither done nor undone.",
    instead: "Keep one risky change per migration where possible, write steps that can be re-run \
              (IF EXISTS / IF NOT EXISTS), and make the down migration cope with a partly \
              applied up.",
    safe_pattern: Some(SafePattern::IdempotentSteps),
    dialects: MYSQL,
    gates: &[],
    lock: &[],
    references: &[
        "squawk: transaction-nesting (PostgreSQL counterpart)",
        "bytebase: STATEMENT_NON_TRANSACTIONAL",
    ],
    catalog: &["C2"],
    graded_by_size: false,
};

/// Changes the MySQL writer emits no statement for (the model's PostgreSQL-only objects).
fn silent(change: &Change) -> bool {
    matches!(
        change,
        Change::CreateSchema { .. }
            | Change::DropSchema { .. }
            | Change::CreateExtension { .. }
            | Change::DropExtension { .. }
            | Change::CreateEnum { .. }
            | Change::DropEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RecreateEnum { .. }
            | Change::AlterEnumComment { .. }
            | Change::CreateSequence { .. }
            | Change::DropSequence { .. }
            | Change::AlterSequence { .. }
            | Change::AlterViewComment { .. }
    )
}

pub(super) fn check(ctx: &mut Ctx) {
    let statements: Vec<usize> = ctx
        .changes()
        .iter()
        .enumerate()
        .filter(|(_, c)| !silent(c))
        .map(|(i, _)| i)
        .collect();
    if statements.len() < 2 {
        return;
    }
    let finding = ctx.finding(
        statements[0],
        format!(
            "{} statements each commit on their own: if one fails, the ones before it stay applied",
            statements.len()
        ),
    );
    ctx.report(finding);
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DdlNotTransactional as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn several_statements() {
        findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, a int); CREATE TABLE u (id int);",
        );
    }

    #[test]
    fn one_statement_or_transactional_ddl() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, a int);",
        );
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, a int); CREATE TABLE u (id int);",
        );
    }
}
