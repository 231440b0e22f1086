//! information_schema's cells as text and numbers, and what they say normalised the way the
//! DDL parser writes it: defaults, `ON UPDATE`, foreign-key actions, JSON checks, view text.

use mysql::{Row, Value};

use super::D;
use crate::model::{DefaultValue, FkAction, Type};
use crate::normalize;

/// A cell as text (information_schema values arrive as bytes or numbers).
pub(super) fn text(row: &Row, index: usize) -> Option<String> {
    match row.as_ref(index)? {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        Value::Float(n) => Some(n.to_string()),
        Value::Double(n) => Some(n.to_string()),
        other => Some(other.as_sql(true)),
    }
}

pub(super) fn number(row: &Row, index: usize) -> Option<u64> {
    text(row, index).and_then(|t| t.trim().parse().ok())
}

pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

pub(super) fn quote(name: &str) -> String {
    normalize::quote_ident(D, name)
}

pub(super) fn fk_action(rule: &str) -> FkAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        // InnoDB enforces NO ACTION exactly like RESTRICT (the diff takes them as one), but
        // MariaDB reports which was written, and tools such as TypeORM compare that.
        "NO ACTION" => FkAction::NoAction,
        _ => FkAction::Restrict,
    }
}

/// MariaDB stores JSON as `longtext` with a column-level `CHECK (json_valid(col))` named after it.
pub(super) fn is_json_check(column: &str, clause: &str) -> bool {
    normalize::expr(D, clause) == normalize::expr(D, &format!("json_valid({})", quote(column)))
}

/// The canonical default of a column from information_schema.COLUMNS.
pub(super) fn column_default(
    raw: Option<String>,
    extra: &str,
    ty: &Type,
    mariadb: bool,
) -> Option<DefaultValue> {
    let raw = raw?;
    if mariadb {
        // MariaDB reports a missing default on a nullable column as the text NULL; string
        // literals come quoted, so a string default 'NULL' is still told apart.
        if raw.eq_ignore_ascii_case("null") {
            return None;
        }
        return match normalize::default_value(D, &raw, ty) {
            DefaultValue::Null => None,
            other => Some(other),
        };
    }
    // MySQL 8: literals come unquoted; expression defaults are marked DEFAULT_GENERATED.
    let generated = extra.to_ascii_lowercase().contains("default_generated");
    let sql = if generated || !needs_quotes(&raw, ty) {
        raw
    } else {
        normalize::quote_string(D, &raw)
    };
    match normalize::default_value(D, &sql, ty) {
        DefaultValue::Null => None,
        other => Some(other),
    }
}

/// Whether an unquoted MySQL 8 literal default is a string that must be quoted to parse.
fn needs_quotes(raw: &str, ty: &Type) -> bool {
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("b'") || lower.starts_with("0x") || lower.starts_with("x'") {
        return false;
    }
    let numeric_text = {
        let t = raw.trim().trim_start_matches(['-', '+']);
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '.')
    };
    let stringy = ty.is_textual() || matches!(ty, Type::InlineEnum { .. } | Type::Set { .. });
    !numeric_text || stringy
}

/// `on update current_timestamp(3)` in EXTRA → the canonical function text.
pub(super) fn on_update(extra: &str, ty: &Type) -> Option<String> {
    let lower = extra.to_ascii_lowercase();
    let at = lower.find("on update ")?;
    let rest = extra[at + "on update ".len()..].trim_start();
    let function = rest.split_whitespace().next()?;
    Some(match normalize::default_value(D, function, ty) {
        DefaultValue::Function(f) | DefaultValue::Expr(f) => f,
        other => normalize::default_sql(D, &other),
    })
}

/// A view definition with the `db`. qualifiers MySQL and MariaDB add removed, in canonical form.
pub(super) fn view_definition(
    db: &str,
    definition: &str,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) -> String {
    let qualifier = format!("{}.", quote(db));
    let stripped = strip_outside_strings(definition, &qualifier);
    normalize::view_query(D, &stripped, columns_of)
}

/// Remove every occurrence of `needle` that is not inside a string literal.
pub(super) fn strip_outside_strings(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut quote_char: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        match quote_char {
            None => {
                if rest.starts_with(needle) {
                    rest = &rest[needle.len()..];
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote_char = Some(c);
                } else if c == '`' {
                    // A quoted identifier: copy it whole (it may contain the needle's text).
                    let end = find_closing_backtick(rest);
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                    continue;
                }
            }
            Some(q) => {
                if c == '\\' {
                    let mut chars = rest.chars();
                    chars.next();
                    if let Some(next) = chars.next() {
                        out.push(c);
                        out.push(next);
                        rest = &rest[c.len_utf8() + next.len_utf8()..];
                        continue;
                    }
                } else if c == q {
                    quote_char = None;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of the backtick-quoted identifier at the start of `text` (doubled backticks escape).
fn find_closing_backtick(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            if bytes.get(i + 1) == Some(&b'`') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}
