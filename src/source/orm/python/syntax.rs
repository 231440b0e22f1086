//! The one Python parser both Python readers use, over the shared tokens: block-structured
//! statements (classes with their bases and keyword arguments, decorated function definitions,
//! imports, assignments with annotations such as `x: Mapped[int] = mapped_column(...)`) and
//! expressions made of names, attributes, calls, subscripts, literals, tuples, lists, dicts,
//! `a | b`, `a & b`, `~a` and negation. SQLAlchemy reads a whole file as blocks (`module`);
//! Django reads it line by line (`line`), one logical line at a time.
//!
//! Recovery is local: an item (a call argument, a list, tuple or subscript element, a dict value,
//! an assigned value) migen cannot read becomes `Expr::Opaque` at the item's start, and reading
//! goes on after it, so each reader can say exactly where a value could not be resolved.

use super::tokens::{FStrings, Pos, Tok, Token, tokenize};
use crate::error::Result;

/// The statements of one file (number `file` in the reader's list), f-strings read as opaque.
pub fn module(files: &[(String, String)], file: usize) -> Result<Vec<Stmt>> {
    let (name, text) = &files[file];
    let tokens = tokenize(name, text, file, FStrings::Opaque)?;
    Ok(Parser::new(&tokens, false).statements())
}

/// The statement of one logical line (its tokens, up to and including its `Newline`): a
/// compound statement's header with whatever follows its colon on the same line as its body.
/// Parentheses around a single expression are kept (`Expr::Paren`): for Django they bound an
/// item like brackets do.
pub fn line(tokens: &[Token]) -> Stmt {
    Parser::new(tokens, true).statement()
}

#[derive(Debug, Clone)]
pub enum Expr {
    Name(String, Pos),
    /// `base.name`, with the positions of the `.` and of the name.
    Attr(Box<Expr>, String, Pos, Pos),
    /// `func(args)`, at the callee's position, with the position of the `(`.
    Call(Box<Expr>, Vec<Arg>, Pos, Pos),
    Str(String, Pos),
    Num(String, Pos),
    Const(&'static str, Pos),
    Tuple(Vec<Expr>, Pos),
    List(Vec<Expr>, Pos),
    Dict(Vec<(Expr, Expr)>, Pos),
    Subscript(Box<Expr>, Vec<Expr>, Pos),
    /// `a | b` (in annotations: `X | None`; Django: Q objects), at the start of `a`.
    Or(Box<Expr>, Box<Expr>, Pos),
    /// `a & b` (Django: Q objects), at the start of `a`.
    And(Box<Expr>, Box<Expr>, Pos),
    /// `~a` (Django: a negated Q object), at the `~`.
    Invert(Box<Expr>, Pos),
    Neg(Box<Expr>, Pos),
    /// `(a)`, with the positions of its `(` and `)`; only read line by line (`line`).
    Paren(Box<Expr>, Pos, Pos),
    /// Anything else: an expression migen does not evaluate.
    Opaque(Pos),
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Expr,
    pub star: bool,
}

impl Expr {
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Name(_, p)
            | Expr::Attr(_, _, p, _)
            | Expr::Call(_, _, p, _)
            | Expr::Str(_, p)
            | Expr::Num(_, p)
            | Expr::Const(_, p)
            | Expr::Tuple(_, p)
            | Expr::List(_, p)
            | Expr::Dict(_, p)
            | Expr::Subscript(_, _, p)
            | Expr::Or(_, _, p)
            | Expr::And(_, _, p)
            | Expr::Invert(_, p)
            | Expr::Neg(_, p)
            | Expr::Paren(_, p, _)
            | Expr::Opaque(p) => *p,
        }
    }

    /// Where the expression's first token is (`pos` puts an attribute at its `.`).
    pub fn start(&self) -> Pos {
        match self {
            Expr::Attr(base, ..) | Expr::Call(base, ..) | Expr::Subscript(base, ..) => base.start(),
            other => other.pos(),
        }
    }

    /// The last part of a dotted name (`sa.String` → `String`).
    pub fn tail(&self) -> Option<&str> {
        match self {
            Expr::Name(n, _) | Expr::Attr(_, n, _, _) => Some(n),
            _ => None,
        }
    }

    /// The called name and arguments of a call (`sa.Column(...)` → `Column`).
    pub fn call(&self) -> Option<(&str, &[Arg])> {
        match self {
            Expr::Call(func, args, _, _) => func.tail().map(|n| (n, args.as_slice())),
            _ => None,
        }
    }

    pub fn str(&self) -> Option<&str> {
        match self {
            Expr::Str(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn boolean(&self) -> Option<bool> {
        match self {
            Expr::Const("True", _) => Some(true),
            Expr::Const("False", _) => Some(false),
            _ => None,
        }
    }

    pub fn int(&self) -> Option<i64> {
        match self {
            Expr::Num(n, _) => n.parse().ok(),
            Expr::Neg(inner, _) => inner.int().map(|n| -n),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Expr::Name(n, _) => n.clone(),
            Expr::Attr(base, n, _, _) => format!("{}.{n}", base.describe()),
            Expr::Call(func, _, _, _) => format!("{}(...)", func.describe()),
            Expr::Str(s, _) => format!("{s:?}"),
            _ => "an expression".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Stmt {
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
    /// An assignment whose value is not one expression (`x = 1, 2`, `x = y = 1`): its target
    /// and where the value starts.
    PartialAssign {
        target: Expr,
        value_at: Pos,
    },
    Expr(Expr),
    /// A function definition (only its name and decorators matter).
    Def {
        name: String,
        decorators: Vec<Expr>,
        pos: Pos,
    },
    /// `from module import a, b` (relative modules keep their leading dots), or `import a.b`
    /// (an empty module).
    Import {
        module: String,
        /// The names bound, each with the dotted path it stands for (`from m import a as b`
        /// binds `b` to `m.a`; `import a.b` binds `a` to `a`).
        names: Vec<(String, String)>,
    },
    Other,
}

/// What a token slice reads as past its last token.
static END: Tok = Tok::End;

/// How deeply expressions may nest before the rest is read as opaque: enough for any model
/// (CPython itself stops at 200 parentheses), and few enough that the recursion fits a test
/// thread's stack, so a hostile file cannot abort the process.
const MAX_NESTING: usize = 100;

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    /// Expressions open around the one being read.
    depth: usize,
    /// Whether `(a)` stays `Expr::Paren` rather than `a`.
    parens: bool,
}

impl<'t> Parser<'t> {
    fn new(tokens: &'t [Token], parens: bool) -> Self {
        Parser {
            tokens,
            at: 0,
            depth: 0,
            parens,
        }
    }
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).map_or(&END, |t| &t.tok)
    }
    fn peek_at(&self, ahead: usize) -> &Tok {
        self.tokens.get(self.at + ahead).map_or(&END, |t| &t.tok)
    }
    fn pos(&self) -> Pos {
        self.tokens
            .get(self.at)
            .or(self.tokens.last())
            .map(|t| t.pos)
            .unwrap_or_default()
    }
    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
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
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::End)
    }

    /// Skip to the end of the logical line, then over an indented block if one follows.
    fn skip_statement(&mut self) {
        while !self.at_line_end() {
            self.next();
        }
        self.next();
        if matches!(self.peek(), Tok::Indent { .. }) {
            let mut level = 0;
            loop {
                match self.next() {
                    Tok::Indent { .. } => level += 1,
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
            if !matches!(self.peek(), Tok::Indent { .. }) {
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
            if matches!(self.peek(), Tok::Dedent | Tok::Indent { .. } | Tok::Newline) {
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
            while !self.at_line_end() {
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
        if self.is_name("from") || self.is_name("import") {
            let import = self.import();
            self.skip_statement();
            return import;
        }
        // `match` is a keyword only where a statement cannot be an assignment to it.
        let soft_keyword =
            self.is_name("match") && !matches!(self.peek_at(1), Tok::Op(o) if o == "=" || o == ":");
        if soft_keyword
            || matches!(self.peek(), Tok::Name(n) if matches!(
                n.as_str(),
                "if" | "for"
                    | "while"
                    | "with"
                    | "try"
                    | "except"
                    | "finally"
                    | "else"
                    | "elif"
                    | "return"
                    | "pass"
                    | "del"
                    | "global"
                    | "nonlocal"
                    | "raise"
                    | "assert"
            ))
        {
            self.skip_statement();
            return Stmt::Other;
        }
        let target = self.expr();
        let mut annotation = None;
        let mut value = None;
        let mut value_at = None;
        if self.eat_op(":") {
            annotation = Some(self.expr());
        }
        if self.eat_op("=") {
            value_at = Some(self.pos());
            value = Some(self.expr());
        }
        let complete = self.at_line_end();
        self.skip_statement();
        if !complete {
            return match value_at {
                Some(value_at) => Stmt::PartialAssign { target, value_at },
                None => Stmt::Other,
            };
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

    /// `from module import a as b, c` or `import a.b as c, d`, the parser at its first word.
    fn import(&mut self) -> Stmt {
        let mut module = String::new();
        if self.is_name("from") {
            self.next();
            while !self.is_name("import") && !self.at_line_end() {
                match self.next() {
                    Tok::Name(n) => module.push_str(&n),
                    Tok::Op(o) => module.push_str(&o),
                    _ => {}
                }
            }
        }
        if self.is_name("import") {
            self.next();
        }
        let mut listed: Vec<(String, Option<String>)> = Vec::new();
        let mut current = String::new();
        let mut alias_next = false;
        while !self.at_line_end() {
            let tok = self.next();
            match &tok {
                Tok::Name(n) if n == "as" => alias_next = true,
                Tok::Name(n) if alias_next => {
                    if let Some(last) = listed.last_mut() {
                        last.1 = Some(n.clone());
                    }
                    alias_next = false;
                }
                Tok::Name(n) => current.push_str(n),
                Tok::Op(o) if o == "." => current.push('.'),
                _ => {}
            }
            let ends = matches!(&tok, Tok::Op(o) if o == "," || o == ")")
                || matches!(&tok, Tok::Name(n) if n == "as");
            if ends && !current.is_empty() {
                listed.push((std::mem::take(&mut current), None));
            }
        }
        if !current.is_empty() {
            listed.push((current, None));
        }
        let names = listed
            .into_iter()
            .map(|(name, alias)| match (module.is_empty(), alias) {
                (false, alias) => (
                    alias.unwrap_or_else(|| name.clone()),
                    format!("{module}.{name}"),
                ),
                (true, Some(alias)) => (alias, name),
                (true, None) => {
                    let first = name.split('.').next().unwrap_or(&name).to_string();
                    (first.clone(), first)
                }
            })
            .collect();
        Stmt::Import { module, names }
    }

    /// Skip an expression migen does not read, up to a `,`, `=`, `:` or closing bracket at this
    /// level.
    fn opaque(&mut self, pos: Pos) -> Expr {
        self.skip_to(&[",", "=", ":"]);
        Expr::Opaque(pos)
    }

    /// Skip the rest of an item that did not end where it should, up to the `,` or closing
    /// bracket after it: the item becomes `Opaque` at its start.
    fn rest_of_item(&mut self, start: Pos) -> Expr {
        self.skip_to(&[","]);
        Expr::Opaque(start)
    }

    /// Move past tokens up to one of `stops` or a closing bracket at this bracket depth, or the
    /// end of the logical line.
    fn skip_to(&mut self, stops: &[&str]) {
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
                Tok::Op(o) if depth == 0 && stops.contains(&o.as_str()) => break,
                Tok::Newline | Tok::End | Tok::Indent { .. } | Tok::Dedent => break,
                _ => {}
            }
            self.next();
        }
    }

    /// One item inside brackets: an expression that ends at a `,` or at `close`.
    fn item(&mut self, close: &str) -> Expr {
        let start = self.pos();
        let item = self.expr();
        if self.is_op(",") || self.is_op(close) {
            item
        } else {
            self.rest_of_item(start)
        }
    }

    fn expr(&mut self) -> Expr {
        let pos = self.pos();
        if self.is_name("lambda") {
            // Its parameters (with their defaults) run to the first `:` at this level.
            let mut depth = 0;
            loop {
                match self.next() {
                    Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                    Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => depth -= 1,
                    Tok::Op(o) if depth == 0 && o == ":" => break,
                    Tok::Newline | Tok::End => return Expr::Opaque(pos),
                    _ => {}
                }
            }
            self.expr();
            return Expr::Opaque(pos);
        }
        if self.is_name("yield") || self.is_name("await") {
            return self.opaque(pos);
        }
        let mut left = self.and_expr();
        while self.eat_op("|") {
            let right = self.and_expr();
            left = Expr::Or(Box::new(left), Box::new(right), pos);
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
                    | ":="
            ),
            Tok::Name(n) => matches!(
                n.as_str(),
                "and" | "or" | "in" | "is" | "not" | "if" | "else" | "for"
            ),
            _ => false,
        };
        if binary {
            return self.opaque(pos);
        }
        left
    }

    fn and_expr(&mut self) -> Expr {
        let pos = self.pos();
        let mut left = self.unary();
        while self.eat_op("&") {
            let right = self.unary();
            left = Expr::And(Box::new(left), Box::new(right), pos);
        }
        left
    }

    /// Every nested expression passes here, so the depth is counted here.
    fn unary(&mut self) -> Expr {
        if self.depth >= MAX_NESTING {
            let pos = self.pos();
            return self.opaque(pos);
        }
        self.depth += 1;
        let e = self.nested_unary();
        self.depth -= 1;
        e
    }

    fn nested_unary(&mut self) -> Expr {
        let pos = self.pos();
        if self.eat_op("-") {
            let inner = self.unary();
            return Expr::Neg(Box::new(inner), pos);
        }
        if self.eat_op("~") {
            let inner = self.unary();
            return Expr::Invert(Box::new(inner), pos);
        }
        if self.is_name("not") || self.is_op("+") || self.is_op("*") {
            return self.opaque(pos);
        }
        let mut e = self.atom();
        loop {
            let pos = self.pos();
            if self.eat_op(".") {
                let name_at = self.pos();
                match self.next() {
                    Tok::Name(n) => e = Expr::Attr(Box::new(e), n, pos, name_at),
                    _ => return self.opaque(pos),
                }
            } else if self.eat_op("(") {
                let args = self.args(")");
                let at = e.pos();
                e = Expr::Call(Box::new(e), args, at, pos);
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
                    let inner = items.into_iter().next().unwrap();
                    if self.parens {
                        Expr::Paren(Box::new(inner), pos, self.tokens[self.at - 1].pos)
                    } else {
                        inner
                    }
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
                        self.skip_to_close();
                        return Expr::Opaque(pos);
                    }
                    let value = self.item("}");
                    pairs.push((key, value));
                    if !self.eat_op(",") && !self.is_op("}") {
                        self.skip_to_close();
                        return Expr::Opaque(pos);
                    }
                }
                Expr::Dict(pairs, pos)
            }
            _ => self.opaque(pos),
        }
    }

    /// Skip past the bracket that closes the current one.
    fn skip_to_close(&mut self) {
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
            items.push(self.item(close));
            if !self.eat_op(",") && !self.is_op(close) {
                // A bracket that does not match: nothing more of it is read.
                self.skip_to_close();
                break;
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
            let keyword = match (self.peek().clone(), self.peek_at(1)) {
                (Tok::Name(n), Tok::Op(o)) if o == "=" => Some(n),
                _ => None,
            };
            if keyword.is_some() {
                self.at += 2;
            }
            let value = self.item(close);
            args.push(Arg {
                name: keyword,
                value,
                star,
            });
            if !self.eat_op(",") && !self.is_op(close) {
                // A bracket that does not match: nothing more of it is read.
                self.skip_to_close();
                break;
            }
        }
        args
    }
}

pub fn kwarg<'a>(args: &'a [Arg], name: &str) -> Option<&'a Expr> {
    args.iter()
        .find(|a| a.name.as_deref() == Some(name))
        .map(|a| &a.value)
}

pub fn positional(args: &[Arg]) -> impl Iterator<Item = &Expr> {
    args.iter()
        .filter(|a| a.name.is_none() && !a.star)
        .map(|a| &a.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Stmt> {
        module(&[("m.py".into(), text.into())], 0).unwrap()
    }

    fn at(line: u64, column: u64) -> Pos {
        Pos {
            file: 0,
            line,
            column,
        }
    }

    /// The value of the only statement of `text`, an assignment.
    fn value(text: &str) -> Expr {
        match parse(text).remove(0) {
            Stmt::Assign { value: Some(v), .. } => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn attributes_keep_the_dot_and_the_name_and_calls_their_parenthesis() {
        let Expr::Call(func, args, pos, open) = value("x = sa . Column(k=1)\n") else {
            panic!()
        };
        let Expr::Attr(base, name, dot, name_at) = *func else {
            panic!()
        };
        assert_eq!((base.start(), name.as_str()), (at(1, 5), "Column"));
        assert_eq!(
            (dot, name_at, pos, open),
            (at(1, 8), at(1, 10), at(1, 8), at(1, 16))
        );
        assert_eq!(args[0].name.as_deref(), Some("k"));
        assert_eq!(args[0].value.int(), Some(1));
    }

    #[test]
    fn or_and_invert_nest_by_precedence() {
        let e = value("x = Q(a=1) | Q(b=2) & ~Q(c=3)\n");
        let Expr::Or(left, right, pos) = e else {
            panic!("{e:?}")
        };
        assert_eq!((left.call().unwrap().0, pos), ("Q", at(1, 5)));
        let Expr::And(_, inverted, and_at) = *right else {
            panic!()
        };
        assert_eq!(and_at, at(1, 14));
        assert!(matches!(*inverted, Expr::Invert(_, p) if p == at(1, 23)));
    }

    #[test]
    fn statements_come_in_blocks_with_decorators_annotations_and_imports() {
        let text = "from .base import Base as B, Mixin\nimport sqlalchemy.orm as orm, os.path\n\n@dec\nclass A(B, metaclass=M):\n    id: Mapped[int] = mapped_column(primary_key=True)\n    @declared_attr\n    def t(cls):\n        return 1\n    if x:\n        y = 2\n";
        let stmts = parse(text);
        let Stmt::Import { module, names } = &stmts[0] else {
            panic!("{stmts:?}")
        };
        assert_eq!(module, ".base");
        assert_eq!(
            names,
            &[
                ("B".to_string(), ".base.Base".to_string()),
                ("Mixin".into(), ".base.Mixin".into())
            ]
        );
        let Stmt::Import { module, names } = &stmts[1] else {
            panic!()
        };
        assert!(module.is_empty());
        assert_eq!(
            names,
            &[
                ("orm".to_string(), "sqlalchemy.orm".to_string()),
                ("os".into(), "os".into())
            ]
        );
        let Stmt::Class {
            name,
            bases,
            body,
            pos,
        } = &stmts[2]
        else {
            panic!()
        };
        assert_eq!((name.as_str(), *pos), ("A", at(4, 1)));
        assert_eq!(bases[1].name.as_deref(), Some("metaclass"));
        assert!(matches!(
            &body[0],
            Stmt::Assign { annotation: Some(Expr::Subscript(base, _, _)), value: Some(v), .. }
                if base.tail() == Some("Mapped") && v.call().unwrap().0 == "mapped_column"
        ));
        assert!(
            matches!(&body[1], Stmt::Def { name, decorators, .. } if name == "t" && decorators.len() == 1)
        );
        assert!(matches!(body[2], Stmt::Other));
        assert_eq!(body.len(), 3);
    }

    #[test]
    fn match_is_a_name_where_it_is_assigned() {
        let stmts = parse("match = 1\nmatch x:\n    case 1:\n        pass\n");
        assert!(matches!(&stmts[0], Stmt::Assign { target: Expr::Name(n, _), .. } if n == "match"));
        assert!(matches!(stmts[1], Stmt::Other));
        assert_eq!(stmts.len(), 2);
    }

    #[test]
    fn nesting_past_the_limit_is_opaque_instead_of_a_stack_overflow() {
        for (open, close) in [("(", ")"), ("[", "]"), ("f(", ")"), ("-", "")] {
            let deep = format!("x = {}1{}\n", open.repeat(10_000), close.repeat(10_000));
            let mut e = &value(&deep);
            let mut levels = 0;
            // Walk down to where reading stopped: it is opaque, within the limit.
            loop {
                e = match e {
                    Expr::Paren(inner, ..) | Expr::Neg(inner, _) => inner,
                    Expr::List(items, _) | Expr::Tuple(items, _) if items.len() == 1 => &items[0],
                    Expr::Call(_, args, ..) if args.len() == 1 => &args[0].value,
                    other => {
                        assert!(matches!(other, Expr::Opaque(_)), "{open}: {other:?}");
                        break;
                    }
                };
                levels += 1;
            }
            assert!(levels <= MAX_NESTING, "{open}: {levels}");
        }
    }

    #[test]
    fn an_unreadable_item_is_opaque_at_its_start_and_reading_goes_on() {
        let Expr::Call(_, args, _, _) = value("x = f(a + b, lambda q, r=1: q, (c d), *e, k=g h)\n")
        else {
            panic!()
        };
        let starts: Vec<(bool, Pos)> = args
            .iter()
            .map(|a| (matches!(a.value, Expr::Opaque(_)), a.value.start()))
            .collect();
        assert_eq!(
            starts,
            [
                (true, at(1, 7)),
                (true, at(1, 14)),
                (true, at(1, 33)),
                (false, at(1, 40)),
                (true, at(1, 45))
            ]
        );
        assert!(args[3].star && args[4].name.as_deref() == Some("k"));
        // A set is not a dict: the whole display is opaque, at its brace.
        assert!(matches!(value("x = {a, b}\n"), Expr::Opaque(p) if p == at(1, 5)));
        assert!(matches!(value("x = {a: b c, d: e}\n"), Expr::Dict(pairs, _)
            if matches!(pairs[0].1, Expr::Opaque(p) if p == at(1, 9)) && pairs.len() == 2));
        assert!(matches!(value("x = y[1:2]\n"), Expr::Subscript(_, items, _)
            if matches!(items[..], [Expr::Opaque(p)] if p == at(1, 7))));
    }

    #[test]
    fn an_assignment_of_more_than_one_expression_is_partial() {
        for text in ["x = 1, 2\n", "x = y = 2\n", "x: int = 1 2\n"] {
            let stmts = parse(text);
            assert!(
                matches!(&stmts[0], Stmt::PartialAssign { target: Expr::Name(n, _), value_at }
                    if n == "x" && value_at.column == text.find(['1', 'y']).unwrap() as u64 + 1),
                "{text}: {stmts:?}"
            );
        }
        assert!(matches!(
            parse("x + 1 = 2 3\n")[0],
            Stmt::PartialAssign { .. }
        ));
        assert!(matches!(parse("x += 1\n")[0], Stmt::Other));
    }

    #[test]
    fn parentheses_stay_only_line_by_line() {
        let tokens = tokenize("m.py", "x = (a).b\n", 0, FStrings::Opaque).unwrap();
        let Stmt::Assign {
            value: Some(Expr::Attr(base, ..)),
            ..
        } = line(&tokens)
        else {
            panic!()
        };
        assert!(
            matches!(*base, Expr::Paren(_, open, close) if open == at(1, 5) && close == at(1, 7))
        );
        let Expr::Attr(base, ..) = value("x = (a).b\n") else {
            panic!()
        };
        assert!(matches!(*base, Expr::Name(..)));
        assert!(matches!(value("x = (1,)\n"), Expr::Tuple(items, _) if items.len() == 1));
    }

    #[test]
    fn a_one_line_class_body_follows_its_colon() {
        let tokens =
            tokenize("m.py", "class Meta: abstract = True\n", 0, FStrings::Refuse).unwrap();
        let Stmt::Class { body, .. } = line(&tokens) else {
            panic!()
        };
        assert!(
            matches!(&body[..], [Stmt::Assign { value: Some(v), .. }] if v.boolean() == Some(true))
        );
    }
}
