//! The Sequelize renderer on small plans: names, the skeleton, transactions, escaping, honest
//! downs. `tests/sequelize.rs` runs what it writes with sequelize-cli itself.

use super::*;
use crate::plan::Strategy;
use crate::render::Context;
use crate::render::layout::tests::{context, render_plan, sql_plan};

fn plan(dialect: Dialect, before: &str, after: &str, strategy: Strategy) -> Plan {
    sql_plan(dialect, before, after, strategy)
}

fn rendered(plan: &Plan, context: &Context) -> Rendered {
    render_plan(&Sequelize, plan, context)
}

const BOOK: &str = "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL);";

fn names(out: &Rendered) -> Vec<String> {
    out.artifacts
        .iter()
        .map(|a| a.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn files_are_named_and_shaped_as_sequelize_cli_writes_them() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, subtitle varchar(100));",
        Strategy::Direct,
    );
    // After a file already there with a later clock, the new one still sorts last.
    let out = rendered(
        &plan,
        &context(&["20991231235959-create-book.js"], 1_798_761_599),
    );
    assert_eq!(names(&out), ["21000101000000-add-phone.js"]);
    assert_eq!(
        out.artifacts[0].path.parent().unwrap(),
        std::path::Path::new("db/migrations")
    );
    let text = &out.artifacts[0].contents;
    assert!(text.starts_with("'use strict';\n"), "{text}");
    for expected in [
        "/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n  async up (queryInterface, Sequelize) {\n",
        "  async down (queryInterface, Sequelize) {\n",
        "    await queryInterface.sequelize.transaction(async (transaction) => {\n",
        "      await queryInterface.sequelize.query('ALTER TABLE book ADD COLUMN subtitle character varying(100)', { transaction });\n",
        "await queryInterface.sequelize.query('ALTER TABLE book DROP COLUMN subtitle', { transaction });",
    ] {
        assert!(text.contains(expected), "no {expected:?} in {text}");
    }
    assert!(!text.contains("onOneConnection"), "{text}");
    assert_eq!(out.versions, ["21000101000000-add-phone"]);
}

#[test]
fn concurrent_builds_run_outside_a_transaction_on_one_connection() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        &format!("{BOOK}\nCREATE INDEX book_title_idx ON book (title);"),
        Strategy::ZeroDowntime,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text: String = out.artifacts.iter().map(|a| a.contents.as_str()).collect();
    assert!(text.contains("CREATE INDEX CONCURRENTLY"), "{text}");
    assert!(
        text.contains("await onOneConnection(queryInterface.sequelize, async (sql, options) => {"),
        "{text}"
    );
    assert!(text.contains("// must run outside a transaction"), "{text}");
    assert!(
        text.contains("async function inTransaction(sql, work) {"),
        "{text}"
    );
    // A concurrent build is nothing `addIndex` writes as planned.
    assert!(!text.contains("queryInterface.addIndex"), "{text}");
    // Phases are files whose names sort in the order they run.
    let names = names(&out);
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.iter().all(|n| n.ends_with(".js")), "{names:?}");
}

#[test]
fn sqlite_foreign_key_switch_stays_outside_the_transaction() {
    let plan = plan(
        Dialect::Sqlite,
        &format!(
            "{BOOK}\nCREATE TABLE review (id integer PRIMARY KEY, book_id integer REFERENCES book (id));"
        ),
        &format!(
            "{BOOK}\nCREATE TABLE review (id integer PRIMARY KEY, book_id integer NOT NULL REFERENCES book (id));"
        ),
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text = &out.artifacts[0].contents;
    // At the indent of the connection's statements, not inside an `inTransaction` group.
    for switch in ["OFF", "ON"] {
        let line = format!(
            "\n      // must run outside a transaction\n      await queryInterface.sequelize.query('PRAGMA foreign_keys = {switch}', options);\n"
        );
        assert_eq!(text.matches(&line).count(), 2, "{line}\n{text}");
    }
    assert!(text.contains("await inTransaction(sql, async () => {\n        await queryInterface.sequelize.query(`CREATE TABLE _migen_new_review"), "{text}");
    assert!(matches!(out.up[0].run, Run::Tool { transaction: false }));
}

#[test]
fn mysql_runs_without_a_transaction() {
    let plan = plan(
        Dialect::Mysql,
        "CREATE TABLE book (id int PRIMARY KEY, title varchar(50) NOT NULL);",
        "CREATE TABLE book (id int PRIMARY KEY, title varchar(50) NOT NULL);\nCREATE INDEX book_title_idx ON book (title);",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text = &out.artifacts[0].contents;
    assert!(!text.contains("sequelize.transaction"), "{text}");
    assert!(!text.contains("inTransaction"), "{text}");
    assert!(
        text.contains(
            "await queryInterface.addIndex('book', ['title'], { name: 'book_title_idx', ...options });"
        ),
        "{text}"
    );
    assert!(
        text.contains("await queryInterface.removeIndex('book', 'book_title_idx', options);"),
        "{text}"
    );
}

#[test]
fn hostile_defaults_and_names_are_escaped_for_javascript() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, \"wh?t`s\" text DEFAULT 'it''s a \\ ${x} ?');",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text = &out.artifacts[0].contents;
    // Sequelize sends the text as it is: no `?` escaping, as there is none to undo.
    assert!(
        text.contains(r#"await queryInterface.sequelize.query('ALTER TABLE book ADD COLUMN "wh?t`s" text DEFAULT \'it\'\'s a \\ ${x} ?\'', { transaction });"#),
        "{text}"
    );
    // Line breaks go into a template literal, where `${` and backticks are escaped.
    assert_eq!(
        js::string("SELECT `a`,\n  '${b}' \\"),
        "`SELECT \\`a\\`,\n  '\\${b}' \\\\`"
    );
}

#[test]
fn the_down_says_what_it_cannot_restore() {
    let plan = plan(
        Dialect::Sqlite,
        &format!("{BOOK}\nCREATE TABLE author (id integer PRIMARY KEY);"),
        BOOK,
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text = &out.artifacts[0].contents;
    let down = &text[text.find("async down").unwrap()..];
    assert!(down.contains("    // Cannot restore ("), "{text}");
    assert!(down.contains("CREATE TABLE author"), "{text}");
}

#[test]
fn the_test_script_undoes_once_per_file_and_the_guide_says_so() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        &format!("{BOOK}\nCREATE INDEX book_title_idx ON book (title);"),
        Strategy::ZeroDowntime,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let steps = runner::steps(&out, Dialect::Postgres);
    assert_eq!(
        steps
            .down
            .matches("sequelize_cli db:migrate:undo\n")
            .count(),
        out.up.len()
    );
    assert!(steps.setup.contains("--migrations-path"), "{}", steps.setup);
    let guide = runner::guide_notes(&out).unwrap();
    assert!(guide.contains("takes 1 call, newest first"), "{guide}");
    assert!(
        guide.contains("-add-phone-expand.js` runs its statements on one connection"),
        "{guide}"
    );
}

#[test]
fn foreign_keys_use_add_constraint_only_where_sequelize_spells_them_the_same() {
    let author = "CREATE TABLE author (id integer PRIMARY KEY);\nCREATE TABLE book (id integer PRIMARY KEY, author_id integer);";
    let with_key = |actions: &str| {
        format!(
            "CREATE TABLE author (id integer PRIMARY KEY);\nCREATE TABLE book (id integer PRIMARY KEY, author_id integer, CONSTRAINT book_author_fk FOREIGN KEY (author_id) REFERENCES author (id){actions});"
        )
    };
    let text = |actions: &str| {
        let plan = plan(
            Dialect::Postgres,
            author,
            &with_key(actions),
            Strategy::Direct,
        );
        rendered(&plan, &context(&[], 1_798_761_599)).artifacts[0]
            .contents
            .clone()
    };
    let one = text(" ON DELETE CASCADE");
    assert!(
        one.contains("await queryInterface.addConstraint('book', { type: 'foreign key', fields: ['author_id'], name: 'book_author_fk', references: { table: 'author', fields: ['id'] }, onDelete: 'CASCADE', transaction });"),
        "{one}"
    );
    assert!(
        one.contains(
            "await queryInterface.removeConstraint('book', 'book_author_fk', { transaction });"
        ),
        "{one}"
    );
    // Sequelize would write ON UPDATE before ON DELETE: migen's SQL says it as planned.
    let both = text(" ON DELETE CASCADE ON UPDATE SET NULL");
    assert!(!both.contains("addConstraint"), "{both}");
    assert!(
        both.contains("ON DELETE CASCADE ON UPDATE SET NULL"),
        "{both}"
    );
}
