//! Section 5, R13, R17-R21, R26/R27, R37, R38 (MySQL, MariaDB): changes done with ALGORITHM=COPY.

use super::{MYSQL, lock};
use crate::diff::Change;
use crate::model::{Dialect, Engine};
use crate::safety::mysql::{Algorithm, classify};
use crate::safety::types::narrows;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::MysqlTableCopy,
    severity: Severity::Error,
    summary: "MySQL or MariaDB performs the change by copying the whole table while writes wait.",
    why: "Some changes cannot be done in place: most column type changes, character set \
          conversions, stored generated columns, foreign keys checked against existing rows, \
          CHECK constraints, dropping a primary key on its own, re-ordering or shrinking ENUM \
          and SET lists, and engine changes. The server then builds a full copy of the table \
          and blocks writes until the copy is done, which on a large table is an outage and \
          also lags replicas.",
    instead: "Run the change through gh-ost or pt-online-schema-change, which copy the table in \
              throttled chunks while writes continue and swap it in at the end. Always state \
              ALGORITHM=INPLACE or INSTANT with LOCK=NONE on direct changes so the server \
              refuses rather than copying. For a foreign key, check for orphans with a query \
              and add it with foreign_key_checks=0.",
    safe_pattern: Some(SafePattern::OnlineSchemaChange),
    dialects: MYSQL,
    gates: &[],
    lock: &[lock(
        Engine::Mysql,
        "ALGORITHM=COPY: writes wait while every row is copied",
    )],
    references: &[
        "https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html",
        "https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/",
        "strong_migrations: copy_algorithm, add_foreign_key_mysql, add_check_constraint_mysql",
        "bytebase: ADVICE_ONLINE_MIGRATION, COLUMN_DISALLOW_CHANGE_TYPE, TABLE_DISALLOW_SET_CHARSET",
        "gh-ost, pt-online-schema-change",
    ],
    catalog: &["R13", "R17", "R19", "R21", "R26", "R27", "R37", "R38"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let Some((Algorithm::Copy, reason)) = classify(ctx, i) else {
            continue;
        };
        let Some(table) = change.table() else {
            continue;
        };
        let lossy = matches!(change, Change::AlterColumn { from, to, .. }
            if narrows(Dialect::Mysql, &from.ty, &to.ty));
        let pattern = if matches!(change, Change::AddForeignKey { .. }) {
            SafePattern::UncheckedForeignKey
        } else {
            SafePattern::OnlineSchemaChange
        };
        let finding = ctx
            .finding(i, format!("{reason}; writes wait until the copy is done"))
            .table(table)
            .lock(Algorithm::Copy.lock())
            .rewrite(true)
            .data_loss(lossy)
            .pattern(Some(pattern));
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::MysqlTableCopy as RULE;
    use crate::safety::SafePattern;
    use crate::safety::test_support::*;

    #[test]
    fn type_change_copies() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int, n int);",
            "CREATE TABLE t (id int, n bigint);",
        );
        assert!(found[0].rewrite && !found[0].data_loss);
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int, n bigint);",
            "CREATE TABLE t (id int, n int);",
        );
        assert!(found[0].data_loss);
    }

    #[test]
    fn varchar_widening_crossing_255_bytes_copies() {
        // 60 → 100 characters of utf8mb4 crosses the 1-byte length prefix.
        findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (s varchar(60));",
            "CREATE TABLE t (s varchar(100));",
        );
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (s varchar(100));",
            "CREATE TABLE t (s varchar(200));",
        );
        // MariaDB 10.11 refuses ALGORITHM=INSTANT across the 255-byte boundary too (checked on
        // the server), but widens instantly below or above it.
        findings(
            RULE,
            "mariadb:10.11",
            "CREATE TABLE t (s varchar(60));",
            "CREATE TABLE t (s varchar(100));",
        );
        no_findings(
            RULE,
            "mariadb:10.11",
            "CREATE TABLE t (s varchar(100));",
            "CREATE TABLE t (s varchar(200));",
        );
    }

    #[test]
    fn foreign_key_and_check_copy() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int, KEY orders_user (user_id));",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int, KEY orders_user (user_id), CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));",
        );
        assert_eq!(
            found[0].safe_pattern,
            Some(SafePattern::UncheckedForeignKey)
        );
        findings(
            RULE,
            "mariadb:10.11",
            "CREATE TABLE t (qty int);",
            "CREATE TABLE t (qty int, CONSTRAINT qty_positive CHECK (qty > 0));",
        );
    }

    #[test]
    fn enum_append_is_instant_but_insert_copies() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (size ENUM('s', 'm'));",
            "CREATE TABLE t (size ENUM('s', 'm', 'l'));",
        );
        findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (size ENUM('s', 'l'));",
            "CREATE TABLE t (size ENUM('s', 'm', 'l'));",
        );
    }

    #[test]
    fn expression_default_copies_and_small_tables_grade_lower() {
        let found = findings_with(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, token varchar(36) DEFAULT (uuid()));",
            &Extra {
                stats: Some(rows("t", 3)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, crate::safety::Severity::Warning);
    }

    #[test]
    fn instant_and_inplace_changes_are_fine() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, note text);",
        );
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (id int, n int);",
            "CREATE TABLE t (id int, n int DEFAULT 5);",
        );
        no_findings(RULE, "mysql:8.0.35", "", "CREATE TABLE t (id int);");
    }
}
