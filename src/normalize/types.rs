//! Types: parsing type text as written in DDL or reported by a catalog into `Type`, and
//! spelling a `Type` back per dialect.

use super::ident::{quote_qname, quote_string};
use crate::model::{Dialect, LobSize, Type};

/// Canonical type from type text as written in DDL or reported by a catalog
/// (`character varying(20)`, `int(11) unsigned`, `timestamp(3) with time zone`, `text[]`).
pub fn parse_type(dialect: Dialect, text: &str) -> Type {
    let text = text.trim();
    if dialect == Dialect::Sqlite {
        // SQLite keeps the declared type text and derives an affinity from it; INT and INTEGER
        // differ (only INTEGER PRIMARY KEY aliases the rowid), so the text itself is the type.
        return Type::Custom {
            name: collapse_type_text(&text.replace('"', "")),
        };
    }
    if let Some(inner) = text.strip_suffix(']')
        && let Some(open) = inner.rfind('[')
    {
        // PostgreSQL records no dimensions: `int[][]` and `int[3]` are `integer[]`.
        return match parse_type(dialect, &inner[..open]) {
            array @ Type::Array { .. } => array,
            element => Type::Array {
                element: Box::new(element),
            },
        };
    }
    let lower = text.to_ascii_lowercase();
    // Enum and set values keep their case.
    for (prefix, is_set) in [("enum", false), ("set", true)] {
        if lower.starts_with(prefix) && lower[prefix.len()..].trim_start().starts_with('(') {
            let open = text.find('(').unwrap_or(0);
            let close = text.rfind(')').unwrap_or(text.len());
            let values = split_quoted_list(&text[open + 1..close]);
            return if is_set {
                Type::Set { values }
            } else {
                Type::InlineEnum { values }
            };
        }
    }
    let (base, args, rest) = split_type_args(&lower);
    let mut words: Vec<&str> = base.split_whitespace().collect();
    words.extend(rest.split_whitespace());
    let unsigned = words.contains(&"unsigned");
    let with_tz = lower.contains("with time zone");
    words.retain(|w| !matches!(*w, "unsigned" | "zerofill" | "signed"));
    let head = words
        .iter()
        .take_while(|w| **w != "with" && **w != "without")
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let arg = |i: usize| args.get(i).and_then(|a| a.trim().parse::<u32>().ok());
    let mysql = dialect == Dialect::Mysql;
    let int = |bits: u8| Type::Integer { bits, unsigned };
    match head.as_str() {
        "bool" | "boolean" => Type::Boolean,
        "tinyint" if mysql && arg(0) == Some(1) && !unsigned => Type::Boolean,
        "tinyint" | "int1" => int(8),
        "smallint" | "int2" | "smallserial" | "serial2" => int(16),
        "mediumint" | "int3" | "middleint" => int(24),
        "int" | "integer" | "int4" | "serial" | "serial4" => int(32),
        "bigint" | "int8" | "bigserial" | "serial8" => int(64),
        "decimal" | "numeric" | "dec" | "fixed" => {
            let (precision, scale) = (arg(0), arg(1));
            if mysql {
                Type::Decimal {
                    precision: Some(precision.unwrap_or(10)),
                    scale: Some(scale.unwrap_or(0)),
                }
            } else {
                Type::Decimal {
                    precision,
                    scale: precision.map(|_| scale.unwrap_or(0)),
                }
            }
        }
        "real" if mysql => Type::Float { bits: 64 },
        "real" | "float4" => Type::Float { bits: 32 },
        "double precision" | "double" | "float8" => Type::Float { bits: 64 },
        "float" => match arg(0) {
            Some(p) if p <= 24 => Type::Float { bits: 32 },
            Some(_) => Type::Float { bits: 64 },
            None if mysql => Type::Float { bits: 32 },
            None => Type::Float { bits: 64 },
        },
        "char" | "character" | "bpchar" | "nchar" | "national char" | "national character" => {
            Type::Char {
                len: Some(arg(0).unwrap_or(1)),
            }
        }
        "varchar" | "character varying" | "char varying" | "nvarchar" | "national varchar" => {
            Type::Varchar { len: arg(0) }
        }
        "text" if mysql && arg(0).is_some() => Type::Text {
            size: text_size_for(arg(0).unwrap_or(0)),
        },
        "text" => Type::Text {
            size: LobSize::Regular,
        },
        "tinytext" => Type::Text {
            size: LobSize::Tiny,
        },
        "mediumtext" => Type::Text {
            size: LobSize::Medium,
        },
        "longtext" => Type::Text {
            size: LobSize::Long,
        },
        "bytea" | "blob" => Type::Blob {
            size: LobSize::Regular,
        },
        "tinyblob" => Type::Blob {
            size: LobSize::Tiny,
        },
        "mediumblob" => Type::Blob {
            size: LobSize::Medium,
        },
        "longblob" => Type::Blob {
            size: LobSize::Long,
        },
        "binary" => Type::Binary {
            len: Some(arg(0).unwrap_or(1)),
        },
        "varbinary" => Type::Varbinary { len: arg(0) },
        "date" => Type::Date,
        "time" | "timetz" => Type::Time {
            tz: with_tz || head == "timetz",
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "timestamp" | "timestamptz" => Type::Timestamp {
            tz: with_tz || head == "timestamptz",
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "datetime" => Type::Datetime {
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "year" => Type::Year,
        "interval" if args.is_empty() && words.len() == 1 => Type::Interval,
        "json" => Type::Json,
        "jsonb" => Type::Jsonb,
        "uuid" => Type::Uuid,
        _ => Type::Custom {
            name: postgres_alias(&collapse_type_text(&lower)),
        },
    }
}

fn text_size_for(len: u32) -> LobSize {
    match len {
        0..=255 => LobSize::Tiny,
        256..=65_535 => LobSize::Regular,
        65_536..=16_777_215 => LobSize::Medium,
        _ => LobSize::Long,
    }
}

/// MySQL reports DATETIME(0) as plain DATETIME; make both spell the same.
fn mysql_zero_precision(dialect: Dialect, precision: Option<u32>) -> Option<u32> {
    if dialect == Dialect::Mysql && precision == Some(0) {
        None
    } else {
        precision
    }
}

fn postgres_alias(name: &str) -> String {
    // pg_dump qualifies extension types (`public.citext`); the default schema says nothing.
    let name = name
        .strip_prefix("public.")
        .or_else(|| name.strip_prefix("pg_catalog."))
        .unwrap_or(name);
    match name {
        "varbit" => "bit varying".to_string(),
        "bit" => "bit(1)".to_string(),
        other => other
            .strip_prefix("varbit(")
            .map(|rest| format!("bit varying({rest}"))
            .unwrap_or_else(|| other.to_string()),
    }
}

/// Lower-case, single spaces, no space before `(` or after `,`.
pub(super) fn collapse_type_text(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",")
        .replace(" ,", ",")
        .to_ascii_lowercase()
}

/// `numeric(10, 2) unsigned` → (`numeric`, [`10`, `2`], `unsigned`).
fn split_type_args(text: &str) -> (String, Vec<String>, String) {
    match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            let args = text[open + 1..close]
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
            (
                text[..open].trim().to_string(),
                args,
                text[close + 1..].trim().to_string(),
            )
        }
        _ => (text.to_string(), Vec::new(), String::new()),
    }
}

/// `'a','b''c'` → [`a`, `b'c`].
pub fn split_quoted_list(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    value.push('\'');
                }
                '\'' => break,
                '\\' => {
                    if let Some(next) = chars.next() {
                        value.push(next);
                    }
                }
                other => value.push(other),
            }
        }
        values.push(value);
    }
    values
}

/// How a canonical type is spelled in DDL for a dialect.
pub fn type_sql(dialect: Dialect, ty: &Type) -> String {
    let with_len = |name: &str, len: Option<u32>| match len {
        Some(n) => format!("{name}({n})"),
        None => name.to_string(),
    };
    let list = |values: &[String]| {
        values
            .iter()
            .map(|v| quote_string(dialect, v))
            .collect::<Vec<_>>()
            .join(",")
    };
    let pg = dialect == Dialect::Postgres;
    match ty {
        Type::Boolean => match dialect {
            Dialect::Mysql => "tinyint(1)".into(),
            _ => "boolean".into(),
        },
        Type::Integer { bits, unsigned } => {
            let name = match (bits, dialect) {
                (8, Dialect::Mysql) => "tinyint",
                (8 | 16, _) => "smallint",
                (24, Dialect::Mysql) => "mediumint",
                (24 | 32, _) => "integer",
                _ => "bigint",
            };
            let name = if dialect == Dialect::Mysql && name == "integer" {
                "int"
            } else {
                name
            };
            if *unsigned && dialect == Dialect::Mysql {
                format!("{name} unsigned")
            } else {
                name.to_string()
            }
        }
        Type::Decimal { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("numeric({p},{s})")
                .replace("numeric", if pg { "numeric" } else { "decimal" }),
            (Some(p), None) => format!("{}({p})", if pg { "numeric" } else { "decimal" }),
            _ => (if pg { "numeric" } else { "decimal" }).to_string(),
        },
        Type::Float { bits: 32 } => match dialect {
            Dialect::Mysql => "float".into(),
            _ => "real".into(),
        },
        Type::Float { .. } => match dialect {
            Dialect::Mysql => "double".into(),
            _ => "double precision".into(),
        },
        Type::Char { len } => with_len(if pg { "character" } else { "char" }, *len),
        Type::Varchar { len } => with_len(if pg { "character varying" } else { "varchar" }, *len),
        Type::Text { size } => match (dialect, size) {
            (Dialect::Mysql, LobSize::Tiny) => "tinytext".into(),
            (Dialect::Mysql, LobSize::Medium) => "mediumtext".into(),
            (Dialect::Mysql, LobSize::Long) => "longtext".into(),
            _ => "text".into(),
        },
        Type::Blob { size } => match (dialect, size) {
            (Dialect::Postgres, _) => "bytea".into(),
            (Dialect::Mysql, LobSize::Tiny) => "tinyblob".into(),
            (Dialect::Mysql, LobSize::Medium) => "mediumblob".into(),
            (Dialect::Mysql, LobSize::Long) => "longblob".into(),
            _ => "blob".into(),
        },
        Type::Binary { len } => with_len("binary", *len),
        Type::Varbinary { len } => with_len("varbinary", *len),
        Type::Date => "date".into(),
        Type::Time { tz, precision } => {
            let base = with_len("time", *precision);
            if *tz {
                format!("{base} with time zone")
            } else {
                base
            }
        }
        Type::Timestamp { tz, precision } => {
            let base = with_len("timestamp", *precision);
            if *tz {
                format!("{base} with time zone")
            } else {
                base
            }
        }
        Type::Datetime { precision } => with_len("datetime", *precision),
        Type::Year => "year".into(),
        Type::Interval => "interval".into(),
        Type::Json => "json".into(),
        Type::Jsonb => "jsonb".into(),
        // MariaDB 10.7+ has a native UUID type; SQLite keeps any type name.
        Type::Uuid => "uuid".into(),
        Type::Enum { name } => quote_qname(dialect, name),
        Type::InlineEnum { values } => format!("enum({})", list(values)),
        Type::Set { values } => format!("set({})", list(values)),
        Type::Array { element } => format!("{}[]", type_sql(dialect, element)),
        Type::Custom { name } => name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_spellings() {
        assert_eq!(
            parse_type(Dialect::Postgres, "character varying(20)"),
            Type::Varchar { len: Some(20) }
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "int4"),
            parse_type(Dialect::Postgres, "INTEGER")
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "timestamp(3) with time zone"),
            Type::Timestamp {
                tz: true,
                precision: Some(3)
            }
        );
        assert_eq!(
            parse_type(Dialect::Mysql, "int(11) unsigned"),
            Type::Integer {
                bits: 32,
                unsigned: true
            }
        );
        assert_eq!(parse_type(Dialect::Mysql, "tinyint(1)"), Type::Boolean);
        assert_eq!(
            parse_type(Dialect::Mysql, "enum('a','b''c')"),
            Type::InlineEnum {
                values: vec!["a".into(), "b'c".into()]
            }
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "text[]"),
            Type::Array {
                element: Box::new(Type::Text {
                    size: LobSize::Regular
                })
            }
        );
        assert_eq!(
            parse_type(Dialect::Mysql, "decimal"),
            parse_type(Dialect::Mysql, "decimal(10,0)")
        );
    }
}
