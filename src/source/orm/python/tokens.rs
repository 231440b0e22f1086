//! The one Python tokenizer both Python readers use: names, numbers, string literals (with
//! their prefixes, escapes and triple quotes), operators, and the logical-line structure
//! (`Newline`, `Indent`, `Dedent`) with brackets and backslashes joining physical lines. Every
//! token keeps its file:line:column so errors point at the `.py`.

use crate::error::{Error, Result};

/// A place in one of a reader's files (`file` indexes its file list; 0 for a single file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub file: usize,
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    /// A string literal's value; `opaque` for f-strings (their value is not known statically).
    Str(String, bool),
    Num(String),
    Op(String),
    Newline,
    /// A line indented deeper than the one before, to `width` columns (tabs stop every 8).
    Indent {
        width: usize,
    },
    /// One indentation level closed.
    Dedent,
    End,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

/// What the tokenizer does with an f-string, whose value is not known statically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FStrings {
    /// Keep it as a `Str` token marked opaque (SQLAlchemy: only the values it reads matter).
    Opaque,
    /// Stop with an error at it (Django: settings and models must evaluate statically).
    Refuse,
}

/// An error at `pos` in one of `files` (name, text).
pub fn error_at(files: &[(String, String)], pos: Pos, message: impl Into<String>) -> Error {
    Error::parse(&files[pos.file].0, pos.line, pos.column, message)
}

/// The tokens of `text`, the file called `name` (number `file` in the reader's list). The
/// stream always ends with `Newline`, the `Dedent`s still open, and `End`.
pub fn tokenize(name: &str, text: &str, file: usize, fstrings: FStrings) -> Result<Vec<Token>> {
    let fail = |pos: Pos, message: &str| Error::parse(name, pos.line, pos.column, message);
    let chars: Vec<char> = text.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let (mut i, mut line, mut line_begin) = (0usize, 1u64, 0usize);
    let mut depth = 0usize;
    let mut indents = vec![0usize];
    let mut line_start = true;
    let pos = |line, column| Pos { file, line, column };
    while i < chars.len() {
        if line_start && depth == 0 {
            let mut width = 0;
            let mut j = i;
            while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\x0c') {
                width += if chars[j] == '\t' { 8 - width % 8 } else { 1 };
                j += 1;
            }
            // Blank and comment-only lines do not change the indentation.
            if j >= chars.len() || matches!(chars[j], '\n' | '\r' | '#') {
                while j < chars.len() && chars[j] != '\n' {
                    j += 1;
                }
                if j < chars.len() {
                    line += 1;
                }
                i = j + 1;
                line_begin = i;
                continue;
            }
            i = j;
            let col = (i - line_begin + 1) as u64;
            line_start = false;
            if width > *indents.last().unwrap() {
                indents.push(width);
                tokens.push(Token {
                    tok: Tok::Indent { width },
                    pos: pos(line, col),
                });
            }
            while width < *indents.last().unwrap() {
                indents.pop();
                tokens.push(Token {
                    tok: Tok::Dedent,
                    pos: pos(line, col),
                });
            }
            if width != *indents.last().unwrap() {
                return Err(fail(pos(line, col), "inconsistent indentation"));
            }
        }
        let c = chars[i];
        let here = pos(line, (i - line_begin + 1) as u64);
        if matches!(c, ' ' | '\t' | '\x0c' | '\r') {
            i += 1;
            continue;
        }
        // A backslash at the end of a line joins the next, with either line ending.
        let crlf = chars.get(i + 1) == Some(&'\r') && chars.get(i + 2) == Some(&'\n');
        if c == '\\' && (chars.get(i + 1) == Some(&'\n') || crlf) {
            i += if crlf { 3 } else { 2 };
            line += 1;
            line_begin = i;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\n' {
            if depth == 0 {
                tokens.push(Token {
                    tok: Tok::Newline,
                    pos: here,
                });
                line_start = true;
            }
            i += 1;
            line += 1;
            line_begin = i;
            continue;
        }
        // String prefixes: r, b, u, f and their pairs.
        let mut prefix_len = 0;
        while prefix_len < 2
            && i + prefix_len < chars.len()
            && "rRbBuUfF".contains(chars[i + prefix_len])
        {
            prefix_len += 1;
        }
        let quote_at = i + prefix_len;
        if quote_at < chars.len()
            && matches!(chars[quote_at], '\'' | '"')
            && (prefix_len == 0 || !chars[i..quote_at].iter().any(|c| !"rRbBuUfF".contains(*c)))
        {
            let prefix: String = chars[i..quote_at].iter().collect::<String>().to_lowercase();
            if fstrings == FStrings::Refuse && prefix.contains('f') {
                return Err(fail(here, "an f-string cannot be read statically"));
            }
            let raw = prefix.contains('r');
            let quote = chars[quote_at];
            let triple =
                chars.get(quote_at + 1) == Some(&quote) && chars.get(quote_at + 2) == Some(&quote);
            let mut j = quote_at + if triple { 3 } else { 1 };
            let mut value = String::new();
            loop {
                let Some(&ch) = chars.get(j) else {
                    return Err(fail(here, "unterminated string"));
                };
                if ch == quote
                    && (!triple
                        || (chars.get(j + 1) == Some(&quote) && chars.get(j + 2) == Some(&quote)))
                {
                    j += if triple { 3 } else { 1 };
                    break;
                }
                if ch == '\n' {
                    if !triple {
                        return Err(fail(here, "unterminated string"));
                    }
                    line += 1;
                    line_begin = j + 1;
                }
                if ch == '\\' && j + 1 < chars.len() {
                    let next = chars[j + 1];
                    if raw {
                        value.push(ch);
                        value.push(next);
                    } else {
                        match next {
                            'n' => value.push('\n'),
                            't' => value.push('\t'),
                            '\n' => {}
                            '\\' | '\'' | '"' => value.push(next),
                            other => {
                                value.push('\\');
                                value.push(other);
                            }
                        }
                    }
                    if next == '\n' {
                        line += 1;
                        line_begin = j + 2;
                    }
                    j += 2;
                    continue;
                }
                value.push(ch);
                j += 1;
            }
            i = j;
            tokens.push(Token {
                tok: Tok::Str(value, prefix.contains('f')),
                pos: here,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                tok: Tok::Name(chars[start..i].iter().collect()),
                pos: here,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || ((chars[i] == '+' || chars[i] == '-') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            tokens.push(Token {
                tok: Tok::Num(chars[start..i].iter().collect::<String>().replace('_', "")),
                pos: here,
            });
            continue;
        }
        let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let op = [
            "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", ":=",
            "+=", "-=", "*=", "/=", "|=", "&=", "<<", ">>",
        ]
        .iter()
        .find(|op| rest.starts_with(**op))
        .map(|op| op.to_string())
        .unwrap_or_else(|| c.to_string());
        match op.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += op.chars().count();
        tokens.push(Token {
            tok: Tok::Op(op),
            pos: here,
        });
    }
    // A trailing line break leaves `line_begin` past the text: the end is then column 1.
    let end = pos(
        line,
        (i.min(chars.len()).saturating_sub(line_begin) + 1) as u64,
    );
    tokens.push(Token {
        tok: Tok::Newline,
        pos: end,
    });
    for _ in 1..indents.len() {
        tokens.push(Token {
            tok: Tok::Dedent,
            pos: end,
        });
    }
    tokens.push(Token {
        tok: Tok::End,
        pos: end,
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, fstrings: FStrings) -> Vec<Tok> {
        tokenize("m.py", text, 0, fstrings)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn blocks_open_with_their_width_and_close_at_the_end() {
        let toks = kinds("class A:\n\tx = 1\n", FStrings::Opaque);
        assert!(toks.contains(&Tok::Indent { width: 8 }));
        assert_eq!(
            toks[toks.len() - 3..],
            [Tok::Newline, Tok::Dedent, Tok::End]
        );
        let err = tokenize("m.py", "if a:\n        b\n    c\n", 0, FStrings::Opaque).unwrap_err();
        assert!(err.to_string().contains("m.py:3:5"), "{err}");
    }

    #[test]
    fn f_strings_are_opaque_or_refused_where_they_start() {
        assert!(kinds("x = f'{a}'\n", FStrings::Opaque).contains(&Tok::Str("{a}".into(), true)));
        let err = tokenize("m.py", "x = 1\ny = rf'{a}'\n", 0, FStrings::Refuse).unwrap_err();
        assert!(err.to_string().contains("m.py:2:5"), "{err}");
    }

    #[test]
    fn a_backslash_joins_lines_with_either_ending() {
        for text in ["x = a + \\\n    b\n", "x = a + \\\r\n    b\r\n"] {
            let toks = kinds(text, FStrings::Opaque);
            assert!(
                !toks.iter().any(|t| matches!(t, Tok::Indent { .. })),
                "{toks:?}"
            );
            assert_eq!(toks.iter().filter(|t| **t == Tok::Newline).count(), 2);
        }
    }
}
