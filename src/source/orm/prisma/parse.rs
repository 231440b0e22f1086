//! Prisma schema syntax: tokens with their file:line:column, then blocks (datasource,
//! generator, model, view, enum, type), fields with their types and attributes, and attribute
//! arguments.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pos {
    pub(super) file: usize,
    pub(super) line: u64,
    pub(super) column: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: Pos,
}

pub(super) fn error_at(files: &[(String, String)], pos: Pos, message: impl Into<String>) -> Error {
    Error::parse(&files[pos.file].0, pos.line, pos.column, message)
}

pub(super) fn tokenize(files: &[(String, String)], file: usize) -> Result<Vec<Token>> {
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

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Str(String, Pos),
    Number(String, Pos),
    /// A bare name: a constant (`true`, `Desc`, `Cascade`), an enum member or a field.
    Name(String, Pos),
    Array(Vec<Expr>, Pos),
    /// `name(args)`: a function (`now()`) or a field with arguments (`title(sort: Desc)`).
    Call(String, Vec<Arg>, Pos),
}

impl Expr {
    pub(super) fn pos(&self) -> Pos {
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
pub(super) struct Arg {
    pub(super) name: Option<String>,
    pub(super) value: Expr,
}

#[derive(Debug, Clone)]
pub(super) struct Attribute {
    /// Without the `@`/`@@`: `id`, `db.VarChar`, `@@index` → `index`.
    pub(super) name: String,
    pub(super) pos: Pos,
    pub(super) args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) pos: Pos,
    pub(super) type_name: String,
    pub(super) type_pos: Pos,
    /// The database type text of `Unsupported("...")`.
    pub(super) unsupported: Option<String>,
    pub(super) optional: bool,
    pub(super) list: bool,
    pub(super) attributes: Vec<Attribute>,
}

#[derive(Debug, Clone)]
pub(super) struct Property {
    pub(super) name: String,
    pub(super) value: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    Datasource,
    Generator,
    Model,
    Enum,
    View,
    CompositeType,
}

#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) kind: BlockKind,
    pub(super) name: String,
    pub(super) pos: Pos,
    /// Model fields, or enum values (a value is a field without a type).
    pub(super) fields: Vec<Field>,
    pub(super) attributes: Vec<Attribute>,
    /// `key = value` lines of datasource and generator blocks.
    pub(super) properties: Vec<Property>,
}

const MAX_NESTING: usize = 100;

struct Cursor<'a> {
    files: &'a [(String, String)],
    tokens: Vec<Token>,
    at: usize,
    /// How many lists and calls deep `expr` is.
    nesting: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    pub(super) fn next(&mut self) -> Token {
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

    pub(super) fn error(&self, pos: Pos, message: impl Into<String>) -> Error {
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
    pub(super) fn expr(&mut self) -> Result<Expr> {
        // Lists and calls nest by recursion: a limit far past any real schema keeps hostile
        // input from overflowing the stack.
        if self.nesting >= MAX_NESTING {
            let pos = self.peek().pos;
            return Err(self.error(pos, format!("values nested more than {MAX_NESTING} deep")));
        }
        self.nesting += 1;
        let value = self.value();
        self.nesting -= 1;
        value
    }

    fn value(&mut self) -> Result<Expr> {
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
    pub(super) fn args(&mut self) -> Result<Vec<Arg>> {
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

    pub(super) fn attribute(&mut self, pos: Pos) -> Result<Attribute> {
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

pub(super) fn parse_blocks(files: &[(String, String)]) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    for file in 0..files.len() {
        let mut cursor = Cursor {
            files,
            tokens: tokenize(files, file)?,
            at: 0,
            nesting: 0,
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
