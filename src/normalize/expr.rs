//! Expressions: parsing with the catalog's quirks smoothed over, rewriting into one canonical
//! shape, and printing with only the parentheses precedence needs.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, ObjectNamePart, TrimWhereField, UnaryOperator, Value, visit_expressions_mut,
};
use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use super::catalog::{
    OPERATOR_WIDENINGS, canonical_cast_type, column_cast, fold_mysql_function,
    lowercase_function_name, mysql_not, similar_to_pattern, uncast_operand, uncast_operands,
};
use super::ident::{ident_name, quote_ident};
use super::literal::{
    canonical_interval_expr, canonical_value, fold_literal_cast, is_column, is_empty_array,
};
use super::sql_dialect;
use crate::model::Dialect;

/// Parse a whole text as one expression; text left over after it means it is not one.
pub(super) fn parse_expr(dialect: Dialect, text: &str) -> Option<Expr> {
    let sql_dialect = sql_dialect(dialect);
    let mut parser = catalog_parser(dialect, sql_dialect.as_ref(), text)?;
    let expr = parser.parse_expr().ok()?;
    (parser.peek_token().token == Token::EOF).then_some(expr)
}

/// A parser over `text` whose tokens have first been rewritten from the spellings catalogs use
/// and sqlparser does not read (PostgreSQL's `TRIM(BOTH FROM x)`, MariaDB's `a MOD 2`,
/// `!(x)` and `cast(x as char(5) charset utf8mb4)`) into equivalent ones it does.
pub(super) fn catalog_parser<'a>(
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
                if is_word(current, "charset")
                    && let Some(Token::Word(charset)) = next
                {
                    skip[here] = true;
                    skip[positions[k + 1]] = true;
                    if charset.value.eq_ignore_ascii_case("binary") {
                        let back = if matches!(token(k.wrapping_sub(1)), Some(Token::RParen)) {
                            4
                        } else {
                            1
                        };
                        if let Some(&at) = k.checked_sub(back).and_then(|b| positions.get(b))
                            && is_word(&tokens[at].token, "char")
                        {
                            replace[at] = Some(Token::make_keyword("BINARY"));
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

pub(super) fn is_literal(expr: &Expr) -> bool {
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

pub(super) fn and_or_operands(expr: Expr, op: &BinaryOperator, out: &mut Vec<Expr>) {
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

pub(super) fn canonical_ident(dialect: Dialect, ident: &mut Ident) {
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

/// Canonicalise every expression inside any AST node (an expression, a query, a statement).
pub(super) fn canonicalize_all<V: sqlparser::ast::VisitMut>(dialect: Dialect, node: &mut V) {
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
            if dialect == Dialect::Postgres
                && unifying
                && let FunctionArguments::List(list) = &mut function.args
            {
                for arg in list.args.iter_mut() {
                    if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg
                        && let Some(column) = column_cast(e, OPERATOR_WIDENINGS)
                    {
                        *e = column;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DefaultValue, Type};
    use crate::normalize::default::default_value;
    use crate::normalize::literal::{canonical_interval, canonical_number};
    use crate::normalize::types::parse_type;

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
}
