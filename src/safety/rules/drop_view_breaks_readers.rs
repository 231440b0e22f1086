//! R30: views dropped, or re-created where readers can notice.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::{Dialect, Engine};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::DropViewBreaksReaders,
    severity: Severity::Warning,
    summary: "A view is dropped (or re-created) while code may still query it.",
    why: "Readers of a dropped view fail immediately. A view that is dropped and created again \
          is invisible in between on MySQL, where each DDL statement commits on its own. In \
          PostgreSQL the swap is atomic, but re-creating a materialized view runs its whole \
          query while readers of the old one wait.",
    instead: "Create the new shape under a new name, move readers over, and drop the old view \
              in a later release. For materialized views, build the replacement under a new \
              name and swap names in a short transaction.",
    safe_pattern: Some(SafePattern::DeferredDrop),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "ACCESS EXCLUSIVE on the view"),
        lock(
            Engine::Mysql,
            "exclusive metadata lock; each statement commits on its own",
        ),
        lock(Engine::Sqlite, "database write lock; brief"),
    ],
    references: &[
        "https://www.postgresql.org/docs/current/sql-createview.html",
        "pg-schema-diff issue 280 (dependent views)",
    ],
    catalog: &["R30"],
    graded_by_size: false,
};

pub(super) fn check(ctx: &mut Ctx) {
    let dialect = ctx.version().dialect;
    let changes = ctx.changes();
    for (i, change) in changes.iter().enumerate() {
        let Change::DropView { view } = change else {
            continue;
        };
        if !ctx.before().views.contains_key(&view.name) {
            continue;
        }
        let recreated = changes.iter().skip(i + 1).find_map(|c| match c {
            Change::CreateView { view: v } if v.name == view.name => Some(v),
            _ => None,
        });
        let finding = match recreated {
            None => ctx.finding(
                i,
                format!("dropping view {} breaks every query that reads it", view.name),
            ),
            Some(new) if dialect == Dialect::Postgres && new.materialized => ctx
                .finding(
                    i,
                    format!(
                        "re-creating materialized view {} runs its query while readers wait",
                        view.name
                    ),
                )
                .pattern(None),
            Some(_) if dialect == Dialect::Mysql => ctx
                .finding(
                    i,
                    format!(
                        "view {} is dropped and created again in separate statements: readers see no view in between",
                        view.name
                    ),
                )
                .severity(Severity::Info),
            Some(_) => continue,
        };
        ctx.report(finding.table(&view.name));
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::DropViewBreaksReaders as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    const TABLE: &str = "CREATE TABLE t (id int, v int);";

    #[test]
    fn dropped_view_breaks_readers() {
        let before = format!("{TABLE} CREATE VIEW tv AS SELECT id FROM t;");
        for version in ["postgres:15", "mysql:8.0.35", "sqlite:3.45"] {
            findings(RULE, version, &before, TABLE);
        }
    }

    #[test]
    fn recreated_view() {
        let before = format!("{TABLE} CREATE VIEW tv AS SELECT id FROM t;");
        let after = format!("{TABLE} CREATE VIEW tv AS SELECT id, v FROM t;");
        no_findings(RULE, "postgres:15", &before, &after);
        let found = findings(RULE, "mysql:8.0.35", &before, &after);
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn materialized_view_rebuild() {
        findings(
            RULE,
            "postgres:15",
            &format!("{TABLE} CREATE MATERIALIZED VIEW tv AS SELECT id FROM t;"),
            &format!("{TABLE} CREATE MATERIALIZED VIEW tv AS SELECT id, v FROM t;"),
        );
    }
}
