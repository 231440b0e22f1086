//! Rows to seed a schema with before a migration is tried: a few per table, with values every
//! column type accepts, for migen's own verification and the test script it writes.

use crate::model::*;
use crate::normalize::{quote_qname, quote_string};

/// Three rows per table, parents before children, with values every column type accepts.
/// Some may be refused by a constraint the values do not meet; callers run them one by one.
pub fn seed_statements(schema: &Schema) -> Vec<String> {
    let dialect = schema.dialect;
    let mut statements = Vec::new();
    let mut order: Vec<&Table> = Vec::new();
    let mut remaining: Vec<&Table> = schema.tables.values().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|table| {
            let ready = table.foreign_keys.iter().all(|fk| {
                fk.ref_table == table.name || order.iter().any(|t| t.name == fk.ref_table)
            });
            if ready {
                order.push(table);
            }
            !ready
        });
        if remaining.len() == before {
            order.append(&mut remaining);
        }
    }
    for table in order {
        for i in 1..=3 {
            let mut columns = Vec::new();
            let mut values = Vec::new();
            for column in &table.columns {
                if column.generated.is_some()
                    || column.identity == Some(Identity::Always)
                    || column.auto_increment
                    || matches!(column.default, Some(DefaultValue::Sequence(_)))
                {
                    continue;
                }
                if let Some(value) = seed_value(dialect, schema, &column.ty, i) {
                    columns.push(crate::normalize::quote_ident(dialect, &column.name));
                    values.push(value);
                }
            }
            let sql = if columns.is_empty() {
                match dialect {
                    Dialect::Mysql => format!(
                        "INSERT INTO {} () VALUES ()",
                        quote_qname(dialect, &table.name)
                    ),
                    _ => format!(
                        "INSERT INTO {} DEFAULT VALUES",
                        quote_qname(dialect, &table.name)
                    ),
                }
            } else {
                format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote_qname(dialect, &table.name),
                    columns.join(", "),
                    values.join(", ")
                )
            };
            statements.push(sql);
        }
    }
    statements
}

fn seed_value(dialect: Dialect, schema: &Schema, ty: &Type, i: u32) -> Option<String> {
    let text = |s: String| Some(quote_string(dialect, &s));
    match ty {
        Type::Boolean => Some(if i.is_multiple_of(2) { "false" } else { "true" }.into()),
        Type::Integer { .. } | Type::Decimal { .. } | Type::Float { .. } | Type::Year => {
            Some(if matches!(ty, Type::Year) {
                format!("{}", 2020 + i)
            } else {
                i.to_string()
            })
        }
        Type::Char { .. } | Type::Varchar { .. } | Type::Text { .. } => text(i.to_string()),
        Type::Binary { .. } | Type::Varbinary { .. } | Type::Blob { .. } => match dialect {
            Dialect::Postgres => Some(format!("decode('0{i}', 'hex')")),
            _ => Some(format!("X'0{i}'")),
        },
        Type::Date => text(format!("2024-01-0{i}")),
        Type::Time { .. } => text(format!("00:00:0{i}")),
        Type::Timestamp { .. } | Type::Datetime { .. } => text(format!("2024-01-0{i} 00:00:00")),
        Type::Interval => text(format!("{i} days")),
        Type::Json | Type::Jsonb => text(format!("{{\"n\": {i}}}")),
        Type::Uuid => text(format!("00000000-0000-0000-0000-00000000000{i}")),
        Type::Enum { name } => {
            let values = &schema.enums.get(name)?.values;
            text(values.get((i as usize - 1) % values.len().max(1))?.clone())
        }
        Type::InlineEnum { values } | Type::Set { values } => text(values.first()?.clone()),
        Type::Array { .. } => Some("'{}'".into()),
        Type::Custom { name } => {
            if dialect == Dialect::Sqlite {
                Some(i.to_string())
            } else if name == "citext" {
                text(i.to_string())
            } else {
                None
            }
        }
    }
}
