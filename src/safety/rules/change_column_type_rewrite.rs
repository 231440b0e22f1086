//! R12, R13, R38 (PostgreSQL): ALTER COLUMN TYPE and collation changes.
//!
//! MySQL and SQLite type changes are graded by `mysql-table-copy` / `sqlite-table-rebuild`.

use super::{POSTGRES, lock};
use crate::diff::Change;
use crate::model::{Column, Dialect, Engine, Table, Type, Version};
use crate::safety::types::{column_indexed, narrows, spell};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::ChangeColumnTypeRewrite,
    severity: Severity::Error,
    summary: "A column's type changes in a way that rewrites the table and its indexes.",
    why: "Unless the new type stores values bit for bit like the old one (a longer varchar, \
          varchar to text, more numeric precision), PostgreSQL converts every row into a new \
          copy of the table and rebuilds every index, holding ACCESS EXCLUSIVE throughout and \
          needing about twice the disk. A value that does not convert aborts the whole \
          statement at the end. A new collation, or a switch between timestamp and \
          timestamptz, rebuilds the indexes on the column even when the rows stay.",
    instead: "Add a column of the new type, keep it in sync with a trigger, backfill in batches, \
              build its indexes concurrently, then swap the names in one short transaction and \
              drop the old column later. For a primary key, re-point the foreign keys with NOT \
              VALID + VALIDATE and widen the sequence too.",
    safe_pattern: Some(SafePattern::NewColumnAndSwap),
    dialects: POSTGRES,
    gates: &[],
    lock: &[lock(
        Engine::Postgres,
        "ACCESS EXCLUSIVE for the rewrite of the table and its indexes",
    )],
    references: &[
        "https://www.postgresql.org/docs/current/sql-altertable.html (Notes)",
        "squawk: changing-column-type",
        "strong_migrations: change_column",
        "atlas: PG301",
        "pg-schema-diff: ACQUIRES_ACCESS_EXCLUSIVE_LOCK",
        "django-pg-zero-downtime-migrations: row 12 (ALTER COLUMN TYPE)",
    ],
    catalog: &["R12", "R13", "R38"],
    graded_by_size: true,
};

/// What a type change costs on disk.
#[derive(Debug, PartialEq)]
enum Cost {
    /// Binary-coercible: catalog only, indexes kept.
    Free,
    /// No table rewrite, but indexes on the column are rebuilt.
    FreeUnlessIndexed,
    /// timestamp ↔ timestamptz: free only when the session TimeZone is UTC (PostgreSQL 12+).
    FreeIfUtc,
    Rewrite,
}

fn not_less_precise(from: &Option<u32>, to: &Option<u32>) -> bool {
    // No precision means the maximum (6).
    to.unwrap_or(6) >= from.unwrap_or(6)
}

/// Whether PostgreSQL rewrites the table (or rebuilds its indexes) for this type change.
pub(crate) fn rewrites(version: &Version, from: &Type, to: &Type) -> bool {
    !matches!(cost(version, from, to), Cost::Free)
}

fn cost(version: &Version, from: &Type, to: &Type) -> Cost {
    let citext = |t: &Type| matches!(t, Type::Custom { name } if name == "citext");
    match (from, to) {
        (Type::Varchar { len: Some(a) }, Type::Varchar { len: Some(b) }) if b >= a => Cost::Free,
        (Type::Varchar { .. }, Type::Varchar { len: None } | Type::Text { .. }) => Cost::Free,
        (Type::Text { .. }, Type::Varchar { len: None }) => Cost::Free,
        (
            Type::Decimal {
                precision: Some(p1),
                scale: s1,
            },
            Type::Decimal {
                precision: Some(p2),
                scale: s2,
            },
        ) if p2 >= p1 && s1.unwrap_or(0) == s2.unwrap_or(0) => Cost::Free,
        (
            Type::Decimal { .. },
            Type::Decimal {
                precision: None,
                scale: None,
            },
        ) => Cost::Free,
        (Type::Custom { name: a }, Type::Custom { name: b }) if a == "cidr" && b == "inet" => {
            Cost::Free
        }
        (
            Type::Time {
                tz: a,
                precision: p,
            },
            Type::Time {
                tz: b,
                precision: q,
            },
        ) if a == b && not_less_precise(p, q) => Cost::Free,
        (
            Type::Timestamp {
                tz: a,
                precision: p,
            },
            Type::Timestamp {
                tz: b,
                precision: q,
            },
        ) if not_less_precise(p, q) => {
            if a == b {
                Cost::Free
            } else if version.at_least(12, 0, 0) {
                Cost::FreeIfUtc
            } else {
                Cost::Rewrite
            }
        }
        _ if (citext(from) && matches!(to, Type::Text { .. }))
            || (matches!(from, Type::Text { .. }) && citext(to)) =>
        {
            Cost::FreeUnlessIndexed
        }
        _ => Cost::Rewrite,
    }
}

/// Foreign keys in other tables that point at this column and would need the same change.
fn referencing(ctx: &Ctx, table: &Table, column: &str) -> Vec<String> {
    let original = &ctx.original_name(&table.name);
    ctx.before()
        .tables
        .values()
        .flat_map(|t| {
            t.foreign_keys.iter().filter_map(move |f| {
                let pos = f.ref_columns.iter().position(|c| c == column)?;
                (f.ref_table == *original).then(|| format!("{}.{}", t.name, f.columns[pos]))
            })
        })
        .collect()
}

pub(super) fn check(ctx: &mut Ctx) {
    let d = Dialect::Postgres;
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AlterColumn { table, from, to } = change else {
            continue;
        };
        // Generated columns are re-created, which stored-generated-column-rewrite grades.
        if from.generated != to.generated || !ctx.existed_before(table) {
            continue;
        }
        let type_changes = from.ty != to.ty;
        let collation_changes = from.collation != to.collation;
        if !type_changes && !collation_changes {
            continue;
        }
        let Some(before) = ctx.before_table(table) else {
            continue;
        };
        let indexed = column_indexed(&before, &to.name);
        let name = format!("{table}.{}", to.name);
        let cost = if type_changes {
            cost(ctx.version(), &from.ty, &to.ty)
        } else {
            Cost::Free
        };
        let finding = match cost {
            Cost::Rewrite => rewrite(ctx, i, &before, &name, from, to),
            Cost::FreeIfUtc => ctx
                .finding(
                    i,
                    format!(
                        "changing {name} between timestamp and timestamptz skips the table rewrite only when the session TimeZone is UTC{}",
                        if indexed { "; its indexes are rebuilt either way" } else { "" }
                    ),
                )
                .severity(Severity::Warning)
                .rewrite(true),
            Cost::FreeUnlessIndexed | Cost::Free if indexed && (collation_changes || cost == Cost::FreeUnlessIndexed) => ctx
                .finding(
                    i,
                    format!(
                        "changing {} of {name} keeps the rows but rebuilds its indexes",
                        if type_changes {
                            format!("the type ({} to {})", spell(d, &from.ty), spell(d, &to.ty))
                        } else {
                            "the collation".to_string()
                        }
                    ),
                )
                .severity(Severity::Warning)
                .lock("ACCESS EXCLUSIVE while the indexes on the column are rebuilt")
                .rewrite(true),
            Cost::Free | Cost::FreeUnlessIndexed => continue,
        };
        ctx.report(finding.table(table));
    }
}

fn rewrite(
    ctx: &Ctx,
    i: usize,
    before: &Table,
    name: &str,
    from: &Column,
    to: &Column,
) -> crate::safety::Finding {
    let d = Dialect::Postgres;
    let mut message = format!(
        "changing {name} from {} to {} rewrites the table and its indexes",
        spell(d, &from.ty),
        spell(d, &to.ty)
    );
    let lossy = narrows(d, &from.ty, &to.ty);
    if lossy {
        message.push_str("; the new type is narrower, so values are rounded or the change fails");
    }
    let refs = referencing(ctx, before, &to.name);
    if !refs.is_empty() {
        message.push_str(&format!(
            "; {} reference it and need the same change",
            refs.join(", ")
        ));
    }
    ctx.finding(i, message).rewrite(true).data_loss(lossy)
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::ChangeColumnTypeRewrite as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    #[test]
    fn int_to_bigint_rewrites() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int REFERENCES users (id));",
            "CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (user_id int REFERENCES users (id));",
        );
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].rewrite && !found[0].data_loss);
        assert!(
            found[0].message.contains("orders.user_id"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn narrowing_can_lose_data() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (v numeric(10,3));",
            "CREATE TABLE t (v numeric(10,2));",
        );
        assert!(found[0].data_loss);
    }

    #[test]
    fn binary_coercible_changes_are_free() {
        for (from, to) in [
            ("varchar(20)", "varchar(50)"),
            ("varchar(20)", "text"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("timestamp(3)", "timestamp"),
        ] {
            no_findings(
                RULE,
                "postgres:15",
                &format!("CREATE TABLE t (v {from}); CREATE INDEX t_v ON t (v);"),
                &format!("CREATE TABLE t (v {to}); CREATE INDEX t_v ON t (v);"),
            );
        }
    }

    #[test]
    fn timestamptz_depends_on_the_session_time_zone() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (at timestamp);",
            "CREATE TABLE t (at timestamptz);",
        );
        assert_eq!(found[0].severity, Severity::Warning);
        let found = findings(
            RULE,
            "postgres:11",
            "CREATE TABLE t (at timestamp);",
            "CREATE TABLE t (at timestamptz);",
        );
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn collation_change_rebuilds_indexes_only() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (v text); CREATE INDEX t_v ON t (v);",
            "CREATE TABLE t (v text COLLATE \"C\"); CREATE INDEX t_v ON t (v);",
        );
        assert_eq!(found[0].severity, Severity::Warning);
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (v text);",
            "CREATE TABLE t (v text COLLATE \"C\");",
        );
    }

    #[test]
    fn mysql_is_graded_by_its_engine_rule() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (v int);",
            "CREATE TABLE t (v bigint);",
        );
    }
}
