//! Snapshots of every screen at 80x24 and 120x40 in the dark and light themes (ratatui's
//! TestBackend; the .snap files live in the top-level `snapshots/`), and the wizard driven
//! through its actions.

use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Step};
use super::keys::Action;
use super::session::{Choices, Fact, Files, Inputs, Session};
use super::theme::Theme;
use crate::diff::RenameAnswers;
use crate::model::{Dialect, Version};
use crate::pipeline::{Config, Loaded, ServerFacts, SourceSpec};
use crate::plan::{PlanOptions, Strategy};
use crate::render::Target;

const BEFORE: &str = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, legacy text);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL, total integer);";
const AFTER: &str = "CREATE TABLE users (id integer PRIMARY KEY, full_name text NOT NULL, email text);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total integer NOT NULL DEFAULT 0);
CREATE INDEX orders_user_id_idx ON orders (user_id);";

fn session_for(before: &str, after: &str, answers: &[&str]) -> Session {
    let parse =
        |sql: &str| crate::source::sql::parse(Dialect::Postgres, sql, "schema.sql").unwrap();
    let version = Version::parse("postgres:15").unwrap();
    let mut session = Session::new(
        Choices {
            target: Target::parse("dbmate").unwrap(),
            strategy: Strategy::Direct,
            files: Files::Quick,
            name: String::new(),
            dir: PathBuf::from("db/migrations"),
        },
        1_795_000_000,
    );
    session.facts = vec![
        Fact {
            label: "schema".into(),
            value: "db/schema.sql".into(),
        },
        Fact {
            label: "compared with".into(),
            value: "db/schema.sql at git HEAD".into(),
        },
        Fact {
            label: "database".into(),
            value: version.label(),
        },
        Fact {
            label: "migrations".into(),
            value: "dbmate in db/migrations · last 20260101000000_init.sql".into(),
        },
    ];
    session.inputs = Some(Inputs {
        loaded: Loaded {
            config: Config::default(),
            from_spec: SourceSpec::Empty,
            to_spec: SourceSpec::Empty,
            before: parse(before),
            after: parse(after),
            answers: RenameAnswers::default(),
            notes: Vec::new(),
            orm_state: Default::default(),
        },
        server: ServerFacts {
            version,
            note: None,
            stats: None,
        },
        options: PlanOptions {
            version: Some(version),
            ..PlanOptions::default()
        },
        server_url: None,
        config_path: PathBuf::from("migen.toml"),
        project: None,
    });
    session.answers = RenameAnswers::parse(
        &answers.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        false,
    )
    .unwrap();
    // orders.total becomes NOT NULL: these tests are about other things, so no fill is asked
    // (`fill_session` asks it).
    session.answers.fills.none_needed = true;
    session.replan();
    session
}

/// The example with orders.total made NOT NULL without a default: its fill question open.
fn fill_session() -> Session {
    let after = AFTER.replace("total integer NOT NULL DEFAULT 0", "total integer NOT NULL");
    let mut session = session_for(BEFORE, &after, &["users.name=full_name"]);
    session.answers.fills.none_needed = false;
    session.replan();
    session
}

fn key(app: &mut App, code: crossterm::event::KeyCode) {
    app.handle_key(crossterm::event::KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    ));
}

/// Type `text` and press enter.
fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, crossterm::event::KeyCode::Char(c));
    }
    key(app, crossterm::event::KeyCode::Enter);
}

#[test]
fn a_fill_question_is_answered_with_sql_typed_on_the_summary() {
    let mut app = app("dark", fill_session());
    assert_eq!(app.session.fill_questions().len(), 1);
    app.dispatch(Action::Next);
    let summary = draw(&mut app, 120, 40);
    assert!(summary.contains("orders.total"), "{summary}");
    assert!(summary.contains("--fill orders.total="), "{summary}");
    // Options stay closed while the question is open.
    app.dispatch(Action::Next);
    assert_eq!(app.step, Step::Summary);
    // A value that does not parse is refused, and the question stays.
    app.dispatch(Action::Edit);
    let typing = draw(&mut app, 120, 40);
    assert!(typing.contains("value: "), "{typing}");
    type_text(&mut app, "0 +");
    assert!(app.session.error.is_some());
    assert_eq!(app.session.fill_questions().len(), 1);
    // An expression over the row, a typo erased on the way.
    app.dispatch(Action::Edit);
    for c in "user_id * 23".chars() {
        key(&mut app, crossterm::event::KeyCode::Char(c));
    }
    key(&mut app, crossterm::event::KeyCode::Backspace);
    key(&mut app, crossterm::event::KeyCode::Enter);
    assert!(
        app.session.fill_questions().is_empty(),
        "{:?}",
        app.session.error
    );
    let plan = app.session.plan.as_ref().unwrap();
    assert!(
        plan.up.iter().any(|s| s
            .sql
            .contains("UPDATE orders SET total = user_id * 2 WHERE total IS NULL")),
        "{:#?}",
        plan.up
    );
    app.dispatch(Action::Next);
    assert_eq!(app.step, Step::Options);
}

fn app(theme: &str, session: Session) -> App {
    App::new(session, Theme::load(theme, None).unwrap())
}

fn draw(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    terminal.backend().to_string()
}

fn snap(name: &str, text: &str) {
    insta::with_settings!(
        { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => true },
        { insta::assert_snapshot!(name, text) }
    );
}

/// Every screen, at both sizes, in both themes.
#[test]
fn every_screen_at_both_sizes_in_both_themes() {
    for theme in ["dark", "light"] {
        for (width, height) in [(80, 24), (120, 40)] {
            let mut app = app(theme, session_for(BEFORE, AFTER, &["users.name=full_name"]));
            let mut shots = Vec::new();
            shots.push(("status", draw(&mut app, width, height)));
            app.dispatch(Action::Next);
            assert_eq!(app.step, Step::Summary);
            app.dispatch(Action::Toggle);
            shots.push(("summary_expanded", draw(&mut app, width, height)));
            app.dispatch(Action::Next);
            assert_eq!(app.step, Step::Options);
            shots.push(("options", draw(&mut app, width, height)));
            app.dispatch(Action::Next);
            assert_eq!(app.step, Step::Preview, "{:?}", app.session.error);
            shots.push(("preview", draw(&mut app, width, height)));
            app.dispatch(Action::Next);
            assert_eq!(app.step, Step::Write);
            shots.push(("write", draw(&mut app, width, height)));
            // The example drops users.legacy: enter alone writes nothing.
            app.dispatch(Action::Next);
            assert!(app.session.written.is_empty());
            app.dispatch(Action::Help);
            shots.push(("help", draw(&mut app, width, height)));
            for (screen, text) in shots {
                snap(&format!("{screen}_{theme}_{width}x{height}"), &text);
            }
        }
    }
}

#[test]
fn a_likely_rename_is_asked_and_answered_on_the_summary() {
    let mut app = app("dark", session_for(BEFORE, AFTER, &[]));
    assert!(!app.session.questions().is_empty());
    let status = draw(&mut app, 80, 24);
    assert!(status.contains("likely rename"), "{status}");
    app.dispatch(Action::Next);
    let summary = draw(&mut app, 80, 24);
    snap("summary_rename_question", &summary);
    // Options stay closed while a question is open.
    app.dispatch(Action::Next);
    assert_eq!(app.step, Step::Summary);
    app.dispatch(Action::Yes);
    assert!(app.session.questions().is_empty());
    let renamed = app
        .session
        .plan
        .as_ref()
        .unwrap()
        .changes
        .iter()
        .any(|c| c.describe() == "rename column users.name to full_name");
    assert!(renamed);
    app.dispatch(Action::Next);
    assert_eq!(app.step, Step::Options);
}

#[test]
fn a_bad_schema_and_an_empty_project_say_what_to_do() {
    let mut broken = session_for(BEFORE, AFTER, &[]);
    broken.inputs = None;
    broken.plan = None;
    broken.problem = Some(
        "The schema could not be read:\ndb/schema.sql:2:31: Expected: an SQL statement, found: )"
            .into(),
    );
    let mut app = app("dark", broken);
    let text = draw(&mut app, 80, 24);
    snap("status_error", &text);
    app.dispatch(Action::Next);
    assert_eq!(app.step, Step::Status, "nothing to go on to");

    let mut empty = session_for(BEFORE, AFTER, &[]);
    empty.inputs = None;
    empty.plan = None;
    empty.facts.clear();
    empty.problem = Some(
        "Nothing to do here yet: no schema was given and there is no migen.toml naming one.".into(),
    );
    snap(
        "status_empty_project",
        &draw(&mut self::app("light", empty), 80, 24),
    );

    let mut same = app_same();
    let text = draw(&mut same, 80, 24);
    assert!(text.contains("No changes"), "{text}");
}

fn app_same() -> App {
    app("dark", session_for(BEFORE, BEFORE, &[]))
}

#[test]
fn options_change_the_plan_and_the_files() {
    let mut app = app(
        "dark",
        session_for(BEFORE, AFTER, &["users.name=full_name"]),
    );
    app.dispatch(Action::Next);
    app.dispatch(Action::Next);
    // strategy: direct → zero-downtime
    app.dispatch(Action::Down);
    app.dispatch(Action::Right);
    assert_eq!(app.session.choices.strategy, Strategy::ZeroDowntime);
    // files: quick → with tests
    app.dispatch(Action::Down);
    app.dispatch(Action::Right);
    assert_eq!(app.session.choices.files, Files::WithTests);
    app.dispatch(Action::Next);
    let names: Vec<String> = app
        .session
        .artifacts
        .iter()
        .map(|a| a.path.display().to_string())
        .collect();
    assert!(names.iter().any(|n| n.contains("_expand")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("test.sh")), "{names:?}");
    // The preview is highlighted: the buffer holds RGB colours.
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    assert!(format!("{:?}", terminal.backend().buffer()).contains("Rgb("));
}

/// migen.toml's folder belongs to its target: choosing another target moves the files to that
/// target's folder, and choosing the configured target again brings them back.
#[test]
fn the_folder_follows_the_target() {
    let mut session = session_for(BEFORE, AFTER, &["users.name=full_name"]);
    let config = &mut session.inputs.as_mut().unwrap().loaded.config;
    config.target = Some("dbmate".into());
    config.migrations_dir = Some(PathBuf::from("db/schema-changes"));
    session.choices.dir = PathBuf::from("db/schema-changes");
    let mut app = app("dark", session);
    app.dispatch(Action::Next);
    app.dispatch(Action::Next);
    app.dispatch(Action::Right);
    let moved = app.session.choices.target;
    assert_ne!(moved, Target::parse("dbmate").unwrap());
    assert_eq!(app.session.choices.dir, PathBuf::from(moved.default_dir()));
    app.dispatch(Action::Left);
    assert_eq!(app.session.choices.target, Target::parse("dbmate").unwrap());
    assert_eq!(app.session.choices.dir, PathBuf::from("db/schema-changes"));
}

#[test]
fn a_lossy_migration_is_written_only_after_an_explicit_yes() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = session_for(BEFORE, AFTER, &["users.name=full_name"]);
    session.choices.dir = dir.path().join("db/migrations");
    let mut app = app("dark", session);
    for _ in 0..4 {
        app.dispatch(Action::Next);
    }
    assert_eq!(app.step, Step::Write);
    app.dispatch(Action::Next);
    assert!(app.session.written.is_empty(), "refused without the yes");
    app.dispatch(Action::Save);
    let screen = draw(&mut app, 100, 30);
    assert!(screen.contains("Data loss allowed"), "{screen}");
    app.dispatch(Action::Next);
    assert_eq!(app.session.error, None);
    assert_eq!(app.session.written.len(), 1, "{:?}", app.session.written);
    assert!(app.session.written[0].starts_with(dir.path()));
    // PostgreSQL without a server: written unverified, and the screen says so beforehand.
    assert!(app.session.verification.is_none());
}

#[test]
fn quit_and_back_leave_from_every_screen() {
    let mut app = app(
        "dark",
        session_for(BEFORE, AFTER, &["users.name=full_name"]),
    );
    app.dispatch(Action::Next);
    app.dispatch(Action::Back);
    assert_eq!(app.step, Step::Status);
    app.dispatch(Action::Back);
    assert!(!app.running, "esc on the first screen leaves");
    let mut app = app_same();
    app.dispatch(Action::Quit);
    assert!(!app.running);
}

#[test]
fn a_saved_rename_answer_lands_in_migen_toml() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("migen.toml");
    std::fs::write(&config, "[database]\ndialect = \"postgres\"\n").unwrap();
    let mut session = session_for(BEFORE, AFTER, &[]);
    session.inputs.as_mut().unwrap().config_path = config.clone();
    let mut app = app("dark", session);
    app.dispatch(Action::Next);
    let question = app.session.questions()[0].answer();
    app.dispatch(Action::Save);
    assert_eq!(app.session.error, None);
    assert!(app.session.questions().is_empty());
    let text = std::fs::read_to_string(&config).unwrap();
    let loaded = Config::load(dir.path()).unwrap();
    assert_eq!(loaded.renames, [question], "{text}");
    assert!(text.starts_with("[database]\n"), "the rest is kept: {text}");
}
