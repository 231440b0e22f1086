//! Literals inside expressions: strings, numbers (exponents expanded, trailing zeros dropped),
//! literal casts a catalog prints, and intervals in one canonical spelling.

use sqlparser::ast::{Expr, Interval, UnaryOperator, Value, ValueWithSpan};

use crate::model::Dialect;

pub(super) fn canonical_value(dialect: Dialect, value: ValueWithSpan) -> ValueWithSpan {
    match value.value {
        Value::Number(text, long) => Value::Number(expr_number(&text, false), long).into(),
        Value::DoubleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::NationalStringLiteral(s) => Value::SingleQuotedString(s).into(),
        // MySQL's TRUE and FALSE are the integers 1 and 0; MariaDB stores them so.
        Value::Boolean(b) if dialect == Dialect::Mysql => {
            Value::Number(if b { "1" } else { "0" }.into(), false).into()
        }
        other => other.into(),
    }
}

pub(super) fn is_column(expr: &Expr) -> bool {
    matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

pub(super) fn is_empty_array(expr: &Expr) -> bool {
    matches!(expr, Expr::Array(array) if array.elem.is_empty())
}

pub(super) fn string_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

const INTEGER_TYPES: &[&str] = &[
    "integer", "int", "int4", "bigint", "int8", "smallint", "int2",
];
const DECIMAL_TYPES: &[&str] = &[
    "numeric",
    "decimal",
    "real",
    "float4",
    "float8",
    "double precision",
    "float",
];

/// A literal cast the way a catalog prints it, as the literal a person writes: `'-5'::integer`
/// → `-5`, `'1000'::numeric` → `1000.0`, `'1 day'::interval` → `INTERVAL '1 day'`,
/// `'101'::"bit"` → `B'101'`, `'2020-01-01 00:00:00'::timestamp` → `'2020-01-01'`.
pub(super) fn fold_literal_cast(dialect: Dialect, inner: &Expr, type_text: &str) -> Option<Expr> {
    let text = string_literal(inner)?;
    // MySQL's casts are the user's own (`CAST('1.5' AS DECIMAL)` rounds to 2): left alone.
    if dialect != Dialect::Postgres {
        return None;
    }
    if is_number_text(text) {
        let integer = INTEGER_TYPES.contains(&type_text);
        if integer && !text.contains('.') {
            return Some(number_expr(text, false));
        }
        if DECIMAL_TYPES.contains(&type_text) {
            return Some(number_expr(text, true));
        }
    }
    if type_text == "interval" {
        return Some(interval_expr(&canonical_interval(text)));
    }
    let bit_type = type_text == "\"bit\""
        || type_text == "bit"
        || type_text.starts_with("bit(")
        || type_text.starts_with("bit varying")
        || type_text.starts_with("varbit");
    if bit_type && text.chars().all(|c| c == '0' || c == '1') {
        return Some(Expr::Value(
            Value::SingleQuotedByteStringLiteral(text.to_string()).into(),
        ));
    }
    let plain_timestamp = type_text.starts_with("timestamp")
        && !type_text.contains("with time zone")
        && !type_text.starts_with("timestamptz");
    if plain_timestamp && let Some(date) = midnight_date(text) {
        return Some(Expr::Value(Value::SingleQuotedString(date.into()).into()));
    }
    None
}

/// `2020-01-01 00:00:00` → `2020-01-01`.
pub(super) fn midnight_date(text: &str) -> Option<&str> {
    let date = text.strip_suffix(" 00:00:00")?;
    let shape_ok = date.len() == 10
        && date.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    shape_ok.then_some(date)
}

/// A number literal, negative ones as unary minus the way a person writes them (`-5`).
fn number_expr(text: &str, decimal: bool) -> Expr {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let number = expr_number(digits, decimal);
    let value = Expr::Value(Value::Number(number.clone(), false).into());
    if negative && number.trim_start_matches(['0', '.']).is_empty() {
        value
    } else if negative {
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr: Box::new(value),
        }
    } else {
        value
    }
}

/// `1.5e3` → `1500`, `0.00015E+1` → `0.0015`; text without an exponent is returned as is.
fn expand_exponent(text: &str) -> String {
    let Some(at) = text.find(['e', 'E']) else {
        return text.to_string();
    };
    let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
    let Ok(exponent) = exponent.parse::<i32>() else {
        return text.to_string();
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.trim_start_matches('+')),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int_part}{frac_part}");
    if !digits.chars().all(|c| c.is_ascii_digit()) || exponent.unsigned_abs() > 400 {
        return text.to_string();
    }
    // Position of the decimal point within `digits` after shifting.
    let point = int_part.len() as i64 + i64::from(exponent);
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{a}.{b}")
    };
    if negative { format!("-{body}") } else { body }
}

/// Canonical text of a number inside an expression. Unlike [`canonical_number`] it keeps a
/// number with a decimal point or exponent (PostgreSQL `numeric`) apart from an integer:
/// `1e3` and `1000.00` → `1000.0`, `1000` → `1000`, `0.50` → `0.5`.
fn expr_number(text: &str, decimal: bool) -> String {
    let text = text.trim().trim_start_matches('+');
    let decimal = decimal || text.contains(['.', 'e', 'E']);
    let expanded = expand_exponent(text);
    let plain = canonical_number(&expanded);
    if decimal && !plain.contains('.') && plain.chars().all(|c| c.is_ascii_digit() || c == '-') {
        format!("{plain}.0")
    } else {
        plain
    }
}

fn interval_expr(text: &str) -> Expr {
    Expr::Interval(Interval {
        value: Box::new(Expr::Value(
            Value::SingleQuotedString(text.to_string()).into(),
        )),
        leading_field: None,
        leading_precision: None,
        last_field: None,
        fractional_seconds_precision: None,
    })
}

pub(super) fn canonical_interval_expr(interval: Interval) -> Expr {
    let plain = interval.leading_field.is_none()
        && interval.leading_precision.is_none()
        && interval.last_field.is_none()
        && interval.fractional_seconds_precision.is_none();
    match string_literal(&interval.value) {
        Some(text) if plain => interval_expr(&canonical_interval(text)),
        _ => Expr::Interval(interval),
    }
}

/// PostgreSQL's own output for an interval value (`5 minutes` → `00:05:00`, `1 year 2 months`
/// → `1 year 2 mons`), for the `N unit … [ago]` and `[-]H:MM[:SS]` forms it reads; other text
/// is returned trimmed but otherwise unchanged.
pub fn canonical_interval(text: &str) -> String {
    match interval_fields(text) {
        Some((months, days, micros)) => format_interval(months, days, micros),
        None => text.trim().to_string(),
    }
}

/// (months, days, microseconds) of an interval in the common input forms.
fn interval_fields(text: &str) -> Option<(i64, i64, i64)> {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower.strip_prefix('@').unwrap_or(&lower).trim().to_string();
    if lower.is_empty() {
        return None;
    }
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut ago = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if word == "ago" && i == words.len() {
            ago = true;
            continue;
        }
        if word.contains(':') {
            micros = micros.checked_add(time_micros(word)?)?;
            continue;
        }
        let split = word
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(word.len());
        let (number, attached) = word.split_at(split);
        if number.is_empty() || !is_number_text(number) {
            return None;
        }
        let unit = if !attached.is_empty() {
            attached
        } else if i < words.len()
            && words[i].chars().all(|c| c.is_ascii_alphabetic())
            && words[i] != "ago"
        {
            i += 1;
            words[i - 1]
        } else {
            "second"
        };
        let value: f64 = number.parse().ok()?;
        let whole = value.trunc();
        let fraction = value - whole;
        let whole = whole as i64;
        let micros_of = |seconds: f64| (value * seconds * 1_000_000.0).round() as i64;
        match unit {
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => micros += micros_of(1e-6),
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => micros += micros_of(1e-3),
            "second" | "seconds" | "s" | "sec" | "secs" => micros += micros_of(1.0),
            "minute" | "minutes" | "m" | "min" | "mins" => micros += micros_of(60.0),
            "hour" | "hours" | "h" | "hr" | "hrs" => micros += micros_of(3600.0),
            "day" | "days" | "d" => {
                days += whole;
                micros += (fraction * 86_400_000_000.0).round() as i64;
            }
            "week" | "weeks" | "w" if fraction == 0.0 => days += whole * 7,
            "month" | "months" | "mon" | "mons" if fraction == 0.0 => months += whole,
            "year" | "years" | "y" | "yr" | "yrs" => {
                months += whole * 12 + (fraction * 12.0).round() as i64
            }
            "decade" | "decades" if fraction == 0.0 => months += whole * 120,
            "century" | "centuries" if fraction == 0.0 => months += whole * 1200,
            "millennium" | "millennia" | "millenniums" if fraction == 0.0 => {
                months += whole * 12_000
            }
            _ => return None,
        }
    }
    if ago {
        (months, days, micros) = (-months, -days, -micros);
    }
    Some((months, days, micros))
}

/// `[-]H:MM[:SS[.frac]]` in microseconds.
fn time_micros(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if !digits(hours)
        || !digits(minutes)
        || !is_number_text(seconds)
        || seconds.starts_with(['-', '+'])
    {
        return None;
    }
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = minutes.parse().ok()?;
    let seconds: f64 = seconds.parse().ok()?;
    let total = (hours * 3600 + minutes * 60) * 1_000_000 + (seconds * 1_000_000.0).round() as i64;
    Some(if negative { -total } else { total })
}

/// An interval the way PostgreSQL prints it with `IntervalStyle = postgres`.
fn format_interval(months: i64, days: i64, micros: i64) -> String {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    for (value, unit) in [(months / 12, "year"), (months % 12, "mon"), (days, "day")] {
        if value == 0 {
            continue;
        }
        if !is_zero {
            out.push(' ');
        }
        if is_before && value > 0 {
            out.push('+');
        }
        out.push_str(&format!(
            "{value} {unit}{}",
            if value != 1 { "s" } else { "" }
        ));
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || micros != 0 {
        let total = micros.unsigned_abs();
        let (hours, minutes) = (total / 3_600_000_000, total / 60_000_000 % 60);
        let (seconds, fraction) = (total / 1_000_000 % 60, total % 1_000_000);
        if !is_zero {
            out.push(' ');
        }
        if micros < 0 {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        out.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
        if fraction != 0 {
            let fraction = format!("{fraction:06}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
    }
    out
}

/// `0.50` → `0.5`, `+1` → `1`, `1.` → `1`, `-0` → `0`.
pub fn canonical_number(text: &str) -> String {
    let expanded = expand_exponent(text.trim().trim_start_matches('+'));
    let text = expanded.as_str();
    if text.contains(['e', 'E']) {
        return text.to_ascii_lowercase();
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac_part = frac_part.trim_end_matches('0');
    let body = if frac_part.is_empty() {
        int_part.to_string()
    } else {
        format!("{int_part}.{frac_part}")
    };
    if negative && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

/// A plain decimal number: digits with at most one point, optionally signed.
pub(super) fn is_number_text(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['-', '+']);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|c| *c == '.').count() <= 1
}
