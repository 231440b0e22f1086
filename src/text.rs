//! Small readers for configuration text: quoted strings, Python and INI assignments, properties
//! of JS/TS object literals. Detection uses them on the files it meets, renderers on the
//! migrations already in a folder (to chain after them). Line-based on purpose: nothing is
//! parsed whole, and no project code is run.

/// `key = value` in an INI file (the first one, any section).
pub fn ini_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        (name.trim() == key).then(|| value.trim().to_string())
    })
}

/// The right-hand side of `name = …` or `name: type = …` at the start of a line.
pub fn python_assignment(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let rest = rest.trim_start();
        let rest = if let Some(typed) = rest.strip_prefix(':') {
            &typed[typed.find('=')?..]
        } else {
            rest
        };
        let value = rest.strip_prefix('=')?.trim();
        (!value.starts_with('=')).then(|| value.to_string())
    })
}

/// Every quoted string in a value: `'abc'`, `("a", "b")`.
pub fn quoted(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = rest[start..].chars().next().expect("found a quote");
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        found.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    found
}

/// The string value(s) of `name: "…"` or `name: ["…", "…"]` in a JS/TS object literal (or JSON).
pub fn js_string_property(text: &str, name: &str) -> Vec<String> {
    for (at, _) in text.match_indices(name) {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = text[at + name.len()..].trim_start_matches(['"', '\'']);
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let end = if value.starts_with('[') {
            value.find(']').unwrap_or(value.len())
        } else {
            value.find([',', '\n', '}']).unwrap_or(value.len())
        };
        let found = quoted(&value[..end]);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Every character some language migen writes takes as the end of a line: SQL and shells end a
/// `--`/`#` comment at `\n`, PostgreSQL and Python at `\r` as well, JavaScript at U+2028 and
/// U+2029 too. Text with a name in it is split at all of them before it becomes a comment, so
/// no part of a name can step out of its comment and run.
const LINE_BREAKS: &[char] = &[
    '\n', '\r', '\u{0b}', '\u{0c}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// The lines of `text` as comments must hold them: split at every line break of any target
/// language (a `\r\n` is one break), without the empty line a final break would leave.
pub fn comment_lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = text
        .split("\r\n")
        .flat_map(|part| part.split(LINE_BREAKS))
        .collect();
    if text.ends_with(LINE_BREAKS) {
        lines.pop();
    }
    lines
}

/// `text` as line comments, each line starting with `prefix` (`"-- "`, `"    # "`, `"// "`)
/// and ending with `\n`.
pub fn commented(prefix: &str, text: &str) -> String {
    let mut out = String::new();
    for line in comment_lines(text) {
        out.push_str(prefix);
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `text` as one shell word that the shell takes literally: single quotes, a single quote inside
/// written as `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `text` split at the first `separator` outside double quotes.
pub fn split_unquoted(text: &str, separator: char) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (at, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            return Some((&text[..at], &text[at + c.len_utf8()..]));
        }
    }
    None
}

/// A dotted name as a user writes it: parts separated by `.`, each bare (spaces around it
/// trimmed) or in double quotes, where `""` stands for one quote: `t."x.c"` is `t`, `x.c`.
pub fn parse_name_path(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut part = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') if chars.next_if_eq(&'"').is_some() => part.push('"'),
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err(format!("`{text}`: a quote is not closed")),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
        } else {
            while let Some(c) = chars.next_if(|c| *c != '.') {
                if c == '"' {
                    return Err(format!(
                        "`{text}`: a quote inside a bare name (quote the whole name: \"a\"\"b\")"
                    ));
                }
                part.push(c);
            }
            part.truncate(part.trim_end().len());
        }
        if part.is_empty() {
            return Err(format!("`{text}`: an empty name"));
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => {}
            Some(c) => return Err(format!("`{text}`: `{c}` after a quoted name")),
        }
    }
}

/// The text `parse_name_path` reads back as `parts`: bare where a part needs no quotes.
pub fn name_path_text<S: AsRef<str>>(parts: &[S]) -> String {
    let written: Vec<String> = parts
        .iter()
        .map(|part| {
            let part = part.as_ref();
            let bare = !part.is_empty()
                && part.trim() == part
                && !part.contains(['.', '"', '='])
                && !part.chars().any(char::is_control);
            if bare {
                part.to_string()
            } else {
                format!("\"{}\"", part.replace('"', "\"\""))
            }
        })
        .collect();
    written.join(".")
}

/// `text` as a TOML basic string (a key or a value), every character kept.
pub fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_break_of_every_target_language_starts_a_new_comment_line() {
        let name = "n\rDROP TABLE t;\r--\u{2028}x\u{2029}y\u{85}z\u{0b}v\u{0c}w\r\nend\n";
        assert_eq!(
            comment_lines(name),
            ["n", "DROP TABLE t;", "--", "x", "y", "z", "v", "w", "end"]
        );
        assert_eq!(
            commented("-- ", "a\rb"),
            "-- a\n-- b\n",
            "PostgreSQL ends a comment at a carriage return"
        );
        assert!(comment_lines("").is_empty());
        assert_eq!(comment_lines("plain"), ["plain"]);
        assert_eq!(comment_lines("a\n\nb"), ["a", "", "b"]);
    }

    #[test]
    fn a_shell_word_keeps_every_character_literal() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $(x)"), "'it'\\''s $(x)'");
    }

    #[test]
    fn dotted_names_read_back_as_written_whatever_they_hold() {
        for parts in [
            vec!["users", "name"],
            vec!["t", "x.c"],
            vec!["a=b", " padded ", "q\"uote"],
            vec!["app", "t", "n\rDROP TABLE t;--"],
        ] {
            let text = name_path_text(&parts);
            assert_eq!(parse_name_path(&text).unwrap(), parts, "{text}");
        }
        assert_eq!(name_path_text(&["t", "x.c"]), "t.\"x.c\"");
        assert_eq!(
            parse_name_path(" users . name ").unwrap(),
            ["users", "name"]
        );
        assert!(parse_name_path("a..b").is_err());
        assert!(parse_name_path("\"a").is_err());
        assert!(parse_name_path("a\"b").is_err());
        assert!(parse_name_path("\"a\"b").is_err());
        assert_eq!(split_unquoted("t.\"a=b\"=c", '='), Some(("t.\"a=b\"", "c")));
    }
}
