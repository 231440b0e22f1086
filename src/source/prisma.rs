//! Prisma schema files (`schema.prisma`, or a directory of `*.prisma` files) → `Schema`.
//!
//! The datasource's provider fixes the dialect. The reader renders the DDL Prisma Migrate
//! itself emits for an empty database (same types, defaults and constraint/index names, checked
//! against Prisma's own schema engine in `tests/prisma.rs`) and reads that DDL with migen's SQL
//! parser, so a Prisma schema normalises exactly like the database Prisma creates. Every
//! generated line remembers the `.prisma` position it came from, so errors point at the input.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::sql;

/// The dialect a Prisma schema's `datasource` block names, if its provider is one migen reads.
/// A cheap look for project detection: only the tokens of the datasource block matter, so a
/// mistake elsewhere in the file does not hide the provider.
pub fn datasource_provider(text: &str) -> Option<Dialect> {
    let files = [("schema.prisma".to_string(), text.to_string())];
    let tokens: Vec<Tok> = tokenize(&files, 0)
        .ok()?
        .into_iter()
        .map(|t| t.tok)
        .collect();
    let start = tokens.windows(3).position(|w| {
        w[0] == Tok::Ident("datasource".into())
            && matches!(w[1], Tok::Ident(_))
            && w[2] == Tok::Punct('{')
    })?;
    let block = &tokens[start + 3..];
    let end = block
        .iter()
        .position(|t| *t == Tok::Punct('}'))
        .unwrap_or(block.len());
    block[..end].windows(3).find_map(|w| match w {
        [Tok::Ident(key), Tok::Punct('='), Tok::Str(provider)] if key == "provider" => {
            provider_dialect(provider)
        }
        _ => None,
    })
}

fn provider_dialect(provider: &str) -> Option<Dialect> {
    match provider {
        "postgresql" | "postgres" => Some(Dialect::Postgres),
        "mysql" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// Read Prisma schema files (name, text) as one schema. `expected` is the dialect the caller
/// settled on, which must be the provider's.
pub fn parse_with_notes(
    files: &[(String, String)],
    expected: Option<Dialect>,
) -> Result<(Schema, Vec<String>)> {
    let rendered = render(files)?;
    if let Some(expected) = expected
        && expected != rendered.dialect
    {
        return Err(Error::Usage(format!(
            "{}: the Prisma datasource's provider is {}, but the dialect is {expected}",
            files
                .first()
                .map(|(name, _)| name.as_str())
                .unwrap_or("prisma"),
            rendered.dialect
        )));
    }
    let label = files
        .first()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    // The SQL reader's notes would describe generated lines, not the user's file: only the
    // Prisma reader's own notes are kept.
    let (schema, _generated_sql_notes) =
        sql::parse_with_notes(rendered.dialect, &rendered.text(), &label).map_err(|error| {
            // A generated statement the SQL reader refuses is reported where its source is.
            match error {
                Error::Parse { location, message } => {
                    let origin = rendered.origin_of_line(location.line);
                    Error::parse(
                        &files[origin.file].0,
                        origin.line,
                        origin.column,
                        format!("migen cannot read the SQL Prisma makes of this: {message}"),
                    )
                }
                other => other,
            }
        })?;
    Ok((schema, rendered.notes))
}

/// The DDL Prisma Migrate would run to create the schema from an empty database.
pub fn ddl(files: &[(String, String)]) -> Result<(Dialect, String)> {
    let rendered = render(files)?;
    Ok((rendered.dialect, rendered.text()))
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    file: usize,
    line: u64,
    column: u64,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A name; may contain dots (`db.VarChar`).
    Ident(String),
    Str(String),
    Number(String),
    /// One of `{ } ( ) [ ] , : = ?`.
    Punct(char),
    /// `@` (field attribute) or `@@` (block attribute).
    At,
    AtAt,
    Newline,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: Pos,
}

fn error_at(files: &[(String, String)], pos: Pos, message: impl Into<String>) -> Error {
    Error::parse(&files[pos.file].0, pos.line, pos.column, message)
}

fn tokenize(files: &[(String, String)], file: usize) -> Result<Vec<Token>> {
    let text = &files[file].1;
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut line, mut column) = (1u64, 1u64);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { file, line, column };
        let start = i;
        let tok = match c {
            '\n' => {
                i += 1;
                line += 1;
                column = 1;
                tokens.push(Token {
                    tok: Tok::Newline,
                    pos,
                });
                continue;
            }
            c if c.is_whitespace() => {
                i += 1;
                column += 1;
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                // `//` and `///` comments run to the end of the line.
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                column += (i - start) as u64;
                continue;
            }
            '@' if chars.get(i + 1) == Some(&'@') => {
                i += 2;
                Tok::AtAt
            }
            '@' => {
                i += 1;
                Tok::At
            }
            '{' | '}' | '(' | ')' | '[' | ']' | ',' | ':' | '=' | '?' => {
                i += 1;
                Tok::Punct(c)
            }
            '"' => {
                i += 1;
                let mut value = String::new();
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(error_at(files, pos, "unterminated string"));
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            let escaped = match chars.get(i + 1) {
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('r') => '\r',
                                Some('"') => '"',
                                Some('\\') => '\\',
                                Some('\'') => '\'',
                                _ => {
                                    let at = Pos {
                                        column: column + (i - start) as u64,
                                        ..pos
                                    };
                                    return Err(error_at(files, at, "unknown escape in string"));
                                }
                            };
                            value.push(escaped);
                            i += 2;
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                Tok::Str(value)
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                Tok::Number(chars[start..i].iter().collect())
            }
            c if c.is_alphabetic() || c == '_' => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                {
                    i += 1;
                }
                Tok::Ident(chars[start..i].iter().collect())
            }
            other => {
                return Err(error_at(
                    files,
                    pos,
                    format!("unexpected character `{other}`"),
                ));
            }
        };
        column += (i - start) as u64;
        tokens.push(Token { tok, pos });
    }
    tokens.push(Token {
        tok: Tok::Newline,
        pos: Pos { file, line, column },
    });
    Ok(tokens)
}

// ---------------------------------------------------------------------------------------------
// Syntax: blocks, fields, attributes, expressions

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Str(String, Pos),
    Number(String, Pos),
    /// A bare name: a constant (`true`, `Desc`, `Cascade`), an enum member or a field.
    Name(String, Pos),
    Array(Vec<Expr>, Pos),
    /// `name(args)`: a function (`now()`) or a field with arguments (`title(sort: Desc)`).
    Call(String, Vec<Arg>, Pos),
}

impl Expr {
    fn pos(&self) -> Pos {
        match self {
            Expr::Str(_, p)
            | Expr::Number(_, p)
            | Expr::Name(_, p)
            | Expr::Array(_, p)
            | Expr::Call(_, _, p) => *p,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Arg {
    name: Option<String>,
    value: Expr,
}

#[derive(Debug, Clone)]
struct Attribute {
    /// Without the `@`/`@@`: `id`, `db.VarChar`, `@@index` → `index`.
    name: String,
    pos: Pos,
    args: Vec<Arg>,
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    pos: Pos,
    type_name: String,
    type_pos: Pos,
    /// The database type text of `Unsupported("...")`.
    unsupported: Option<String>,
    optional: bool,
    list: bool,
    attributes: Vec<Attribute>,
}

#[derive(Debug, Clone)]
struct Property {
    name: String,
    value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Datasource,
    Generator,
    Model,
    Enum,
    View,
    CompositeType,
}

#[derive(Debug, Clone)]
struct Block {
    kind: BlockKind,
    name: String,
    pos: Pos,
    /// Model fields, or enum values (a value is a field without a type).
    fields: Vec<Field>,
    attributes: Vec<Attribute>,
    /// `key = value` lines of datasource and generator blocks.
    properties: Vec<Property>,
}

struct Cursor<'a> {
    files: &'a [(String, String)],
    tokens: Vec<Token>,
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let token = self.peek().clone();
        self.at += 1;
        token
    }

    fn done(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn skip_newlines(&mut self) {
        while !self.done() && self.peek().tok == Tok::Newline {
            self.at += 1;
        }
    }

    fn error(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    fn expect_punct(&mut self, c: char, what: &str) -> Result<Pos> {
        let token = self.next();
        if token.tok == Tok::Punct(c) {
            Ok(token.pos)
        } else {
            Err(self.error(token.pos, format!("expected `{c}` {what}")))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, Pos)> {
        let token = self.next();
        match token.tok {
            Tok::Ident(name) => Ok((name, token.pos)),
            _ => Err(self.error(token.pos, format!("expected {what}"))),
        }
    }

    fn end_of_line(&mut self) -> Result<()> {
        let token = self.peek().clone();
        match token.tok {
            Tok::Newline => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error(
                token.pos,
                "unexpected text: each definition goes on a line of its own",
            )),
        }
    }

    /// An expression; newlines are allowed inside brackets and parentheses.
    fn expr(&mut self) -> Result<Expr> {
        let token = self.next();
        match token.tok {
            Tok::Str(value) => Ok(Expr::Str(value, token.pos)),
            Tok::Number(value) => Ok(Expr::Number(value, token.pos)),
            Tok::Punct('[') => {
                let mut items = Vec::new();
                loop {
                    self.skip_newlines();
                    if self.peek().tok == Tok::Punct(']') {
                        self.at += 1;
                        break;
                    }
                    items.push(self.expr()?);
                    self.skip_newlines();
                    match self.next() {
                        Token {
                            tok: Tok::Punct(','),
                            ..
                        } => {}
                        Token {
                            tok: Tok::Punct(']'),
                            ..
                        } => break,
                        other => {
                            return Err(self.error(other.pos, "expected `,` or `]` in a list"));
                        }
                    }
                }
                Ok(Expr::Array(items, token.pos))
            }
            Tok::Ident(name) => {
                if self.peek().tok == Tok::Punct('(') {
                    self.at += 1;
                    let args = self.args()?;
                    Ok(Expr::Call(name, args, token.pos))
                } else {
                    Ok(Expr::Name(name, token.pos))
                }
            }
            _ => Err(self.error(token.pos, "expected a value")),
        }
    }

    /// Arguments after an opening parenthesis, up to and including the closing one.
    fn args(&mut self) -> Result<Vec<Arg>> {
        let mut args = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek().tok == Tok::Punct(')') {
                self.at += 1;
                return Ok(args);
            }
            let named = matches!(self.peek().tok, Tok::Ident(_))
                && self.tokens.get(self.at + 1).map(|t| &t.tok) == Some(&Tok::Punct(':'));
            let name = if named {
                let (name, _) = self.ident("an argument name")?;
                self.at += 1;
                Some(name)
            } else {
                None
            };
            let value = self.expr()?;
            args.push(Arg { name, value });
            self.skip_newlines();
            match self.next() {
                Token {
                    tok: Tok::Punct(','),
                    ..
                } => {}
                Token {
                    tok: Tok::Punct(')'),
                    ..
                } => return Ok(args),
                other => return Err(self.error(other.pos, "expected `,` or `)` in arguments")),
            }
        }
    }

    fn attribute(&mut self, pos: Pos) -> Result<Attribute> {
        let (name, _) = self.ident("an attribute name")?;
        let args = if self.peek().tok == Tok::Punct('(') {
            self.at += 1;
            self.args()?
        } else {
            Vec::new()
        };
        Ok(Attribute { name, pos, args })
    }
}

fn parse_blocks(files: &[(String, String)]) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    for file in 0..files.len() {
        let mut cursor = Cursor {
            files,
            tokens: tokenize(files, file)?,
            at: 0,
        };
        loop {
            cursor.skip_newlines();
            if cursor.done() {
                break;
            }
            blocks.push(parse_block(&mut cursor)?);
        }
    }
    Ok(blocks)
}

fn parse_block(cursor: &mut Cursor) -> Result<Block> {
    let (keyword, pos) = cursor.ident("a block (model, enum, datasource, generator)")?;
    let kind = match keyword.as_str() {
        "datasource" => BlockKind::Datasource,
        "generator" => BlockKind::Generator,
        "model" => BlockKind::Model,
        "enum" => BlockKind::Enum,
        "view" => BlockKind::View,
        "type" => BlockKind::CompositeType,
        other => {
            return Err(cursor.error(
                pos,
                format!(
                    "unknown block `{other}`: expected model, enum, datasource, generator, view or type"
                ),
            ));
        }
    };
    let (name, _) = cursor.ident(&format!("a name after `{keyword}`"))?;
    cursor.expect_punct('{', &format!("after `{keyword} {name}`"))?;
    cursor.end_of_line()?;
    let mut block = Block {
        kind,
        name,
        pos,
        fields: Vec::new(),
        attributes: Vec::new(),
        properties: Vec::new(),
    };
    loop {
        cursor.skip_newlines();
        if cursor.done() {
            return Err(cursor.error(pos, format!("`{keyword} {}` is never closed", block.name)));
        }
        let token = cursor.next();
        match token.tok {
            Tok::Punct('}') => {
                cursor.end_of_line()?;
                return Ok(block);
            }
            Tok::AtAt => {
                let attribute = cursor.attribute(token.pos)?;
                block.attributes.push(attribute);
                cursor.end_of_line()?;
            }
            Tok::Ident(name) if matches!(kind, BlockKind::Datasource | BlockKind::Generator) => {
                cursor.expect_punct('=', &format!("after `{name}`"))?;
                let value = cursor.expr()?;
                block.properties.push(Property { name, value });
                cursor.end_of_line()?;
            }
            Tok::Ident(name) if kind == BlockKind::Enum => {
                let mut value = Field {
                    name,
                    pos: token.pos,
                    type_name: String::new(),
                    type_pos: token.pos,
                    unsupported: None,
                    optional: false,
                    list: false,
                    attributes: Vec::new(),
                };
                field_attributes(cursor, &mut value)?;
                block.fields.push(value);
            }
            Tok::Ident(name) => {
                let field = parse_field(cursor, name, token.pos)?;
                block.fields.push(field);
            }
            _ => {
                return Err(cursor.error(
                    token.pos,
                    format!(
                        "expected a field, `@@attribute` or `}}` in `{}`",
                        block.name
                    ),
                ));
            }
        }
    }
}

fn parse_field(cursor: &mut Cursor, name: String, pos: Pos) -> Result<Field> {
    if cursor.peek().tok == Tok::Newline {
        return Err(cursor.error(pos, format!("field `{name}` has no type")));
    }
    let (type_name, type_pos) = cursor.ident(&format!("a type for field `{name}`"))?;
    let mut unsupported = None;
    if type_name == "Unsupported" {
        cursor.expect_punct('(', "after Unsupported")?;
        let args = cursor.args()?;
        match args.as_slice() {
            [
                Arg {
                    name: None,
                    value: Expr::Str(text, _),
                },
            ] => unsupported = Some(text.clone()),
            _ => {
                return Err(
                    cursor.error(type_pos, "Unsupported takes one string: the database type")
                );
            }
        }
    }
    let mut field = Field {
        name,
        pos,
        type_name,
        type_pos,
        unsupported,
        optional: false,
        list: false,
        attributes: Vec::new(),
    };
    match cursor.peek().tok {
        Tok::Punct('?') => {
            cursor.at += 1;
            field.optional = true;
        }
        Tok::Punct('[') => {
            cursor.at += 1;
            cursor.expect_punct(']', "to close the list type `[]`")?;
            field.list = true;
        }
        _ => {}
    }
    field_attributes(cursor, &mut field)?;
    Ok(field)
}

fn field_attributes(cursor: &mut Cursor, field: &mut Field) -> Result<()> {
    loop {
        let token = cursor.next();
        match token.tok {
            Tok::Newline => return Ok(()),
            Tok::At => {
                let attribute = cursor.attribute(token.pos)?;
                field.attributes.push(attribute);
            }
            Tok::Punct('}') => {
                return Err(cursor.error(token.pos, "`}` goes on a line of its own"));
            }
            _ => {
                return Err(cursor.error(
                    token.pos,
                    format!("expected an `@attribute` after field `{}`", field.name),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Meaning: datasource, enums, models, relations

const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnAction {
    Cascade,
    Restrict,
    NoAction,
    SetNull,
    SetDefault,
}

impl OnAction {
    fn parse(name: &str) -> Option<OnAction> {
        Some(match name {
            "Cascade" => OnAction::Cascade,
            "Restrict" => OnAction::Restrict,
            "NoAction" => OnAction::NoAction,
            "SetNull" => OnAction::SetNull,
            "SetDefault" => OnAction::SetDefault,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            OnAction::Cascade => "CASCADE",
            OnAction::Restrict => "RESTRICT",
            OnAction::NoAction => "NO ACTION",
            OnAction::SetNull => "SET NULL",
            OnAction::SetDefault => "SET DEFAULT",
        }
    }
}

struct Datasource {
    dialect: Dialect,
    /// `schemas = [...]` (PostgreSQL multi-schema).
    schemas: Option<Vec<String>>,
    /// `relationMode = "prisma"`: Prisma emulates relations, the database has no foreign keys.
    foreign_keys: bool,
}

struct EnumDef {
    /// Database name (`@@map`).
    db_name: String,
    schema: Option<String>,
    /// Member name → database value (`@map`).
    values: Vec<(String, String)>,
}

/// One line of generated DDL and the input position it comes from.
struct Line {
    text: String,
    origin: Pos,
}

struct Rendered {
    dialect: Dialect,
    lines: Vec<Line>,
    notes: Vec<String>,
}

impl Rendered {
    fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }

    /// The input position of generated line `line` (1-based).
    fn origin_of_line(&self, line: u64) -> Pos {
        let index = (line.max(1) - 1) as usize;
        self.lines
            .get(index.min(self.lines.len().saturating_sub(1)))
            .map(|l| l.origin)
            .unwrap_or(Pos {
                file: 0,
                line: 1,
                column: 1,
            })
    }
}

fn render(files: &[(String, String)]) -> Result<Rendered> {
    if files.is_empty() {
        return Err(Error::Usage("no .prisma files to read".into()));
    }
    let blocks = parse_blocks(files)?;
    Renderer::new(files, &blocks)?.run()
}

fn string_arg(files: &[(String, String)], expr: &Expr, what: &str) -> Result<String> {
    match expr {
        Expr::Str(text, _) => Ok(text.clone()),
        other => Err(error_at(
            files,
            other.pos(),
            format!("{what} must be a string"),
        )),
    }
}

/// The named argument `name`, or the first positional one when `positional`.
fn find_arg<'a>(args: &'a [Arg], name: &str, positional: bool) -> Option<&'a Expr> {
    args.iter()
        .find(|a| a.name.as_deref() == Some(name))
        .or_else(|| {
            positional
                .then(|| args.iter().find(|a| a.name.is_none()))
                .flatten()
        })
        .map(|a| &a.value)
}

/// Reject arguments an attribute does not take (positional ones beyond the allowed count).
fn check_args(
    files: &[(String, String)],
    attribute: &Attribute,
    named: &[&str],
    positional: usize,
) -> Result<()> {
    let mut seen_positional = 0;
    for arg in &attribute.args {
        match &arg.name {
            Some(name) if named.contains(&name.as_str()) => {}
            Some(name) => {
                return Err(error_at(
                    files,
                    arg.value.pos(),
                    format!("@{} has no argument `{name}`", attribute.name),
                ));
            }
            None => {
                seen_positional += 1;
                if seen_positional > positional {
                    return Err(error_at(
                        files,
                        arg.value.pos(),
                        format!("too many arguments for @{}", attribute.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A key part of `@@id`, `@@unique` or `@@index`: a field with optional sort and length.
struct KeyPart {
    field: String,
    pos: Pos,
    descending: bool,
    length: Option<String>,
}

struct Renderer<'a> {
    files: &'a [(String, String)],
    blocks: &'a [Block],
    source: Datasource,
    enums: BTreeMap<String, EnumDef>,
    /// Model name → block index.
    models: BTreeMap<String, usize>,
    notes: Vec<String>,
}

/// A generated statement: its lines in order.
type Statement = Vec<Line>;

impl<'a> Renderer<'a> {
    fn new(files: &'a [(String, String)], blocks: &'a [Block]) -> Result<Renderer<'a>> {
        let source = datasource(files, blocks)?;
        let mut renderer = Renderer {
            files,
            blocks,
            source,
            enums: BTreeMap::new(),
            models: BTreeMap::new(),
            notes: Vec::new(),
        };
        let mut names: BTreeMap<&str, Pos> = BTreeMap::new();
        for (index, block) in blocks.iter().enumerate() {
            if matches!(
                block.kind,
                BlockKind::Model | BlockKind::Enum | BlockKind::View | BlockKind::CompositeType
            ) {
                if names.insert(&block.name, block.pos).is_some() {
                    return Err(renderer.error(
                        block.pos,
                        format!("`{}` is defined more than once", block.name),
                    ));
                }
                if SCALARS.contains(&block.name.as_str()) {
                    return Err(renderer.error(
                        block.pos,
                        format!("`{}` is a reserved scalar type name", block.name),
                    ));
                }
            }
            match block.kind {
                BlockKind::Model => {
                    renderer.models.insert(block.name.clone(), index);
                }
                BlockKind::Enum => {
                    let def = renderer.enum_def(block)?;
                    renderer.enums.insert(block.name.clone(), def);
                }
                BlockKind::View => renderer.notes.push(format!(
                    "{}:{}: view `{}` is left out: Prisma Migrate does not create views",
                    files[block.pos.file].0, block.pos.line, block.name
                )),
                BlockKind::CompositeType => {
                    return Err(
                        renderer.error(block.pos, "composite `type` blocks exist only for MongoDB")
                    );
                }
                BlockKind::Datasource | BlockKind::Generator => {}
            }
        }
        Ok(renderer)
    }

    fn error(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    fn dialect(&self) -> Dialect {
        self.source.dialect
    }

    fn quote(&self, name: &str) -> String {
        match self.dialect() {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table or type name with its schema; the default schema `public` stays implicit, as in
    /// Prisma's own output.
    fn qualified(&self, schema: Option<&str>, name: &str) -> String {
        match schema {
            Some(schema) if schema != "public" => {
                format!("{}.{}", self.quote(schema), self.quote(name))
            }
            _ => self.quote(name),
        }
    }

    /// Prisma's default constraint name: `prefix` cut so that `prefix + suffix` fits the
    /// database's identifier limit (observed on PostgreSQL: 63).
    fn default_name(&self, prefix: &str, suffix: &str) -> String {
        let limit = match self.dialect() {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => usize::MAX,
        };
        let mut cut = prefix.len().min(limit.saturating_sub(suffix.len()));
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}{suffix}", &prefix[..cut])
    }

    fn block_schema(&self, block: &Block) -> Result<Option<String>> {
        let attribute = block.attributes.iter().find(|a| a.name == "schema");
        match (attribute, &self.source.schemas) {
            (Some(attribute), Some(schemas)) => {
                check_args(self.files, attribute, &[], 1)?;
                let value = find_arg(&attribute.args, "", true)
                    .ok_or_else(|| self.error(attribute.pos, "@@schema needs a schema name"))?;
                let name = string_arg(self.files, value, "the schema name")?;
                if !schemas.contains(&name) {
                    return Err(self.error(
                        value.pos(),
                        format!("schema `{name}` is not in the datasource's `schemas` list"),
                    ));
                }
                Ok(Some(name))
            }
            (Some(attribute), None) => Err(self.error(
                attribute.pos,
                "@@schema needs `schemas = [...]` in the datasource block",
            )),
            (None, Some(_)) => Err(self.error(
                block.pos,
                format!(
                    "`{}` needs @@schema: the datasource lists `schemas`",
                    block.name
                ),
            )),
            (None, None) => Ok(None),
        }
    }

    fn map_attr(&self, attributes: &[Attribute]) -> Result<Option<String>> {
        match attributes.iter().find(|a| a.name == "map") {
            Some(attribute) => {
                check_args(self.files, attribute, &["name"], 1)?;
                let value = find_arg(&attribute.args, "name", true)
                    .ok_or_else(|| self.error(attribute.pos, "@map needs a name"))?;
                string_arg(self.files, value, "the mapped name").map(Some)
            }
            None => Ok(None),
        }
    }

    fn enum_def(&self, block: &Block) -> Result<EnumDef> {
        for attribute in &block.attributes {
            if !matches!(attribute.name.as_str(), "map" | "schema") {
                return Err(self.error(
                    attribute.pos,
                    format!("unknown enum attribute @@{}", attribute.name),
                ));
            }
        }
        let mut values = Vec::new();
        for value in &block.fields {
            for attribute in &value.attributes {
                if attribute.name != "map" {
                    return Err(self.error(
                        attribute.pos,
                        format!("unknown enum value attribute @{}", attribute.name),
                    ));
                }
            }
            let db_value = self
                .map_attr(&value.attributes)?
                .unwrap_or(value.name.clone());
            values.push((value.name.clone(), db_value));
        }
        if values.is_empty() {
            return Err(self.error(block.pos, format!("enum `{}` has no values", block.name)));
        }
        Ok(EnumDef {
            db_name: self
                .map_attr(&block.attributes)?
                .unwrap_or(block.name.clone()),
            schema: self.block_schema(block)?,
            values,
        })
    }

    fn model(&self, name: &str) -> &'a Block {
        &self.blocks[self.models[name]]
    }

    fn table_name(&self, model: &Block) -> Result<String> {
        Ok(self
            .map_attr(&model.attributes)?
            .unwrap_or(model.name.clone()))
    }

    fn column_name(&self, field: &Field) -> Result<String> {
        Ok(self
            .map_attr(&field.attributes)?
            .unwrap_or(field.name.clone()))
    }

    fn is_relation(&self, field: &Field) -> bool {
        self.models.contains_key(&field.type_name)
    }

    fn field(&self, model: &'a Block, name: &str, pos: Pos) -> Result<&'a Field> {
        model
            .fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| self.error(pos, format!("model `{}` has no field `{name}`", model.name)))
    }

    /// A scalar field's column name, for use in keys (relation fields are refused).
    fn key_column(&self, model: &'a Block, name: &str, pos: Pos) -> Result<String> {
        let field = self.field(model, name, pos)?;
        if self.is_relation(field) {
            return Err(self.error(
                pos,
                format!("`{name}` is a relation field; keys take scalar fields"),
            ));
        }
        self.column_name(field)
    }

    fn key_parts(&self, expr: &Expr) -> Result<Vec<KeyPart>> {
        let Expr::Array(items, pos) = expr else {
            return Err(self.error(expr.pos(), "expected a list of fields, like [a, b]"));
        };
        if items.is_empty() {
            return Err(self.error(*pos, "the list of fields is empty"));
        }
        let mut parts = Vec::new();
        for item in items {
            let part = match item {
                Expr::Name(field, pos) => KeyPart {
                    field: field.clone(),
                    pos: *pos,
                    descending: false,
                    length: None,
                },
                Expr::Call(field, args, pos) => {
                    let mut part = KeyPart {
                        field: field.clone(),
                        pos: *pos,
                        descending: false,
                        length: None,
                    };
                    for arg in args {
                        match (arg.name.as_deref(), &arg.value) {
                            (Some("sort"), Expr::Name(order, p)) => {
                                part.descending = match order.as_str() {
                                    "Asc" => false,
                                    "Desc" => true,
                                    _ => return Err(self.error(*p, "sort is Asc or Desc")),
                                }
                            }
                            (Some("length"), Expr::Number(n, p)) => {
                                if self.dialect() != Dialect::Mysql {
                                    return Err(
                                        self.error(*p, "index prefix `length` is MySQL only")
                                    );
                                }
                                part.length = Some(n.clone());
                            }
                            (_, value) => {
                                return Err(self.error(
                                    value.pos(),
                                    "a key field takes `sort: Asc|Desc` (and `length:` on MySQL)",
                                ));
                            }
                        }
                    }
                    part
                }
                other => return Err(self.error(other.pos(), "expected a field name")),
            };
            parts.push(part);
        }
        Ok(parts)
    }

    fn key_list(&self, model: &'a Block, parts: &[KeyPart]) -> Result<(Vec<String>, String)> {
        let mut columns = Vec::new();
        let mut rendered = Vec::new();
        for part in parts {
            let column = self.key_column(model, &part.field, part.pos)?;
            let mut text = self.quote(&column);
            if let Some(length) = &part.length {
                text.push_str(&format!("({length})"));
            }
            if part.descending {
                text.push_str(" DESC");
            }
            columns.push(column);
            rendered.push(text);
        }
        Ok((columns, rendered.join(", ")))
    }

    fn run(self) -> Result<Rendered> {
        let dialect = self.dialect();
        let mut schemas: BTreeSet<String> = BTreeSet::new();
        let mut enum_statements: Vec<Statement> = Vec::new();
        for (name, def) in &self.enums {
            if let Some(schema) = &def.schema {
                schemas.insert(schema.clone());
            }
            if dialect == Dialect::Postgres {
                let block = self
                    .blocks
                    .iter()
                    .find(|b| b.kind == BlockKind::Enum && &b.name == name)
                    .expect("enum came from a block");
                let values: Vec<String> = def.values.iter().map(|(_, v)| quote_sql(v)).collect();
                enum_statements.push(vec![Line {
                    text: format!(
                        "CREATE TYPE {} AS ENUM ({});",
                        self.qualified(def.schema.as_deref(), &def.db_name),
                        values.join(", ")
                    ),
                    origin: block.pos,
                }]);
            }
        }
        let mut tables: Vec<Statement> = Vec::new();
        let mut indexes: Vec<Statement> = Vec::new();
        let mut foreign_keys: Vec<Statement> = Vec::new();
        for block in self.blocks.iter().filter(|b| b.kind == BlockKind::Model) {
            if let Some(schema) = self.block_schema(block)? {
                schemas.insert(schema);
            }
            let model = self.render_model(block)?;
            tables.push(model.table);
            indexes.extend(model.indexes);
            foreign_keys.extend(model.foreign_keys);
        }
        for join in self.implicit_many_to_many()? {
            tables.push(join.table);
            indexes.extend(join.indexes);
            foreign_keys.extend(join.foreign_keys);
        }
        let mut lines = Vec::new();
        if dialect == Dialect::Postgres {
            for schema in schemas.iter().filter(|s| *s != "public") {
                let origin = self.blocks[0].pos;
                lines.push(Line {
                    text: format!("CREATE SCHEMA IF NOT EXISTS {};", self.quote(schema)),
                    origin,
                });
            }
        }
        for statement in enum_statements
            .into_iter()
            .chain(tables)
            .chain(indexes)
            .chain(foreign_keys)
        {
            lines.extend(statement);
        }
        Ok(Rendered {
            dialect,
            lines,
            notes: self.notes,
        })
    }
}

fn datasource(files: &[(String, String)], blocks: &[Block]) -> Result<Datasource> {
    let mut found = blocks.iter().filter(|b| b.kind == BlockKind::Datasource);
    let Some(block) = found.next() else {
        return Err(Error::parse(
            &files[0].0,
            1,
            1,
            "no datasource block: add `datasource db { provider = \"postgresql\" }` (or mysql, sqlite)",
        ));
    };
    if let Some(second) = found.next() {
        return Err(error_at(
            files,
            second.pos,
            "only one datasource block is allowed",
        ));
    }
    let mut dialect = None;
    let mut schemas = None;
    let mut foreign_keys = true;
    for property in &block.properties {
        match property.name.as_str() {
            "provider" => {
                let provider = string_arg(files, &property.value, "provider")?;
                dialect = Some(provider_dialect(&provider).ok_or_else(|| {
                    error_at(
                        files,
                        property.value.pos(),
                        format!(
                            "provider `{provider}` is not one migen reads (postgresql, mysql, sqlite)"
                        ),
                    )
                })?);
            }
            "schemas" => {
                let Expr::Array(items, _) = &property.value else {
                    return Err(error_at(
                        files,
                        property.value.pos(),
                        "schemas is a list of strings",
                    ));
                };
                let names = items
                    .iter()
                    .map(|item| string_arg(files, item, "a schema name"))
                    .collect::<Result<Vec<_>>>()?;
                schemas = Some(names);
            }
            "relationMode" | "referentialIntegrity" => {
                let mode = string_arg(files, &property.value, &property.name)?;
                foreign_keys = match mode.as_str() {
                    "prisma" => false,
                    "foreignKeys" => true,
                    _ => {
                        return Err(error_at(
                            files,
                            property.value.pos(),
                            "relationMode is \"foreignKeys\" or \"prisma\"",
                        ));
                    }
                };
            }
            // Connection settings and extensions do not shape the tables.
            "url" | "directUrl" | "shadowDatabaseUrl" | "extensions" => {}
            other => {
                return Err(error_at(
                    files,
                    property.value.pos(),
                    format!("unknown datasource property `{other}`"),
                ));
            }
        }
    }
    let dialect = dialect.ok_or_else(|| {
        error_at(
            files,
            block.pos,
            "the datasource block has no provider (postgresql, mysql or sqlite)",
        )
    })?;
    if schemas.is_some() && dialect != Dialect::Postgres {
        return Err(error_at(
            files,
            block.pos,
            "`schemas` is supported on PostgreSQL only here",
        ));
    }
    Ok(Datasource {
        dialect,
        schemas,
        foreign_keys,
    })
}

/// An SQL string literal.
fn quote_sql(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// The statements one model makes.
struct ModelDdl {
    table: Statement,
    indexes: Vec<Statement>,
    foreign_keys: Vec<Statement>,
}

/// How a scalar column is stored.
struct ColumnType {
    sql: String,
    /// Precision for MySQL's `CURRENT_TIMESTAMP(p)`.
    precision: Option<u32>,
}

impl Renderer<'_> {
    /// The key text of a field-level `@id` or `@unique`: the column with its `length:` (MySQL
    /// prefix) and `sort:`.
    fn field_key(&self, attribute: &Attribute, column: &str) -> Result<String> {
        let mut key = self.quote(column);
        match find_arg(&attribute.args, "length", false) {
            None => {}
            Some(Expr::Number(n, p)) => {
                if self.dialect() != Dialect::Mysql {
                    return Err(self.error(*p, "index prefix `length` is MySQL only"));
                }
                key.push_str(&format!("({n})"));
            }
            Some(other) => return Err(self.error(other.pos(), "length is a number")),
        }
        match find_arg(&attribute.args, "sort", false) {
            None => {}
            Some(Expr::Name(order, _)) if order == "Asc" => {}
            Some(Expr::Name(order, _)) if order == "Desc" => key.push_str(" DESC"),
            Some(other) => return Err(self.error(other.pos(), "sort is Asc or Desc")),
        }
        Ok(key)
    }

    fn render_model(&self, model: &Block) -> Result<ModelDdl> {
        let dialect = self.dialect();
        let table = self.table_name(model)?;
        let schema = self.block_schema(model)?;
        let table_sql = self.qualified(schema.as_deref(), &table);
        for attribute in &model.attributes {
            if !matches!(
                attribute.name.as_str(),
                "id" | "unique" | "index" | "map" | "schema" | "ignore" | "fulltext"
            ) {
                return Err(self.error(
                    attribute.pos,
                    format!("unknown model attribute @@{}", attribute.name),
                ));
            }
        }

        // Primary key: one @id field or @@id.
        let mut primary: Option<(Vec<String>, String, Option<String>, Pos)> = None;
        for field in &model.fields {
            if let Some(attribute) = field.attributes.iter().find(|a| a.name == "id") {
                check_args(
                    self.files,
                    attribute,
                    &["map", "sort", "length", "clustered"],
                    0,
                )?;
                if primary.is_some() {
                    return Err(self.error(attribute.pos, "a model has one primary key"));
                }
                let text = self.field_key(attribute, &self.column_name(field)?)?;
                let map = find_arg(&attribute.args, "map", false)
                    .map(|e| string_arg(self.files, e, "map"))
                    .transpose()?;
                primary = Some((vec![self.column_name(field)?], text, map, attribute.pos));
            }
        }
        if let Some(attribute) = model.attributes.iter().find(|a| a.name == "id") {
            check_args(
                self.files,
                attribute,
                &["fields", "name", "map", "clustered"],
                1,
            )?;
            if primary.is_some() {
                return Err(self.error(attribute.pos, "a model has one primary key"));
            }
            let fields = find_arg(&attribute.args, "fields", true)
                .ok_or_else(|| self.error(attribute.pos, "@@id needs a list of fields"))?;
            let (columns, text) = self.key_list(model, &self.key_parts(fields)?)?;
            let map = find_arg(&attribute.args, "map", false)
                .map(|e| string_arg(self.files, e, "map"))
                .transpose()?;
            primary = Some((columns, text, map, attribute.pos));
        }
        let ignored = model.attributes.iter().any(|a| a.name == "ignore");
        let has_unique = model.attributes.iter().any(|a| a.name == "unique")
            || model
                .fields
                .iter()
                .any(|f| f.attributes.iter().any(|a| a.name == "unique"));
        if primary.is_none() && !ignored && !has_unique {
            return Err(self.error(
                model.pos,
                format!(
                    "model `{}` needs an @id, @@id or a unique field (or @@ignore)",
                    model.name
                ),
            ));
        }
        if let Some((_, _, Some(_), pos)) = &primary
            && dialect != Dialect::Postgres
        {
            return Err(self.error(
                *pos,
                format!("{dialect} has no names for primary keys: drop `map:`"),
            ));
        }

        let mut lines = vec![Line {
            text: format!("CREATE TABLE {table_sql} ("),
            origin: model.pos,
        }];
        let mut body: Vec<Line> = Vec::new();
        let mut indexes = Vec::new();
        let mut inline_primary = false;
        for field in &model.fields {
            if self.is_relation(field) {
                self.check_relation_attributes(field)?;
                continue;
            }
            let single_primary = primary.as_ref().is_some_and(|(cols, _, _, _)| {
                cols.len() == 1 && cols[0] == self.column_name(field).unwrap_or_default()
            });
            let column = self.render_column(field, single_primary)?;
            if column.inline_primary {
                inline_primary = true;
            }
            body.push(Line {
                text: column.text,
                origin: field.pos,
            });
            if let Some(attribute) = field.attributes.iter().find(|a| a.name == "unique") {
                check_args(
                    self.files,
                    attribute,
                    &["map", "sort", "length", "clustered"],
                    0,
                )?;
                let column = self.column_name(field)?;
                let key = self.field_key(attribute, &column)?;
                let name = match find_arg(&attribute.args, "map", false) {
                    Some(e) => string_arg(self.files, e, "map")?,
                    None => self.default_name(&format!("{table}_{column}"), "_key"),
                };
                indexes.push(vec![Line {
                    text: format!(
                        "CREATE UNIQUE INDEX {} ON {table_sql}({key});",
                        self.quote(&name)
                    ),
                    origin: attribute.pos,
                }]);
            }
        }
        if let Some((_, key, map, pos)) = &primary
            && !inline_primary
        {
            // MySQL's primary key is always `PRIMARY`; Prisma names none on SQLite either.
            let text = match dialect {
                Dialect::Mysql | Dialect::Sqlite => format!("PRIMARY KEY ({key})"),
                _ => {
                    let name = map
                        .clone()
                        .unwrap_or_else(|| self.default_name(&table, "_pkey"));
                    format!("CONSTRAINT {} PRIMARY KEY ({key})", self.quote(&name))
                }
            };
            body.push(Line { text, origin: *pos });
        }
        // Foreign keys: inline on SQLite (it cannot add them later), ALTER TABLE elsewhere.
        let mut foreign_keys = Vec::new();
        if self.source.foreign_keys {
            for field in model.fields.iter().filter(|f| self.is_relation(f)) {
                if let Some(fk) = self.foreign_key(model, &table, field)? {
                    if dialect == Dialect::Sqlite {
                        body.push(Line {
                            text: format!("CONSTRAINT {}", fk.text),
                            origin: fk.origin,
                        });
                    } else {
                        foreign_keys.push(vec![Line {
                            text: format!("ALTER TABLE {table_sql} ADD CONSTRAINT {};", fk.text),
                            origin: fk.origin,
                        }]);
                    }
                }
            }
        }
        for attribute in &model.attributes {
            match attribute.name.as_str() {
                "unique" => {
                    check_args(
                        self.files,
                        attribute,
                        &["fields", "name", "map", "clustered"],
                        1,
                    )?;
                    let fields = find_arg(&attribute.args, "fields", true).ok_or_else(|| {
                        self.error(attribute.pos, "@@unique needs a list of fields")
                    })?;
                    let (columns, key) = self.key_list(model, &self.key_parts(fields)?)?;
                    let name = match find_arg(&attribute.args, "map", false) {
                        Some(e) => string_arg(self.files, e, "map")?,
                        None => {
                            self.default_name(&format!("{table}_{}", columns.join("_")), "_key")
                        }
                    };
                    indexes.push(vec![Line {
                        text: format!(
                            "CREATE UNIQUE INDEX {} ON {table_sql}({key});",
                            self.quote(&name)
                        ),
                        origin: attribute.pos,
                    }]);
                }
                "index" | "fulltext" => {
                    indexes.push(self.render_index(model, &table, &table_sql, attribute)?);
                }
                _ => {}
            }
        }
        let count = body.len();
        for (i, mut line) in body.into_iter().enumerate() {
            line.text = format!("    {}", line.text);
            if i + 1 < count {
                line.text.push(',');
            }
            lines.push(line);
        }
        let close = match dialect {
            Dialect::Mysql => ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
            _ => ");",
        };
        lines.push(Line {
            text: close.into(),
            origin: model.pos,
        });
        Ok(ModelDdl {
            table: lines,
            indexes,
            foreign_keys,
        })
    }
}

/// A rendered column line and whether it carries SQLite's inline `PRIMARY KEY`.
struct ColumnDdl {
    text: String,
    inline_primary: bool,
}

/// A foreign key clause (`"name" FOREIGN KEY (...) REFERENCES ...`) and where it was declared.
struct ForeignKeyDdl {
    text: String,
    origin: Pos,
}

const FIELD_ATTRIBUTES: &[&str] = &["id", "unique", "default", "map", "updatedAt", "ignore"];

impl Renderer<'_> {
    fn native_attribute<'f>(&self, field: &'f Field) -> Option<&'f Attribute> {
        let prefix = format!("{}.", self.datasource_name());
        field
            .attributes
            .iter()
            .find(|a| a.name.starts_with(&prefix))
    }

    fn datasource_name(&self) -> &str {
        self.blocks
            .iter()
            .find(|b| b.kind == BlockKind::Datasource)
            .map(|b| b.name.as_str())
            .unwrap_or("db")
    }

    fn check_relation_attributes(&self, field: &Field) -> Result<()> {
        for attribute in &field.attributes {
            if !matches!(attribute.name.as_str(), "relation" | "ignore") {
                return Err(self.error(
                    attribute.pos,
                    format!(
                        "@{} does not apply to relation field `{}`",
                        attribute.name, field.name
                    ),
                ));
            }
        }
        Ok(())
    }

    fn render_column(&self, field: &Field, single_primary: bool) -> Result<ColumnDdl> {
        let dialect = self.dialect();
        // An unknown type (a misspelt model, too) is the first thing to report.
        let mut column_type = self.column_type(field)?;
        let native = self.native_attribute(field);
        for attribute in &field.attributes {
            let known = FIELD_ATTRIBUTES.contains(&attribute.name.as_str())
                || native.is_some_and(|n| std::ptr::eq(n, attribute));
            if !known {
                let message = if attribute.name == "relation" {
                    format!(
                        "@relation goes on a relation field; `{}` is a scalar",
                        field.name
                    )
                } else {
                    format!("unknown field attribute @{}", attribute.name)
                };
                return Err(self.error(attribute.pos, message));
            }
        }
        let name = self.quote(&self.column_name(field)?);
        if field.list {
            if dialect != Dialect::Postgres {
                return Err(self.error(
                    field.type_pos,
                    format!(
                        "scalar lists (`{}[]`) exist on PostgreSQL only",
                        field.type_name
                    ),
                ));
            }
            column_type.sql.push_str("[]");
        }
        let default = field.attributes.iter().find(|a| a.name == "default");
        let mut autoincrement = false;
        let mut default_sql = None;
        if let Some(attribute) = default {
            check_args(self.files, attribute, &["value", "map"], 1)?;
            let value = find_arg(&attribute.args, "value", true)
                .ok_or_else(|| self.error(attribute.pos, "@default needs a value"))?;
            if matches!(value, Expr::Call(f, _, _) if f == "autoincrement") {
                if !matches!(field.type_name.as_str(), "Int" | "BigInt") || field.list {
                    return Err(self.error(
                        value.pos(),
                        "autoincrement() applies to Int and BigInt fields",
                    ));
                }
                autoincrement = true;
            } else {
                default_sql = self.default_value(field, &column_type, value)?;
            }
        }
        if field.attributes.iter().any(|a| a.name == "updatedAt") && field.type_name != "DateTime" {
            let at = field
                .attributes
                .iter()
                .find(|a| a.name == "updatedAt")
                .unwrap();
            return Err(self.error(at.pos, "@updatedAt applies to DateTime fields"));
        }
        let not_null = !field.optional && !field.list;
        let mut text = match (dialect, autoincrement) {
            (Dialect::Postgres, true) => {
                let serial = match column_type.sql.as_str() {
                    "SMALLINT" => "SMALLSERIAL",
                    "BIGINT" => "BIGSERIAL",
                    "INTEGER" => "SERIAL",
                    other => {
                        return Err(self.error(
                            field.type_pos,
                            format!("autoincrement() cannot make a {other} column"),
                        ));
                    }
                };
                format!("{name} {serial}")
            }
            _ => format!("{name} {}", column_type.sql),
        };
        if not_null {
            text.push_str(" NOT NULL");
        } else if dialect == Dialect::Mysql {
            text.push_str(" NULL");
        }
        let mut inline_primary = false;
        if dialect == Dialect::Sqlite && single_primary {
            text.push_str(" PRIMARY KEY");
            inline_primary = true;
        }
        // Prisma's SQLite schema makes every single Int @id an AUTOINCREMENT key, with or
        // without @default(autoincrement()) (observed with its schema engine).
        if dialect == Dialect::Sqlite && single_primary && field.type_name == "Int" {
            autoincrement = true;
        }
        if autoincrement {
            match dialect {
                Dialect::Postgres => {}
                Dialect::Mysql => text.push_str(" AUTO_INCREMENT"),
                Dialect::Sqlite => {
                    if !single_primary || field.type_name != "Int" {
                        let at = default.expect("autoincrement came from @default").pos;
                        return Err(self.error(
                            at,
                            "on SQLite autoincrement() works only on the Int @id field",
                        ));
                    }
                    text.push_str(" AUTOINCREMENT");
                }
            }
        }
        if let Some(default_sql) = default_sql {
            text.push_str(&format!(" DEFAULT {default_sql}"));
        }
        Ok(ColumnDdl {
            text,
            inline_primary,
        })
    }

    /// The column type of a scalar, enum or `Unsupported` field (without list brackets).
    fn column_type(&self, field: &Field) -> Result<ColumnType> {
        let dialect = self.dialect();
        if let Some(raw) = &field.unsupported {
            if field.list {
                return Err(self.error(field.type_pos, "Unsupported types cannot be lists"));
            }
            return Ok(ColumnType {
                sql: raw.clone(),
                precision: None,
            });
        }
        if let Some(def) = self.enums.get(&field.type_name) {
            if let Some(native) = self.native_attribute(field) {
                return Err(self.error(native.pos, "enum fields take no native type"));
            }
            let sql = match dialect {
                Dialect::Postgres => self.qualified(def.schema.as_deref(), &def.db_name),
                Dialect::Mysql => {
                    let values: Vec<String> =
                        def.values.iter().map(|(_, v)| quote_sql(v)).collect();
                    format!("ENUM({})", values.join(", "))
                }
                Dialect::Sqlite => "TEXT".into(),
            };
            return Ok(ColumnType {
                sql,
                precision: None,
            });
        }
        if !SCALARS.contains(&field.type_name.as_str()) {
            return Err(self.error(
                field.type_pos,
                format!(
                    "unknown type `{}`: not a scalar type, enum or model",
                    field.type_name
                ),
            ));
        }
        if let Some(native) = self.native_attribute(field) {
            return self.native_type(field, native);
        }
        let sql = match (dialect, field.type_name.as_str()) {
            (Dialect::Postgres, "String") => "TEXT",
            (Dialect::Mysql, "String") => "VARCHAR(191)",
            (Dialect::Sqlite, "String") => "TEXT",
            (_, "Boolean") => "BOOLEAN",
            (_, "Int") => "INTEGER",
            (_, "BigInt") => "BIGINT",
            (Dialect::Postgres, "Float") => "DOUBLE PRECISION",
            (Dialect::Mysql, "Float") => "DOUBLE",
            (Dialect::Sqlite, "Float") => "REAL",
            (Dialect::Sqlite, "Decimal") => "DECIMAL",
            (_, "Decimal") => "DECIMAL(65,30)",
            (Dialect::Postgres, "DateTime") => "TIMESTAMP(3)",
            (Dialect::Mysql, "DateTime") => "DATETIME(3)",
            (Dialect::Sqlite, "DateTime") => "DATETIME",
            (Dialect::Mysql, "Json") => "JSON",
            (_, "Json") => "JSONB",
            (Dialect::Postgres, "Bytes") => "BYTEA",
            (Dialect::Mysql, "Bytes") => "LONGBLOB",
            (Dialect::Sqlite, "Bytes") => "BLOB",
            _ => unreachable!("every scalar has a type in every dialect"),
        };
        Ok(ColumnType {
            sql: sql.into(),
            precision: (field.type_name == "DateTime").then_some(3),
        })
    }

    /// `@db.X(args)`: the provider's native type, if it fits the field's scalar type.
    fn native_type(&self, field: &Field, native: &Attribute) -> Result<ColumnType> {
        let dialect = self.dialect();
        let name = native.name.split_once('.').map(|(_, n)| n).unwrap_or("");
        if dialect == Dialect::Sqlite {
            return Err(self.error(
                native.pos,
                format!("native type @{} is not available on SQLite", native.name),
            ));
        }
        let mut numbers = Vec::new();
        for arg in &native.args {
            match (&arg.name, &arg.value) {
                (None, Expr::Number(n, _)) if n.parse::<u32>().is_ok() => numbers.push(n.clone()),
                (_, value) => {
                    return Err(
                        self.error(value.pos(), format!("@{} takes whole numbers", native.name))
                    );
                }
            }
        }
        // (sql name, scalars it fits, most arguments, arguments required)
        let spec: Option<(&str, &[&str], usize, bool)> = match (dialect, name) {
            (Dialect::Postgres, "Text") => Some(("TEXT", &["String"], 0, false)),
            (Dialect::Postgres, "Char") => Some(("CHAR", &["String"], 1, false)),
            (Dialect::Postgres, "VarChar") => Some(("VARCHAR", &["String"], 1, false)),
            (Dialect::Postgres, "Bit") => Some(("BIT", &["String"], 1, false)),
            (Dialect::Postgres, "VarBit") => Some(("VARBIT", &["String"], 1, false)),
            (Dialect::Postgres, "Uuid") => Some(("UUID", &["String"], 0, false)),
            (Dialect::Postgres, "Xml") => Some(("XML", &["String"], 0, false)),
            (Dialect::Postgres, "Inet") => Some(("INET", &["String"], 0, false)),
            (Dialect::Postgres, "Citext") => Some(("CITEXT", &["String"], 0, false)),
            (Dialect::Postgres, "Boolean") => Some(("BOOLEAN", &["Boolean"], 0, false)),
            (Dialect::Postgres, "Integer") => Some(("INTEGER", &["Int"], 0, false)),
            (Dialect::Postgres, "SmallInt") => Some(("SMALLINT", &["Int"], 0, false)),
            (Dialect::Postgres, "Oid") => Some(("OID", &["Int"], 0, false)),
            (Dialect::Postgres, "BigInt") => Some(("BIGINT", &["BigInt"], 0, false)),
            (Dialect::Postgres, "DoublePrecision") => {
                Some(("DOUBLE PRECISION", &["Float"], 0, false))
            }
            (Dialect::Postgres, "Real") => Some(("REAL", &["Float"], 0, false)),
            (Dialect::Postgres, "Decimal") => Some(("DECIMAL", &["Decimal", "Float"], 2, false)),
            (Dialect::Postgres, "Money") => Some(("MONEY", &["Decimal"], 0, false)),
            (Dialect::Postgres, "Timestamp") => Some(("TIMESTAMP", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Timestamptz") => Some(("TIMESTAMPTZ", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Date") => Some(("DATE", &["DateTime"], 0, false)),
            (Dialect::Postgres, "Time") => Some(("TIME", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Timetz") => Some(("TIMETZ", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Json") => Some(("JSON", &["Json"], 0, false)),
            (Dialect::Postgres, "JsonB") => Some(("JSONB", &["Json"], 0, false)),
            (Dialect::Postgres, "ByteA") => Some(("BYTEA", &["Bytes"], 0, false)),
            (Dialect::Mysql, "VarChar") => Some(("VARCHAR", &["String"], 1, true)),
            (Dialect::Mysql, "Char") => Some(("CHAR", &["String"], 1, true)),
            (Dialect::Mysql, "Text") => Some(("TEXT", &["String"], 0, false)),
            (Dialect::Mysql, "TinyText") => Some(("TINYTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "MediumText") => Some(("MEDIUMTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "LongText") => Some(("LONGTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "Bit") => Some(("BIT", &["Boolean", "Bytes"], 1, true)),
            (Dialect::Mysql, "TinyInt") => Some(("TINYINT", &["Int", "Boolean"], 0, false)),
            (Dialect::Mysql, "UnsignedTinyInt") => {
                Some(("TINYINT UNSIGNED", &["Int", "Boolean"], 0, false))
            }
            (Dialect::Mysql, "SmallInt") => Some(("SMALLINT", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedSmallInt") => Some(("SMALLINT UNSIGNED", &["Int"], 0, false)),
            (Dialect::Mysql, "MediumInt") => Some(("MEDIUMINT", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedMediumInt") => {
                Some(("MEDIUMINT UNSIGNED", &["Int"], 0, false))
            }
            (Dialect::Mysql, "Int") => Some(("INTEGER", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedInt") => Some(("INTEGER UNSIGNED", &["Int"], 0, false)),
            (Dialect::Mysql, "BigInt") => Some(("BIGINT", &["BigInt"], 0, false)),
            (Dialect::Mysql, "UnsignedBigInt") => Some(("BIGINT UNSIGNED", &["BigInt"], 0, false)),
            (Dialect::Mysql, "Year") => Some(("YEAR", &["Int"], 0, false)),
            (Dialect::Mysql, "Double") => Some(("DOUBLE", &["Float"], 0, false)),
            (Dialect::Mysql, "Float") => Some(("FLOAT", &["Float"], 0, false)),
            (Dialect::Mysql, "Decimal") => Some(("DECIMAL", &["Decimal"], 2, false)),
            (Dialect::Mysql, "Date") => Some(("DATE", &["DateTime"], 0, false)),
            (Dialect::Mysql, "Time") => Some(("TIME", &["DateTime"], 1, false)),
            (Dialect::Mysql, "DateTime") => Some(("DATETIME", &["DateTime"], 1, false)),
            (Dialect::Mysql, "Timestamp") => Some(("TIMESTAMP", &["DateTime"], 1, false)),
            (Dialect::Mysql, "Json") => Some(("JSON", &["Json"], 0, false)),
            (Dialect::Mysql, "Binary") => Some(("BINARY", &["Bytes"], 1, true)),
            (Dialect::Mysql, "VarBinary") => Some(("VARBINARY", &["Bytes"], 1, true)),
            (Dialect::Mysql, "TinyBlob") => Some(("TINYBLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "Blob") => Some(("BLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "MediumBlob") => Some(("MEDIUMBLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "LongBlob") => Some(("LONGBLOB", &["Bytes"], 0, false)),
            _ => None,
        };
        let Some((sql, scalars, max_args, required)) = spec else {
            return Err(self.error(
                native.pos,
                format!("unknown native type @{} for {dialect}", native.name),
            ));
        };
        if !scalars.contains(&field.type_name.as_str()) {
            return Err(self.error(
                native.pos,
                format!(
                    "native type @{} does not fit a {} field",
                    native.name, field.type_name
                ),
            ));
        }
        if numbers.len() > max_args || (required && numbers.is_empty()) {
            return Err(self.error(
                native.pos,
                format!(
                    "@{} takes {}{max_args} argument(s)",
                    native.name,
                    if required { "" } else { "up to " }
                ),
            ));
        }
        let precision = match sql {
            "TIMESTAMP" | "DATETIME" | "TIME" => {
                Some(numbers.first().and_then(|n| n.parse().ok()).unwrap_or(0))
            }
            _ => None,
        };
        let sql = if numbers.is_empty() {
            sql.to_string()
        } else {
            // An UNSIGNED suffix stays after the arguments.
            match sql.split_once(' ') {
                Some((base, rest)) if rest == "UNSIGNED" => {
                    format!("{base}({}) {rest}", numbers.join(","))
                }
                _ => format!("{sql}({})", numbers.join(",")),
            }
        };
        Ok(ColumnType { sql, precision })
    }

    /// The SQL of a `@default(...)` value, or `None` when Prisma Client fills it in itself.
    fn default_value(
        &self,
        field: &Field,
        column_type: &ColumnType,
        value: &Expr,
    ) -> Result<Option<String>> {
        if let Expr::Call(function, args, pos) = value {
            return match function.as_str() {
                "now" => {
                    if field.type_name != "DateTime" {
                        return Err(self.error(*pos, "now() applies to DateTime fields"));
                    }
                    Ok(Some(match (self.dialect(), column_type.precision) {
                        (Dialect::Mysql, Some(p)) if p > 0 => format!("CURRENT_TIMESTAMP({p})"),
                        _ => "CURRENT_TIMESTAMP".into(),
                    }))
                }
                "dbgenerated" => match args.as_slice() {
                    [] => Ok(None),
                    [
                        Arg {
                            name: None,
                            value: Expr::Str(sql, _),
                        },
                    ] => Ok(Some(sql.clone())),
                    _ => Err(self.error(*pos, "dbgenerated takes one string of SQL")),
                },
                "uuid" | "cuid" | "nanoid" | "ulid" => {
                    if field.type_name != "String" {
                        return Err(
                            self.error(*pos, format!("{function}() applies to String fields"))
                        );
                    }
                    Ok(None)
                }
                "sequence" => Err(self.error(*pos, "sequence() exists on CockroachDB only")),
                "auto" => Err(self.error(*pos, "auto() exists on MongoDB only")),
                other => Err(self.error(*pos, format!("unknown default function {other}()"))),
            };
        }
        if field.list {
            let Expr::Array(items, _) = value else {
                return Err(self.error(value.pos(), "a list field's default is a list"));
            };
            let mut rendered = Vec::new();
            for item in items {
                rendered.push(self.scalar_literal(field, item)?);
            }
            return Ok(Some(format!(
                "ARRAY[{}]::{}",
                rendered.join(", "),
                column_type.sql
            )));
        }
        self.scalar_literal(field, value).map(Some)
    }

    fn scalar_literal(&self, field: &Field, value: &Expr) -> Result<String> {
        let mismatch = || {
            self.error(
                value.pos(),
                format!("this default does not fit a {} field", field.type_name),
            )
        };
        if let Some(def) = self.enums.get(&field.type_name) {
            let Expr::Name(member, pos) = value else {
                return Err(mismatch());
            };
            let db_value = def
                .values
                .iter()
                .find(|(name, _)| name == member)
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    self.error(
                        *pos,
                        format!("`{member}` is not a value of enum {}", field.type_name),
                    )
                })?;
            return Ok(quote_sql(db_value));
        }
        match (field.type_name.as_str(), value) {
            ("String" | "Json", Expr::Str(text, _)) => Ok(quote_sql(text)),
            ("Int" | "BigInt", Expr::Number(n, _)) if n.parse::<i64>().is_ok() => Ok(n.clone()),
            ("Float" | "Decimal", Expr::Number(n, _)) => Ok(n.clone()),
            ("Boolean", Expr::Name(b, _)) if b == "true" || b == "false" => Ok(b.clone()),
            ("DateTime", Expr::Str(text, pos)) => match rfc3339_to_sql(text) {
                Some(sql) => Ok(quote_sql(&sql)),
                None => Err(self.error(*pos, "a DateTime default is an RFC 3339 timestamp")),
            },
            ("Bytes", Expr::Str(_, pos)) => Err(self.error(
                *pos,
                "Bytes defaults are not supported by migen's Prisma reader yet",
            )),
            _ if field.unsupported.is_some() => Err(self.error(
                value.pos(),
                "an Unsupported field's default must be dbgenerated(\"...\")",
            )),
            _ => Err(mismatch()),
        }
    }

    fn foreign_key(
        &self,
        model: &Block,
        table: &str,
        field: &Field,
    ) -> Result<Option<ForeignKeyDdl>> {
        let Some(attribute) = field.attributes.iter().find(|a| a.name == "relation") else {
            return Ok(None);
        };
        check_args(
            self.files,
            attribute,
            &[
                "name",
                "fields",
                "references",
                "onDelete",
                "onUpdate",
                "map",
            ],
            1,
        )?;
        let Some(fields) = find_arg(&attribute.args, "fields", false) else {
            if find_arg(&attribute.args, "references", false).is_some() {
                return Err(self.error(attribute.pos, "`references` needs `fields` too"));
            }
            return Ok(None);
        };
        let references = find_arg(&attribute.args, "references", false)
            .ok_or_else(|| self.error(attribute.pos, "`fields` needs `references` too"))?;
        if field.list {
            return Err(self.error(
                attribute.pos,
                "the side with `fields` of a relation is not a list",
            ));
        }
        let target = self.model(&field.type_name);
        let local_parts = self.key_parts(fields)?;
        let target_parts = self.key_parts(references)?;
        if local_parts.len() != target_parts.len() {
            return Err(self.error(
                references.pos(),
                "`fields` and `references` must list as many fields",
            ));
        }
        let (local, _) = self.key_list(model, &local_parts)?;
        let (remote, _) = self.key_list(target, &target_parts)?;
        let optional = local_parts.iter().any(|p| {
            model
                .fields
                .iter()
                .find(|f| f.name == p.field)
                .is_some_and(|f| f.optional)
        });
        let action = |name: &str, default: OnAction| -> Result<OnAction> {
            match find_arg(&attribute.args, name, false) {
                None => Ok(default),
                Some(Expr::Name(action, pos)) => OnAction::parse(action).ok_or_else(|| {
                    self.error(
                        *pos,
                        format!(
                            "unknown referential action `{action}` (Cascade, Restrict, NoAction, SetNull, SetDefault)"
                        ),
                    )
                }),
                Some(other) => Err(self.error(other.pos(), "expected a referential action")),
            }
        };
        let on_delete = action(
            "onDelete",
            if optional {
                OnAction::SetNull
            } else {
                OnAction::Restrict
            },
        )?;
        let on_update = action("onUpdate", OnAction::Cascade)?;
        let name = match find_arg(&attribute.args, "map", false) {
            Some(map) => {
                if self.dialect() == Dialect::Sqlite {
                    return Err(self.error(
                        map.pos(),
                        "SQLite has no names for foreign keys: drop `map:`",
                    ));
                }
                string_arg(self.files, map, "map")?
            }
            None => self.default_name(&format!("{table}_{}", local.join("_")), "_fkey"),
        };
        let quote_all = |cols: &[String]| {
            cols.iter()
                .map(|c| self.quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let target_sql = self.qualified(
            self.block_schema(target)?.as_deref(),
            &self.table_name(target)?,
        );
        Ok(Some(ForeignKeyDdl {
            text: format!(
                "{} FOREIGN KEY ({}) REFERENCES {target_sql}({}) ON DELETE {} ON UPDATE {}",
                self.quote(&name),
                quote_all(&local),
                quote_all(&remote),
                on_delete.sql(),
                on_update.sql()
            ),
            origin: attribute.pos,
        }))
    }

    fn render_index(
        &self,
        model: &Block,
        table: &str,
        table_sql: &str,
        attribute: &Attribute,
    ) -> Result<Statement> {
        check_args(
            self.files,
            attribute,
            &["fields", "map", "type", "clustered"],
            1,
        )?;
        let fields = find_arg(&attribute.args, "fields", true)
            .ok_or_else(|| self.error(attribute.pos, "an index needs a list of fields"))?;
        let (columns, key) = self.key_list(model, &self.key_parts(fields)?)?;
        let name = match find_arg(&attribute.args, "map", false) {
            Some(e) => string_arg(self.files, e, "map")?,
            None => self.default_name(&format!("{table}_{}", columns.join("_")), "_idx"),
        };
        let fulltext = attribute.name == "fulltext";
        if fulltext && self.dialect() != Dialect::Mysql {
            return Err(self.error(attribute.pos, "@@fulltext exists on MySQL only here"));
        }
        let using = match find_arg(&attribute.args, "type", false) {
            None => None,
            Some(Expr::Name(kind, pos)) => {
                let method = match kind.as_str() {
                    "BTree" => None,
                    "Hash" => Some("HASH"),
                    "Gist" => Some("GIST"),
                    "Gin" => Some("GIN"),
                    "SpGist" => Some("SPGIST"),
                    "Brin" => Some("BRIN"),
                    _ => return Err(self.error(*pos, format!("unknown index type `{kind}`"))),
                };
                if method.is_some() && self.dialect() != Dialect::Postgres {
                    return Err(
                        self.error(*pos, "index types other than BTree are PostgreSQL only")
                    );
                }
                method
            }
            Some(other) => return Err(self.error(other.pos(), "expected an index type")),
        };
        let text = match using {
            Some(method) => format!(
                "CREATE INDEX {} ON {table_sql} USING {method} ({key});",
                self.quote(&name)
            ),
            None => format!(
                "CREATE {}INDEX {} ON {table_sql}({key});",
                if fulltext { "FULLTEXT " } else { "" },
                self.quote(&name)
            ),
        };
        Ok(vec![Line {
            text,
            origin: attribute.pos,
        }])
    }

    /// The relation name of a relation field: `@relation("name")` or `@relation(name: "name")`.
    fn relation_name(&self, field: &Field) -> Result<Option<String>> {
        let Some(attribute) = field.attributes.iter().find(|a| a.name == "relation") else {
            return Ok(None);
        };
        find_arg(&attribute.args, "name", true)
            .map(|e| string_arg(self.files, e, "the relation name"))
            .transpose()
    }

    fn has_fields(field: &Field) -> bool {
        field
            .attributes
            .iter()
            .any(|a| a.name == "relation" && find_arg(&a.args, "fields", false).is_some())
    }

    /// The single-field primary key of a model in an implicit many-to-many relation: its column
    /// name and type (an autoincrement id is a plain integer here).
    fn join_key(&self, model: &Block, relation_pos: Pos) -> Result<(String, String)> {
        let id = model
            .fields
            .iter()
            .find(|f| f.attributes.iter().any(|a| a.name == "id"));
        let Some(id) = id else {
            return Err(self.error(
                relation_pos,
                format!(
                    "an implicit many-to-many relation needs a single-field @id on `{}`",
                    model.name
                ),
            ));
        };
        let column_type = self.column_type(id)?;
        Ok((self.column_name(id)?, column_type.sql))
    }

    fn implicit_many_to_many(&self) -> Result<Vec<ModelDdl>> {
        let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
        let mut joins = Vec::new();
        for model in self.blocks.iter().filter(|b| b.kind == BlockKind::Model) {
            for (index, field) in model.fields.iter().enumerate() {
                if !self.is_relation(field) || Self::has_fields(field) {
                    continue;
                }
                if !field.list {
                    // A one-to-one or many-to-one side: one of the two sides holds the key.
                    let target = self.model(&field.type_name);
                    let relation = self.relation_name(field)?;
                    let keyed_opposite = target.fields.iter().any(|f| {
                        f.type_name == model.name
                            && Self::has_fields(f)
                            && self.relation_name(f).ok().flatten() == relation
                    });
                    if !keyed_opposite {
                        return Err(self.error(
                            field.pos,
                            format!(
                                "relation field `{}` needs @relation(fields: [...], references: [...]), or its opposite in `{}` does",
                                field.name, target.name
                            ),
                        ));
                    }
                    continue;
                }
                let relation = self.relation_name(field)?;
                let target = self.model(&field.type_name);
                let opposite = target.fields.iter().enumerate().find(|(i, f)| {
                    f.type_name == model.name
                        && !(std::ptr::eq(target, model) && *i == index)
                        && self.relation_name(f).ok().flatten() == relation
                });
                let Some((_, opposite)) = opposite else {
                    return Err(self.error(
                        field.pos,
                        format!(
                            "relation field `{}` has no opposite relation field in model `{}`",
                            field.name, target.name
                        ),
                    ));
                };
                if !opposite.list {
                    if Self::has_fields(opposite) {
                        continue;
                    }
                    return Err(self.error(
                        opposite.pos,
                        format!(
                            "relation field `{}` needs @relation(fields: [...], references: [...])",
                            opposite.name
                        ),
                    ));
                }
                let (a, b) = if model.name <= target.name {
                    (model, target)
                } else {
                    (target, model)
                };
                let key = (
                    a.name.clone(),
                    b.name.clone(),
                    relation.clone().unwrap_or_default(),
                );
                if !seen.insert(key) {
                    continue;
                }
                let join = match &relation {
                    Some(name) => format!("_{name}"),
                    None => format!("_{}To{}", a.name, b.name),
                };
                joins.push(self.join_table(&join, a, b, field.pos)?);
            }
        }
        Ok(joins)
    }

    fn join_table(&self, join: &str, a: &Block, b: &Block, origin: Pos) -> Result<ModelDdl> {
        let dialect = self.dialect();
        let (a_column, a_type) = self.join_key(a, origin)?;
        let (b_column, b_type) = self.join_key(b, origin)?;
        let schema = self.block_schema(a)?;
        let join_sql = self.qualified(schema.as_deref(), join);
        let line = |text: String| Line { text, origin };
        let mut body = vec![
            line(format!("    {} {a_type} NOT NULL,", self.quote("A"))),
            line(format!("    {} {b_type} NOT NULL", self.quote("B"))),
        ];
        let mut indexes = Vec::new();
        if dialect == Dialect::Postgres {
            let name = self.default_name(join, "_AB_pkey");
            body.last_mut().unwrap().text.push(',');
            body.push(line(format!(
                "    CONSTRAINT {} PRIMARY KEY (\"A\", \"B\")",
                self.quote(&name)
            )));
        } else {
            let name = self.default_name(join, "_AB_unique");
            indexes.push(vec![line(format!(
                "CREATE UNIQUE INDEX {} ON {join_sql}({}, {});",
                self.quote(&name),
                self.quote("A"),
                self.quote("B")
            ))]);
        }
        indexes.push(vec![line(format!(
            "CREATE INDEX {} ON {join_sql}({});",
            self.quote(&self.default_name(join, "_B_index")),
            self.quote("B")
        ))]);
        let mut foreign_keys = Vec::new();
        if self.source.foreign_keys {
            for (side, target, column) in [("A", a, &a_column), ("B", b, &b_column)] {
                let target_sql = self.qualified(
                    self.block_schema(target)?.as_deref(),
                    &self.table_name(target)?,
                );
                let text = format!(
                    "{} FOREIGN KEY ({}) REFERENCES {target_sql}({}) ON DELETE CASCADE ON UPDATE CASCADE",
                    self.quote(&self.default_name(join, &format!("_{side}_fkey"))),
                    self.quote(side),
                    self.quote(column)
                );
                if dialect == Dialect::Sqlite {
                    body.last_mut().unwrap().text.push(',');
                    body.push(line(format!("    CONSTRAINT {text}")));
                } else {
                    foreign_keys.push(vec![line(format!(
                        "ALTER TABLE {join_sql} ADD CONSTRAINT {text};"
                    ))]);
                }
            }
        }
        let mut table = vec![line(format!("CREATE TABLE {join_sql} ("))];
        table.extend(body);
        table.push(line(match dialect {
            Dialect::Mysql => ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;".into(),
            _ => ");".into(),
        }));
        Ok(ModelDdl {
            table,
            indexes,
            foreign_keys,
        })
    }
}

/// `2020-01-01T00:00:00.5Z` → `2020-01-01 00:00:00.500 +00:00`, the way Prisma writes a
/// DateTime default into SQL (chrono's display form).
fn rfc3339_to_sql(text: &str) -> Option<String> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let date_ok = date.len() == 10
        && date.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !date_ok {
        return None;
    }
    let (time, offset) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, "+00:00".to_string())
    } else {
        let at = rest.rfind(['+', '-'])?;
        (&rest[..at], rest[at..].to_string())
    };
    let offset_ok = offset.len() == 6 && offset.as_bytes()[3] == b':';
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (time, ""),
    };
    let clock_ok = clock.len() == 8
        && clock.chars().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        });
    if !offset_ok || !clock_ok || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // chrono prints no fraction when it is zero, else 3, 6 or 9 digits.
    let trimmed = fraction.trim_end_matches('0');
    let fraction = match trimmed.len() {
        0 => String::new(),
        1..=3 => format!(".{trimmed:0<3}"),
        4..=6 => format!(".{trimmed:0<6}"),
        _ => format!(".{trimmed:0<9}"),
    };
    Some(format!("{date} {clock}{fraction} {offset}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DefaultValue, FkAction, QName, Table, Type};

    fn schema_text(provider: &str, body: &str) -> String {
        format!("datasource db {{\n  provider = \"{provider}\"\n}}\n\n{body}")
    }

    fn read(provider: &str, body: &str) -> Schema {
        let files = [("schema.prisma".to_string(), schema_text(provider, body))];
        match parse_with_notes(&files, None) {
            Ok((schema, _)) => schema,
            Err(e) => panic!("{e}\n{}", ddl(&files).map(|d| d.1).unwrap_or_default()),
        }
    }

    fn generated(provider: &str, body: &str) -> String {
        let files = [("schema.prisma".to_string(), schema_text(provider, body))];
        ddl(&files).unwrap().1
    }

    /// The error for a whole file, as `line:column: message`.
    fn error(text: &str) -> String {
        let files = [("s.prisma".to_string(), text.to_string())];
        match parse_with_notes(&files, None) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(Error::Parse { location, message }) => {
                assert_eq!(location.file, "s.prisma");
                format!("{}:{}: {message}", location.line, location.column)
            }
            Err(other) => panic!("not a parse error: {other}"),
        }
    }

    fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
        schema
            .table(&QName::new(name))
            .unwrap_or_else(|| panic!("no table {name}: {:?}", schema.tables.keys()))
    }

    fn index_names(table: &Table) -> Vec<&str> {
        table.indexes.iter().map(|i| i.name.as_str()).collect()
    }

    const BLOG: &str = r#"
/// Users of the blog.
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique // login
  name      String?  @map("display_name")
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt
  posts     Post[]
  @@map("users")
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int?
  author   User?  @relation(fields: [authorId], references: [id])
  tags     Tag[]
  @@index([title(sort: Desc)])
}

model Tag {
  id    String @id @default(uuid())
  posts Post[]
}
"#;

    #[test]
    fn provider_names_the_dialect() {
        let pg = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";
        assert_eq!(datasource_provider(pg), Some(Dialect::Postgres));
        assert_eq!(
            datasource_provider("datasource x {\n provider = \"mysql\"\n}\n"),
            Some(Dialect::Mysql)
        );
        assert_eq!(
            datasource_provider("datasource db {\n provider = \"sqlite\"\n}\n"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            datasource_provider("datasource db {\n provider = \"mongodb\"\n}\n"),
            None
        );
        assert_eq!(datasource_provider("model A {\n id Int @id\n}\n"), None);
    }

    #[test]
    fn postgres_blog_has_prismas_names_and_types() {
        let schema = read("postgresql", BLOG);
        assert_eq!(schema.dialect, Dialect::Postgres);
        let users = table(&schema, "users");
        let names: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["id", "email", "display_name", "created_at", "updatedAt"]
        );
        assert_eq!(
            users.primary_key.as_ref().unwrap().name.as_deref(),
            Some("users_pkey")
        );
        assert_eq!(index_names(users), ["users_email_key"]);
        let created = users.column("created_at").unwrap();
        assert_eq!(
            created.ty,
            Type::Timestamp {
                tz: false,
                precision: Some(3)
            }
        );
        assert!(matches!(created.default, Some(DefaultValue::Function(_))));
        // @updatedAt and uuid() are filled in by Prisma Client: no database default.
        assert_eq!(users.column("updatedAt").unwrap().default, None);
        assert_eq!(table(&schema, "Tag").column("id").unwrap().default, None);
        assert!(users.column("display_name").unwrap().nullable);
        assert!(!users.column("email").unwrap().nullable);

        let post = table(&schema, "Post");
        assert_eq!(index_names(post), ["Post_title_idx"]);
        assert!(post.indexes[0].keys[0].desc);
        let fk = &post.foreign_keys[0];
        assert_eq!(fk.name.as_deref(), Some("Post_authorId_fkey"));
        assert_eq!(fk.ref_table, QName::new("users"));
        // Optional relation: SET NULL on delete; CASCADE on update.
        assert_eq!(
            (fk.on_delete, fk.on_update),
            (FkAction::SetNull, FkAction::Cascade)
        );

        let join = table(&schema, "_PostToTag");
        assert_eq!(
            join.primary_key.as_ref().unwrap().name.as_deref(),
            Some("_PostToTag_AB_pkey")
        );
        assert_eq!(join.primary_key.as_ref().unwrap().columns, ["A", "B"]);
        assert_eq!(index_names(join), ["_PostToTag_B_index"]);
        assert!(matches!(
            join.column("A").unwrap().ty,
            Type::Integer { bits: 32, .. }
        ));
        assert!(matches!(join.column("B").unwrap().ty, Type::Text { .. }));
        for fk in &join.foreign_keys {
            assert_eq!(
                (fk.on_delete, fk.on_update),
                (FkAction::Cascade, FkAction::Cascade)
            );
        }
        let fk_names: Vec<_> = join
            .foreign_keys
            .iter()
            .map(|f| f.name.clone().unwrap())
            .collect();
        assert_eq!(fk_names, ["_PostToTag_A_fkey", "_PostToTag_B_fkey"]);
    }

    #[test]
    fn sqlite_join_table_has_a_unique_index_and_int_ids_autoincrement() {
        let schema = read("sqlite", BLOG);
        let join = table(&schema, "_PostToTag");
        assert!(join.primary_key.is_none());
        assert_eq!(
            index_names(join),
            ["_PostToTag_AB_unique", "_PostToTag_B_index"]
        );
        assert!(join.indexes[0].unique);
        assert!(table(&schema, "users").column("id").unwrap().auto_increment);
        let text = generated("sqlite", "model A {\n  id Int @id\n}\n");
        assert!(
            text.contains("\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"),
            "{text}"
        );
    }

    #[test]
    fn required_relation_restricts_delete_and_actions_override() {
        let body = r#"
model User {
  id    Int    @id
  posts Post[]
  notes Note[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Note {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade, onUpdate: NoAction, map: "note_user")
}
"#;
        let schema = read("postgresql", body);
        let post_fk = &table(&schema, "Post").foreign_keys[0];
        assert_eq!(
            (post_fk.on_delete, post_fk.on_update),
            (FkAction::Restrict, FkAction::Cascade)
        );
        let note_fk = &table(&schema, "Note").foreign_keys[0];
        assert_eq!(note_fk.name.as_deref(), Some("note_user"));
        assert_eq!(
            (note_fk.on_delete, note_fk.on_update),
            (FkAction::Cascade, FkAction::NoAction)
        );
        // No index for foreign key columns on PostgreSQL.
        assert!(table(&schema, "Post").indexes.is_empty());
    }

    #[test]
    fn compound_keys_and_their_names() {
        let body = r#"
model Slot {
  day  Int
  hour Int
  room String
  @@id([day, hour], name: "when", map: "slot_pk")
  @@unique([room, day])
  @@unique([room, hour], name: "roomHour", map: "room_hour")
  @@index([hour, room], map: "by_hour", type: Hash)
}
"#;
        let schema = read("postgresql", body);
        let slot = table(&schema, "Slot");
        let pk = slot.primary_key.as_ref().unwrap();
        assert_eq!(
            (pk.name.as_deref(), pk.columns.clone()),
            (Some("slot_pk"), vec!["day".to_string(), "hour".to_string()])
        );
        assert_eq!(
            index_names(slot),
            ["Slot_room_day_key", "by_hour", "room_hour"]
        );
        let by_hour = slot.indexes.iter().find(|i| i.name == "by_hour").unwrap();
        assert_eq!(by_hour.method.as_deref(), Some("hash"));
    }

    #[test]
    fn long_default_names_are_cut_to_fit_postgres() {
        let model = "AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndMore";
        let body = format!(
            "model {model} {{\n  id Int @id\n  someExtremelyLongColumnNameNumberTwo Int\n  @@index([someExtremelyLongColumnNameNumberTwo])\n}}\n"
        );
        let schema = read("postgresql", &body);
        let t = table(&schema, model);
        // As Prisma's engine names them: the prefix is cut, the suffix kept, 63 bytes in all.
        assert_eq!(
            t.primary_key.as_ref().unwrap().name.as_deref(),
            Some("AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndM_pkey")
        );
        assert_eq!(
            index_names(t),
            ["AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndMo_idx"]
        );
    }

    #[test]
    fn defaults_render_like_prisma() {
        let body = r#"
enum Role {
  USER
  ADMIN @map("admin")
}
model A {
  id    Int      @id @default(autoincrement())
  big   BigInt   @default(autoincrement())
  role  Role     @default(ADMIN)
  s     String   @default("it's")
  n     Int      @default(-3)
  f     Float    @default(1.5)
  b     Boolean  @default(true)
  t     DateTime @default("2020-01-01T00:00:00.5Z")
  g     String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  c     String   @default(cuid())
  list  Int[]    @default([1, 2])
  roles Role[]   @default([USER])
}
"#;
        let text = generated("postgresql", body);
        for expected in [
            "CREATE TYPE \"Role\" AS ENUM ('USER', 'admin');",
            "\"id\" SERIAL NOT NULL",
            "\"big\" BIGSERIAL NOT NULL",
            "\"role\" \"Role\" NOT NULL DEFAULT 'admin'",
            "\"s\" TEXT NOT NULL DEFAULT 'it''s'",
            "\"n\" INTEGER NOT NULL DEFAULT -3",
            "\"f\" DOUBLE PRECISION NOT NULL DEFAULT 1.5",
            "\"b\" BOOLEAN NOT NULL DEFAULT true",
            "\"t\" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00.500 +00:00'",
            "\"g\" UUID NOT NULL DEFAULT gen_random_uuid()",
            "\"c\" TEXT NOT NULL,",
            "\"list\" INTEGER[] DEFAULT ARRAY[1, 2]::INTEGER[]",
            "\"roles\" \"Role\"[] DEFAULT ARRAY['USER']::\"Role\"[]",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        read("postgresql", body);
    }

    #[test]
    fn mysql_mapping() {
        let body = r#"
enum Role {
  USER
  ADMIN
}
model User {
  id      Int      @id @default(autoincrement())
  email   String   @unique
  bio     String?  @db.Text
  role    Role     @default(USER)
  at      DateTime @default(now())
  at0     DateTime @default(now()) @db.DateTime(0)
  amount  Decimal
  score   Float
  data    Json
  raw     Bytes
  tiny    Int      @db.UnsignedTinyInt
  code    String   @db.VarChar(20)
  posts   Post[]
}
model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
  tags     Tag[]
}
model Tag {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
"#;
        let text = generated("mysql", body);
        for expected in [
            "`id` INTEGER NOT NULL AUTO_INCREMENT",
            "`email` VARCHAR(191) NOT NULL",
            "`bio` TEXT NULL",
            "`role` ENUM('USER', 'ADMIN') NOT NULL DEFAULT 'USER'",
            "`at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
            "`at0` DATETIME(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "`amount` DECIMAL(65,30) NOT NULL",
            "`score` DOUBLE NOT NULL",
            "`data` JSON NOT NULL",
            "`raw` LONGBLOB NOT NULL",
            "`tiny` TINYINT UNSIGNED NOT NULL",
            "`code` VARCHAR(20) NOT NULL",
            "PRIMARY KEY (`id`)",
            ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
            "CREATE UNIQUE INDEX `User_email_key` ON `User`(`email`);",
            "CREATE UNIQUE INDEX `_PostToTag_AB_unique` ON `_PostToTag`(`A`, `B`);",
            "CREATE INDEX `_PostToTag_B_index` ON `_PostToTag`(`B`);",
            "ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        let schema = read("mysql", body);
        assert_eq!(schema.dialect, Dialect::Mysql);
        let user = table(&schema, "User");
        assert!(user.column("id").unwrap().auto_increment);
        assert_eq!(
            user.column("email").unwrap().ty,
            Type::Varchar { len: Some(191) }
        );
        assert_eq!(
            user.column("role").unwrap().ty,
            Type::InlineEnum {
                values: vec!["USER".into(), "ADMIN".into()]
            }
        );
        // MySQL indexes a foreign key's columns itself.
        assert!(!table(&schema, "Post").indexes.is_empty());
    }

    #[test]
    fn multi_schema_qualifies_tables_and_types() {
        let text = r#"datasource db {
  provider = "postgresql"
  schemas  = ["public", "auth"]
}

enum Role {
  A
  @@schema("auth")
}

model Account {
  id   Int  @id
  role Role
  @@schema("auth")
}

model Post {
  id Int @id
  @@schema("public")
}
"#;
        let files = [("s.prisma".to_string(), text.to_string())];
        let (schema, _) = parse_with_notes(&files, Some(Dialect::Postgres)).unwrap();
        assert!(schema.schemas.contains("auth"));
        assert!(
            schema
                .table(&QName::qualified(Some("auth".into()), "Account"))
                .is_some()
        );
        assert!(schema.table(&QName::new("Post")).is_some());
        assert_eq!(
            error(&text.replace("  @@schema(\"public\")\n", "")),
            "17:1: `Post` needs @@schema: the datasource lists `schemas`"
        );
    }

    #[test]
    fn multi_file_schema_and_ignored_views() {
        let files = [
            (
                "a.prisma".to_string(),
                "datasource db {\n  provider = \"sqlite\"\n}\n".to_string(),
            ),
            (
                "b.prisma".to_string(),
                "model A {\n  id Int @id\n  bs B[]\n}\nview V {\n  id Int @unique\n}\n".to_string(),
            ),
            (
                "c.prisma".to_string(),
                "model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n}\n"
                    .to_string(),
            ),
        ];
        let (schema, notes) = parse_with_notes(&files, Some(Dialect::Sqlite)).unwrap();
        assert_eq!(schema.tables.len(), 2);
        assert_eq!(table(&schema, "B").foreign_keys.len(), 1);
        assert!(notes[0].starts_with("b.prisma:5: view `V`"), "{notes:?}");
        // An error in the third file names it.
        let mut broken = files.clone();
        broken[2].1 = broken[2].1.replace("aId Int", "aId Integer");
        match parse_with_notes(&broken, None) {
            Err(Error::Parse { location, .. }) => {
                assert_eq!(
                    (location.file.as_str(), location.line, location.column),
                    ("c.prisma", 3, 7)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relation_mode_prisma_makes_no_foreign_keys() {
        let text = "datasource db {\n  provider = \"postgresql\"\n  relationMode = \"prisma\"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n";
        let files = [("s.prisma".to_string(), text.to_string())];
        let (schema, _) = parse_with_notes(&files, None).unwrap();
        assert!(table(&schema, "B").foreign_keys.is_empty());
    }

    #[test]
    fn dialect_must_match_the_provider() {
        let files = [(
            "s.prisma".to_string(),
            schema_text("sqlite", "model A {\n  id Int @id\n}\n"),
        )];
        match parse_with_notes(&files, Some(Dialect::Postgres)) {
            Err(Error::Usage(message)) => {
                assert!(message.contains("provider is sqlite"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_input() {
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error("model A {\n  id Int @id\n}\n"),
            "1:1: no datasource block: add `datasource db { provider = \"postgresql\" }` (or mysql, sqlite)"
        );
        assert_eq!(
            error("datasource db {\n  provider = \"mongodb\"\n}\n"),
            "2:14: provider `mongodb` is not one migen reads (postgresql, mysql, sqlite)"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id @primary\n}}\n")),
            "5:14: unknown field attribute @primary"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id\n  b Strin\n}}\n")),
            "6:5: unknown type `Strin`: not a scalar type, enum or model"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  @@indexx([id])\n}}\n"
            )),
            "6:3: unknown model attribute @@indexx"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bId Int\n  b Ghost @relation(fields: [bId], references: [id])\n}}\n"
            )),
            "7:5: unknown type `Ghost`: not a scalar type, enum or model"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  @@index([nope])\n}}\n"
            )),
            "6:12: model `A` has no field `nope`"
        );
        assert_eq!(
            error(&format!(
                "{ds}enum E {{\n  X\n}}\nmodel A {{\n  id Int @id\n  e E @default(Y)\n}}\n"
            )),
            "9:16: `Y` is not a value of enum E"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s String @db.VarChar(\"x\")\n}}\n"
            )),
            "6:24: @db.VarChar takes whole numbers"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s Int @db.VarChar(3)\n}}\n"
            )),
            "6:9: native type @db.VarChar does not fit a Int field"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s String @default(\"x)\n}}\n"
            )),
            "6:21: unterminated string"
        );
        assert_eq!(
            error(&format!("{ds}model A {{ id Int @id\n}}\n")),
            "4:11: unexpected text: each definition goes on a line of its own"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id\n")),
            "4:1: `model A` is never closed"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  x Int\n}}\n")),
            "4:1: model `A` needs an @id, @@id or a unique field (or @@ignore)"
        );
        assert_eq!(
            error(
                "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n  id Int @id\n  tags String[]\n}\n"
            ),
            "6:8: scalar lists (`String[]`) exist on PostgreSQL only"
        );
        assert_eq!(
            error(
                "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n  id String @id @db.Uuid\n}\n"
            ),
            "5:17: native type @db.Uuid is not available on SQLite"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bs B[]\n}}\nmodel B {{\n  id Int @id\n}}\n"
            )),
            "6:3: relation field `bs` has no opposite relation field in model `B`"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id @default(now())\n}}\n"
            )),
            "5:23: now() applies to DateTime fields"
        );
    }

    #[test]
    fn relations_need_a_side_with_fields() {
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  b B?\n}}\nmodel B {{\n  id Int @id\n  a A\n}}\n"
            )),
            "6:3: relation field `b` needs @relation(fields: [...], references: [...]), or its opposite in `B` does"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bs B[]\n}}\nmodel B {{\n  id Int @id\n  a A\n}}\n"
            )),
            "10:3: relation field `a` needs @relation(fields: [...], references: [...])"
        );
    }

    #[test]
    fn key_length_is_mysql_only_and_sort_is_checked() {
        let text = generated(
            "mysql",
            "model A {\n  id Int @id\n  t String @unique(length: 10) @db.Text\n  @@index([t(length: 5, sort: Desc)])\n}\n",
        );
        assert!(
            text.contains("CREATE UNIQUE INDEX `A_t_key` ON `A`(`t`(10));"),
            "{text}"
        );
        assert!(
            text.contains("CREATE INDEX `A_t_idx` ON `A`(`t`(5) DESC);"),
            "{text}"
        );
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  t String @unique(length: 10)\n}}\n"
            )),
            "6:28: index prefix `length` is MySQL only"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id(sort: Up)\n}}\n")),
            "5:20: sort is Asc or Desc"
        );
    }

    #[test]
    fn provider_survives_mistakes_elsewhere() {
        let text = "model A {\n  id Int @id @@@\n}\ndatasource db {\n  url = env(\"X\")\n  provider = \"sqlite\"\n}\n";
        assert_eq!(datasource_provider(text), Some(Dialect::Sqlite));
    }

    #[test]
    fn datetime_literals_become_prismas_sql_text() {
        assert_eq!(
            rfc3339_to_sql("2020-01-01T00:00:00Z").as_deref(),
            Some("2020-01-01 00:00:00 +00:00")
        );
        assert_eq!(
            rfc3339_to_sql("2021-06-07T08:09:10.5+02:00").as_deref(),
            Some("2021-06-07 08:09:10.500 +02:00")
        );
        assert_eq!(
            rfc3339_to_sql("2021-06-07T08:09:10.1234-05:30").as_deref(),
            Some("2021-06-07 08:09:10.123400 -05:30")
        );
        assert_eq!(rfc3339_to_sql("yesterday"), None);
    }
}
