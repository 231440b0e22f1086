//! SQLAlchemy models (`.py` files, or a directory of them) → `Schema`, read without running
//! Python.
//!
//! A small Python-subset tokenizer and parser reads module-level assignments and class bodies;
//! the declarative classes (2.x `DeclarativeBase` with `Mapped[...]`/`mapped_column`, and 1.x
//! `declarative_base()` with `Column`), `Table(...)` association tables, Python enum classes and
//! `MetaData(naming_convention=...)` are resolved into tables. The reader then renders the DDL
//! `metadata.create_all()` emits for the dialect (same types, defaults and constraint/index
//! names; checked against SQLAlchemy itself in `tests/sqlalchemy.rs`) and reads it with migen's
//! SQL parser, so the models normalise exactly like the database SQLAlchemy creates. Every
//! generated line remembers the model position it came from, so errors point at the `.py`.
//!
//! `load_exact` instead imports the project's models with its own Python and parses the DDL
//! SQLAlchemy compiles for the dialect.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::sql;

// ---------------------------------------------------------------------------------------------
// Entry points

/// Whether `path` holds SQLAlchemy models: a `.py` file or a directory of `.py` files (not a
/// Django project, which has `manage.py`) whose text imports SQLAlchemy.
pub fn is_models_path(path: &Path) -> bool {
    // A directory of .sql files stays SQL even if a helper script sits next to them.
    let has_sql = path.is_dir()
        && std::fs::read_dir(path).is_ok_and(|entries| {
            entries
                .filter_map(|e| e.ok())
                .any(|e| e.path().extension().is_some_and(|x| x == "sql"))
        });
    !has_sql
        && model_files(path).is_ok_and(|files| {
            !files.is_empty() && files.iter().any(|(_, text)| text.contains("sqlalchemy"))
        })
}

/// The dialect `alembic.ini`'s `sqlalchemy.url` names, looking from the models' folder up to
/// three folders higher (models usually sit in a package below the project root).
pub fn alembic_dialect(path: &Path) -> Option<Dialect> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start.ancestors().take(4).find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("alembic.ini")).ok()?;
        let url = text.lines().find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == "sqlalchemy.url").then(|| value.trim().to_string())
        })?;
        let scheme = url.split_once("://")?.0;
        Dialect::parse(scheme.split('+').next()?)
    })
}

/// The `.py` files of a models path, (name, text), in name order. A directory is read with its
/// sub-directories, leaving out virtual environments, caches and migration scripts.
pub fn model_files(path: &Path) -> Result<Vec<(String, String)>> {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "py") {
            return Ok(vec![(path.display().to_string(), read(path)?)]);
        }
        return Ok(Vec::new());
    }
    if !path.is_dir() || path.join("manage.py").exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    collect_py(path, &mut found)?;
    found.sort();
    let mut files = Vec::new();
    for file in found {
        files.push((file.display().to_string(), read(&file)?));
    }
    Ok(files)
}

fn collect_py(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            // Not models: environments, caches, Alembic's own scripts.
            let skip = name.starts_with('.')
                || matches!(
                    name.as_str(),
                    "venv" | "__pycache__" | "node_modules" | "alembic" | "migrations" | "versions"
                )
                || path.join("pyvenv.cfg").exists();
            if !skip {
                collect_py(&path, found)?;
            }
        } else if name.ends_with(".py") && name != "env.py" {
            found.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Read the models at `path` statically for `dialect`.
pub fn load(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let files = model_files(path)?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no SQLAlchemy model files (.py) there",
            path.display()
        )));
    }
    parse_with_notes(&files, dialect)
}

/// Read model files (name, text) as one schema for `dialect`.
pub fn parse_with_notes(
    files: &[(String, String)],
    dialect: Dialect,
) -> Result<(Schema, Vec<String>)> {
    let rendered = render(files, dialect)?;
    let label = files
        .first()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    let (schema, _generated_sql_notes) = sql::parse_with_notes(dialect, &rendered.text(), &label)
        .map_err(|error| match error {
        Error::Parse { location, message } => {
            let origin = rendered.origin_of_line(location.line);
            Error::parse(
                &files[origin.file].0,
                origin.line,
                origin.column,
                format!("migen cannot read the SQL SQLAlchemy makes of this: {message}"),
            )
        }
        other => other,
    })?;
    Ok((schema, rendered.notes))
}

/// The DDL `metadata.create_all()` would run for the models on an empty database.
pub fn ddl(files: &[(String, String)], dialect: Dialect) -> Result<String> {
    Ok(render(files, dialect)?.text())
}

/// The exact reading: the project's own Python (`MIGEN_PYTHON`, else `python3`) imports the
/// models and prints the DDL SQLAlchemy compiles for the dialect, which migen then parses.
pub fn load_exact(path: &Path, dialect: Dialect) -> Result<Schema> {
    let text = exact_ddl(path, dialect)?;
    sql::parse(
        dialect,
        &text,
        &format!("{} (SQLAlchemy DDL)", path.display()),
    )
}

/// The DDL the project's SQLAlchemy compiles for its models (what `load_exact` parses).
pub fn exact_ddl(path: &Path, dialect: Dialect) -> Result<String> {
    let python = std::env::var("MIGEN_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = std::process::Command::new(&python)
        .arg("-c")
        .arg(EXACT_SCRIPT)
        .arg(path)
        .arg(dialect_url(dialect))
        .output()
        .map_err(|e| Error::Usage(format!("cannot run {python}: {e}")))?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "{python} could not import the SQLAlchemy models at {}:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).to_string())
}

fn dialect_url(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgresql://",
        // MariaDB's dialect, as SQLAlchemy picks it on a MariaDB server (native UUID).
        Dialect::Mysql => "mariadb://",
        Dialect::Sqlite => "sqlite://",
    }
}

/// Imports the models (a file, or the top-level modules of a directory or package), finds
/// every MetaData reachable from them and prints what `create_all` would execute, compiled by a
/// mock engine for the dialect (no database needed).
const EXACT_SCRIPT: &str = r#"
import importlib, os, sys
from sqlalchemy import MetaData, Table, create_mock_engine
path, url = os.path.abspath(sys.argv[1]), sys.argv[2]
if os.path.isdir(path):
    names = sorted(f[:-3] for f in os.listdir(path) if f.endswith(".py") and f not in ("env.py", "setup.py", "conftest.py"))
    if os.path.exists(os.path.join(path, "__init__.py")):
        root, prefix = os.path.dirname(path), os.path.basename(path) + "."
        names = [n for n in names if n != "__init__"]
    else:
        root, prefix = path, ""
else:
    root, prefix, names = os.path.dirname(path), "", [os.path.basename(path)[:-3]]
sys.path.insert(0, root)
metas = []
def add(m):
    if isinstance(m, MetaData) and all(m is not x for x in metas):
        metas.append(m)
for name in names:
    module = importlib.import_module(prefix + name)
    for value in list(vars(module).values()):
        add(value)
        if isinstance(value, (type, Table)):
            add(getattr(value, "metadata", None))
out = []
engine = create_mock_engine(url, lambda sql, *a, **k: out.append(str(sql.compile(dialect=engine.dialect)).strip()))
for m in metas:
    m.create_all(engine, checkfirst=False)
print(";\n\n".join(out) + (";" if out else ""))
"#;

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Pos {
    file: usize,
    line: u64,
    column: u64,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    /// A string literal's value; `opaque` for f-strings (their value is not known statically).
    Str(String, bool),
    Num(String),
    Op(String),
    Newline,
    Indent,
    Dedent,
    End,
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
    let chars: Vec<char> = files[file].1.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let (mut i, mut line, mut line_begin) = (0usize, 1u64, 0usize);
    let mut depth = 0usize;
    let mut indents = vec![0usize];
    let mut line_start = true;
    let pos = |line, column| Pos { file, line, column };
    while i < chars.len() {
        if line_start && depth == 0 {
            let mut width = 0;
            let mut j = i;
            while j < chars.len() && matches!(chars[j], ' ' | '\t' | '\x0c') {
                width += if chars[j] == '\t' { 8 - width % 8 } else { 1 };
                j += 1;
            }
            // Blank and comment-only lines do not change the indentation.
            if j >= chars.len() || matches!(chars[j], '\n' | '\r' | '#') {
                while j < chars.len() && chars[j] != '\n' {
                    j += 1;
                }
                if j < chars.len() {
                    line += 1;
                }
                i = j + 1;
                line_begin = i;
                continue;
            }
            i = j;
            let col = (i - line_begin + 1) as u64;
            line_start = false;
            if width > *indents.last().unwrap() {
                indents.push(width);
                tokens.push(Token {
                    tok: Tok::Indent,
                    pos: pos(line, col),
                });
            }
            while width < *indents.last().unwrap() {
                indents.pop();
                tokens.push(Token {
                    tok: Tok::Dedent,
                    pos: pos(line, col),
                });
            }
            if width != *indents.last().unwrap() {
                return Err(error_at(files, pos(line, col), "inconsistent indentation"));
            }
        }
        let c = chars[i];
        let here = pos(line, (i - line_begin + 1) as u64);
        if matches!(c, ' ' | '\t' | '\x0c' | '\r') {
            i += 1;
            continue;
        }
        if c == '\\' && chars.get(i + 1) == Some(&'\n') {
            i += 2;
            line += 1;
            line_begin = i;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\n' {
            if depth == 0 {
                tokens.push(Token {
                    tok: Tok::Newline,
                    pos: here,
                });
                line_start = true;
            }
            i += 1;
            line += 1;
            line_begin = i;
            continue;
        }
        // String prefixes: r, b, u, f and their pairs.
        let mut prefix_len = 0;
        while prefix_len < 2
            && i + prefix_len < chars.len()
            && "rRbBuUfF".contains(chars[i + prefix_len])
        {
            prefix_len += 1;
        }
        let quote_at = i + prefix_len;
        if quote_at < chars.len()
            && matches!(chars[quote_at], '\'' | '"')
            && (prefix_len == 0 || !chars[i..quote_at].iter().any(|c| !"rRbBuUfF".contains(*c)))
        {
            let prefix: String = chars[i..quote_at].iter().collect::<String>().to_lowercase();
            let raw = prefix.contains('r');
            let quote = chars[quote_at];
            let triple =
                chars.get(quote_at + 1) == Some(&quote) && chars.get(quote_at + 2) == Some(&quote);
            let mut j = quote_at + if triple { 3 } else { 1 };
            let mut value = String::new();
            loop {
                let Some(&ch) = chars.get(j) else {
                    return Err(error_at(files, here, "unterminated string"));
                };
                if ch == quote
                    && (!triple
                        || (chars.get(j + 1) == Some(&quote) && chars.get(j + 2) == Some(&quote)))
                {
                    j += if triple { 3 } else { 1 };
                    break;
                }
                if ch == '\n' {
                    if !triple {
                        return Err(error_at(files, here, "unterminated string"));
                    }
                    line += 1;
                    line_begin = j + 1;
                }
                if ch == '\\' && j + 1 < chars.len() {
                    let next = chars[j + 1];
                    if raw {
                        value.push(ch);
                        value.push(next);
                    } else {
                        match next {
                            'n' => value.push('\n'),
                            't' => value.push('\t'),
                            '\n' => {}
                            '\\' | '\'' | '"' => value.push(next),
                            other => {
                                value.push('\\');
                                value.push(other);
                            }
                        }
                    }
                    if next == '\n' {
                        line += 1;
                        line_begin = j + 2;
                    }
                    j += 2;
                    continue;
                }
                value.push(ch);
                j += 1;
            }
            i = j;
            tokens.push(Token {
                tok: Tok::Str(value, prefix.contains('f')),
                pos: here,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                tok: Tok::Name(chars[start..i].iter().collect()),
                pos: here,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || chars[i] == '.'
                    || ((chars[i] == '+' || chars[i] == '-') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            tokens.push(Token {
                tok: Tok::Num(chars[start..i].iter().collect::<String>().replace('_', "")),
                pos: here,
            });
            continue;
        }
        let rest: String = chars[i..(i + 3).min(chars.len())].iter().collect();
        let op = [
            "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", ":=",
            "+=", "-=", "*=", "/=", "|=", "&=", "<<", ">>",
        ]
        .iter()
        .find(|op| rest.starts_with(**op))
        .map(|op| op.to_string())
        .unwrap_or_else(|| c.to_string());
        match op.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += op.chars().count();
        tokens.push(Token {
            tok: Tok::Op(op),
            pos: here,
        });
    }
    let end = pos(line, (i.min(chars.len()) - line_begin.min(i) + 1) as u64);
    tokens.push(Token {
        tok: Tok::Newline,
        pos: end,
    });
    for _ in 1..indents.len() {
        tokens.push(Token {
            tok: Tok::Dedent,
            pos: end,
        });
    }
    tokens.push(Token {
        tok: Tok::End,
        pos: end,
    });
    Ok(tokens)
}

// ---------------------------------------------------------------------------------------------
// Syntax

#[derive(Debug, Clone)]
enum Expr {
    Name(String, Pos),
    Attr(Box<Expr>, String, Pos),
    Call(Box<Expr>, Vec<Arg>, Pos),
    Str(String, Pos),
    Num(String, Pos),
    Const(&'static str, Pos),
    Tuple(Vec<Expr>, Pos),
    List(Vec<Expr>, Pos),
    Dict(Vec<(Expr, Expr)>, Pos),
    Subscript(Box<Expr>, Vec<Expr>, Pos),
    /// `a | b` (in annotations: `X | None`).
    Or(Box<Expr>, Box<Expr>, Pos),
    Neg(Box<Expr>, Pos),
    /// Anything else: an expression migen does not evaluate.
    Opaque(Pos),
}

#[derive(Debug, Clone)]
struct Arg {
    name: Option<String>,
    value: Expr,
    star: bool,
}

impl Expr {
    fn pos(&self) -> Pos {
        match self {
            Expr::Name(_, p)
            | Expr::Attr(_, _, p)
            | Expr::Call(_, _, p)
            | Expr::Str(_, p)
            | Expr::Num(_, p)
            | Expr::Const(_, p)
            | Expr::Tuple(_, p)
            | Expr::List(_, p)
            | Expr::Dict(_, p)
            | Expr::Subscript(_, _, p)
            | Expr::Or(_, _, p)
            | Expr::Neg(_, p)
            | Expr::Opaque(p) => *p,
        }
    }

    /// The last part of a dotted name (`sa.String` → `String`).
    fn tail(&self) -> Option<&str> {
        match self {
            Expr::Name(n, _) | Expr::Attr(_, n, _) => Some(n),
            _ => None,
        }
    }

    /// The called name and arguments of a call (`sa.Column(...)` → `Column`).
    fn call(&self) -> Option<(&str, &[Arg])> {
        match self {
            Expr::Call(func, args, _) => func.tail().map(|n| (n, args.as_slice())),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Expr::Str(s, _) => Some(s),
            _ => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Expr::Const("True", _) => Some(true),
            Expr::Const("False", _) => Some(false),
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Expr::Num(n, _) => n.parse().ok(),
            Expr::Neg(inner, _) => inner.int().map(|n| -n),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Expr::Name(n, _) => n.clone(),
            Expr::Attr(base, n, _) => format!("{}.{n}", base.describe()),
            Expr::Call(func, _, _) => format!("{}(...)", func.describe()),
            Expr::Str(s, _) => format!("{s:?}"),
            _ => "an expression".into(),
        }
    }
}

#[derive(Debug, Clone)]
enum Stmt {
    Class {
        name: String,
        bases: Vec<Arg>,
        body: Vec<Stmt>,
        pos: Pos,
    },
    Assign {
        target: Expr,
        annotation: Option<Expr>,
        value: Option<Expr>,
    },
    Expr(Expr),
    /// A function definition (only its name and decorators matter).
    Def {
        name: String,
        decorators: Vec<Expr>,
        pos: Pos,
    },
    Other,
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.at].tok
    }
    fn pos(&self) -> Pos {
        self.tokens[self.at].pos
    }
    fn next(&mut self) -> Tok {
        let tok = self.tokens[self.at].tok.clone();
        if !matches!(tok, Tok::End) {
            self.at += 1;
        }
        tok
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if o == op)
    }
    fn is_name(&self, name: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == name)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.is_op(op);
        if yes {
            self.at += 1;
        }
        yes
    }

    /// Skip to the end of the logical line, then over an indented block if one follows.
    fn skip_statement(&mut self) {
        while !matches!(self.peek(), Tok::Newline | Tok::End) {
            self.next();
        }
        self.next();
        if matches!(self.peek(), Tok::Indent) {
            let mut level = 0;
            loop {
                match self.next() {
                    Tok::Indent => level += 1,
                    Tok::Dedent => {
                        level -= 1;
                        if level == 0 {
                            break;
                        }
                    }
                    Tok::End => break,
                    _ => {}
                }
            }
        }
    }

    fn block(&mut self) -> Vec<Stmt> {
        let mut body = Vec::new();
        if matches!(self.peek(), Tok::Newline) {
            self.next();
            if !matches!(self.peek(), Tok::Indent) {
                return body;
            }
            self.next();
            while !matches!(self.peek(), Tok::Dedent | Tok::End) {
                body.push(self.statement());
            }
            self.next();
        } else {
            // `class A(B): pass` on one line.
            body.push(self.statement());
        }
        body
    }

    fn statements(&mut self) -> Vec<Stmt> {
        let mut out = Vec::new();
        while !matches!(self.peek(), Tok::End) {
            if matches!(self.peek(), Tok::Dedent | Tok::Indent | Tok::Newline) {
                self.next();
                continue;
            }
            out.push(self.statement());
        }
        out
    }

    fn statement(&mut self) -> Stmt {
        let pos = self.pos();
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            decorators.push(self.expr());
            while !matches!(self.peek(), Tok::Newline | Tok::End) {
                self.next();
            }
            self.next();
        }
        if self.is_name("class") {
            self.next();
            let name = match self.next() {
                Tok::Name(n) => n,
                _ => {
                    self.skip_statement();
                    return Stmt::Other;
                }
            };
            let bases = if self.eat_op("(") {
                self.args(")")
            } else {
                Vec::new()
            };
            if !self.eat_op(":") {
                self.skip_statement();
                return Stmt::Other;
            }
            let body = self.block();
            return Stmt::Class {
                name,
                bases,
                body,
                pos,
            };
        }
        if self.is_name("async") {
            self.next();
        }
        if self.is_name("def") {
            self.next();
            let name = match self.peek() {
                Tok::Name(n) => n.clone(),
                _ => String::new(),
            };
            self.skip_statement();
            return Stmt::Def {
                name,
                decorators,
                pos,
            };
        }
        if let Tok::Name(n) = self.peek()
            && matches!(
                n.as_str(),
                "if" | "for"
                    | "while"
                    | "with"
                    | "try"
                    | "except"
                    | "finally"
                    | "else"
                    | "elif"
                    | "import"
                    | "from"
                    | "return"
                    | "pass"
                    | "del"
                    | "global"
                    | "nonlocal"
                    | "raise"
                    | "assert"
                    | "match"
            )
        {
            self.skip_statement();
            return Stmt::Other;
        }
        let target = self.expr();
        let mut annotation = None;
        let mut value = None;
        if self.eat_op(":") {
            annotation = Some(self.expr());
        }
        if self.eat_op("=") {
            value = Some(self.expr());
        }
        let complete = matches!(self.peek(), Tok::Newline | Tok::End);
        self.skip_statement();
        if !complete {
            return Stmt::Other;
        }
        if annotation.is_none() && value.is_none() {
            return Stmt::Expr(target);
        }
        Stmt::Assign {
            target,
            annotation,
            value,
        }
    }

    /// Skip an expression migen does not read, up to a `,` or closing bracket at this level.
    fn opaque(&mut self, pos: Pos) -> Expr {
        let mut depth = 0;
        loop {
            match self.peek() {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Op(o) if depth == 0 && matches!(o.as_str(), "," | "=" | ":") => break,
                Tok::Newline | Tok::End | Tok::Indent | Tok::Dedent => break,
                _ => {}
            }
            self.next();
        }
        Expr::Opaque(pos)
    }

    fn expr(&mut self) -> Expr {
        let pos = self.pos();
        if self.is_name("lambda") || self.is_name("yield") || self.is_name("await") {
            return self.opaque(pos);
        }
        let mut left = self.unary();
        loop {
            if self.eat_op("|") {
                let right = self.unary();
                left = Expr::Or(Box::new(left), Box::new(right), pos);
                continue;
            }
            let binary = match self.peek() {
                Tok::Op(o) => matches!(
                    o.as_str(),
                    "+" | "-"
                        | "*"
                        | "/"
                        | "%"
                        | "//"
                        | "**"
                        | "&"
                        | "^"
                        | "<<"
                        | ">>"
                        | "=="
                        | "!="
                        | "<"
                        | ">"
                        | "<="
                        | ">="
                        | "@"
                ),
                Tok::Name(n) => matches!(
                    n.as_str(),
                    "and" | "or" | "in" | "is" | "not" | "if" | "else" | "for"
                ),
                _ => false,
            };
            if !binary {
                return left;
            }
            return self.opaque(pos);
        }
    }

    fn unary(&mut self) -> Expr {
        let pos = self.pos();
        if self.eat_op("-") {
            let inner = self.unary();
            return Expr::Neg(Box::new(inner), pos);
        }
        if self.is_name("not") || self.is_op("~") || self.is_op("+") || self.is_op("*") {
            return self.opaque(pos);
        }
        let mut e = self.atom();
        loop {
            let pos = self.pos();
            if self.eat_op(".") {
                match self.next() {
                    Tok::Name(n) => e = Expr::Attr(Box::new(e), n, pos),
                    _ => return self.opaque(pos),
                }
            } else if self.eat_op("(") {
                let args = self.args(")");
                let at = e.pos();
                e = Expr::Call(Box::new(e), args, at);
            } else if self.eat_op("[") {
                let items = self.items("]");
                let at = e.pos();
                e = Expr::Subscript(Box::new(e), items, at);
            } else {
                return e;
            }
        }
    }

    fn atom(&mut self) -> Expr {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Name(n) => {
                self.next();
                match n.as_str() {
                    "True" => Expr::Const("True", pos),
                    "False" => Expr::Const("False", pos),
                    "None" => Expr::Const("None", pos),
                    _ => Expr::Name(n, pos),
                }
            }
            Tok::Str(..) => {
                // Adjacent literals concatenate.
                let mut value = String::new();
                let mut opaque = false;
                while let Tok::Str(s, f) = self.peek().clone() {
                    self.next();
                    value.push_str(&s);
                    opaque |= f;
                }
                if opaque {
                    Expr::Opaque(pos)
                } else {
                    Expr::Str(value, pos)
                }
            }
            Tok::Num(n) => {
                self.next();
                Expr::Num(n, pos)
            }
            Tok::Op(o) if o == "(" => {
                self.next();
                let items = self.items(")");
                if items.len() == 1 && !self.tokens[self.at - 2].tok.eq(&Tok::Op(",".into())) {
                    items.into_iter().next().unwrap()
                } else {
                    Expr::Tuple(items, pos)
                }
            }
            Tok::Op(o) if o == "[" => {
                self.next();
                Expr::List(self.items("]"), pos)
            }
            Tok::Op(o) if o == "{" => {
                self.next();
                let mut pairs = Vec::new();
                while !self.eat_op("}") {
                    if matches!(self.peek(), Tok::End) {
                        return Expr::Opaque(pos);
                    }
                    let key = self.expr();
                    if !self.eat_op(":") {
                        // A set, a `**spread` or a comprehension: not read.
                        self.opaque(pos);
                        self.skip_to_close("}");
                        return Expr::Opaque(pos);
                    }
                    let value = self.expr();
                    pairs.push((key, value));
                    if !self.eat_op(",") && !self.is_op("}") {
                        self.skip_to_close("}");
                        return Expr::Opaque(pos);
                    }
                }
                Expr::Dict(pairs, pos)
            }
            _ => self.opaque(pos),
        }
    }

    /// Skip past the bracket that closes the current one.
    fn skip_to_close(&mut self, _close: &str) {
        let mut depth = 0;
        loop {
            match self.next() {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                Tok::End => return,
                _ => {}
            }
        }
    }

    fn items(&mut self, close: &str) -> Vec<Expr> {
        let mut items = Vec::new();
        while !self.eat_op(close) {
            if matches!(self.peek(), Tok::End) {
                break;
            }
            let item = self.expr();
            items.push(item);
            if !self.eat_op(",") && !self.is_op(close) {
                // A slice, comprehension or something else: the whole thing is opaque.
                self.skip_to_close(close);
                let pos = items[0].pos();
                return vec![Expr::Opaque(pos)];
            }
        }
        items
    }

    fn args(&mut self, close: &str) -> Vec<Arg> {
        let mut args = Vec::new();
        while !self.eat_op(close) {
            if matches!(self.peek(), Tok::End) {
                break;
            }
            let star = self.eat_op("*") || self.eat_op("**");
            let keyword = match (self.peek().clone(), &self.tokens[self.at + 1].tok) {
                (Tok::Name(n), Tok::Op(o)) if o == "=" => Some(n),
                _ => None,
            };
            if keyword.is_some() {
                self.at += 2;
            }
            let value = self.expr();
            args.push(Arg {
                name: keyword,
                value,
                star,
            });
            if !self.eat_op(",") && !self.is_op(close) {
                let pos = self.pos();
                self.skip_to_close(close);
                args.push(Arg {
                    name: None,
                    value: Expr::Opaque(pos),
                    star: true,
                });
                break;
            }
        }
        args
    }
}

fn kwarg<'a>(args: &'a [Arg], name: &str) -> Option<&'a Expr> {
    args.iter()
        .find(|a| a.name.as_deref() == Some(name))
        .map(|a| &a.value)
}

fn positional(args: &[Arg]) -> impl Iterator<Item = &Expr> {
    args.iter()
        .filter(|a| a.name.is_none() && !a.star)
        .map(|a| &a.value)
}

// ---------------------------------------------------------------------------------------------
// Models

/// A column type as the model spells it, rendered per dialect later.
#[derive(Debug, Clone)]
enum Ty {
    /// A SQLAlchemy type by class name (`String`, `VARCHAR`, `JSONB`) and its arguments.
    Named {
        name: String,
        args: Vec<Arg>,
        pos: Pos,
    },
    Enum {
        labels: Vec<String>,
        name: Option<String>,
        native: bool,
        length: Option<i64>,
        pos: Pos,
    },
    Array(Box<Ty>, Pos),
}

/// What a `Mapped[...]` annotation says: the type (None for a relationship), whether it is
/// optional, the `mapped_column` arguments of an `Annotated` alias, and the inner type's name.
type AnnotationType = (Option<Ty>, bool, Vec<Arg>, Option<String>);

#[derive(Debug, Clone)]
struct Column {
    name: String,
    key: String,
    ty: Option<Ty>,
    nullable: bool,
    primary_key: bool,
    unique: bool,
    index: bool,
    server_default: Option<Expr>,
    identity: Option<Vec<Arg>>,
    autoincrement: Option<Expr>,
    comment: Option<String>,
    pos: Pos,
}

#[derive(Debug, Clone)]
struct ForeignKey {
    name: Option<Expr>,
    columns: Vec<String>,
    /// `table.column` strings or `Class.attr` expressions, one per column.
    targets: Vec<Expr>,
    ondelete: Option<String>,
    onupdate: Option<String>,
    pos: Pos,
}

#[derive(Debug, Clone)]
struct Constraint {
    kind: &'static str,
    name: Option<Expr>,
    columns: Vec<String>,
    /// CHECK text, or index expressions rendered as SQL.
    sql: Vec<String>,
    unique: bool,
    where_: Option<String>,
    using: Option<String>,
    pos: Pos,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    schema: Option<String>,
    columns: Vec<Column>,
    foreign_keys: Vec<ForeignKey>,
    constraints: Vec<Constraint>,
    /// The naming convention of the table's MetaData.
    convention: BTreeMap<String, String>,
    sqlite_autoincrement: bool,
    comment: Option<String>,
    pos: Pos,
}

#[derive(Debug, Clone)]
struct Class {
    bases: Vec<Expr>,
    body: Vec<Stmt>,
    pos: Pos,
}

struct World<'a> {
    files: &'a [(String, String)],
    dialect: Dialect,
    assigns: HashMap<String, Expr>,
    classes: HashMap<String, Class>,
    class_order: Vec<String>,
    notes: Vec<String>,
}

const TYPE_NAMES: &[&str] = &[
    "String",
    "Unicode",
    "Text",
    "UnicodeText",
    "Integer",
    "BigInteger",
    "SmallInteger",
    "Boolean",
    "DateTime",
    "Date",
    "Time",
    "Numeric",
    "Float",
    "Double",
    "LargeBinary",
    "JSON",
    "JSONB",
    "Uuid",
    "UUID",
    "Interval",
    "Enum",
    "ARRAY",
    "VARCHAR",
    "CHAR",
    "NCHAR",
    "NVARCHAR",
    "TEXT",
    "INTEGER",
    "INT",
    "BIGINT",
    "SMALLINT",
    "BOOLEAN",
    "DATE",
    "DATETIME",
    "TIMESTAMP",
    "TIME",
    "NUMERIC",
    "DECIMAL",
    "FLOAT",
    "REAL",
    "DOUBLE",
    "DOUBLE_PRECISION",
    "BLOB",
    "CLOB",
    "BINARY",
    "VARBINARY",
    "BYTEA",
    "INET",
    "CIDR",
    "MACADDR",
    "TSVECTOR",
    "Double",
    "TINYINT",
    "MEDIUMTEXT",
    "LONGTEXT",
    "LONGBLOB",
    "MEDIUMBLOB",
    "TINYTEXT",
];

impl<'a> World<'a> {
    fn err(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    fn is_enum_class(&self, name: &str) -> bool {
        self.classes.get(name).is_some_and(|c| {
            c.bases.iter().any(|b| {
                matches!(b.tail(), Some("Enum" | "StrEnum" | "IntEnum"))
                    || b.tail().is_some_and(|t| t != name && self.is_enum_class(t))
            })
        })
    }

    fn enum_members(&self, name: &str) -> Vec<String> {
        let mut members = Vec::new();
        if let Some(class) = self.classes.get(name) {
            for stmt in &class.body {
                if let Stmt::Assign {
                    target: Expr::Name(member, _),
                    value: Some(_),
                    ..
                } = stmt
                    && !member.starts_with('_')
                    && !members.contains(member)
                {
                    members.push(member.clone());
                }
            }
        }
        members
    }

    /// A declarative root: `class Base(DeclarativeBase)` or `Base = declarative_base()`.
    fn is_root(&self, name: &str) -> bool {
        if let Some(class) = self.classes.get(name) {
            return class
                .bases
                .iter()
                .any(|b| matches!(b.tail(), Some("DeclarativeBase" | "DeclarativeBaseNoMeta")));
        }
        matches!(
            self.assigns.get(name).and_then(|v| v.call()),
            Some(("declarative_base" | "generate_base", _))
        )
    }

    /// The declarative root a class descends from, if any.
    fn root_of(&self, name: &str, seen: &mut BTreeSet<String>) -> Option<String> {
        if !seen.insert(name.to_string()) {
            return None;
        }
        if self.is_root(name) {
            return Some(name.to_string());
        }
        let class = self.classes.get(name)?;
        class
            .bases
            .iter()
            .filter_map(|b| b.tail())
            .find_map(|b| self.root_of(b, seen))
    }

    fn class_assign(&self, class: &str, attr: &str) -> Option<&Expr> {
        self.classes
            .get(class)?
            .body
            .iter()
            .rev()
            .find_map(|s| match s {
                Stmt::Assign {
                    target: Expr::Name(n, _),
                    value: Some(v),
                    ..
                } if n == attr => Some(v),
                _ => None,
            })
    }

    /// Follow a module-level name to its value (`convention = {...}`).
    fn resolve<'e>(&'e self, expr: &'e Expr) -> &'e Expr {
        let mut e = expr;
        for _ in 0..8 {
            match e {
                Expr::Name(n, _) if self.assigns.contains_key(n) => e = &self.assigns[n],
                _ => break,
            }
        }
        e
    }

    /// The `MetaData(...)` call of a declarative root.
    fn root_metadata(&self, root: &str) -> Option<&Expr> {
        let meta = if self.classes.contains_key(root) {
            self.class_assign(root, "metadata")
        } else {
            self.assigns
                .get(root)
                .and_then(|v| v.call())
                .and_then(|(_, args)| kwarg(args, "metadata"))
        }?;
        Some(self.resolve(meta))
    }

    fn metadata_settings(
        &self,
        meta: Option<&Expr>,
    ) -> Result<(BTreeMap<String, String>, Option<String>)> {
        let mut convention = BTreeMap::from([("ix".to_string(), "ix_%(column_0_label)s".into())]);
        let mut schema = None;
        let Some(meta) = meta else {
            return Ok((convention, schema));
        };
        let Some(("MetaData", args)) = meta.call() else {
            return Err(self.err(
                meta.pos(),
                format!(
                    "the MetaData is {}, which migen cannot resolve statically (use the exact mode)",
                    meta.describe()
                ),
            ));
        };
        if let Some(s) = kwarg(args, "schema") {
            schema = Some(self.string(s, "MetaData schema")?);
        }
        if let Some(nc) = kwarg(args, "naming_convention") {
            let Expr::Dict(pairs, _) = self.resolve(nc) else {
                return Err(self.err(
                    nc.pos(),
                    "naming_convention is not a dict migen can read statically",
                ));
            };
            if !pairs.is_empty() {
                convention.clear();
            }
            for (key, value) in pairs {
                let key = match key {
                    Expr::Str(s, _) => s.clone(),
                    other => match other.tail() {
                        Some("Index") => "ix".into(),
                        Some("UniqueConstraint") => "uq".into(),
                        Some("CheckConstraint") => "ck".into(),
                        Some("ForeignKeyConstraint") => "fk".into(),
                        Some("PrimaryKeyConstraint") => "pk".into(),
                        _ => {
                            return Err(self
                                .err(other.pos(), "a naming_convention key migen does not know"));
                        }
                    },
                };
                convention.insert(key, self.string(value, "a naming convention")?);
            }
        }
        Ok((convention, schema))
    }

    fn string(&self, expr: &Expr, what: &str) -> Result<String> {
        match self.resolve(expr) {
            Expr::Str(s, _) => Ok(s.clone()),
            other => Err(self.err(
                other.pos(),
                format!("{what} must be a string literal to be read statically"),
            )),
        }
    }

    /// The bases of a class in method resolution order (depth first, left to right).
    fn linear_bases(&self, name: &str, out: &mut Vec<String>) {
        let Some(class) = self.classes.get(name) else {
            return;
        };
        for base in &class.bases {
            if let Some(b) = base.tail()
                && !out.iter().any(|o| o == b)
                && self.classes.contains_key(b)
            {
                out.push(b.to_string());
                self.linear_bases(b, out);
            }
        }
    }

    fn own_tablename(&self, name: &str) -> Result<Option<(String, Pos)>> {
        let class = &self.classes[name];
        for stmt in &class.body {
            match stmt {
                Stmt::Assign {
                    target: Expr::Name(n, _),
                    value: Some(v),
                    ..
                } if n == "__tablename__" => {
                    return Ok(Some((self.string(v, "__tablename__")?, v.pos())));
                }
                Stmt::Def { name: n, pos, .. } if n == "__tablename__" => {
                    return Err(self.err(
                        *pos,
                        format!("{name}.__tablename__ is computed by a function, which migen does not run (use the exact mode)"),
                    ));
                }
                _ => {}
            }
        }
        Ok(None)
    }

    fn is_abstract(&self, name: &str) -> bool {
        self.class_assign(name, "__abstract__")
            .and_then(Expr::boolean)
            .unwrap_or(false)
    }

    /// `type_annotation_map` of a declarative root, python type name → SQLAlchemy type.
    fn annotation_map(&self, root: &str) -> Vec<(String, Expr)> {
        let Some(Expr::Dict(pairs, _)) = self
            .class_assign(root, "type_annotation_map")
            .map(|e| self.resolve(e))
        else {
            return Vec::new();
        };
        pairs
            .iter()
            .filter_map(|(k, v)| k.tail().map(|t| (t.to_string(), v.clone())))
            .collect()
    }

    fn resolve_type(&self, expr: &Expr) -> Result<Option<Ty>> {
        let expr = self.resolve(expr);
        let (name, args, pos) = match expr {
            Expr::Call(func, args, pos) => match func.tail() {
                Some(n) => (n, args.clone(), *pos),
                None => return Ok(None),
            },
            Expr::Name(..) | Expr::Attr(..) => (expr.tail().unwrap(), Vec::new(), expr.pos()),
            _ => return Ok(None),
        };
        if name == "Enum" {
            return self.enum_type(&args, pos).map(Some);
        }
        if name == "ARRAY" {
            let item = positional(&args)
                .next()
                .ok_or_else(|| self.err(pos, "ARRAY needs an item type"))?;
            let item = self
                .resolve_type(item)?
                .ok_or_else(|| self.err(item.pos(), "ARRAY's item type is not one migen knows"))?;
            return Ok(Some(Ty::Array(Box::new(item), pos)));
        }
        if name == "with_variant" || self.classes.contains_key(name) && !self.is_enum_class(name) {
            return Err(self.err(
                pos,
                format!("the type {} is a custom or variant type, which migen cannot resolve statically (use the exact mode)", expr.describe()),
            ));
        }
        if TYPE_NAMES.contains(&name) {
            return Ok(Some(Ty::Named {
                name: name.to_string(),
                args,
                pos,
            }));
        }
        Ok(None)
    }

    fn enum_type(&self, args: &[Arg], pos: Pos) -> Result<Ty> {
        if kwarg(args, "values_callable").is_some() {
            return Err(self.err(
                pos,
                "Enum(values_callable=...) is computed in Python, which migen does not run (use the exact mode)",
            ));
        }
        if kwarg(args, "create_constraint").and_then(Expr::boolean) == Some(true) {
            return Err(self.err(
                pos,
                "Enum(create_constraint=True) adds a CHECK migen does not render yet (use the exact mode)",
            ));
        }
        let mut labels = Vec::new();
        let mut class_name = None;
        for arg in positional(args) {
            match self.resolve(arg) {
                Expr::Str(s, _) => labels.push(s.clone()),
                other => match other.tail() {
                    Some(c) if self.is_enum_class(c) => {
                        labels.extend(self.enum_members(c));
                        class_name = Some(c.to_lowercase());
                    }
                    _ => {
                        return Err(self.err(
                            other.pos(),
                            format!(
                                "Enum of {}: migen cannot find that enum class in the models",
                                other.describe()
                            ),
                        ));
                    }
                },
            }
        }
        if args.iter().any(|a| a.star) {
            return Err(self.err(pos, "Enum(*values): the values are not known statically"));
        }
        let name = match kwarg(args, "name") {
            Some(n) => Some(self.string(n, "Enum name")?),
            None => class_name,
        };
        Ok(Ty::Enum {
            labels,
            name,
            native: kwarg(args, "native_enum")
                .and_then(Expr::boolean)
                .unwrap_or(true),
            length: kwarg(args, "length").and_then(Expr::int),
            pos,
        })
    }

    /// The SQLAlchemy type and optionality a `Mapped[...]` annotation implies, plus the
    /// arguments of an `Annotated[..., mapped_column(...)]` alias.
    fn annotation_type(&self, annotation: &Expr, root: &str) -> Result<AnnotationType> {
        let mut optional = false;
        let mut extra = Vec::new();
        let mut e = annotation.clone();
        if let Expr::Subscript(base, items, _) = &e
            && base.tail() == Some("Mapped")
            && items.len() == 1
        {
            e = items[0].clone();
        } else {
            return Ok((None, true, extra, None));
        }
        for _ in 0..8 {
            e = self.resolve(&e).clone();
            match e.clone() {
                Expr::Str(s, pos) => {
                    e = Expr::Name(s.trim().to_string(), pos);
                    if let Some(inner) = s.trim().strip_suffix(" | None") {
                        optional = true;
                        e = Expr::Name(inner.trim().to_string(), pos);
                    }
                }
                Expr::Or(a, b, _) => {
                    let (a, b) = (*a, *b);
                    if matches!(b, Expr::Const("None", _)) {
                        optional = true;
                        e = a;
                    } else if matches!(a, Expr::Const("None", _)) {
                        optional = true;
                        e = b;
                    } else {
                        break;
                    }
                }
                Expr::Subscript(base, items, _) => match base.tail() {
                    Some("Optional") if items.len() == 1 => {
                        optional = true;
                        e = items[0].clone();
                    }
                    Some("Union") => {
                        let rest: Vec<&Expr> = items
                            .iter()
                            .filter(|i| !matches!(i, Expr::Const("None", _)))
                            .collect();
                        optional |= rest.len() < items.len();
                        if rest.len() != 1 {
                            break;
                        }
                        e = rest[0].clone();
                    }
                    Some("Annotated") if !items.is_empty() => {
                        for item in &items[1..] {
                            if let Some(("mapped_column", args)) = item.call() {
                                extra.extend(args.iter().cloned());
                            }
                        }
                        e = items[0].clone();
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        let Some(tail) = e.tail().map(str::to_string) else {
            return Err(self.err(
                annotation.pos(),
                "a Mapped[...] annotation migen cannot resolve statically",
            ));
        };
        for (key, ty) in self.annotation_map(root) {
            if key == tail {
                return Ok((self.resolve_type(&ty)?, optional, extra, Some(tail)));
            }
        }
        let generic = match tail.as_str() {
            "int" => Some("Integer"),
            "str" => Some("String"),
            "bool" => Some("Boolean"),
            // SQLAlchemy 2.1 maps `float` to Double (2.0 used Float).
            "float" => Some("Double"),
            "Decimal" => Some("Numeric"),
            "datetime" => Some("DateTime"),
            "date" => Some("Date"),
            "time" => Some("Time"),
            "timedelta" => Some("Interval"),
            "bytes" => Some("LargeBinary"),
            "UUID" => Some("Uuid"),
            _ => None,
        };
        let pos = e.pos();
        if let Some(name) = generic {
            return Ok((
                Some(Ty::Named {
                    name: name.into(),
                    args: Vec::new(),
                    pos,
                }),
                optional,
                extra,
                Some(tail),
            ));
        }
        if self.is_enum_class(&tail) {
            let ty = self.enum_type(
                &[Arg {
                    name: None,
                    value: Expr::Name(tail.clone(), pos),
                    star: false,
                }],
                pos,
            )?;
            return Ok((Some(ty), optional, extra, Some(tail)));
        }
        // A mapped class or a collection: a relationship, not a column.
        Ok((None, optional, extra, Some(tail)))
    }

    /// A `Column(...)` / `mapped_column(...)` call into a column (and its foreign keys).
    fn column(
        &self,
        attr: &str,
        args: &[Arg],
        annotation: Option<(Option<Ty>, bool)>,
        pos: Pos,
        table: &mut Table,
    ) -> Result<()> {
        let mut name = attr.to_string();
        let mut ty = annotation.as_ref().and_then(|(t, _)| t.clone());
        let mut first = true;
        let mut fk_targets = Vec::new();
        let mut identity = None;
        for arg in args {
            if arg.star {
                return Err(self.err(
                    arg.value.pos(),
                    format!("column `{attr}` takes *args/**kwargs, which migen cannot resolve statically (use the exact mode)"),
                ));
            }
            if arg.name.is_some() {
                continue;
            }
            let value = &arg.value;
            if first && let Expr::Str(s, _) = value {
                name = s.clone();
                first = false;
                continue;
            }
            first = false;
            match value.call() {
                Some(("ForeignKey", fk_args)) => fk_targets.push((fk_args.to_vec(), value.pos())),
                Some(("Identity", id_args)) => identity = Some(id_args.to_vec()),
                Some(("Sequence" | "Computed", _)) => {
                    return Err(self.err(
                        value.pos(),
                        format!("column `{attr}`: {} is not rendered by migen's static reader yet (use the exact mode)", value.describe()),
                    ));
                }
                _ => match self.resolve_type(value)? {
                    Some(t) => ty = Some(t),
                    None => {
                        return Err(self.err(
                            value.pos(),
                            format!(
                                "column `{attr}`: {} is not a type migen knows",
                                value.describe()
                            ),
                        ));
                    }
                },
            }
        }
        if let Some(t) = kwarg(args, "type_") {
            ty = self.resolve_type(t)?;
        }
        if let Some(n) = kwarg(args, "name") {
            name = self.string(n, "a column name")?;
        }
        let flag = |key: &str| -> Result<Option<bool>> {
            match kwarg(args, key) {
                None | Some(Expr::Const("None", _)) => Ok(None),
                Some(e) => e.boolean().map(Some).ok_or_else(|| {
                    self.err(
                        e.pos(),
                        format!("{key}= must be True or False to be read statically"),
                    )
                }),
            }
        };
        let primary_key = flag("primary_key")?.unwrap_or(false);
        let nullable = match flag("nullable")? {
            Some(n) => n,
            None if primary_key => false,
            None => annotation.as_ref().map(|(_, opt)| *opt).unwrap_or(true),
        };
        let key = kwarg(args, "key")
            .and_then(|k| k.str().map(str::to_string))
            .unwrap_or_else(|| attr.to_string());
        for (fk_args, fk_pos) in fk_targets {
            let target = positional(&fk_args)
                .next()
                .cloned()
                .ok_or_else(|| self.err(fk_pos, "ForeignKey needs a target"))?;
            table.foreign_keys.push(ForeignKey {
                name: kwarg(&fk_args, "name").cloned(),
                columns: vec![name.clone()],
                targets: vec![target],
                ondelete: kwarg(&fk_args, "ondelete")
                    .map(|e| self.string(e, "ondelete"))
                    .transpose()?,
                onupdate: kwarg(&fk_args, "onupdate")
                    .map(|e| self.string(e, "onupdate"))
                    .transpose()?,
                pos: fk_pos,
            });
        }
        table.columns.push(Column {
            name,
            key,
            ty,
            nullable,
            primary_key,
            unique: flag("unique")?.unwrap_or(false),
            index: flag("index")?.unwrap_or(false),
            server_default: kwarg(args, "server_default")
                .filter(|e| !matches!(e, Expr::Const("None", _)))
                .cloned(),
            identity,
            autoincrement: kwarg(args, "autoincrement").cloned(),
            comment: self.comment(args)?,
            pos,
        });
        Ok(())
    }

    /// Columns a class body declares (in order), into `table`.
    fn class_columns(&self, class: &str, root: &str, table: &mut Table) -> Result<()> {
        let body = self.classes[class].body.clone();
        for stmt in &body {
            match stmt {
                Stmt::Def {
                    name,
                    decorators,
                    pos,
                } if !name.starts_with("__")
                    && decorators.iter().any(|d| {
                        d.tail()
                            .is_some_and(|t| t == "declared_attr" || t == "directive")
                            || matches!(d, Expr::Attr(b, _, _) if b.tail() == Some("declared_attr"))
                    }) =>
                {
                    return Err(self.err(
                        *pos,
                        format!("{class}.{name} is a declared_attr: its columns are computed by Python, which migen does not run (use the exact mode)"),
                    ));
                }
                Stmt::Assign {
                    target: Expr::Name(attr, _),
                    annotation,
                    value,
                } => {
                    if attr.starts_with("__") {
                        continue;
                    }
                    let mapped = match annotation {
                        Some(a) => {
                            let (ty, optional, extra, tail) = self.annotation_type(a, root)?;
                            let is_mapped =
                                matches!(a, Expr::Subscript(b, _, _) if b.tail() == Some("Mapped"));
                            if is_mapped {
                                Some((ty, optional, extra, tail))
                            } else {
                                None
                            }
                        }
                        None => None,
                    };
                    match (value.as_ref().and_then(|v| v.call()), &mapped) {
                        (Some(("mapped_column" | "Column", args)), _) => {
                            let mut all = mapped.as_ref().map(|m| m.2.clone()).unwrap_or_default();
                            all.extend(args.iter().cloned());
                            let pos = value.as_ref().unwrap().pos();
                            let ann = mapped.as_ref().map(|(t, o, _, _)| (t.clone(), *o));
                            self.column(attr, &all, ann, pos, table)?;
                        }
                        (
                            Some((
                                "relationship" | "column_property" | "synonym" | "composite"
                                | "association_proxy" | "query_expression" | "deferred"
                                | "hybrid_property" | "backref" | "dynamic_loader",
                                _,
                            )),
                            _,
                        ) => {}
                        (None, Some((ty, optional, extra, tail))) if value.is_none() => {
                            // `name: Mapped[int]` alone is a column; `Mapped["Other"]` or
                            // `Mapped[list[...]]` without relationship() is not one.
                            if ty.is_some() {
                                let ann = Some((ty.clone(), *optional));
                                self.column(attr, extra, ann, a_pos(stmt), table)?;
                            } else if tail
                                .as_deref()
                                .is_some_and(|t| !self.classes.contains_key(t))
                            {
                                return Err(self.err(
                                    a_pos(stmt),
                                    format!("{class}.{attr}: Mapped[{}] is a type migen cannot resolve statically", tail.clone().unwrap_or_default()),
                                ));
                            }
                        }
                        (_, Some(_)) => {
                            let v = value.as_ref().unwrap();
                            return Err(self.err(
                                v.pos(),
                                format!("{class}.{attr} is built by {}, which migen cannot resolve statically (use the exact mode)", v.describe()),
                            ));
                        }
                        (Some((callee, _)), None) if callee.to_lowercase().contains("column") => {
                            let v = value.as_ref().unwrap();
                            return Err(self.err(
                                v.pos(),
                                format!("{class}.{attr} is built by {}, which migen cannot resolve statically (use the exact mode)", v.describe()),
                            ));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A `comment=` keyword's text (`None` when absent or None).
    fn comment(&self, args: &[Arg]) -> Result<Option<String>> {
        kwarg(args, "comment")
            .filter(|e| !matches!(e, Expr::Const("None", _)))
            .map(|e| self.string(e, "a comment"))
            .transpose()
    }

    /// `__table_args__` items and `Table(...)` extra items into `table`.
    fn table_item(&self, item: &Expr, table: &mut Table) -> Result<()> {
        let item = self.resolve(item);
        if let Expr::Dict(pairs, _) = item {
            for (k, v) in pairs {
                match k.str() {
                    Some("schema") => table.schema = Some(self.string(v, "schema")?),
                    Some("sqlite_autoincrement") => {
                        table.sqlite_autoincrement = v.boolean().unwrap_or(false)
                    }
                    Some("comment") if !matches!(v, Expr::Const("None", _)) => {
                        table.comment = Some(self.string(v, "a table comment")?)
                    }
                    _ => {}
                }
            }
            return Ok(());
        }
        let Some((callee, args)) = item.call() else {
            return Err(self.err(
                item.pos(),
                format!(
                    "a table argument migen cannot resolve statically: {}",
                    item.describe()
                ),
            ));
        };
        let pos = item.pos();
        let names = |args: &[Arg]| -> Result<Vec<String>> {
            positional(args)
                .map(|e| self.column_ref(e, table))
                .collect()
        };
        match callee {
            "Column" | "mapped_column" => {
                let attr = positional(args)
                    .next()
                    .and_then(|e| e.str())
                    .ok_or_else(|| self.err(pos, "a Table column needs its name first"))?
                    .to_string();
                self.column(&attr, args, None, pos, table)?;
            }
            "Index" => {
                let mut iter = positional(args);
                let name = iter.next().cloned();
                let mut columns = Vec::new();
                let mut sql = Vec::new();
                for e in iter {
                    if let Some(("text", t)) = e.call() {
                        let text = positional(t)
                            .next()
                            .map(|e| self.string(e, "text()"))
                            .transpose()?;
                        sql.push(text.unwrap_or_default());
                        columns.push(String::new());
                    } else {
                        let c = self.column_ref(e, table)?;
                        sql.push(quote(self.dialect, &c));
                        columns.push(c);
                    }
                }
                let clause = |key: &str| -> Result<Option<String>> {
                    match kwarg(args, key) {
                        Some(e) => match e.call() {
                            Some(("text", t)) => positional(t)
                                .next()
                                .map(|e| self.string(e, "text()"))
                                .transpose(),
                            _ => Ok(Some(self.string(e, key)?)),
                        },
                        None => Ok(None),
                    }
                };
                let where_ = match self.dialect {
                    Dialect::Postgres => clause("postgresql_where")?,
                    Dialect::Sqlite => clause("sqlite_where")?,
                    Dialect::Mysql => None,
                };
                let using = match self.dialect {
                    Dialect::Postgres => clause("postgresql_using")?,
                    _ => None,
                };
                table.constraints.push(Constraint {
                    kind: "ix",
                    name: name.filter(|n| !matches!(n, Expr::Const("None", _))),
                    columns,
                    sql,
                    unique: kwarg(args, "unique")
                        .and_then(Expr::boolean)
                        .unwrap_or(false),
                    where_,
                    using,
                    pos,
                });
            }
            "UniqueConstraint" | "PrimaryKeyConstraint" => {
                let columns = names(args)?;
                if callee == "PrimaryKeyConstraint" {
                    for c in &mut table.columns {
                        if columns.contains(&c.name) {
                            c.primary_key = true;
                            c.nullable = false;
                        }
                    }
                }
                table.constraints.push(Constraint {
                    kind: if callee == "UniqueConstraint" {
                        "uq"
                    } else {
                        "pk"
                    },
                    name: kwarg(args, "name").cloned(),
                    columns,
                    sql: Vec::new(),
                    unique: true,
                    where_: None,
                    using: None,
                    pos,
                });
            }
            "CheckConstraint" => {
                let text = positional(args)
                    .next()
                    .ok_or_else(|| self.err(pos, "CheckConstraint needs its SQL"))?;
                let text = match text.call() {
                    Some(("text", t)) => positional(t)
                        .next()
                        .map(|e| self.string(e, "text()"))
                        .transpose()?
                        .unwrap_or_default(),
                    _ => self.string(text, "CheckConstraint's SQL")?,
                };
                table.constraints.push(Constraint {
                    kind: "ck",
                    name: kwarg(args, "name").cloned(),
                    columns: Vec::new(),
                    sql: vec![text],
                    unique: false,
                    where_: None,
                    using: None,
                    pos,
                });
            }
            "ForeignKeyConstraint" => {
                let mut iter = positional(args);
                let list = |e: Option<&Expr>| -> Vec<Expr> {
                    match e.map(|e| self.resolve(e)) {
                        Some(Expr::List(items, _) | Expr::Tuple(items, _)) => items.clone(),
                        _ => Vec::new(),
                    }
                };
                let columns: Vec<String> = list(iter.next())
                    .iter()
                    .map(|e| self.column_ref(e, table))
                    .collect::<Result<_>>()?;
                let targets = list(iter.next());
                if columns.is_empty() || columns.len() != targets.len() {
                    return Err(self.err(
                        pos,
                        "ForeignKeyConstraint needs two lists of the same length",
                    ));
                }
                table.foreign_keys.push(ForeignKey {
                    name: kwarg(args, "name").cloned(),
                    columns,
                    targets,
                    ondelete: kwarg(args, "ondelete")
                        .map(|e| self.string(e, "ondelete"))
                        .transpose()?,
                    onupdate: kwarg(args, "onupdate")
                        .map(|e| self.string(e, "onupdate"))
                        .transpose()?,
                    pos,
                });
            }
            other => {
                return Err(self.err(
                    pos,
                    format!("table argument {other}(...) is not one migen reads statically (use the exact mode)"),
                ));
            }
        }
        Ok(())
    }

    /// A column named in a constraint: `"email"`, or a `Column` attribute / key.
    fn column_ref(&self, e: &Expr, table: &Table) -> Result<String> {
        let key = match e {
            Expr::Str(s, _) => s.clone(),
            other => other.tail().map(str::to_string).ok_or_else(|| {
                self.err(
                    e.pos(),
                    "a column reference migen cannot resolve statically",
                )
            })?,
        };
        Ok(table
            .columns
            .iter()
            .find(|c| c.key == key || c.name == key)
            .map(|c| c.name.clone())
            .unwrap_or(key))
    }
}

fn a_pos(stmt: &Stmt) -> Pos {
    match stmt {
        Stmt::Assign { target, .. } => target.pos(),
        _ => Pos::default(),
    }
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

// ---------------------------------------------------------------------------------------------
// From the models to tables

fn collect(files: &[(String, String)], dialect: Dialect) -> Result<(Vec<Table>, Vec<String>)> {
    let mut world = World {
        files,
        dialect,
        assigns: HashMap::new(),
        classes: HashMap::new(),
        class_order: Vec::new(),
        notes: Vec::new(),
    };
    // Tables come in definition order: declarative classes and `Table(...)` calls alike.
    enum Def {
        Class(String),
        Table(Expr),
    }
    let mut defs = Vec::new();
    for index in 0..files.len() {
        let tokens = tokenize(files, index)?;
        let mut parser = Parser { tokens, at: 0 };
        for stmt in parser.statements() {
            match stmt {
                Stmt::Class {
                    name,
                    bases,
                    body,
                    pos,
                } => {
                    let bases = bases
                        .into_iter()
                        .filter(|a| a.name.is_none())
                        .map(|a| a.value)
                        .collect();
                    world.class_order.push(name.clone());
                    defs.push(Def::Class(name.clone()));
                    world
                        .classes
                        .insert(name.clone(), Class { bases, body, pos });
                }
                Stmt::Assign {
                    target: Expr::Name(name, _),
                    value: Some(value),
                    ..
                } => {
                    if let Some(("Table", _)) = value.call() {
                        defs.push(Def::Table(value.clone()));
                    }
                    world.assigns.insert(name, value);
                }
                Stmt::Expr(e) if matches!(e.call(), Some(("Table", _))) => {
                    defs.push(Def::Table(e));
                }
                _ => {}
            }
        }
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut table_of_class: HashMap<String, usize> = HashMap::new();
    for def in defs {
        match def {
            Def::Class(name) => {
                let Some(root) = world.root_of(&name, &mut BTreeSet::new()) else {
                    continue;
                };
                if root == name || world.is_abstract(&name) {
                    continue;
                }
                let mut bases = Vec::new();
                world.linear_bases(&name, &mut bases);
                let parent = bases.iter().find_map(|b| table_of_class.get(b).copied());
                let Some((tablename, pos)) = world.own_tablename(&name)? else {
                    // Single-table inheritance: the subclass's columns join its parent's table.
                    if let Some(parent) = parent {
                        let mut extra = tables[parent].clone();
                        extra.columns.clear();
                        extra.foreign_keys.clear();
                        extra.constraints.clear();
                        world.class_columns(&name, &root, &mut extra)?;
                        let t = &mut tables[parent];
                        t.columns.extend(extra.columns);
                        t.foreign_keys.extend(extra.foreign_keys);
                        table_of_class.insert(name, parent);
                    } else {
                        let class = &world.classes[&name];
                        world.notes.push(format!(
                            "{}:{}: class {name} has no __tablename__ and no mapped parent; it makes no table",
                            files[class.pos.file].0, class.pos.line
                        ));
                    }
                    continue;
                };
                let (convention, schema) = world.metadata_settings(world.root_metadata(&root))?;
                let mut table = Table {
                    name: tablename,
                    schema,
                    columns: Vec::new(),
                    foreign_keys: Vec::new(),
                    constraints: Vec::new(),
                    convention,
                    sqlite_autoincrement: false,
                    comment: None,
                    pos,
                };
                // Columns of mixins and abstract bases are copied into every table; a mapped
                // parent keeps its own (joined-table inheritance).
                let mut sources: Vec<String> = bases
                    .iter()
                    .filter(|b| !table_of_class.contains_key(*b))
                    .cloned()
                    .collect();
                sources.push(name.clone());
                for source in &sources {
                    world.class_columns(source, &root, &mut table)?;
                }
                // SQLAlchemy orders a table's columns by creation, i.e. by source position.
                table
                    .columns
                    .sort_by_key(|c| (c.pos.file, c.pos.line, c.pos.column));
                let mut dedup: Vec<Column> = Vec::new();
                for column in table.columns.drain(..).rev() {
                    if !dedup.iter().any(|c| c.key == column.key) {
                        dedup.push(column);
                    }
                }
                dedup.reverse();
                table.columns = dedup;
                let args = std::iter::once(name.as_str())
                    .chain(bases.iter().map(String::as_str))
                    .find_map(|c| world.class_assign(c, "__table_args__"))
                    .cloned();
                if let Some(args) = args {
                    match world.resolve(&args) {
                        Expr::Tuple(items, _) | Expr::List(items, _) => {
                            for item in items {
                                world.table_item(item, &mut table)?;
                            }
                        }
                        Expr::Dict(..) => world.table_item(&args, &mut table)?,
                        other => {
                            return Err(world.err(
                                other.pos(),
                                format!("{name}.__table_args__ is {}, which migen cannot resolve statically (use the exact mode)", other.describe()),
                            ));
                        }
                    }
                }
                table_of_class.insert(name, tables.len());
                tables.push(table);
            }
            Def::Table(call) => {
                let Expr::Call(_, args, pos) = &call else {
                    continue;
                };
                let mut iter = positional(args);
                let name = iter
                    .next()
                    .map(|e| world.string(e, "a Table name"))
                    .transpose()?
                    .ok_or_else(|| world.err(*pos, "Table needs a name"))?;
                let meta = iter.next();
                let meta_call = match meta {
                    Some(Expr::Attr(base, attr, _)) if attr == "metadata" => base
                        .tail()
                        .and_then(|b| world.root_of(b, &mut BTreeSet::new()))
                        .and_then(|root| world.root_metadata(&root)),
                    Some(other) => Some(world.resolve(other)),
                    None => None,
                };
                let (convention, schema) = world.metadata_settings(meta_call)?;
                let mut table = Table {
                    name,
                    schema,
                    columns: Vec::new(),
                    foreign_keys: Vec::new(),
                    constraints: Vec::new(),
                    convention,
                    sqlite_autoincrement: false,
                    comment: None,
                    pos: *pos,
                };
                for arg in args.iter().filter(|a| a.name.is_none()).skip(2) {
                    if arg.star {
                        return Err(world.err(
                            arg.value.pos(),
                            "Table(..., *items): the items are not known statically (use the exact mode)",
                        ));
                    }
                    world.table_item(&arg.value, &mut table)?;
                }
                if let Some(s) = kwarg(args, "schema") {
                    table.schema = Some(world.string(s, "schema")?);
                }
                if let Some(v) = kwarg(args, "sqlite_autoincrement") {
                    table.sqlite_autoincrement = v.boolean().unwrap_or(false);
                }
                if let Some(comment) = world.comment(args)? {
                    table.comment = Some(comment);
                }
                tables.push(table);
            }
        }
    }
    // Foreign keys name their targets as "table.column" or Class.attribute.
    let class_tables: HashMap<String, (String, Vec<(String, String)>)> = table_of_class
        .iter()
        .map(|(class, &i)| {
            let t = &tables[i];
            (
                class.clone(),
                (
                    t.name.clone(),
                    t.columns
                        .iter()
                        .map(|c| (c.key.clone(), c.name.clone()))
                        .collect(),
                ),
            )
        })
        .collect();
    let mut resolved: Vec<Vec<ResolvedFk>> = Vec::new();
    for table in &tables {
        let mut list = Vec::new();
        for fk in &table.foreign_keys {
            let mut target_table: Option<(Option<String>, String)> = None;
            let mut target_columns = Vec::new();
            for target in &fk.targets {
                let (schema, tname, column) = match world.resolve(target) {
                    Expr::Str(s, _) => {
                        let parts: Vec<&str> = s.split('.').collect();
                        match parts.as_slice() {
                            [t, c] => (None, t.to_string(), c.to_string()),
                            [s, t, c] => (Some(s.to_string()), t.to_string(), c.to_string()),
                            _ => {
                                return Err(world.err(
                                    target.pos(),
                                    format!("ForeignKey target {s:?} is not table.column"),
                                ));
                            }
                        }
                    }
                    Expr::Attr(base, attr, _)
                        if base.tail().is_some_and(|b| class_tables.contains_key(b)) =>
                    {
                        let (t, cols) = &class_tables[base.tail().unwrap()];
                        let column = cols
                            .iter()
                            .find(|(k, _)| k == attr)
                            .map(|(_, n)| n.clone())
                            .unwrap_or_else(|| attr.clone());
                        (None, t.clone(), column)
                    }
                    other => {
                        return Err(world.err(
                            other.pos(),
                            format!(
                                "ForeignKey target {} cannot be resolved statically",
                                other.describe()
                            ),
                        ));
                    }
                };
                let schema = schema.or_else(|| {
                    tables
                        .iter()
                        .find(|t| t.name == tname)
                        .and_then(|t| t.schema.clone())
                });
                target_table = Some((schema, tname));
                target_columns.push(column);
            }
            let (schema, tname) = target_table.unwrap();
            list.push(ResolvedFk {
                schema,
                table: tname,
                columns: target_columns,
            });
        }
        resolved.push(list);
    }
    // A column without a type takes its foreign key target's.
    for ti in 0..tables.len() {
        for ci in 0..tables[ti].columns.len() {
            if tables[ti].columns[ci].ty.is_some() {
                continue;
            }
            let cname = tables[ti].columns[ci].name.clone();
            let found = tables[ti]
                .foreign_keys
                .iter()
                .zip(&resolved[ti])
                .find_map(|(fk, r)| {
                    let at = fk.columns.iter().position(|c| *c == cname)?;
                    let target = tables.iter().find(|t| t.name == r.table)?;
                    target
                        .columns
                        .iter()
                        .find(|c| c.name == r.columns[at])
                        .and_then(|c| c.ty.clone())
                });
            match found {
                Some(ty) => tables[ti].columns[ci].ty = Some(ty),
                None => {
                    return Err(world.err(
                        tables[ti].columns[ci].pos,
                        format!("column `{cname}` has no type migen can find"),
                    ));
                }
            }
        }
    }
    for (table, fks) in tables.iter_mut().zip(resolved) {
        for (fk, r) in table.foreign_keys.iter_mut().zip(fks) {
            fk.targets = vec![Expr::Str(
                serde_json::json!([r.schema, r.table, r.columns]).to_string(),
                fk.pos,
            )];
        }
    }
    Ok((tables, world.notes))
}

struct ResolvedFk {
    schema: Option<String>,
    table: String,
    columns: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// DDL as SQLAlchemy emits it

struct Rendered {
    lines: Vec<(String, Pos)>,
    notes: Vec<String>,
}

impl Rendered {
    fn text(&self) -> String {
        let mut text = String::new();
        for (line, _) in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    fn origin_of_line(&self, line: u64) -> Pos {
        self.lines
            .get((line.max(1) - 1) as usize)
            .or(self.lines.last())
            .map(|(_, pos)| *pos)
            .unwrap_or_default()
    }
}

fn render(files: &[(String, String)], dialect: Dialect) -> Result<Rendered> {
    let (tables, notes) = collect(files, dialect)?;
    let mut r = Renderer {
        files,
        dialect,
        lines: Vec::new(),
        enums: BTreeSet::new(),
    };
    // Referenced tables first, as `metadata.sorted_tables` does.
    let mut order: Vec<usize> = Vec::new();
    let mut placed = vec![false; tables.len()];
    while order.len() < tables.len() {
        let before = order.len();
        for (i, t) in tables.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let waiting = t.foreign_keys.iter().any(|fk| {
                let target = fk_target(fk);
                tables
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && !placed[j] && o.name == target.1)
            });
            if !waiting {
                placed[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle: the rest in definition order.
            for (i, done) in placed.iter_mut().enumerate() {
                if !*done {
                    *done = true;
                    order.push(i);
                }
            }
        }
    }
    for i in order {
        r.table(&tables[i])?;
    }
    Ok(Rendered {
        lines: r.lines,
        notes,
    })
}

fn fk_target(fk: &ForeignKey) -> (Option<String>, String, Vec<String>) {
    let text = fk.targets[0].str().unwrap_or("[null, \"\", []]");
    serde_json::from_str(text).unwrap_or((None, String::new(), Vec::new()))
}

struct Renderer<'a> {
    files: &'a [(String, String)],
    dialect: Dialect,
    lines: Vec<(String, Pos)>,
    enums: BTreeSet<String>,
}

const INTEGER_TYPES: &[&str] = &[
    "Integer",
    "BigInteger",
    "SmallInteger",
    "INTEGER",
    "INT",
    "BIGINT",
    "SMALLINT",
];

impl Renderer<'_> {
    fn err(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    fn q(&self, name: &str) -> String {
        quote(self.dialect, name)
    }

    fn qualified(&self, schema: &Option<String>, name: &str) -> String {
        match schema {
            Some(s) => format!("{}.{}", self.q(s), self.q(name)),
            None => self.q(name),
        }
    }

    fn table(&mut self, t: &Table) -> Result<()> {
        let pks: Vec<&Column> = t.columns.iter().filter(|c| c.primary_key).collect();
        // The "autoincrement" column: a lone integer primary key without a foreign key.
        let auto = match pks.as_slice() {
            [c] if matches!(&c.ty, Some(Ty::Named { name, .. }) if INTEGER_TYPES.contains(&name.as_str()))
                && c.server_default.is_none() =>
            {
                let explicit = c.autoincrement.as_ref().and_then(Expr::boolean);
                let has_fk = t.foreign_keys.iter().any(|fk| fk.columns.contains(&c.name));
                match explicit {
                    Some(false) => None,
                    Some(true) => Some(c.name.clone()),
                    None if has_fk => None,
                    None => Some(c.name.clone()),
                }
            }
            _ => None,
        };
        for c in &t.columns {
            if let Some(Ty::Enum {
                labels,
                name,
                native: true,
                pos,
                ..
            }) = &c.ty
                && self.dialect == Dialect::Postgres
            {
                let name = name.clone().ok_or_else(|| {
                    self.err(
                        *pos,
                        "PostgreSQL ENUM type requires a name (Enum(..., name=...))",
                    )
                })?;
                if self.enums.insert(name.clone()) {
                    let labels: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
                    self.lines.push((
                        format!(
                            "CREATE TYPE {} AS ENUM ({});",
                            self.qualified(&t.schema, &name),
                            labels.join(", ")
                        ),
                        *pos,
                    ));
                }
            }
        }
        self.lines.push((
            format!("CREATE TABLE {} (", self.qualified(&t.schema, &t.name)),
            t.pos,
        ));
        let mut items: Vec<(String, Pos)> = Vec::new();
        let sqlite_inline_pk =
            self.dialect == Dialect::Sqlite && t.sqlite_autoincrement && auto.is_some();
        for c in &t.columns {
            let is_auto = auto.as_deref() == Some(c.name.as_str());
            let ty = c.ty.as_ref().unwrap();
            let mut sql = format!("{} {}", self.q(&c.name), self.ty(ty, &c.name)?);
            if is_auto && self.dialect == Dialect::Postgres {
                sql = format!(
                    "{} {}",
                    self.q(&c.name),
                    match &c.identity {
                        Some(args) => {
                            let always = kwarg(args, "always")
                                .and_then(Expr::boolean)
                                .unwrap_or(false);
                            format!(
                                "{} GENERATED {} AS IDENTITY",
                                self.ty(ty, &c.name)?,
                                if always { "ALWAYS" } else { "BY DEFAULT" }
                            )
                        }
                        None => match ty {
                            Ty::Named { name, .. }
                                if name.starts_with("Big") || name == "BIGINT" =>
                                "BIGSERIAL".into(),
                            Ty::Named { name, .. }
                                if name.starts_with("Small") || name == "SMALLINT" =>
                                "SMALLSERIAL".into(),
                            _ => "SERIAL".into(),
                        },
                    }
                );
            }
            if let Some(default) = &c.server_default {
                sql.push_str(" DEFAULT ");
                sql.push_str(&self.default(default)?);
            }
            if !c.nullable {
                sql.push_str(" NOT NULL");
            }
            if is_auto && self.dialect == Dialect::Mysql {
                sql.push_str(" AUTO_INCREMENT");
            }
            if is_auto && sqlite_inline_pk {
                sql.push_str(" PRIMARY KEY AUTOINCREMENT");
            }
            // SQLite keeps no comments; SQLAlchemy leaves them out there.
            if let (Some(comment), Dialect::Mysql) = (&c.comment, self.dialect) {
                sql.push_str(&format!(" COMMENT {}", quote_literal(comment)));
            }
            items.push((sql, c.pos));
        }
        let names = |cols: &[String]| -> String {
            cols.iter()
                .map(|c| self.q(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let pk_columns: Vec<String> = pks.iter().map(|c| c.name.clone()).collect();
        if !pk_columns.is_empty() && !sqlite_inline_pk {
            let explicit = t.constraints.iter().find(|c| c.kind == "pk");
            let name = self.name(
                t,
                "pk",
                explicit.and_then(|c| c.name.as_ref()),
                &pk_columns,
                None,
                t.pos,
            )?;
            items.push((
                format!(
                    "{}PRIMARY KEY ({})",
                    constraint(self, name),
                    names(&pk_columns)
                ),
                explicit.map(|c| c.pos).unwrap_or(t.pos),
            ));
        }
        let mut indexes: Vec<Constraint> = Vec::new();
        for c in &t.columns {
            if c.index {
                indexes.push(Constraint {
                    kind: "ix",
                    name: None,
                    columns: vec![c.name.clone()],
                    sql: vec![self.q(&c.name)],
                    unique: c.unique,
                    where_: None,
                    using: None,
                    pos: c.pos,
                });
            } else if c.unique {
                let name = self.name(t, "uq", None, std::slice::from_ref(&c.name), None, c.pos)?;
                items.push((
                    format!("{}UNIQUE ({})", constraint(self, name), self.q(&c.name)),
                    c.pos,
                ));
            }
        }
        for k in &t.constraints {
            match k.kind {
                "uq" => {
                    let name = self.name(t, "uq", k.name.as_ref(), &k.columns, None, k.pos)?;
                    items.push((
                        format!("{}UNIQUE ({})", constraint(self, name), names(&k.columns)),
                        k.pos,
                    ));
                }
                "ck" => {
                    let name = self.name(t, "ck", k.name.as_ref(), &k.columns, None, k.pos)?;
                    items.push((
                        format!("{}CHECK ({})", constraint(self, name), k.sql[0]),
                        k.pos,
                    ));
                }
                "ix" => indexes.push(k.clone()),
                _ => {}
            }
        }
        for fk in &t.foreign_keys {
            let (schema, table, columns) = fk_target(fk);
            let name = self.name(
                t,
                "fk",
                fk.name.as_ref(),
                &fk.columns,
                Some((&table, &columns)),
                fk.pos,
            )?;
            let mut sql = format!(
                "{}FOREIGN KEY({}) REFERENCES {} ({})",
                constraint(self, name),
                names(&fk.columns),
                self.qualified(&schema, &table),
                names(&columns)
            );
            if let Some(action) = &fk.ondelete {
                sql.push_str(&format!(" ON DELETE {action}"));
            }
            if let Some(action) = &fk.onupdate {
                sql.push_str(&format!(" ON UPDATE {action}"));
            }
            items.push((sql, fk.pos));
        }
        let count = items.len();
        for (i, (sql, pos)) in items.into_iter().enumerate() {
            let comma = if i + 1 < count { "," } else { "" };
            self.lines.push((format!("\t{sql}{comma}"), pos));
        }
        match (&t.comment, self.dialect) {
            (Some(comment), Dialect::Mysql) => self
                .lines
                .push((format!(")COMMENT={};", quote_literal(comment)), t.pos)),
            _ => self.lines.push((");".into(), t.pos)),
        }
        if self.dialect == Dialect::Postgres {
            let table = self.qualified(&t.schema, &t.name);
            if let Some(comment) = &t.comment {
                self.lines.push((
                    format!("COMMENT ON TABLE {table} IS {};", quote_literal(comment)),
                    t.pos,
                ));
            }
            for c in t.columns.iter().filter(|c| c.comment.is_some()) {
                let comment = c.comment.as_deref().unwrap_or_default();
                self.lines.push((
                    format!(
                        "COMMENT ON COLUMN {table}.{} IS {};",
                        self.q(&c.name),
                        quote_literal(comment)
                    ),
                    c.pos,
                ));
            }
        }
        for ix in &indexes {
            let columns: Vec<String> = ix
                .columns
                .iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect();
            let name = self
                .name(t, "ix", ix.name.as_ref(), &columns, None, ix.pos)?
                .ok_or_else(|| {
                    self.err(
                        ix.pos,
                        "this index has no name and the naming convention has no \"ix\" entry",
                    )
                })?;
            let mut sql = format!(
                "CREATE {}INDEX {} ON {}",
                if ix.unique { "UNIQUE " } else { "" },
                self.qualified(
                    &if self.dialect == Dialect::Sqlite {
                        t.schema.clone()
                    } else {
                        None
                    },
                    &name
                ),
                self.qualified(
                    &if self.dialect == Dialect::Sqlite {
                        None
                    } else {
                        t.schema.clone()
                    },
                    &t.name
                ),
            );
            if let Some(using) = &ix.using {
                sql.push_str(&format!(" USING {using}"));
            }
            sql.push_str(&format!(" ({})", ix.sql.join(", ")));
            if let Some(w) = &ix.where_ {
                sql.push_str(&format!(" WHERE {w}"));
            }
            sql.push(';');
            self.lines.push((sql, ix.pos));
        }
        Ok(())
    }

    /// A constraint or index name: the explicit one, or the naming convention's.
    fn name(
        &self,
        t: &Table,
        kind: &str,
        explicit: Option<&Expr>,
        columns: &[String],
        referred: Option<(&str, &[String])>,
        pos: Pos,
    ) -> Result<Option<String>> {
        let explicit = match explicit {
            None | Some(Expr::Const("None", _)) => None,
            Some(Expr::Str(s, _)) => Some((s.clone(), false)),
            Some(e) => match e.call() {
                Some(("conv", args)) => match positional(args).next() {
                    Some(Expr::Str(s, _)) => Some((s.clone(), true)),
                    _ => return Err(self.err(e.pos(), "conv() of something not a string literal")),
                },
                _ => {
                    return Err(self.err(
                        e.pos(),
                        format!("the name {} cannot be resolved statically", e.describe()),
                    ));
                }
            },
        };
        let Some(template) = t.convention.get(kind) else {
            return Ok(explicit.map(|(n, _)| n));
        };
        match &explicit {
            Some((n, true)) => return Ok(Some(n.clone())),
            Some((n, false)) if !template.contains("%(constraint_name)s") => {
                return Ok(Some(n.clone()));
            }
            None if template.contains("%(constraint_name)s") => {
                return Err(self.err(pos, format!(
                    "the naming convention {template:?} needs %(constraint_name)s, so SQLAlchemy requires this constraint to be named explicitly"
                )));
            }
            _ => {}
        }
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("%(") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find(")s") else {
                break;
            };
            let token = &rest[start + 2..start + end];
            rest = &rest[start + end + 2..];
            let value = self
                .token(
                    t,
                    token,
                    explicit.as_ref().map(|(n, _)| n.as_str()),
                    columns,
                    referred,
                )
                .ok_or_else(|| {
                    self.err(
                        pos,
                        format!(
                            "naming convention token %({token})s cannot be filled for this {kind}"
                        ),
                    )
                })?;
            out.push_str(&value);
        }
        out.push_str(rest);
        let limit = match self.dialect {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => usize::MAX,
        };
        if out.len() > limit {
            return Err(self.err(pos, format!(
                "the convention name {out:?} is longer than {limit} characters; SQLAlchemy shortens it with a hash migen does not compute (use the exact mode)"
            )));
        }
        Ok(Some(out))
    }

    fn token(
        &self,
        t: &Table,
        token: &str,
        constraint_name: Option<&str>,
        columns: &[String],
        referred: Option<(&str, &[String])>,
    ) -> Option<String> {
        match token {
            "table_name" => return Some(t.name.clone()),
            "constraint_name" => return constraint_name.map(str::to_string),
            "referred_table_name" => return referred.map(|r| r.0.to_string()),
            _ => {}
        }
        let (cols, base): (Vec<String>, &str) =
            if let Some(rest) = token.strip_prefix("referred_column_") {
                (referred?.1.to_vec(), rest)
            } else if let Some(rest) = token.strip_prefix("column_") {
                (columns.to_vec(), rest)
            } else {
                return None;
            };
        let key_of = |c: &String| {
            t.columns
                .iter()
                .find(|x| &x.name == c)
                .map(|x| x.key.clone())
                .unwrap_or(c.clone())
        };
        let render = |c: &String, what: &str| -> String {
            match what {
                "label" if !token.starts_with("referred") => format!("{}_{c}", t.name),
                "key" => key_of(c),
                _ => c.clone(),
            }
        };
        let (all, sep, what) = if let Some(w) = base.strip_prefix("0N_") {
            (true, "", w)
        } else if let Some(w) = base.strip_prefix("0_N_") {
            (true, "_", w)
        } else if let Some(w) = base.strip_prefix("0_") {
            (false, "", w)
        } else {
            return None;
        };
        if cols.is_empty() {
            return None;
        }
        if all {
            Some(
                cols.iter()
                    .map(|c| render(c, what))
                    .collect::<Vec<_>>()
                    .join(sep),
            )
        } else {
            Some(render(&cols[0], what))
        }
    }

    fn default(&self, e: &Expr) -> Result<String> {
        match e {
            Expr::Str(s, _) => Ok(quote_literal(s)),
            Expr::Call(func, args, pos) => match (func.as_ref(), func.tail()) {
                (_, Some("text" | "literal_column")) => match positional(args).next() {
                    Some(Expr::Str(s, _)) => Ok(s.clone()),
                    _ => Err(self.err(*pos, "text() of something not a string literal")),
                },
                (Expr::Attr(base, name, _), _) if base.tail() == Some("func") && args.is_empty() => {
                    Ok(match (name.to_lowercase().as_str(), self.dialect) {
                        ("now", Dialect::Sqlite) | ("current_timestamp", _) => "CURRENT_TIMESTAMP".into(),
                        ("current_date", _) => "CURRENT_DATE".into(),
                        ("current_time", _) => "CURRENT_TIME".into(),
                        ("localtimestamp", _) => "LOCALTIMESTAMP".into(),
                        _ => format!("{name}()"),
                    })
                }
                _ => Err(self.err(*pos, format!("server_default={} is not something migen renders statically (use the exact mode)", e.describe()))),
            },
            other => Err(self.err(
                other.pos(),
                "server_default must be a string, text(...) or func.*(); SQLAlchemy refuses other values",
            )),
        }
    }

    fn ty(&self, ty: &Ty, column: &str) -> Result<String> {
        let d = self.dialect;
        match ty {
            Ty::Enum {
                labels,
                name,
                native,
                length,
                ..
            } => {
                if *native && d == Dialect::Postgres {
                    Ok(self.q(name.as_deref().unwrap_or_default()))
                } else if *native && d == Dialect::Mysql {
                    let labels: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
                    Ok(format!("ENUM({})", labels.join(", ")))
                } else {
                    let longest =
                        labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as i64;
                    Ok(format!("VARCHAR({})", length.unwrap_or(longest)))
                }
            }
            Ty::Array(item, pos) => {
                if d != Dialect::Postgres {
                    return Err(self.err(
                        *pos,
                        format!("column `{column}`: ARRAY exists only on PostgreSQL"),
                    ));
                }
                Ok(format!("{}[]", self.ty(item, column)?))
            }
            Ty::Named { name, args, pos } => {
                let nums: Vec<i64> = positional(args).filter_map(Expr::int).collect();
                let num = |i: usize, key: &str| {
                    kwarg(args, key)
                        .and_then(Expr::int)
                        .or(nums.get(i).copied())
                };
                let tz = kwarg(args, "timezone")
                    .or(positional(args).next())
                    .and_then(Expr::boolean)
                    .unwrap_or(false);
                let sized = |base: &str, n: Option<i64>| match n {
                    Some(n) => format!("{base}({n})"),
                    None => base.to_string(),
                };
                Ok(match name.as_str() {
                    "String" | "Unicode" | "VARCHAR" | "NVARCHAR" => {
                        let length = num(0, "length");
                        if length.is_none() && d == Dialect::Mysql {
                            return Err(self.err(*pos, format!(
                                "column `{column}`: {name} without a length; SQLAlchemy refuses it on MySQL (VARCHAR requires a length on dialect mysql)"
                            )));
                        }
                        sized("VARCHAR", length)
                    }
                    "CHAR" | "NCHAR" => sized("CHAR", num(0, "length")),
                    "Text" | "UnicodeText" | "TEXT" | "CLOB" => match d {
                        Dialect::Mysql => sized("TEXT", num(0, "length")),
                        _ => "TEXT".into(),
                    },
                    "Integer" | "INTEGER" | "INT" => "INTEGER".into(),
                    "BigInteger" | "BIGINT" => "BIGINT".into(),
                    "SmallInteger" | "SMALLINT" => "SMALLINT".into(),
                    "Boolean" | "BOOLEAN" => {
                        if d == Dialect::Mysql {
                            "BOOL".into()
                        } else {
                            "BOOLEAN".into()
                        }
                    }
                    "DateTime" | "TIMESTAMP" => match d {
                        Dialect::Postgres => format!(
                            "TIMESTAMP {} TIME ZONE",
                            if tz { "WITH" } else { "WITHOUT" }
                        ),
                        _ if name == "TIMESTAMP" => "TIMESTAMP".into(),
                        _ => "DATETIME".into(),
                    },
                    "DATETIME" => "DATETIME".into(),
                    "Date" | "DATE" => "DATE".into(),
                    "Time" | "TIME" => match d {
                        Dialect::Postgres => {
                            format!("TIME {} TIME ZONE", if tz { "WITH" } else { "WITHOUT" })
                        }
                        _ => "TIME".into(),
                    },
                    "Numeric" | "NUMERIC" | "DECIMAL" => {
                        let base = if name == "DECIMAL" {
                            "DECIMAL"
                        } else {
                            "NUMERIC"
                        };
                        match (num(0, "precision"), num(1, "scale")) {
                            (Some(p), Some(s)) => format!("{base}({p}, {s})"),
                            (Some(p), None) => format!("{base}({p})"),
                            _ => base.into(),
                        }
                    }
                    "Float" | "FLOAT" => sized("FLOAT", num(0, "precision")),
                    "Double" | "DOUBLE" => {
                        if d == Dialect::Postgres {
                            "DOUBLE PRECISION".into()
                        } else {
                            "DOUBLE".into()
                        }
                    }
                    "DOUBLE_PRECISION" => "DOUBLE PRECISION".into(),
                    "REAL" => "REAL".into(),
                    "LargeBinary" => match d {
                        Dialect::Postgres => "BYTEA".into(),
                        Dialect::Mysql => sized("BLOB", num(0, "length")),
                        Dialect::Sqlite => "BLOB".into(),
                    },
                    "BLOB" => "BLOB".into(),
                    "BYTEA" => "BYTEA".into(),
                    "BINARY" | "VARBINARY" => sized(name, num(0, "length")),
                    "JSON" => "JSON".into(),
                    "JSONB" => "JSONB".into(),
                    "Uuid" => {
                        let native = kwarg(args, "native_uuid")
                            .and_then(Expr::boolean)
                            .unwrap_or(true);
                        // SQLAlchemy 2.1 creates MariaDB's native UUID (migen's MySQL is
                        // MariaDB's flavour); MySQL proper, or native_uuid=False, gets CHAR(32).
                        if d != Dialect::Sqlite && native {
                            "UUID".into()
                        } else {
                            "CHAR(32)".into()
                        }
                    }
                    "UUID" => "UUID".into(),
                    "Interval" => {
                        if d == Dialect::Postgres {
                            "INTERVAL".into()
                        } else {
                            "DATETIME".into()
                        }
                    }
                    other => other.to_string(),
                })
            }
        }
    }
}

fn constraint(r: &Renderer, name: Option<String>) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", r.q(&n)),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ddl_of(text: &str, dialect: Dialect) -> Result<String> {
        ddl(&[("models.py".to_string(), text.to_string())], dialect)
    }

    const HEAD: &str = "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\
        class Base(DeclarativeBase):\n    pass\n";

    #[test]
    fn comments_strings_and_continuations_do_not_confuse_the_reader() {
        let text = format!(
            "{HEAD}\"\"\"A docstring\nclass Fake(Base):\"\"\"\n\
             class T(Base):  # the real one\n    __tablename__ = (\"t\"\n        \"wo\")\n\
             \x20   id: Mapped[int] = \\\n        mapped_column(primary_key=True)\n\
             \x20   def helper(self):\n        return 1\n\
             \x20   x: Mapped[str] = mapped_column(String(3), comment='a # not a comment')\n"
        );
        let sql = ddl_of(&text, Dialect::Postgres).unwrap();
        assert!(sql.contains("CREATE TABLE \"two\""), "{sql}");
        assert!(sql.contains("\"id\" SERIAL NOT NULL"), "{sql}");
        assert!(sql.contains("\"x\" VARCHAR(3) NOT NULL"), "{sql}");
        assert!(!sql.contains("Fake"), "{sql}");
    }

    #[test]
    fn a_helper_built_column_is_reported_where_it_is() {
        let text = format!(
            "{HEAD}class T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    price: Mapped[int] = money()\n"
        );
        let error = ddl_of(&text, Dialect::Sqlite).unwrap_err().to_string();
        assert!(error.starts_with("models.py:7:26:"), "{error}");
        assert!(error.contains("money(...)"), "{error}");
    }

    #[test]
    fn string_without_length_is_refused_only_on_mysql() {
        let text = format!(
            "{HEAD}class T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str]\n"
        );
        assert!(
            ddl_of(&text, Dialect::Sqlite)
                .unwrap()
                .contains("\"name\" VARCHAR NOT NULL")
        );
        let error = ddl_of(&text, Dialect::Mysql).unwrap_err().to_string();
        assert!(error.contains("models.py:7:"), "{error}");
        assert!(error.contains("without a length"), "{error}");
    }

    #[test]
    fn a_django_project_or_sql_folder_is_not_sqlalchemy() {
        let dir = std::env::temp_dir().join(crate::source::live::unique_scratch_name());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("models.py"), "import sqlalchemy\n").unwrap();
        assert!(is_models_path(&dir));
        std::fs::write(
            dir.join("alembic.ini"),
            "[alembic]\nsqlalchemy.url = mysql+pymysql://app@db/app\n",
        )
        .unwrap();
        assert_eq!(
            alembic_dialect(&dir.join("models.py")),
            Some(Dialect::Mysql)
        );
        std::fs::write(dir.join("schema.sql"), "CREATE TABLE t (id int);").unwrap();
        assert!(!is_models_path(&dir));
        std::fs::remove_file(dir.join("schema.sql")).unwrap();
        std::fs::write(dir.join("manage.py"), "").unwrap();
        assert!(!is_models_path(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
