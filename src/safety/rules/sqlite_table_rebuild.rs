//! Section 6 (SQLite): changes ALTER TABLE cannot make, done by rebuilding the table.

use super::{SQLITE, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::sqlite::rebuild_reason;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::SqliteTableRebuild,
    severity: Severity::Warning,
    summary: "SQLite cannot make the change in place, so the whole table is rebuilt.",
    why: "SQLite's ALTER TABLE only renames, adds plain columns and drops unreferenced ones. \
          Anything else (types, NULL/NOT NULL, defaults, keys, constraints) means creating the \
          new table, copying every row, dropping the old one and renaming, with indexes, \
          triggers and views put back. The copy holds the database write lock for its whole \
          duration, so every writer in the application waits, and the copy fails if existing \
          rows break a new constraint.",
    instead: "Let migen generate the full rebuild: foreign keys off outside the transaction, \
              copy into the new shape, swap, re-create indexes, triggers and views, run \
              foreign_key_check, foreign keys back on. Run it when writes are quiet, and fix \
              rows that would violate new constraints first.",
    safe_pattern: Some(SafePattern::SqliteRebuild),
    dialects: SQLITE,
    gates: &[],
    lock: &[lock(
        Engine::Sqlite,
        "database write lock while every row is copied",
    )],
    references: &[
        "https://www.sqlite.org/lang_altertable.html (making other kinds of table schema changes)",
        "https://www.sqlite.org/foreignkeys.html",
        "atlas: LT101",
        "alembic batch mode, Django _remake_table",
    ],
    catalog: &[
        "R05", "R07", "R08", "R09", "R10", "R12", "R13", "R14", "R15", "R16", "R17", "R18", "R19",
        "R20", "R21", "R38",
    ],
    graded_by_size: true,
};

/// What can make the copy itself fail.
fn copy_risk(change: &Change) -> Option<&'static str> {
    match change {
        Change::AlterColumn { from, to, .. } if from.nullable && !to.nullable => {
            Some("; the copy fails if any row holds NULL")
        }
        Change::AddCheck { .. } => Some("; the copy fails if any row breaks the check"),
        Change::AddUnique { .. } | Change::AddPrimaryKey { .. } => {
            Some("; the copy fails on duplicate rows")
        }
        Change::AddForeignKey { .. } => {
            Some("; orphan rows show up in the foreign_key_check after the copy")
        }
        _ => None,
    }
}

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    let reasons: Vec<Option<String>> = (0..changes.len())
        .map(|i| {
            let table = changes[i].table()?;
            if ctx.existed_before(table) {
                rebuild_reason(ctx, i)
            } else {
                None
            }
        })
        .collect();
    for (i, reason) in reasons.iter().enumerate() {
        let Some(reason) = reason else {
            continue;
        };
        let Some(table) = changes[i].table() else {
            continue;
        };
        let others: Vec<String> = reasons
            .iter()
            .enumerate()
            .filter(|(j, r)| *j != i && r.is_some() && changes[*j].table() == Some(table))
            .map(|(j, _)| format!("#{j}"))
            .collect();
        let mut message = format!(
            "{reason}: {table} is rebuilt, copying every row while writers wait{}",
            copy_risk(&changes[i]).unwrap_or("")
        );
        if !others.is_empty() {
            message.push_str(&format!(
                " (the same rebuild also covers change {})",
                others.join(", ")
            ));
        }
        let finding = ctx.finding(i, message).table(table).rewrite(true);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::SqliteTableRebuild as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    #[test]
    fn type_and_nullability_changes_rebuild() {
        let found = findings(
            RULE,
            "sqlite:3.45",
            "CREATE TABLE t (id integer, n text, m text);",
            "CREATE TABLE t (id integer, n integer, m text NOT NULL);",
        );
        assert_eq!(found.len(), 2);
        assert!(found[1].message.contains("NULL"));
        assert!(found[0].message.contains("also covers change #"));
    }

    #[test]
    fn add_column_limits() {
        let before = "CREATE TABLE t (id integer);";
        findings(
            RULE,
            "sqlite:3.45",
            before,
            "CREATE TABLE t (id integer, at text DEFAULT CURRENT_TIMESTAMP);",
        );
        no_findings(
            RULE,
            "sqlite:3.45",
            before,
            "CREATE TABLE t (id integer, n integer DEFAULT 0);",
        );
    }

    #[test]
    fn drop_column_native_unless_indexed() {
        let plain = "CREATE TABLE t (id integer, n integer);";
        no_findings(RULE, "sqlite:3.45", plain, "CREATE TABLE t (id integer);");
        findings(RULE, "sqlite:3.30", plain, "CREATE TABLE t (id integer);");
        findings(
            RULE,
            "sqlite:3.45",
            "CREATE TABLE t (id integer, n integer); CREATE INDEX t_n ON t (n);",
            "CREATE TABLE t (id integer);",
        );
    }

    #[test]
    fn small_tables_grade_lower() {
        let found = findings_with(
            RULE,
            "sqlite:3.45",
            "CREATE TABLE t (id integer, n text);",
            "CREATE TABLE t (id integer, n integer);",
            &Extra {
                stats: Some(rows("t", 100)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn other_engines_do_not_rebuild() {
        no_findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id integer, n text);",
            "CREATE TABLE t (id integer, n integer);",
        );
    }
}
