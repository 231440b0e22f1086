//! Statements sqlparser cannot read. A schema file as a real project keeps it (pg_dump output,
//! a hand-written file with `DO` blocks, text-search mappings, vendor commands) must still read
//! whole: a statement that fails to parse and would change nothing migen models is blanked out
//! and reported as a note, and the file is parsed again. One that would change the model (a
//! `CREATE TABLE`, `ALTER TABLE`, `CREATE INDEX` … migen cannot read) stays an error, since
//! leaving it out would silently plan against the wrong schema.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::compat::{LineOffsets, Prepared, blank_keeping_lines, keyword, statement_end};
use crate::model::Dialect;
use crate::normalize::sql_dialect;

/// Blank out the statement holding `line`:`column` (where sqlparser stopped) when it changes
/// nothing migen models, recording it in `prepared.unreadable` with `why`. False when the
/// statement is one migen models, or cannot be found: the parse error stands.
pub(super) fn carry(
    dialect: Dialect,
    prepared: &mut Prepared,
    line: u64,
    column: u64,
    why: &str,
) -> bool {
    let text = prepared.text.clone();
    let Ok(tokens) = Tokenizer::new(sql_dialect(dialect).as_ref(), &text).tokenize_with_location()
    else {
        return false;
    };
    let significant: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let at = (line, column);
    let mut start = 0;
    let mut holding = None;
    while start < significant.len() {
        let end = statement_end(&significant, start);
        let first = &significant[start].span.start;
        if (first.line, first.column) > at {
            break;
        }
        holding = Some((start, end.min(significant.len())));
        start = end + 1;
    }
    let Some((start, end)) = holding else {
        return false;
    };
    let statement = &significant[start..end];
    if statement.is_empty() || models_schema(statement) {
        return false;
    }
    let offsets = LineOffsets::new(&text);
    let (from, _) = offsets.range(statement[0]);
    let (_, to) = offsets.range(statement[statement.len() - 1]);
    let to = to + usize::from(text[to..].starts_with(';'));
    // A dollar-quoted body is one token: the note shows its start only.
    let words = statement
        .iter()
        .take(3)
        .map(|t| {
            let word = t.token.to_string();
            match word.char_indices().nth(24) {
                Some((cut, _)) => format!("{}…", &word[..cut]),
                None => word,
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    prepared
        .unreadable
        .push((statement[0].span.start.line, words, why.to_string()));
    prepared.tokens = None;
    prepared.text = format!(
        "{}{}{}",
        &text[..from],
        blank_keeping_lines(&text[from..to]),
        &text[to..]
    );
    true
}

/// Whether a statement creates, alters, comments on or drops something the schema model holds.
fn models_schema(tokens: &[&TokenWithSpan]) -> bool {
    // The object kind: the first word after the verb that is not a modifier.
    let kind = || {
        tokens
            .iter()
            .skip(1)
            .map(|t| keyword(t))
            .find(|k| {
                !matches!(
                    k,
                    Keyword::OR
                        | Keyword::REPLACE
                        | Keyword::UNIQUE
                        | Keyword::TEMP
                        | Keyword::TEMPORARY
                        | Keyword::UNLOGGED
                        | Keyword::GLOBAL
                        | Keyword::LOCAL
                        | Keyword::MATERIALIZED
                        | Keyword::RECURSIVE
                        | Keyword::FULLTEXT
                        | Keyword::SPATIAL
                        | Keyword::IF
                        | Keyword::NOT
                        | Keyword::EXISTS
                )
            })
            .unwrap_or(Keyword::NoKeyword)
    };
    let modelled = |k: Keyword| {
        matches!(
            k,
            Keyword::TABLE
                | Keyword::INDEX
                | Keyword::VIEW
                | Keyword::TYPE
                | Keyword::SEQUENCE
                | Keyword::SCHEMA
                | Keyword::EXTENSION
        )
    };
    match keyword(tokens[0]) {
        Keyword::CREATE | Keyword::DROP => modelled(kind()),
        Keyword::ALTER => matches!(kind(), Keyword::TABLE | Keyword::TYPE | Keyword::SEQUENCE),
        Keyword::RENAME => true,
        Keyword::COMMENT => matches!(
            tokens.get(2).map(|t| keyword(t)),
            Some(Keyword::TABLE | Keyword::COLUMN | Keyword::VIEW | Keyword::TYPE)
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Dialect;
    use crate::source::sql::parse_with_notes;

    #[test]
    fn what_cannot_be_read_and_changes_no_model_becomes_a_note() {
        let text = "CREATE TABLE a (id integer PRIMARY KEY);\n\
                    DO $$ BEGIN IF 1 = 1 THEN RAISE NOTICE 'x'; END IF; END $$;\n\
                    ALTER TEXT SEARCH CONFIGURATION simple_mb ALTER MAPPING FOR word WITH simple;\n\
                    CREATE TABLE b (id integer PRIMARY KEY);\n";
        let (schema, notes) = parse_with_notes(Dialect::Postgres, text, "schema.sql").unwrap();
        let tables: Vec<&str> = schema.tables.keys().map(|n| n.name.as_str()).collect();
        assert_eq!(tables, ["a", "b"]);
        assert!(
            notes[0].starts_with("schema.sql:2: DO $$ BEGIN"),
            "{notes:?}"
        );
        assert!(
            notes[1].starts_with("schema.sql:3: ALTER TEXT SEARCH"),
            "{notes:?}"
        );
        assert_eq!(notes.len(), 2, "{notes:?}");

        let text = "CREATE TABLE a (id int PRIMARY KEY);\nDO 1;\nHANDLER a OPEN;\nCREATE TABLE b (id int);\n";
        let (schema, notes) = parse_with_notes(Dialect::Mysql, text, "schema.sql").unwrap();
        assert_eq!(schema.tables.len(), 2);
        assert!(notes[0].starts_with("schema.sql:2: DO 1"), "{notes:?}");
        assert!(notes[1].starts_with("schema.sql:3: HANDLER"), "{notes:?}");
    }

    #[test]
    fn what_cannot_be_read_and_would_change_the_model_stays_an_error() {
        for (dialect, text, at) in [
            (Dialect::Mysql, "CREATE TABLE t (id int,, x int);\n", "1:24"),
            (
                Dialect::Postgres,
                "CREATE TABLE t (id int);\nDO $$ BEGIN END $$;\nCREATE INDEX i ON t (id) GARBAGE;\n",
                "3:26",
            ),
            (
                Dialect::Postgres,
                "CREATE TABLE t (id int);\nALTER TABLE t FROBNICATE id;\n",
                "2:15",
            ),
            (Dialect::Sqlite, "DROP TABLE t t;\n", "1:14"),
        ] {
            let error = parse_with_notes(dialect, text, "schema.sql").unwrap_err();
            assert!(
                error.to_string().contains(&format!("schema.sql:{at}")),
                "{dialect:?} {text}: {error}"
            );
        }
    }
}
