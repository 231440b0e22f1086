//! `queryInterface` calls for the statements Sequelize writes exactly as migen planned them,
//! on that dialect. What Sequelize sends was read from Sequelize 6.37's query generators and
//! query interfaces, and `tests/sequelize.rs` compares what it sent with the plan:
//!
//! | call               | PostgreSQL                   | MySQL                          | SQLite                      |
//! |--------------------|------------------------------|--------------------------------|-----------------------------|
//! | `renameTable`      | `ALTER TABLE … RENAME TO`    | `ALTER TABLE … RENAME TO`      | `ALTER TABLE … RENAME TO`   |
//! | `removeColumn`     | names the table `public.<t>` whatever the search path: not used | looks up and drops FKs first: not used | rebuilds the table: not used |
//! | `addIndex`         | `CREATE [UNIQUE] INDEX … ON` | `ALTER TABLE … ADD [UNIQUE] INDEX` | `CREATE [UNIQUE] INDEX … ON` |
//! | `removeIndex`      | `DROP INDEX IF EXISTS`: not used | `DROP INDEX … ON …`        | `DROP INDEX IF EXISTS`: not used |
//! | `removeConstraint` | `ALTER TABLE … DROP CONSTRAINT` | looks the type up first: not used | rebuilds the table: not used |
//! | `addConstraint` (named UNIQUE, FOREIGN KEY) | `ALTER TABLE … ADD CONSTRAINT` | `ALTER TABLE … ADD CONSTRAINT` | rebuilds the table: not used |
//!
//! `addConstraint` writes a foreign key's ON UPDATE before its ON DELETE and nothing for the
//! actions it is not given: a key with both actions spelled out, DEFERRABLE or NOT VALID stays
//! SQL; CHECK takes a Sequelize `where` rather than SQL, so checks stay SQL too.
//!
//! `createTable`, `addColumn` and `changeColumn` spell types, defaults and references
//! Sequelize's way (its DataTypes, `SERIAL`, `ON UPDATE CASCADE` by default), and
//! `renameColumn` restates the column from a DESCRIBE; dropTable adds IF EXISTS: those
//! statements stay `queryInterface.sequelize.query` with migen's SQL.
//!
//! A call is the method, its arguments before the options, and what it needs in the options
//! (`addIndex` reads its index options and the query's from one object).

use super::js::string;
use crate::dialect::op::Op;
use crate::model::{Dialect, FkAction, ForeignKey, Index, IndexPart, QName};

/// Whether Sequelize quotes `name` into the statement unchanged: it strips the quote
/// characters out of names rather than doubling them, and splits some names at dots.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['"', '`', '.', '\\']) && !name.chars().any(char::is_control)
}

/// A table Sequelize names as migen does: no schema (Sequelize writes schemas its own way per
/// dialect) and a plain name.
fn plain_table(table: &QName) -> bool {
    table.schema.is_none() && plain_name(&table.name)
}

/// Keys `addIndex` writes as migen does: plain columns, ascending, no prefix length or
/// operator class, on the default method, without a predicate or covering columns.
fn plain_columns(index: &Index) -> Option<Vec<String>> {
    if index.method.is_some() || index.predicate.is_some() || !index.include.is_empty() {
        return None;
    }
    if !plain_name(&index.name) || index.keys.is_empty() {
        return None;
    }
    index
        .keys
        .iter()
        .map(|key| match &key.part {
            IndexPart::Column(column)
                if !key.desc
                    && key.nulls_first.is_none()
                    && key.length.is_none()
                    && key.opclass.is_none()
                    && plain_name(column) =>
            {
                Some(string(column))
            }
            _ => None,
        })
        .collect()
}

pub(super) struct Call {
    pub(super) method: &'static str,
    pub(super) arguments: Vec<String>,
    /// `key: value` entries of the options object, beside the transaction.
    pub(super) options: Vec<String>,
}

fn plain(method: &'static str, arguments: Vec<String>) -> Option<Call> {
    Some(Call {
        method,
        arguments,
        options: Vec::new(),
    })
}

/// A list of plain names as a JavaScript array.
fn names(names: &[String]) -> Option<String> {
    if names.is_empty() || !names.iter().all(|n| plain_name(n)) {
        return None;
    }
    let quoted: Vec<String> = names.iter().map(|n| string(n)).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

/// `addConstraint`'s options for a foreign key migen writes as Sequelize does: named, not
/// deferrable, with at most one action other than the dialect's default.
fn foreign_key(dialect: Dialect, key: &ForeignKey) -> Option<Vec<String>> {
    let name = key.name.as_deref().filter(|n| plain_name(n))?;
    if key.deferrable || key.initially_deferred || !plain_table(&key.ref_table) {
        return None;
    }
    let default = match dialect {
        Dialect::Mysql => FkAction::Restrict,
        _ => FkAction::NoAction,
    };
    let mut options = vec![
        "type: 'foreign key'".to_string(),
        format!("fields: {}", names(&key.columns)?),
        format!("name: {}", string(name)),
        format!(
            "references: {{ table: {}, fields: {} }}",
            string(&key.ref_table.name),
            names(&key.ref_columns)?
        ),
    ];
    let actions: Vec<String> = [("onDelete", key.on_delete), ("onUpdate", key.on_update)]
        .into_iter()
        .filter(|(_, action)| *action != default)
        .map(|(option, action)| format!("{option}: {}", string(action.sql())))
        .collect();
    if actions.len() > 1 {
        return None;
    }
    options.extend(actions);
    Some(options)
}

/// The `queryInterface` method and its leading arguments for `op` on `dialect`, or `None`
/// when the statement stays `queryInterface.sequelize.query`.
pub(super) fn call(dialect: Dialect, op: &Op) -> Option<Call> {
    match op {
        Op::RenameTable { from, to } if plain_table(from) && plain_table(to) => {
            plain("renameTable", vec![string(&from.name), string(&to.name)])
        }
        Op::CreateIndex {
            table,
            index,
            concurrently: false,
            if_not_exists: false,
        } if plain_table(table) => {
            let columns = plain_columns(index)?;
            let mut options = Vec::new();
            if index.unique {
                options.push("unique: true".to_string());
            }
            options.push(format!("name: {}", string(&index.name)));
            Some(Call {
                method: "addIndex",
                arguments: vec![string(&table.name), format!("[{}]", columns.join(", "))],
                options,
            })
        }
        Op::DropIndex {
            table,
            index,
            concurrently: false,
            if_exists: false,
        } if dialect == Dialect::Mysql && plain_table(table) && plain_name(&index.name) => plain(
            "removeIndex",
            vec![string(&table.name), string(&index.name)],
        ),
        Op::DropConstraint {
            table,
            name,
            if_exists: false,
            ..
        } if dialect == Dialect::Postgres && plain_table(table) && plain_name(name) => {
            plain("removeConstraint", vec![string(&table.name), string(name)])
        }
        Op::AddUnique { table, unique } if dialect != Dialect::Sqlite && plain_table(table) => {
            let name = unique.name.as_deref().filter(|n| plain_name(n))?;
            Some(Call {
                method: "addConstraint",
                arguments: vec![string(&table.name)],
                options: vec![
                    "type: 'unique'".into(),
                    format!("fields: {}", names(&unique.columns)?),
                    format!("name: {}", string(name)),
                ],
            })
        }
        Op::AddForeignKey {
            table,
            foreign_key: key,
            not_valid: false,
        } if dialect != Dialect::Sqlite && plain_table(table) => Some(Call {
            method: "addConstraint",
            arguments: vec![string(&table.name)],
            options: foreign_key(dialect, key)?,
        }),
        _ => None,
    }
}
