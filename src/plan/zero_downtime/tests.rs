//! The zero-downtime planner, treatment by treatment: which phases a change lands in and the
//! statements (and operations) each phase runs, up and down, on each dialect. Lock guards are
//! left out (`no_guards`) except where a test is about them.

use crate::dialect::op::{Algorithm, ConstraintType, Lock, Op};
use crate::diff::RenameAnswers;
use crate::model::Version;
use crate::plan::{Phase, Plan, PlanOptions, PlannedStatement, Strategy, plan_with};
use crate::source::sql::parse;

fn planned_with(version: &str, before: &str, after: &str, renames: &[&str], keep: bool) -> Plan {
    let version = Version::parse(version).unwrap();
    let dialect = version.dialect;
    let before = parse(dialect, before, "before.sql").unwrap();
    let after = parse(dialect, after, "after.sql").unwrap();
    let renames: Vec<String> = renames.iter().map(|r| r.to_string()).collect();
    let answers = RenameAnswers::parse(&renames, false).unwrap();
    let options = PlanOptions {
        strategy: Strategy::ZeroDowntime,
        version: Some(version),
        keep_dropped: keep,
        no_guards: true,
        ..PlanOptions::default()
    };
    let plan = plan_with(&before, &after, &answers, &options);
    assert!(plan.questions.is_empty(), "{:?}", plan.questions);
    plan
}

fn planned(version: &str, before: &str, after: &str) -> Plan {
    planned_with(version, before, after, &[], false)
}

fn phases(plan: &Plan) -> Vec<Phase> {
    plan.migrations.iter().map(|m| m.phase).collect()
}

fn migration(plan: &Plan, phase: Phase) -> &crate::plan::Migration {
    plan.migrations
        .iter()
        .find(|m| m.phase == phase)
        .unwrap_or_else(|| panic!("no {phase:?} migration in {:?}", phases(plan)))
}

fn sql(statements: &[PlannedStatement]) -> Vec<&str> {
    statements.iter().map(|s| s.sql.as_str()).collect()
}

fn up(plan: &Plan, phase: Phase) -> Vec<&str> {
    sql(&migration(plan, phase).up)
}

fn down(plan: &Plan, phase: Phase) -> Vec<&str> {
    sql(&migration(plan, phase).down)
}

/// The statement of the plan (up or down) whose SQL is `text`.
fn statement<'p>(plan: &'p Plan, text: &str) -> &'p PlannedStatement {
    plan.up
        .iter()
        .chain(&plan.down)
        .find(|s| s.sql == text)
        .unwrap_or_else(|| panic!("no statement {text}"))
}

const PG: &str = "postgres:16";
const MYSQL: &str = "mysql:8.0.30";
const MARIADB: &str = "mariadb:10.11";
const SQLITE: &str = "sqlite:3.45";

// ---------------------------------------------------------------------------------------------
// indexes

const INDEX_BEFORE: &str = "CREATE TABLE t (id int PRIMARY KEY, a int, b int);
CREATE INDEX t_b ON t (b);";
const INDEX_AFTER: &str = "CREATE TABLE t (id int PRIMARY KEY, a int, b int);
CREATE INDEX t_a ON t (a);";

#[test]
fn postgres_builds_and_drops_indexes_concurrently_and_re_runnably() {
    let plan = planned(PG, INDEX_BEFORE, INDEX_AFTER);
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "DROP INDEX CONCURRENTLY IF EXISTS t_a",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a)",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PreDeploy),
        ["DROP INDEX CONCURRENTLY IF EXISTS t_a"]
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["DROP INDEX CONCURRENTLY IF EXISTS t_b"]
    );
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        [
            "DROP INDEX CONCURRENTLY IF EXISTS t_b",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b)",
        ]
    );
    // Outside a transaction, and described by their operations with the options set.
    let build = statement(
        &plan,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a)",
    );
    assert!(!build.transactional);
    assert!(matches!(
        build.op(),
        Some(Op::CreateIndex {
            concurrently: true,
            if_not_exists: true,
            ..
        })
    ));
    assert!(matches!(
        statement(&plan, "DROP INDEX CONCURRENTLY IF EXISTS t_b").op(),
        Some(Op::DropIndex {
            concurrently: true,
            if_exists: true,
            ..
        })
    ));
}

#[test]
fn mysql_pins_index_changes_to_an_online_algorithm() {
    let plan = planned(MYSQL, INDEX_BEFORE, INDEX_AFTER);
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        ["CREATE INDEX `t_a` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE"]
    );
    assert_eq!(down(&plan, Phase::PreDeploy), ["DROP INDEX `t_a` ON `t`"]);
    // DROP INDEX takes no ALGORITHM clause in MariaDB: the ALTER TABLE form does.
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["ALTER TABLE `t` DROP INDEX `t_b`, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    let pinned = statement(
        &plan,
        "ALTER TABLE `t` DROP INDEX `t_b`, ALGORITHM=INPLACE, LOCK=NONE",
    );
    match pinned.op() {
        Some(Op::WithAlgorithm {
            op,
            algorithm: Algorithm::Inplace,
            lock: Some(Lock::None),
        }) => assert!(matches!(**op, Op::DropIndex { .. })),
        other => panic!("{other:?}"),
    }
    assert!(
        pinned
            .note
            .as_deref()
            .unwrap()
            .contains("the server refuses"),
        "{:?}",
        pinned.note
    );
}

#[test]
fn sqlite_adds_indexes_before_the_deploy_and_drops_them_after() {
    let plan = planned(SQLITE, INDEX_BEFORE, INDEX_AFTER);
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::PostDeploy]);
    assert_eq!(up(&plan, Phase::PreDeploy), ["CREATE INDEX t_a ON t (a)"]);
    assert_eq!(up(&plan, Phase::PostDeploy), ["DROP INDEX t_b"]);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("SQLite has one writer"))
    );
}

#[test]
fn a_fulltext_index_keeps_its_statement_as_written() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, body text);";
    let after = "CREATE TABLE t (id int PRIMARY KEY, body text, FULLTEXT KEY t_body (body));";
    let plan = planned(MARIADB, before, after);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        ["CREATE FULLTEXT INDEX `t_body` ON `t` (`body`)"]
    );
}

// ---------------------------------------------------------------------------------------------
// constraints

const FK_BEFORE: &str = "CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, n int);";
const FK_AFTER: &str = "CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, n int,
  CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id), CONSTRAINT c_n CHECK (n > 0));";

#[test]
fn postgres_adds_constraints_not_valid_and_validates_them_in_the_backfill() {
    let plan = planned(PG, FK_BEFORE, FK_AFTER);
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::Backfill]);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "ALTER TABLE c ADD CONSTRAINT c_n CHECK (n > 0) NOT VALID",
            "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID",
        ]
    );
    assert_eq!(
        up(&plan, Phase::Backfill),
        [
            "ALTER TABLE c VALIDATE CONSTRAINT c_n",
            "ALTER TABLE c VALIDATE CONSTRAINT c_p",
        ]
    );
    assert!(
        migration(&plan, Phase::Backfill)
            .up
            .iter()
            .all(|s| s.own_transaction)
    );
    assert!(matches!(
        statement(
            &plan,
            "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID"
        )
        .op(),
        Some(Op::AddForeignKey {
            not_valid: true,
            ..
        })
    ));
    assert!(matches!(
        statement(&plan, "ALTER TABLE c VALIDATE CONSTRAINT c_p").op(),
        Some(Op::ValidateConstraint { .. })
    ));
}

#[test]
fn mysql_says_when_a_change_has_no_online_form() {
    let plan = planned(MYSQL, FK_BEFORE, FK_AFTER);
    assert_eq!(phases(&plan), [Phase::PreDeploy]);
    let added = statement(
        &plan,
        "ALTER TABLE `c` ADD CONSTRAINT `c_p` FOREIGN KEY (`p_id`) REFERENCES `p` (`id`)",
    );
    assert!(
        added
            .note
            .as_deref()
            .unwrap()
            .contains("no online form exists"),
        "{:?}",
        added.note
    );
    assert!(matches!(added.op(), Some(Op::AddForeignKey { .. })));
}

#[test]
fn postgres_adds_a_primary_key_on_an_index_built_concurrently() {
    let plan = planned(
        PG,
        "CREATE TABLE t (id int NOT NULL, u int);",
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, u int, CONSTRAINT t_u UNIQUE (u));",
    );
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "DROP INDEX CONCURRENTLY IF EXISTS t_u",
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_u ON t (u)",
            "ALTER TABLE t ADD CONSTRAINT t_u UNIQUE USING INDEX t_u",
        ]
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "DROP INDEX CONCURRENTLY IF EXISTS t_pkey",
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_pkey ON t (id)",
            "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// columns

#[test]
fn postgres_adds_a_volatile_default_bare_then_backfills_it() {
    let plan = planned(
        PG,
        "CREATE TABLE t (id int PRIMARY KEY);",
        "CREATE TABLE t (id int PRIMARY KEY, seen timestamptz NOT NULL DEFAULT clock_timestamp());",
    );
    assert_eq!(
        phases(&plan),
        [Phase::PreDeploy, Phase::Backfill, Phase::PostDeploy]
    );
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS seen timestamp with time zone",
            "ALTER TABLE t ALTER COLUMN seen SET DEFAULT clock_timestamp()",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PreDeploy),
        ["ALTER TABLE t DROP COLUMN IF EXISTS seen"]
    );
    let backfill = up(&plan, Phase::Backfill);
    // The batches, then fresh statistics for the values they wrote.
    assert_eq!(backfill.len(), 2);
    assert_eq!(backfill[1], "ANALYZE t");
    assert!(backfill[0].starts_with("DO $migen$"), "{}", backfill[0]);
    assert!(
        backfill[0].contains("UPDATE t SET seen = clock_timestamp()"),
        "{}",
        backfill[0]
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_seen_not_null",
            "ALTER TABLE t ADD CONSTRAINT t_seen_not_null CHECK (seen IS NOT NULL) NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_seen_not_null",
            "ALTER TABLE t ALTER COLUMN seen SET NOT NULL",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_seen_not_null",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        ["ALTER TABLE t ALTER COLUMN seen DROP NOT NULL"]
    );
    assert!(matches!(
        statement(
            &plan,
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS seen timestamp with time zone"
        )
        .op(),
        Some(Op::AddColumn {
            if_not_exists: true,
            ..
        })
    ));
    assert!(matches!(
        statement(&plan, "ALTER TABLE t DROP COLUMN IF EXISTS seen").op(),
        Some(Op::DropColumn {
            if_exists: true,
            ..
        })
    ));
    assert!(matches!(
        statement(
            &plan,
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_seen_not_null"
        )
        .op(),
        Some(Op::DropConstraint {
            kind: ConstraintType::Check,
            if_exists: true,
            ..
        })
    ));
}

#[test]
fn postgres_sets_not_null_through_a_validated_check_after_the_deploy() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, a int);";
    let after = "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);";
    let plan = planned(PG, before, after);
    assert_eq!(phases(&plan), [Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_a_not_null",
            "ALTER TABLE t ADD CONSTRAINT t_a_not_null CHECK (a IS NOT NULL) NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null",
            "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_a_not_null",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        ["ALTER TABLE t ALTER COLUMN a DROP NOT NULL"]
    );
    // Before PostgreSQL 12, SET NOT NULL scans anyway: the plan says so.
    let old = planned_with("postgres:11", before, after, &[], false);
    let set = statement(&old, "ALTER TABLE t ALTER COLUMN a SET NOT NULL");
    assert!(set.note.as_deref().unwrap().contains("PostgreSQL 12+"));
}

#[test]
fn a_dropped_not_null_column_is_made_nullable_before_the_deploy() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);";
    let after = "CREATE TABLE t (id int PRIMARY KEY);";
    let plan = planned(PG, before, after);
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        ["ALTER TABLE t ALTER COLUMN a DROP NOT NULL"]
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["ALTER TABLE t DROP COLUMN a"]
    );
    // Re-added nullable: the expand phase's down makes it NOT NULL again.
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        ["ALTER TABLE t ADD COLUMN a integer"]
    );
    let plan = planned_with(MYSQL, before, after, &[], false);
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["ALTER TABLE `t` DROP COLUMN `a`, ALGORITHM=INSTANT"]
    );
}

#[test]
fn kept_columns_and_tables_are_renamed_aside() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE TABLE z (id int);";
    let after = "CREATE TABLE t (id int PRIMARY KEY);";
    let plan = planned_with(PG, before, after, &[], true);
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "ALTER TABLE t RENAME COLUMN a TO a__migen_deprecated",
            "ALTER TABLE z RENAME TO z__migen_deprecated",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        [
            "ALTER TABLE z__migen_deprecated RENAME TO z",
            "ALTER TABLE t RENAME COLUMN a__migen_deprecated TO a",
        ]
    );
    assert!(
        plan.notes.iter().any(|n| n.contains(
            "ALTER TABLE t DROP COLUMN a__migen_deprecated; DROP TABLE z__migen_deprecated"
        )),
        "{:?}",
        plan.notes
    );
    assert!(matches!(
        statement(&plan, "ALTER TABLE z RENAME TO z__migen_deprecated").op(),
        Some(Op::RenameTable { .. })
    ));
    let plan = planned_with(MYSQL, before, after, &[], true);
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "ALTER TABLE `t` RENAME COLUMN `a` TO `a__migen_deprecated`",
            "RENAME TABLE `z` TO `z__migen_deprecated`",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// shadow columns

const RETYPE_BEFORE: &str = "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL);
CREATE INDEX t_qty ON t (qty);";
const RETYPE_AFTER: &str = "CREATE TABLE t (id int PRIMARY KEY, qty bigint NOT NULL);
CREATE INDEX t_qty ON t (qty);";

#[test]
fn postgres_retypes_a_column_through_a_shadow_column() {
    let plan = planned(PG, RETYPE_BEFORE, RETYPE_AFTER);
    assert_eq!(
        phases(&plan),
        [Phase::PreDeploy, Phase::Backfill, Phase::PostDeploy]
    );
    let expand = up(&plan, Phase::PreDeploy);
    assert_eq!(
        expand[0],
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS qty__migen_new bigint"
    );
    assert!(expand[1].starts_with("CREATE OR REPLACE FUNCTION t__migen_sync_qty()"));
    assert_eq!(
        expand[2],
        "CREATE TRIGGER t__migen_sync_qty BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION t__migen_sync_qty()"
    );
    assert_eq!(
        down(&plan, Phase::PreDeploy),
        [
            "DROP TRIGGER IF EXISTS t__migen_sync_qty ON t",
            "DROP FUNCTION IF EXISTS t__migen_sync_qty()",
            "ALTER TABLE t DROP COLUMN IF EXISTS qty__migen_new",
        ]
    );
    let backfill = up(&plan, Phase::Backfill);
    assert!(backfill[0].contains("UPDATE t SET qty__migen_new = qty"));
    assert_eq!(
        backfill[1..],
        [
            "ANALYZE t",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_qty__migen_new_not_null",
            "ALTER TABLE t ADD CONSTRAINT t_qty__migen_new_not_null CHECK (qty__migen_new IS NOT NULL) NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_qty__migen_new_not_null",
            "DROP INDEX CONCURRENTLY IF EXISTS t_qty__migen_new",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_qty__migen_new ON t (qty__migen_new)",
        ]
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "DROP TRIGGER IF EXISTS t__migen_sync_qty ON t",
            "DROP FUNCTION IF EXISTS t__migen_sync_qty()",
            "ALTER TABLE t DROP COLUMN IF EXISTS qty",
            "ALTER TABLE t RENAME COLUMN qty__migen_new TO qty",
            "ALTER TABLE t ALTER COLUMN qty SET NOT NULL",
            "ALTER TABLE t DROP CONSTRAINT IF EXISTS t_qty__migen_new_not_null",
            "ALTER INDEX t_qty__migen_new RENAME TO t_qty",
        ]
    );
    let contract_down = down(&plan, Phase::PostDeploy);
    assert_eq!(
        contract_down[..6],
        [
            "ALTER INDEX t_qty RENAME TO t_qty__migen_new",
            "ALTER TABLE t RENAME COLUMN qty TO qty__migen_new",
            "ALTER TABLE t ADD CONSTRAINT t_qty__migen_new_not_null CHECK (qty__migen_new IS NOT NULL) NOT VALID",
            "ALTER TABLE t VALIDATE CONSTRAINT t_qty__migen_new_not_null",
            "ALTER TABLE t ALTER COLUMN qty__migen_new DROP NOT NULL",
            "ALTER TABLE t ADD COLUMN qty integer",
        ]
    );
    assert!(contract_down.contains(&"UPDATE t SET qty = qty__migen_new"));
    assert!(contract_down.contains(&"ALTER TABLE t ALTER COLUMN qty SET NOT NULL"));
    assert!(contract_down.contains(&"CREATE INDEX t_qty ON t (qty)"));
    // The operations say what the statements do.
    assert!(matches!(
        statement(&plan, "ALTER TABLE t RENAME COLUMN qty__migen_new TO qty").op(),
        Some(Op::RenameColumn { column, to, .. }) if column.name == "qty__migen_new" && to == "qty"
    ));
    assert!(matches!(
        statement(&plan, "ALTER INDEX t_qty__migen_new RENAME TO t_qty").op(),
        Some(Op::RenameIndex { .. })
    ));
}

#[test]
fn a_type_change_postgres_makes_in_the_catalog_stays_in_place() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, name varchar(10));";
    let after = "CREATE TABLE t (id int PRIMARY KEY, name varchar(20));";
    let plan = planned(PG, before, after);
    assert_eq!(phases(&plan), [Phase::PreDeploy]);
    let widen = &migration(&plan, Phase::PreDeploy).up[0];
    assert_eq!(
        widen.sql,
        "ALTER TABLE t ALTER COLUMN name TYPE character varying(20)"
    );
    assert!(widen.note.as_deref().unwrap().contains("catalog only"));
}

#[test]
fn mysql_retypes_a_column_through_a_shadow_column_under_a_table_lock() {
    let plan = planned(MYSQL, RETYPE_BEFORE, RETYPE_AFTER);
    assert_eq!(
        phases(&plan),
        [Phase::PreDeploy, Phase::Backfill, Phase::PostDeploy]
    );
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "ALTER TABLE `t` ADD COLUMN `qty__migen_new` bigint NOT NULL DEFAULT 0, ALGORITHM=INSTANT",
            "CREATE TRIGGER `t__migen_sync_qty_i` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.`qty__migen_new` = NEW.`qty`",
            "CREATE TRIGGER `t__migen_sync_qty_u` BEFORE UPDATE ON `t` FOR EACH ROW SET NEW.`qty__migen_new` = NEW.`qty`",
        ]
    );
    let backfill = up(&plan, Phase::Backfill);
    assert_eq!(
        backfill.last(),
        Some(
            &"CREATE INDEX `t_qty__migen_new` ON `t` (`qty__migen_new`) ALGORITHM=INPLACE LOCK=NONE"
        )
    );
    let build = migration(&plan, Phase::Backfill).up.last().unwrap();
    assert!(
        build
            .note
            .as_deref()
            .unwrap()
            .contains("MySQL has no CREATE INDEX IF NOT EXISTS"),
        "{:?}",
        build.note
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "LOCK TABLES `t` WRITE",
            "DROP TRIGGER IF EXISTS `t__migen_sync_qty_i`",
            "DROP TRIGGER IF EXISTS `t__migen_sync_qty_u`",
            "DROP INDEX `t_qty` ON `t`",
            "ALTER TABLE `t` DROP COLUMN `qty`, ALGORITHM=INSTANT",
            "ALTER TABLE `t` CHANGE COLUMN `qty__migen_new` `qty` bigint NOT NULL, ALGORITHM=INPLACE, LOCK=NONE",
            "ALTER TABLE `t` RENAME INDEX `t_qty__migen_new` TO `t_qty`",
            "UNLOCK TABLES",
        ]
    );
    let change = statement(
        &plan,
        "ALTER TABLE `t` CHANGE COLUMN `qty__migen_new` `qty` bigint NOT NULL, ALGORITHM=INPLACE, LOCK=NONE",
    );
    match change.op() {
        Some(Op::WithAlgorithm { op, .. }) => {
            assert!(matches!(**op, Op::ChangeColumn { .. }), "{op:?}")
        }
        other => panic!("{other:?}"),
    }
    let contract_down = down(&plan, Phase::PostDeploy);
    assert_eq!(
        contract_down[..3],
        [
            "ALTER TABLE `t` RENAME INDEX `t_qty` TO `t_qty__migen_new`",
            "LOCK TABLES `t` WRITE",
            "ALTER TABLE `t` CHANGE COLUMN `qty` `qty__migen_new` bigint NOT NULL DEFAULT 0",
        ]
    );
    assert_eq!(
        contract_down[contract_down.len() - 2..],
        ["UNLOCK TABLES", "CREATE INDEX `t_qty` ON `t` (`qty`)"]
    );
}

#[test]
fn mariadb_builds_the_shadow_index_re_runnably() {
    let plan = planned(MARIADB, RETYPE_BEFORE, RETYPE_AFTER);
    assert_eq!(
        up(&plan, Phase::Backfill).last(),
        Some(
            &"CREATE INDEX IF NOT EXISTS `t_qty__migen_new` ON `t` (`qty__migen_new`) ALGORITHM=INPLACE LOCK=NONE"
        )
    );
}

const RENAME_BEFORE: &str = "CREATE TABLE t (id int PRIMARY KEY, label varchar(20));";
const RENAME_AFTER: &str = "CREATE TABLE t (id int PRIMARY KEY, title varchar(20));";

#[test]
fn a_renamed_column_lives_under_both_names_until_the_contract_phase() {
    let plan = planned_with(PG, RENAME_BEFORE, RENAME_AFTER, &["t.label=title"], false);
    assert_eq!(
        phases(&plan),
        [Phase::PreDeploy, Phase::Backfill, Phase::PostDeploy]
    );
    assert_eq!(
        up(&plan, Phase::PreDeploy)[0],
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS title character varying(20)"
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "DROP TRIGGER IF EXISTS t__migen_sync_label ON t",
            "DROP FUNCTION IF EXISTS t__migen_sync_label()",
            "ALTER TABLE t DROP COLUMN IF EXISTS label",
        ]
    );
    let plan = planned_with(
        MYSQL,
        RENAME_BEFORE,
        RENAME_AFTER,
        &["t.label=title"],
        false,
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        [
            "DROP TRIGGER IF EXISTS `t__migen_sync_label_i`",
            "DROP TRIGGER IF EXISTS `t__migen_sync_label_u`",
            "ALTER TABLE `t` DROP COLUMN `label`, ALGORITHM=INSTANT",
            "ALTER TABLE `t` MODIFY COLUMN `title` varchar(20), ALGORITHM=INPLACE, LOCK=NONE",
        ]
    );
}

#[test]
fn a_column_that_cannot_be_shadowed_is_renamed_in_place_after_the_deploy() {
    let before = "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL);";
    let after = "CREATE TABLE t (b int PRIMARY KEY, a int NOT NULL);";
    let plan = planned_with(PG, before, after, &["t.id=b"], false);
    assert_eq!(phases(&plan), [Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["ALTER TABLE t RENAME COLUMN id TO b"]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("part of the primary key")),
        "{:?}",
        plan.notes
    );
}

// ---------------------------------------------------------------------------------------------
// tables and enums

#[test]
fn a_renamed_table_keeps_a_view_under_its_old_name_until_the_contract_phase() {
    let plan = planned_with(
        PG,
        "CREATE TABLE t (id int);",
        "CREATE TABLE u (id int);",
        &["t=u"],
        false,
    );
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "ALTER TABLE t RENAME TO u",
            "CREATE VIEW t AS SELECT * FROM u",
        ]
    );
    assert_eq!(
        down(&plan, Phase::PreDeploy),
        ["DROP VIEW t", "ALTER TABLE u RENAME TO t"]
    );
    assert_eq!(up(&plan, Phase::PostDeploy), ["DROP VIEW t"]);
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        ["CREATE VIEW t AS SELECT * FROM u"]
    );
}

#[test]
fn postgres_swaps_an_enum_whose_values_are_removed() {
    let plan = planned(
        PG,
        "CREATE TYPE mood AS ENUM ('a', 'b', 'c'); CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL);",
        "CREATE TYPE mood AS ENUM ('c', 'a'); CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL);",
    );
    assert_eq!(
        phases(&plan),
        [Phase::PreDeploy, Phase::Backfill, Phase::PostDeploy]
    );
    let expand = up(&plan, Phase::PreDeploy);
    assert_eq!(
        expand[..2],
        [
            "CREATE TYPE mood__migen_new AS ENUM ('c', 'a')",
            "ALTER TABLE t ADD COLUMN IF NOT EXISTS m__migen_new mood__migen_new",
        ]
    );
    let contract = up(&plan, Phase::PostDeploy);
    // The types trade names last of all.
    assert_eq!(
        contract[contract.len() - 2..],
        [
            "DROP TYPE mood",
            "ALTER TYPE mood__migen_new RENAME TO mood"
        ]
    );
    assert!(contract.contains(&"ALTER TABLE t RENAME COLUMN m__migen_new TO m"));
}

#[test]
fn sqlite_keeps_additive_changes_before_the_deploy_and_rebuilds_after() {
    let plan = planned(
        SQLITE,
        "CREATE TABLE t (id integer PRIMARY KEY, a text);",
        "CREATE TABLE t (id integer PRIMARY KEY, a text NOT NULL, b text);",
    );
    assert_eq!(phases(&plan), [Phase::PreDeploy, Phase::PostDeploy]);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        ["ALTER TABLE t ADD COLUMN b text"]
    );
    let contract = up(&plan, Phase::PostDeploy);
    assert_eq!(contract[0], "PRAGMA foreign_keys = OFF");
    assert!(
        contract[1].starts_with("CREATE TABLE _migen_new_t ("),
        "{contract:?}"
    );
    assert_eq!(contract.last(), Some(&"PRAGMA foreign_keys = ON"));
    assert!(matches!(
        statement(&plan, contract[1]).op(),
        Some(Op::Rebuild { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// names that hold SQL words, and the guards

#[test]
fn names_that_hold_sql_words_are_never_mistaken_for_sql() {
    let plan = planned(
        PG,
        r#"CREATE TABLE "a ADD COLUMN b" (id int PRIMARY KEY);"#,
        r#"CREATE TABLE "a ADD COLUMN b" (id int PRIMARY KEY, ts timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE INDEX "CREATE INDEX i" ON "a ADD COLUMN b" (ts);"#,
    );
    let expand = up(&plan, Phase::PreDeploy);
    assert!(
        expand.contains(
            &r#"ALTER TABLE "a ADD COLUMN b" ADD COLUMN IF NOT EXISTS ts timestamp with time zone"#
        ),
        "{expand:?}"
    );
    assert!(
        expand.contains(
            &r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "CREATE INDEX i" ON "a ADD COLUMN b" (ts)"#
        ),
        "{expand:?}"
    );
    assert!(
        down(&plan, Phase::PreDeploy)
            .contains(&r#"ALTER TABLE "a ADD COLUMN b" DROP COLUMN IF EXISTS ts"#)
    );

    let plan = planned(
        MARIADB,
        "CREATE TABLE `DROP INDEX t` (id int PRIMARY KEY, y int);
CREATE INDEX `i ON j` ON `DROP INDEX t` (y);",
        "CREATE TABLE `DROP INDEX t` (id int PRIMARY KEY, y int);",
    );
    assert_eq!(
        up(&plan, Phase::PostDeploy),
        ["ALTER TABLE `DROP INDEX t` DROP INDEX `i ON j`, ALGORITHM=INPLACE, LOCK=NONE"]
    );
    assert_eq!(
        down(&plan, Phase::PostDeploy),
        ["CREATE INDEX `i ON j` ON `DROP INDEX t` (`y`)"]
    );
}

#[test]
fn postgres_lifts_the_timeouts_around_online_statements_only() {
    let version = Version::parse(PG).unwrap();
    let before = parse(version.dialect, INDEX_BEFORE, "before.sql").unwrap();
    let after = parse(version.dialect, INDEX_AFTER, "after.sql").unwrap();
    let options = PlanOptions {
        strategy: Strategy::ZeroDowntime,
        version: Some(version),
        ..PlanOptions::default()
    };
    let plan = plan_with(&before, &after, &RenameAnswers::never(), &options);
    assert_eq!(
        up(&plan, Phase::PreDeploy),
        [
            "SET lock_timeout = '5000ms'",
            "SET statement_timeout = '900000ms'",
            "SET lock_timeout = 0",
            "SET statement_timeout = 0",
            "DROP INDEX CONCURRENTLY IF EXISTS t_a",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a ON t (a)",
        ]
    );
}

#[test]
fn a_required_column_dropped_from_a_renamed_table_is_relaxed_first() {
    // The drop names the table by its new name, which the before schema does not hold.
    let plan = planned_with(
        "postgres:15",
        "CREATE TABLE a (id int PRIMARY KEY, gone text NOT NULL);",
        "CREATE TABLE b (id int PRIMARY KEY);",
        &["a=b"],
        false,
    );
    let expand = up(&plan, Phase::PreDeploy);
    assert!(
        expand
            .iter()
            .any(|s| s.contains("ALTER COLUMN gone DROP NOT NULL")),
        "{expand:?}"
    );
}

/// An index on an expression of a table that holds rows is followed by ANALYZE of the table
/// (PostgreSQL gathers the expression's statistics only then); one on a column is not.
#[test]
fn postgres_analyzes_after_an_expression_index_only() {
    let before = "CREATE TABLE t (id bigint PRIMARY KEY, email text);";
    let plan = planned(
        "postgres:15",
        before,
        "CREATE TABLE t (id bigint PRIMARY KEY, email text);\nCREATE INDEX t_lower_email ON t (lower(email));",
    );
    let expand = up(&plan, Phase::PreDeploy);
    assert_eq!(expand.last(), Some(&"ANALYZE t"), "{expand:#?}");
    let plain = planned(
        "postgres:15",
        before,
        "CREATE TABLE t (id bigint PRIMARY KEY, email text);\nCREATE INDEX t_email ON t (email);",
    );
    assert!(!plain.up.iter().any(|s| s.sql.starts_with("ANALYZE")));
}

/// Every squawk ignore in a zero-downtime plan is written right above its statement, with the
/// reason after the rule names.
#[test]
fn postgres_recipe_statements_carry_squawk_ignores() {
    let plan = planned(
        "postgres:15",
        "CREATE TABLE t (id bigint PRIMARY KEY, qty integer NOT NULL);",
        "CREATE TABLE t (id bigint PRIMARY KEY, qty bigint NOT NULL);",
    );
    let contract = crate::plan::script(&migration(&plan, Phase::PostDeploy).up);
    assert!(
        contract.contains("-- squawk-ignore ban-drop-function -- migen's own sync trigger and function, needed only while the shadow column is filled\nDROP FUNCTION IF EXISTS t__migen_sync_qty();\n"),
        "{contract}"
    );
    assert!(
        contract.contains("-- squawk-ignore ban-drop-column -- ")
            && contract.contains("-- squawk-ignore renaming-column -- ")
            && contract.contains("-- squawk-ignore adding-not-nullable-field -- "),
        "{contract}"
    );
}
