//! Canonical spelling of types, defaults, expressions and identifiers, per dialect.
//!
//! DDL sources and live introspection both pass through these functions, which is
//! what makes a parsed schema and an introspected one compare equal. Expressions are
//! parsed with sqlparser, rewritten into one canonical shape (the shape PostgreSQL's
//! deparser and MariaDB's information_schema produce is folded back to what a person
//! writes), and printed again with this module's own quoting.
//!
//! `ident` quotes names, `types` parses and spells types, `expr` canonicalises expressions with
//! `literal` (numbers, intervals) and `catalog` (what servers add), `default` handles column
//! defaults and `view` view queries.

use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};

use crate::model::Dialect;

mod catalog;
mod default;
mod expr;
mod ident;
mod literal;
mod types;
mod view;

pub use default::{column_default_sql, default_ast, default_sql, default_value};
pub use expr::{expr, expr_ast};
pub use ident::{
    ident_name, is_default_schema, make_object_name, object_qname, quote_ident, quote_qname,
    quote_string,
};
pub use literal::{canonical_interval, canonical_number};
pub use types::{parse_type, split_quoted_list, type_sql};
pub use view::{alias_view_columns, view_query};

pub fn sql_dialect(dialect: Dialect) -> Box<dyn SqlDialect> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}
