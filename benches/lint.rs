//! Lint benchmark: `migen lint` (`lint::lint_scripts`) on one PostgreSQL migration of N CREATE
//! TABLE statements, with an index and an ALTER TABLE after every tenth table. Issue 19 measured
//! 45 s for 1,000 tables and over 120 s for 2,000 (each statement re-read the whole schema so
//! far); the goal is 2,000 under 2 s, growing linearly.
//!
//! Figures per size: wall time and this thread's CPU time (from /proc, steadier than wall time on
//! a loaded machine), best of `MIGEN_BENCH_RUNS` runs (default 3), then the growth ratio from the
//! smallest to the largest size against the ratio of sizes. Nothing is asserted: this is a
//! measurement, not a test.
//!
//! Run with `cargo bench --bench lint`. `MIGEN_BENCH_SIZES` (default `500,1000,2000`) changes
//! the sizes, `MIGEN_BENCH_EVERY` (default 10, 0 for none) how many tables come between two
//! index-and-ALTER pairs. Only plain CREATE TABLEs are read on their own; every other statement
//! still re-reads the schema text before it, so those pairs grow quadratically.

use std::time::{Duration, Instant};

use migen::lint;
use migen::model::{Dialect, Schema, Version};

/// Nanoseconds this thread has run on a CPU (Linux), if the kernel tells.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn script(tables: usize, every: usize) -> String {
    let mut text = String::new();
    for n in 0..tables {
        text.push_str(&format!(
            "CREATE TABLE t{n} (id bigint PRIMARY KEY, name text NOT NULL, score integer, \
             created_at timestamptz NOT NULL DEFAULT now());\n"
        ));
        if every > 0 && n % every == every - 1 {
            text.push_str(&format!("CREATE INDEX t{n}_name_idx ON t{n} (name);\n"));
            text.push_str(&format!("ALTER TABLE t{n} ADD COLUMN note text;\n"));
        }
    }
    text
}

fn main() {
    let sizes: Vec<usize> = std::env::var("MIGEN_BENCH_SIZES")
        .unwrap_or_else(|_| "500,1000,2000".to_string())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("MIGEN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let every: usize = std::env::var("MIGEN_BENCH_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let base = Schema::empty(Dialect::Postgres);
    let version = Version::parse("postgres:15").expect("a version");
    let mut figures = Vec::new();
    for &size in &sizes {
        let scripts = vec![("bench.sql".to_string(), script(size, every))];
        let mut best_wall = Duration::MAX;
        let mut best_cpu = Duration::MAX;
        let mut findings = 0;
        for _ in 0..runs.max(1) {
            let cpu_start = cpu_time();
            let start = Instant::now();
            findings = lint::lint_scripts(&scripts, &base, &version)
                .expect("the bench script lints")
                .len();
            best_wall = best_wall.min(start.elapsed());
            if let (Some(before), Some(after)) = (cpu_start, cpu_time()) {
                best_cpu = best_cpu.min(after - before);
            }
        }
        println!(
            "lint {size:>5} CREATE TABLEs (+{} indexes, +{} ALTERs): wall {:>9.1} ms, cpu {:>9.1} ms, {findings} findings",
            size.checked_div(every).unwrap_or(0),
            size.checked_div(every).unwrap_or(0),
            best_wall.as_secs_f64() * 1000.0,
            best_cpu.as_secs_f64() * 1000.0,
        );
        figures.push((size, best_cpu));
    }
    if let (Some(&(small, small_cpu)), Some(&(large, large_cpu))) =
        (figures.first(), figures.last())
        && large > small
        && !small_cpu.is_zero()
    {
        let sizes = large as f64 / small as f64;
        println!(
            "growth {small} -> {large} statements (x{sizes:.1}): cpu x{:.2} (linear: x{sizes:.1}, quadratic: x{:.1})",
            large_cpu.as_secs_f64() / small_cpu.as_secs_f64(),
            sizes.powi(2),
        );
    }
}
