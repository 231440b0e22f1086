//! What a statement does, as structure: targets that have operations of their own (Alembic's
//! `op.add_column`, `op.create_index`, `batch_alter_table`) write those instead of the SQL text.
//!
//! The options of a statement (CONCURRENTLY, IF [NOT] EXISTS, NOT VALID, MySQL's ALGORITHM and
//! LOCK) are part of its operation: whoever wants them sets them on the operation and has the
//! dialect writer write the SQL from it (`dialect::write`, `Statement::of`,
//! `Statement::restate`), so a target sees the operation with every option its SQL has. A
//! target without a spelling for an option (Alembic has none for MySQL's ALGORITHM) writes the
//! statement's SQL instead.
//!
//! A tag describes the SQL it was attached to and nothing else: should the text be changed
//! behind the tag's back, the tag is left behind, so a target falls back to the SQL itself
//! rather than to an operation that no longer says the same thing.

use crate::model::*;

/// A structural operation, exactly what its statement's SQL does.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// CREATE TABLE with the columns, keys and inline constraints of `table` (and, where the
    /// dialect writes them inline, its indexes and comments; see the dialect writers).
    CreateTable {
        table: Table,
        /// PostgreSQL columns spelled `serial`/`bigserial`/`smallserial`.
        serial_columns: Vec<String>,
    },
    DropTable {
        table: QName,
    },
    RenameTable {
        from: QName,
        to: QName,
    },
    /// A plain column: PostgreSQL's serial columns and their sequences stay SQL.
    AddColumn {
        table: QName,
        column: Column,
        /// ADD COLUMN IF NOT EXISTS.
        if_not_exists: bool,
    },
    DropColumn {
        table: QName,
        column: Column,
        /// DROP COLUMN IF EXISTS.
        if_exists: bool,
    },
    /// `column` is the column as it stands before the rename.
    RenameColumn {
        table: QName,
        column: Column,
        to: String,
    },
    /// One attribute of a column (PostgreSQL, and MySQL's SET/DROP DEFAULT), or the whole
    /// definition (MySQL's MODIFY COLUMN).
    AlterColumn {
        table: QName,
        from: Column,
        to: Column,
        part: AlterPart,
    },
    CreateIndex {
        table: QName,
        index: Index,
        /// PostgreSQL's CONCURRENTLY: built without blocking writes (outside a transaction).
        concurrently: bool,
        if_not_exists: bool,
    },
    DropIndex {
        table: QName,
        index: Index,
        /// PostgreSQL's CONCURRENTLY.
        concurrently: bool,
        if_exists: bool,
    },
    /// `from` renamed to `to` (PostgreSQL's ALTER INDEX, MySQL's RENAME INDEX).
    RenameIndex {
        table: QName,
        from: String,
        to: String,
    },
    AddPrimaryKey {
        table: QName,
        primary_key: PrimaryKey,
    },
    AddUnique {
        table: QName,
        unique: UniqueConstraint,
    },
    AddCheck {
        table: QName,
        check: CheckConstraint,
        /// PostgreSQL's NOT VALID: existing rows are not checked (see `ValidateConstraint`).
        not_valid: bool,
    },
    AddForeignKey {
        table: QName,
        foreign_key: ForeignKey,
        /// PostgreSQL's NOT VALID.
        not_valid: bool,
    },
    /// PostgreSQL's VALIDATE CONSTRAINT: the rows are checked without blocking writes.
    ValidateConstraint {
        table: QName,
        name: String,
    },
    DropConstraint {
        table: QName,
        name: String,
        kind: ConstraintType,
        /// DROP CONSTRAINT IF EXISTS.
        if_exists: bool,
    },
    TableComment {
        table: QName,
        comment: Option<String>,
    },
    /// `column` carries the new comment.
    ColumnComment {
        table: QName,
        column: Column,
    },
    /// MySQL's CHANGE COLUMN: the column `from` renamed and redefined as `to` in one statement.
    ChangeColumn {
        table: QName,
        from: Column,
        to: Column,
    },
    /// MySQL's table options (engine, default character set and collation).
    AlterTableOptions {
        table: QName,
        from: TableOptions,
        to: TableOptions,
    },
    /// `op` with MySQL's ALGORITHM (and LOCK) clause: the server refuses the statement rather
    /// than carry it out a slower way. Only an ALTER TABLE or CREATE INDEX takes one (see
    /// `dialect::write`).
    WithAlgorithm {
        op: Box<Op>,
        algorithm: Algorithm,
        lock: Option<Lock>,
    },
    /// SQLite's rebuild of a table into a new shape: this statement opens it and the statements
    /// tagged `InRebuild` that follow belong to it.
    Rebuild {
        from: Table,
        to: Table,
    },
    InRebuild,
}

/// What an `AlterColumn` changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterPart {
    Nullable,
    /// The type, with PostgreSQL's USING conversion when there is one.
    Type {
        using: Option<String>,
    },
    Default,
    /// Every attribute at once (MySQL `MODIFY COLUMN`).
    Whole,
}

/// MySQL's `ALGORITHM=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Metadata only.
    Instant,
    /// In place: the table is not copied.
    Inplace,
    /// A full copy of the table.
    Copy,
}

/// MySQL's `LOCK=`: what other sessions may still do while the statement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Reads and writes continue.
    None,
    /// Reads continue, writes wait.
    Shared,
}

impl Op {
    /// The operation with MySQL's ALGORITHM (and LOCK) clause.
    pub fn with_algorithm(self, algorithm: Algorithm, lock: Option<Lock>) -> Op {
        Op::WithAlgorithm {
            op: Box::new(self),
            algorithm,
            lock,
        }
    }
}

/// The kinds of constraint a drop names (Alembic's `type_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintType {
    PrimaryKey,
    ForeignKey,
    Unique,
    Check,
}

/// An operation and the SQL text it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub op: Op,
    sql: String,
}

impl Tag {
    pub fn new(op: Op, sql: &str) -> Tag {
        Tag {
            op,
            sql: sql.to_string(),
        }
    }

    /// The operation, when `sql` is still the text it was attached to.
    pub fn for_sql(&self, sql: &str) -> Option<&Op> {
        (self.sql == sql).then_some(&self.op)
    }
}
