//! Identifiers: which names need quoting per dialect (reserved words), quoting names and
//! strings, and reading sqlparser's names into the model's.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

use crate::model::{Dialect, QName};

const POSTGRES_RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

const SQLITE_KEYWORDS: &[&str] = &[
    "abort",
    "action",
    "add",
    "after",
    "all",
    "alter",
    "always",
    "analyze",
    "and",
    "as",
    "asc",
    "attach",
    "autoincrement",
    "before",
    "begin",
    "between",
    "by",
    "cascade",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "commit",
    "conflict",
    "constraint",
    "create",
    "cross",
    "current",
    "current_date",
    "current_time",
    "current_timestamp",
    "database",
    "default",
    "deferrable",
    "deferred",
    "delete",
    "desc",
    "detach",
    "distinct",
    "do",
    "drop",
    "each",
    "else",
    "end",
    "escape",
    "except",
    "exclude",
    "exclusive",
    "exists",
    "explain",
    "fail",
    "filter",
    "first",
    "following",
    "for",
    "foreign",
    "from",
    "full",
    "generated",
    "glob",
    "group",
    "groups",
    "having",
    "if",
    "ignore",
    "immediate",
    "in",
    "index",
    "indexed",
    "initially",
    "inner",
    "insert",
    "instead",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "key",
    "last",
    "left",
    "like",
    "limit",
    "match",
    "materialized",
    "natural",
    "no",
    "not",
    "nothing",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "or",
    "order",
    "others",
    "outer",
    "over",
    "partition",
    "plan",
    "pragma",
    "preceding",
    "primary",
    "query",
    "raise",
    "range",
    "recursive",
    "references",
    "regexp",
    "reindex",
    "release",
    "rename",
    "replace",
    "restrict",
    "returning",
    "right",
    "rollback",
    "row",
    "rows",
    "savepoint",
    "select",
    "set",
    "table",
    "temp",
    "temporary",
    "then",
    "ties",
    "to",
    "transaction",
    "trigger",
    "unbounded",
    "union",
    "unique",
    "update",
    "using",
    "vacuum",
    "values",
    "view",
    "virtual",
    "when",
    "where",
    "window",
    "with",
    "without",
];

fn is_plain_identifier(name: &str, lowercase_only: bool) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let ok_char = |c: char| {
        c == '_'
            || c.is_ascii_digit()
            || c.is_ascii_lowercase()
            || (!lowercase_only && c.is_ascii_uppercase())
    };
    (first == '_' || first.is_ascii_alphabetic()) && ok_char(first) && chars.all(ok_char)
}

/// Quote an identifier for output, only where the dialect needs it (MySQL always gets backticks,
/// the way its own tools print DDL).
pub fn quote_ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Postgres => {
            if is_plain_identifier(name, true) && !POSTGRES_RESERVED.contains(&name) {
                name.to_string()
            } else {
                format!("\"{}\"", name.replace('"', "\"\""))
            }
        }
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        Dialect::Sqlite => {
            let lower = name.to_ascii_lowercase();
            if is_plain_identifier(name, false) && !SQLITE_KEYWORDS.contains(&lower.as_str()) {
                name.to_string()
            } else {
                format!("\"{}\"", name.replace('"', "\"\""))
            }
        }
    }
}

pub fn quote_qname(dialect: Dialect, name: &QName) -> String {
    match &name.schema {
        Some(schema) => format!(
            "{}.{}",
            quote_ident(dialect, schema),
            quote_ident(dialect, &name.name)
        ),
        None => quote_ident(dialect, &name.name),
    }
}

/// The name an identifier as written in DDL stands for: PostgreSQL folds unquoted names to lower case.
pub fn ident_name(dialect: Dialect, ident: &Ident) -> String {
    match (dialect, ident.quote_style) {
        (Dialect::Postgres, None) => ident.value.to_lowercase(),
        _ => ident.value.clone(),
    }
}

/// A schema-qualified object name; the default schema (`public`, `main`) becomes `None`.
pub fn object_qname(dialect: Dialect, name: &ObjectName) -> QName {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident_name(dialect, ident),
            other => other.to_string(),
        })
        .collect();
    let (schema, name) = match parts.as_slice() {
        [] => (None, String::new()),
        [only] => (None, only.clone()),
        [.., schema, name] => (Some(schema.clone()), name.clone()),
    };
    QName {
        schema: schema.filter(|s| !is_default_schema(dialect, s)),
        name,
    }
}

pub fn is_default_schema(dialect: Dialect, schema: &str) -> bool {
    match dialect {
        Dialect::Postgres => schema == "public",
        Dialect::Sqlite => schema.eq_ignore_ascii_case("main"),
        // The connected database is the default; a qualified MySQL name is kept as written.
        Dialect::Mysql => false,
    }
}

/// A string literal for output.
pub fn quote_string(dialect: Dialect, value: &str) -> String {
    let escaped = value.replace('\'', "''");
    match dialect {
        // MySQL treats backslash as an escape inside string literals.
        Dialect::Mysql => format!("'{}'", escaped.replace('\\', "\\\\")),
        _ => format!("'{escaped}'"),
    }
}

/// PostgreSQL's makeObjectName: `name1_name2_label`, the names shortened (the longer one first,
/// never inside a character) so the whole fits the dialect's identifier limit. Both the DDL
/// reader and the PostgreSQL writer need the names the server would choose.
pub fn make_object_name(dialect: Dialect, name1: &str, name2: Option<&str>, label: &str) -> String {
    let max = dialect.max_identifier_len();
    let overhead = label.len() + 1 + if name2.is_some() { 1 } else { 0 };
    let available = max.saturating_sub(overhead);
    let mut len1 = name1.len();
    let mut len2 = name2.map(str::len).unwrap_or(0);
    while len1 + len2 > available {
        if len1 > len2 {
            len1 -= 1;
        } else {
            len2 -= 1;
        }
    }
    let part1 = clip_to_char_boundary(name1, len1);
    let mut name = part1.to_string();
    if let Some(name2) = name2 {
        name.push('_');
        name.push_str(clip_to_char_boundary(name2, len2));
    }
    name.push('_');
    name.push_str(label);
    name
}

fn clip_to_char_boundary(text: &str, mut len: usize) -> &str {
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    &text[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident(Dialect::Postgres, "users"), "users");
        assert_eq!(quote_ident(Dialect::Postgres, "order"), "\"order\"");
        assert_eq!(quote_ident(Dialect::Postgres, "Users"), "\"Users\"");
        assert_eq!(quote_ident(Dialect::Postgres, "we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote_ident(Dialect::Mysql, "we`ird"), "`we``ird`");
        assert_eq!(quote_ident(Dialect::Sqlite, "first name"), "\"first name\"");
    }
}
