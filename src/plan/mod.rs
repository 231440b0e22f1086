//! Changes → the statements of a migration, up and down.
//!
//! The down script is planned the same way as the up script, from the target back to the
//! source, so it gets the same dependency ordering; statements that re-create dropped objects
//! carry a note saying that data is not restored.

use serde::Serialize;

use crate::dialect::{self, Statement};
use crate::diff::{self, Change, RenameAnswers, RenameCandidate};
use crate::model::{Dialect, Schema};

/// Which deployment phase a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// One migration applied as a whole.
    Direct,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedStatement {
    pub sql: String,
    pub transactional: bool,
    pub phase: Phase,
    /// What a person should know about this statement (not part of the JSON contract).
    #[serde(skip)]
    pub note: Option<String>,
}

/// A complete migration between two schemas.
#[derive(Debug, Clone)]
pub struct Plan {
    pub dialect: Dialect,
    pub changes: Vec<Change>,
    pub up: Vec<PlannedStatement>,
    pub down: Vec<PlannedStatement>,
    /// Likely renames nobody answered; the plan must not be used until they are.
    pub questions: Vec<RenameCandidate>,
}

impl Plan {
    pub fn up_statements(&self) -> impl Iterator<Item = &str> {
        self.up.iter().map(|s| s.sql.as_str())
    }

    pub fn down_statements(&self) -> impl Iterator<Item = &str> {
        self.down.iter().map(|s| s.sql.as_str())
    }
}

/// Plan the migration `from` → `to` and its reverse.
pub fn plan(from: &Schema, to: &Schema, answers: &RenameAnswers) -> Plan {
    let forward = diff::diff(from, to, answers);
    let mut back_answers = answers.inverted(from, to);
    // The way back mirrors the way there; it never asks a question of its own.
    back_answers.assume_no = true;
    let backward = diff::diff(to, from, &back_answers);
    let dropped_tables = forward
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table } => Some(table.name.clone()),
            _ => None,
        })
        .collect();
    let up = annotate(dialect::statements(&forward.changes, from, to), &[]);
    let down = annotate(
        dialect::statements_with(&backward.changes, to, from, &dropped_tables),
        &forward.changes,
    );
    Plan {
        dialect: to.dialect,
        changes: forward.changes,
        up,
        down,
        questions: forward.questions,
    }
}

/// Attach notes to the down statements that re-create what the up migration dropped.
fn annotate(statements: Vec<Statement>, forward: &[Change]) -> Vec<PlannedStatement> {
    let dropped: Vec<String> = forward
        .iter()
        .filter_map(|change| match change {
            Change::DropTable { table } => Some(format!("table {}", table.name)),
            Change::DropColumn { table, column } => Some(format!("column {table}.{}", column.name)),
            _ => None,
        })
        .collect();
    statements
        .into_iter()
        .map(|statement| {
            let upper = statement.sql.to_ascii_uppercase();
            let recreates = upper.starts_with("CREATE TABLE") || upper.contains(" ADD COLUMN ");
            let note = statement.note.clone().or_else(|| {
                (recreates && !dropped.is_empty())
                    .then(|| "re-creates the structure only: rows and values removed by the up migration are not restored".to_string())
                    .filter(|_| dropped.iter().any(|d| statement.sql.contains(d.rsplit(['.', ' ']).next().unwrap_or(""))))
            });
            PlannedStatement {
                sql: statement.sql,
                transactional: statement.transactional,
                phase: Phase::Direct,
                note,
            }
        })
        .collect()
}

/// The statements as a script psql, mysql and sqlite3 accept as is.
pub fn script(statements: &[PlannedStatement]) -> String {
    let mut text = String::new();
    for statement in statements {
        if let Some(note) = &statement.note {
            text.push_str(&format!("-- {note}\n"));
        }
        if !statement.transactional {
            text.push_str("-- must run outside a transaction block\n");
        }
        text.push_str(statement.sql.trim_end());
        text.push_str(";\n");
    }
    text
}
