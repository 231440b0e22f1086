//! Facts about types and columns that several rules need.

use crate::model::{Column, DefaultValue, Dialect, IndexPart, LobSize, Table, Type};
use crate::normalize::type_sql;

/// The type as the dialect spells it, for messages.
pub(crate) fn spell(dialect: Dialect, ty: &Type) -> String {
    let text = type_sql(dialect, ty);
    if text.is_empty() {
        "(no declared type)".to_string()
    } else {
        text
    }
}

/// Characters (or bytes) a string or binary type holds; `None` means no practical limit.
fn capacity(dialect: Dialect, ty: &Type) -> Option<u64> {
    let lob = |size: LobSize| match size {
        LobSize::Tiny => Some(255),
        // Only MySQL sizes its TEXT/BLOB; elsewhere text is unbounded.
        LobSize::Regular if dialect == Dialect::Mysql => Some(65_535),
        LobSize::Regular => None,
        LobSize::Medium => Some(16_777_215),
        LobSize::Long => None,
    };
    match ty {
        Type::Char { len } | Type::Binary { len } => Some(len.unwrap_or(1) as u64),
        Type::Varchar { len } | Type::Varbinary { len } => len.map(u64::from),
        Type::Text { size } | Type::Blob { size } => lob(*size),
        _ => None,
    }
}

fn is_string_like(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Char { .. }
            | Type::Varchar { .. }
            | Type::Text { .. }
            | Type::Binary { .. }
            | Type::Varbinary { .. }
            | Type::Blob { .. }
    )
}

/// Decimal digits an integer type needs.
fn integer_digits(bits: u8) -> u32 {
    match bits {
        8 => 3,
        16 => 5,
        24 => 8,
        32 => 10,
        _ => 19,
    }
}

/// Whether converting `from` to `to` can cut, round or drop values that fit the old type.
pub(crate) fn narrows(dialect: Dialect, from: &Type, to: &Type) -> bool {
    // Unbounded precision counts as the most.
    let precision = |p: &Option<u32>| p.unwrap_or(6);
    match (from, to) {
        (
            Type::Integer {
                bits: a,
                unsigned: ua,
            },
            Type::Integer {
                bits: b,
                unsigned: ub,
            },
        ) => b < a || (!*ua && *ub) || (*ua && !*ub && b == a),
        (
            Type::Decimal {
                precision: p1,
                scale: s1,
            },
            Type::Decimal {
                precision: p2,
                scale: s2,
            },
        ) => match (p1, p2) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(p1), Some(p2)) => {
                let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
                s2 < s1 || p2.saturating_sub(s2) < p1.saturating_sub(s1)
            }
        },
        (Type::Integer { bits, .. }, Type::Decimal { precision, scale }) => {
            precision.is_some_and(|p| p.saturating_sub(scale.unwrap_or(0)) < integer_digits(*bits))
        }
        (Type::Float { bits: a }, Type::Float { bits: b }) => b < a,
        (Type::Float { .. } | Type::Decimal { .. }, Type::Integer { .. }) => true,
        (Type::Float { .. }, Type::Decimal { .. }) | (Type::Decimal { .. }, Type::Float { .. }) => {
            true
        }
        (Type::Timestamp { precision: a, .. }, Type::Timestamp { precision: b, .. })
        | (Type::Time { precision: a, .. }, Type::Time { precision: b, .. })
        | (Type::Datetime { precision: a }, Type::Datetime { precision: b })
        | (Type::Datetime { precision: a }, Type::Timestamp { precision: b, .. })
        | (Type::Timestamp { precision: a, .. }, Type::Datetime { precision: b }) => {
            precision(b) < precision(a)
        }
        (Type::Timestamp { .. } | Type::Datetime { .. }, Type::Date) => true,
        (Type::InlineEnum { values: a }, Type::InlineEnum { values: b })
        | (Type::Set { values: a }, Type::Set { values: b }) => a.iter().any(|v| !b.contains(v)),
        _ if is_string_like(from) && is_string_like(to) => {
            match (capacity(dialect, from), capacity(dialect, to)) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            }
        }
        _ => false,
    }
}

/// Whether a word occurs in an expression as a whole identifier (plain or double-quoted).
pub(crate) fn mentions(text: &str, name: &str) -> bool {
    crate::model::mentions_identifier(text, name)
}

/// Whether any index, key or constraint-backed index of the table covers the column.
pub(crate) fn column_indexed(table: &Table, column: &str) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
        || table
            .uniques
            .iter()
            .any(|u| u.columns.iter().any(|c| c == column))
        || table.indexes.iter().any(|i| {
            i.keys.iter().any(|k| match &k.part {
                IndexPart::Column(c) => c == column,
                IndexPart::Expr(e) => mentions(e, column),
            }) || i.include.iter().any(|c| c == column)
        })
}

/// Whether some index, primary key or unique constraint starts with exactly these columns
/// (what a foreign key's referencing side needs so deletes on the parent do not scan).
pub(crate) fn has_leading_index(table: &Table, columns: &[String]) -> bool {
    let leads = |keys: &[String]| keys.len() >= columns.len() && keys[..columns.len()] == *columns;
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| leads(&pk.columns))
        || table.uniques.iter().any(|u| leads(&u.columns))
        || table.indexes.iter().any(|i| {
            i.predicate.is_none() && {
                let keys: Vec<String> = i
                    .keys
                    .iter()
                    .map_while(|k| match &k.part {
                        IndexPart::Column(c) => Some(c.clone()),
                        IndexPart::Expr(_) => None,
                    })
                    .collect();
                leads(&keys)
            }
        })
}

/// Values come from the server (identity, serial, AUTO_INCREMENT, generated), not from a default.
pub(crate) fn server_filled(column: &Column) -> bool {
    column.identity.is_some()
        || column.auto_increment
        || column.generated.is_some()
        || matches!(column.default, Some(DefaultValue::Sequence(_)))
}

/// A default that gives existing rows a value (not absent, not NULL).
pub(crate) fn has_value_default(column: &Column) -> bool {
    !matches!(column.default, None | Some(DefaultValue::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing() {
        let pg = Dialect::Postgres;
        let int = |bits| Type::Integer {
            bits,
            unsigned: false,
        };
        assert!(narrows(pg, &int(64), &int(32)));
        assert!(!narrows(pg, &int(32), &int(64)));
        let varchar = |len| Type::Varchar { len };
        assert!(narrows(pg, &varchar(Some(50)), &varchar(Some(20))));
        assert!(!narrows(pg, &varchar(Some(20)), &varchar(None)));
        assert!(narrows(
            pg,
            &Type::Text {
                size: LobSize::Regular
            },
            &varchar(Some(20))
        ));
        assert!(!narrows(
            pg,
            &varchar(Some(20)),
            &Type::Text {
                size: LobSize::Regular
            }
        ));
        let dec = |p, s| Type::Decimal {
            precision: Some(p),
            scale: Some(s),
        };
        assert!(narrows(pg, &dec(10, 2), &dec(10, 3)));
        assert!(!narrows(pg, &dec(10, 2), &dec(12, 2)));
        assert!(narrows(pg, &int(32), &dec(5, 0)));
        let e = |v: &[&str]| Type::InlineEnum {
            values: v.iter().map(|s| s.to_string()).collect(),
        };
        assert!(narrows(Dialect::Mysql, &e(&["a", "b"]), &e(&["a"])));
        assert!(!narrows(Dialect::Mysql, &e(&["a"]), &e(&["a", "b"])));
    }

    #[test]
    fn mention_tokens() {
        assert!(mentions("email IS NOT NULL", "email"));
        assert!(mentions("\"Email\" IS NOT NULL", "Email"));
        assert!(!mentions("emails IS NOT NULL", "email"));
    }
}
