//! Column defaults: canonical `DefaultValue` from written or catalog text, and its SQL again.

use sqlparser::ast::{Expr, Function, FunctionArguments, UnaryOperator, Value};
use sqlparser::parser::Parser;

use super::expr::{expr_ast, is_literal, parse_expr};
use super::ident::{object_qname, quote_qname, quote_string};
use super::literal::{
    canonical_interval, canonical_number, is_number_text, midnight_date, string_literal,
};
use super::sql_dialect;
use super::types::type_sql;
use crate::model::{DefaultValue, Dialect, QName, Type};

/// Canonical default from its text as written or as a catalog reports it.
pub fn default_value(dialect: Dialect, text: &str, ty: &Type) -> DefaultValue {
    match parse_expr(dialect, text) {
        Some(parsed) => default_ast(dialect, parsed, ty),
        None => DefaultValue::Expr(text.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

fn strip_casts(expr: Expr) -> Expr {
    match expr {
        Expr::Nested(inner) => strip_casts(*inner),
        Expr::Cast { expr, .. } if is_literal(&strip_casts((*expr).clone())) => strip_casts(*expr),
        other => other,
    }
}

/// Canonical default from a parsed expression.
pub fn default_ast(dialect: Dialect, parsed: Expr, ty: &Type) -> DefaultValue {
    let bare = strip_casts(parsed.clone());
    let as_bool = |text: &str| match text.to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    };
    match &bare {
        Expr::Value(v) => match &v.value {
            Value::Null => return DefaultValue::Null,
            Value::Boolean(b) => {
                return if *ty == Type::Boolean || dialect != Dialect::Mysql {
                    DefaultValue::Bool(*b)
                } else {
                    DefaultValue::Number(if *b { "1" } else { "0" }.into())
                };
            }
            Value::Number(n, _) => {
                if *ty == Type::Boolean
                    && let Some(b) = as_bool(n)
                {
                    return DefaultValue::Bool(b);
                }
                if ty.is_textual() {
                    return DefaultValue::String(n.clone());
                }
                return DefaultValue::Number(canonical_number(n));
            }
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s) => {
                if *ty == Type::Boolean
                    && let Some(b) = as_bool(s)
                {
                    return DefaultValue::Bool(b);
                }
                if ty.is_numeric() && is_number_text(s) {
                    return DefaultValue::Number(canonical_number(s));
                }
                return DefaultValue::String(canonical_default_string(dialect, ty, s));
            }
            // PostgreSQL stores `B'101'` as `'101'::"bit"`.
            Value::SingleQuotedByteStringLiteral(s)
                if dialect == Dialect::Postgres && s.chars().all(|c| c == '0' || c == '1') =>
            {
                return DefaultValue::String(s.clone());
            }
            _ => {}
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => {
            if let Expr::Value(v) = &**expr
                && let Value::Number(n, _) = &v.value
            {
                return DefaultValue::Number(canonical_number(&format!("-{n}")));
            }
        }
        // `INTERVAL '5 minutes'` is the string `00:05:00` to an interval column.
        Expr::Interval(interval)
            if dialect == Dialect::Postgres
                && interval.leading_field.is_none()
                && interval.last_field.is_none()
                && string_literal(&interval.value).is_some() =>
        {
            let text = string_literal(&interval.value).unwrap_or_default();
            return DefaultValue::String(canonical_interval(text));
        }
        Expr::Function(function) => {
            let name = function.name.to_string().to_ascii_lowercase();
            if name == "nextval"
                && let Some(seq) = nextval_sequence(dialect, function)
            {
                return DefaultValue::Sequence(seq);
            }
            if let Some(canonical) = niladic_function(dialect, &name, &function.args) {
                return DefaultValue::Function(canonical);
            }
        }
        _ => {}
    }
    DefaultValue::Expr(expr_ast(dialect, parsed))
}

/// A string default in the server's spelling for the column type: intervals as PostgreSQL
/// prints them, a date alone given to a timestamp as its midnight.
fn canonical_default_string(dialect: Dialect, ty: &Type, text: &str) -> String {
    match ty {
        Type::Interval => canonical_interval(text),
        Type::Timestamp { tz: false, .. }
            if dialect == Dialect::Postgres && postgres_timestamp_literal(text).is_some() =>
        {
            postgres_timestamp_literal(text).unwrap_or_default()
        }
        Type::Timestamp { tz: false, .. } | Type::Datetime { .. }
            if midnight_date(&format!("{text} 00:00:00")).is_some() =>
        {
            format!("{text} 00:00:00")
        }
        _ => text.to_string(),
    }
}

/// A `timestamp without time zone` literal as PostgreSQL stores it: a UTC offset in the text
/// is ignored (`'2020-01-02 03:04:05 +02:00'` is `2020-01-02 03:04:05`) and the fraction loses
/// its trailing zeros. `None` when the text is not a plain date and time.
fn postgres_timestamp_literal(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let date_ok = date.char_indices().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }
    });
    let rest = rest.strip_prefix([' ', 'T'])?;
    let clock_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(clock_end);
    let zone = zone.trim();
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.starts_with(['+', '-'])
            && zone[1..].chars().all(|c| c.is_ascii_digit() || c == ':'));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let hms_ok = hms.len() == 8
        && hms.char_indices().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        });
    if !(date_ok && zone_ok && hms_ok && fraction.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    Some(if fraction.is_empty() {
        format!("{date} {hms}")
    } else {
        format!("{date} {hms}.{fraction}")
    })
}

fn nextval_sequence(dialect: Dialect, function: &Function) -> Option<QName> {
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    let arg = list.args.first()?.to_string();
    let arg = arg.split("::").next()?.trim().trim_matches('\'');
    // The argument is itself SQL text naming the sequence: `"Weird"."seq"` or `users_id_seq`.
    let sql_dialect = sql_dialect(dialect);
    let name = Parser::new(sql_dialect.as_ref())
        .try_with_sql(arg)
        .ok()?
        .parse_object_name(false)
        .ok()?;
    Some(object_qname(dialect, &name))
}

/// Functions without arguments used as defaults, in one spelling per dialect.
fn niladic_function(dialect: Dialect, name: &str, args: &FunctionArguments) -> Option<String> {
    let parenthesized = !matches!(args, FunctionArguments::None);
    let arg_text = match args {
        FunctionArguments::List(list) if !list.args.is_empty() => {
            let text = list
                .args
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(",");
            if text.chars().all(|c| c.is_ascii_digit()) {
                Some(text)
            } else {
                return None;
            }
        }
        FunctionArguments::Subquery(_) => return None,
        _ => None,
    };
    let timestamp_like = matches!(
        name,
        "now"
            | "current_timestamp"
            | "localtimestamp"
            | "localtime"
            | "current_date"
            | "current_time"
            | "curdate"
            | "curtime"
    );
    if dialect == Dialect::Mysql && timestamp_like {
        // MariaDB and MySQL store every spelling of "now" as current_timestamp(), and a precision when given.
        let base = match name {
            "now" | "current_timestamp" | "localtimestamp" | "localtime" => "current_timestamp",
            "curdate" | "current_date" => "curdate",
            _ => "curtime",
        };
        return Some(match arg_text {
            Some(p) if p != "0" => format!("{base}({p})"),
            _ => format!("{base}()"),
        });
    }
    if arg_text.is_some() && !timestamp_like {
        return None;
    }
    match (parenthesized, arg_text) {
        (_, Some(p)) => Some(format!("{name}({p})")),
        (true, None) => Some(format!("{name}()")),
        (false, None) => Some(name.to_string()),
    }
}

/// How a column's default is spelled in DDL. PostgreSQL reads `ARRAY['a', 'b']` as `text[]`,
/// which an array of an enum (or any non-text array) refuses as a default: the canonical form
/// drops the cast, so it is put back from the column's type.
pub fn column_default_sql(dialect: Dialect, ty: &Type, default: &DefaultValue) -> String {
    let text = default_sql(dialect, default);
    match (dialect, ty, default) {
        (Dialect::Postgres, Type::Array { .. }, DefaultValue::Expr(e))
            if e.starts_with("ARRAY[") && !e.contains("::") =>
        {
            format!("{text}::{}", type_sql(dialect, ty))
        }
        _ => text,
    }
}

/// How a canonical default is spelled in DDL.
pub fn default_sql(dialect: Dialect, default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(b) => match dialect {
            Dialect::Mysql => if *b { "1" } else { "0" }.into(),
            _ => if *b { "true" } else { "false" }.into(),
        },
        DefaultValue::Number(n) => n.clone(),
        DefaultValue::String(s) => quote_string(dialect, s),
        DefaultValue::Function(f) => match dialect {
            // SQLite takes only the bare keywords as a default; anything with parentheses must be wrapped.
            Dialect::Sqlite if f.contains('(') => format!("({f})"),
            _ => f.clone(),
        },
        DefaultValue::Sequence(seq) => format!(
            "nextval({}::regclass)",
            quote_string(dialect, &quote_qname(dialect, seq))
        ),
        DefaultValue::Expr(e) => match dialect {
            // MySQL 8 and MariaDB want expression defaults in parentheses; SQLite needs them too.
            Dialect::Mysql | Dialect::Sqlite => format!("({e})"),
            Dialect::Postgres => e.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: Dialect = Dialect::Postgres;

    #[test]
    fn postgres_defaults_with_casts() {
        let varchar = Type::Varchar { len: Some(10) };
        assert_eq!(
            default_value(Dialect::Postgres, "'x'::character varying", &varchar),
            DefaultValue::String("x".into())
        );
        let int = Type::Integer {
            bits: 32,
            unsigned: false,
        };
        assert_eq!(
            default_value(Dialect::Postgres, "'-1'::integer", &int),
            DefaultValue::Number("-1".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "-1", &int),
            DefaultValue::Number("-1".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "nextval('users_id_seq'::regclass)", &int),
            DefaultValue::Sequence(QName::new("users_id_seq"))
        );
        assert_eq!(
            default_value(Dialect::Postgres, "now()", &Type::Date),
            DefaultValue::Function("now()".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "'{}'::jsonb", &Type::Jsonb),
            DefaultValue::String("{}".into())
        );
    }

    #[test]
    fn mysql_defaults_as_mariadb_reports_them() {
        let ts = Type::Timestamp {
            tz: false,
            precision: None,
        };
        assert_eq!(
            default_value(Dialect::Mysql, "current_timestamp()", &ts),
            default_value(Dialect::Mysql, "CURRENT_TIMESTAMP", &ts)
        );
        let dec = Type::Decimal {
            precision: Some(10),
            scale: Some(2),
        };
        assert_eq!(
            default_value(Dialect::Mysql, "0.00", &dec),
            default_value(Dialect::Mysql, "0", &dec)
        );
        assert_eq!(
            default_value(Dialect::Mysql, "1", &Type::Boolean),
            DefaultValue::Bool(true)
        );
    }

    #[test]
    fn postgres_timestamp_default_drops_offset_and_trailing_zeros() {
        let ts = Type::Timestamp {
            tz: false,
            precision: Some(3),
        };
        let stored = default_value(
            PG,
            "'2021-06-07 08:09:10.5'::timestamp without time zone",
            &ts,
        );
        assert_eq!(
            stored,
            default_value(PG, "'2021-06-07 08:09:10.500 +02:00'", &ts)
        );
        assert_eq!(
            default_value(PG, "'2020-01-02 03:04:05 +00:00'", &ts),
            DefaultValue::String("2020-01-02 03:04:05".into())
        );
        // With a time zone the offset means something and stays.
        let tstz = Type::Timestamp {
            tz: true,
            precision: Some(3),
        };
        assert_eq!(
            default_value(PG, "'2020-01-02 03:04:05 +02:00'", &tstz),
            DefaultValue::String("2020-01-02 03:04:05 +02:00".into())
        );
    }
}
