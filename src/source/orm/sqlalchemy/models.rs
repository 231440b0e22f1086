//! What the models say, before any DDL: column types as spelled, columns, foreign keys,
//! constraints and tables, and the `World` of a project's module-level assignments and classes
//! that names are resolved against (bases, `__tablename__`, enums, MetaData settings).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::python::syntax::{Arg, Expr, Stmt, kwarg};
use crate::source::orm::python::tokens::{Pos, error_at};

/// A column type as the model spells it, rendered per dialect later.
#[derive(Debug, Clone)]
pub(super) enum Ty {
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
pub(super) type AnnotationType = (Option<Ty>, bool, Vec<Arg>, Option<String>);

#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) name: String,
    pub(super) key: String,
    pub(super) ty: Option<Ty>,
    pub(super) nullable: bool,
    pub(super) primary_key: bool,
    pub(super) unique: bool,
    pub(super) index: bool,
    pub(super) server_default: Option<Expr>,
    pub(super) identity: Option<Vec<Arg>>,
    pub(super) autoincrement: Option<Expr>,
    pub(super) comment: Option<String>,
    pub(super) pos: Pos,
}

#[derive(Debug, Clone)]
pub(super) struct ForeignKey {
    pub(super) name: Option<Expr>,
    pub(super) columns: Vec<String>,
    /// `table.column` strings or `Class.attr` expressions, one per column.
    pub(super) targets: Vec<Expr>,
    pub(super) ondelete: Option<String>,
    pub(super) onupdate: Option<String>,
    pub(super) pos: Pos,
}

#[derive(Debug, Clone)]
pub(super) struct Constraint {
    pub(super) kind: &'static str,
    pub(super) name: Option<Expr>,
    pub(super) columns: Vec<String>,
    /// CHECK text, or index expressions rendered as SQL.
    pub(super) sql: Vec<String>,
    pub(super) unique: bool,
    pub(super) where_: Option<String>,
    pub(super) using: Option<String>,
    pub(super) pos: Pos,
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) name: String,
    pub(super) schema: Option<String>,
    pub(super) columns: Vec<Column>,
    pub(super) foreign_keys: Vec<ForeignKey>,
    pub(super) constraints: Vec<Constraint>,
    /// The naming convention of the table's MetaData.
    pub(super) convention: BTreeMap<String, String>,
    pub(super) sqlite_autoincrement: bool,
    pub(super) comment: Option<String>,
    pub(super) pos: Pos,
}

#[derive(Debug, Clone)]
pub(super) struct Class {
    pub(super) bases: Vec<Expr>,
    pub(super) body: Vec<Stmt>,
    pub(super) pos: Pos,
}

pub(super) struct World<'a> {
    pub(super) files: &'a [(String, String)],
    pub(super) dialect: Dialect,
    pub(super) assigns: HashMap<String, Expr>,
    pub(super) classes: HashMap<String, Class>,
    pub(super) class_order: Vec<String>,
    pub(super) notes: Vec<String>,
}

pub(super) const TYPE_NAMES: &[&str] = &[
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
    pub(super) fn err(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    pub(super) fn is_enum_class(&self, name: &str) -> bool {
        self.classes.get(name).is_some_and(|c| {
            c.bases.iter().any(|b| {
                matches!(b.tail(), Some("Enum" | "StrEnum" | "IntEnum"))
                    || b.tail().is_some_and(|t| t != name && self.is_enum_class(t))
            })
        })
    }

    pub(super) fn enum_members(&self, name: &str) -> Vec<String> {
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
    pub(super) fn root_of(&self, name: &str, seen: &mut BTreeSet<String>) -> Option<String> {
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

    pub(super) fn class_assign(&self, class: &str, attr: &str) -> Option<&Expr> {
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
    pub(super) fn resolve<'e>(&'e self, expr: &'e Expr) -> &'e Expr {
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
    pub(super) fn root_metadata(&self, root: &str) -> Option<&Expr> {
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

    pub(super) fn metadata_settings(
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

    pub(super) fn string(&self, expr: &Expr, what: &str) -> Result<String> {
        match self.resolve(expr) {
            Expr::Str(s, _) => Ok(s.clone()),
            other => Err(self.err(
                other.pos(),
                format!("{what} must be a string literal to be read statically"),
            )),
        }
    }

    /// The bases of a class in method resolution order (depth first, left to right).
    pub(super) fn linear_bases(&self, name: &str, out: &mut Vec<String>) {
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

    pub(super) fn own_tablename(&self, name: &str) -> Result<Option<(String, Pos)>> {
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

    pub(super) fn is_abstract(&self, name: &str) -> bool {
        self.class_assign(name, "__abstract__")
            .and_then(Expr::boolean)
            .unwrap_or(false)
    }

    /// `type_annotation_map` of a declarative root, python type name → SQLAlchemy type.
    pub(super) fn annotation_map(&self, root: &str) -> Vec<(String, Expr)> {
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
}
