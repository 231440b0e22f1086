//! The wizard end to end: the real binary in tmux on an example project, walked from status to
//! written files with send-keys, the screen read back with capture-pane. Without tmux the test
//! is skipped locally and fails under `CI=true`.

use std::path::{Path, PathBuf};
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

/// The dbmate example without migen.toml: the wizard starts on what detection found (dbmate in
/// db/migrations), switching the target moves the folder to that tool's (Prisma's
/// prisma/migrations), each write lands in its tool's folder, and a target whose folder holds
/// dbmate's migrations (golang-migrate's db/migrations) is refused with the reason.
#[test]
fn the_wizard_keeps_each_tool_in_its_own_folder() {
    if !tmux_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let project = example_project(root.path(), "dbmate");
    std::fs::remove_file(project.join("migen.toml")).unwrap();
    let count = |dir: &str| {
        std::fs::read_dir(project.join(dir))
            .map(|entries| entries.count())
            .unwrap_or(0)
    };
    assert_eq!(count("db/migrations"), 1);

    // To the Options screen, answering the rename question migen.toml used to answer.
    let options = |label: &str| {
        let session = start(&project, label);
        let status = session.wait_for("changes pending");
        assert!(status.contains("dbmate in db/migrations"), "{status}");
        assert!(status.contains("db/schema.sql"), "{status}");
        session.keys(&["Enter"]);
        session.wait_for("full_name");
        session.keys(&["y"]);
        std::thread::sleep(Duration::from_millis(300));
        session.keys(&["Enter"]);
        let screen = session.wait_for("What to write");
        (session, screen)
    };
    let write = |session: &Session, previewed: &str, folder: &str| {
        session.keys(&["Enter"]);
        session.wait_for(previewed);
        session.keys(&["w"]);
        session.wait_for("These files will be written");
        session.keys(&["Enter"]);
        let done = session.wait_for("Written:");
        assert!(done.contains(folder), "{done}");
        session.keys(&["q"]);
    };

    let (session, screen) = options("dbmate_default");
    assert!(screen.contains("‹ dbmate ›"), "{screen}");
    assert!(screen.contains("folder    db/migrations"), "{screen}");
    write(&session, "-- migrate:up", "db/migrations/");
    assert_eq!(count("db/migrations"), 2);
    // Each session is kept until the next one runs: killing the last session of the tmux server
    // stops it, and a session started meanwhile would go with it.
    let first = session;

    let (session, _) = options("to_prisma");
    drop(first);
    session.keys(&["Right"]);
    let screen = session.wait_for("‹ prisma ›");
    assert!(screen.contains("folder    prisma/migrations"), "{screen}");
    write(&session, "migration.sql", "prisma/migrations/");
    let second = session;
    let prisma: Vec<PathBuf> = std::fs::read_dir(project.join("prisma/migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("migration.sql").is_file())
        .collect();
    assert_eq!(prisma.len(), 1, "{prisma:?}");
    assert_eq!(
        count("db/migrations"),
        2,
        "nothing of Prisma's among dbmate's"
    );

    let (session, _) = options("to_golang_migrate");
    drop(second);
    // The registry's order: sql, golang-migrate, flyway, dbmate, prisma, …
    session.keys(&["Left"]);
    session.wait_for("‹ flyway ›");
    session.keys(&["Left"]);
    let screen = session.wait_for("‹ golang-migrate ›");
    assert!(screen.contains("folder    db/migrations"), "{screen}");
    let refused = session.wait_for("holds dbmate migrations");
    assert!(
        refused.contains("golang-migrate files do not go there"),
        "{refused}"
    );
    session.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    let still = session.wait_for("holds dbmate migrations");
    assert!(still.contains("What to write"), "{still}");
    session.keys(&["q"]);
    drop(session);
    assert_eq!(
        count("db/migrations"),
        2,
        "nothing written into dbmate's folder"
    );
}

/// Several schemas and a terminal: `migen diff` lists them and asks which; the answer is the
/// schema it reads.
#[test]
fn several_schemas_are_asked_on_a_terminal() {
    if !tmux_available() {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("two");
    let put = |name: &str, text: &str| {
        let path = project.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    put(
        "db/schema.sql",
        "CREATE TABLE from_sql (id integer PRIMARY KEY);\n",
    );
    put(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"sqlite\"\n  url = \"file:dev.db\"\n}\n\nmodel FromPrisma {\n  id Int @id\n}\n",
    );
    let name = format!("migen_e2e_{}_several", std::process::id());
    let command = format!(
        "cd '{}' && '{}' diff --from empty; sleep 30",
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
    let session = Session(name);
    let asked = session.wait_for("Several schemas found here");
    assert!(asked.contains("prisma/schema.prisma (prisma)"), "{asked}");
    assert!(asked.contains("db/schema.sql (sql)"), "{asked}");
    // The second entry: the SQL file.
    session.keys(&["Down"]);
    session.keys(&["Enter"]);
    let done = session.wait_for("create table from_sql");
    assert!(!done.contains("FromPrisma"), "{done}");
}
