//! R23: CREATE INDEX on an existing table while writes wait.

use super::{ALL_DIALECTS, lock};
use crate::diff::Change;
use crate::model::{Dialect, Engine};
use crate::safety::{Ctx, RuleId, RuleMeta, SafePattern, Severity};

pub(super) const META: RuleMeta = RuleMeta {
    id: RuleId::CreateIndexNonConcurrently,
    severity: Severity::Error,
    summary: "An index is built on an existing table while writes to it wait.",
    why: "A plain CREATE INDEX in PostgreSQL holds a SHARE lock: reads go on, but every insert, \
          update and delete waits until the whole index is built, which on a big table means \
          minutes. MySQL builds ordinary indexes online, but FULLTEXT and SPATIAL indexes block \
          writes too. SQLite holds the database write lock for the build.",
    instead: "In PostgreSQL use CREATE INDEX CONCURRENTLY as a step of its own outside any \
              transaction, then check the index is valid (a failed build leaves an INVALID \
              index to drop and retry). Avoid concurrent builds on PostgreSQL 14.0 to 14.3, \
              which could corrupt indexes. On MySQL run FULLTEXT/SPATIAL builds through an \
              online schema change tool; on SQLite build large indexes off-peak.",
    safe_pattern: Some(SafePattern::ConcurrentIndex),
    dialects: ALL_DIALECTS,
    gates: &[],
    lock: &[
        lock(Engine::Postgres, "SHARE: writes wait for the whole build"),
        lock(
            Engine::Mysql,
            "ordinary indexes INPLACE with writes allowed; FULLTEXT and SPATIAL block writes",
        ),
        lock(Engine::Sqlite, "database write lock for the build"),
    ],
    references: &[
        "https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY",
        "squawk: require-concurrent-index-creation",
        "strong_migrations: add_index, add_index_corruption",
        "atlas: PG101",
        "pg-schema-diff: ACQUIRES_SHARE_LOCK, INDEX_BUILD",
        "django-pg-zero-downtime-migrations: rows 29, 31 (CREATE INDEX)",
    ],
    catalog: &["R23"],
    graded_by_size: true,
};

pub(super) fn check(ctx: &mut Ctx) {
    let dialect = ctx.version().dialect;
    for (i, change) in ctx.changes().iter().enumerate() {
        let Change::AddIndex { table, index } = change else {
            continue;
        };
        if !ctx.existed_before(table) {
            continue;
        }
        let kind = if index.unique {
            "unique index"
        } else {
            "index"
        };
        let finding = match dialect {
            Dialect::Postgres => {
                let mut message =
                    format!("building {kind} {} on {table} blocks writes until it is done", index.name);
                let v = ctx.version();
                if v.major == 14 && !v.at_least(14, 4, 0) {
                    message.push_str(
                        "; upgrade to 14.4 or later before building it CONCURRENTLY (earlier 14.x releases could corrupt it)",
                    );
                }
                ctx.finding(i, message)
            }
            Dialect::Mysql => {
                let method = index.method.as_deref().unwrap_or("");
                if method != "fulltext" && method != "spatial" {
                    continue;
                }
                ctx.finding(
                    i,
                    format!(
                        "building the {} index {} blocks writes to {table} until it is done",
                        method.to_ascii_uppercase(),
                        index.name
                    ),
                )
                .lock("INPLACE with LOCK=SHARED: writes wait for the whole build")
                .pattern(Some(SafePattern::OnlineSchemaChange))
            }
            Dialect::Sqlite => ctx
                .finding(
                    i,
                    format!(
                        "building {kind} {} on {table} holds the database write lock until it is done",
                        index.name
                    ),
                )
                .severity(Severity::Warning)
                .pattern(None),
        };
        ctx.report(finding.table(table));
    }
}

#[cfg(test)]
mod tests {
    use crate::safety::RuleId::CreateIndexNonConcurrently as RULE;
    use crate::safety::test_support::*;
    use crate::safety::{SafePattern, Severity};

    const BEFORE: &str = "CREATE TABLE users (id int, email text);";
    const AFTER: &str =
        "CREATE TABLE users (id int, email text); CREATE INDEX users_email ON users (email);";

    #[test]
    fn plain_index_blocks_writes() {
        let found = findings(RULE, "postgres:16", BEFORE, AFTER);
        assert_eq!(found[0].safe_pattern, Some(SafePattern::ConcurrentIndex));
        assert!(!found[0].message.contains("14.4"));
        let found = findings(RULE, "postgres:14.2", BEFORE, AFTER);
        assert!(found[0].message.contains("14.4"));
    }

    #[test]
    fn sqlite_index_holds_the_write_lock() {
        let found = findings(RULE, "sqlite:3.45", BEFORE, AFTER);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn mysql_fulltext_blocks_but_btree_does_not() {
        let before = "CREATE TABLE posts (id int, body text);";
        findings(
            RULE,
            "mysql:8.0.35",
            before,
            "CREATE TABLE posts (id int, body text, FULLTEXT KEY posts_body (body));",
        );
        no_findings(
            RULE,
            "mysql:8.0.35",
            "CREATE TABLE users (id int, email varchar(100));",
            "CREATE TABLE users (id int, email varchar(100), KEY users_email (email));",
        );
    }

    #[test]
    fn small_or_new_tables() {
        let found = findings_with(
            RULE,
            "postgres:16",
            BEFORE,
            AFTER,
            &Extra {
                stats: Some(rows("users", 10)),
                ..Extra::default()
            },
        );
        assert_eq!(found[0].severity, Severity::Warning);
        no_findings(RULE, "postgres:16", "", AFTER);
    }
}
