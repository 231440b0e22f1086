//! The wizard end to end: the real binary in tmux on an example project, walked from status to
//! written files with send-keys, the screen read back with capture-pane. Without tmux the test
//! is skipped locally and fails under `CI=true`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let output = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

impl Session {
    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.0])
    }

    /// Wait until the screen shows `text` (the wizard works off the UI thread).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("the screen never showed {text:?}:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.0.as_str()];
        args.extend_from_slice(keys);
        tmux(&args);
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.0])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

fn tmux_available() -> bool {
    if Command::new("tmux").arg("-V").output().is_ok() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("tmux is missing under CI=true (.ci/run installs it)");
    }
    eprintln!("skipping the tmux walk-through: tmux is not installed");
    false
}

/// An example project (examples/projects) for `target`, made in `root`.
fn example_project(root: &Path, target: &str) -> std::path::PathBuf {
    let project = root.join(target);
    let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects/setup.sh");
    let made = Command::new("bash")
        .arg(&setup)
        .arg(target)
        .arg(&project)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    project
}

/// `migen tui` in a detached tmux session of 120x40 in `project`.
fn start(project: &Path, label: &str) -> Session {
    let name = format!("migen_e2e_{}_{label}", std::process::id());
    let command = format!(
        "cd '{}' && '{}' tui --theme light; sleep 30",
        project.display(),
        env!("CARGO_BIN_EXE_migen")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    Session(name)
}

#[test]
fn the_wizard_opens_on_every_example_project() {
    if !tmux_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    for target in [
        "sql",
        "golang-migrate",
        "flyway",
        "prisma",
        "alembic",
        "django",
    ] {
        let project = example_project(root.path(), target);
        let session = start(&project, target);
        let status = session.wait_for("changes pending");
        assert!(status.contains(&format!("{target} in")), "{status}");
        session.keys(&["q"]);
    }
}

#[test]
fn the_wizard_walks_from_status_to_written_files() {
    if !tmux_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let project = example_project(root.path(), "dbmate");
    let session = start(&project, "walk");

    let status = session.wait_for("changes pending");
    assert!(status.contains("dbmate in db/migrations"), "{status}");
    assert!(status.contains("SQLite 3.40"), "{status}");
    session.keys(&["Enter"]);
    session.wait_for("lock:");
    session.keys(&["Space"]);
    let explained = session.wait_for("why:");
    assert!(explained.contains("instead:"), "{explained}");
    session.keys(&["?"]);
    session.wait_for("Summary screen keys");
    session.keys(&["Escape"]);
    session.keys(&["Enter"]);
    session.wait_for("What to write");
    session.keys(&["Down", "Down", "Right"]);
    session.wait_for("with tests");
    session.keys(&["Enter"]);
    let preview = session.wait_for("test.sh");
    assert!(preview.contains("-- migrate:up"), "{preview}");
    session.keys(&["w"]);
    session.wait_for("These files will be written");
    session.keys(&["Enter"]);
    let done = session.wait_for("Written:");
    assert!(done.contains("pass"), "verified before writing:\n{done}");
    assert!(done.contains("dbmate migrate"), "{done}");
    session.keys(&["q"]);
    // The wizard left and gave the terminal back: the shell's sleep runs on a clean screen.
    let start = Instant::now();
    while session.screen().contains("Written:") && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(session.alive());
    assert!(
        !session.screen().contains("Written:"),
        "{}",
        session.screen()
    );

    let written: Vec<String> = std::fs::read_dir(project.join("db/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        written.len(),
        3,
        "init, the new migration and its test folder: {written:?}"
    );
    let test = std::fs::read_dir(project.join("db/migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "migen"))
        .expect("the test folder")
        .join("test.sh");
    let ran = Command::new("bash").arg(&test).output().unwrap();
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
}

/// The Django example through the wizard: the previewed files are Django migrations named and
/// chained the way Django does, and writing them puts one in each changed app.
#[test]
fn the_wizard_writes_django_migrations() {
    if !tmux_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let project = example_project(root.path(), "django");
    let session = start(&project, "django_walk");
    let status = session.wait_for("changes pending");
    assert!(status.contains("project       django"), "{status}");
    session.keys(&["Enter"]);
    session.wait_for("lock:");
    session.keys(&["Enter"]);
    let options = session.wait_for("What to write");
    assert!(options.contains("‹ django ›"), "{options}");
    session.keys(&["Enter"]);
    let preview = session.wait_for("migrations.RenameField(");
    assert!(
        preview.contains("('customers', '0001_initial'),"),
        "{preview}"
    );
    session.keys(&["w"]);
    let confirm = session.wait_for("These files will be written");
    assert!(confirm.contains("manage.py migrate"), "{confirm}");
    session.keys(&["Enter"]);
    let done = session.wait_for("Written:");
    assert!(
        done.contains("customers/migrations/0002_") && done.contains("orders/migrations/0002_"),
        "{done}"
    );
    session.keys(&["q"]);
    for app in ["customers", "orders"] {
        let names: Vec<String> = std::fs::read_dir(project.join(app).join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("0002_") && n.ends_with(".py"))
            .collect();
        assert_eq!(names.len(), 1, "{app}: {names:?}");
    }
}
