//! Columns and table items: `Column(...)`/`mapped_column(...)` calls, a class body's columns
//! with its bases', and `__table_args__`/`Table(...)` items (constraints, indexes).

use super::ddl::quote;
use super::models::{Column, Constraint, ForeignKey, Table, Ty, World};
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::python::syntax::{Arg, Expr, Stmt, kwarg, positional};
use crate::source::orm::python::tokens::Pos;

impl World<'_> {
    /// A `Column(...)` / `mapped_column(...)` call into a column (and its foreign keys).
    pub(super) fn column(
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
    pub(super) fn class_columns(&self, class: &str, root: &str, table: &mut Table) -> Result<()> {
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
                            || matches!(d, Expr::Attr(b, ..) if b.tail() == Some("declared_attr"))
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
    pub(super) fn comment(&self, args: &[Arg]) -> Result<Option<String>> {
        kwarg(args, "comment")
            .filter(|e| !matches!(e, Expr::Const("None", _)))
            .map(|e| self.string(e, "a comment"))
            .transpose()
    }

    /// `__table_args__` items and `Table(...)` extra items into `table`.
    pub(super) fn table_item(&self, item: &Expr, table: &mut Table) -> Result<()> {
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
