//! Wizard benchmark: time to the first frame on the bundled example project (detection,
//! loading both schemas, planning, drawing), and the time to draw one frame of the change
//! summary for a plan of 5,000 changes. Medians in milliseconds; targets 100 ms and 5 ms.
//! Nothing is asserted. Run with `cargo bench --bench tui`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use migen::cli::{Cli, Command as MigenCommand};
use migen::tui::app::App;
use migen::tui::keys::Action;
use migen::tui::theme::Theme;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.com")
        .env("GIT_COMMITTER_NAME", "bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.com")
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git {args:?}");
}

fn first_frame() -> f64 {
    let shop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    std::fs::create_dir_all(root.join("db")).unwrap();
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/projects/dbmate/migen.toml"),
        root.join("migen.toml"),
    )
    .unwrap();
    std::fs::copy(shop.join("before.sql"), root.join("db/schema.sql")).unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "shop"]);
    std::fs::copy(shop.join("after.sql"), root.join("db/schema.sql")).unwrap();
    std::env::set_current_dir(root).unwrap();
    let Cli {
        command: MigenCommand::Tui(args),
    } = Cli::parse_from(["migen", "tui"])
    else {
        unreachable!("tui parses as tui");
    };
    let mut samples = Vec::new();
    for _ in 0..15 {
        let start = Instant::now();
        let config = migen::config::Config::current().unwrap();
        let session = migen::cli::tui_session(&args, &config, 1_795_000_000);
        let mut app = App::new(session, Theme::load("dark", None).unwrap());
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal.draw(|frame| app.render(frame)).unwrap();
        samples.push(start.elapsed());
    }
    median(samples)
}

fn large_summary_frame() -> (usize, f64) {
    let tables = 1_000;
    let mut before = String::new();
    let mut after = String::new();
    for t in 0..tables {
        before.push_str(&format!(
            "CREATE TABLE t{t} (id integer PRIMARY KEY, a text);\n"
        ));
        after.push_str(&format!(
            "CREATE TABLE t{t} (id integer PRIMARY KEY, a text, b1 integer, b2 text, b3 integer, b4 text, b5 integer);\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("before.sql"), before).unwrap();
    std::fs::write(dir.path().join("after.sql"), after).unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let Cli {
        command: MigenCommand::Tui(args),
    } = Cli::parse_from([
        "migen",
        "tui",
        "--from",
        "before.sql",
        "--to",
        "after.sql",
        "--dialect",
        "postgres",
        "--db-version",
        "postgres:15",
    ])
    else {
        unreachable!("tui parses as tui");
    };
    let session = migen::cli::tui_session(&args, &Default::default(), 1_795_000_000);
    let changes = session.plan.as_ref().map_or(0, |p| p.changes.len());
    let mut app = App::new(session, Theme::load("dark", None).unwrap());
    app.dispatch(Action::Next);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut samples = Vec::new();
    for frame in 0..50 {
        if frame % 10 == 0 {
            app.dispatch(Action::Down);
        }
        let start = Instant::now();
        terminal.draw(|f| app.render(f)).unwrap();
        samples.push(start.elapsed());
    }
    (changes, median(samples))
}

fn main() {
    let first = first_frame();
    println!(
        "first frame on the shop example (detect, load, plan, draw): {first:.1} ms (target < 100 ms)"
    );
    let (changes, frame) = large_summary_frame();
    println!("summary frame with {changes} changes: {frame:.2} ms (target < 5 ms)");
}
