//! The Liquibase renderer on small plans: layout, master changelog, changesets per unit,
//! transactions, rollback order. `tests/liquibase.rs` runs what it writes with Liquibase.

use super::*;
use crate::plan::{Plan, Strategy};
use crate::render::Context;
use crate::render::layout::tests::{context, render_plan, sql_plan};

fn plan(dialect: Dialect, before: &str, after: &str, strategy: Strategy) -> Plan {
    sql_plan(dialect, before, after, strategy)
}

fn rendered(plan: &Plan, context: &Context) -> Rendered {
    render_plan(&Liquibase, plan, context)
}

const BOOK: &str = "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL);";

fn changeset_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with("--changeset "))
        .collect()
}

#[test]
fn a_new_project_gets_a_master_changelog_that_includes_the_changes_folder() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, subtitle varchar(100));",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 1_798_761_599));
    let paths: Vec<_> = out.artifacts.iter().map(|a| a.path.clone()).collect();
    assert_eq!(
        paths,
        [
            Path::new("db/migrations/changes/20261231235959-add_phone.sql"),
            Path::new("db/migrations/db.changelog-master.xml"),
        ]
    );
    assert!(
        out.artifacts[1]
            .contents
            .contains(r#"<includeAll path="changes/""#)
    );
    let text = &out.artifacts[0].contents;
    assert!(text.starts_with("--liquibase formatted sql\n"), "{text}");
    assert_eq!(
        changeset_lines(text),
        ["--changeset migen:20261231235959-add_phone-1 labels:direct splitStatements:false"]
    );
    assert!(text.contains("--rollback ALTER TABLE"), "{text}");
    // A project whose master runs `changes/` whole keeps it as it is.
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("db.changelog-master.yaml"),
        "databaseChangeLog:\n  - includeAll:\n      path: changes/\n",
    )
    .unwrap();
    let mut in_project = context(&["db.changelog-master.yaml", "changes"], 1_798_761_599);
    in_project.dir = project.path().to_path_buf();
    assert_eq!(rendered(&plan, &in_project).artifacts.len(), 1);
}

#[test]
fn a_master_that_lists_its_changelogs_is_rewritten_with_the_new_one() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, subtitle varchar(100));",
        Strategy::Direct,
    );
    let project = tempfile::tempdir().unwrap();
    let master =
        "<databaseChangeLog>\n  <include file=\"changes/1-init.sql\"/>\n</databaseChangeLog>\n";
    std::fs::write(project.path().join("db.changelog-master.xml"), master).unwrap();
    let mut in_project = context(&["db.changelog-master.xml", "changes"], 1_798_761_599);
    in_project.dir = project.path().to_path_buf();
    let out = rendered(&plan, &in_project);
    let kinds: Vec<_> = out.artifacts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [ArtifactKind::Migration, ArtifactKind::Replacement]);
    assert_eq!(
        out.artifacts[1].path,
        project.path().join("db.changelog-master.xml")
    );
    assert_eq!(
        out.artifacts[1].contents,
        "<databaseChangeLog>\n  <include file=\"changes/1-init.sql\"/>\n  <include file=\"changes/20261231235959-add_phone.sql\"/>\n</databaseChangeLog>\n"
    );
    // A malformed master is an error at its line and column.
    std::fs::write(
        project.path().join("db.changelog-master.xml"),
        "<databaseChangeLog>\n  <include file=\"a.sql\">\n</databaseChangeLog>\n",
    )
    .unwrap();
    let before = crate::model::Schema::empty(plan.dialect);
    let facts = crate::render::Facts {
        before: &before,
        after: &before,
        findings: &[],
        version: &crate::model::Version::oldest_supported(plan.dialect),
        stats: None,
    };
    let job = Job {
        plan: &plan,
        context: &in_project,
        facts: &facts,
        orm: None,
    };
    let Err(error) = Liquibase.render(&job) else {
        panic!("a malformed master is refused")
    };
    assert_eq!(error.exit_code(), 2);
    assert!(
        error.to_string().contains("db.changelog-master.xml:3:"),
        "{error}"
    );
}

#[test]
fn what_cannot_run_in_a_transaction_is_a_changeset_of_its_own() {
    let plan = plan(
        Dialect::Postgres,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL);\nCREATE INDEX book_title ON book (title);",
        Strategy::ZeroDowntime,
    );
    let out = rendered(&plan, &context(&[], 0));
    let text = &out.artifacts[0].contents;
    let lines = changeset_lines(text);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("runInTransaction:false") && l.contains("labels:expand")),
        "{text}"
    );
    let concurrently = text
        .split("--changeset ")
        .find(|c| c.contains("CREATE INDEX CONCURRENTLY"))
        .unwrap();
    assert!(concurrently.starts_with("migen:"), "{concurrently}");
    assert!(
        concurrently
            .lines()
            .next()
            .unwrap()
            .contains("runInTransaction:false"),
        "{concurrently}"
    );
    // Ids are unique within the file.
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), lines.len());
}

#[test]
fn bodies_with_semicolons_end_at_the_delimiter_line() {
    let plan = plan(
        Dialect::Sqlite,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL);\nCREATE TRIGGER book_t AFTER INSERT ON book BEGIN UPDATE book SET title = 'a;b' WHERE id = NEW.id; END;",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 0));
    let text = &out.artifacts[0].contents;
    assert!(
        text.contains("WHERE id = NEW.id; END\n/\n") || text.contains("END\n/\n"),
        "{text}"
    );
    assert!(text.contains("--rollback DROP TRIGGER"), "{text}");
}

#[test]
fn downs_roll_back_newest_changeset_first_in_planned_order() {
    let plan = plan(
        Dialect::Mysql,
        BOOK,
        "CREATE TABLE book (id integer PRIMARY KEY, title varchar(50) NOT NULL, a int, b int);",
        Strategy::Direct,
    );
    let out = rendered(&plan, &context(&[], 0));
    let text = &out.artifacts[0].contents;
    // Rollbacks in file order, reversed, must be the plan's down in order.
    let rollbacks: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("--rollback ")
                && !l.starts_with("--rollback --")
                && !l.ends_with(" /")
                && !l.contains("SELECT 1")
                && !l.contains("SELECT 1")
        })
        .collect();
    let mut reversed: Vec<String> = Vec::new();
    for chunk in text
        .split("--changeset ")
        .skip(1)
        .collect::<Vec<_>>()
        .iter()
        .rev()
    {
        for line in chunk.lines().filter(|l| rollbacks.contains(l)) {
            reversed.push(line.trim_start_matches("--rollback ").to_string());
        }
    }
    let planned: Vec<String> = plan.migrations[0]
        .down
        .iter()
        .flat_map(|s| s.sql.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert_eq!(reversed, planned);
}

#[test]
fn rollback_bodies_are_plain_strings() {
    assert_eq!(
        changesets::dollar_quotes_as_strings(
            "CREATE FUNCTION f() RETURNS int AS $migen$ SELECT 'a;b'; $migen$ LANGUAGE sql; SELECT $1"
        ),
        "CREATE FUNCTION f() RETURNS int AS ' SELECT ''a;b''; ' LANGUAGE sql; SELECT $1"
    );
}
