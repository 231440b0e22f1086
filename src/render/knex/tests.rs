//! The Knex renderer on small plans: names, TypeScript, transactions, escaping, honest downs.
//! `tests/knex.rs` runs what it writes with Knex itself.

use super::*;
use crate::plan::Strategy;
use crate::render::Context;
use crate::render::layout::tests::{context, render_plan, sql_plan};

fn plan(dialect: Dialect, before: &str, after: &str, strategy: Strategy) -> Plan {
    sql_plan(dialect, before, after, strategy)
}

fn rendered(plan: &Plan, context: &Context) -> Rendered {
    render_plan(&Knex, plan, context)
}

const BOOK: &str = "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL);";

#[test]
fn files_are_named_as_knex_migrate_make_names_them() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, subtitle varchar(100));",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    assert_eq!(out.artifacts.len(), 1);
    assert_eq!(
        out.artifacts[0].path,
        std::path::Path::new("db/migrations/20261231235959_add_phone.js")
    );
    let text = &out.artifacts[0].contents;
    assert!(
        text.contains("exports.up = async function (knex) {"),
        "{text}"
    );
    assert!(
        text.contains(
            r#"await knex.raw('ALTER TABLE book ADD COLUMN subtitle character varying(100)');"#
        ),
        "{text}"
    );
    assert!(!text.contains("transaction: false"), "{text}");
    // After a TypeScript migration already there (even with a later clock), TypeScript.
    let out = rendered(
        &plan,
        &context(&["20991231235959_init.ts", "knexfile.ts"], 1_798_761_599),
    );
    assert!(
        out.artifacts[0]
            .path
            .ends_with("21000101000000_add_phone.ts")
    );
    let text = &out.artifacts[0].contents;
    assert!(
        text.contains("export async function up(knex: Knex): Promise<void> {"),
        "{text}"
    );
    assert!(
        text.contains("import type { Knex } from \"knex\";"),
        "{text}"
    );
}

#[test]
fn concurrent_builds_run_outside_knex_transaction_on_one_connection() {
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
        text.contains("exports.config = { transaction: false };"),
        "{text}"
    );
    assert!(
        text.contains("await onOneConnection(knex, async (sql) => {"),
        "{text}"
    );
    // Phases follow each other.
    let names: Vec<String> = out
        .artifacts
        .iter()
        .map(|a| a.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn hostile_defaults_and_names_are_escaped_for_javascript_and_knex() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, \"wh?t`s\" text DEFAULT 'it''s a \\ ${x} ?');",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let text = &out.artifacts[0].contents;
    assert!(
        text.contains(r#"await knex.raw('ALTER TABLE book ADD COLUMN "wh\\?t`s" text DEFAULT \'it\'\'s a \\ ${x} \\?\'');"#),
        "{text}"
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
    assert!(text.contains("// Cannot restore ("), "{text}");
    assert!(
        text.contains("await knex.schema.dropTable('author');"),
        "{text}"
    );
}
