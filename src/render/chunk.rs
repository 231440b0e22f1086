//! Splitting a migration into the pieces a tool can run. Tools that send a file to PostgreSQL
//! as one query (golang-migrate, dbmate, Prisma) run it as one implicit transaction, where
//! `CREATE INDEX CONCURRENTLY`, a `DO` block that commits, or `ALTER TYPE … ADD VALUE` before
//! its use cannot run: such a statement gets a file of its own.

use crate::model::Dialect;
use crate::plan::{self, PlannedStatement};

/// Statements that go into one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub statements: Vec<PlannedStatement>,
    /// Every statement may run in one transaction (the tool's own, if it wraps files).
    pub atomic: bool,
}

impl Chunk {
    fn new(statements: Vec<PlannedStatement>) -> Chunk {
        let atomic = statements
            .iter()
            .all(|s| s.transactional && !s.own_transaction)
            // SQLite's PRAGMA foreign_keys only takes effect outside a transaction.
            && !statements.iter().any(|s| is_foreign_keys_pragma(&s.sql));
        Chunk { statements, atomic }
    }

    /// Only comments: a file that keeps the versions of up and down files paired.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

fn is_foreign_keys_pragma(sql: &str) -> bool {
    sql.trim_start()
        .to_ascii_uppercase()
        .starts_with("PRAGMA FOREIGN_KEYS")
}

/// A session setting the plan's guards make (`SET lock_timeout …`), keyed by what it sets.
fn setting_key(dialect: Dialect, sql: &str) -> Option<String> {
    let upper = sql.trim().to_ascii_uppercase();
    let rest = match dialect {
        Dialect::Postgres => upper.strip_prefix("SET ")?,
        Dialect::Mysql => upper.strip_prefix("SET SESSION ")?,
        Dialect::Sqlite => upper
            .strip_prefix("PRAGMA ")
            .filter(|r| r.starts_with("BUSY_TIMEOUT"))?,
    };
    let key = rest.split(['=', ' ']).next()?.trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// Split one migration's statements. With `alone` (a tool that sends a file as one query),
/// each PostgreSQL statement that must run outside a transaction gets a chunk of its own, and
/// the chunk after it repeats the session settings in force (a tool may use another
/// connection for the next file). Otherwise the whole migration is one chunk.
pub fn chunks(dialect: Dialect, statements: &[PlannedStatement], alone: bool) -> Vec<Chunk> {
    if !(alone && dialect == Dialect::Postgres) {
        return vec![Chunk::new(statements.to_vec())];
    }
    let mut result = Vec::new();
    let mut current: Vec<PlannedStatement> = Vec::new();
    // The settings in force, in the order they were made.
    let mut settings: Vec<(String, PlannedStatement)> = Vec::new();
    let mut after_lone = false;
    for statement in statements {
        if !statement.transactional {
            if !current.is_empty() {
                result.push(Chunk::new(std::mem::take(&mut current)));
            }
            result.push(Chunk::new(vec![statement.clone()]));
            after_lone = true;
            continue;
        }
        let key = setting_key(dialect, &statement.sql);
        if after_lone {
            after_lone = false;
            // Repeat what the statement itself does not set again.
            for (setting, made) in &settings {
                if key.as_ref() != Some(setting) {
                    let mut repeated = made.clone();
                    repeated.note = None;
                    current.push(repeated);
                }
            }
        }
        if let Some(key) = key {
            settings.retain(|(k, _)| *k != key);
            settings.push((key, statement.clone()));
        }
        current.push(statement.clone());
    }
    if !current.is_empty() {
        result.push(Chunk::new(current));
    }
    result
}

/// How a file's statements are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// For psql, mysql and sqlite3 and for Flyway: PostgreSQL transactions spelled out where
    /// the chunk is not atomic, MySQL procedures between DELIMITER lines.
    Client,
    /// For drivers that send the file as one query: no client commands (the server reads a
    /// procedure body whole); transactions spelled out where the chunk is not atomic.
    Driver,
}

/// A chunk's text. `wrapped`: the tool runs the file inside its own transaction, so an atomic
/// chunk needs no BEGIN/COMMIT of its own.
pub fn text(dialect: Dialect, chunk: &Chunk, spelling: Spelling, wrapped: bool) -> String {
    let statements = &chunk.statements;
    // A PostgreSQL file sent as one query is one implicit transaction already; BEGIN/COMMIT
    // say so to anyone running it by hand, and are needed where the chunk has several units.
    let spelled = if chunk.atomic && (wrapped || dialect != Dialect::Postgres) {
        plan::script(statements)
    } else {
        plan::migration_script(dialect, statements)
    };
    match spelling {
        Spelling::Client => spelled,
        Spelling::Driver => without_delimiters(&spelled),
    }
}

/// Drop the mysql client's DELIMITER commands: a driver sends the procedure as one statement.
fn without_delimiters(script: &str) -> String {
    let mut out = String::new();
    for line in script.lines() {
        let trimmed = line.trim();
        if trimmed.to_ascii_uppercase().starts_with("DELIMITER ") {
            continue;
        }
        match line.strip_suffix(" //") {
            Some(body) => {
                out.push_str(body);
                out.push_str(";\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Phase;

    fn statement(sql: &str, transactional: bool) -> PlannedStatement {
        PlannedStatement {
            sql: sql.to_string(),
            transactional,
            own_transaction: false,
            phase: Phase::PreDeploy,
            note: None,
            lint_ignores: Vec::new(),
            tag: None,
        }
    }

    #[test]
    fn a_statement_outside_transactions_is_alone_and_settings_follow_it() {
        let statements = [
            statement("SET lock_timeout = '5000ms'", true),
            statement("ALTER TABLE t ADD COLUMN c int", true),
            statement("SET lock_timeout = 0", true),
            statement("CREATE INDEX CONCURRENTLY t_c_idx ON t (c)", false),
            statement("CREATE INDEX CONCURRENTLY t_d_idx ON t (d)", false),
            statement("ALTER TABLE t ADD COLUMN e int", true),
        ];
        let chunks = chunks(Dialect::Postgres, &statements, true);
        let sql: Vec<Vec<&str>> = chunks
            .iter()
            .map(|c| c.statements.iter().map(|s| s.sql.as_str()).collect())
            .collect();
        assert_eq!(
            sql,
            [
                vec![
                    "SET lock_timeout = '5000ms'",
                    "ALTER TABLE t ADD COLUMN c int",
                    "SET lock_timeout = 0"
                ],
                vec!["CREATE INDEX CONCURRENTLY t_c_idx ON t (c)"],
                vec!["CREATE INDEX CONCURRENTLY t_d_idx ON t (d)"],
                vec!["SET lock_timeout = 0", "ALTER TABLE t ADD COLUMN e int"],
            ]
        );
        assert!(chunks[0].atomic && !chunks[1].atomic && chunks[3].atomic);
        // Tools that run statements one by one keep the migration whole.
        assert_eq!(chunks_len(&statements, false), 1);
        assert_eq!(
            super::chunks(Dialect::Mysql, &statements, true).len(),
            1,
            "MySQL commits each DDL statement itself"
        );
    }

    fn chunks_len(statements: &[PlannedStatement], alone: bool) -> usize {
        chunks(Dialect::Postgres, statements, alone).len()
    }

    #[test]
    fn sqlite_foreign_key_pragmas_make_a_chunk_non_atomic() {
        let statements = [
            statement("PRAGMA foreign_keys = OFF", false),
            statement("DROP TABLE t", true),
        ];
        assert!(!chunks(Dialect::Sqlite, &statements, true)[0].atomic);
    }

    #[test]
    fn drivers_get_procedures_without_delimiter_commands() {
        let statements = [statement(
            "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END",
            true,
        )];
        let chunk = &chunks(Dialect::Mysql, &statements, true)[0];
        let client = text(Dialect::Mysql, chunk, Spelling::Client, false);
        assert!(client.contains("DELIMITER //"), "{client}");
        let driver = text(Dialect::Mysql, chunk, Spelling::Driver, false);
        assert_eq!(
            driver,
            "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;\n"
        );
    }
}
