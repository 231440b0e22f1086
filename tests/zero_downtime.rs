//! The zero-downtime strategy on real databases, with the application still writing: a table of
//! 2,500 rows has a column renamed and another widened (int → bigint) while "old code" and
//! "new code" insert and update rows between the phases. The backfill runs in batches of 1,000
//! and is run twice (the second run is what resuming after an interruption does). After the
//! contract phase every row, old or written during the window, holds its value under the new
//! names and types; the downs, applied last phase first, bring back the start with the values.
//!
//! PostgreSQL and MariaDB come from `MIGEN_TEST_POSTGRES` / `MIGEN_TEST_MYSQL` (defaults on
//! localhost); without a server the dialect is skipped locally and fails under `CI=true`.

use migen::diff::{self, RenameAnswers};
use migen::model::{Dialect, QName, Schema, Version};
use migen::plan::{self, Phase, PlanOptions, Strategy};
use migen::source::live::{self, Database};
use migen::source::sql;

mod common;
use common::server;

const BEFORE: &str =
    "CREATE TABLE items (id INT PRIMARY KEY, qty INT NOT NULL, label VARCHAR(20) DEFAULT 'none');
CREATE INDEX items_qty_idx ON items (qty);";
const AFTER: &str =
    "CREATE TABLE items (id INT PRIMARY KEY, qty BIGINT NOT NULL, title VARCHAR(20) DEFAULT 'none');
CREATE INDEX items_qty_idx ON items (qty);";

/// Rows matching `condition`, counted through a throwaway view (the one query every backend
/// answers the same way).
fn count(db: &mut dyn Database, condition: &str) -> u64 {
    db.execute(&format!(
        "CREATE VIEW migen_probe AS SELECT id FROM items WHERE {condition}"
    ))
    .unwrap();
    let n = db.row_count(&QName::new("migen_probe")).unwrap();
    db.execute("DROP VIEW migen_probe").unwrap();
    n
}

fn apply(db: &mut dyn Database, statements: &[plan::PlannedStatement], what: &str) {
    let dialect = db.dialect();
    migen::verify::apply_migration(db, dialect, statements)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

fn same_schema(db: &mut dyn Database, expected: &Schema) -> Vec<String> {
    let live = db.introspect().unwrap();
    diff::diff(&live, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

fn run(dialect: Dialect) {
    let Some(url) = server(dialect) else {
        return;
    };
    let scratch = live::create_scratch(&url).unwrap();
    let mut db = live::connect(&scratch.url).unwrap();
    let version = Version::from_server_report(dialect, &db.server_version().unwrap());
    let before = sql::parse(dialect, BEFORE, "before").unwrap();
    let after = sql::parse(dialect, AFTER, "after").unwrap();
    let answers = RenameAnswers::parse(&["items.label=title".to_string()], false).unwrap();
    let options = PlanOptions {
        strategy: Strategy::ZeroDowntime,
        version,
        batch_size: 1000,
        batch_pause_ms: 0,
        ..PlanOptions::default()
    };
    let plan = plan::plan_with(&before, &after, &answers, &options);
    assert!(plan.questions.is_empty());
    let phase = |p: Phase| plan.migrations.iter().find(|m| m.phase == p);

    db.execute(BEFORE).unwrap();
    if dialect == Dialect::Mysql {
        // The recursive row generator below goes past the default depth of 1,000.
        let _ = db.execute("SET SESSION max_recursive_iterations = 100000");
        let _ = db.execute("SET SESSION cte_max_recursion_depth = 100000");
    }
    db.execute(
        "INSERT INTO items (id, qty, label)
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2500)
         SELECT n, n * 10, 'label' || n FROM seq",
    )
    .or_else(|_| {
        // MySQL has no || for strings.
        db.execute(
            "INSERT INTO items (id, qty, label)
             WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 2500)
             SELECT n, n * 10, CONCAT('label', n) FROM seq",
        )
    })
    .unwrap();
    assert_eq!(count(db.as_mut(), "1 = 1"), 2500);

    // expand, then the old code keeps writing under the old names
    if let Some(expand) = phase(Phase::PreDeploy) {
        apply(db.as_mut(), &expand.up, "expand");
    }
    db.execute("INSERT INTO items (id, qty, label) VALUES (5001, 7, 'old code')")
        .unwrap();
    db.execute("UPDATE items SET qty = 99, label = 'changed' WHERE id = 10")
        .unwrap();
    let both_names_live = dialect != Dialect::Sqlite;
    if both_names_live {
        // the new code, deployed after the expand phase, writes under the new name
        db.execute("INSERT INTO items (id, qty, title) VALUES (5002, 8, 'new code')")
            .unwrap();
        db.execute("UPDATE items SET title = 'renamed' WHERE id = 20")
            .unwrap();
        // Old code touches the new code's row (its old name got only the default at insert).
        db.execute("UPDATE items SET qty = 9 WHERE id = 5002")
            .unwrap();
    }

    // backfill, twice: the second run finds nothing left to do
    if let Some(backfill) = phase(Phase::Backfill) {
        apply(db.as_mut(), &backfill.up, "backfill");
        apply(db.as_mut(), &backfill.up, "backfill run again");
    }
    if both_names_live {
        assert_eq!(
            count(db.as_mut(), "title IS NULL OR title <> label"),
            0,
            "every row has its label under both names after the backfill"
        );
        assert_eq!(count(db.as_mut(), "qty__migen_new <> qty"), 0);
        assert_eq!(count(db.as_mut(), "qty__migen_new IS NULL"), 0);
    }

    // contract: the new names and types, every value in place
    if let Some(contract) = phase(Phase::PostDeploy) {
        apply(db.as_mut(), &contract.up, "contract");
    }
    assert_eq!(same_schema(db.as_mut(), &after), Vec::<String>::new());
    let rows = if both_names_live { 2502 } else { 2501 };
    assert_eq!(count(db.as_mut(), "1 = 1"), rows);
    assert_eq!(
        count(db.as_mut(), "id = 10 AND qty = 99 AND title = 'changed'"),
        1
    );
    assert_eq!(
        count(db.as_mut(), "id = 5001 AND qty = 7 AND title = 'old code'"),
        1
    );
    assert_eq!(count(db.as_mut(), "id <= 2500 AND qty = id * 10"), 2499);
    if both_names_live {
        assert_eq!(count(db.as_mut(), "id = 5002 AND title = 'new code'"), 1);
        assert_eq!(count(db.as_mut(), "id = 20 AND title = 'renamed'"), 1);
        // bigint now: a value past the int range fits (and goes again before the way back)
        db.execute("INSERT INTO items (id, qty, title) VALUES (6000, 5000000000, 'big')")
            .unwrap();
        db.execute("DELETE FROM items WHERE id = 6000").unwrap();
    }

    // down, last phase first: back to the start with every value
    for migration in plan.migrations.iter().rev() {
        apply(db.as_mut(), &migration.down, "down");
    }
    assert_eq!(same_schema(db.as_mut(), &before), Vec::<String>::new());
    assert_eq!(count(db.as_mut(), "1 = 1"), rows);
    assert_eq!(
        count(db.as_mut(), "id = 10 AND qty = 99 AND label = 'changed'"),
        1
    );
    assert_eq!(count(db.as_mut(), "id <= 2500 AND qty = id * 10"), 2499);
    if both_names_live {
        assert_eq!(count(db.as_mut(), "id = 20 AND label = 'renamed'"), 1);
    }
}

#[test]
fn postgres_zero_downtime_with_writes_between_phases() {
    run(Dialect::Postgres);
}

#[test]
fn mysql_zero_downtime_with_writes_between_phases() {
    run(Dialect::Mysql);
}

#[test]
fn sqlite_zero_downtime_phases_keep_every_row() {
    run(Dialect::Sqlite);
}
