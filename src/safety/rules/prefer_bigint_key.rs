//! R42 (hygiene): 32-bit and smaller integer keys.

use super::POSTGRES_MYSQL;
use crate::diff::Change;
use crate::model::{Column, DefaultValue, QName, Type};
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::PreferBigintKey,
    severity: Severity::Info,
    summary: "A key or auto-numbered column uses an integer type narrower than 64 bits.",
    why: "Generated keys only grow. A 32-bit key runs out at about 2.1 billion (4.3 billion \
          unsigned), and widening it later is one of the most expensive migrations there is: \
          the table, its indexes and every referencing column are rewritten. The four extra \
          bytes per row are cheap by comparison.",
    instead: "Use bigint (with an identity column in PostgreSQL) for generated keys and the \
              columns that reference them, from the start.",
    safe_pattern: None,
    dialects: POSTGRES_MYSQL,
    gates: &[],
    lock: &[],
    references: &["squawk: prefer-bigint-over-int, prefer-bigint-over-smallint, prefer-identity"],
    catalog: &["R42"],
    graded_by_size: false,
};

fn narrow_key(column: &Column, in_primary_key: bool) -> Option<u128> {
    let Type::Integer { bits, unsigned } = column.ty else {
        return None;
    };
    let generated = column.identity.is_some()
        || column.auto_increment
        || matches!(column.default, Some(DefaultValue::Sequence(_)));
    if bits >= 64 || !(generated || in_primary_key) {
        return None;
    }
    Some(if unsigned {
        (1u128 << bits) - 1
    } else {
        (1u128 << (bits - 1)) - 1
    })
}

fn message(table: &QName, column: &Column, max: u128) -> String {
    let digits = max.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{table}.{} is a key narrower than bigint: it runs out at {grouped}, and widening it later rewrites the table",
        column.name
    )
}

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let hits: Vec<(QName, &Column, u128)> = match change {
            Change::CreateTable { table } => {
                let pk: &[String] = match &table.primary_key {
                    Some(pk) if pk.columns.len() == 1 => &pk.columns,
                    _ => &[],
                };
                table
                    .columns
                    .iter()
                    .filter_map(|c| {
                        narrow_key(c, pk.contains(&c.name)).map(|m| (table.name.clone(), c, m))
                    })
                    .collect()
            }
            Change::AddColumn { table, column } => {
                let in_pk = changes.iter().any(|c| {
                    matches!(c, Change::AddPrimaryKey { table: t, primary_key }
                        if t == table && primary_key.columns == [column.name.clone()])
                });
                narrow_key(column, in_pk)
                    .map(|m| vec![(table.clone(), column, m)])
                    .unwrap_or_default()
            }
            _ => continue,
        };
        for (table, column, max) in hits {
            let finding = ctx.finding(i, message(&table, column, max)).table(&table);
            ctx.report(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::PreferBigintKey as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn int_keys_on_new_tables() {
        let found = findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (id serial PRIMARY KEY);",
        );
        assert!(
            found[0].message.contains("2,147,483,647"),
            "{}",
            found[0].message
        );
        findings(
            RULE,
            "mysql:8.0.35",
            "",
            "CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);",
        );
    }

    #[test]
    fn bigint_keys_and_sqlite_are_fine() {
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (id bigserial PRIMARY KEY);",
        );
        no_findings(
            RULE,
            "postgres:15",
            "",
            "CREATE TABLE t (id bigint PRIMARY KEY, n int);",
        );
        no_findings(
            RULE,
            "sqlite:3.45",
            "",
            "CREATE TABLE t (id integer PRIMARY KEY);",
        );
    }
}
