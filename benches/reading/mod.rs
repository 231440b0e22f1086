//! What the ORM reading benchmarks (typeorm, sequelize, drizzle) share: their settings from the
//! environment, writing the generated project, and timing one read many times.

use std::path::Path;
use std::time::{Duration, Instant};

/// Each reader's goal: a 500-file project read statically in under 100 ms.
pub const GOAL: Duration = Duration::from_millis(100);

/// A size or count from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Write `text` at `path` under `root`, making the folders.
pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Time `read` `MIGEN_BENCH_RUNS` times (default 15) and print `what` with the median and the
/// worst, in milliseconds, against the goal.
pub fn time_reads<T>(what: &str, read: impl Fn() -> T) {
    let runs = env_number("MIGEN_BENCH_RUNS", 15).max(1);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(read());
            start.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    println!(
        "{what}  median {:>7.2} ms  worst {:>7.2} ms  {}",
        ms(median),
        ms(times[times.len() - 1]),
        if median < GOAL { "ok" } else { "OVER GOAL" }
    );
}
