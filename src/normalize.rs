//! Canonical spelling of types, defaults, expressions and identifiers, per dialect.
//!
//! DDL sources and live introspection both pass through these functions, which is
//! what makes a parsed schema and an introspected one compare equal. Expressions are
//! parsed with sqlparser, rewritten into one canonical shape (the shape PostgreSQL's
//! deparser and MariaDB's information_schema produce is folded back to what a person
//! writes), and printed again with this module's own quoting.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, Interval, ObjectName, ObjectNamePart, TrimWhereField, UnaryOperator,
    Value, ValueWithSpan, visit_expressions_mut,
};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::model::{DefaultValue, Dialect, LobSize, QName, Type};

pub fn sql_dialect(dialect: Dialect) -> Box<dyn SqlDialect> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}

// ---------------------------------------------------------------------------
// identifiers

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

// ---------------------------------------------------------------------------
// types

/// Canonical type from type text as written in DDL or reported by a catalog
/// (`character varying(20)`, `int(11) unsigned`, `timestamp(3) with time zone`, `text[]`).
pub fn parse_type(dialect: Dialect, text: &str) -> Type {
    let text = text.trim();
    if dialect == Dialect::Sqlite {
        // SQLite keeps the declared type text and derives an affinity from it; INT and INTEGER
        // differ (only INTEGER PRIMARY KEY aliases the rowid), so the text itself is the type.
        return Type::Custom {
            name: collapse_type_text(&text.replace('"', "")),
        };
    }
    if let Some(inner) = text.strip_suffix(']') {
        if let Some(open) = inner.rfind('[') {
            // PostgreSQL records no dimensions: `int[][]` and `int[3]` are `integer[]`.
            return match parse_type(dialect, &inner[..open]) {
                array @ Type::Array { .. } => array,
                element => Type::Array {
                    element: Box::new(element),
                },
            };
        }
    }
    let lower = text.to_ascii_lowercase();
    // Enum and set values keep their case.
    for (prefix, is_set) in [("enum", false), ("set", true)] {
        if lower.starts_with(prefix) && lower[prefix.len()..].trim_start().starts_with('(') {
            let open = text.find('(').unwrap_or(0);
            let close = text.rfind(')').unwrap_or(text.len());
            let values = split_quoted_list(&text[open + 1..close]);
            return if is_set {
                Type::Set { values }
            } else {
                Type::InlineEnum { values }
            };
        }
    }
    let (base, args, rest) = split_type_args(&lower);
    let mut words: Vec<&str> = base.split_whitespace().collect();
    words.extend(rest.split_whitespace());
    let unsigned = words.contains(&"unsigned");
    let with_tz = lower.contains("with time zone");
    words.retain(|w| !matches!(*w, "unsigned" | "zerofill" | "signed"));
    let head = words
        .iter()
        .take_while(|w| **w != "with" && **w != "without")
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let arg = |i: usize| args.get(i).and_then(|a| a.trim().parse::<u32>().ok());
    let mysql = dialect == Dialect::Mysql;
    let int = |bits: u8| Type::Integer { bits, unsigned };
    match head.as_str() {
        "bool" | "boolean" => Type::Boolean,
        "tinyint" if mysql && arg(0) == Some(1) && !unsigned => Type::Boolean,
        "tinyint" | "int1" => int(8),
        "smallint" | "int2" | "smallserial" | "serial2" => int(16),
        "mediumint" | "int3" | "middleint" => int(24),
        "int" | "integer" | "int4" | "serial" | "serial4" => int(32),
        "bigint" | "int8" | "bigserial" | "serial8" => int(64),
        "decimal" | "numeric" | "dec" | "fixed" => {
            let (precision, scale) = (arg(0), arg(1));
            if mysql {
                Type::Decimal {
                    precision: Some(precision.unwrap_or(10)),
                    scale: Some(scale.unwrap_or(0)),
                }
            } else {
                Type::Decimal {
                    precision,
                    scale: precision.map(|_| scale.unwrap_or(0)),
                }
            }
        }
        "real" if mysql => Type::Float { bits: 64 },
        "real" | "float4" => Type::Float { bits: 32 },
        "double precision" | "double" | "float8" => Type::Float { bits: 64 },
        "float" => match arg(0) {
            Some(p) if p <= 24 => Type::Float { bits: 32 },
            Some(_) => Type::Float { bits: 64 },
            None if mysql => Type::Float { bits: 32 },
            None => Type::Float { bits: 64 },
        },
        "char" | "character" | "bpchar" | "nchar" | "national char" | "national character" => {
            Type::Char {
                len: Some(arg(0).unwrap_or(1)),
            }
        }
        "varchar" | "character varying" | "char varying" | "nvarchar" | "national varchar" => {
            Type::Varchar { len: arg(0) }
        }
        "text" if mysql && arg(0).is_some() => Type::Text {
            size: text_size_for(arg(0).unwrap_or(0)),
        },
        "text" => Type::Text {
            size: LobSize::Regular,
        },
        "tinytext" => Type::Text {
            size: LobSize::Tiny,
        },
        "mediumtext" => Type::Text {
            size: LobSize::Medium,
        },
        "longtext" => Type::Text {
            size: LobSize::Long,
        },
        "bytea" | "blob" => Type::Blob {
            size: LobSize::Regular,
        },
        "tinyblob" => Type::Blob {
            size: LobSize::Tiny,
        },
        "mediumblob" => Type::Blob {
            size: LobSize::Medium,
        },
        "longblob" => Type::Blob {
            size: LobSize::Long,
        },
        "binary" => Type::Binary {
            len: Some(arg(0).unwrap_or(1)),
        },
        "varbinary" => Type::Varbinary { len: arg(0) },
        "date" => Type::Date,
        "time" | "timetz" => Type::Time {
            tz: with_tz || head == "timetz",
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "timestamp" | "timestamptz" => Type::Timestamp {
            tz: with_tz || head == "timestamptz",
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "datetime" => Type::Datetime {
            precision: mysql_zero_precision(dialect, arg(0)),
        },
        "year" => Type::Year,
        "interval" if args.is_empty() && words.len() == 1 => Type::Interval,
        "json" => Type::Json,
        "jsonb" => Type::Jsonb,
        "uuid" => Type::Uuid,
        _ => Type::Custom {
            name: postgres_alias(&collapse_type_text(&lower)),
        },
    }
}

fn text_size_for(len: u32) -> LobSize {
    match len {
        0..=255 => LobSize::Tiny,
        256..=65_535 => LobSize::Regular,
        65_536..=16_777_215 => LobSize::Medium,
        _ => LobSize::Long,
    }
}

/// MySQL reports DATETIME(0) as plain DATETIME; make both spell the same.
fn mysql_zero_precision(dialect: Dialect, precision: Option<u32>) -> Option<u32> {
    if dialect == Dialect::Mysql && precision == Some(0) {
        None
    } else {
        precision
    }
}

fn postgres_alias(name: &str) -> String {
    // pg_dump qualifies extension types (`public.citext`); the default schema says nothing.
    let name = name
        .strip_prefix("public.")
        .or_else(|| name.strip_prefix("pg_catalog."))
        .unwrap_or(name);
    match name {
        "varbit" => "bit varying".to_string(),
        "bit" => "bit(1)".to_string(),
        other => other
            .strip_prefix("varbit(")
            .map(|rest| format!("bit varying({rest}"))
            .unwrap_or_else(|| other.to_string()),
    }
}

/// Lower-case, single spaces, no space before `(` or after `,`.
fn collapse_type_text(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",")
        .replace(" ,", ",")
        .to_ascii_lowercase()
}

/// `numeric(10, 2) unsigned` → (`numeric`, [`10`, `2`], `unsigned`).
fn split_type_args(text: &str) -> (String, Vec<String>, String) {
    match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if close > open => {
            let args = text[open + 1..close]
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
            (
                text[..open].trim().to_string(),
                args,
                text[close + 1..].trim().to_string(),
            )
        }
        _ => (text.to_string(), Vec::new(), String::new()),
    }
}

/// `'a','b''c'` → [`a`, `b'c`].
pub fn split_quoted_list(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    value.push('\'');
                }
                '\'' => break,
                '\\' => {
                    if let Some(next) = chars.next() {
                        value.push(next);
                    }
                }
                other => value.push(other),
            }
        }
        values.push(value);
    }
    values
}

/// How a canonical type is spelled in DDL for a dialect.
pub fn type_sql(dialect: Dialect, ty: &Type) -> String {
    let with_len = |name: &str, len: Option<u32>| match len {
        Some(n) => format!("{name}({n})"),
        None => name.to_string(),
    };
    let list = |values: &[String]| {
        values
            .iter()
            .map(|v| quote_string(dialect, v))
            .collect::<Vec<_>>()
            .join(",")
    };
    let pg = dialect == Dialect::Postgres;
    match ty {
        Type::Boolean => match dialect {
            Dialect::Mysql => "tinyint(1)".into(),
            _ => "boolean".into(),
        },
        Type::Integer { bits, unsigned } => {
            let name = match (bits, dialect) {
                (8, Dialect::Mysql) => "tinyint",
                (8 | 16, _) => "smallint",
                (24, Dialect::Mysql) => "mediumint",
                (24 | 32, _) => "integer",
                _ => "bigint",
            };
            let name = if dialect == Dialect::Mysql && name == "integer" {
                "int"
            } else {
                name
            };
            if *unsigned && dialect == Dialect::Mysql {
                format!("{name} unsigned")
            } else {
                name.to_string()
            }
        }
        Type::Decimal { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("numeric({p},{s})")
                .replace("numeric", if pg { "numeric" } else { "decimal" }),
            (Some(p), None) => format!("{}({p})", if pg { "numeric" } else { "decimal" }),
            _ => (if pg { "numeric" } else { "decimal" }).to_string(),
        },
        Type::Float { bits: 32 } => match dialect {
            Dialect::Mysql => "float".into(),
            _ => "real".into(),
        },
        Type::Float { .. } => match dialect {
            Dialect::Mysql => "double".into(),
            _ => "double precision".into(),
        },
        Type::Char { len } => with_len(if pg { "character" } else { "char" }, *len),
        Type::Varchar { len } => with_len(if pg { "character varying" } else { "varchar" }, *len),
        Type::Text { size } => match (dialect, size) {
            (Dialect::Mysql, LobSize::Tiny) => "tinytext".into(),
            (Dialect::Mysql, LobSize::Medium) => "mediumtext".into(),
            (Dialect::Mysql, LobSize::Long) => "longtext".into(),
            _ => "text".into(),
        },
        Type::Blob { size } => match (dialect, size) {
            (Dialect::Postgres, _) => "bytea".into(),
            (Dialect::Mysql, LobSize::Tiny) => "tinyblob".into(),
            (Dialect::Mysql, LobSize::Medium) => "mediumblob".into(),
            (Dialect::Mysql, LobSize::Long) => "longblob".into(),
            _ => "blob".into(),
        },
        Type::Binary { len } => with_len("binary", *len),
        Type::Varbinary { len } => with_len("varbinary", *len),
        Type::Date => "date".into(),
        Type::Time { tz, precision } => {
            let base = with_len("time", *precision);
            if *tz {
                format!("{base} with time zone")
            } else {
                base
            }
        }
        Type::Timestamp { tz, precision } => {
            let base = with_len("timestamp", *precision);
            if *tz {
                format!("{base} with time zone")
            } else {
                base
            }
        }
        Type::Datetime { precision } => with_len("datetime", *precision),
        Type::Year => "year".into(),
        Type::Interval => "interval".into(),
        Type::Json => "json".into(),
        Type::Jsonb => "jsonb".into(),
        // MariaDB 10.7+ has a native UUID type; SQLite keeps any type name.
        Type::Uuid => "uuid".into(),
        Type::Enum { name } => quote_qname(dialect, name),
        Type::InlineEnum { values } => format!("enum({})", list(values)),
        Type::Set { values } => format!("set({})", list(values)),
        Type::Array { element } => format!("{}[]", type_sql(dialect, element)),
        Type::Custom { name } => name.clone(),
    }
}

// ---------------------------------------------------------------------------
// expressions

/// Parse a whole text as one expression; text left over after it means it is not one.
fn parse_expr(dialect: Dialect, text: &str) -> Option<Expr> {
    let sql_dialect = sql_dialect(dialect);
    let mut parser = catalog_parser(dialect, sql_dialect.as_ref(), text)?;
    let expr = parser.parse_expr().ok()?;
    (parser.peek_token().token == Token::EOF).then_some(expr)
}

/// A parser over `text` whose tokens have first been rewritten from the spellings catalogs use
/// and sqlparser does not read (PostgreSQL's `TRIM(BOTH FROM x)`, MariaDB's `a MOD 2`,
/// `!(x)` and `cast(x as char(5) charset utf8mb4)`) into equivalent ones it does.
fn catalog_parser<'a>(
    dialect: Dialect,
    sql_dialect: &'a dyn SqlDialect,
    text: &str,
) -> Option<Parser<'a>> {
    let tokens = Tokenizer::new(sql_dialect, text)
        .tokenize_with_location()
        .ok()?;
    let tokens = rewrite_tokens(dialect, tokens);
    Some(Parser::new(sql_dialect).with_tokens_with_locations(tokens))
}

fn is_word(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

fn rewrite_tokens(dialect: Dialect, tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    // Positions of the tokens that mean something, to look around white space.
    let positions: Vec<usize> = (0..tokens.len())
        .filter(|&i| significant(&tokens[i]))
        .collect();
    let mut skip = vec![false; tokens.len()];
    let mut replace: Vec<Option<Token>> = vec![None; tokens.len()];
    let mut insert_after: Vec<Option<Token>> = vec![None; tokens.len()];
    let token = |k: usize| positions.get(k).map(|&i| &tokens[i].token);
    for k in 0..positions.len() {
        let here = positions[k];
        let current = &tokens[here].token;
        let next = token(k + 1);
        match dialect {
            Dialect::Postgres => {
                // `TRIM(BOTH FROM x)` → `TRIM(x)`; `TRIM(LEADING FROM x)` → `TRIM(LEADING ' ' FROM x)`.
                let after_trim = k >= 2
                    && matches!(token(k - 1), Some(Token::LParen))
                    && token(k - 2).is_some_and(|t| is_word(t, "trim"));
                if after_trim && next.is_some_and(|n| is_word(n, "from")) {
                    if is_word(current, "both") {
                        skip[here] = true;
                        skip[positions[k + 1]] = true;
                    } else if is_word(current, "leading") || is_word(current, "trailing") {
                        insert_after[here] = Some(Token::SingleQuotedString(" ".into()));
                    }
                }
            }
            Dialect::Mysql => {
                // `a MOD 2` → `a % 2` (the function `MOD(a, 2)` is left to the expression rewrite).
                if is_word(current, "mod") && !matches!(next, Some(Token::LParen)) {
                    replace[here] = Some(Token::Mod);
                }
                // `!(x)` → `NOT (x)`.
                if matches!(current, Token::ExclamationMark) {
                    replace[here] = Some(Token::make_keyword("NOT"));
                }
                // `cast(x as char(5) charset utf8mb4)` → `cast(x as char(5))`, but
                // `char charset binary` is how `BINARY` is stored: `cast(x as binary)`.
                if is_word(current, "charset") {
                    if let Some(Token::Word(charset)) = next {
                        skip[here] = true;
                        skip[positions[k + 1]] = true;
                        if charset.value.eq_ignore_ascii_case("binary") {
                            let back = if matches!(token(k.wrapping_sub(1)), Some(Token::RParen)) {
                                4
                            } else {
                                1
                            };
                            if let Some(&at) = k.checked_sub(back).and_then(|b| positions.get(b)) {
                                if is_word(&tokens[at].token, "char") {
                                    replace[at] = Some(Token::make_keyword("BINARY"));
                                }
                            }
                        }
                    }
                }
            }
            Dialect::Sqlite => {}
        }
    }
    let mut out = Vec::with_capacity(tokens.len() + 1);
    for (i, mut t) in tokens.into_iter().enumerate() {
        if skip[i] {
            continue;
        }
        if let Some(token) = replace[i].take() {
            t.token = token;
        }
        out.push(t);
        if let Some(token) = insert_after[i].take() {
            out.push(TokenWithSpan::wrap(Token::Whitespace(
                sqlparser::tokenizer::Whitespace::Space,
            )));
            out.push(TokenWithSpan::wrap(token));
        }
    }
    out
}

/// Canonical text of an expression (check constraints, predicates, generated columns, index expressions).
/// Text that does not parse is kept with its white space collapsed, so it still compares stably.
pub fn expr(dialect: Dialect, text: &str) -> String {
    match parse_expr(dialect, text) {
        Some(parsed) => expr_ast(dialect, parsed),
        None => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Canonical text of an already parsed expression.
pub fn expr_ast(dialect: Dialect, mut parsed: Expr) -> String {
    canonicalize(dialect, &mut parsed);
    parsed.to_string()
}

/// A text type without a length (a length truncates: `name::varchar(5)` keeps its cast).
fn is_texty(data_type: &DataType) -> bool {
    let text = data_type.to_string().to_ascii_lowercase();
    if text.contains('(') {
        return false;
    }
    text.starts_with("text")
        || text.starts_with("character varying")
        || text.starts_with("varchar")
        || text.starts_with("bpchar")
        || text.starts_with("character")
        || text.starts_with("char")
        || text.starts_with("name")
}

/// `character varying(5)`, `char(3)`: already text, so `(x::varchar(5))::text` is `x::varchar(5)`.
fn is_texty_with_length(data_type: &DataType) -> bool {
    let text = data_type.to_string().to_ascii_lowercase();
    let base = text.split('(').next().unwrap_or("").trim();
    text.contains('(')
        && matches!(
            base,
            "character varying" | "varchar" | "character" | "char" | "bpchar"
        )
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(**expr, Expr::Value(_)),
        // `ARRAY[]` alone has no type: its cast stays.
        Expr::Array(array) => !array.elem.is_empty() && array.elem.iter().all(is_literal),
        _ => false,
    }
}

fn array_elements(expr: &Expr) -> Option<Vec<Expr>> {
    match expr {
        Expr::Array(array) => Some(array.elem.clone()),
        Expr::Nested(inner) => array_elements(inner),
        Expr::Cast { expr, .. } => array_elements(expr),
        _ => None,
    }
}

fn and_or_operands(expr: Expr, op: &BinaryOperator, out: &mut Vec<Expr>) {
    match expr {
        Expr::BinaryOp {
            left,
            op: inner,
            right,
        } if &inner == op => {
            and_or_operands(*left, op, out);
            and_or_operands(*right, op, out);
        }
        Expr::Nested(inner) => {
            if matches!(&*inner, Expr::BinaryOp { op: inner_op, .. } if inner_op == op) {
                and_or_operands(*inner, op, out)
            } else {
                out.push(*inner)
            }
        }
        other => out.push(other),
    }
}

fn needs_parens(expr: &Expr) -> bool {
    if let Expr::UnaryOp {
        op: UnaryOperator::Minus,
        expr: inner,
    } = expr
    {
        // A negative number reads as one: `qty > -5`.
        if matches!(**inner, Expr::Value(_)) {
            return false;
        }
    }
    matches!(
        expr,
        Expr::BinaryOp { .. }
            | Expr::UnaryOp { .. }
            | Expr::SimilarTo { .. }
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotTrue(_)
            | Expr::IsNotFalse(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
    )
}

fn nest(expr: Expr) -> Box<Expr> {
    if needs_parens(&expr) {
        Box::new(Expr::Nested(Box::new(expr)))
    } else {
        Box::new(expr)
    }
}

fn canonical_ident(dialect: Dialect, ident: &mut Ident) {
    let name = ident_name(dialect, ident);
    let quoted = quote_ident(dialect, &name);
    if quoted == name {
        ident.value = name;
        ident.quote_style = None;
    } else {
        ident.value = name;
        ident.quote_style = Some(if dialect == Dialect::Mysql { '`' } else { '"' });
    }
}

fn canonicalize(dialect: Dialect, root: &mut Expr) {
    canonicalize_all(dialect, root);
}

fn rewrite(dialect: Dialect, expr: Expr) -> Expr {
    match expr {
        Expr::Nested(inner) => *inner,
        Expr::Identifier(mut ident) => {
            canonical_ident(dialect, &mut ident);
            Expr::Identifier(ident)
        }
        Expr::CompoundIdentifier(mut parts) => {
            parts.iter_mut().for_each(|p| canonical_ident(dialect, p));
            Expr::CompoundIdentifier(parts)
        }
        // Deparsers cast literals to the column type (`'a'::text`, `(0)::numeric`) and text
        // columns to text for comparison (`(status)::text`, `((name)::varchar(5))::text`);
        // neither changes meaning here. Casts of columns to a wider numeric type are dropped
        // by the operator or function using them, which knows whether the server would add
        // them back (see `uncast_operands`).
        Expr::Cast {
            expr: inner,
            data_type,
            kind,
            format,
        } => {
            let type_text = data_type.to_string().to_ascii_lowercase();
            if let Some(folded) = fold_literal_cast(dialect, &inner, &type_text) {
                return folded;
            }
            let texty_inner =
                matches!(&*inner, Expr::Cast { data_type: t, .. } if is_texty_with_length(t));
            // Only PostgreSQL adds casts; elsewhere a cast is the user's own and may matter
            // (MySQL's `CAST('1.5' AS DECIMAL)` is 2).
            let added_by_server = dialect == Dialect::Postgres;
            if added_by_server
                && ((is_literal(&inner) && !is_empty_array(&inner))
                    || (is_texty(&data_type) && (is_column(&inner) || texty_inner)))
            {
                *inner
            } else {
                let kind = match (dialect, kind) {
                    (Dialect::Postgres, CastKind::Cast) => CastKind::DoubleColon,
                    (Dialect::Postgres, other) => other,
                    (_, CastKind::DoubleColon) => CastKind::Cast,
                    (_, other) => other,
                };
                Expr::Cast {
                    expr: inner,
                    data_type: canonical_cast_type(dialect, data_type),
                    kind,
                    format,
                }
            }
        }
        Expr::Value(value) => Expr::Value(canonical_value(dialect, value)),
        Expr::Function(mut function) => {
            lowercase_function_name(dialect, &mut function);
            let name = function.name.to_string();
            // `COALESCE(total, (qty)::numeric)`: these unify their arguments' types, so the
            // server adds the cast back. (Elsewhere a cast may pick the function: `round(f, 2)`
            // does not exist for a double precision `f`, `round(f::numeric, 2)` does.)
            let unifying = matches!(name.as_str(), "coalesce" | "greatest" | "least" | "nullif");
            if dialect == Dialect::Postgres && unifying {
                if let FunctionArguments::List(list) = &mut function.args {
                    for arg in list.args.iter_mut() {
                        if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg {
                            if let Some(column) = column_cast(e, OPERATOR_WIDENINGS) {
                                *e = column;
                            }
                        }
                    }
                }
            }
            if dialect == Dialect::Mysql {
                if let Some(folded) = fold_mysql_function(&name, &function) {
                    return folded;
                }
                let args_empty = match &function.args {
                    FunctionArguments::None => true,
                    FunctionArguments::List(list) => list.args.is_empty(),
                    FunctionArguments::Subquery(_) => false,
                };
                // MariaDB stores the date and time keywords as calls to their functions.
                let canonical = match name.as_str() {
                    "current_date" | "curdate" if args_empty => Some("curdate"),
                    "current_time" | "curtime" if args_empty => Some("curtime"),
                    "now" | "current_timestamp" | "localtimestamp" | "localtime" if args_empty => {
                        Some("current_timestamp")
                    }
                    _ => None,
                };
                if let Some(canonical) = canonical {
                    return parse_expr(dialect, &format!("{canonical}()"))
                        .unwrap_or(Expr::Function(function));
                }
            }
            Expr::Function(function)
        }
        // PostgreSQL stores `x BETWEEN a AND b` as `x >= a AND x <= b`.
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (lower_op, upper_op, join) = if negated {
                (BinaryOperator::Lt, BinaryOperator::Gt, BinaryOperator::Or)
            } else {
                (
                    BinaryOperator::GtEq,
                    BinaryOperator::LtEq,
                    BinaryOperator::And,
                )
            };
            Expr::BinaryOp {
                left: Box::new(Expr::BinaryOp {
                    left: expr.clone(),
                    op: lower_op,
                    right: low,
                }),
                op: join,
                right: Box::new(Expr::BinaryOp {
                    left: expr,
                    op: upper_op,
                    right: high,
                }),
            }
        }
        // PostgreSQL stores `x IN (a, b)` as `x = ANY (ARRAY[a, b])`.
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            is_some,
        } => match array_elements(&right) {
            Some(list) => Expr::InList {
                expr: uncast_operand(dialect, left),
                list,
                negated: false,
            },
            None => Expr::AnyOp {
                left,
                compare_op: BinaryOperator::Eq,
                right,
                is_some,
            },
        },
        Expr::AllOp {
            left,
            compare_op: BinaryOperator::NotEq,
            right,
        } => match array_elements(&right) {
            Some(list) => Expr::InList {
                expr: uncast_operand(dialect, left),
                list,
                negated: true,
            },
            None => Expr::AllOp {
                left,
                compare_op: BinaryOperator::NotEq,
                right,
            },
        },
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::PGLikeMatch | BinaryOperator::PGNotLikeMatch => Expr::Like {
                negated: op == BinaryOperator::PGNotLikeMatch,
                any: false,
                expr: left,
                pattern: right,
                escape_char: None,
            },
            BinaryOperator::PGILikeMatch | BinaryOperator::PGNotILikeMatch => Expr::ILike {
                negated: op == BinaryOperator::PGNotILikeMatch,
                any: false,
                expr: left,
                pattern: right,
                escape_char: None,
            },
            BinaryOperator::And | BinaryOperator::Or => {
                let mut operands = Vec::new();
                and_or_operands(*left, &op, &mut operands);
                and_or_operands(*right, &op, &mut operands);
                let mut iter = operands.into_iter();
                let first = iter.next().unwrap_or(Expr::Value(Value::Null.into()));
                iter.fold(first, |acc, next| Expr::BinaryOp {
                    left: Box::new(acc),
                    op: op.clone(),
                    right: Box::new(next),
                })
            }
            // PostgreSQL stores `x SIMILAR TO p` as `x ~ similar_to_escape(p)`.
            BinaryOperator::PGRegexMatch | BinaryOperator::PGRegexNotMatch => {
                match similar_to_pattern(&right) {
                    Some((pattern, escape_char)) => Expr::SimilarTo {
                        negated: op == BinaryOperator::PGRegexNotMatch,
                        expr: left,
                        pattern: Box::new(pattern),
                        escape_char: escape_char.map(Box::new),
                    },
                    None => Expr::BinaryOp { left, op, right },
                }
            }
            op => {
                let (left, right) = uncast_operands(dialect, &op, left, right);
                Expr::BinaryOp { left, op, right }
            }
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: uncast_operand(dialect, expr),
            list,
            negated,
        },
        // `TRIM(BOTH FROM x)` is `TRIM(x)`; `TRIM('x' FROM y)` is `TRIM(BOTH 'x' FROM y)`.
        Expr::Trim {
            expr,
            trim_where,
            trim_what,
            trim_characters,
        } => {
            let trim_where = match (&trim_where, &trim_what) {
                (Some(TrimWhereField::Both), None) => None,
                (None, Some(_)) => Some(TrimWhereField::Both),
                _ => trim_where,
            };
            Expr::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            }
        }
        Expr::Collate {
            expr,
            mut collation,
        } => {
            for part in collation.0.iter_mut() {
                if let ObjectNamePart::Identifier(ident) = part {
                    canonical_ident(dialect, ident);
                }
            }
            Expr::Collate { expr, collation }
        }
        Expr::Interval(interval) if dialect == Dialect::Postgres => {
            canonical_interval_expr(interval)
        }
        // MariaDB pushes NOT inward: `NOT (a > 1 AND b)` is stored as `a <= 1 or b = 0`.
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } if dialect == Dialect::Mysql => mysql_not(*expr),
        other => other,
    }
}

fn reparenthesize(expr: Expr) -> Expr {
    match expr {
        Expr::BinaryOp { left, op, right } => {
            let keep_chain = |side: &Expr| {
                matches!(&op, BinaryOperator::And | BinaryOperator::Or)
                    && matches!(side, Expr::BinaryOp { op: inner, .. } if inner == &op)
            };
            let left = if keep_chain(&left) { left } else { nest(*left) };
            let right = nest(*right);
            Expr::BinaryOp { left, op, right }
        }
        Expr::UnaryOp { op, expr } => Expr::UnaryOp {
            op,
            // `- -5` must not print as the comment `--5`.
            expr: if matches!(*expr, Expr::UnaryOp { .. }) {
                Box::new(Expr::Nested(expr))
            } else {
                nest(*expr)
            },
        },
        Expr::IsNull(inner) => Expr::IsNull(nest(*inner)),
        Expr::IsNotNull(inner) => Expr::IsNotNull(nest(*inner)),
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr: nest(*expr),
            list,
            negated,
        },
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::Like {
            negated,
            any,
            expr: nest(*expr),
            pattern: nest(*pattern),
            escape_char,
        },
        Expr::SimilarTo {
            negated,
            expr,
            pattern,
            escape_char,
        } => Expr::SimilarTo {
            negated,
            expr: nest(*expr),
            pattern: nest(*pattern),
            escape_char,
        },
        Expr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            data_type,
            format,
        } => Expr::Cast {
            kind: CastKind::DoubleColon,
            expr: if needs_parens(&expr)
                || matches!(
                    *expr,
                    Expr::Cast { .. } | Expr::Collate { .. } | Expr::UnaryOp { .. }
                ) {
                Box::new(Expr::Nested(expr))
            } else {
                expr
            },
            data_type,
            format,
        },
        other => other,
    }
}

fn canonical_value(dialect: Dialect, value: ValueWithSpan) -> ValueWithSpan {
    match value.value {
        Value::Number(text, long) => Value::Number(expr_number(&text, false), long).into(),
        Value::DoubleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::NationalStringLiteral(s) => Value::SingleQuotedString(s).into(),
        // MySQL's TRUE and FALSE are the integers 1 and 0; MariaDB stores them so.
        Value::Boolean(b) if dialect == Dialect::Mysql => {
            Value::Number(if b { "1" } else { "0" }.into(), false).into()
        }
        other => other.into(),
    }
}

fn is_column(expr: &Expr) -> bool {
    matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

fn is_empty_array(expr: &Expr) -> bool {
    matches!(expr, Expr::Array(array) if array.elem.is_empty())
}

fn string_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

const INTEGER_TYPES: &[&str] = &[
    "integer", "int", "int4", "bigint", "int8", "smallint", "int2",
];
const DECIMAL_TYPES: &[&str] = &[
    "numeric",
    "decimal",
    "real",
    "float4",
    "float8",
    "double precision",
    "float",
];

/// A literal cast the way a catalog prints it, as the literal a person writes: `'-5'::integer`
/// → `-5`, `'1000'::numeric` → `1000.0`, `'1 day'::interval` → `INTERVAL '1 day'`,
/// `'101'::"bit"` → `B'101'`, `'2020-01-01 00:00:00'::timestamp` → `'2020-01-01'`.
fn fold_literal_cast(dialect: Dialect, inner: &Expr, type_text: &str) -> Option<Expr> {
    let text = string_literal(inner)?;
    // MySQL's casts are the user's own (`CAST('1.5' AS DECIMAL)` rounds to 2): left alone.
    if dialect != Dialect::Postgres {
        return None;
    }
    if is_number_text(text) {
        let integer = INTEGER_TYPES.contains(&type_text);
        if integer && !text.contains('.') {
            return Some(number_expr(text, false));
        }
        if DECIMAL_TYPES.contains(&type_text) {
            return Some(number_expr(text, true));
        }
    }
    if type_text == "interval" {
        return Some(interval_expr(&canonical_interval(text)));
    }
    let bit_type = type_text == "\"bit\""
        || type_text == "bit"
        || type_text.starts_with("bit(")
        || type_text.starts_with("bit varying")
        || type_text.starts_with("varbit");
    if bit_type && text.chars().all(|c| c == '0' || c == '1') {
        return Some(Expr::Value(
            Value::SingleQuotedByteStringLiteral(text.to_string()).into(),
        ));
    }
    let plain_timestamp = type_text.starts_with("timestamp")
        && !type_text.contains("with time zone")
        && !type_text.starts_with("timestamptz");
    if plain_timestamp {
        if let Some(date) = midnight_date(text) {
            return Some(Expr::Value(Value::SingleQuotedString(date.into()).into()));
        }
    }
    None
}

/// `2020-01-01 00:00:00` → `2020-01-01`.
fn midnight_date(text: &str) -> Option<&str> {
    let date = text.strip_suffix(" 00:00:00")?;
    let shape_ok = date.len() == 10
        && date.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    shape_ok.then_some(date)
}

/// A number literal, negative ones as unary minus the way a person writes them (`-5`).
fn number_expr(text: &str, decimal: bool) -> Expr {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let number = expr_number(digits, decimal);
    let value = Expr::Value(Value::Number(number.clone(), false).into());
    if negative && number.trim_start_matches(['0', '.']).is_empty() {
        value
    } else if negative {
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr: Box::new(value),
        }
    } else {
        value
    }
}

/// `1.5e3` → `1500`, `0.00015E+1` → `0.0015`; text without an exponent is returned as is.
fn expand_exponent(text: &str) -> String {
    let Some(at) = text.find(['e', 'E']) else {
        return text.to_string();
    };
    let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
    let Ok(exponent) = exponent.parse::<i32>() else {
        return text.to_string();
    };
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.trim_start_matches('+')),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int_part}{frac_part}");
    if !digits.chars().all(|c| c.is_ascii_digit()) || exponent.unsigned_abs() > 400 {
        return text.to_string();
    }
    // Position of the decimal point within `digits` after shifting.
    let point = int_part.len() as i64 + i64::from(exponent);
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{a}.{b}")
    };
    if negative { format!("-{body}") } else { body }
}

/// Canonical text of a number inside an expression. Unlike [`canonical_number`] it keeps a
/// number with a decimal point or exponent (PostgreSQL `numeric`) apart from an integer:
/// `1e3` and `1000.00` → `1000.0`, `1000` → `1000`, `0.50` → `0.5`.
fn expr_number(text: &str, decimal: bool) -> String {
    let text = text.trim().trim_start_matches('+');
    let decimal = decimal || text.contains(['.', 'e', 'E']);
    let expanded = expand_exponent(text);
    let plain = canonical_number(&expanded);
    if decimal && !plain.contains('.') && plain.chars().all(|c| c.is_ascii_digit() || c == '-') {
        format!("{plain}.0")
    } else {
        plain
    }
}

/// The canonical spelling of a cast's target type: PostgreSQL's own names (`int` → `integer`,
/// `timestamptz` → `timestamp with time zone`), lower case.
fn canonical_cast_type(dialect: Dialect, data_type: DataType) -> DataType {
    let text = data_type.to_string().to_ascii_lowercase();
    let canonical = postgres_cast_type(dialect, &text).unwrap_or(text);
    // sqlparser prints its own type names in upper case; a custom name prints as given.
    DataType::Custom(
        ObjectName::from(vec![Ident::new(collapse_type_text(&canonical))]),
        Vec::new(),
    )
}

fn postgres_cast_type(dialect: Dialect, text: &str) -> Option<String> {
    if dialect == Dialect::Postgres && !text.contains('"') && !text.starts_with("bpchar") {
        let ty = parse_type(dialect, text);
        let mut custom = false;
        let mut element = &ty;
        while let Type::Array { element: inner } = element {
            element = inner;
        }
        if matches!(element, Type::Custom { .. } | Type::Enum { .. }) {
            custom = true;
        }
        if !custom {
            return Some(type_sql(dialect, &ty));
        }
    }
    None
}

/// Widening casts PostgreSQL adds to a column so an operator applies (`price * (qty)::numeric`).
const OPERATOR_WIDENINGS: &[&str] = &["numeric", "double precision", "real"];

/// The column inside `(column)::type` when the type is one of `widenings`.
fn column_cast(expr: &Expr, widenings: &[&str]) -> Option<Expr> {
    match expr {
        Expr::Cast {
            expr: inner,
            data_type,
            ..
        } if is_column(inner)
            && widenings.contains(&data_type.to_string().to_ascii_lowercase().as_str()) =>
        {
            Some((**inner).clone())
        }
        _ => None,
    }
}

fn uncast_operand(dialect: Dialect, expr: Box<Expr>) -> Box<Expr> {
    if dialect != Dialect::Postgres {
        return expr;
    }
    match column_cast(&expr, OPERATOR_WIDENINGS) {
        Some(column) => Box::new(column),
        None => expr,
    }
}

fn is_integer_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(ValueWithSpan {
            value: Value::Number(n, _),
            ..
        }) => !n.contains(['.', 'e', 'E']),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => is_integer_literal(expr),
        _ => false,
    }
}

fn is_decimal_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(ValueWithSpan {
            value: Value::Number(n, _),
            ..
        }) => n.contains(['.', 'e', 'E']),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => is_decimal_literal(expr),
        _ => false,
    }
}

/// Drop the widening casts PostgreSQL adds to column operands, where the server adds them
/// back itself. Comparisons, `+`, `-` and `*` give the same value either way. Division and
/// modulo do not (`(a)::numeric / (b)::numeric` is not `a / b` for integers), so there a cast
/// goes only when the other operand is a decimal literal, which forces the same type, or when
/// both operands carry one (the left cast alone has the same effect).
fn uncast_operands(
    dialect: Dialect,
    op: &BinaryOperator,
    left: Box<Expr>,
    right: Box<Expr>,
) -> (Box<Expr>, Box<Expr>) {
    use BinaryOperator as B;
    if dialect != Dialect::Postgres {
        return (left, right);
    }
    match op {
        B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::Plus | B::Minus | B::Multiply => {
            (
                uncast_operand(dialect, left),
                uncast_operand(dialect, right),
            )
        }
        B::Divide | B::Modulo => {
            let left_cast = column_cast(&left, OPERATOR_WIDENINGS);
            let right_cast = column_cast(&right, OPERATOR_WIDENINGS);
            match (left_cast, right_cast) {
                (Some(column), None) if is_decimal_literal(&right) => (Box::new(column), right),
                (None, Some(column)) if is_decimal_literal(&left) => (left, Box::new(column)),
                (Some(_), Some(column)) => {
                    let same_type = matches!((&*left, &*right), (
                        Expr::Cast { data_type: a, .. },
                        Expr::Cast { data_type: b, .. },
                    ) if a == b);
                    if same_type {
                        (left, Box::new(column))
                    } else {
                        (left, right)
                    }
                }
                _ => (left, right),
            }
        }
        _ => (left, right),
    }
}

/// `similar_to_escape(p[, e])`, PostgreSQL's translation of a SIMILAR TO pattern.
fn similar_to_pattern(expr: &Expr) -> Option<(Expr, Option<Expr>)> {
    let Expr::Function(function) = expr else {
        return None;
    };
    if function.name.to_string() != "similar_to_escape" {
        return None;
    }
    let args = plain_arguments(function)?;
    match args.as_slice() {
        [pattern] => Some(((*pattern).clone(), None)),
        [pattern, escape] => Some(((*pattern).clone(), Some((*escape).clone()))),
        _ => None,
    }
}

/// A call's arguments when all are plain positional expressions (no names, no `*`).
fn plain_arguments(function: &Function) -> Option<Vec<&Expr>> {
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    list.args
        .iter()
        .map(|arg| match arg {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect()
}

/// MariaDB's spellings of functions: `count(0)` is `count(*)`, `MOD(a, b)` is `a % b`.
fn fold_mysql_function(name: &str, function: &Function) -> Option<Expr> {
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    let args = plain_arguments(function)?;
    match (name, args.as_slice()) {
        ("count", [only]) if list.duplicate_treatment.is_none() && is_integer_literal(only) => {
            let mut star = function.clone();
            if let FunctionArguments::List(list) = &mut star.args {
                list.args = vec![FunctionArg::Unnamed(FunctionArgExpr::Wildcard)];
            }
            Some(Expr::Function(star))
        }
        ("mod", [a, b]) => Some(Expr::BinaryOp {
            left: Box::new((*a).clone()),
            op: BinaryOperator::Modulo,
            right: Box::new((*b).clone()),
        }),
        _ => None,
    }
}

/// `NOT e` the way MariaDB stores it: pushed through AND and OR, comparisons inverted,
/// `NOT col` as `col = 0`.
fn mysql_not(expr: Expr) -> Expr {
    use BinaryOperator as B;
    let not = |e: Expr| Expr::UnaryOp {
        op: UnaryOperator::Not,
        expr: Box::new(e),
    };
    match expr {
        Expr::BinaryOp { left, op, right } => {
            let inverted = match op {
                B::And => B::Or,
                B::Or => B::And,
                B::Eq => B::NotEq,
                B::NotEq => B::Eq,
                B::Lt => B::GtEq,
                B::GtEq => B::Lt,
                B::Gt => B::LtEq,
                B::LtEq => B::Gt,
                other => {
                    return not(Expr::BinaryOp {
                        left,
                        op: other,
                        right,
                    });
                }
            };
            if matches!(inverted, B::And | B::Or) {
                let mut operands = Vec::new();
                and_or_operands(*left, &op, &mut operands);
                and_or_operands(*right, &op, &mut operands);
                let mut iter = operands.into_iter().map(mysql_not);
                let first = iter.next().unwrap_or(Expr::Value(Value::Null.into()));
                iter.fold(first, |acc, next| {
                    let mut flat = Vec::new();
                    and_or_operands(acc, &inverted, &mut flat);
                    and_or_operands(next, &inverted, &mut flat);
                    let mut flat = flat.into_iter();
                    let first = flat.next().unwrap_or(Expr::Value(Value::Null.into()));
                    flat.fold(first, |a, b| Expr::BinaryOp {
                        left: Box::new(a),
                        op: inverted.clone(),
                        right: Box::new(b),
                    })
                })
            } else {
                Expr::BinaryOp {
                    left,
                    op: inverted,
                    right,
                }
            }
        }
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => Expr::Like {
            negated: !negated,
            any,
            expr,
            pattern,
            escape_char,
        },
        Expr::InList {
            expr,
            list,
            negated,
        } => Expr::InList {
            expr,
            list,
            negated: !negated,
        },
        Expr::IsNull(inner) => Expr::IsNotNull(inner),
        Expr::IsNotNull(inner) => Expr::IsNull(inner),
        column @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_)) => Expr::BinaryOp {
            left: Box::new(column),
            op: B::Eq,
            right: Box::new(Expr::Value(Value::Number("0".into(), false).into())),
        },
        other => not(other),
    }
}

fn interval_expr(text: &str) -> Expr {
    Expr::Interval(Interval {
        value: Box::new(Expr::Value(
            Value::SingleQuotedString(text.to_string()).into(),
        )),
        leading_field: None,
        leading_precision: None,
        last_field: None,
        fractional_seconds_precision: None,
    })
}

fn canonical_interval_expr(interval: Interval) -> Expr {
    let plain = interval.leading_field.is_none()
        && interval.leading_precision.is_none()
        && interval.last_field.is_none()
        && interval.fractional_seconds_precision.is_none();
    match string_literal(&interval.value) {
        Some(text) if plain => interval_expr(&canonical_interval(text)),
        _ => Expr::Interval(interval),
    }
}

/// PostgreSQL's own output for an interval value (`5 minutes` → `00:05:00`, `1 year 2 months`
/// → `1 year 2 mons`), for the `N unit … [ago]` and `[-]H:MM[:SS]` forms it reads; other text
/// is returned trimmed but otherwise unchanged.
pub fn canonical_interval(text: &str) -> String {
    match interval_fields(text) {
        Some((months, days, micros)) => format_interval(months, days, micros),
        None => text.trim().to_string(),
    }
}

/// (months, days, microseconds) of an interval in the common input forms.
fn interval_fields(text: &str) -> Option<(i64, i64, i64)> {
    let lower = text.trim().to_ascii_lowercase();
    let lower = lower.strip_prefix('@').unwrap_or(&lower).trim().to_string();
    if lower.is_empty() {
        return None;
    }
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut ago = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if word == "ago" && i == words.len() {
            ago = true;
            continue;
        }
        if word.contains(':') {
            micros = micros.checked_add(time_micros(word)?)?;
            continue;
        }
        let split = word
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(word.len());
        let (number, attached) = word.split_at(split);
        if number.is_empty() || !is_number_text(number) {
            return None;
        }
        let unit = if !attached.is_empty() {
            attached
        } else if i < words.len()
            && words[i].chars().all(|c| c.is_ascii_alphabetic())
            && words[i] != "ago"
        {
            i += 1;
            words[i - 1]
        } else {
            "second"
        };
        let value: f64 = number.parse().ok()?;
        let whole = value.trunc();
        let fraction = value - whole;
        let whole = whole as i64;
        let micros_of = |seconds: f64| (value * seconds * 1_000_000.0).round() as i64;
        match unit {
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => micros += micros_of(1e-6),
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => micros += micros_of(1e-3),
            "second" | "seconds" | "s" | "sec" | "secs" => micros += micros_of(1.0),
            "minute" | "minutes" | "m" | "min" | "mins" => micros += micros_of(60.0),
            "hour" | "hours" | "h" | "hr" | "hrs" => micros += micros_of(3600.0),
            "day" | "days" | "d" => {
                days += whole;
                micros += (fraction * 86_400_000_000.0).round() as i64;
            }
            "week" | "weeks" | "w" if fraction == 0.0 => days += whole * 7,
            "month" | "months" | "mon" | "mons" if fraction == 0.0 => months += whole,
            "year" | "years" | "y" | "yr" | "yrs" => {
                months += whole * 12 + (fraction * 12.0).round() as i64
            }
            "decade" | "decades" if fraction == 0.0 => months += whole * 120,
            "century" | "centuries" if fraction == 0.0 => months += whole * 1200,
            "millennium" | "millennia" | "millenniums" if fraction == 0.0 => {
                months += whole * 12_000
            }
            _ => return None,
        }
    }
    if ago {
        (months, days, micros) = (-months, -days, -micros);
    }
    Some((months, days, micros))
}

/// `[-]H:MM[:SS[.frac]]` in microseconds.
fn time_micros(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if !digits(hours)
        || !digits(minutes)
        || !is_number_text(seconds)
        || seconds.starts_with(['-', '+'])
    {
        return None;
    }
    let hours: i64 = hours.parse().ok()?;
    let minutes: i64 = minutes.parse().ok()?;
    let seconds: f64 = seconds.parse().ok()?;
    let total = (hours * 3600 + minutes * 60) * 1_000_000 + (seconds * 1_000_000.0).round() as i64;
    Some(if negative { -total } else { total })
}

/// An interval the way PostgreSQL prints it with `IntervalStyle = postgres`.
fn format_interval(months: i64, days: i64, micros: i64) -> String {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    for (value, unit) in [(months / 12, "year"), (months % 12, "mon"), (days, "day")] {
        if value == 0 {
            continue;
        }
        if !is_zero {
            out.push(' ');
        }
        if is_before && value > 0 {
            out.push('+');
        }
        out.push_str(&format!(
            "{value} {unit}{}",
            if value != 1 { "s" } else { "" }
        ));
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || micros != 0 {
        let total = micros.unsigned_abs();
        let (hours, minutes) = (total / 3_600_000_000, total / 60_000_000 % 60);
        let (seconds, fraction) = (total / 1_000_000 % 60, total % 1_000_000);
        if !is_zero {
            out.push(' ');
        }
        if micros < 0 {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        out.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
        if fraction != 0 {
            let fraction = format!("{fraction:06}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
    }
    out
}

fn lowercase_function_name(dialect: Dialect, function: &mut Function) {
    for part in function.name.0.iter_mut() {
        if let ObjectNamePart::Identifier(ident) = part {
            let name = ident_name(dialect, ident).to_ascii_lowercase();
            // MariaDB stores some functions under another of their names.
            let name = match (dialect, name.as_str()) {
                (Dialect::Mysql, "lcase") => "lower".to_string(),
                (Dialect::Mysql, "ucase") => "upper".to_string(),
                (Dialect::Mysql, "substr") => "substring".to_string(),
                (Dialect::Mysql, "octet_length") => "length".to_string(),
                _ => name,
            };
            ident.value = name;
            ident.quote_style = None;
        }
    }
}

/// `0.50` → `0.5`, `+1` → `1`, `1.` → `1`, `-0` → `0`.
pub fn canonical_number(text: &str) -> String {
    let expanded = expand_exponent(text.trim().trim_start_matches('+'));
    let text = expanded.as_str();
    if text.contains(['e', 'E']) {
        return text.to_ascii_lowercase();
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let int_part = int_part.trim_start_matches('0');
    let int_part = if int_part.is_empty() { "0" } else { int_part };
    let frac_part = frac_part.trim_end_matches('0');
    let body = if frac_part.is_empty() {
        int_part.to_string()
    } else {
        format!("{int_part}.{frac_part}")
    };
    if negative && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

// ---------------------------------------------------------------------------
// defaults

/// Canonical default from its text as written or as a catalog reports it.
pub fn default_value(dialect: Dialect, text: &str, ty: &Type) -> DefaultValue {
    match parse_expr(dialect, text) {
        Some(parsed) => default_ast(dialect, parsed, ty),
        None => DefaultValue::Expr(text.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

fn strip_casts(expr: Expr) -> Expr {
    match expr {
        Expr::Nested(inner) => strip_casts(*inner),
        Expr::Cast { expr, .. } if is_literal(&strip_casts((*expr).clone())) => strip_casts(*expr),
        other => other,
    }
}

/// Canonical default from a parsed expression.
pub fn default_ast(dialect: Dialect, parsed: Expr, ty: &Type) -> DefaultValue {
    let bare = strip_casts(parsed.clone());
    let as_bool = |text: &str| match text.to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    };
    match &bare {
        Expr::Value(v) => match &v.value {
            Value::Null => return DefaultValue::Null,
            Value::Boolean(b) => {
                return if *ty == Type::Boolean || dialect != Dialect::Mysql {
                    DefaultValue::Bool(*b)
                } else {
                    DefaultValue::Number(if *b { "1" } else { "0" }.into())
                };
            }
            Value::Number(n, _) => {
                if *ty == Type::Boolean {
                    if let Some(b) = as_bool(n) {
                        return DefaultValue::Bool(b);
                    }
                }
                if ty.is_textual() {
                    return DefaultValue::String(n.clone());
                }
                return DefaultValue::Number(canonical_number(n));
            }
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::NationalStringLiteral(s) => {
                if *ty == Type::Boolean {
                    if let Some(b) = as_bool(s) {
                        return DefaultValue::Bool(b);
                    }
                }
                if ty.is_numeric() && is_number_text(s) {
                    return DefaultValue::Number(canonical_number(s));
                }
                return DefaultValue::String(canonical_default_string(dialect, ty, s));
            }
            // PostgreSQL stores `B'101'` as `'101'::"bit"`.
            Value::SingleQuotedByteStringLiteral(s)
                if dialect == Dialect::Postgres && s.chars().all(|c| c == '0' || c == '1') =>
            {
                return DefaultValue::String(s.clone());
            }
            _ => {}
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => {
            if let Expr::Value(v) = &**expr {
                if let Value::Number(n, _) = &v.value {
                    return DefaultValue::Number(canonical_number(&format!("-{n}")));
                }
            }
        }
        // `INTERVAL '5 minutes'` is the string `00:05:00` to an interval column.
        Expr::Interval(interval)
            if dialect == Dialect::Postgres
                && interval.leading_field.is_none()
                && interval.last_field.is_none()
                && string_literal(&interval.value).is_some() =>
        {
            let text = string_literal(&interval.value).unwrap_or_default();
            return DefaultValue::String(canonical_interval(text));
        }
        Expr::Function(function) => {
            let name = function.name.to_string().to_ascii_lowercase();
            if name == "nextval" {
                if let Some(seq) = nextval_sequence(dialect, function) {
                    return DefaultValue::Sequence(seq);
                }
            }
            if let Some(canonical) = niladic_function(dialect, &name, &function.args) {
                return DefaultValue::Function(canonical);
            }
        }
        _ => {}
    }
    DefaultValue::Expr(expr_ast(dialect, parsed))
}

/// A string default in the server's spelling for the column type: intervals as PostgreSQL
/// prints them, a date alone given to a timestamp as its midnight.
fn canonical_default_string(dialect: Dialect, ty: &Type, text: &str) -> String {
    match ty {
        Type::Interval => canonical_interval(text),
        Type::Timestamp { tz: false, .. }
            if dialect == Dialect::Postgres && postgres_timestamp_literal(text).is_some() =>
        {
            postgres_timestamp_literal(text).unwrap_or_default()
        }
        Type::Timestamp { tz: false, .. } | Type::Datetime { .. }
            if midnight_date(&format!("{text} 00:00:00")).is_some() =>
        {
            format!("{text} 00:00:00")
        }
        _ => text.to_string(),
    }
}

/// A `timestamp without time zone` literal as PostgreSQL stores it: a UTC offset in the text
/// is ignored (`'2020-01-02 03:04:05 +02:00'` is `2020-01-02 03:04:05`) and the fraction loses
/// its trailing zeros. `None` when the text is not a plain date and time.
fn postgres_timestamp_literal(text: &str) -> Option<String> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let date_ok = date.char_indices().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }
    });
    let rest = rest.strip_prefix([' ', 'T'])?;
    let clock_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(clock_end);
    let zone = zone.trim();
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.starts_with(['+', '-'])
            && zone[1..].chars().all(|c| c.is_ascii_digit() || c == ':'));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let hms_ok = hms.len() == 8
        && hms.char_indices().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        });
    if !(date_ok && zone_ok && hms_ok && fraction.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    Some(if fraction.is_empty() {
        format!("{date} {hms}")
    } else {
        format!("{date} {hms}.{fraction}")
    })
}

fn is_number_text(text: &str) -> bool {
    let t = text.trim().trim_start_matches(['-', '+']);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|c| *c == '.').count() <= 1
}

fn nextval_sequence(dialect: Dialect, function: &Function) -> Option<QName> {
    let FunctionArguments::List(list) = &function.args else {
        return None;
    };
    let arg = list.args.first()?.to_string();
    let arg = arg.split("::").next()?.trim().trim_matches('\'');
    // The argument is itself SQL text naming the sequence: `"Weird"."seq"` or `users_id_seq`.
    let sql_dialect = sql_dialect(dialect);
    let name = Parser::new(sql_dialect.as_ref())
        .try_with_sql(arg)
        .ok()?
        .parse_object_name(false)
        .ok()?;
    Some(object_qname(dialect, &name))
}

/// Functions without arguments used as defaults, in one spelling per dialect.
fn niladic_function(dialect: Dialect, name: &str, args: &FunctionArguments) -> Option<String> {
    let parenthesized = !matches!(args, FunctionArguments::None);
    let arg_text = match args {
        FunctionArguments::List(list) if !list.args.is_empty() => {
            let text = list
                .args
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(",");
            if text.chars().all(|c| c.is_ascii_digit()) {
                Some(text)
            } else {
                return None;
            }
        }
        FunctionArguments::Subquery(_) => return None,
        _ => None,
    };
    let timestamp_like = matches!(
        name,
        "now"
            | "current_timestamp"
            | "localtimestamp"
            | "localtime"
            | "current_date"
            | "current_time"
            | "curdate"
            | "curtime"
    );
    if dialect == Dialect::Mysql && timestamp_like {
        // MariaDB and MySQL store every spelling of "now" as current_timestamp(), and a precision when given.
        let base = match name {
            "now" | "current_timestamp" | "localtimestamp" | "localtime" => "current_timestamp",
            "curdate" | "current_date" => "curdate",
            _ => "curtime",
        };
        return Some(match arg_text {
            Some(p) if p != "0" => format!("{base}({p})"),
            _ => format!("{base}()"),
        });
    }
    if arg_text.is_some() && !timestamp_like {
        return None;
    }
    match (parenthesized, arg_text) {
        (_, Some(p)) => Some(format!("{name}({p})")),
        (true, None) => Some(format!("{name}()")),
        (false, None) => Some(name.to_string()),
    }
}

/// How a column's default is spelled in DDL. PostgreSQL reads `ARRAY['a', 'b']` as `text[]`,
/// which an array of an enum (or any non-text array) refuses as a default: the canonical form
/// drops the cast, so it is put back from the column's type.
pub fn column_default_sql(dialect: Dialect, ty: &Type, default: &DefaultValue) -> String {
    let text = default_sql(dialect, default);
    match (dialect, ty, default) {
        (Dialect::Postgres, Type::Array { .. }, DefaultValue::Expr(e))
            if e.starts_with("ARRAY[") && !e.contains("::") =>
        {
            format!("{text}::{}", type_sql(dialect, ty))
        }
        _ => text,
    }
}

/// How a canonical default is spelled in DDL.
pub fn default_sql(dialect: Dialect, default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(b) => match dialect {
            Dialect::Mysql => if *b { "1" } else { "0" }.into(),
            _ => if *b { "true" } else { "false" }.into(),
        },
        DefaultValue::Number(n) => n.clone(),
        DefaultValue::String(s) => quote_string(dialect, s),
        DefaultValue::Function(f) => match dialect {
            // SQLite takes only the bare keywords as a default; anything with parentheses must be wrapped.
            Dialect::Sqlite if f.contains('(') => format!("({f})"),
            _ => f.clone(),
        },
        DefaultValue::Sequence(seq) => format!(
            "nextval({}::regclass)",
            quote_string(dialect, &quote_qname(dialect, seq))
        ),
        DefaultValue::Expr(e) => match dialect {
            // MySQL 8 and MariaDB want expression defaults in parentheses; SQLite needs them too.
            Dialect::Mysql | Dialect::Sqlite => format!("({e})"),
            Dialect::Postgres => e.clone(),
        },
    }
}

// ---------------------------------------------------------------------------
// views

/// Canonical text of a view's query. Folds what PostgreSQL's `pg_get_viewdef` and MariaDB's
/// `VIEW_DEFINITION` add (table-qualified columns, `AS same_name` aliases, parenthesised joins,
/// `*` expanded to the columns, generated aliases like `count(*) AS count`, aliases in later
/// branches of a UNION) back to the plain form, in every SELECT of the query (subqueries,
/// CTEs and UNION branches included). `columns_of` gives a table's columns, to expand `*` the
/// way the server does when the view is created.
pub fn view_query(
    dialect: Dialect,
    text: &str,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) -> String {
    use sqlparser::ast::{VisitMut, visit_relations_mut};
    let text = text.trim().trim_end_matches(';').trim();
    let sql_dialect = sql_dialect(dialect);
    let parsed = catalog_parser(dialect, sql_dialect.as_ref(), text)
        .ok_or(())
        .and_then(|mut p| p.parse_query().map_err(|_| ()));
    let Ok(mut query) = parsed else {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    };
    canonicalize_all(dialect, &mut *query);
    let _ = visit_relations_mut(&mut *query, |name| {
        let q = object_qname(dialect, name);
        let mut parts = Vec::new();
        if let Some(schema) = q.schema {
            parts.push(canonical_ident_of(dialect, &schema));
        }
        parts.push(canonical_ident_of(dialect, &q.name));
        *name = ObjectName::from(parts);
        ControlFlow::<()>::Continue(())
    });
    let mut visitor = ViewCanon {
        dialect,
        columns_of,
    };
    let _ = query.visit(&mut visitor);
    query.to_string()
}

/// Canonicalises each query of a view after its subqueries (post-order).
struct ViewCanon<'a> {
    dialect: Dialect,
    columns_of: &'a dyn Fn(&str) -> Option<Vec<String>>,
}

impl sqlparser::ast::VisitorMut for ViewCanon<'_> {
    type Break = ();

    fn post_visit_query(&mut self, query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        canonical_query(self.dialect, query, self.columns_of);
        ControlFlow::Continue(())
    }
}

/// The SELECTs making up a query body: one, or the branches of a set operation (first first).
fn body_selects(body: &mut sqlparser::ast::SetExpr) -> Vec<&mut sqlparser::ast::Select> {
    use sqlparser::ast::SetExpr;
    match body {
        SetExpr::Select(select) => vec![&mut **select],
        SetExpr::SetOperation { left, right, .. } => {
            let mut out = body_selects(left);
            out.extend(body_selects(right));
            out
        }
        _ => Vec::new(),
    }
}

fn canonical_query(
    dialect: Dialect,
    query: &mut sqlparser::ast::Query,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) {
    use sqlparser::ast::{SelectItem, SetExpr};
    let single_select = matches!(query.body.as_ref(), SetExpr::Select(_));
    let mut order_by = query.order_by.take();
    for (i, select) in body_selects(&mut query.body).into_iter().enumerate() {
        let order_by = if single_select {
            order_by.as_mut()
        } else {
            None
        };
        canonical_select(dialect, select, order_by, columns_of);
        if i > 0 {
            // Only the first branch of a UNION names the columns; servers still print
            // aliases in the others (`SELECT t.qty AS id`).
            for item in select.projection.iter_mut() {
                if let SelectItem::ExprWithAlias { expr, .. } = item {
                    *item = SelectItem::UnnamedExpr(expr.clone());
                }
            }
        }
    }
    query.order_by = order_by.take();
}

/// What the columns of a SELECT with a single FROM item may be qualified with.
struct SingleSource {
    /// The table's name, when the item is a table (not a subquery).
    table: Option<QName>,
    alias: Option<String>,
}

impl SingleSource {
    /// An alias hides the table's own name.
    fn matches(&self, qualifier: &str) -> bool {
        match (&self.alias, &self.table) {
            (Some(alias), _) => alias == qualifier,
            (None, Some(table)) => table.name == qualifier,
            (None, None) => false,
        }
    }
}

fn canonical_select(
    dialect: Dialect,
    select: &mut sqlparser::ast::Select,
    order_by: Option<&mut sqlparser::ast::OrderBy>,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) {
    use sqlparser::ast::{SelectItem, TableFactor, VisitMut};
    // `books AS b` and `books b` are one alias.
    for from in select.from.iter_mut() {
        let factors = std::iter::once(&mut from.relation)
            .chain(from.joins.iter_mut().map(|j| &mut j.relation));
        for factor in factors {
            if let TableFactor::Table {
                alias: Some(alias), ..
            }
            | TableFactor::Derived {
                alias: Some(alias), ..
            } = factor
            {
                alias.explicit = false;
                canonical_ident(dialect, &mut alias.name);
            }
        }
    }
    // `FROM (a JOIN b ON …)` → `FROM a JOIN b ON …`
    if select.from.len() == 1 && select.from[0].joins.is_empty() {
        if let TableFactor::NestedJoin {
            table_with_joins,
            alias: None,
        } = &select.from[0].relation
        {
            let inner = (**table_with_joins).clone();
            select.from[0] = inner;
        }
    }
    let single = match select.from.as_slice() {
        [only] if only.joins.is_empty() => match &only.relation {
            TableFactor::Table { name, alias, .. } => Some(SingleSource {
                table: Some(object_qname(dialect, name)),
                alias: alias.as_ref().map(|a| ident_name(dialect, &a.name)),
            }),
            TableFactor::Derived {
                alias: Some(alias), ..
            } => Some(SingleSource {
                table: None,
                alias: Some(ident_name(dialect, &alias.name)),
            }),
            _ => None,
        },
        _ => None,
    };
    if let Some(source) = &single {
        if let Some(table) = &source.table {
            let mut items = Vec::new();
            for item in std::mem::take(&mut select.projection) {
                // `t.*` is `*` when `t` is the only table.
                let star = match &item {
                    SelectItem::Wildcard(_) => true,
                    SelectItem::QualifiedWildcard(
                        sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) => {
                        name.0.len() == 1
                            && matches!(name.0.last(), Some(ObjectNamePart::Identifier(ident))
                                if source.matches(&ident_name(dialect, ident)))
                    }
                    _ => false,
                };
                match (item, columns_of(&table.to_string())) {
                    (_, Some(columns)) if star => {
                        for column in columns {
                            items.push(SelectItem::UnnamedExpr(Expr::Identifier(
                                canonical_ident_of(dialect, &column),
                            )));
                        }
                    }
                    (other, _) => items.push(other),
                }
            }
            select.projection = items;
        }
        // Unqualify this SELECT's own column references (not those of its subqueries, which
        // may be correlated references to an outer table).
        let mut strip = StripQualifier {
            dialect,
            source,
            depth: 0,
        };
        let _ = select.visit(&mut strip);
        let mut order_by = order_by;
        if let Some(order_by) = order_by.as_mut() {
            strip.depth = 0;
            let _ = order_by.visit(&mut strip);
        }
        // An alias nothing refers to any more goes (`FROM t t_1`, PostgreSQL's name for a
        // table repeated in a subquery), unless dropping it would let `t.x` in a subquery
        // bind here instead of to an outer `t`.
        if let (Some(table), Some(alias)) = (&source.table, &source.alias) {
            let mut referenced = qualifiers_used(dialect, &*select);
            if let Some(order_by) = order_by.as_deref() {
                referenced.extend(qualifiers_used(dialect, order_by));
            }
            if !referenced.contains(alias) && !referenced.contains(&table.name) {
                if let TableFactor::Table { alias, .. } = &mut select.from[0].relation {
                    *alias = None;
                }
            }
        }
    }
    for item in select.projection.iter_mut() {
        if let SelectItem::ExprWithAlias { expr, alias } = item {
            if alias_is_implied(dialect, expr, alias) {
                *item = SelectItem::UnnamedExpr(expr.clone());
            } else {
                canonical_ident(dialect, alias);
            }
        }
    }
}

/// Whether `expr AS alias` names the column what the server would name `expr` anyway.
fn alias_is_implied(dialect: Dialect, expr: &Expr, alias: &Ident) -> bool {
    let alias_name = ident_name(dialect, alias);
    match expr {
        Expr::Identifier(ident) => ident_name(dialect, ident) == alias_name,
        Expr::CompoundIdentifier(parts) => parts
            .last()
            .is_some_and(|p| ident_name(dialect, p) == alias_name),
        // PostgreSQL names a function call's column after the function (`count(*) AS count`).
        Expr::Function(function) if dialect == Dialect::Postgres => {
            function.name.0.last().is_some_and(|part| match part {
                ObjectNamePart::Identifier(ident) => ident_name(dialect, ident) == alias_name,
                _ => false,
            })
        }
        // MariaDB names an expression's column after its text (`count(*) AS `count(*)``).
        _ if dialect == Dialect::Mysql => {
            let loose = |text: &str| {
                text.chars()
                    .filter(|c| !c.is_whitespace() && *c != '`')
                    .collect::<String>()
                    .to_lowercase()
            };
            loose(&expr.to_string()) == loose(&alias.value)
        }
        _ => false,
    }
}

/// Removes a qualifier naming the single FROM item, outside subqueries.
struct StripQualifier<'a> {
    dialect: Dialect,
    source: &'a SingleSource,
    depth: usize,
}

impl sqlparser::ast::VisitorMut for StripQualifier<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut sqlparser::ast::Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            strip_qualifier(self.dialect, expr, &|q| self.source.matches(q));
        }
        ControlFlow::Continue(())
    }
}

/// Every name used as a qualifier (`x` in `x.col` and `x.*`) anywhere inside a node.
fn qualifiers_used<V: sqlparser::ast::Visit>(
    dialect: Dialect,
    node: &V,
) -> std::collections::BTreeSet<String> {
    struct Collect {
        dialect: Dialect,
        found: std::collections::BTreeSet<String>,
    }
    impl sqlparser::ast::Visitor for Collect {
        type Break = ();
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            match expr {
                Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                    self.found
                        .insert(ident_name(self.dialect, &parts[parts.len() - 2]));
                }
                Expr::QualifiedWildcard(name, _) => {
                    if let Some(ObjectNamePart::Identifier(ident)) = name.0.last() {
                        self.found.insert(ident_name(self.dialect, ident));
                    }
                }
                _ => {}
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect {
        dialect,
        found: Default::default(),
    };
    let _ = node.visit(&mut collect);
    // `t.*` in a select list is not an expression.
    let text = {
        struct Items(Vec<String>);
        impl sqlparser::ast::Visitor for Items {
            type Break = ();
            fn pre_visit_select(&mut self, select: &sqlparser::ast::Select) -> ControlFlow<()> {
                for item in &select.projection {
                    if let sqlparser::ast::SelectItem::QualifiedWildcard(
                        sqlparser::ast::SelectItemQualifiedWildcardKind::ObjectName(name),
                        _,
                    ) = item
                    {
                        if let Some(ObjectNamePart::Identifier(ident)) = name.0.last() {
                            self.0.push(ident.value.clone());
                            self.0.push(ident.value.to_lowercase());
                        }
                    }
                }
                ControlFlow::Continue(())
            }
        }
        let mut items = Items(Vec::new());
        let _ = node.visit(&mut items);
        items.0
    };
    collect.found.extend(text);
    collect.found
}

/// `SELECT a, b …` with the view column list `(x, y)` → `SELECT a AS x, b AS y …`; `None` when the
/// query is not a plain SELECT with one item per column.
pub fn alias_view_columns(dialect: Dialect, text: &str, columns: &[String]) -> Option<String> {
    use sqlparser::ast::{SelectItem, SetExpr};
    let sql_dialect = sql_dialect(dialect);
    let mut query = Parser::new(sql_dialect.as_ref())
        .try_with_sql(text)
        .ok()?
        .parse_query()
        .ok()?;
    let SetExpr::Select(select) = query.body.as_mut() else {
        return None;
    };
    if select.projection.len() != columns.len() {
        return None;
    }
    for (item, column) in select.projection.iter_mut().zip(columns) {
        let expr = match item {
            SelectItem::UnnamedExpr(e) => e.clone(),
            SelectItem::ExprWithAlias { expr, .. } => expr.clone(),
            _ => return None,
        };
        *item = SelectItem::ExprWithAlias {
            expr,
            alias: canonical_ident_of(dialect, column),
        };
    }
    Some(query.to_string())
}

fn canonical_ident_of(dialect: Dialect, name: &str) -> Ident {
    let mut ident = Ident::with_quote('"', name);
    if dialect == Dialect::Mysql {
        ident.quote_style = Some('`');
    }
    canonical_ident(dialect, &mut ident);
    ident
}

fn strip_qualifier(dialect: Dialect, expr: &mut Expr, matches: &dyn Fn(&str) -> bool) {
    if let Expr::CompoundIdentifier(parts) = expr {
        if parts.len() == 2 && matches(&ident_name(dialect, &parts[0])) {
            *expr = Expr::Identifier(parts[1].clone());
        }
    }
}

/// Canonicalise every expression inside any AST node (an expression, a query, a statement).
fn canonicalize_all<V: sqlparser::ast::VisitMut>(dialect: Dialect, node: &mut V) {
    // First pass, bottom-up: drop parentheses and the casts deparsers add, fold rewritten forms.
    let _ = visit_expressions_mut(node, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = rewrite(dialect, taken);
        ControlFlow::<()>::Continue(())
    });
    // Second pass: put back exactly the parentheses precedence needs, so the text is valid
    // and identical whichever way the source parenthesised it.
    let _ = visit_expressions_mut(node, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = reparenthesize(taken);
        ControlFlow::<()>::Continue(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_deparsed_check_matches_written_check() {
        let written = expr(
            Dialect::Postgres,
            "status IN ('a', 'b') AND price BETWEEN 1 AND 10",
        );
        let deparsed = expr(
            Dialect::Postgres,
            "(((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])) AND ((price >= 1) AND (price <= 10)))",
        );
        assert_eq!(written, deparsed);
    }

    #[test]
    fn parentheses_kept_where_precedence_needs_them() {
        assert_eq!(expr(Dialect::Postgres, "(a OR b) AND c"), "(a OR b) AND c");
        assert_eq!(expr(Dialect::Postgres, "((a > 0))"), "a > 0");
        assert_eq!(
            expr(Dialect::Postgres, "a AND (b AND c)"),
            expr(Dialect::Postgres, "(a AND b) AND c")
        );
    }

    #[test]
    fn postgres_defaults_with_casts() {
        let varchar = Type::Varchar { len: Some(10) };
        assert_eq!(
            default_value(Dialect::Postgres, "'x'::character varying", &varchar),
            DefaultValue::String("x".into())
        );
        let int = Type::Integer {
            bits: 32,
            unsigned: false,
        };
        assert_eq!(
            default_value(Dialect::Postgres, "'-1'::integer", &int),
            DefaultValue::Number("-1".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "-1", &int),
            DefaultValue::Number("-1".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "nextval('users_id_seq'::regclass)", &int),
            DefaultValue::Sequence(QName::new("users_id_seq"))
        );
        assert_eq!(
            default_value(Dialect::Postgres, "now()", &Type::Date),
            DefaultValue::Function("now()".into())
        );
        assert_eq!(
            default_value(Dialect::Postgres, "'{}'::jsonb", &Type::Jsonb),
            DefaultValue::String("{}".into())
        );
    }

    #[test]
    fn mysql_defaults_as_mariadb_reports_them() {
        let ts = Type::Timestamp {
            tz: false,
            precision: None,
        };
        assert_eq!(
            default_value(Dialect::Mysql, "current_timestamp()", &ts),
            default_value(Dialect::Mysql, "CURRENT_TIMESTAMP", &ts)
        );
        let dec = Type::Decimal {
            precision: Some(10),
            scale: Some(2),
        };
        assert_eq!(
            default_value(Dialect::Mysql, "0.00", &dec),
            default_value(Dialect::Mysql, "0", &dec)
        );
        assert_eq!(
            default_value(Dialect::Mysql, "1", &Type::Boolean),
            DefaultValue::Bool(true)
        );
    }

    #[test]
    fn type_spellings() {
        assert_eq!(
            parse_type(Dialect::Postgres, "character varying(20)"),
            Type::Varchar { len: Some(20) }
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "int4"),
            parse_type(Dialect::Postgres, "INTEGER")
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "timestamp(3) with time zone"),
            Type::Timestamp {
                tz: true,
                precision: Some(3)
            }
        );
        assert_eq!(
            parse_type(Dialect::Mysql, "int(11) unsigned"),
            Type::Integer {
                bits: 32,
                unsigned: true
            }
        );
        assert_eq!(parse_type(Dialect::Mysql, "tinyint(1)"), Type::Boolean);
        assert_eq!(
            parse_type(Dialect::Mysql, "enum('a','b''c')"),
            Type::InlineEnum {
                values: vec!["a".into(), "b'c".into()]
            }
        );
        assert_eq!(
            parse_type(Dialect::Postgres, "text[]"),
            Type::Array {
                element: Box::new(Type::Text {
                    size: LobSize::Regular
                })
            }
        );
        assert_eq!(
            parse_type(Dialect::Mysql, "decimal"),
            parse_type(Dialect::Mysql, "decimal(10,0)")
        );
    }

    const PG: Dialect = Dialect::Postgres;
    const MY: Dialect = Dialect::Mysql;

    /// The written and the catalog spelling give one canonical text, which is itself valid
    /// (it parses) and a fixed point.
    fn same(dialect: Dialect, written: &str, catalog: &str) -> String {
        let a = expr(dialect, written);
        let b = expr(dialect, catalog);
        assert_eq!(a, b, "written {written:?} vs catalog {catalog:?}");
        assert!(
            parse_expr(dialect, &a).is_some(),
            "canonical text does not parse: {a}"
        );
        assert_eq!(expr(dialect, &a), a, "not a fixed point: {a}");
        a
    }

    #[test]
    fn column_casts_the_server_adds_are_dropped() {
        assert_eq!(
            same(
                PG,
                "price * qty > 0",
                "((price * (qty)::numeric) > (0)::numeric)"
            ),
            "(price * qty) > 0"
        );
        same(PG, "ratio > price", "(ratio > (price)::double precision)");
        same(PG, "qty > 1e3", "((qty)::numeric > '1000'::numeric)");
        same(
            PG,
            "greatest(n, i) > 0",
            "(GREATEST(n, (i)::numeric) > (0)::numeric)",
        );
        // A cast that chooses the function stays: `round(double precision, integer)` does not exist.
        assert_eq!(expr(PG, "round(f::numeric, 2)"), "round(f::numeric, 2)");
        same(
            PG,
            "coalesce(n, i) > 0",
            "(COALESCE(n, (i)::numeric) > (0)::numeric)",
        );
        same(
            PG,
            "qty IN (1.5, 2.5)",
            "((qty)::numeric = ANY (ARRAY[1.5, 2.5]))",
        );
    }

    #[test]
    fn division_keeps_the_casts_that_change_its_result() {
        // Integer division differs from numeric division: the cast must survive.
        assert_eq!(
            same(
                PG,
                "qty::numeric / 3 > 1",
                "(((qty)::numeric / (3)::numeric) > (1)::numeric)"
            ),
            "(qty::numeric / 3) > 1"
        );
        same(
            PG,
            "a::numeric / b > 1",
            "(((a)::numeric / (b)::numeric) > (1)::numeric)",
        );
        same(
            PG,
            "qty / 3.0 > 1",
            "(((qty)::numeric / 3.0) > (1)::numeric)",
        );
        assert_ne!(expr(PG, "a / b::numeric"), expr(PG, "a / b"));
    }

    #[test]
    fn negative_and_numeric_constants() {
        assert_eq!(same(PG, "qty > -5", "(qty > '-5'::integer)"), "qty > -5");
        same(PG, "n > -5.5", "(n > '-5.5'::numeric)");
        same(PG, "n > 1.5e-3", "(n > 0.0015)");
        same(PG, "n > 1e3", "(n > '1000'::numeric)");
        same(PG, "i IN (1, -2)", "(i = ANY (ARRAY[1, '-2'::integer]))");
        // A decimal constant stays one: `/ 2.0` is not integer division.
        assert_eq!(expr(PG, "qty / 2.0"), "qty / 2.0");
        assert_eq!(expr(PG, "a - -5"), "a - -5");
        assert_eq!(expr(PG, "- -a"), "-(-a)");
        assert_eq!(canonical_number("1e3"), "1000");
        assert_eq!(canonical_number("1.5E-3"), "0.0015");
        let numeric = Type::Decimal {
            precision: None,
            scale: None,
        };
        assert_eq!(
            default_value(PG, "1e3", &numeric),
            default_value(PG, "'1000'::numeric", &numeric)
        );
    }

    #[test]
    fn intervals() {
        assert_eq!(
            same(
                PG,
                "ts > now() - interval '1 day'",
                "(ts > (now() - '1 day'::interval))"
            ),
            "ts > (now() - INTERVAL '1 day')"
        );
        same(PG, "d < INTERVAL '5 minutes'", "(d < '00:05:00'::interval)");
        for (written, stored) in [
            ("5 minutes", "00:05:00"),
            ("1 day", "1 day"),
            ("2 days", "2 days"),
            ("1 hour 30 minutes", "01:30:00"),
            ("1 year 2 months", "1 year 2 mons"),
            ("-1 day", "-1 days"),
            ("1 day ago", "-1 days"),
            ("-5 minutes", "-00:05:00"),
            ("1 week", "7 days"),
            ("1.5 days", "1 day 12:00:00"),
            ("90 seconds", "00:01:30"),
            ("0.5 seconds", "00:00:00.5"),
            ("2h", "02:00:00"),
            ("1 decade", "10 years"),
            ("1 day -00:05:00", "1 day -00:05:00"),
            ("@ 1 day", "1 day"),
            ("2 hours ago", "-02:00:00"),
            ("1 year -1 month", "11 mons"),
            ("0 seconds", "00:00:00"),
            ("100 milliseconds", "00:00:00.1"),
            ("1:30", "01:30:00"),
            ("-1 day +2 hours", "-1 days +02:00:00"),
            ("1.5 years", "1 year 6 mons"),
            ("25 hours", "25:00:00"),
            ("1 DAY", "1 day"),
        ] {
            assert_eq!(canonical_interval(written), stored, "{written}");
            assert_eq!(canonical_interval(stored), stored, "{stored}");
        }
        assert_eq!(canonical_interval("P1D"), "P1D");
        assert_eq!(
            default_value(PG, "'5 minutes'", &Type::Interval),
            default_value(PG, "'00:05:00'::interval", &Type::Interval)
        );
        assert_eq!(
            default_value(PG, "INTERVAL '5 minutes'", &Type::Interval),
            DefaultValue::String("00:05:00".into())
        );
    }

    #[test]
    fn cast_type_names() {
        assert_eq!(
            same(PG, "price::int > 0", "((price)::integer > 0)"),
            "price::integer > 0"
        );
        same(PG, "qty::int8 > 0", "((qty)::bigint > 0)");
        same(
            PG,
            "CAST(d AS timestamptz) > now()",
            "((d)::timestamp with time zone > now())",
        );
        same(
            PG,
            "lower(x)::varchar(5) = 'a'",
            "((lower(x))::character varying(5) = 'a')",
        );
        same(PG, "f(x)::float8 > 0", "((f(x))::double precision > 0)");
        same(PG, "f(x)::bool", "(f(x))::boolean");
        // A length truncates, so that cast stays; the `::text` PostgreSQL adds around it goes.
        assert_eq!(
            same(
                PG,
                "name::varchar(5) <> 'x'",
                "(((name)::character varying(5))::text <> 'x'::text)"
            ),
            "name::character varying(5) <> 'x'"
        );
        same(
            PG,
            "name::varchar > ''",
            "(((name)::character varying)::text > ''::text)",
        );
        // `"bit"` (no length) and `bpchar` are not the types parse_type would make of them.
        assert_eq!(expr(PG, "f(x)::\"bit\""), "f(x)::\"bit\"");
        assert_eq!(
            expr(PG, "f(x)::bpchar"),
            "f(x)::BPCHAR".replace("BPCHAR", "bpchar")
        );
    }

    #[test]
    fn trim_and_similar_to() {
        assert_eq!(
            same(PG, "TRIM(name) <> ''", "(TRIM(BOTH FROM name) <> ''::text)"),
            "TRIM(name) <> ''"
        );
        same(
            PG,
            "trim('x' from name) <> ''",
            "(TRIM(BOTH 'x'::text FROM name) <> ''::text)",
        );
        same(
            PG,
            "trim(leading ' ' from name) <> ''",
            "(TRIM(LEADING FROM name) <> ''::text)",
        );
        assert_eq!(
            same(
                PG,
                "name SIMILAR TO 'a%'",
                "(name ~ similar_to_escape('a%'::text))"
            ),
            "name SIMILAR TO 'a%'"
        );
        same(
            PG,
            "name NOT SIMILAR TO 'a%' ESCAPE '#'",
            "(name !~ similar_to_escape('a%'::text, '#'::text))",
        );
    }

    #[test]
    fn timestamps_bits_and_collations() {
        same(
            PG,
            "ts > '2020-01-01'",
            "(ts > '2020-01-01 00:00:00'::timestamp without time zone)",
        );
        same(PG, "flags = B'101'", "(flags = '101'::\"bit\")");
        let bits = parse_type(PG, "bit(3)");
        assert_eq!(
            default_value(PG, "B'101'", &bits),
            default_value(PG, "'101'::\"bit\"", &bits)
        );
        let ts = Type::Timestamp {
            tz: false,
            precision: None,
        };
        assert_eq!(
            default_value(PG, "'2020-01-01'", &ts),
            default_value(
                PG,
                "'2020-01-01 00:00:00'::timestamp without time zone",
                &ts
            )
        );
        assert_eq!(
            same(PG, "(w COLLATE \"C\")", "w COLLATE \"C\""),
            "w COLLATE \"C\""
        );
        same(
            PG,
            "(name COLLATE \"C\") > 'a'",
            "((name COLLATE \"C\") > 'a'::text)",
        );
    }

    #[test]
    fn postgres_timestamp_default_drops_offset_and_trailing_zeros() {
        let ts = Type::Timestamp {
            tz: false,
            precision: Some(3),
        };
        let stored = default_value(
            PG,
            "'2021-06-07 08:09:10.5'::timestamp without time zone",
            &ts,
        );
        assert_eq!(
            stored,
            default_value(PG, "'2021-06-07 08:09:10.500 +02:00'", &ts)
        );
        assert_eq!(
            default_value(PG, "'2020-01-02 03:04:05 +00:00'", &ts),
            DefaultValue::String("2020-01-02 03:04:05".into())
        );
        // With a time zone the offset means something and stays.
        let tstz = Type::Timestamp {
            tz: true,
            precision: Some(3),
        };
        assert_eq!(
            default_value(PG, "'2020-01-02 03:04:05 +02:00'", &tstz),
            DefaultValue::String("2020-01-02 03:04:05 +02:00".into())
        );
    }

    #[test]
    fn arrays() {
        assert_eq!(
            parse_type(PG, "int[][]"),
            parse_type(PG, "integer[]"),
            "PostgreSQL keeps no array dimensions"
        );
        let tags = parse_type(PG, "text[]");
        let written = default_value(PG, "ARRAY[]::text[]", &tags);
        assert_eq!(written, default_value(PG, "ARRAY[]::text[]", &tags));
        // An untyped empty array is not valid SQL: the cast stays.
        assert_eq!(written, DefaultValue::Expr("ARRAY[]::text[]".into()));
        assert_eq!(expr(PG, "x = ARRAY[]::integer[]"), "x = ARRAY[]::integer[]");
    }

    #[test]
    fn mariadb_check_spellings() {
        assert_eq!(same(MY, "NOT bo", "`bo` = 0"), "`bo` = 0");
        same(MY, "bo = TRUE", "`bo` = 1");
        same(MY, "NOT NOT bo", "`bo` <> 0");
        same(MY, "NOT (a > 1 AND b > 2)", "`a` <= 1 or `b` <= 2");
        same(MY, "NOT (a > 1 OR b > 2)", "`a` <= 1 and `b` <= 2");
        same(MY, "NOT (a > 1 AND NOT (b > 2))", "`a` <= 1 or `b` > 2");
        same(MY, "NOT (s LIKE 'x%')", "`s`  not like 'x%'");
        same(MY, "NOT (a IN (1, 2))", "`a` not in (1,2)");
        same(MY, "NOT (a BETWEEN 1 AND 5)", "`a` not between 1 and 5");
        same(MY, "NOT (a IS NULL)", "`a` is not null");
        same(MY, "NOT (a = 1 OR bo)", "`a` <> 1 and `bo` = 0");
        same(MY, "NOT (a + 1)", "!(`a` + 1)");
        same(MY, "NOT (bo IS TRUE)", "!(`bo` is true)");
        assert_eq!(same(MY, "a % 2 = 0", "`a` MOD 2 = 0"), "(`a` % 2) = 0");
        same(MY, "MOD(a, 3) = 0", "`a` MOD 3 = 0");
        same(
            MY,
            "CAST(s AS CHAR(5)) <> 'x'",
            "cast(`s` as char(5) charset utf8mb4) <> 'x'",
        );
        same(
            MY,
            "CAST(s AS CHAR) <> ''",
            "cast(`s` as char charset utf8mb3) <> ''",
        );
        same(
            MY,
            "CAST(s AS BINARY) <> ''",
            "cast(`s` as char charset binary) <> ''",
        );
        same(MY, "a > -5 AND -a < 3", "`a` > -5 and -`a` < 3");
        same(MY, "a > 1e3", "`a` > 1e3");
        same(
            MY,
            "s COLLATE utf8mb4_bin <> 'x'",
            "`s` collate utf8mb4_bin <> 'x'",
        );
        // A cast of a literal in MySQL is the user's own (`CAST('1.5' AS DECIMAL)` is 2).
        assert_eq!(
            expr(MY, "CAST('1.5' AS DECIMAL) = 2"),
            "CAST('1.5' AS decimal) = 2"
        );
    }

    #[test]
    fn postgres_view_text_folds_to_written_query() {
        let none = |_: &str| None;
        let view = |text: &str| view_query(PG, text, &none);
        assert_eq!(
            view("SELECT name, count(*) FROM t GROUP BY name ORDER BY name"),
            view(
                " SELECT t.name,\n    count(*) AS count\n   FROM t\n  GROUP BY t.name\n  ORDER BY t.name;"
            )
        );
        assert_eq!(
            view(
                "SELECT name, sum(qty), max(price) AS mp FROM t GROUP BY name HAVING sum(qty) > 1"
            ),
            view(
                " SELECT t.name,\n    sum(t.qty) AS sum,\n    max(t.price) AS mp\n   FROM t\n  GROUP BY t.name\n HAVING sum(t.qty) > 1;"
            )
        );
        assert_eq!(
            view("SELECT id, name FROM t UNION SELECT qty, name FROM t"),
            view(
                " SELECT t.id,\n    t.name\n   FROM t\nUNION\n SELECT t.qty AS id,\n    t.name\n   FROM t;"
            )
        );
        assert_eq!(
            view("WITH x AS (SELECT id FROM t) SELECT id FROM x"),
            view(
                " WITH x AS (\n         SELECT t.id\n           FROM t\n        )\n SELECT x.id\n   FROM x;"
            )
        );
        assert_eq!(
            view("SELECT id FROM t WHERE id IN (SELECT qty FROM t)"),
            view(
                " SELECT t.id\n   FROM t\n  WHERE (t.id IN ( SELECT t_1.qty\n           FROM t t_1));"
            )
        );
        assert_eq!(
            view("SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY region"),
            view(
                "SELECT region, sum(amount) AS total, count(*) AS n FROM sales GROUP BY sales.region"
            )
        );
        assert_eq!(
            view("SELECT id, kind, at FROM events WHERE at > now() - interval '7 days'"),
            view(
                " SELECT events.id,\n    events.kind,\n    events.at\n   FROM events\n  WHERE events.at > (now() - '7 days'::interval);"
            )
        );
        let columns =
            |name: &str| (name == "t").then(|| vec!["id".to_string(), "name".to_string()]);
        assert_eq!(
            view_query(PG, "SELECT t.* FROM t", &columns),
            view_query(PG, " SELECT t.id,\n    t.name\n   FROM t;", &columns)
        );
        assert_eq!(
            view_query(PG, "SELECT * FROM t", &columns),
            "SELECT id, name FROM t"
        );
        // A correlated reference to the outer table keeps its qualifier.
        assert_eq!(
            view("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.id)"),
            "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE x = t.id)"
        );
        // Dropping `t_1` would capture the outer `t.id`.
        assert_eq!(
            view("SELECT id FROM t WHERE id IN (SELECT t_1.qty FROM t t_1 WHERE t_1.id <> t.id)"),
            "SELECT id FROM t WHERE id IN (SELECT qty FROM t t_1 WHERE id <> t.id)"
        );
        for text in [
            "SELECT name, count(*) FROM t GROUP BY name ORDER BY name",
            "SELECT id, name FROM t UNION SELECT qty, name FROM t",
        ] {
            let canonical = view(text);
            assert_eq!(view(&canonical), canonical);
        }
    }

    #[test]
    fn mariadb_view_text_folds_to_written_query() {
        let none = |_: &str| None;
        let view = |text: &str| view_query(MY, text, &none);
        assert_eq!(
            view("SELECT s, count(*) FROM g GROUP BY s ORDER BY s"),
            view(
                "select `g`.`s` AS `s`,count(0) AS `count(*)` from `g` group by `g`.`s` order by `g`.`s`"
            )
        );
        assert_eq!(
            view("SELECT s, sum(a), count(*) AS n FROM g GROUP BY s HAVING sum(a) > 1"),
            view(
                "select `g`.`s` AS `s`,sum(`g`.`a`) AS `sum(a)`,count(0) AS `n` from `g` group by `g`.`s` having sum(`g`.`a`) > 1"
            )
        );
        assert_eq!(
            view("SELECT g2.id FROM g AS g2 WHERE NOT g2.bo"),
            view("select `g2`.`id` AS `id` from `g` `g2` where `g2`.`bo` = 0")
        );
        assert_eq!(
            view("SELECT CAST(s AS CHAR(5)) AS c, a % 2 AS m, a MOD 2 AS m2 FROM g"),
            view(
                "select cast(`g`.`s` as char(5) charset utf8mb3) AS `c`,`g`.`a` MOD 2 AS `m`,`g`.`a` MOD 2 AS `m2` from `g`"
            )
        );
        assert_eq!(
            view("SELECT id, s FROM g UNION SELECT a, s FROM g"),
            view(
                "select `g`.`id` AS `id`,`g`.`s` AS `s` from `g` union select `g`.`a` AS `a`,`g`.`s` AS `s` from `g`"
            )
        );
        assert_eq!(
            view("SELECT id FROM g WHERE bo = TRUE AND a IN (SELECT qty FROM g)"),
            view(
                "select `g`.`id` AS `id` from `g` where `g`.`bo` = 1 and `g`.`a` in (select `g`.`qty` from `g`)"
            )
        );
    }

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
