//! JavaScript literals for the SQL and the names a Knex (and a Sequelize) migration holds, and the one rewrite
//! Knex needs before it sends raw SQL: its PostgreSQL client turns every `?` into a `$n`
//! parameter marker (see `knex.raw`), so a `?` that is part of the statement is written `\?`.

use crate::error::{Error, Result};
use crate::model::Dialect;

/// A JavaScript string literal holding `text` exactly: a template literal when the text spans
/// lines (readable SQL), a single-quoted string otherwise (double quotes around SQL quotes).
pub(in crate::render) fn string(text: &str) -> String {
    let multiline = text.contains('\n');
    let quote = if multiline {
        '`'
    } else if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            // A template literal reads a raw carriage return as a line feed.
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if multiline && chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `sql` as `knex.raw` must be given it to send `sql` unchanged. On PostgreSQL a `?` is
/// escaped as `\?`; a backslash right before a `?` cannot be sent at all (Knex drops it with
/// the escape), which is an error rather than a statement that silently means something else.
pub(super) fn raw_sql(dialect: Dialect, sql: &str) -> Result<String> {
    if dialect != Dialect::Postgres {
        return Ok(sql.to_string());
    }
    if sql.contains("\\?") {
        return Err(Error::Usage(format!(
            "Knex's PostgreSQL client cannot send a backslash right before a `?` (it reads `\\?` as an escaped parameter marker), and this statement holds one: {sql}\nwrite this migration with another target (`--target sql`)"
        )));
    }
    Ok(sql.replace('?', "\\?"))
}

/// Whether Knex's schema builder quotes `name` into the statement unchanged: Knex doubles the
/// quote characters, but its PostgreSQL client would still read a `?` as a parameter marker.
pub(super) fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['?', '\\']) && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_hold_hostile_text_exactly() {
        assert_eq!(string("it's"), r#""it's""#);
        assert_eq!(string(r#"it's "x""#), r#"'it\'s "x"'"#);
        assert_eq!(string(r"a\b"), r"'a\\b'");
        assert_eq!(string("tab\there"), r"'tab\there'");
        assert_eq!(string("nul\u{0}"), r"'nul\u{0}'");
        assert_eq!(string("ls\u{2028}"), r"'ls\u2028'");
        assert_eq!(
            string("DO $$\nBEGIN `x` ${y}\r\nEND $$"),
            "`DO $$\nBEGIN \\`x\\` \\${y}\\r\nEND $$`"
        );
    }

    #[test]
    fn question_marks_survive_knex_on_postgres_only_escaped() {
        assert_eq!(
            raw_sql(Dialect::Postgres, "SELECT '?', \"a?\"").unwrap(),
            r#"SELECT '\?', "a\?""#
        );
        assert_eq!(raw_sql(Dialect::Mysql, "SELECT '?'").unwrap(), "SELECT '?'");
        assert_eq!(
            raw_sql(Dialect::Sqlite, "SELECT '?'").unwrap(),
            "SELECT '?'"
        );
        let error = raw_sql(Dialect::Postgres, r"SELECT 'a\?'").unwrap_err();
        assert!(error.to_string().contains("--target sql"), "{error}");
        assert!(!plain_name("who?") && !plain_name("") && plain_name("naïve \"x\""));
    }
}
