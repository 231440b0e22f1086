//! C1: every lock on an existing table can queue, so migrations need a lock timeout.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::{Dialect, Engine, QName};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::RequireLockTimeout,
    severity: Severity::Warning,
    summary: "The migration locks existing tables; without a lock timeout even a quick change can stall them.",
    why: "Even a catalog-only change needs a lock, and it has to wait for every transaction \
          already using the table. While it waits, every new query on the table queues behind \
          it, so one long report or idle transaction turns a millisecond change into downtime. \
          MySQL's lock_wait_timeout defaults to a whole year.",
    instead: "Set a short lock timeout for the migration session (a few seconds: lock_timeout \
              and statement_timeout in PostgreSQL, lock_wait_timeout in MySQL, busy_timeout in \
              SQLite) and retry with backoff when it expires.",
    safe_pattern: Some(SafePattern::LockTimeout),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(
            Engine::Postgres,
            "any lock waits behind running transactions and blocks the queries that arrive after it",
        ),
        lock(
            Engine::Mysql,
            "an exclusive metadata lock at the start and end of every ALTER, even INSTANT ones",
        ),
        lock(Engine::Sqlite, "the single database write lock"),
    ],
    references: &[
        "squawk: require-timeout-settings, require-lock-timeout, require-statement-timeout",
        "strong_migrations: lock timeout retries",
        "django-pg-zero-downtime-migrations: ZERO_DOWNTIME_MIGRATIONS_LOCK_TIMEOUT",
    ],
    catalog: &["C1"],
    graded_by_size: false,
};

/// The existing table (or view) a change locks, if any.
fn locked_table<'c>(ctx: &Ctx, change: &'c Change) -> Option<&'c QName> {
    match change {
        // A new table's foreign keys lock the tables they reference.
        Change::CreateTable { table } => table
            .foreign_keys
            .iter()
            .map(|f| &f.ref_table)
            .find(|t| ctx.existed_before(t)),
        Change::RecreateEnum { columns, .. } => columns
            .iter()
            .map(|(t, _)| t)
            .find(|t| ctx.existed_before(t)),
        Change::DropView { view } => ctx
            .before()
            .views
            .contains_key(&view.name)
            .then_some(&view.name),
        Change::DropTable { table } => Some(&table.name),
        other => other.table().filter(|t| ctx.existed_before(t)),
    }
}

pub(super) fn check(ctx: &mut Ctx) {
    let changes = ctx.changes();
    let locking: Vec<(usize, &QName)> = changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| locked_table(ctx, c).map(|t| (i, t)))
        .collect();
    let Some(&(first, table)) = locking.first() else {
        return;
    };
    let mut tables: Vec<String> = Vec::new();
    for (_, t) in &locking {
        let name = t.to_string();
        if !tables.contains(&name) {
            tables.push(name);
        }
    }
    let (setting, severity) = match ctx.version().dialect {
        Dialect::Postgres => (
            "SET lock_timeout (and statement_timeout)",
            Severity::Warning,
        ),
        Dialect::Mysql => (
            "SET SESSION lock_wait_timeout (the default is one year)",
            Severity::Warning,
        ),
        Dialect::Sqlite => ("a busy_timeout", Severity::Info),
    };
    let finding = ctx
        .finding(
            first,
            format!(
                "{} of {} changes lock existing tables ({}); set a lock timeout of a few seconds ({setting}) and retry, so a waiting lock cannot stall them",
                locking.len(),
                changes.len(),
                tables.join(", ")
            ),
        )
        .severity(severity)
        .table(table);
    ctx.report(finding);
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::RequireLockTimeout as RULE;
    use crate::safety::Severity;
    use crate::safety::test_support::*;

    #[test]
    fn reported_once_per_migration() {
        let found = findings(
            RULE,
            "postgres:15",
            "CREATE TABLE t (id int); CREATE TABLE u (id int);",
            "CREATE TABLE t (id int, a int); CREATE TABLE u (id int, b int);",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.starts_with("2 of 2"),
            "{}",
            found[0].message
        );
        let found = findings(
            RULE,
            "sqlite:3.45",
            "CREATE TABLE t (id int);",
            "CREATE TABLE t (id int, a int);",
        );
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn a_new_table_referencing_an_old_one_locks_it() {
        findings(
            RULE,
            "postgres:15",
            "CREATE TABLE users (id int PRIMARY KEY);",
            "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (user_id int REFERENCES users (id));",
        );
    }

    #[test]
    fn only_new_objects_need_no_timeout() {
        no_findings(RULE, "mysql:8.0.35", "", "CREATE TABLE t (id int);");
    }
}
