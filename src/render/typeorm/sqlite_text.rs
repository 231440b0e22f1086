//! SQLite `CREATE TABLE` statements in the shape TypeORM reads back. TypeORM learns a SQLite
//! table's AUTOINCREMENT column, constraint names, foreign keys, unique constraints and checks
//! by matching the table's stored SQL text against patterns of its own output: names in double
//! quotes, column lists as `("a", "b")`, each constraint on the line of the next. A table
//! migen creates in another spelling looks changed to TypeORM's next `migration:generate`
//! (it would rebuild it). So the names in a table definition are quoted and its lines joined
//! outside literals: SQLite reads both spellings the same, only the stored text differs.

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    /// An unquoted word: a name or a keyword.
    Word(&'a str),
    /// A quoted name, a string literal, or a blob: copied as is.
    Quoted(&'a str),
    Space(&'a str),
    Punct(char),
}

fn tokens(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        let start = at;
        if c.is_ascii_whitespace() {
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            out.push(Token::Space(&sql[start..at]));
        } else if matches!(c, b'\'' | b'"' | b'`' | b'[') {
            let close = if c == b'[' { b']' } else { c };
            at += 1;
            loop {
                match bytes.get(at) {
                    None => break,
                    // A doubled quote stays inside.
                    Some(&b)
                        if b == close && bytes.get(at + 1) == Some(&close) && close != b']' =>
                    {
                        at += 2
                    }
                    Some(&b) if b == close => {
                        at += 1;
                        break;
                    }
                    Some(_) => at += 1,
                }
            }
            out.push(Token::Quoted(&sql[start..at]));
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            while at < bytes.len()
                && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_' || bytes[at] >= 0x80)
            {
                at += 1;
            }
            out.push(Token::Word(&sql[start..at]));
        } else {
            let ch = sql[at..].chars().next().unwrap_or(' ');
            at += ch.len_utf8();
            out.push(Token::Punct(ch));
        }
    }
    out
}

fn quoted(name: &str) -> String {
    if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        // A number, not a name.
        return name.to_string();
    }
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn is(word: &str, keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword)
}

/// Words that open a table constraint rather than a column definition.
const CONSTRAINT_STARTS: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// `sql` in TypeORM's spelling when it is a SQLite `CREATE TABLE`; unchanged otherwise.
pub fn typeorm_shape(sql: &str) -> String {
    let tokens = tokens(sql);
    let words: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(*w),
            _ => None,
        })
        .take(2)
        .collect();
    if !(words.len() == 2 && is(words[0], "CREATE") && is(words[1], "TABLE")) {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 32);
    let mut depth = 0usize;
    // The next word is a name to quote (after CONSTRAINT, REFERENCES, or a column's start).
    let mut name_next = false;
    // The next parenthesised list holds names (after UNIQUE, KEY, REFERENCES <table>).
    let mut list_next = false;
    // Depth of the name list being read, if any.
    let mut in_list: Option<usize> = None;
    // The table name comes after CREATE TABLE [IF NOT EXISTS].
    let mut table_name_pending = true;
    let mut element_start = false;
    let mut previous_word = "";
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Space(space) => {
                if space.contains('\n') {
                    let next_closes = matches!(
                        tokens[index + 1..]
                            .iter()
                            .find(|t| !matches!(t, Token::Space(_))),
                        Some(Token::Punct(')'))
                    );
                    if !(out.ends_with('(') || next_closes) {
                        out.push(' ');
                    }
                } else {
                    out.push_str(space);
                }
                continue;
            }
            Token::Word(word) => {
                list_next = false;
                let keyword_in_header = [
                    "CREATE",
                    "TABLE",
                    "IF",
                    "NOT",
                    "EXISTS",
                    "TEMP",
                    "TEMPORARY",
                ]
                .iter()
                .any(|k| is(word, k));
                if table_name_pending && depth == 0 && !keyword_in_header {
                    out.push_str(&quoted(word));
                    table_name_pending = false;
                } else if in_list.is_some() || name_next {
                    out.push_str(&quoted(word));
                    // REFERENCES <table> (<columns>)
                    list_next = name_next && is(previous_word, "REFERENCES");
                    name_next = false;
                } else if element_start && !CONSTRAINT_STARTS.iter().any(|k| is(word, k)) {
                    out.push_str(&quoted(word));
                } else {
                    out.push_str(word);
                    name_next = is(word, "CONSTRAINT") || is(word, "REFERENCES");
                    list_next = is(word, "UNIQUE") || is(word, "KEY");
                }
                previous_word = word;
            }
            Token::Quoted(text) => {
                out.push_str(text);
                if table_name_pending && depth == 0 {
                    table_name_pending = false;
                }
                list_next = name_next && is(previous_word, "REFERENCES");
                name_next = false;
                previous_word = "";
            }
            Token::Punct(c) => {
                out.push(*c);
                match c {
                    '(' => {
                        depth += 1;
                        if list_next {
                            in_list = Some(depth);
                        }
                        table_name_pending = false;
                    }
                    ')' => {
                        if in_list == Some(depth) {
                            in_list = None;
                        }
                        depth = depth.saturating_sub(1);
                    }
                    _ => {}
                }
                list_next = false;
                previous_word = "";
            }
        }
        // A column definition starts right after the body's `(` or a `,` at its level.
        element_start = matches!(token, Token::Punct('(') if depth == 1)
            || matches!(token, Token::Punct(',') if depth == 1);
    }
    out
}
#[cfg(test)]
mod tests {
    use super::typeorm_shape;

    #[test]
    fn tables_are_spelled_as_typeorm_reads_them() {
        let sql = "CREATE TABLE _migen_new_t (\n  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,\n  owner_id integer DEFAULT 'a,\n b',\n  \"Weird \"\"x\"\"\" text,\n  CONSTRAINT t_owner_fk FOREIGN KEY (owner_id) REFERENCES owner (id) ON DELETE CASCADE,\n  CONSTRAINT UQ_1 UNIQUE (owner_id, id),\n  CONSTRAINT c1 CHECK (owner_id > 0)\n)";
        assert_eq!(
            typeorm_shape(sql),
            "CREATE TABLE \"_migen_new_t\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"owner_id\" integer DEFAULT 'a,\n b', \"Weird \"\"x\"\"\" text, CONSTRAINT \"t_owner_fk\" FOREIGN KEY (\"owner_id\") REFERENCES \"owner\" (\"id\") ON DELETE CASCADE, CONSTRAINT \"UQ_1\" UNIQUE (\"owner_id\", \"id\"), CONSTRAINT \"c1\" CHECK (owner_id > 0))"
        );
    }

    #[test]
    fn defaults_types_and_other_statements_stay() {
        let sql = "CREATE TABLE IF NOT EXISTS t (\n  at text NOT NULL DEFAULT (datetime('now')),\n  n varchar(30) UNIQUE,\n  PRIMARY KEY (at)\n)";
        assert_eq!(
            typeorm_shape(sql),
            "CREATE TABLE IF NOT EXISTS \"t\" (\"at\" text NOT NULL DEFAULT (datetime('now')), \"n\" varchar(30) UNIQUE, PRIMARY KEY (\"at\"))"
        );
        let other = "CREATE INDEX i ON t (\n  a\n)";
        assert_eq!(typeorm_shape(other), other);
    }
}
