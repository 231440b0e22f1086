//! The names the recipes give what they create: shadow columns and indexes, kept objects, the
//! check that proves NOT NULL, each within the dialect's identifier length.

use crate::model::{Dialect, QName};

/// `table_column_not_null`: the CHECK that proves a column NOT NULL before SET NOT NULL.
pub(super) fn not_null_check_name(dialect: Dialect, table: &QName, column: &str) -> String {
    let mut name = format!("{}_{}_not_null", table.name, column);
    truncate(dialect, &mut name, 0);
    name
}

/// `name__migen_new`, within the dialect's identifier length.
pub(super) fn shadow_name(dialect: Dialect, name: &str) -> String {
    let mut base = name.to_string();
    truncate(dialect, &mut base, "__migen_new".len());
    base + "__migen_new"
}

/// `name__migen_deprecated`: a dropped object kept until a later migration.
pub(super) fn deprecated_name(dialect: Dialect, name: &str) -> String {
    let mut base = name.to_string();
    truncate(dialect, &mut base, "__migen_deprecated".len());
    base + "__migen_deprecated"
}

/// Shorten `name` so that `reserve` more bytes still fit the identifier limit. A shortened
/// name ends in a hash of the whole, so two long names that share a beginning stay apart.
pub(super) fn truncate(dialect: Dialect, name: &mut String, reserve: usize) {
    let limit = match dialect {
        Dialect::Postgres => 63,
        Dialect::Mysql => 64,
        Dialect::Sqlite => usize::MAX,
    };
    if name.len() + reserve <= limit {
        return;
    }
    let hash = format!("_{:08x}", fnv1a(name.as_bytes()) as u32);
    while name.len() + reserve + hash.len() > limit {
        name.pop();
    }
    name.push_str(&hash);
}

/// FNV-1a: a stable hash (the same on every run and platform) for shortened names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
