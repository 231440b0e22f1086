//! The Knex judge's cases: the ten reference changes of ORACLES.md, a hostile one, and the
//! corpus cut to the cases that still hold every construct it plans.

use std::collections::BTreeSet;

use migen::dialect::op::Op;
use migen::diff::RenameAnswers;
use migen::model::{Dialect, Version};
use migen::plan::Strategy;
use migen::source::sql;

use super::common::Case;
use super::plan_for;

/// The round-trip corpus of `dialect`, each case labelled `<file>.toml#<name>`.
pub(crate) fn corpus(dialect: Dialect) -> Vec<(String, Case)> {
    let mut corpus = Vec::new();
    for file in super::common::case_files(dialect) {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        for case in super::common::cases(&file) {
            corpus.push((format!("{stem}.toml#{}", case.name), case));
        }
    }
    corpus
}

/// What a judge runs on `dialect`: the reference changes, then the corpus, all of it under
/// `MIGEN_FULL_ORACLES=1` and otherwise the cases that hold every construct (said on stderr).
pub(crate) fn judged_cases(dialect: Dialect, version: Option<Version>) -> Vec<(String, Case)> {
    let mut corpus = corpus(dialect);
    let full = std::env::var("MIGEN_FULL_ORACLES").as_deref() == Ok("1");
    let total = corpus.len();
    if !full {
        corpus = covering(dialect, corpus, version);
    }
    eprintln!(
        "{dialect}: {} of the corpus's {total} cases{}",
        corpus.len(),
        if full {
            ""
        } else {
            " (every construct; MIGEN_FULL_ORACLES=1 for all)"
        }
    );
    let mut cases: Vec<(String, Case)> = reference_cases(dialect)
        .into_iter()
        .map(|c| (format!("reference#{}", c.name), c))
        .collect();
    cases.extend(corpus);
    cases
}

/// The strategies to judge: `MIGEN_STRATEGY`'s, or both.
pub(crate) fn strategies() -> Vec<Strategy> {
    match std::env::var("MIGEN_STRATEGY").ok().as_deref() {
        Some(name) => vec![Strategy::parse(name).expect("MIGEN_STRATEGY: direct or zero-downtime")],
        None => vec![Strategy::Direct, Strategy::ZeroDowntime],
    }
}

/// The ten reference changes of ORACLES.md on `author` and `book`, in the dialect's words.
pub(crate) fn reference_cases(dialect: Dialect) -> Vec<Case> {
    let serial = match dialect {
        Dialect::Postgres => "id serial PRIMARY KEY",
        Dialect::Mysql => "id int NOT NULL AUTO_INCREMENT PRIMARY KEY",
        Dialect::Sqlite => "id INTEGER PRIMARY KEY",
    };
    let author = |extra: &str| {
        format!("CREATE TABLE author ({serial}, name varchar(50) NOT NULL{extra});\n")
    };
    let book = |columns: &str| format!("CREATE TABLE book ({serial}, {columns});\n");
    let base_book = "title varchar(50) NOT NULL, pages integer NOT NULL";
    let base = format!("{}{}", author(""), book(base_book));
    let seed = "INSERT INTO author (id, name) VALUES (1, 'Ann'), (2, 'Bob');\nINSERT INTO book (id, title, pages) VALUES (1, 'One', 10), (2, 'Two?', 20);\n";
    let case = |name: &str, after: String, renames: &[&str]| Case {
        name: name.into(),
        before: base.clone(),
        // A NOT NULL column dropped from a table with rows cannot come back (the down says
        // so): that case keeps its rows in author only.
        seed: Some(match name {
            "ref_03_drop_column" => seed.lines().next().unwrap().into(),
            _ => seed.into(),
        }),
        after,
        renames: renames.iter().map(|r| r.to_string()).collect(),
        expect: None,
    };
    vec![
        case(
            "ref_01_add_nullable_column",
            format!(
                "{}{}",
                author(""),
                book(&format!("{base_book}, subtitle varchar(100) NULL"))
            ),
            &[],
        ),
        case(
            "ref_02_add_not_null_with_default",
            format!(
                "{}{}",
                author(""),
                book(&format!("{base_book}, rating integer NOT NULL DEFAULT 0"))
            ),
            &[],
        ),
        case(
            "ref_03_drop_column",
            format!("{}{}", author(""), book("title varchar(50) NOT NULL")),
            &[],
        ),
        case(
            "ref_04_rename_column",
            format!(
                "{}{}",
                author(""),
                book("headline varchar(50) NOT NULL, pages integer NOT NULL")
            ),
            &["book.title=headline"],
        ),
        case(
            "ref_05_change_type",
            format!(
                "{}{}",
                author(""),
                book("title varchar(200) NOT NULL, pages bigint NOT NULL")
            ),
            &[],
        ),
        case(
            "ref_06_add_index",
            format!("{base}CREATE INDEX book_title_idx ON book (title);\n"),
            &[],
        ),
        case(
            "ref_07_add_unique",
            format!(
                "{}{}",
                author(", CONSTRAINT author_name_uniq UNIQUE (name)"),
                book(base_book)
            ),
            &[],
        ),
        case(
            "ref_08_add_foreign_key",
            format!(
                "{}{}",
                author(""),
                book(&format!(
                    "{base_book}, author_id integer NULL, CONSTRAINT book_author_id_fkey FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE"
                ))
            ),
            &[],
        ),
        case(
            "ref_09_create_table",
            format!("{base}CREATE TABLE publisher ({serial}, name varchar(100) NOT NULL);\n"),
            &[],
        ),
        case("ref_10_drop_table", book(base_book), &[]),
        hostile(dialect),
    ]
}

/// Names and defaults JavaScript and Knex could change: quotes of both kinds and backticks,
/// `?` (a parameter marker to Knex's PostgreSQL client), backslashes, `${`, a line break,
/// non-ASCII; an index whose name Knex's builder cannot carry.
pub(crate) fn hostile(dialect: Dialect) -> Case {
    let q = |name: &str| match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    };
    // MySQL reads a backslash in a string as an escape: two stand for one.
    let backslash = if dialect == Dialect::Mysql {
        "\\\\"
    } else {
        "\\"
    };
    let table = q("we?rd ${x} `t`");
    let before = format!(
        "CREATE TABLE {table} (id integer PRIMARY KEY, {} text);\n",
        q("it's \"a\"?")
    );
    let after = format!(
        "CREATE TABLE {table} (id integer PRIMARY KEY, {} text, {} varchar(60) DEFAULT 'it''s ? {backslash} ${{y}} `z` \"q\"\nnext line é');\nCREATE INDEX {} ON {table} ({});\n",
        q("it's \"a\"?"),
        q("né?"),
        q("idx?"),
        q("né?"),
    );
    Case {
        name: "hostile_names_and_defaults".into(),
        seed: Some(format!(
            "INSERT INTO {table} (id, {}) VALUES (1, 'what? ${{no}}'), (2, NULL);\n",
            q("it's \"a\"?")
        )),
        before,
        after,
        renames: Vec::new(),
        expect: None,
    }
}

/// What a case exercises: the kinds of its changes (per topic of the corpus: a type change
/// and a default change are both column changes) and of its planned statements (the
/// operation and its part, or the leading keywords of an untagged statement), whether a
/// statement runs outside a transaction, and the characters JavaScript and Knex must keep
/// (quotes, `?`, backslashes, `${`, line breaks, non-ASCII), over both strategies.
pub(crate) fn constructs(
    dialect: Dialect,
    topic: &str,
    case: &Case,
    version: Option<Version>,
) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let (Ok(before), Ok(after)) = (
        sql::parse(dialect, &case.before, "before"),
        sql::parse(dialect, &case.after, "after"),
    ) else {
        return found;
    };
    let Ok(answers) = RenameAnswers::parse(&case.renames, false) else {
        return found;
    };
    let variant =
        |debug: String| -> String { debug.chars().take_while(|c| c.is_alphanumeric()).collect() };
    for strategy in [Strategy::Direct, Strategy::ZeroDowntime] {
        let plan = plan_for(&before, &after, &answers, strategy, version);
        for change in &plan.changes {
            found.insert(format!("{topic}: {}", variant(format!("{change:?}"))));
        }
        for statement in plan.up.iter().chain(&plan.down) {
            let kind = match statement.op() {
                Some(op @ Op::AlterColumn { part, .. }) => {
                    format!(
                        "{} {}",
                        variant(format!("{op:?}")),
                        variant(format!("{part:?}"))
                    )
                }
                Some(op) => variant(format!("{op:?}")),
                None => statement
                    .sql
                    .split_whitespace()
                    .take_while(|w| w.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            for (feature, present) in [
                ("'", statement.sql.contains('\'')),
                ("\"", statement.sql.contains('"')),
                ("`", statement.sql.contains('`')),
                ("?", statement.sql.contains('?')),
                ("\\", statement.sql.contains('\\')),
                ("${", statement.sql.contains("${")),
                ("line break", statement.sql.contains('\n')),
                ("non-ASCII", !statement.sql.is_ascii()),
            ] {
                if present {
                    found.insert(format!("text holds {feature}"));
                }
            }
            let alone = !statement.transactional || statement.own_transaction;
            found.insert(format!(
                "{} {kind}{}",
                strategy.name(),
                if alone { " (alone)" } else { "" }
            ));
        }
    }
    found
}

/// The fewest cases (greedily) that hold every construct the corpus holds.
pub(crate) fn covering(
    dialect: Dialect,
    cases: Vec<(String, Case)>,
    version: Option<Version>,
) -> Vec<(String, Case)> {
    let mut left: Vec<((String, Case), BTreeSet<String>)> = cases
        .into_iter()
        .map(|(label, case)| {
            let topic = label.split(".toml").next().unwrap_or_default();
            let kinds = constructs(dialect, topic, &case, version);
            ((label, case), kinds)
        })
        .collect();
    let mut uncovered: BTreeSet<String> =
        left.iter().flat_map(|(_, k)| k.iter().cloned()).collect();
    let mut chosen = Vec::new();
    while !uncovered.is_empty() {
        let best = (0..left.len())
            .max_by_key(|&i| {
                (
                    left[i].1.intersection(&uncovered).count(),
                    std::cmp::Reverse(i),
                )
            })
            .unwrap();
        let (case, kinds) = left.remove(best);
        if kinds.intersection(&uncovered).next().is_none() {
            break;
        }
        uncovered.retain(|k| !kinds.contains(k));
        chosen.push(case);
    }
    chosen
}
