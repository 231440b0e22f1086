//! Syntax sqlparser does not read, rewritten before it sees the text.
//!
//! Each rewrite works on tokens and splices the text, padding removed parts with spaces so that
//! line and column numbers in later error messages still point into the user's file. What a
//! rewrite removes is returned alongside, for the reader to put back into the model.
//!
//! - SQLite: `STRICT` and `WITHOUT ROWID` table options in any order and comma-separated, and
//!   multi-word type names (`UNSIGNED BIG INT`, `VARYING CHARACTER(20)`).
//! - MySQL: `ZEROFILL` (deprecated display attribute), `CREATE FULLTEXT|SPATIAL INDEX`.
//! - MySQL and PostgreSQL: `WITH [CASCADED | LOCAL] CHECK OPTION` on views.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::model::Dialect;
use crate::normalize::sql_dialect;

/// SQLite table options found after a CREATE TABLE's column list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SqliteTableOptions {
    pub strict: bool,
    pub without_rowid: bool,
}

pub(crate) struct Prepared {
    pub text: String,
    /// One entry per CREATE TABLE, in order.
    pub table_options: Vec<SqliteTableOptions>,
    /// One entry per CREATE VIEW, in order: `cascaded` or `local`.
    pub view_check_options: Vec<Option<String>>,
    /// `ALTER SEQUENCE s OWNED BY t.c` (sqlparser has no ALTER SEQUENCE): (sequence, owner) as written.
    pub sequence_owners: Vec<(String, String)>,
    /// One entry per `AS IDENTITY`, in order: the (start, increment) of a parenthesised option list.
    pub identity_options: Vec<(Option<i64>, Option<i64>)>,
    /// SQLite triggers: (trigger name, table name, whole statement), in order.
    pub triggers: Vec<(String, String, String)>,
    /// Statements outside the schema model (functions, triggers, policies, grants…), blanked out:
    /// (line, first words).
    pub ignored: Vec<(u64, String)>,
    /// Statements sqlparser cannot read that change nothing migen models, blanked out so the
    /// rest of the file reads: (line, first words, why sqlparser refused them).
    pub unreadable: Vec<(u64, String, String)>,
    /// The tokens of `text` when nothing was edited, so the parser need not tokenize it again
    /// (tokenizing is a large share of reading a big generated schema).
    pub tokens: Option<Vec<TokenWithSpan>>,
}

struct Edit {
    start: usize,
    end: usize,
    replacement: String,
}

pub(crate) fn prepare(dialect: Dialect, text: &str) -> Prepared {
    let sql_dialect = sql_dialect(dialect);
    // psql meta-commands (`\connect`, `\restrict` in pg_dump output) are not SQL.
    let owned;
    let text =
        if dialect == Dialect::Postgres && text.lines().any(|l| l.trim_start().starts_with('\\')) {
            owned = text
                .split_inclusive('\n')
                .map(|line| {
                    if line.trim_start().starts_with('\\') {
                        line.chars()
                            .map(|c| if c == '\n' { c } else { ' ' })
                            .collect()
                    } else {
                        line.to_string()
                    }
                })
                .collect::<String>();
            owned.as_str()
        } else {
            text
        };
    let mut prepared = Prepared {
        text: text.to_string(),
        table_options: Vec::new(),
        view_check_options: Vec::new(),
        sequence_owners: Vec::new(),
        identity_options: Vec::new(),
        triggers: Vec::new(),
        ignored: Vec::new(),
        unreadable: Vec::new(),
        tokens: None,
    };
    // A text that does not tokenize is left to sqlparser, which reports the error with its position.
    let Ok(tokens) = Tokenizer::new(sql_dialect.as_ref(), text).tokenize_with_location() else {
        return prepared;
    };
    let offsets = LineOffsets::new(text);
    let significant: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let mut edits = Vec::new();
    let mut start = 0;
    while start < significant.len() {
        let end = statement_end(&significant, start);
        statement(
            dialect,
            &significant[start..end],
            &offsets,
            text,
            &mut edits,
            &mut prepared,
        );
        start = end + 1;
    }
    if !edits.is_empty() {
        edits.sort_by_key(|e| e.start);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for edit in edits {
            if edit.start < at {
                continue;
            }
            out.push_str(&text[at..edit.start]);
            out.push_str(&edit.replacement);
            at = edit.end;
        }
        out.push_str(&text[at..]);
        prepared.text = out;
    } else {
        prepared.tokens = Some(tokens);
    }
    prepared
}

/// Where the statement starting at `start` ends: its `;`, or for a trigger the `;` after the
/// END that closes its body (the body holds statements of its own).
pub(super) fn statement_end(tokens: &[&TokenWithSpan], start: usize) -> usize {
    let is_trigger = keyword(tokens[start]) == Keyword::CREATE
        && tokens[start..]
            .iter()
            .take(4)
            .any(|t| keyword(t) == Keyword::TRIGGER);
    let mut depth = 0usize;
    let mut opened = false;
    for (i, token) in tokens.iter().enumerate().skip(start) {
        match keyword(token) {
            Keyword::BEGIN | Keyword::CASE if is_trigger => {
                depth += 1;
                opened = true;
            }
            Keyword::END if is_trigger => depth = depth.saturating_sub(1),
            _ => {}
        }
        if token.token == Token::SemiColon && (!is_trigger || (opened && depth == 0)) {
            return i;
        }
    }
    tokens.len()
}

pub(super) fn keyword(token: &TokenWithSpan) -> Keyword {
    match &token.token {
        Token::Word(w) if w.quote_style.is_none() => w.keyword,
        _ => Keyword::NoKeyword,
    }
}

fn is_word(token: &TokenWithSpan, text: &str) -> bool {
    matches!(&token.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(text))
}

/// Statement kinds migen does not model; they are left for the user's own tooling.
fn outside_model(tokens: &[&TokenWithSpan]) -> bool {
    let words: Vec<String> = tokens
        .iter()
        .take(6)
        .map(|t| t.token.to_string().to_ascii_uppercase())
        .collect();
    let first = words.first().map(String::as_str).unwrap_or("");
    let rest: Vec<&str> = words
        .iter()
        .skip(1)
        .map(String::as_str)
        .filter(|w| !matches!(*w, "OR" | "REPLACE" | "CONSTRAINT" | "DEFINER"))
        .collect();
    match first {
        "CREATE" => matches!(
            rest.first().copied(),
            Some(
                "FUNCTION"
                    | "PROCEDURE"
                    | "TRIGGER"
                    | "POLICY"
                    | "RULE"
                    | "AGGREGATE"
                    | "OPERATOR"
                    | "CAST"
                    | "PUBLICATION"
                    | "SUBSCRIPTION"
                    | "EVENT"
                    | "ROLE"
                    | "USER"
                    | "TEXT"
                    | "LANGUAGE"
                    | "SERVER"
                    | "FOREIGN"
                    | "STATISTICS"
            )
        ),
        "ALTER" => {
            matches!(
                rest.first().copied(),
                Some(
                    "FUNCTION"
                        | "PROCEDURE"
                        | "TRIGGER"
                        | "POLICY"
                        | "ROLE"
                        | "DEFAULT"
                        | "EXTENSION"
                        | "PUBLICATION"
                        | "DATABASE"
                        | "SCHEMA"
                        | "TYPE"
                        | "VIEW"
                        | "MATERIALIZED"
                        | "INDEX"
                )
            ) && !(rest.first() == Some(&"TYPE") && words.iter().any(|w| w == "VALUE"))
        }
        "GRANT" | "REVOKE" | "LOCK" | "UNLOCK" | "DELIMITER" | "REFRESH" | "ANALYZE" | "VACUUM"
        | "CLUSTER" | "SECURITY" | "REINDEX" => true,
        // Comments on tables, columns, views and types are modelled; on anything else they are not.
        "COMMENT" => {
            rest.first() == Some(&"ON")
                && !matches!(
                    rest.get(1).copied(),
                    Some("TABLE" | "COLUMN" | "VIEW" | "MATERIALIZED" | "TYPE")
                )
        }
        _ => false,
    }
}

fn statement(
    dialect: Dialect,
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
    prepared: &mut Prepared,
) {
    if tokens.is_empty() {
        return;
    }
    if dialect == Dialect::Sqlite && sqlite_trigger(tokens, offsets, text, edits, prepared) {
        return;
    }
    if outside_model(tokens) {
        let (start, _) = offsets.range(tokens[0]);
        let (_, end) = offsets.range(tokens[tokens.len() - 1]);
        let words = tokens
            .iter()
            .take(3)
            .map(|t| t.token.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        // Ownership, locks and maintenance commands are operational details, not worth a note.
        let operational = tokens.iter().any(|t| is_word(t, "OWNER"))
            || [
                "LOCK",
                "UNLOCK",
                "ANALYZE",
                "VACUUM",
                "REINDEX",
                "CLUSTER",
                "DELIMITER",
                "REFRESH",
            ]
            .iter()
            .any(|w| is_word(tokens[0], w));
        if !operational {
            prepared.ignored.push((tokens[0].span.start.line, words));
        }
        edits.push(Edit {
            start,
            end: end + usize::from(text[end..].starts_with(';')),
            replacement: blank_keeping_lines(
                &text[start..end + usize::from(text[end..].starts_with(';'))],
            ),
        });
        return;
    }
    // `ALTER SEQUENCE s OWNED BY t.c` (pg_dump writes one per serial column).
    if keyword(tokens[0]) == Keyword::ALTER
        && tokens
            .get(1)
            .is_some_and(|t| keyword(t) == Keyword::SEQUENCE)
    {
        let owned = tokens.iter().position(|t| keyword(t) == Keyword::OWNED);
        if let Some(owned) = owned {
            let slice = |a: usize, b: usize| {
                let (start, _) = offsets.range(tokens[a]);
                let (_, end) = offsets.range(tokens[b]);
                text[start..end].to_string()
            };
            if owned + 2 < tokens.len() && owned > 2 {
                prepared
                    .sequence_owners
                    .push((slice(2, owned - 1), slice(owned + 2, tokens.len() - 1)));
            }
        }
        let (start, _) = offsets.range(tokens[0]);
        let (_, end) = offsets.range(tokens[tokens.len() - 1]);
        let end = end + usize::from(text[end..].starts_with(';'));
        edits.push(Edit {
            start,
            end,
            replacement: blank_keeping_lines(&text[start..end]),
        });
        return;
    }
    if dialect == Dialect::Postgres {
        identity_options(tokens, offsets, text, edits, prepared);
    }
    if tokens.first().map(|t| keyword(t)) != Some(Keyword::CREATE) {
        if dialect == Dialect::Mysql {
            blank_zerofill(tokens, offsets, edits);
        }
        return;
    }
    let head: Vec<Keyword> = tokens.iter().take(6).map(|t| keyword(t)).collect();
    let is_table =
        head.iter().take(4).any(|k| *k == Keyword::TABLE) && !head.contains(&Keyword::INDEX);
    let is_view = head
        .iter()
        .take_while(|k| **k != Keyword::AS)
        .any(|k| *k == Keyword::VIEW);
    if is_table {
        if dialect == Dialect::Sqlite {
            prepared
                .table_options
                .push(sqlite_table(tokens, offsets, text, edits));
        } else {
            prepared.table_options.push(SqliteTableOptions::default());
            if dialect == Dialect::Mysql {
                blank_zerofill(tokens, offsets, edits);
            }
        }
    } else if dialect == Dialect::Postgres && head.get(1) == Some(&Keyword::EXTENSION) {
        // `CREATE EXTENSION x SCHEMA s`: sqlparser reads only the `WITH SCHEMA` spelling.
        if let Some(at) = tokens.iter().position(|t| keyword(t) == Keyword::SCHEMA)
            && at > 0
            && keyword(tokens[at - 1]) != Keyword::WITH
        {
            let (start, _) = offsets.range(tokens[at]);
            edits.push(Edit {
                start,
                end: start,
                replacement: "WITH ".into(),
            });
        }
    } else if dialect == Dialect::Postgres && head.iter().take(3).any(|k| *k == Keyword::SEQUENCE) {
        reorder_sequence_options(tokens, offsets, text, edits);
    } else if is_view {
        prepared
            .view_check_options
            .push(view_check_option(dialect, tokens, offsets, edits));
    } else if dialect == Dialect::Mysql
        && matches!(head.get(1), Some(Keyword::FULLTEXT | Keyword::SPATIAL))
    {
        mysql_special_index(tokens, offsets, text, edits);
    }
}

/// `AS IDENTITY (START WITH 10 INCREMENT BY 5 …)`: the options are lifted out, start and increment kept.
fn identity_options(
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
    prepared: &mut Prepared,
) {
    for (i, token) in tokens.iter().enumerate() {
        if !(is_word(token, "IDENTITY") && i > 0 && keyword(tokens[i - 1]) == Keyword::AS) {
            continue;
        }
        let mut options = (None, None);
        if tokens.get(i + 1).is_some_and(|t| t.token == Token::LParen) {
            let Some(close) = tokens[i + 1..]
                .iter()
                .position(|t| t.token == Token::RParen)
                .map(|p| i + 1 + p)
            else {
                continue;
            };
            let inner = &tokens[i + 2..close];
            let number_after = |word: &str| {
                let at = inner.iter().position(|t| is_word(t, word))?;
                let mut j = at + 1;
                if inner
                    .get(j)
                    .is_some_and(|t| is_word(t, "WITH") || is_word(t, "BY"))
                {
                    j += 1;
                }
                let negative = inner.get(j).is_some_and(|t| t.token == Token::Minus);
                if negative {
                    j += 1;
                }
                match &inner.get(j)?.token {
                    Token::Number(n, _) => {
                        n.parse::<i64>().ok().map(|n| if negative { -n } else { n })
                    }
                    _ => None,
                }
            };
            options = (number_after("START"), number_after("INCREMENT"));
            let (start, _) = offsets.range(tokens[i + 1]);
            let (_, end) = offsets.range(tokens[close]);
            edits.push(Edit {
                start,
                end,
                replacement: blank_keeping_lines(&text[start..end]),
            });
        }
        prepared.identity_options.push(options);
    }
}

/// sqlparser reads CREATE SEQUENCE options only in one order (INCREMENT, MINVALUE, MAXVALUE,
/// START, CACHE, CYCLE); pg_dump writes START first. Put the clauses in the order it reads.
fn reorder_sequence_options(
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
) {
    let rank = |i: usize| -> Option<usize> {
        let word = |j: usize| {
            tokens
                .get(j)
                .map(|t| t.token.to_string().to_ascii_uppercase())
                .unwrap_or_default()
        };
        let w = word(i);
        let w = if w == "NO" { word(i + 1) } else { w };
        [
            "INCREMENT",
            "MINVALUE",
            "MAXVALUE",
            "START",
            "CACHE",
            "CYCLE",
            "OWNED",
        ]
        .iter()
        .position(|k| *k == w)
    };
    let Some(first) = (3..tokens.len()).find(|&i| rank(i).is_some()) else {
        return;
    };
    let mut clauses: Vec<(usize, usize, usize)> = Vec::new(); // (rank, first token, last token)
    let mut i = first;
    while i < tokens.len() {
        let Some(r) = rank(i) else {
            return; // something unexpected: leave it to sqlparser to report
        };
        let mut j = i + if tokens[i].token.to_string().eq_ignore_ascii_case("NO") {
            2
        } else {
            1
        };
        while j < tokens.len() && rank(j).is_none() {
            j += 1;
        }
        clauses.push((r, i, j - 1));
        i = j;
    }
    let mut sorted = clauses.clone();
    sorted.sort_by_key(|c| c.0);
    if sorted == clauses {
        return;
    }
    let slice = |a: usize, b: usize| {
        let (start, _) = offsets.range(tokens[a]);
        let (_, end) = offsets.range(tokens[b]);
        text[start..end].to_string()
    };
    let rewritten = sorted
        .iter()
        .map(|(_, a, b)| slice(*a, *b))
        .collect::<Vec<_>>()
        .join(" ");
    let (start, _) = offsets.range(tokens[first]);
    let (_, end) = offsets.range(tokens[tokens.len() - 1]);
    edits.push(Edit {
        start,
        end,
        replacement: rewritten,
    });
}

fn blank_zerofill(tokens: &[&TokenWithSpan], offsets: &LineOffsets, edits: &mut Vec<Edit>) {
    for token in tokens {
        if is_word(token, "ZEROFILL") {
            edits.push(blank(offsets, token));
        }
    }
}

/// SQLite `CREATE [TEMP] TRIGGER [IF NOT EXISTS] name … ON table …`: kept whole for the table.
fn sqlite_trigger(
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
    prepared: &mut Prepared,
) -> bool {
    if keyword(tokens[0]) != Keyword::CREATE {
        return false;
    }
    let Some(at) = tokens
        .iter()
        .take(4)
        .position(|t| keyword(t) == Keyword::TRIGGER)
    else {
        return false;
    };
    let mut i = at + 1;
    if tokens.get(i).is_some_and(|t| keyword(t) == Keyword::IF) {
        i += 3;
    }
    let name_of = |t: &TokenWithSpan| match &t.token {
        Token::Word(w) => w.value.clone(),
        other => other.to_string(),
    };
    // `schema.name`: the last part names it.
    let mut name = tokens.get(i).map(|t| name_of(t)).unwrap_or_default();
    if tokens.get(i + 1).is_some_and(|t| t.token == Token::Period) {
        name = tokens.get(i + 2).map(|t| name_of(t)).unwrap_or_default();
    }
    let Some(on) = tokens
        .iter()
        .skip(i)
        .position(|t| keyword(t) == Keyword::ON)
        .map(|p| p + i)
    else {
        return false;
    };
    let mut table = tokens.get(on + 1).map(|t| name_of(t)).unwrap_or_default();
    if tokens.get(on + 2).is_some_and(|t| t.token == Token::Period) {
        table = tokens.get(on + 3).map(|t| name_of(t)).unwrap_or_default();
    }
    let (start, _) = offsets.range(tokens[0]);
    let (_, end) = offsets.range(tokens[tokens.len() - 1]);
    let sql = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    prepared.triggers.push((name, table, sql));
    let end = end + usize::from(text[end..].starts_with(';'));
    edits.push(Edit {
        start,
        end,
        replacement: blank_keeping_lines(&text[start..end]),
    });
    true
}

/// Spaces in place of a text, keeping its line breaks so later positions stay right.
pub(super) fn blank_keeping_lines(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect()
}

/// Replace a token by spaces of the same width.
fn blank(offsets: &LineOffsets, token: &TokenWithSpan) -> Edit {
    let (start, end) = offsets.range(token);
    Edit {
        start,
        end,
        replacement: " ".repeat(end - start),
    }
}

fn sqlite_table(
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
) -> SqliteTableOptions {
    let mut options = SqliteTableOptions::default();
    let Some(open) = tokens.iter().position(|t| t.token == Token::LParen) else {
        return options;
    };
    let mut depth = 0;
    let mut close = None;
    let mut column_start = true;
    let mut i = open;
    while i < tokens.len() {
        match tokens[i].token {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    column_start = true;
                    i += 1;
                    continue;
                }
            }
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                column_start = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if depth == 1 && column_start {
            column_start = false;
            let first = keyword(tokens[i]);
            let table_constraint = matches!(
                first,
                Keyword::CONSTRAINT
                    | Keyword::PRIMARY
                    | Keyword::UNIQUE
                    | Keyword::CHECK
                    | Keyword::FOREIGN
            );
            if !table_constraint {
                // tokens[i] is the column name; the type is the run of plain words after it.
                let words: Vec<&TokenWithSpan> = tokens[i + 1..]
                    .iter()
                    .take_while(|t| {
                        matches!(&t.token, Token::Word(w) if w.quote_style.is_none())
                            && !matches!(
                                keyword(t),
                                Keyword::CONSTRAINT
                                    | Keyword::PRIMARY
                                    | Keyword::NOT
                                    | Keyword::NULL
                                    | Keyword::UNIQUE
                                    | Keyword::CHECK
                                    | Keyword::DEFAULT
                                    | Keyword::COLLATE
                                    | Keyword::REFERENCES
                                    | Keyword::GENERATED
                                    | Keyword::AS
                                    | Keyword::ON
                            )
                    })
                    .copied()
                    .collect();
                if words.len() >= 2 {
                    let (start, _) = offsets.range(words[0]);
                    let (_, end) = offsets.range(words[words.len() - 1]);
                    let name = text[start..end]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    edits.push(Edit {
                        start,
                        end,
                        replacement: format!("\"{name}\""),
                    });
                }
                i += words.len();
            }
        }
        i += 1;
    }
    if let Some(close) = close {
        for token in &tokens[close + 1..] {
            match &token.token {
                Token::Comma => edits.push(blank(offsets, token)),
                _ if is_word(token, "STRICT") => {
                    options.strict = true;
                    edits.push(blank(offsets, token));
                }
                _ if is_word(token, "WITHOUT") => {
                    options.without_rowid = true;
                    edits.push(blank(offsets, token));
                }
                _ if is_word(token, "ROWID") => edits.push(blank(offsets, token)),
                _ => break,
            }
        }
    }
    options
}

fn view_check_option(
    dialect: Dialect,
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    edits: &mut Vec<Edit>,
) -> Option<String> {
    if dialect == Dialect::Sqlite || tokens.len() < 3 {
        return None;
    }
    let n = tokens.len();
    if !(is_word(tokens[n - 1], "OPTION") && is_word(tokens[n - 2], "CHECK")) {
        return None;
    }
    let (level, with_at) =
        if n >= 4 && (is_word(tokens[n - 3], "CASCADED") || is_word(tokens[n - 3], "LOCAL")) {
            (tokens[n - 3].token.to_string().to_ascii_lowercase(), n - 4)
        } else {
            ("cascaded".to_string(), n - 3)
        };
    if !is_word(tokens[with_at], "WITH") {
        return None;
    }
    for token in &tokens[with_at..] {
        edits.push(blank(offsets, token));
    }
    Some(level)
}

/// `CREATE FULLTEXT INDEX n ON t (…)` → `ALTER TABLE t ADD FULLTEXT INDEX n (…)`.
fn mysql_special_index(
    tokens: &[&TokenWithSpan],
    offsets: &LineOffsets,
    text: &str,
    edits: &mut Vec<Edit>,
) {
    let Some(on) = tokens.iter().position(|t| keyword(t) == Keyword::ON) else {
        return;
    };
    let Some(open) = tokens.iter().position(|t| t.token == Token::LParen) else {
        return;
    };
    if on < 4 || open <= on + 1 {
        return;
    }
    let slice = |a: usize, b: usize| {
        let (start, _) = offsets.range(tokens[a]);
        let (_, end) = offsets.range(tokens[b]);
        text[start..end].to_string()
    };
    let kind = tokens[1].token.to_string().to_ascii_uppercase();
    let name = slice(3, on - 1);
    let table = slice(on + 1, open - 1);
    let (start, _) = offsets.range(tokens[0]);
    let (end, _) = offsets.range(tokens[open]);
    edits.push(Edit {
        start,
        end,
        replacement: format!("ALTER TABLE {table} ADD {kind} INDEX {name} "),
    });
}

/// Line/column (1-based, columns in characters) → byte offsets.
pub(super) struct LineOffsets<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineOffsets<'a> {
    pub(super) fn new(text: &'a str) -> LineOffsets<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineOffsets { text, starts }
    }

    fn offset(&self, line: u64, column: u64) -> usize {
        let line_start = self
            .starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[line_start..];
        let chars = column.saturating_sub(1) as usize;
        line_start
            + line_text
                .char_indices()
                .nth(chars)
                .map(|(i, _)| i)
                .unwrap_or(line_text.len())
    }

    pub(super) fn range(&self, token: &TokenWithSpan) -> (usize, usize) {
        let start = self.offset(token.span.start.line, token.span.start.column);
        let end = self.offset(token.span.end.line, token.span.end.column);
        (start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_options_and_multi_word_types() {
        let p = prepare(
            Dialect::Sqlite,
            "CREATE TABLE t (a UNSIGNED BIG INT NOT NULL, b VARYING CHARACTER(20)) STRICT, WITHOUT ROWID;",
        );
        assert_eq!(
            p.table_options,
            vec![SqliteTableOptions {
                strict: true,
                without_rowid: true
            }]
        );
        assert!(
            p.text.contains("a \"UNSIGNED BIG INT\" NOT NULL"),
            "{}",
            p.text
        );
        assert!(p.text.contains("b \"VARYING CHARACTER\"(20)"), "{}", p.text);
        assert!(!p.text.contains("STRICT"));
    }

    #[test]
    fn mysql_fulltext_and_zerofill() {
        let p = prepare(
            Dialect::Mysql,
            "CREATE FULLTEXT INDEX ft ON posts (title, body); CREATE TABLE x (a INT ZEROFILL);",
        );
        assert!(
            p.text
                .starts_with("ALTER TABLE posts ADD FULLTEXT INDEX ft (title, body)"),
            "{}",
            p.text
        );
        assert!(!p.text.contains("ZEROFILL"));
    }

    #[test]
    fn view_check_option_is_lifted() {
        let p = prepare(
            Dialect::Mysql,
            "CREATE VIEW v AS SELECT a FROM t WHERE a > 0 WITH LOCAL CHECK OPTION;",
        );
        assert_eq!(p.view_check_options, vec![Some("local".to_string())]);
        assert!(!p.text.contains("CHECK"));
    }
}
