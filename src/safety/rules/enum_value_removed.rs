//! R27: removing values from an enum (PostgreSQL type re-creation, MySQL ENUM/SET columns).

use super::{POSTGRES_MYSQL, lock};
use crate::diff::Change;
use crate::model::{Engine, QName, Type};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::EnumValueRemoved,
    severity: Severity::Error,
    summary: "Values are removed from an enum while rows and running code may still use them.",
    why: "PostgreSQL cannot drop an enum value, so the type is re-created and every column \
          using it is converted, rewriting each table under ACCESS EXCLUSIVE; a row holding a \
          removed value makes the conversion fail. MySQL copies the table, and outside strict \
          mode a removed value silently becomes the empty string. Code of the running release \
          may still write the value.",
    instead: "Stop writing the value in code and deploy, move existing rows to another value in \
              batches, and only then remove it (through a new column of the new type if the \
              table is large).",
    safe_pattern: Some(SafePattern::RetireEnumValue),
    dialects: POSTGRES_MYSQL,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "ACCESS EXCLUSIVE on each table using the type, for a full rewrite",
        ),
        lock(
            Engine::Mysql,
            "ALGORITHM=COPY: writes wait while every row is copied",
        ),
    ],
    references: &[
        "strong_migrations: rename_enum_value",
        "atlas: MY110-MY113, MY120-MY123",
    ],
    catalog: &["R27"],
    graded_by_size: true,
};

fn quoted(values: &[&String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn check(ctx: &mut Ctx) {
    for (i, change) in ctx.changes().iter().enumerate() {
        let finding = match change {
            Change::RecreateEnum { from, to, columns } => {
                let removed: Vec<&String> = from
                    .values
                    .iter()
                    .filter(|v| !to.values.contains(v))
                    .collect();
                let tables: Vec<&QName> = columns
                    .iter()
                    .map(|(t, _)| t)
                    .filter(|t| ctx.existed_before(t))
                    .collect();
                if removed.is_empty() || tables.is_empty() {
                    continue;
                }
                let Some(table) = ctx.largest(tables.iter().copied()) else {
                    continue;
                };
                let used_by = columns
                    .iter()
                    .map(|(t, c)| format!("{t}.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                ctx.finding(
                    i,
                    format!(
                        "removing {} from {} re-creates the type and rewrites {used_by}; a row holding a removed value makes it fail",
                        quoted(&removed),
                        from.name
                    ),
                )
                .table(table)
                .rewrite(true)
            }
            Change::AlterColumn { table, from, to } => {
                let (Type::InlineEnum { values: old } | Type::Set { values: old }) = &from.ty
                else {
                    continue;
                };
                let (Type::InlineEnum { values: new } | Type::Set { values: new }) = &to.ty else {
                    continue;
                };
                let removed: Vec<&String> = old.iter().filter(|v| !new.contains(v)).collect();
                if removed.is_empty() || !ctx.existed_before(table) {
                    continue;
                }
                ctx.finding(
                    i,
                    format!(
                        "removing {} from {table}.{}: rows holding it fail the change in strict mode, or silently become '' without it",
                        quoted(&removed),
                        to.name
                    ),
                )
                .table(table)
                .rewrite(true)
                .data_loss(true)
            }
            _ => continue,
        };
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::EnumValueRemoved as RULE;
    use crate::safety::test_support::*;

    #[test]
    fn postgres_removal_rewrites_users_of_the_type() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood);",
            "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood);",
        );
        assert!(found[0].message.contains("'ok'"));
        assert_eq!(found[0].table.as_ref().unwrap().name, "t");
    }

    #[test]
    fn mysql_removal_can_lose_values() {
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (size ENUM('s', 'm', 'l'));",
            "CREATE TABLE t (size ENUM('s', 'l'));",
        );
        assert!(found[0].data_loss);
    }

    #[test]
    fn appending_or_an_unused_type_is_fine() {
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE t (size ENUM('s', 'm'));",
            "CREATE TABLE t (size ENUM('s', 'm', 'l'));",
        );
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TYPE mood AS ENUM ('sad', 'ok');",
            "CREATE TYPE mood AS ENUM ('sad');",
        );
    }
}
