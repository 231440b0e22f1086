//! Which ALGORITHM MySQL or MariaDB uses for a change (SAFETY-RULES.md section 5).
//!
//! The statements come from `dialect/mysql.rs`: ADD COLUMN without a position (so the column
//! goes last), one ALTER per change, UNIQUE as CREATE UNIQUE INDEX, generated-column changes as
//! DROP + ADD. The grading below follows those statements.

use super::Ctx;
use super::types::{narrows, spell};
use crate::diff::Change;
use crate::model::{Column, DefaultValue, Dialect, QName, Table, Type};

/// How the server performs a change, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Algorithm {
    /// Metadata only.
    Instant,
    /// In place without rebuilding the table; reads and writes continue.
    Inplace,
    /// In place, but every row is rewritten into a new copy of the table; writes continue.
    InplaceRebuild,
    /// In place, but concurrent writes wait for the whole operation.
    InplaceNoWrites,
    /// A full table copy; writes wait for the whole copy.
    Copy,
}

impl Algorithm {
    /// The clause text for people (and for the planner's `ALGORITHM=…, LOCK=…`).
    pub(crate) fn clause(self) -> &'static str {
        match self {
            Algorithm::Instant => "ALGORITHM=INSTANT",
            Algorithm::Inplace | Algorithm::InplaceRebuild => "ALGORITHM=INPLACE, LOCK=NONE",
            Algorithm::InplaceNoWrites => "ALGORITHM=INPLACE, LOCK=SHARED",
            Algorithm::Copy => "ALGORITHM=COPY",
        }
    }

    pub(crate) fn lock(self) -> &'static str {
        match self {
            Algorithm::Instant | Algorithm::Inplace => {
                "exclusive metadata lock at the start and end only"
            }
            Algorithm::InplaceRebuild => {
                "INPLACE with a table rebuild: writes continue, exclusive metadata lock at the start and end"
            }
            Algorithm::InplaceNoWrites => {
                "INPLACE with LOCK=SHARED: reads continue, writes wait for the whole operation"
            }
            Algorithm::Copy => "ALGORITHM=COPY: writes wait while every row is copied",
        }
    }
}

/// The algorithm for change `i` with the reason in words; `None` for changes that are not an
/// ALTER of an existing table (or that MySQL has no statement for).
pub(crate) fn classify(ctx: &Ctx, i: usize) -> Option<(Algorithm, String)> {
    let change = &ctx.changes()[i];
    let table = change.table()?;
    if !ctx.existed_before(table) {
        return None;
    }
    let before = ctx.before_table(table);
    let version = ctx.version();
    let mariadb = version.is_mariadb();
    let server = version.label();
    let col = |c: &str| format!("{table}.{c}");
    Some(match change {
        Change::AddColumn { column, .. } => add_column(ctx, table, before.as_ref(), column),
        Change::DropColumn { column, .. } => {
            let instant = if mariadb {
                version.at_least(10, 4, 0)
            } else {
                version.at_least(8, 0, 29)
            };
            if instant {
                (
                    Algorithm::Instant,
                    format!("dropping {} is metadata only", col(&column.name)),
                )
            } else {
                (
                    Algorithm::InplaceRebuild,
                    format!(
                        "dropping {} rebuilds the table on {server} (instant from {})",
                        col(&column.name),
                        if mariadb {
                            "MariaDB 10.4"
                        } else {
                            "MySQL 8.0.29"
                        }
                    ),
                )
            }
        }
        Change::RenameColumn { from, to, .. } => {
            let instant = mariadb || version.at_least(8, 0, 28);
            (
                if instant {
                    Algorithm::Instant
                } else {
                    Algorithm::Inplace
                },
                format!("renaming {} to {to} changes metadata only", col(from)),
            )
        }
        Change::AlterColumn { from, to, .. } => alter_column(ctx, table, before.as_ref(), from, to),
        Change::AddPrimaryKey { primary_key, .. } => {
            let nullable: Vec<&String> = primary_key
                .columns
                .iter()
                .filter(|c| nullable_at_this_point(ctx, i, table, before.as_ref(), c))
                .collect();
            if nullable.is_empty() {
                (
                    Algorithm::InplaceRebuild,
                    format!(
                        "adding the primary key ({}) rebuilds {table} around the new clustered index",
                        primary_key.columns.join(", ")
                    ),
                )
            } else {
                (
                    Algorithm::Copy,
                    format!(
                        "adding the primary key ({}) must also make {} NOT NULL, which the server only does by copying the table",
                        primary_key.columns.join(", "),
                        nullable
                            .iter()
                            .map(|c| c.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            }
        }
        Change::DropPrimaryKey { .. } => (
            Algorithm::Copy,
            format!(
                "dropping the primary key of {table} on its own copies the table (only a statement that also adds the new key stays in place)"
            ),
        ),
        Change::AddForeignKey { foreign_key, .. } => (
            Algorithm::Copy,
            format!(
                "adding the foreign key ({}) → {} with foreign_key_checks on copies {table} to check every row",
                foreign_key.columns.join(", "),
                foreign_key.ref_table
            ),
        ),
        Change::DropForeignKey { .. } => (
            Algorithm::Inplace,
            "dropping a foreign key changes metadata only".to_string(),
        ),
        Change::AddUnique { unique, .. } => (
            Algorithm::Inplace,
            format!(
                "the unique index on ({}) is built online; it fails if duplicates exist or are written during the build",
                unique.columns.join(", ")
            ),
        ),
        Change::DropUnique { .. } | Change::DropIndex { .. } => (
            Algorithm::Inplace,
            "dropping an index changes metadata only".to_string(),
        ),
        Change::AddCheck { check, .. } => (
            Algorithm::Copy,
            format!(
                "adding CHECK ({}) checks every existing row by copying {table}",
                check.expr
            ),
        ),
        Change::DropCheck { .. } => (
            if mariadb {
                Algorithm::Instant
            } else {
                Algorithm::Inplace
            },
            "dropping a CHECK constraint changes metadata only".to_string(),
        ),
        Change::RenameConstraint { .. } | Change::RenameIndex { .. } => (
            Algorithm::Inplace,
            "renaming an index changes metadata only".to_string(),
        ),
        Change::AddIndex { index, .. } => {
            let method = index.method.as_deref().unwrap_or("");
            let first_fulltext = method == "fulltext"
                && !before.as_ref().is_some_and(|t| {
                    t.indexes
                        .iter()
                        .any(|i| i.method.as_deref() == Some("fulltext"))
                });
            match method {
                "fulltext" | "spatial" => (
                    Algorithm::InplaceNoWrites,
                    format!(
                        "building the {} index {} blocks writes to {table}{}",
                        method.to_ascii_uppercase(),
                        index.name,
                        if first_fulltext {
                            ", and the first FULLTEXT index also rebuilds the table"
                        } else {
                            ""
                        }
                    ),
                ),
                _ => (
                    Algorithm::Inplace,
                    format!("index {} is built online", index.name),
                ),
            }
        }
        Change::AlterTableComment { .. } => (
            Algorithm::Inplace,
            "a table comment is metadata only".to_string(),
        ),
        Change::AlterTableOptions { from, to, .. } => {
            if to.engine.is_some() && from.engine != to.engine {
                (
                    Algorithm::Copy,
                    format!(
                        "moving {table} to the {} engine copies every row",
                        to.engine.as_deref().unwrap_or("default")
                    ),
                )
            } else if to.charset.is_some() && from.charset != to.charset {
                (
                    Algorithm::InplaceRebuild,
                    format!(
                        "a new default character set rebuilds {table} (existing columns keep their own character set)"
                    ),
                )
            } else {
                (
                    Algorithm::Inplace,
                    "a new default collation is metadata only".to_string(),
                )
            }
        }
        _ => return None,
    })
}

fn instant_add_supported(ctx: &Ctx) -> bool {
    let version = ctx.version();
    if version.is_mariadb() {
        version.at_least(10, 3, 2)
    } else {
        version.at_least(8, 0, 12)
    }
}

/// A default that MySQL evaluates as an expression (the parenthesised form), not a literal.
fn expression_default(column: &Column) -> Option<String> {
    match &column.default {
        Some(DefaultValue::Function(f)) => {
            let f = f.to_ascii_lowercase();
            let timestamp_like = ["current_timestamp", "now", "localtime", "localtimestamp"]
                .iter()
                .any(|t| f.starts_with(t));
            (!timestamp_like).then(|| f.clone())
        }
        Some(DefaultValue::Expr(e)) => Some(e.clone()),
        Some(DefaultValue::Sequence(s)) => Some(format!("nextval('{s}')")),
        _ => None,
    }
}

fn add_column(
    ctx: &Ctx,
    table: &QName,
    before: Option<&Table>,
    column: &Column,
) -> (Algorithm, String) {
    let name = format!("{table}.{}", column.name);
    if column.auto_increment {
        return (
            Algorithm::InplaceNoWrites,
            format!(
                "adding the AUTO_INCREMENT column {name} rebuilds the table while writes wait, and statement-based replicas may number rows differently"
            ),
        );
    }
    if let Some(generated) = &column.generated
        && generated.stored
    {
        return (
            Algorithm::Copy,
            format!("adding the stored generated column {name} computes it by copying every row"),
        );
    }
    if let Some(expr) = expression_default(column) {
        return (
            Algorithm::Copy,
            format!("the expression default {expr} of {name} is computed by copying every row"),
        );
    }
    let has_fulltext = before.is_some_and(|t| {
        t.indexes
            .iter()
            .any(|i| i.method.as_deref() == Some("fulltext"))
    });
    if has_fulltext && !ctx.version().is_mariadb() {
        return (
            Algorithm::InplaceRebuild,
            format!(
                "{table} has a FULLTEXT index, so adding {name} cannot be instant and rebuilds the table"
            ),
        );
    }
    if instant_add_supported(ctx) {
        return (
            Algorithm::Instant,
            format!("{name} is added as the last column, which is metadata only"),
        );
    }
    (
        Algorithm::InplaceRebuild,
        format!(
            "adding {name} rebuilds the table on {} (instant from {})",
            ctx.version().label(),
            if ctx.version().is_mariadb() {
                "MariaDB 10.3.2"
            } else {
                "MySQL 8.0.12"
            }
        ),
    )
}

/// Bytes per character of the column's character set (utf8mb4 when unknown, the 8.0 default).
fn bytes_per_char(table: Option<&Table>, column: &Column) -> u64 {
    let from_name = |name: &str| {
        let name = name.to_ascii_lowercase();
        if name.starts_with("utf8mb4") || name.starts_with("utf16") || name.starts_with("utf32") {
            Some(4)
        } else if name.starts_with("utf8") {
            Some(3)
        } else if name.starts_with("ucs2") {
            Some(2)
        } else if name.starts_with("latin")
            || name.starts_with("ascii")
            || name.starts_with("binary")
            || name.starts_with("cp125")
        {
            Some(1)
        } else {
            None
        }
    };
    column
        .collation
        .as_deref()
        .and_then(from_name)
        .or_else(|| {
            table.and_then(|t| {
                t.options
                    .charset
                    .as_deref()
                    .or(t.options.collation.as_deref())
                    .and_then(from_name)
            })
        })
        .unwrap_or(4)
}

/// Storage bytes of an ENUM or SET definition; a change keeps INSTANT only while this stays put.
fn member_storage(ty: &Type) -> Option<usize> {
    match ty {
        Type::InlineEnum { values } => Some(if values.len() <= 255 { 1 } else { 2 }),
        Type::Set { values } => Some(match values.len() {
            0..=8 => 1,
            9..=16 => 2,
            17..=24 => 3,
            25..=32 => 4,
            _ => 8,
        }),
        _ => None,
    }
}

fn type_change(
    ctx: &Ctx,
    before: Option<&Table>,
    name: &str,
    from: &Column,
    to: &Column,
) -> (Algorithm, String) {
    let mariadb = ctx.version().is_mariadb();
    let d = Dialect::Mysql;
    let what = format!(
        "changing {name} from {} to {}",
        spell(d, &from.ty),
        spell(d, &to.ty)
    );
    match (&from.ty, &to.ty) {
        (Type::Varchar { len: Some(a) }, Type::Varchar { len: Some(b) }) if b >= a => {
            let per = bytes_per_char(before, to);
            let (old_bytes, new_bytes) = (*a as u64 * per, *b as u64 * per);
            if (old_bytes <= 255) == (new_bytes <= 255) {
                if mariadb {
                    (
                        Algorithm::Instant,
                        format!("{what} only widens it and keeps its length prefix"),
                    )
                } else {
                    (
                        Algorithm::Inplace,
                        format!("{what} keeps its length prefix, so it is done in place"),
                    )
                }
            } else {
                (
                    Algorithm::Copy,
                    format!(
                        "{what} crosses 255 bytes ({per} bytes per character), so the length prefix grows and the table is copied"
                    ),
                )
            }
        }
        (
            Type::Integer {
                bits: a,
                unsigned: ua,
            },
            Type::Integer {
                bits: b,
                unsigned: ub,
            },
        ) if mariadb && b > a && ua == ub => (
            Algorithm::Copy,
            format!(
                "{what} copies the table (MariaDB widens integers instantly only in ROW_FORMAT=REDUNDANT tables, which are rare)"
            ),
        ),
        (Type::InlineEnum { values: a }, Type::InlineEnum { values: b })
        | (Type::Set { values: a }, Type::Set { values: b }) => {
            let appended = b.len() >= a.len() && b[..a.len()] == a[..];
            if appended && member_storage(&from.ty) == member_storage(&to.ty) {
                (
                    Algorithm::Instant,
                    format!("{what} only appends members, which is metadata only"),
                )
            } else if appended {
                (
                    Algorithm::Copy,
                    format!("{what} needs more storage bytes per value, so the table is copied"),
                )
            } else {
                (
                    Algorithm::Copy,
                    format!("{what} inserts, reorders or removes members, so the table is copied"),
                )
            }
        }
        _ => {
            let lossy = if narrows(d, &from.ty, &to.ty) {
                "; values that do not fit are cut or rejected"
            } else {
                ""
            };
            (Algorithm::Copy, format!("{what} copies the table{lossy}"))
        }
    }
}

fn alter_column(
    ctx: &Ctx,
    table: &QName,
    before: Option<&Table>,
    from: &Column,
    to: &Column,
) -> (Algorithm, String) {
    let name = format!("{table}.{}", to.name);
    if from.generated != to.generated {
        let stored = from.generated.as_ref().is_some_and(|g| g.stored)
            || to.generated.as_ref().is_some_and(|g| g.stored);
        return if stored {
            (
                Algorithm::Copy,
                format!(
                    "{name} is re-created as a different kind of column, which copies every row"
                ),
            )
        } else {
            (
                Algorithm::InplaceRebuild,
                format!("{name} is dropped and added back with the new generation expression"),
            )
        };
    }
    let mut worst = (
        Algorithm::Instant,
        format!("changing the default or comment of {name} is metadata only"),
    );
    // Later reasons of the same cost replace the generic first one.
    let mut consider = |candidate: (Algorithm, String)| {
        if candidate.0 >= worst.0 {
            worst = candidate;
        }
    };
    if from.ty != to.ty {
        consider(type_change(ctx, before, &name, from, to));
    }
    if from.collation != to.collation {
        consider((
            Algorithm::Copy,
            format!(
                "changing the character set or collation of {name} converts every value by copying the table"
            ),
        ));
    }
    if from.auto_increment != to.auto_increment {
        consider((
            Algorithm::Copy,
            format!("switching AUTO_INCREMENT on {name} copies the table"),
        ));
    }
    if from.nullable && !to.nullable {
        consider((
            Algorithm::InplaceRebuild,
            format!(
                "making {name} NOT NULL rebuilds the table; it fails if a row holds NULL, and without strict sql_mode NULLs turn into the type's implicit default instead"
            ),
        ));
    }
    if !from.nullable && to.nullable {
        consider((
            Algorithm::InplaceRebuild,
            format!("making {name} nullable rebuilds the table"),
        ));
    }
    worst
}

/// Whether a column is still nullable when change `i` runs (an earlier change may have set NOT NULL).
fn nullable_at_this_point(
    ctx: &Ctx,
    i: usize,
    table: &QName,
    before: Option<&Table>,
    column: &str,
) -> bool {
    let mut nullable = before
        .and_then(|t| t.column(column))
        .is_none_or(|c| c.nullable);
    for change in &ctx.changes()[..i] {
        match change {
            Change::AlterColumn { table: t, to, .. } if t == table && to.name == column => {
                nullable = to.nullable;
            }
            Change::AddColumn {
                table: t,
                column: c,
            } if t == table && c.name == column => {
                nullable = c.nullable;
            }
            _ => {}
        }
    }
    nullable
}
