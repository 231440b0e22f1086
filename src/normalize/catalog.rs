//! What a server's catalog adds to an expression, folded back to what a person writes: casts
//! PostgreSQL inserts around operands, its cast type names, function spellings and forms
//! MariaDB prefers (`MOD`, `count(0)`, `NOT` pushed inward).

use sqlparser::ast::{
    BinaryOperator, DataType, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, ObjectName, ObjectNamePart, UnaryOperator, Value, ValueWithSpan,
};

use super::expr::and_or_operands;
use super::ident::ident_name;
use super::literal::is_column;
use super::types::{collapse_type_text, parse_type, type_sql};
use crate::model::{Dialect, Type};

/// The canonical spelling of a cast's target type: PostgreSQL's own names (`int` → `integer`,
/// `timestamptz` → `timestamp with time zone`), lower case.
pub(super) fn canonical_cast_type(dialect: Dialect, data_type: DataType) -> DataType {
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
pub(super) const OPERATOR_WIDENINGS: &[&str] = &["numeric", "double precision", "real"];

/// The column inside `(column)::type` when the type is one of `widenings`.
pub(super) fn column_cast(expr: &Expr, widenings: &[&str]) -> Option<Expr> {
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

pub(super) fn uncast_operand(dialect: Dialect, expr: Box<Expr>) -> Box<Expr> {
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
pub(super) fn uncast_operands(
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
pub(super) fn similar_to_pattern(expr: &Expr) -> Option<(Expr, Option<Expr>)> {
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
pub(super) fn fold_mysql_function(name: &str, function: &Function) -> Option<Expr> {
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
pub(super) fn mysql_not(expr: Expr) -> Expr {
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

pub(super) fn lowercase_function_name(dialect: Dialect, function: &mut Function) {
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
