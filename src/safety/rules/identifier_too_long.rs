//! R42 (hygiene): identifiers longer than the server keeps.

use super::POSTGRES_MYSQL;
use crate::diff::Change;
use crate::model::Dialect;
use crate::safety::{Ctx, RuleId, RuleMeta, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::IdentifierTooLong,
    severity: Severity::Warning,
    summary: "A new name is longer than the server allows.",
    why: "PostgreSQL silently cuts identifiers to 63 bytes, so the object exists under a \
          different name than the schema file says, and every later diff sees a change; two \
          long names with the same beginning even collide. MySQL refuses names over 64 \
          characters, so the migration fails.",
    instead: "Choose a shorter name (and give long constraint and index names explicitly \
              instead of relying on generated ones).",
    safe_pattern: None,
    dialects: POSTGRES_MYSQL,
    gates: &[],
    lock: &[],
    references: &["squawk: identifier-too-long"],
    catalog: &["R42"],
    graded_by_size: false,
};

/// Every name a change introduces.
fn new_names(change: &Change) -> Vec<&str> {
    match change {
        Change::CreateTable { table } => {
            let mut names = vec![table.name.name.as_str()];
            names.extend(table.columns.iter().map(|c| c.name.as_str()));
            names.extend(table.object_names());
            names
        }
        Change::AddColumn { column, .. } => vec![column.name.as_str()],
        Change::RenameTable { to, .. } => vec![to.name.as_str()],
        Change::RenameColumn { to, .. }
        | Change::RenameIndex { to, .. }
        | Change::RenameConstraint { to, .. } => vec![to.as_str()],
        Change::AddIndex { index, .. } => vec![index.name.as_str()],
        Change::AddPrimaryKey { primary_key, .. } => {
            primary_key.name.as_deref().into_iter().collect()
        }
        Change::AddForeignKey { foreign_key, .. } => {
            foreign_key.name.as_deref().into_iter().collect()
        }
        Change::AddUnique { unique, .. } => unique.name.as_deref().into_iter().collect(),
        Change::AddCheck { check, .. } => check.name.as_deref().into_iter().collect(),
        Change::CreateView { view } => vec![view.name.name.as_str()],
        Change::CreateEnum { enum_type } => vec![enum_type.name.name.as_str()],
        Change::CreateSequence { sequence } => vec![sequence.name.name.as_str()],
        Change::CreateSchema { name } => vec![name.as_str()],
        _ => Vec::new(),
    }
}

pub(super) fn check(ctx: &mut Ctx) {
    let dialect = ctx.version().dialect;
    for (i, change) in ctx.changes().iter().enumerate() {
        for name in new_names(change) {
            let finding = match dialect {
                Dialect::Postgres if name.len() > 63 => ctx.finding(
                    i,
                    format!(
                        "`{name}` is {} bytes; PostgreSQL keeps only the first 63",
                        name.len()
                    ),
                ),
                Dialect::Mysql if name.chars().count() > 64 => ctx
                    .finding(
                        i,
                        format!(
                            "`{name}` is {} characters; MySQL refuses names over 64",
                            name.chars().count()
                        ),
                    )
                    .severity(Severity::Error),
                _ => continue,
            };
            ctx.report(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::IdentifierTooLong as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    #[test]
    fn long_names() {
        let long = "c".repeat(70);
        let found = findings(
            RULE,
            "postgres:15",
            "",
            &format!("CREATE TABLE t ({long} int);"),
        );
        assert_eq!(found[0].severity, Severity::Warning);
        let found = findings(
            RULE,
            "mysql:8.0.35",
            "",
            &format!("CREATE TABLE t ({long} int);"),
        );
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn short_names_and_sqlite_are_fine() {
        no_findings(RULE, "postgres:15", "", "CREATE TABLE t (id int);");
        let long = "c".repeat(70);
        no_findings(
            RULE,
            "sqlite:3.45",
            "",
            &format!("CREATE TABLE t ({long} int);"),
        );
    }
}
