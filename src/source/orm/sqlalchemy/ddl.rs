//! The DDL `metadata.create_all()` emits for the collected tables, per dialect, each line
//! remembering the model position it came from.

use std::collections::BTreeSet;

use super::collect::collect;
use super::models::{Column, Constraint, ForeignKey, Table, Ty};
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::generated::{GeneratedDdl, Origin};
use crate::source::orm::python::syntax::{Expr, kwarg, positional};
use crate::source::orm::python::tokens::{Pos, error_at};

pub(super) fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
pub(super) struct Rendered {
    pub(super) ddl: GeneratedDdl,
    pub(super) notes: Vec<String>,
}

impl From<Pos> for Origin {
    fn from(pos: Pos) -> Origin {
        Origin {
            file: pos.file,
            line: pos.line,
            column: pos.column,
        }
    }
}

pub(super) fn render(files: &[(String, String)], dialect: Dialect) -> Result<Rendered> {
    let (tables, notes) = collect(files, dialect)?;
    let mut r = Renderer {
        files,
        dialect,
        ddl: GeneratedDdl::new(files.iter().map(|(name, _)| name.clone()).collect()),
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
    Ok(Rendered { ddl: r.ddl, notes })
}

fn fk_target(fk: &ForeignKey) -> (Option<String>, String, Vec<String>) {
    let text = fk.targets[0].str().unwrap_or("[null, \"\", []]");
    serde_json::from_str(text).unwrap_or((None, String::new(), Vec::new()))
}

pub(super) struct Renderer<'a> {
    pub(super) files: &'a [(String, String)],
    pub(super) dialect: Dialect,
    pub(super) ddl: GeneratedDdl,
    pub(super) enums: BTreeSet<String>,
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
    pub(super) fn err(&self, pos: Pos, message: impl Into<String>) -> Error {
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

    pub(super) fn table(&mut self, t: &Table) -> Result<()> {
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
                    self.ddl.push_line(
                        format!(
                            "CREATE TYPE {} AS ENUM ({});",
                            self.qualified(&t.schema, &name),
                            labels.join(", ")
                        ),
                        (*pos).into(),
                    );
                }
            }
        }
        self.ddl.push_line(
            format!("CREATE TABLE {} (", self.qualified(&t.schema, &t.name)),
            t.pos.into(),
        );
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
            self.ddl.push_line(format!("\t{sql}{comma}"), pos.into());
        }
        match (&t.comment, self.dialect) {
            (Some(comment), Dialect::Mysql) => self.ddl.push_line(
                format!(")COMMENT={};", quote_literal(comment)),
                t.pos.into(),
            ),
            _ => self.ddl.push_line(");", t.pos.into()),
        }
        if self.dialect == Dialect::Postgres {
            let table = self.qualified(&t.schema, &t.name);
            if let Some(comment) = &t.comment {
                self.ddl.push_line(
                    format!("COMMENT ON TABLE {table} IS {};", quote_literal(comment)),
                    t.pos.into(),
                );
            }
            for c in t.columns.iter().filter(|c| c.comment.is_some()) {
                let comment = c.comment.as_deref().unwrap_or_default();
                self.ddl.push_line(
                    format!(
                        "COMMENT ON COLUMN {table}.{} IS {};",
                        self.q(&c.name),
                        quote_literal(comment)
                    ),
                    c.pos.into(),
                );
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
            self.ddl.push_line(sql, ix.pos.into());
        }
        Ok(())
    }

    /// A constraint or index name: the explicit one, or the naming convention's.
    pub(super) fn name(
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

    pub(super) fn default(&self, e: &Expr) -> Result<String> {
        match e {
            Expr::Str(s, _) => Ok(quote_literal(s)),
            Expr::Call(func, args, pos, _) => match (func.as_ref(), func.tail()) {
                (_, Some("text" | "literal_column")) => match positional(args).next() {
                    Some(Expr::Str(s, _)) => Ok(s.clone()),
                    _ => Err(self.err(*pos, "text() of something not a string literal")),
                },
                (Expr::Attr(base, name, ..), _) if base.tail() == Some("func") && args.is_empty() => {
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

    pub(super) fn ty(&self, ty: &Ty, column: &str) -> Result<String> {
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

pub(super) fn constraint(r: &Renderer, name: Option<String>) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", r.q(&n)),
        None => String::new(),
    }
}
