//! R29: triggers created or dropped on an existing table.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::Engine;
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::TriggerChanged,
    severity: Severity::Info,
    summary: "A trigger is created or dropped, changing what happens on every write to a table.",
    why: "A trigger runs inside each write of the running application, so adding one changes \
          behaviour (and cost) for code that does not know about it, and dropping one silently \
          stops work the code may rely on. PostgreSQL blocks writes briefly to create a trigger \
          and locks the table fully to drop one. Online schema change tools for MySQL ignore or \
          need extra flags to keep triggers.",
    instead: "Write trigger logic that is safe for both the old and the new release, deploy it, \
              and remove triggers only after the code no longer depends on them. On MySQL, pass \
              the tool's option to keep triggers when copying the table.",
    safe_pattern: Some(SafePattern::DeployCodeFirst),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "SHARE ROW EXCLUSIVE to create (writes wait briefly), ACCESS EXCLUSIVE to drop",
        ),
        lock(Engine::Mysql, "exclusive metadata lock; brief"),
        lock(Engine::Sqlite, "database write lock; brief"),
    ],
    references: &[
        "https://www.postgresql.org/docs/current/explicit-locking.html",
        "gh-ost: --include-triggers",
        "pt-online-schema-change: --preserve-triggers",
    ],
    catalog: &["R29"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let (table, trigger, verb) = match change {
            Change::CreateTrigger { table, trigger } => (table, trigger, "creating"),
            Change::DropTrigger { table, trigger } => {
                // Dropped and created again with a new body: reported once, on the create.
                let recreated = changes.iter().any(|c| {
                    matches!(c, Change::CreateTrigger { table: t, trigger: n } if t == table && n.name == trigger.name)
                });
                if recreated {
                    continue;
                }
                (table, trigger, "dropping")
            }
            _ => continue,
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let finding = ctx
            .finding(
                i,
                format!(
                    "{verb} trigger {} changes what every write to {table} does",
                    trigger.name
                ),
            )
            .table(table);
        ctx.report(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::TriggerChanged as RULE;
    use crate::safety::test_support::*;

    const TABLE: &str = "CREATE TABLE t (id integer, updated text);";
    const TRIGGER: &str = "CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN UPDATE t SET updated = 'x' WHERE id = new.id; END;";

    #[test]
    fn trigger_added_or_dropped() {
        let with = format!("{TABLE} {TRIGGER}");
        findings(RULE, "sqlite:3.45", TABLE, &with);
        let found = findings(RULE, "sqlite:3.45", &with, TABLE);
        assert!(found[0].message.starts_with("dropping"));
    }

    #[test]
    fn new_table_with_trigger_is_fine() {
        no_findings(RULE, "sqlite:3.45", "", &format!("{TABLE} {TRIGGER}"));
    }
}
