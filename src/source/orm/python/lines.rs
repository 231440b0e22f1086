//! Django's view of the shared parser (`syntax`): a file as logical lines, each one statement
//! with its indentation width, and expressions as Django's reader evaluates them: dotted names,
//! calls with keyword arguments, literals, lists (tuples too), dicts and Q-object operators (`&`,
//! `|`, `~`). An item the view does not evaluate is `Expr::Other` at the item's start, the
//! position Django's errors point at.

use super::syntax::{self, Arg};
use super::tokens::{FStrings, Pos, Tok, Token, tokenize};
use crate::error::Result;

/// A logical line: brackets and backslashes join physical lines.
#[derive(Debug, Clone)]
struct Line {
    indent: usize,
    /// Its tokens, up to and including the `Newline` that ends it.
    tokens: Vec<Token>,
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

/// The logical lines of `text` (the file called `file`) with their indentation width. An
/// f-string stops the reading: its value is not known statically.
fn logical_lines(file: &str, text: &str) -> Result<Vec<Line>> {
    let mut lines = Vec::new();
    let mut widths = vec![0usize];
    let mut current = Vec::new();
    for token in tokenize(file, text, 0, FStrings::Refuse)? {
        match token.tok {
            Tok::Indent { width } => widths.push(width),
            Tok::Dedent => {
                widths.pop();
            }
            Tok::Newline | Tok::End => {
                if !current.is_empty() {
                    current.push(token);
                    lines.push(Line {
                        indent: widths.last().copied().unwrap_or(0),
                        tokens: std::mem::take(&mut current),
                    });
                }
            }
            _ => current.push(token),
        }
    }
    Ok(lines)
}

fn other(at: Pos) -> Expr {
    Expr::Other {
        line: at.line,
        col: at.column,
    }
}

/// Django's value of an item the parser read (a call argument, an element, a dict value, an
/// assigned value): what it does not evaluate is `Other` at the item's start.
fn item(e: &syntax::Expr) -> Expr {
    view(e).unwrap_or_else(|| other(e.start()))
}

/// Django's value of an expression, `None` where the whole item it is part of is not evaluated.
fn view(e: &syntax::Expr) -> Option<Expr> {
    use syntax::Expr as S;
    Some(match e {
        S::Name(n, _) => Expr::Name(vec![n.clone()]),
        S::Const(c, _) => Expr::Name(vec![c.to_string()]),
        S::Str(s, _) => Expr::Str(s.clone()),
        S::Num(n, _) => Expr::Num(n.clone()),
        S::Neg(inner, _) => match (inner.as_ref(), view(inner)) {
            (S::Num(..) | S::Paren(..), Some(Expr::Num(n))) => Expr::Num(format!("-{n}")),
            _ => return None,
        },
        // Parentheses bound an item, as brackets do.
        S::Paren(inner, _, _) => item(inner),
        S::Attr(base, name, _, _) => match view(base)? {
            Expr::Name(mut parts) => {
                parts.push(name.clone());
                Expr::Name(parts)
            }
            _ => return None,
        },
        S::Call(func, args, _, open) => {
            let callee = view(func)?;
            // A call of a dotted name is placed at its last name, any other call at its `(`.
            let at = match (&callee, func.as_ref()) {
                (Expr::Name(_), S::Attr(_, _, _, name_at)) => *name_at,
                (Expr::Name(_), S::Paren(_, _, close)) => *close,
                (Expr::Name(_), named) => named.pos(),
                _ => *open,
            };
            let (args, kwargs) = call_args(args);
            Expr::Call {
                func: Box::new(callee),
                args,
                kwargs,
                line: at.line,
                col: at.column,
            }
        }
        S::Tuple(items, _) | S::List(items, _) => Expr::List(items.iter().map(item).collect()),
        S::Dict(pairs, _) => {
            let mut entries = Vec::new();
            for (key, value) in pairs {
                // A key Django does not read leaves it without the `:`: the dict is not read.
                entries.push((view(key)?, item(value)));
            }
            Expr::Dict(entries)
        }
        S::Or(a, b, _) => Expr::BinOp("|".into(), Box::new(view(a)?), Box::new(view(b)?)),
        S::And(a, b, _) => Expr::BinOp("&".into(), Box::new(view(a)?), Box::new(view(b)?)),
        S::Invert(inner, _) => Expr::Not(Box::new(view(inner)?)),
        S::Subscript(..) | S::Opaque(_) => return None,
    })
}

/// A call's positional and keyword arguments; a `*` or `**` argument is positional and `Other`
/// at the name after its star.
fn call_args(args: &[Arg]) -> (Vec<Expr>, Vec<(String, Expr)>) {
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    for arg in args {
        match &arg.name {
            _ if arg.star => positional.push(other(arg.value.start())),
            Some(name) => keywords.push((name.clone(), item(&arg.value))),
            None => positional.push(item(&arg.value)),
        }
    }
    (positional, keywords)
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

/// The statements of `text` (the file called `file`), one per logical line.
pub fn statements(file: &str, text: &str) -> Result<Vec<Stmt>> {
    let mut out = Vec::new();
    for line in logical_lines(file, text)? {
        let indent = line.indent;
        match syntax::line(&line.tokens) {
            syntax::Stmt::Class {
                name, bases, body, ..
            } => {
                // Keyword arguments (`metaclass=...`) leave the bases unread.
                let bases = if bases.iter().any(|b| b.name.is_some()) {
                    Vec::new()
                } else {
                    call_args(&bases).0
                };
                out.push(Stmt::Class {
                    name,
                    bases,
                    indent,
                    line: line.tokens[0].pos.line,
                });
                // A one-line body (`class Meta: abstract = True`) follows the colon.
                if let Some(inline) = body.first() {
                    out.push(assignment(inline, indent + 1));
                }
            }
            syntax::Stmt::Import { module, names } => out.push(Stmt::Import {
                module,
                names,
                indent,
            }),
            other => out.push(assignment(&other, indent)),
        }
    }
    Ok(out)
}

/// `name = value` or `name: annotation = value`; any other statement is `Other`.
fn assignment(stmt: &syntax::Stmt, indent: usize) -> Stmt {
    match stmt {
        syntax::Stmt::Assign {
            target: syntax::Expr::Name(target, _),
            value: Some(value),
            ..
        } => Stmt::Assign {
            target: target.clone(),
            value: item(value),
            indent,
        },
        syntax::Stmt::PartialAssign {
            target: syntax::Expr::Name(target, _),
            value_at,
        } => Stmt::Assign {
            target: target.clone(),
            value: other(*value_at),
            indent,
        },
        _ => Stmt::Other { indent },
    }
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
    fn value(text: &str) -> Expr {
        match statements("m.py", text).unwrap().remove(0) {
            Stmt::Assign { value, .. } => value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_call_is_placed_at_its_last_name_or_else_at_its_parenthesis() {
        let e = value(
            "x = models . CharField(1)
",
        );
        assert!(
            matches!(
                e,
                Expr::Call {
                    line: 1,
                    col: 14,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(matches!(
            value(
                "x = f()(1)
"
            ),
            Expr::Call {
                line: 1,
                col: 8,
                ..
            }
        ));
        assert!(matches!(
            value(
                "x = (f)(1)
"
            ),
            Expr::Call {
                line: 1,
                col: 7,
                ..
            }
        ));
    }

    #[test]
    fn what_django_does_not_evaluate_is_other_at_the_item_start() {
        let other = |e: &Expr| match e {
            Expr::Other { line, col } => Some((*line, *col)),
            _ => None,
        };
        // Parentheses bound an item; a postfix after them is not evaluated.
        assert_eq!(
            other(&value(
                "x = (a + b).c
"
            )),
            Some((1, 5))
        );
        let Expr::BinOp(op, _, right) = value(
            "x = a | (b + c)
",
        ) else {
            panic!()
        };
        assert_eq!((op.as_str(), other(&right)), ("|", Some((1, 10))));
        assert_eq!(
            value(
                "x = -(1)
"
            ),
            Expr::Num("-1".into())
        );
        assert_eq!(
            other(&value(
                "x = -y
"
            )),
            Some((1, 5))
        );
        assert_eq!(
            other(&value(
                "x = y[0]
"
            )),
            Some((1, 5))
        );
        assert_eq!(
            other(&value(
                "x = f(1).g
"
            )),
            Some((1, 5))
        );
        assert_eq!(
            other(&value(
                "x = 1, 2
"
            )),
            Some((1, 5))
        );
        // An unreadable dict key leaves the whole dict unread, at the item holding it.
        assert_eq!(
            other(&value(
                "x = [{a + b: 1}]
"
            )),
            None
        );
        let Expr::List(items) = value(
            "x = [{a + b: 1}]
",
        ) else {
            panic!()
        };
        assert_eq!(other(&items[0]), Some((1, 6)));
        let Expr::Call { args, kwargs, .. } = value(
            "x = f(*a, **b, k=lambda: 1, n=~Q(p=1))
",
        ) else {
            panic!()
        };
        assert_eq!(
            args.iter().map(other).collect::<Vec<_>>(),
            [Some((1, 8)), Some((1, 13))]
        );
        assert_eq!(other(&kwargs[0].1), Some((1, 18)));
        assert!(matches!(&kwargs[1].1, Expr::Not(inner) if matches!(**inner, Expr::Call { .. })));
    }

    #[test]
    fn bases_with_keywords_are_not_read_and_one_line_bodies_are() {
        let stmts = statements(
            "m.py",
            "class A(B, metaclass=M):
    pass
class Meta: abstract = True
import a.b as c
",
        )
        .unwrap();
        assert!(matches!(&stmts[0], Stmt::Class { bases, .. } if bases.is_empty()));
        assert!(matches!(&stmts[1], Stmt::Other { indent: 4 }));
        assert!(
            matches!(&stmts[3], Stmt::Assign { target, indent: 1, .. } if target == "abstract")
        );
        assert!(
            matches!(&stmts[4], Stmt::Import { module, names, .. } if module.is_empty() && names == &[("c".to_string(), "a.b".to_string())])
        );
    }
}
