//! Fills and derived columns on real databases, with seeded rows checked value by value.
//!
//! Each scenario is a table with rows, a change that needs a value for them (a column made NOT
//! NULL, a NOT NULL column added, a derived column) and the fill that answers it. On SQLite,
//! PostgreSQL and MariaDB, with the direct and the zero-downtime strategy: the source is built
//! and seeded, the up migrations applied (zero-downtime: "old code" writes a row after the
//! expand phase, which the fill trigger must fill, and the backfill runs twice, as a resumed
//! one would), the database must then equal the target with every row holding the expected
//! value; the downs, applied last phase first, must bring back the source, with the values the
//! plan keeps, and the filled values exactly where the plan says it cannot restore NULL.
//!
//! PostgreSQL and MariaDB come from `MIGEN_TEST_POSTGRES` / `MIGEN_TEST_MYSQL` (defaults on
//! localhost); without a server the dialect is skipped locally and fails under `CI=true`.

use migen::diff::{self, RenameAnswers};
use migen::model::{Dialect, QName, Schema, Version};
use migen::plan::{self, Lossiness, Phase, PlanOptions, Strategy};
use migen::source::live::{self, Database};
use migen::source::sql;

mod common;
use common::server;

/// One data scenario. Every statement is portable across the three dialects unless a
/// per-dialect fill says otherwise.
struct Scenario {
    name: &'static str,
    before: &'static str,
    after: &'static str,
    seed: &'static [&'static str],
    /// `table.column` and its fill; `mysql` overrides the fill for MySQL/MariaDB.
    fill: (&'static str, &'static str),
    mysql: Option<&'static str>,
    /// Zero-downtime only: what old code writes after the expand phase.
    old_write: Option<&'static str>,
    /// `(id, condition)` that must hold for that row after the up migrations.
    up: &'static [(i64, &'static str)],
    /// Same for the rows the old code wrote (zero-downtime only).
    up_old_write: &'static [(i64, &'static str)],
    /// `(id, condition)` after the downs.
    down: &'static [(i64, &'static str)],
    /// Whether the plan must say the down cannot restore the NULLs it filled.
    lossy: bool,
}

const USERS: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT);";
const USERS_STATUS_NOT_NULL: &str = "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40) NOT NULL, email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT);";
const SEED: &[&str] = &[
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar, counter) VALUES (1, NULL, '2024-01-02', 'a.png', NULL)",
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar, counter) VALUES (2, 'banned', NULL, NULL, 5)",
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar, counter) VALUES (3, NULL, NULL, 'it''s.png', NULL)",
    "INSERT INTO users (id, status, email_confirmed_at, legacy_avatar, counter) VALUES (4, 'active', '2023-05-06', 'd.png', 0)",
];
const SEED_ALL_NULL: &[&str] = &[
    "INSERT INTO users (id) VALUES (1)",
    "INSERT INTO users (id) VALUES (2)",
    "INSERT INTO users (id) VALUES (3)",
];
const SEED_NO_NULL: &[&str] = &[
    "INSERT INTO users (id, status) VALUES (1, 'a')",
    "INSERT INTO users (id, status) VALUES (2, 'b')",
];

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "not null with nulls, constant",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: SEED,
            fill: ("users.status", "'active'"),
            mysql: None,
            old_write: Some("INSERT INTO users (id, status) VALUES (100, NULL)"),
            up: &[
                (1, "status = 'active'"),
                (2, "status = 'banned'"),
                (3, "status = 'active'"),
                (4, "status = 'active'"),
            ],
            up_old_write: &[(100, "status = 'active'")],
            down: &[
                (1, "status = 'active'"),
                (2, "status = 'banned'"),
                (3, "status = 'active'"),
            ],
            lossy: true,
        },
        Scenario {
            name: "not null with nulls, expression over the row",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: SEED,
            fill: (
                "users.status",
                "CASE WHEN email_confirmed_at IS NULL THEN 'unconfirmed' ELSE 'active' END",
            ),
            mysql: None,
            old_write: Some(
                "INSERT INTO users (id, email_confirmed_at) VALUES (100, '2025-01-01')",
            ),
            up: &[
                (1, "status = 'active'"),
                (2, "status = 'banned'"),
                (3, "status = 'unconfirmed'"),
                (4, "status = 'active'"),
            ],
            up_old_write: &[(100, "status = 'active'")],
            down: &[(1, "status = 'active'"), (3, "status = 'unconfirmed'")],
            lossy: true,
        },
        Scenario {
            name: "not null, every row null",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: SEED_ALL_NULL,
            fill: ("users.status", "'new'"),
            mysql: None,
            old_write: None,
            up: &[
                (1, "status = 'new'"),
                (2, "status = 'new'"),
                (3, "status = 'new'"),
            ],
            up_old_write: &[],
            down: &[(1, "status = 'new'"), (3, "status = 'new'")],
            lossy: true,
        },
        Scenario {
            name: "not null, no row null",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: SEED_NO_NULL,
            fill: ("users.status", "'unused'"),
            mysql: None,
            old_write: None,
            up: &[(1, "status = 'a'"), (2, "status = 'b'")],
            up_old_write: &[],
            down: &[(1, "status = 'a'"), (2, "status = 'b'")],
            lossy: true,
        },
        Scenario {
            name: "not null, empty table",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: &[],
            fill: ("users.status", "'active'"),
            mysql: None,
            old_write: Some("INSERT INTO users (id) VALUES (100)"),
            up: &[],
            up_old_write: &[(100, "status = 'active'")],
            down: &[],
            lossy: true,
        },
        Scenario {
            name: "not null, a string with quotes",
            before: USERS,
            after: USERS_STATUS_NOT_NULL,
            seed: SEED,
            fill: ("users.status", "'O''Brien''s \"pick\"'"),
            mysql: None,
            old_write: None,
            up: &[
                (1, "status = 'O''Brien''s \"pick\"'"),
                (2, "status = 'banned'"),
                (3, "status = 'O''Brien''s \"pick\"'"),
            ],
            up_old_write: &[],
            down: &[(1, "status = 'O''Brien''s \"pick\"'")],
            lossy: true,
        },
        Scenario {
            name: "integer made not null from another column",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT NOT NULL);",
            seed: SEED,
            fill: ("users.counter", "id * 100 + 1"),
            mysql: None,
            old_write: Some("INSERT INTO users (id, counter) VALUES (100, NULL)"),
            up: &[
                (1, "counter = 101"),
                (2, "counter = 5"),
                (3, "counter = 301"),
                (4, "counter = 0"),
            ],
            up_old_write: &[(100, "counter = 10001")],
            down: &[(1, "counter = 101"), (2, "counter = 5")],
            lossy: true,
        },
        Scenario {
            name: "not null column added to a populated table, constant",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, plan VARCHAR(20) NOT NULL);",
            seed: SEED,
            fill: ("users.plan", "'free'"),
            mysql: None,
            old_write: Some("INSERT INTO users (id, status) VALUES (100, 'old code')"),
            up: &[
                (1, "plan = 'free'"),
                (2, "plan = 'free'"),
                (4, "plan = 'free'"),
            ],
            up_old_write: &[(100, "plan = 'free' AND status = 'old code'")],
            down: &[(1, "status IS NULL"), (2, "status = 'banned'")],
            lossy: false,
        },
        Scenario {
            name: "not null boolean added from an expression (email_verified)",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, email_verified BOOLEAN NOT NULL);",
            seed: SEED,
            fill: ("users.email_verified", "email_confirmed_at IS NOT NULL"),
            mysql: None,
            old_write: Some(
                "INSERT INTO users (id, email_confirmed_at) VALUES (100, '2025-02-03')",
            ),
            up: &[
                (1, "email_verified = TRUE"),
                (2, "email_verified = FALSE"),
                (3, "email_verified = FALSE"),
                (4, "email_verified = TRUE"),
            ],
            up_old_write: &[(100, "email_verified = TRUE")],
            down: &[
                (1, "email_confirmed_at IS NOT NULL"),
                (2, "email_confirmed_at IS NULL"),
            ],
            lossy: false,
        },
        Scenario {
            name: "not null column added to an empty table",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, plan VARCHAR(20) NOT NULL);",
            seed: &[],
            fill: ("users.plan", "'free'"),
            mysql: None,
            old_write: Some("INSERT INTO users (id) VALUES (100)"),
            up: &[],
            up_old_write: &[(100, "plan = 'free'")],
            down: &[],
            lossy: false,
        },
        Scenario {
            name: "derived nullable column (CDN URL), NULL where its source is NULL",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, avatar_url VARCHAR(200));",
            seed: SEED,
            fill: (
                "users.avatar_url",
                "'https://cdn.example.com/' || legacy_avatar",
            ),
            mysql: Some("CONCAT('https://cdn.example.com/', legacy_avatar)"),
            old_write: Some("INSERT INTO users (id, legacy_avatar) VALUES (100, 'new.png')"),
            up: &[
                (1, "avatar_url = 'https://cdn.example.com/a.png'"),
                (2, "avatar_url IS NULL"),
                (3, "avatar_url = 'https://cdn.example.com/it''s.png'"),
                (4, "avatar_url = 'https://cdn.example.com/d.png'"),
            ],
            up_old_write: &[(100, "avatar_url = 'https://cdn.example.com/new.png'")],
            down: &[
                (1, "legacy_avatar = 'a.png'"),
                (3, "legacy_avatar = 'it''s.png'"),
            ],
            lossy: false,
        },
        Scenario {
            name: "not null column with a default, existing rows derived",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, score INT NOT NULL DEFAULT 0);",
            seed: SEED,
            fill: ("users.score", "id * 10"),
            mysql: None,
            old_write: Some("INSERT INTO users (id) VALUES (100)"),
            up: &[(1, "score = 10"), (2, "score = 20"), (4, "score = 40")],
            up_old_write: &[(100, "score = 1000")],
            down: &[(4, "counter = 0")],
            lossy: false,
        },
        Scenario {
            name: "not null text added, a constant with a quote",
            before: USERS,
            after: "CREATE TABLE users (id INT PRIMARY KEY, status VARCHAR(40), email_confirmed_at DATE, legacy_avatar VARCHAR(100), counter INT, note VARCHAR(50) NOT NULL);",
            seed: SEED,
            fill: ("users.note", "'it''s legacy'"),
            mysql: None,
            old_write: None,
            up: &[(1, "note = 'it''s legacy'"), (3, "note = 'it''s legacy'")],
            up_old_write: &[],
            down: &[(3, "legacy_avatar = 'it''s.png'")],
            lossy: false,
        },
    ]
}

fn apply(db: &mut dyn Database, statements: &[plan::PlannedStatement], what: &str) {
    let dialect = db.dialect();
    migen::verify::apply_migration(db, dialect, statements)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

fn differences(db: &mut dyn Database, expected: &Schema) -> Vec<String> {
    let live = db.introspect().unwrap();
    diff::diff(&live, expected, &RenameAnswers::never())
        .changes
        .iter()
        .map(|c| c.describe())
        .collect()
}

fn check_rows(db: &mut dyn Database, rows: &[(i64, &str)], what: &str) -> Vec<String> {
    let users = QName::new("users");
    rows.iter()
        .filter_map(|(id, condition)| {
            let n = db
                .count_where(&users, &format!("id = {id} AND ({condition})"))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            (n != 1).then(|| format!("{what}: row {id} does not hold {condition}"))
        })
        .collect()
}

fn run_scenario(
    scenario: &Scenario,
    dialect: Dialect,
    strategy: Strategy,
    url: &str,
    version: Option<Version>,
) -> Vec<String> {
    let mut failures = Vec::new();
    let before = sql::parse(dialect, scenario.before, "before").unwrap();
    let after = sql::parse(dialect, scenario.after, "after").unwrap();
    let expr = match (dialect, scenario.mysql) {
        (Dialect::Mysql, Some(mysql)) => mysql,
        _ => scenario.fill.1,
    };
    let mut answers = RenameAnswers::default();
    answers.fills.push(
        diff::fills::parse_fill(dialect, &after, scenario.fill.0, expr)
            .unwrap_or_else(|e| panic!("{}: {e:?}", scenario.name)),
    );
    let unanswered = plan::plan_with(
        &before,
        &after,
        &RenameAnswers::default(),
        &PlanOptions::default(),
    );
    let filled = after.tables[&QName::new("users")]
        .column(scenario.fill.0.split('.').nth(1).unwrap())
        .unwrap();
    // A default fills the existing rows by itself: a fill there is a choice, not an answer.
    let is_not_null_fill = !filled.nullable && filled.default.is_none();
    if is_not_null_fill && unanswered.fill_questions.len() != 1 {
        failures.push(format!(
            "no fill question asked: {:?}",
            unanswered.fill_questions
        ));
    }
    let options = PlanOptions {
        strategy,
        version,
        batch_size: 2,
        batch_pause_ms: 0,
        ..PlanOptions::default()
    };
    let plan = plan::plan_with(&before, &after, &answers, &options);
    assert!(plan.fill_questions.is_empty(), "{:?}", plan.fill_questions);
    let said_lossy = plan.lossiness() == Lossiness::Lossy
        && plan
            .steps
            .iter()
            .filter_map(|s| s.down_loss.as_deref())
            .any(|l| l.contains("cannot be told apart"));
    if said_lossy != scenario.lossy {
        failures.push(format!(
            "the plan says lossy={said_lossy}, the scenario expects {}",
            scenario.lossy
        ));
    }
    if scenario.lossy
        && !plan
            .down
            .iter()
            .filter_map(|s| s.note.as_deref())
            .any(|n| n.contains("cannot be told apart"))
    {
        failures.push("the down says nothing of the filled NULLs it cannot restore".into());
    }

    let mut db = live::connect(url).unwrap();
    db.execute(scenario.before).unwrap();
    for row in scenario.seed {
        db.execute(row).unwrap();
    }
    let zero_downtime = strategy == Strategy::ZeroDowntime;
    for migration in &plan.migrations {
        apply(
            db.as_mut(),
            &migration.up,
            &format!("up {}", migration.phase.name()),
        );
        if migration.phase == Phase::Backfill {
            apply(db.as_mut(), &migration.up, "backfill run again");
        }
        let expand_done = migration.phase == Phase::PreDeploy;
        if zero_downtime
            && expand_done
            && let Some(write) = scenario.old_write
        {
            db.execute(write)
                .unwrap_or_else(|e| panic!("old code writes after the expand phase: {e}"));
        }
    }
    let left = differences(db.as_mut(), &after);
    if !left.is_empty() {
        failures.push(format!("after the up migrations: {left:?}"));
    }
    failures.extend(check_rows(db.as_mut(), scenario.up, "up"));
    if zero_downtime {
        failures.extend(check_rows(
            db.as_mut(),
            scenario.up_old_write,
            "old code's row",
        ));
        if scenario.old_write.is_some() {
            // The old code's row is not part of the source's data: out before the downs.
            let _ = db.execute("DELETE FROM users WHERE id = 100");
        }
    }
    for migration in plan.migrations.iter().rev() {
        apply(
            db.as_mut(),
            &migration.down,
            &format!("down {}", migration.phase.name()),
        );
    }
    let left = differences(db.as_mut(), &before);
    if !left.is_empty() {
        failures.push(format!("after the downs: {left:?}"));
    }
    failures.extend(check_rows(db.as_mut(), scenario.down, "down"));
    let seeded = scenario.seed.len() as u64;
    let rows = db.row_count(&QName::new("users")).unwrap();
    if rows != seeded {
        failures.push(format!("{seeded} rows seeded, {rows} after the downs"));
    }
    failures
}

fn run(dialect: Dialect) {
    let Some(server_url) = server(dialect) else {
        return;
    };
    let mut scratch = common::Scratch::new(server_url, dialect);
    let mut failures = Vec::new();
    let mut ran = 0;
    for strategy in [Strategy::Direct, Strategy::ZeroDowntime] {
        for scenario in scenarios() {
            let url = scratch.fresh().unwrap();
            let version = {
                let mut db = live::connect(&url).unwrap();
                Version::from_server_report(dialect, &db.server_version().unwrap())
            };
            for failure in run_scenario(&scenario, dialect, strategy, &url, version) {
                failures.push(format!(
                    "{dialect} {} / {}: {failure}",
                    strategy.name(),
                    scenario.name
                ));
            }
            ran += 1;
        }
    }
    assert!(ran >= 24);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fills_on_sqlite() {
    run(Dialect::Sqlite);
}

#[test]
fn fills_on_postgres() {
    run(Dialect::Postgres);
}

#[test]
fn fills_on_mariadb() {
    run(Dialect::Mysql);
}

#[test]
fn the_corpus_has_the_scenarios_the_issue_asks_for() {
    let names: Vec<&str> = scenarios().iter().map(|s| s.name).collect();
    assert!(names.len() >= 12, "{names:?}");
    for wanted in [
        "empty table",
        "every row null",
        "no row null",
        "quotes",
        "derived",
    ] {
        assert!(
            names.iter().any(|n| n.contains(wanted)),
            "no scenario for {wanted}: {names:?}"
        );
    }
}
