//! Canonical spelling of types, defaults, expressions and identifiers, per dialect.
//!
//! DDL sources and live introspection both pass through these functions, which is
//! what makes a parsed schema and an introspected one compare equal. Expressions are
//! parsed with sqlparser, rewritten into one canonical shape (the shape PostgreSQL's
//! deparser and MariaDB's information_schema produce is folded back to what a person
//! writes), and printed again with this module's own quoting.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Function, FunctionArguments, Ident, ObjectName,
    ObjectNamePart, UnaryOperator, Value, ValueWithSpan, visit_expressions_mut,
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
            let element = parse_type(dialect, &inner[..open]);
            return Type::Array {
                element: Box::new(element),
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

fn is_texty(data_type: &DataType) -> bool {
    let text = data_type.to_string().to_ascii_lowercase();
    text.starts_with("text")
        || text.starts_with("character varying")
        || text.starts_with("varchar")
        || text.starts_with("bpchar")
        || text.starts_with("character")
        || text.starts_with("char")
        || text.starts_with("name")
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => matches!(**expr, Expr::Value(_)),
        Expr::Array(array) => array.elem.iter().all(is_literal),
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
    matches!(
        expr,
        Expr::BinaryOp { .. }
            | Expr::UnaryOp { .. }
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
    // First pass, bottom-up: drop parentheses and the casts deparsers add, fold rewritten forms.
    let _ = visit_expressions_mut(root, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = rewrite(dialect, taken);
        ControlFlow::<()>::Continue(())
    });
    // Second pass: put back exactly the parentheses precedence needs, so the text is valid
    // and identical whichever way the source parenthesised it.
    let _ = visit_expressions_mut(root, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = reparenthesize(taken);
        ControlFlow::<()>::Continue(())
    });
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
        // columns to text for comparison (`(status)::text`); neither changes meaning here.
        Expr::Cast {
            expr: inner,
            data_type,
            kind,
            format,
        } => {
            if is_literal(&inner)
                || (is_texty(&data_type)
                    && matches!(*inner, Expr::Identifier(_) | Expr::CompoundIdentifier(_)))
            {
                *inner
            } else {
                let kind = match (dialect, kind) {
                    (Dialect::Postgres, CastKind::Cast) => CastKind::DoubleColon,
                    (Dialect::Postgres, other) => other,
                    (_, CastKind::DoubleColon) => CastKind::Cast,
                    (_, other) => other,
                };
                let data_type =
                    parse_data_type(dialect, &data_type.to_string().to_ascii_lowercase())
                        .unwrap_or(data_type);
                Expr::Cast {
                    expr: inner,
                    data_type,
                    kind,
                    format,
                }
            }
        }
        Expr::Value(value) => Expr::Value(canonical_value(value)),
        Expr::Function(mut function) => {
            lowercase_function_name(dialect, &mut function);
            let name = function.name.to_string();
            if dialect == Dialect::Mysql {
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
                expr: left,
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
                expr: left,
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
            op => Expr::BinaryOp { left, op, right },
        },
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
            expr: nest(*expr),
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
        Expr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            data_type,
            format,
        } => Expr::Cast {
            kind: CastKind::DoubleColon,
            expr: if needs_parens(&expr) || matches!(*expr, Expr::Cast { .. }) {
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

fn parse_data_type(dialect: Dialect, text: &str) -> Option<DataType> {
    let sql_dialect = sql_dialect(dialect);
    Parser::new(sql_dialect.as_ref())
        .try_with_sql(text)
        .ok()?
        .parse_data_type()
        .ok()
}

fn canonical_value(value: ValueWithSpan) -> ValueWithSpan {
    match value.value {
        Value::Number(text, long) => Value::Number(canonical_number(&text), long).into(),
        Value::DoubleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::NationalStringLiteral(s) => Value::SingleQuotedString(s).into(),
        other => other.into(),
    }
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
    let text = text.trim().trim_start_matches('+');
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

/// How a canonical default is spelled in DDL.
pub fn default_sql(dialect: Dialect, default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(b) => match dialect {
            Dialect::Mysql => if *b { "1" } else { "0" }.into(),
            _ => if *b { "true" } else { "false" }.into(),
        },
        DefaultValue::Number(n) => {
            if n.starts_with('-') && dialect == Dialect::Sqlite {
                // SQLite accepts a signed number as a default only without parentheses, which is fine here.
                n.clone()
            } else {
                n.clone()
            }
        }
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
    fn matches(&self, qualifier: &str) -> bool {
        self.table.as_ref().is_some_and(|t| t.name == qualifier)
            || self.alias.as_deref() == Some(qualifier)
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
                match (item, columns_of(&table.to_string())) {
                    (SelectItem::Wildcard(_), Some(columns)) => {
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

/// Canonicalise every expression inside any AST node (a query, a statement).
fn canonicalize_all<V: sqlparser::ast::VisitMut>(dialect: Dialect, node: &mut V) {
    let _ = visit_expressions_mut(node, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = rewrite(dialect, taken);
        ControlFlow::<()>::Continue(())
    });
    let _ = visit_expressions_mut(node, |expr| {
        let taken = std::mem::replace(expr, Expr::Value(Value::Null.into()));
        *expr = reparenthesize(taken);
        ControlFlow::<()>::Continue(())
    });
}
