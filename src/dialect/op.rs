//! What a statement does, as structure: targets that have operations of their own (Alembic's
//! `op.add_column`, `op.create_index`, `batch_alter_table`) write those instead of the SQL text.
//!
//! A tag describes the SQL it was attached to and nothing else: a later rewrite of the text
//! (an ALGORITHM clause, IF NOT EXISTS) leaves the tag behind, so a target falls back to the
//! SQL itself rather than to an operation that no longer says the same thing.

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
    /// `idempotent`: ADD COLUMN IF NOT EXISTS.
    AddColumn {
        table: QName,
        column: Column,
        idempotent: bool,
    },
    DropColumn {
        table: QName,
        column: Column,
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
    /// `idempotent`: IF NOT EXISTS.
    CreateIndex {
        table: QName,
        index: Index,
        concurrently: bool,
        idempotent: bool,
    },
    /// `idempotent`: IF EXISTS.
    DropIndex {
        table: QName,
        index: Index,
        concurrently: bool,
        idempotent: bool,
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
    },
    AddForeignKey {
        table: QName,
        foreign_key: ForeignKey,
    },
    DropConstraint {
        table: QName,
        name: String,
        kind: ConstraintType,
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
