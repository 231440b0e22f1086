//! A small Python subset, enough to read Django settings and models statically: logical lines
//! with their indentation, and expressions made of names, attribute access, calls with keyword
//! arguments, literals, lists, tuples and dicts. Anything else is `Expr::Other`, kept with its
//! position so the reader can say where a value could not be resolved.

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Num(String),
    Str(String),
    Op(String),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub line: u64,
    pub col: u64,
}

/// A logical line: brackets and backslashes join physical lines.
#[derive(Debug, Clone)]
pub struct Line {
    pub indent: usize,
    pub tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A dotted name: `models.CharField` is `["models", "CharField"]`.
    Name(Vec<String>),
    Str(String),
    Num(String),
    List(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<(String, Expr)>,
        line: u64,
        col: u64,
    },
    /// `a & b`, `a | b`, `~a` (Q objects).
    BinOp(String, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// What this subset does not evaluate, with where it starts.
    Other {
        line: u64,
        col: u64,
    },
}

impl Expr {
    pub fn dotted(&self) -> Option<String> {
        match self {
            Expr::Name(parts) => Some(parts.join(".")),
            _ => None,
        }
    }
    pub fn last_name(&self) -> Option<&str> {
        match self {
            Expr::Name(parts) => parts.last().map(String::as_str),
            _ => None,
        }
    }
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Expr::Name(n) if n.len() == 1 && n[0] == "True" => Some(true),
            Expr::Name(n) if n.len() == 1 && n[0] == "False" => Some(false),
            Expr::Name(n) if n.len() == 1 && n[0] == "None" => Some(false),
            _ => None,
        }
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Expr::Name(n) if n.len() == 1 && n[0] == "None")
    }
}

pub fn tokenize(file: &str, text: &str) -> Result<Vec<Line>> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut i = 0;
    let (mut line, mut col) = (1u64, 1u64);
    let mut depth = 0usize;
    let mut current: Vec<Token> = Vec::new();
    let mut indent = 0usize;
    let mut at_line_start = true;
    macro_rules! adv {
        () => {{
            if chars[i] == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            i += 1;
        }};
    }
    while i < chars.len() {
        let c = chars[i];
        if at_line_start && depth == 0 {
            let mut n = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                n += if chars[i] == '\t' { 8 } else { 1 };
                adv!();
            }
            indent = n;
            at_line_start = false;
            continue;
        }
        match c {
            '\n' => {
                adv!();
                if depth == 0 {
                    if !current.is_empty() {
                        lines.push(Line {
                            indent,
                            tokens: std::mem::take(&mut current),
                        });
                    }
                    at_line_start = true;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                adv!();
                adv!();
            }
            ' ' | '\t' | '\r' | '\x0c' => adv!(),
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    adv!();
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let (l, cl) = (line, col);
                let mut s = String::new();
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    s.push(chars[i]);
                    adv!();
                }
                // String prefixes (r, b, u, f and their pairs).
                if i < chars.len()
                    && (chars[i] == '\'' || chars[i] == '"')
                    && s.len() <= 2
                    && s.chars().all(|p| "rRbBuUfF".contains(p))
                {
                    let raw = s.to_lowercase().contains('r');
                    if s.to_lowercase().contains('f') {
                        return Err(Error::parse(
                            file,
                            l,
                            cl,
                            "an f-string cannot be read statically",
                        ));
                    }
                    let value = string(&chars, &mut i, &mut line, &mut col, raw, file)?;
                    current.push(Token {
                        tok: Tok::Str(value),
                        line: l,
                        col: cl,
                    });
                } else {
                    current.push(Token {
                        tok: Tok::Name(s),
                        line: l,
                        col: cl,
                    });
                }
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let (l, cl) = (line, col);
                let mut s = String::new();
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    if chars[i] != '_' {
                        s.push(chars[i]);
                    }
                    adv!();
                }
                current.push(Token {
                    tok: Tok::Num(s),
                    line: l,
                    col: cl,
                });
            }
            '\'' | '"' => {
                let (l, cl) = (line, col);
                let value = string(&chars, &mut i, &mut line, &mut col, false, file)?;
                current.push(Token {
                    tok: Tok::Str(value),
                    line: l,
                    col: cl,
                });
            }
            _ => {
                let (l, cl) = (line, col);
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = if ["**", "//", "==", "!=", "<=", ">=", "->", ":=", "<<", ">>"]
                    .contains(&two.as_str())
                {
                    adv!();
                    adv!();
                    two
                } else {
                    adv!();
                    c.to_string()
                };
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth = depth.saturating_sub(1),
                    _ => {}
                }
                current.push(Token {
                    tok: Tok::Op(op),
                    line: l,
                    col: cl,
                });
            }
        }
    }
    if !current.is_empty() {
        lines.push(Line {
            indent,
            tokens: current,
        });
    }
    Ok(lines)
}

fn string(
    chars: &[char],
    i: &mut usize,
    line: &mut u64,
    col: &mut u64,
    raw: bool,
    file: &str,
) -> Result<String> {
    let (l, c) = (*line, *col);
    let quote = chars[*i];
    let triple = chars.get(*i + 1) == Some(&quote) && chars.get(*i + 2) == Some(&quote);
    let step = |i: &mut usize, line: &mut u64, col: &mut u64| {
        if chars[*i] == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    for _ in 0..(if triple { 3 } else { 1 }) {
        step(i, line, col);
    }
    let mut out = String::new();
    loop {
        if *i >= chars.len() || (!triple && chars[*i] == '\n') {
            return Err(Error::parse(file, l, c, "unterminated string"));
        }
        let ch = chars[*i];
        if ch == quote
            && (!triple || (chars.get(*i + 1) == Some(&quote) && chars.get(*i + 2) == Some(&quote)))
        {
            for _ in 0..(if triple { 3 } else { 1 }) {
                step(i, line, col);
            }
            return Ok(out);
        }
        if ch == '\\' && *i + 1 < chars.len() {
            let next = chars[*i + 1];
            step(i, line, col);
            step(i, line, col);
            if raw {
                out.push('\\');
                out.push(next);
                continue;
            }
            match next {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                '\n' => {}
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
            continue;
        }
        out.push(ch);
        step(i, line, col);
    }
}

/// Expression parser over one logical line's tokens.
pub struct Parser<'a> {
    pub toks: &'a [Token],
    pub pos: usize,
}

impl<'a> Parser<'a> {
    pub fn new(toks: &'a [Token]) -> Self {
        Parser { toks, pos: 0 }
    }
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Token { tok: Tok::Op(o), .. }) if o == op)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn here(&self) -> (u64, u64) {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map(|t| (t.line, t.col))
            .unwrap_or((0, 0))
    }
    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// Skips to the end of the current bracket level's item (`,` or a closing bracket).
    fn skip_item(&mut self) {
        let mut depth = 0i32;
        while let Some(t) = self.toks.get(self.pos) {
            if let Tok::Op(o) = &t.tok {
                match o.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," if depth == 0 => return,
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    /// An expression; an unsupported construct becomes `Other` and is skipped.
    pub fn expr(&mut self) -> Expr {
        let start = self.pos;
        let (l, c) = self.here();
        let e = self.or_expr();
        // Anything left before a separator (a comparison, `if`, arithmetic) is not understood.
        let done = self.at_end()
            || [",", ")", "]", "}", ":", "="]
                .iter()
                .any(|op| self.peek_op(op));
        if !done || e.is_none_parse() {
            self.pos = start;
            self.skip_item();
            return Expr::Other { line: l, col: c };
        }
        e.unwrap()
    }

    fn or_expr(&mut self) -> Option<Expr> {
        let mut left = self.and_expr()?;
        while self.eat_op("|") {
            let right = self.and_expr()?;
            left = Expr::BinOp("|".into(), Box::new(left), Box::new(right));
        }
        Some(left)
    }
    fn and_expr(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while self.eat_op("&") {
            let right = self.unary()?;
            left = Expr::BinOp("&".into(), Box::new(left), Box::new(right));
        }
        Some(left)
    }
    fn unary(&mut self) -> Option<Expr> {
        if self.eat_op("~") {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat_op("-") {
            return match self.postfix()? {
                Expr::Num(n) => Some(Expr::Num(format!("-{n}"))),
                _ => None,
            };
        }
        self.postfix()
    }
    fn postfix(&mut self) -> Option<Expr> {
        let mut e = self.primary()?;
        loop {
            if self.eat_op(".") {
                let Some(Token {
                    tok: Tok::Name(n), ..
                }) = self.toks.get(self.pos)
                else {
                    return None;
                };
                self.pos += 1;
                match &mut e {
                    Expr::Name(parts) => parts.push(n.clone()),
                    _ => return None,
                }
            } else if self.peek_op("(") {
                let (line, col) = match &e {
                    Expr::Name(_) => self.toks[self.pos.saturating_sub(1)..]
                        .first()
                        .map(|t| (t.line, t.col))
                        .unwrap_or((0, 0)),
                    _ => self.here(),
                };
                self.pos += 1;
                let mut args = Vec::new();
                let mut kwargs = Vec::new();
                while !self.eat_op(")") {
                    if self.at_end() {
                        return None;
                    }
                    if self.eat_op("*") || self.eat_op("**") {
                        let (l, c) = self.here();
                        self.skip_item();
                        args.push(Expr::Other { line: l, col: c });
                    } else if let (
                        Some(Token {
                            tok: Tok::Name(k), ..
                        }),
                        true,
                    ) = (
                        self.toks.get(self.pos),
                        matches!(self.toks.get(self.pos + 1), Some(Token { tok: Tok::Op(o), .. }) if o == "="),
                    ) {
                        self.pos += 2;
                        let v = self.expr();
                        kwargs.push((k.clone(), v));
                    } else {
                        args.push(self.expr());
                    }
                    if !self.eat_op(",") && !self.peek_op(")") {
                        return None;
                    }
                }
                e = Expr::Call {
                    func: Box::new(e),
                    args,
                    kwargs,
                    line,
                    col,
                };
            } else if self.peek_op("[") {
                return None;
            } else {
                return Some(e);
            }
        }
    }
    fn primary(&mut self) -> Option<Expr> {
        let t = self.toks.get(self.pos)?.clone();
        match &t.tok {
            Tok::Name(n) => {
                if ["lambda", "not", "await", "yield"].contains(&n.as_str()) {
                    return None;
                }
                self.pos += 1;
                Some(Expr::Name(vec![n.clone()]))
            }
            Tok::Num(n) => {
                self.pos += 1;
                Some(Expr::Num(n.clone()))
            }
            Tok::Str(s) => {
                self.pos += 1;
                let mut s = s.clone();
                // Adjacent literals concatenate.
                while let Some(Token {
                    tok: Tok::Str(more),
                    ..
                }) = self.toks.get(self.pos)
                {
                    s.push_str(more);
                    self.pos += 1;
                }
                Some(Expr::Str(s))
            }
            Tok::Op(o) if o == "(" || o == "[" => {
                let close = if o == "(" { ")" } else { "]" };
                self.pos += 1;
                let mut items = Vec::new();
                let mut comma = false;
                while !self.eat_op(close) {
                    if self.at_end() {
                        return None;
                    }
                    items.push(self.expr());
                    if self.eat_op(",") {
                        comma = true;
                    } else if !self.peek_op(close) {
                        return None;
                    }
                }
                if o == "(" && items.len() == 1 && !comma {
                    return items.pop();
                }
                Some(Expr::List(items))
            }
            Tok::Op(o) if o == "{" => {
                self.pos += 1;
                let mut items = Vec::new();
                while !self.eat_op("}") {
                    if self.at_end() {
                        return None;
                    }
                    let k = self.expr();
                    if !self.eat_op(":") {
                        return None;
                    }
                    let v = self.expr();
                    items.push((k, v));
                    if !self.eat_op(",") && !self.peek_op("}") {
                        return None;
                    }
                }
                Some(Expr::Dict(items))
            }
            _ => None,
        }
    }
}

trait NoneParse {
    fn is_none_parse(&self) -> bool;
}
impl NoneParse for Option<Expr> {
    fn is_none_parse(&self) -> bool {
        self.is_none()
    }
}

/// A statement of interest.
#[derive(Debug, Clone)]
pub enum Stmt {
    Class {
        name: String,
        bases: Vec<Expr>,
        indent: usize,
        line: u64,
    },
    Assign {
        target: String,
        value: Expr,
        indent: usize,
    },
    /// `from module import a, b` (relative modules keep their leading dots), or `import a.b`
    /// (an empty module).
    Import {
        module: String,
        /// The names bound, each with the dotted path it stands for (`from m import a as b`
        /// binds `b` to `m.a`; `import a.b` binds `a` to `a`).
        names: Vec<(String, String)>,
        indent: usize,
    },
    Other {
        indent: usize,
    },
}

impl Stmt {
    pub fn indent(&self) -> usize {
        match self {
            Stmt::Class { indent, .. }
            | Stmt::Assign { indent, .. }
            | Stmt::Import { indent, .. }
            | Stmt::Other { indent } => *indent,
        }
    }
}

pub fn statements(file: &str, text: &str) -> Result<Vec<Stmt>> {
    let mut out = Vec::new();
    for line in tokenize(file, text)? {
        let toks = &line.tokens;
        let indent = line.indent;
        let name_at = |i: usize| match toks.get(i) {
            Some(Token {
                tok: Tok::Name(n), ..
            }) => Some(n.as_str()),
            _ => None,
        };
        let op_at = |i: usize, op: &str| matches!(toks.get(i), Some(Token { tok: Tok::Op(o), .. }) if o == op);
        if name_at(0) == Some("class")
            && let Some(name) = name_at(1)
        {
            let mut bases = Vec::new();
            if op_at(2, "(") {
                let mut p = Parser::new(&toks[2..]);
                if let Some(Expr::List(items)) = p.primary() {
                    bases = items;
                } else if let Some(one) = Parser::new(&toks[2..]).primary() {
                    bases = vec![one];
                }
            }
            out.push(Stmt::Class {
                name: name.to_string(),
                bases,
                indent,
                line: toks[0].line,
            });
            // A one-line body (`class Meta: abstract = True`) follows the colon.
            if let Some(colon) = toks.iter().rposition(|t| t.tok == Tok::Op(":".into()))
                && colon + 1 < toks.len()
            {
                push_assign(&toks[colon + 1..], indent + 1, &mut out);
            }
            continue;
        }
        if name_at(0) == Some("from") {
            let mut module = String::new();
            let mut i = 1;
            while let Some(t) = toks.get(i) {
                match &t.tok {
                    Tok::Name(n) if n == "import" => break,
                    Tok::Name(n) => module.push_str(n),
                    Tok::Op(o) => module.push_str(o),
                    _ => {}
                }
                i += 1;
            }
            let mut names = Vec::new();
            for (name, alias) in imported_names(&toks[(i + 1).min(toks.len())..]) {
                let binding = alias.unwrap_or_else(|| name.clone());
                names.push((binding, format!("{module}.{name}")));
            }
            out.push(Stmt::Import {
                module,
                names,
                indent,
            });
            continue;
        }
        if name_at(0) == Some("import") {
            let names = imported_names(&toks[1..])
                .into_iter()
                .map(|(name, alias)| match alias {
                    Some(alias) => (alias, name),
                    None => {
                        let first = name.split('.').next().unwrap_or(&name).to_string();
                        (first.clone(), first)
                    }
                })
                .collect();
            out.push(Stmt::Import {
                module: String::new(),
                names,
                indent,
            });
            continue;
        }
        push_assign(toks, indent, &mut out);
    }
    Ok(out)
}

/// `a.b as c, d` (brackets ignored): each dotted name with its alias.
fn imported_names(toks: &[Token]) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut current = String::new();
    let mut alias_next = false;
    for t in toks {
        match &t.tok {
            Tok::Name(n) if n == "as" => alias_next = true,
            Tok::Name(n) if alias_next => {
                if let Some(last) = out.last_mut() {
                    last.1 = Some(n.clone());
                }
                alias_next = false;
            }
            Tok::Name(n) => current.push_str(n),
            Tok::Op(o) if o == "." => current.push('.'),
            Tok::Op(o) if o == "," || o == ")" => {}
            _ => {}
        }
        let ends = matches!(&t.tok, Tok::Op(o) if o == "," || o == ")")
            || matches!(&t.tok, Tok::Name(n) if n == "as");
        if ends && !current.is_empty() {
            out.push((std::mem::take(&mut current), None));
        }
    }
    if !current.is_empty() {
        out.push((current, None));
    }
    out
}

fn push_assign(toks: &[Token], indent: usize, out: &mut Vec<Stmt>) {
    if let Some(Token {
        tok: Tok::Name(target),
        ..
    }) = toks.first()
    {
        let mut at = 1;
        // An annotation: `name: Type = value`.
        if matches!(toks.get(1), Some(Token { tok: Tok::Op(o), .. }) if o == ":") {
            at = toks
                .iter()
                .position(|t| t.tok == Tok::Op("=".into()))
                .unwrap_or(toks.len());
        }
        if matches!(toks.get(at), Some(Token { tok: Tok::Op(o), .. }) if o == "=") {
            let mut p = Parser::new(&toks[at + 1..]);
            let value = p.expr();
            let value = if p.at_end() {
                value
            } else {
                let t = &toks[at + 1];
                Expr::Other {
                    line: t.line,
                    col: t.col,
                }
            };
            out.push(Stmt::Assign {
                target: target.clone(),
                value,
                indent,
            });
            return;
        }
    }
    out.push(Stmt::Other { indent });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_classes_calls_and_keywords() {
        let text = "from django.db import models\n\nclass Book(models.Model):\n    title = models.CharField(max_length=50,\n        null=True)  # c\n    class Meta:\n        db_table = 'b'\n";
        let stmts = statements("m.py", text).unwrap();
        assert!(matches!(&stmts[1], Stmt::Class { name, .. } if name == "Book"));
        let Stmt::Assign { target, value, .. } = &stmts[2] else {
            panic!("{stmts:?}")
        };
        assert_eq!(target, "title");
        let Expr::Call { func, kwargs, .. } = value else {
            panic!()
        };
        assert_eq!(func.dotted().unwrap(), "models.CharField");
        assert_eq!(kwargs[0], ("max_length".into(), Expr::Num("50".into())));
        assert!(
            matches!(&stmts[4], Stmt::Assign { value: Expr::Str(s), indent: 8, .. } if s == "b")
        );
    }

    #[test]
    fn unsupported_expressions_keep_their_position() {
        let stmts = statements("m.py", "x = make_field() + 1\n").unwrap();
        assert!(matches!(
            &stmts[0],
            Stmt::Assign {
                value: Expr::Other { line: 1, col: 5 },
                ..
            }
        ));
    }
}
