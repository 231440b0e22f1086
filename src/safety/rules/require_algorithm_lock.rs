//! C3 (MySQL, MariaDB): state ALGORITHM and LOCK so the server fails fast instead of copying.

use super::MYSQL;
use crate::safety::mysql::{Algorithm, classify};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::RequireAlgorithmLock,
    severity: Severity::Info,
    summary: "Online MySQL changes should name their ALGORITHM and LOCK so the server cannot fall back to a copy.",
    why: "Without an explicit clause the server picks the best algorithm it can and silently \
          falls back to copying the table when a detail (row format, a FULLTEXT index, the \
          instant row-version limit, a different server version) rules out the cheap path. \
          Naming the expected ALGORITHM and LOCK=NONE turns that surprise into an error.",
    instead: "Append the expected clause to each ALTER (ALGORITHM=INSTANT, or ALGORITHM=INPLACE \
              with LOCK=NONE) and treat a refusal as a signal to use an online schema change \
              tool.",
    safe_pattern: Some(SafePattern::ExplicitAlgorithmLock),
    dialects: MYSQL,
    gates: &[],
    lock: &[],
    references: &[
        "strong_migrations: copy_algorithm, lock_option",
        "bytebase: STATEMENT_REQUIRE_ALGORITHM_OPTION, STATEMENT_REQUIRE_LOCK_OPTION",
        "sqldef: algorithm/lock config (cmd-mysqldef.md)",
    ],
    catalog: &["C3"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let expected: Vec<(usize, Algorithm)> = (0..ctx.changes().len())
        .filter_map(|i| classify(ctx, i).map(|(a, _)| (i, a)))
        .filter(|(_, a)| {
            matches!(
                a,
                Algorithm::Instant | Algorithm::Inplace | Algorithm::InplaceRebuild
            )
        })
        .collect();
    let Some(&(first, _)) = expected.first() else {
        return;
    };
    let list: Vec<String> = expected
        .iter()
        .map(|(i, a)| format!("#{i} {}", a.clause()))
        .collect();
    let finding = ctx.finding(
        first,
        format!(
            "state the expected algorithm so the server refuses instead of copying: {}",
            list.join("; ")
        ),
    );
    ctx.report(finding);
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::RequireAlgorithmLock as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn lists_expected_algorithms() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int, note text);",
            "CREATE TABLE t (id int NOT NULL, note text, extra int);",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("ALGORITHM=INSTANT"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("ALGORITHM=INPLACE"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn copies_and_new_tables_are_other_rules() {
        no_findings(RULE, "mysql:8.0.35", "", "CREATE TABLE t (id int);");
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (n int);",
            "CREATE TABLE t (n bigint);",
        );
    }
}
