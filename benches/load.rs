//! Load benchmark, run by hand (`cargo bench --bench load`): a plan applied to a big table while
//! writers keep inserting and updating it, once with the direct strategy and once with the
//! zero-downtime strategy. For each run it prints the longest time any single write waited, how
//! many writes failed, and how long the whole plan took.
//!
//! PostgreSQL: 1,000,000 rows (`MIGEN_LOAD_ROWS`); the plan adds a NOT NULL column with a
//! default, adds an index, adds a foreign key, sets NOT NULL, changes int → bigint and renames a
//! column. MariaDB/MySQL: 1,000,000 rows; add column, add index, change int → bigint.
//! Servers come from `MIGEN_TEST_POSTGRES` / `MIGEN_TEST_MYSQL` (localhost defaults);
//! `MIGEN_LOAD_DIALECTS=postgres` runs one; `MIGEN_LOAD_BATCH` sets the backfill batch size
//! (default 500): a batch holds its rows' locks until it commits, so it bounds how long a
//! write to one of those rows can wait.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use migen::diff::RenameAnswers;
use migen::model::{Dialect, Version};
use migen::plan::{self, PlanOptions, Strategy};
use migen::source::live;
use migen::source::sql;

const WRITERS: usize = 4;

struct Figures {
    longest_wait: Duration,
    /// The statement running when the longest wait happened (its first line).
    worst_during: String,
    writes: u64,
    failed: u64,
    plan_time: Duration,
}

const PG_BEFORE: &str = "CREATE TABLE regions (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE accounts (id bigint PRIMARY KEY, region_id bigint, balance integer NOT NULL, note text, owner text);";
const PG_AFTER: &str = "CREATE TABLE regions (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE accounts (id bigint PRIMARY KEY, region_id bigint NOT NULL REFERENCES regions (id), balance bigint NOT NULL, memo text, owner text,
  status text NOT NULL DEFAULT 'active');
CREATE INDEX accounts_owner_idx ON accounts (owner);";

const MY_BEFORE: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, region_id bigint, balance int NOT NULL, owner varchar(40));";
const MY_AFTER: &str = "CREATE TABLE accounts (id bigint PRIMARY KEY, region_id bigint, balance bigint NOT NULL, owner varchar(40), status varchar(20) NOT NULL DEFAULT 'active');
CREATE INDEX accounts_owner_idx ON accounts (owner);";

fn main() {
    let rows: u64 = std::env::var("MIGEN_LOAD_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dialects = std::env::var("MIGEN_LOAD_DIALECTS").unwrap_or_else(|_| "postgres,mysql".into());
    println!("load benchmark: {rows} rows, {WRITERS} writers, each write its own transaction");
    println!(
        "{:<10} {:<14} {:>14} {:>10} {:>8} {:>12}",
        "server", "strategy", "longest wait", "writes", "failed", "plan time"
    );
    for name in dialects.split(',') {
        let dialect = Dialect::parse(name.trim()).expect("postgres or mysql");
        for strategy in [Strategy::Direct, Strategy::ZeroDowntime] {
            match run(dialect, strategy, rows) {
                Ok(f) => println!(
                    "{:<10} {:<14} {:>11.0} ms {:>10} {:>8} {:>10.1} s\n    longest wait during: {}",
                    dialect.name(),
                    strategy.name(),
                    f.longest_wait.as_secs_f64() * 1000.0,
                    f.writes,
                    f.failed,
                    f.plan_time.as_secs_f64(),
                    f.worst_during
                ),
                Err(e) => println!(
                    "{:<10} {:<14} not run: {e}",
                    dialect.name(),
                    strategy.name()
                ),
            }
        }
    }
}

fn server(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => std::env::var("MIGEN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        _ => std::env::var("MIGEN_TEST_MYSQL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/".into()),
    }
}

fn run(dialect: Dialect, strategy: Strategy, rows: u64) -> Result<Figures, String> {
    let scratch = live::create_scratch(&server(dialect)).map_err(|e| e.to_string())?;
    let mut db = live::connect(&scratch.url).map_err(|e| e.to_string())?;
    let (before_sql, after_sql, renames) = match dialect {
        Dialect::Postgres => (PG_BEFORE, PG_AFTER, vec!["accounts.note=memo".to_string()]),
        _ => (MY_BEFORE, MY_AFTER, Vec::new()),
    };
    db.execute(before_sql).map_err(|e| e.to_string())?;
    let fill = match dialect {
        Dialect::Postgres => format!(
            "INSERT INTO regions SELECT g, 'r' || g FROM generate_series(1, 10) g;
             INSERT INTO accounts SELECT g, 1 + g % 10, g % 1000, 'note ' || g, 'owner' || (g % 5000)
               FROM generate_series(1, {rows}) g;
             ANALYZE accounts;"
        ),
        _ => format!(
            "SET SESSION max_recursive_iterations = {rows};
             SET SESSION cte_max_recursion_depth = {rows};
             INSERT INTO accounts WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {rows})
               SELECT g, 1 + g % 10, g % 1000, CONCAT('owner', g % 5000) FROM s"
        ),
    };
    for statement in fill.split(";\n") {
        if !statement.trim().is_empty() {
            // MySQL accepts only one of the two recursion settings.
            let result = db.execute(statement);
            if let Err(e) = result
                && !statement.contains("SET SESSION")
            {
                return Err(e.to_string());
            }
        }
    }
    let version =
        Version::from_server_report(dialect, &db.server_version().map_err(|e| e.to_string())?);
    let before = sql::parse(dialect, before_sql, "before").map_err(|e| e.to_string())?;
    let after = sql::parse(dialect, after_sql, "after").map_err(|e| e.to_string())?;
    let answers = RenameAnswers::parse(&renames, false)?;
    let options = PlanOptions {
        strategy,
        version,
        batch_size: std::env::var("MIGEN_LOAD_BATCH")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
        batch_pause_ms: 10,
        lock_timeout_ms: 2_000,
        ..PlanOptions::default()
    };
    let plan = plan::plan_with(&before, &after, &answers, &options);

    // The writers: updates of existing rows and inserts of new ones, columns every version has.
    let stop = Arc::new(AtomicBool::new(false));
    let longest = Arc::new(AtomicU64::new(0));
    // The longest wait since the current unit of the plan started.
    let window = Arc::new(AtomicU64::new(0));
    let writes = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();
    for writer in 0..WRITERS {
        let url = scratch.url.clone();
        let (stop, longest, window, writes, failed) = (
            stop.clone(),
            longest.clone(),
            window.clone(),
            writes.clone(),
            failed.clone(),
        );
        handles.push(thread::spawn(move || {
            let mut db = live::connect(&url).expect("writer connects");
            let mut n: u64 = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let sql = if n.is_multiple_of(2) {
                    let id = 1 + (n * 7919 + writer as u64 * 104_729) % rows;
                    format!("UPDATE accounts SET balance = balance + 1 WHERE id = {id}")
                } else {
                    let id = 10_000_000 + writer as u64 * 1_000_000_000 + n;
                    format!("INSERT INTO accounts (id, region_id, balance, owner) VALUES ({id}, 1, 1, 'w{writer}')")
                };
                let started = Instant::now();
                let result = db.execute(&sql);
                let waited = started.elapsed().as_micros() as u64;
                longest.fetch_max(waited, Ordering::Relaxed);
                window.fetch_max(waited, Ordering::Relaxed);
                writes.fetch_add(1, Ordering::Relaxed);
                if result.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                thread::sleep(Duration::from_millis(2));
            }
        }));
    }
    thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let mut plan_error = None;
    let mut worst = (0, String::new());
    'apply: for migration in &plan.migrations {
        // As the script runs: PostgreSQL's transactional statements grouped in transactions.
        for unit in plan::units(dialect, &migration.up) {
            // A unit that times out waiting for its lock is retried, as the guard intends.
            let mut attempts = 0;
            window.store(0, Ordering::Relaxed);
            loop {
                match migen::verify::apply_unit(db.as_mut(), &unit).map_err(|e| e.to_string()) {
                    Ok(()) => {
                        let waited = window.load(Ordering::Relaxed);
                        if waited > worst.0 {
                            let first = unit
                                .statements
                                .iter()
                                .map(|s| s.sql.lines().next().unwrap_or("").to_string())
                                .collect::<Vec<_>>()
                                .join(" / ");
                            worst = (waited, first.chars().take(150).collect());
                        }
                        break;
                    }
                    Err(e) if is_lock_timeout(&e) && attempts < 20 => {
                        attempts += 1;
                        thread::sleep(Duration::from_millis(200));
                    }
                    Err(e) => {
                        plan_error = Some(e);
                        break 'apply;
                    }
                }
            }
        }
    }
    let plan_time = started.elapsed();
    thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        let _ = handle.join();
    }
    if let Some(e) = plan_error {
        return Err(e);
    }
    Ok(Figures {
        longest_wait: Duration::from_micros(longest.load(Ordering::Relaxed)),
        worst_during: worst.1,
        writes: writes.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        plan_time,
    })
}

/// PostgreSQL's "canceling statement due to lock timeout", MySQL's "Lock wait timeout exceeded".
fn is_lock_timeout(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("lock timeout") || lower.contains("lock wait timeout")
}
