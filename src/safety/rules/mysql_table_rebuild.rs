//! Section 5, R04, R08, R10, R15-R17 (MySQL, MariaDB): changes done in place with a table rebuild.

use super::{MYSQL, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::mysql::{Algorithm, classify};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::MysqlTableRebuild,
    severity: Severity::Warning,
    summary: "MySQL or MariaDB rebuilds the whole table in place for the change.",
    why: "An in-place rebuild writes a new copy of every row and index. Writes usually continue, \
          but the rebuild costs I/O and disk for the size of the table, replicas apply it \
          afterwards in one piece and fall behind, and the exclusive metadata lock at the start \
          and end still queues behind long transactions. Some rebuilds (adding an \
          AUTO_INCREMENT column) block writes throughout. Typical causes: NULL/NOT NULL \
          changes, a primary key, and adding or dropping columns on versions without INSTANT.",
    instead: "State ALGORITHM=INPLACE, LOCK=NONE so the server cannot quietly fall back to a \
              copy, run it off-peak, and use gh-ost or pt-online-schema-change for very large \
              or very busy tables. For SET NOT NULL, run with strict sql_mode so NULLs are \
              rejected rather than converted.",
    safe_pattern: Some(SafePattern::ExplicitAlgorithmLock),
    dialects: MYSQL,
    gates: &[],
    lock: &[lock(
        Engine::Mysql,
        "INPLACE with a table rebuild: writes continue, exclusive metadata lock at the start and end",
    )],
    references: &[
        "https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html",
        "https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-inplace-alter-algorithm/",
        "strong_migrations: change_column_null_mysql, add_column_auto_incrementing",
    ],
    catalog: &["R04", "R08", "R10", "R15", "R16", "R17"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        // FULLTEXT/SPATIAL index builds are create-index-non-concurrently.
        if matches!(change, Change::AddIndex { .. }) {
            continue;
        }
        let Some((algorithm, reason)) = classify(ctx, i) else {
            continue;
        };
        let Some(table) = change.table() else {
            continue;
        };
        let finding = match algorithm {
            Algorithm::InplaceRebuild => ctx.finding(i, reason),
            Algorithm::InplaceNoWrites => ctx
                .finding(i, reason)
                .severity(Severity::Error)
                .pattern(Some(SafePattern::OnlineSchemaChange)),
            _ => continue,
        };
        ctx.report(finding.table(table).lock(algorithm.lock()).rewrite(true));
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::MysqlTableRebuild as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    const BEFORE: &str = "CREATE TABLE t (id int, note text);";

    #[test]
    fn add_column_before_instant_support() {
        let after = "CREATE TABLE t (id int, note text, extra int);";
        findings(RULE, "mysql:8.0.11", BEFORE, after);
        no_findings(RULE, "mysql:8.0.12", BEFORE, after);
        no_findings(RULE, "mariadb:10.5", BEFORE, after);
    }

    #[test]
    fn drop_column_is_instant_from_8_0_29() {
        let after = "CREATE TABLE t (id int);";
        findings(RULE, "mysql:8.0.28", BEFORE, after);
        no_findings(RULE, "mysql:8.0.29", BEFORE, after);
    }

    #[test]
    fn not_null_rebuilds() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            BEFORE,
            "CREATE TABLE t (id int NOT NULL, note text);",
        );
        assert!(
            found[0].message.contains("strict sql_mode"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn auto_increment_blocks_writes() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (note text);",
            "CREATE TABLE t (note text, id bigint NOT NULL AUTO_INCREMENT, KEY t_id (id));",
        );
        assert!(found.iter().any(|f| f.severity == Severity::Error));
    }

    #[test]
    fn new_tables_and_other_engines_are_fine() {
        no_findings(RULE, "mysql:8.0.11", "", BEFORE);
        no_findings(
            RULE,
            "postgres:15",
            BEFORE,
            "CREATE TABLE t (id int NOT NULL, note text);",
        );
    }
}
