//! The online forms of statements. Each is an option set on the statement's operation
//! (CONCURRENTLY, IF [NOT] EXISTS, NOT VALID, MySQL's ALGORITHM and LOCK), and the dialect
//! writes the SQL from it: no SQL text is edited here. A statement without the operation an
//! option applies to stays as it is.

use crate::dialect::op::{Algorithm, AlterPart, ConstraintType, Lock, Op};
use crate::dialect::{Statement, written};
use crate::model::Version;
use crate::model::*;
use crate::normalize::quote_ident;
use crate::safety::MysqlAlgorithm;

use super::names::not_null_check_name;

const PG: Dialect = Dialect::Postgres;

/// Whether the recipes' own drops of columns and constraints say IF EXISTS, so a re-run after
/// an interruption does not stop at what the first run already did.
pub(super) fn drops_if_exists(dialect: Dialect) -> bool {
    dialect == Dialect::Postgres
}

/// Each statement whose operation `option` changes, written anew with the change.
fn with_option(
    dialect: Dialect,
    statements: Vec<Statement>,
    option: impl Fn(&Op) -> Option<Op>,
) -> Vec<Statement> {
    statements
        .into_iter()
        .map(|statement| {
            statement
                .op()
                .and_then(&option)
                .and_then(|op| statement.restate(dialect, op))
                .unwrap_or(statement)
        })
        .collect()
}

/// ADD COLUMN IF NOT EXISTS, so a re-run after an interruption goes on where it stopped.
pub(super) fn add_column_if_missing(
    dialect: Dialect,
    statements: Vec<Statement>,
) -> Vec<Statement> {
    with_option(dialect, statements, |op| match op {
        Op::AddColumn { table, column, .. } => Some(Op::AddColumn {
            table: table.clone(),
            column: column.clone(),
            if_not_exists: true,
        }),
        _ => None,
    })
}

/// CREATE INDEX IF NOT EXISTS (MariaDB), so a re-run keeps the index.
pub(super) fn index_if_missing(dialect: Dialect, statements: Vec<Statement>) -> Vec<Statement> {
    with_option(dialect, statements, |op| match op {
        Op::CreateIndex {
            table,
            index,
            concurrently,
            ..
        } => Some(Op::CreateIndex {
            table: table.clone(),
            index: index.clone(),
            concurrently: *concurrently,
            if_not_exists: true,
        }),
        _ => None,
    })
}

/// PostgreSQL: a constraint added NOT VALID (its rows checked by a VALIDATE later).
pub(super) fn not_valid(statement: &Statement) -> Option<Statement> {
    let op = match statement.op()? {
        Op::AddForeignKey {
            table, foreign_key, ..
        } => Op::AddForeignKey {
            table: table.clone(),
            foreign_key: foreign_key.clone(),
            not_valid: true,
        },
        Op::AddCheck { table, check, .. } => Op::AddCheck {
            table: table.clone(),
            check: check.clone(),
            not_valid: true,
        },
        _ => return None,
    };
    statement.restate(PG, op)
}

/// PostgreSQL: VALIDATE CONSTRAINT, in a transaction of its own.
pub(super) fn validate(table: &QName, name: &str) -> Statement {
    Statement {
        own_transaction: true,
        ..written(
            PG,
            Op::ValidateConstraint {
                table: table.clone(),
                name: name.to_string(),
            },
        )
    }
    .with_note("scans the rows without blocking writes (SHARE UPDATE EXCLUSIVE); its own transaction, so the lock taken to add the constraint is already released")
}

/// DROP CONSTRAINT IF EXISTS of the CHECK `name`: only ever the temporary NOT NULL check
/// migen's recipes add (and clear before adding it again, when a run is repeated).
pub(super) fn drop_check_if_exists(dialect: Dialect, table: &QName, name: &str) -> Statement {
    written(
        dialect,
        Op::DropConstraint {
            table: table.clone(),
            name: name.to_string(),
            kind: ConstraintType::Check,
            if_exists: true,
        },
    )
    .lint_ignore(
        "ban-drop-constraint",
        "migen's temporary NOT NULL check, cleared for a re-run or once NOT NULL holds",
    )
}

/// Why SET NOT NULL after a validated `CHECK (col IS NOT NULL)` is safe (PostgreSQL 12+).
pub(super) const PROVEN_NOT_NULL: &str =
    "a validated CHECK (col IS NOT NULL) proves it, so PostgreSQL 12+ sets it without a scan";

/// PostgreSQL: ADD CONSTRAINT `name` CHECK (`column` IS NOT NULL) NOT VALID.
pub(super) fn add_not_null_check(table: &QName, column: &str, name: &str) -> Statement {
    written(
        PG,
        Op::AddCheck {
            table: table.clone(),
            check: CheckConstraint {
                name: Some(name.to_string()),
                expr: format!("{} IS NOT NULL", quote_ident(PG, column)),
            },
            not_valid: true,
        },
    )
}

/// ALTER COLUMN … SET NOT NULL (or DROP NOT NULL, when `nullable`) of `column` as it stands,
/// but for its NULL-ness.
pub(super) fn set_nullable(
    dialect: Dialect,
    table: &QName,
    column: &Column,
    nullable: bool,
) -> Statement {
    written(
        dialect,
        Op::AlterColumn {
            table: table.clone(),
            from: Column {
                nullable: !nullable,
                ..column.clone()
            },
            to: Column {
                nullable,
                ..column.clone()
            },
            part: AlterPart::Nullable,
        },
    )
}

/// PostgreSQL: SET NOT NULL on `column` (as it stands, nullable) without a long exclusive lock:
/// a CHECK added NOT VALID, validated while writes continue, then SET NOT NULL, which
/// PostgreSQL 12+ proves from the check without a scan.
pub(super) fn not_null_through_check(
    table: &QName,
    column: &Column,
    version: &Version,
) -> Vec<Statement> {
    let name = not_null_check_name(PG, table, &column.name);
    let mut set = set_nullable(PG, table, column, false);
    // (squawk sees the validated check above itself: no ignore needed here.)
    if !version.at_least(12, 0, 0) {
        set.note = Some(format!(
            "{} does not use the validated check: SET NOT NULL still scans the table under an exclusive lock (PostgreSQL 12+ does not)",
            version.label()
        ));
    }
    vec![
        drop_check_if_exists(PG, table, &name),
        add_not_null_check(table, &column.name, &name),
        validate(table, &name),
        set,
        drop_check_if_exists(PG, table, &name),
    ]
}

/// PostgreSQL: each CREATE INDEX built CONCURRENTLY IF NOT EXISTS, preceded by the cleanup of
/// what an interrupted build leaves (an invalid index of the same name).
pub(super) fn concurrently_create(statements: &[Statement]) -> Vec<Statement> {
    let mut out = Vec::new();
    for statement in statements {
        let Some(Op::CreateIndex { table, index, .. }) = statement.op() else {
            out.push(statement.clone());
            continue;
        };
        let cleanup = written(
            PG,
            Op::DropIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: true,
                if_exists: true,
            },
        );
        let build = written(
            PG,
            Op::CreateIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: true,
                if_not_exists: true,
            },
        );
        out.push(outside_transaction(cleanup).with_note("clears what an interrupted build left (an invalid index), so the migration can simply be run again; on a re-run after success the index is built afresh"));
        out.push(outside_transaction(build).with_note("built without blocking writes; a failed build leaves an invalid index that the statement above clears on the next run"));
    }
    out
}

/// PostgreSQL: each DROP INDEX made CONCURRENTLY IF EXISTS.
pub(super) fn concurrently_drop(statements: &[Statement]) -> Vec<Statement> {
    statements
        .iter()
        .map(|statement| match statement.op() {
            Some(Op::DropIndex { table, index, .. }) => outside_transaction(written(
                PG,
                Op::DropIndex {
                    table: table.clone(),
                    index: index.clone(),
                    concurrently: true,
                    if_exists: true,
                },
            )),
            _ => statement.clone(),
        })
        .collect()
}

fn outside_transaction(statement: Statement) -> Statement {
    Statement {
        transactional: false,
        ..statement
    }
}

/// MySQL's ALGORITHM (and LOCK) clause for how the server must carry out a change; `None` for
/// a copy, which no clause makes online.
fn clause(algorithm: MysqlAlgorithm) -> Option<(Algorithm, Option<Lock>)> {
    match algorithm {
        MysqlAlgorithm::Instant => Some((Algorithm::Instant, None)),
        MysqlAlgorithm::Inplace | MysqlAlgorithm::InplaceRebuild => {
            Some((Algorithm::Inplace, Some(Lock::None)))
        }
        MysqlAlgorithm::InplaceNoWrites => Some((Algorithm::Inplace, Some(Lock::Shared))),
        MysqlAlgorithm::Copy => None,
    }
}

/// MySQL: each ALTER TABLE and CREATE INDEX pinned to `algorithm`, so the server refuses rather
/// than silently copying the table. A copy has no online form: the first statement says so.
pub(super) fn pin_algorithm(statements: &mut [Statement], algorithm: MysqlAlgorithm, why: &str) {
    let Some((algorithm, lock)) = clause(algorithm) else {
        if let Some(first) = statements.first_mut() {
            first.note = Some(format!(
                "{why}: no online form exists, so writes wait for the whole copy (on a large table use gh-ost or pt-online-schema-change)"
            ));
        }
        return;
    };
    for statement in statements.iter_mut() {
        let pinned = statement
            .op()
            .filter(|op| !fulltext_or_spatial(op))
            .and_then(|op| {
                statement.restate(Dialect::Mysql, op.clone().with_algorithm(algorithm, lock))
            });
        if let Some(pinned) = pinned {
            *statement = pinned.with_note(format!(
                "{why}; the server refuses (rather than copying the table) if it cannot do it this way"
            ));
        }
    }
}

/// A CREATE FULLTEXT or SPATIAL INDEX: written without a clause, as migen always has (the
/// safety finding says what the build locks).
fn fulltext_or_spatial(op: &Op) -> bool {
    matches!(op, Op::CreateIndex { index, .. }
        if matches!(index.method.as_deref(), Some("fulltext" | "spatial")))
}
