//! Column types: a SQLAlchemy type expression, an `Enum(...)`, or a `Mapped[...]` annotation
//! (with `Optional`, `X | None`, `Annotated` aliases and the base's `type_annotation_map`).

use super::models::{AnnotationType, TYPE_NAMES, Ty, World};
use crate::error::Result;
use crate::source::orm::python::syntax::{Arg, Expr, kwarg, positional};
use crate::source::orm::python::tokens::Pos;

impl World<'_> {
    pub(super) fn resolve_type(&self, expr: &Expr) -> Result<Option<Ty>> {
        let expr = self.resolve(expr);
        let (name, args, pos) = match expr {
            Expr::Call(func, args, pos, _) => match func.tail() {
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
    pub(super) fn annotation_type(&self, annotation: &Expr, root: &str) -> Result<AnnotationType> {
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
}
