//! SQLAlchemy types spelled as migen's DDL spells them.

use super::{Imports, py, py_bool};
use crate::model::*;

/// The SQLAlchemy type that DDL spells as migen does, or `None` when there is none.
pub(super) fn sa_type(
    dialect: Dialect,
    ty: &Type,
    collation: Option<&str>,
    imports: &mut Imports,
) -> Option<String> {
    let pg = dialect == Dialect::Postgres;
    let mysql = dialect == Dialect::Mysql;
    let sized = |name: &str, len: &Option<u32>| match len {
        Some(n) => format!("sa.{name}({n})"),
        None => format!("sa.{name}()"),
    };
    let values = |values: &[String]| values.iter().map(|v| py(v)).collect::<Vec<_>>().join(", ");
    let mut with_module = |module: &'static str, expr: String| {
        imports.use_module(module);
        expr
    };
    let text_type = |base: &str, arg: Option<u32>| -> String {
        let mut args: Vec<String> = arg.map(|n| n.to_string()).into_iter().collect();
        if let Some(collation) = collation {
            args.push(format!("collation={}", py(collation)));
        }
        format!("sa.{base}({})", args.join(", "))
    };
    if collation.is_some() && !ty.is_textual() && !matches!(ty, Type::Custom { .. }) {
        return None;
    }
    Some(match ty {
        Type::Boolean => "sa.Boolean()".into(),
        Type::Integer { bits, unsigned } if mysql && (*unsigned || matches!(bits, 8 | 24)) => {
            let name = match bits {
                8 => "TINYINT",
                16 => "SMALLINT",
                24 => "MEDIUMINT",
                32 => "INTEGER",
                _ => "BIGINT",
            };
            let args = if *unsigned { "unsigned=True" } else { "" };
            with_module("mysql", format!("mysql.{name}({args})"))
        }
        Type::Integer { bits, .. } => match bits {
            8 | 16 => "sa.SmallInteger()".into(),
            24 | 32 => "sa.Integer()".into(),
            _ => "sa.BigInteger()".into(),
        },
        Type::Decimal { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("sa.Numeric({p}, {s})"),
            (Some(p), None) => format!("sa.Numeric({p})"),
            _ => "sa.Numeric()".into(),
        },
        Type::Float { bits: 32 } if mysql => "sa.Float()".into(),
        Type::Float { bits: 32 } => "sa.REAL()".into(),
        Type::Float { .. } => "sa.Double()".into(),
        Type::Char { len } => text_type("CHAR", *len),
        Type::Varchar { len } => text_type("String", *len),
        Type::Text { size } => {
            let collate = collation
                .map(|c| format!("collation={}", py(c)))
                .unwrap_or_default();
            match (mysql, size) {
                (true, LobSize::Tiny) => with_module("mysql", format!("mysql.TINYTEXT({collate})")),
                (true, LobSize::Medium) => {
                    with_module("mysql", format!("mysql.MEDIUMTEXT({collate})"))
                }
                (true, LobSize::Long) => with_module("mysql", format!("mysql.LONGTEXT({collate})")),
                _ => text_type("Text", None),
            }
        }
        Type::Blob { size } => match (mysql, size) {
            (true, LobSize::Tiny) => with_module("mysql", "mysql.TINYBLOB()".into()),
            (true, LobSize::Medium) => with_module("mysql", "mysql.MEDIUMBLOB()".into()),
            (true, LobSize::Long) => with_module("mysql", "mysql.LONGBLOB()".into()),
            _ => "sa.LargeBinary()".into(),
        },
        Type::Binary { len } => sized("BINARY", len),
        Type::Varbinary { len } => sized("VARBINARY", len),
        Type::Date => "sa.Date()".into(),
        Type::Time { tz, precision } => match (dialect, precision) {
            (Dialect::Postgres, Some(p)) => with_module(
                "postgresql",
                format!("postgresql.TIME(timezone={}, precision={p})", py_bool(*tz)),
            ),
            (Dialect::Mysql, Some(p)) if !tz => {
                with_module("mysql", format!("mysql.TIME(fsp={p})"))
            }
            (_, None) if *tz && !pg => return None,
            (_, None) => format!("sa.TIME(timezone={})", py_bool(*tz)),
            _ => return None,
        },
        Type::Timestamp { tz, precision } => match (dialect, precision) {
            (Dialect::Postgres, Some(p)) => with_module(
                "postgresql",
                format!(
                    "postgresql.TIMESTAMP(timezone={}, precision={p})",
                    py_bool(*tz)
                ),
            ),
            (Dialect::Mysql, Some(p)) if !tz => {
                with_module("mysql", format!("mysql.TIMESTAMP(fsp={p})"))
            }
            (_, None) if *tz && !pg => return None,
            (_, None) => format!("sa.TIMESTAMP(timezone={})", py_bool(*tz)),
            _ => return None,
        },
        Type::Datetime { precision } => match (dialect, precision) {
            (Dialect::Mysql, Some(p)) => with_module("mysql", format!("mysql.DATETIME(fsp={p})")),
            (_, None) => "sa.DATETIME()".into(),
            _ => return None,
        },
        Type::Year if mysql => with_module("mysql", "mysql.YEAR()".into()),
        Type::Interval if pg => with_module("postgresql", "postgresql.INTERVAL()".into()),
        Type::Json => "sa.JSON()".into(),
        Type::Jsonb if pg => with_module("postgresql", "postgresql.JSONB()".into()),
        Type::Uuid => "sa.UUID()".into(),
        Type::Enum { name } if pg => {
            let schema = name
                .schema
                .as_ref()
                .map(|s| format!(", schema={}", py(s)))
                .unwrap_or_default();
            // The type is created and dropped by statements of its own.
            with_module(
                "postgresql",
                format!(
                    "postgresql.ENUM(name={}{schema}, create_type=False)",
                    py(&name.name)
                ),
            )
        }
        Type::InlineEnum { values: v } if mysql => {
            with_module("mysql", format!("mysql.ENUM({})", values(v)))
        }
        Type::Set { values: v } if mysql => {
            with_module("mysql", format!("mysql.SET({})", values(v)))
        }
        Type::Array { element } if pg => {
            let element = sa_type(dialect, element, None, imports)?;
            imports.use_module("postgresql");
            format!("postgresql.ARRAY({element})")
        }
        Type::Custom { name } => declared_type(name, collation)?,
        _ => return None,
    })
}

/// A type kept as its declared text (SQLite keeps any type name): the SQLAlchemy type of the
/// same name, where SQLAlchemy spells it just so.
fn declared_type(declared: &str, collation: Option<&str>) -> Option<String> {
    let (name, args) = match declared.split_once('(') {
        Some((name, rest)) => (name.trim(), Some(rest.strip_suffix(')')?)),
        None => (declared.trim(), None),
    };
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let (class, sized, textual) = match name.to_ascii_lowercase().as_str() {
        "integer" => ("INTEGER", false, false),
        "smallint" => ("SMALLINT", false, false),
        "bigint" => ("BIGINT", false, false),
        "varchar" => ("VARCHAR", true, true),
        "char" => ("CHAR", true, true),
        "nchar" => ("NCHAR", true, true),
        "nvarchar" => ("NVARCHAR", true, true),
        "text" => ("TEXT", false, true),
        "clob" => ("CLOB", false, true),
        "blob" => ("BLOB", false, false),
        "boolean" => ("BOOLEAN", false, false),
        "date" => ("DATE", false, false),
        "datetime" => ("DATETIME", false, false),
        "time" => ("TIME", false, false),
        "timestamp" => ("TIMESTAMP", false, false),
        "float" => ("FLOAT", true, false),
        "real" => ("REAL", false, false),
        "double" => ("DOUBLE", false, false),
        "double precision" => ("DOUBLE_PRECISION", false, false),
        "numeric" => ("NUMERIC", true, false),
        "decimal" => ("DECIMAL", true, false),
        "json" => ("JSON", false, false),
        "uuid" => ("UUID", false, false),
        "binary" => ("BINARY", true, false),
        "varbinary" => ("VARBINARY", true, false),
        _ => return None,
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(args) = args {
        // Only NUMERIC and DECIMAL take a second number (the scale) as SQL does.
        let most = if matches!(class, "NUMERIC" | "DECIMAL") {
            2
        } else {
            1
        };
        if !sized || args.split(',').count() > most {
            return None;
        }
        for arg in args.split(',') {
            let arg = arg.trim();
            arg.parse::<u32>().ok()?;
            parts.push(arg.to_string());
        }
    }
    if let Some(collation) = collation {
        if !textual {
            return None;
        }
        parts.push(format!("collation={}", py(collation)));
    }
    Some(format!("sa.{class}({})", parts.join(", ")))
}
