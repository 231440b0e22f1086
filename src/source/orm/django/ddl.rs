//! The DDL Django 5.2's schema editor creates for resolved models: column types per dialect,
//! FK/index names with Django's md5 digest, many-to-many join tables, Meta indexes and
//! constraints.

use md5::{Digest, Md5};

use super::models::{Field, Model, field_kind};
use super::{located, str_of, unresolved_at};
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::generated::{GeneratedDdl, GeneratedLine, Origin};
use crate::source::orm::python::lines::Expr;

fn names_digest(args: &[&str], length: usize) -> String {
    let mut h = Md5::new();
    for a in args {
        h.update(a.as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_string()
}

/// Django's `BaseDatabaseSchemaEditor._create_index_name`.
pub(super) fn create_index_name(
    table: &str,
    columns: &[&str],
    suffix: &str,
    max_length: usize,
) -> String {
    let mut args = vec![table];
    args.extend_from_slice(columns);
    let mut hash_suffix = format!("{}{suffix}", names_digest(&args, 8));
    let joined = columns.join("_");
    let name = format!("{table}_{joined}_{hash_suffix}");
    if name.len() <= max_length {
        return name;
    }
    if hash_suffix.len() as f64 > max_length as f64 / 3.0 {
        hash_suffix.truncate(max_length / 3);
    }
    let other = (max_length - hash_suffix.len()) / 2 - 1;
    let cut = |s: &str| s.chars().take(other).collect::<String>();
    let mut name = format!("{}_{}_{hash_suffix}", cut(table), cut(&joined));
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.pop();
        name = format!("D{name}");
    }
    name
}

/// Django's `Index.set_name_with_model` (an index in Meta.indexes without a name).
pub(super) fn index_auto_name(table: &str, columns: &[(String, bool)]) -> String {
    let mut hash: Vec<String> = vec![table.to_string()];
    hash.extend(
        columns
            .iter()
            .map(|(c, desc)| if *desc { format!("-{c}") } else { c.clone() }),
    );
    hash.push("idx".into());
    let refs: Vec<&str> = hash.iter().map(String::as_str).collect();
    let first: String = columns
        .first()
        .map(|(c, _)| c.chars().take(7).collect())
        .unwrap_or_default();
    let mut name = format!(
        "{}_{first}_{}_idx",
        table.chars().take(11).collect::<String>(),
        names_digest(&refs, 6)
    );
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("D{}", &name[1..]);
    }
    name
}

pub(super) struct Renderer<'a> {
    pub(super) dialect: Dialect,
    pub(super) models: &'a [Model],
    pub(super) user_model: String,
    /// auth.User as a relation target (its table comes from the contrib DDL); its app is
    /// empty when django.contrib.auth is not installed.
    pub(super) contrib_user: Model,
    /// The files the models and fields are written in, which origins index.
    pub(super) files: Vec<String>,
}

/// The files `models` and their fields are written in, in first-seen order.
pub(super) fn files_of(models: &[Model]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let written = models
        .iter()
        .flat_map(|m| std::iter::once(&m.file).chain(m.fields.iter().map(|f| &f.file)));
    for file in written {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files
}

impl Renderer<'_> {
    pub(super) fn q(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }
    fn origin(&self, file: &str, (line, column): (u64, u64)) -> Origin {
        Origin {
            file: self.files.iter().position(|f| f == file).unwrap_or(0),
            line,
            column,
        }
    }

    fn model_origin(&self, model: &Model) -> Origin {
        self.origin(&model.file, model.at)
    }

    /// Where a field is written; a field Django adds itself (the implicit `id`, a join table's
    /// columns) is reported at its model.
    fn field_origin(&self, model: &Model, f: &Field) -> Origin {
        if f.at == (0, 0) {
            self.model_origin(model)
        } else {
            self.origin(&f.file, f.at)
        }
    }

    /// Where a Meta entry (a constraint or index call) is written.
    fn meta_origin(&self, model: &Model, e: &Expr) -> Origin {
        match e {
            Expr::Call { line, col, .. } | Expr::Other { line, col } => {
                self.origin(&model.file, (*line, *col))
            }
            _ => self.model_origin(model),
        }
    }

    fn max_name(&self) -> usize {
        match self.dialect {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => 200,
        }
    }
    fn lit(&self, e: &Expr, file: &str, at: (u64, u64)) -> Result<String> {
        Ok(match e {
            Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Expr::Num(n) => n.clone(),
            Expr::Name(n) if n.len() == 1 && (n[0] == "True" || n[0] == "False") => {
                let v = n[0] == "True";
                match self.dialect {
                    Dialect::Postgres => v.to_string(),
                    _ => (v as i32).to_string(),
                }
            }
            Expr::Name(n) if n.len() == 1 && n[0] == "None" => "NULL".into(),
            Expr::Call { func, args, .. }
                if func.last_name() == Some("Value") && args.len() == 1 =>
            {
                self.lit(&args[0], file, at)?
            }
            other => return Err(unresolved_at(file, at, other, "the value")),
        })
    }

    pub(super) fn target(&self, from: &Model, field: &Field) -> Result<&Model> {
        let t = field.target.as_ref().expect("relations have a target");
        let name = match t {
            Expr::Str(s) if s == "self" => from.name.clone(),
            Expr::Name(parts) if parts.last().is_some_and(|p| p == "AUTH_USER_MODEL") => {
                self.user_model.clone()
            }
            Expr::Str(s) => s.clone(),
            Expr::Name(parts) => parts.join("."),
            other => {
                return Err(unresolved_at(
                    &field.file,
                    field.at,
                    other,
                    "the related model",
                ));
            }
        };
        let (app, model) = match name.rsplit_once('.') {
            Some((a, m)) => (Some(a.rsplit('.').next().unwrap_or(a)), m),
            None => (None, name.as_str()),
        };
        // A bare name is a model of the same app, as Django resolves it.
        let app = app.unwrap_or(&from.app);
        if app == "auth" && model == "User" && self.contrib_user.app == "auth" {
            return Ok(&self.contrib_user);
        }
        self.models
            .iter()
            .find(|m| m.name == model && m.app == app)
            .ok_or_else(|| {
                located(
                    &field.file,
                    field.at,
                    format!(
                        "{}.{} refers to {name}, which is not a model of the installed apps",
                        from.name, field.name
                    ),
                )
            })
    }

    /// The column type Django creates (`db_type`), plus the check Django adds.
    fn db_type(&self, model: &Model, f: &Field) -> Result<(String, Option<String>)> {
        self.db_type_via(model, f, 0)
    }

    /// `hops`: how many foreign keys were followed to reach `f` (a key's type is its target's).
    /// More hops than there are fields means the keys refer to each other in a cycle.
    fn db_type_via(
        &self,
        model: &Model,
        f: &Field,
        hops: usize,
    ) -> Result<(String, Option<String>)> {
        if f.is_fk() {
            if hops > self.models.iter().map(|m| m.fields.len()).sum::<usize>() {
                return Err(located(
                    &f.file,
                    f.at,
                    format!(
                        "{}.{} is a foreign key to a foreign key that leads back to it: its column has no type",
                        model.name, f.name
                    ),
                ));
            }
            let target = self.target(model, f)?;
            let to_field = match f.kw("to_field").and_then(str_of) {
                Some(n) => target
                    .field(&n)
                    .ok_or_else(|| located(&f.file, f.at, format!("to_field {n} not found")))?,
                None => target.pk(),
            };
            return Ok((self.rel_type(target, to_field, hops + 1)?, None));
        }
        let d = self.dialect;
        let len = f.int("max_length")?;
        let col = self.q(&f.column());
        let t = match f.kind.as_str() {
            "AutoField" => match d {
                Dialect::Mysql => "integer AUTO_INCREMENT".into(),
                _ => "integer".into(),
            },
            "BigAutoField" => match d {
                Dialect::Mysql => "bigint AUTO_INCREMENT".into(),
                Dialect::Postgres => "bigint".into(),
                Dialect::Sqlite => "integer".into(),
            },
            "SmallAutoField" => match d {
                Dialect::Mysql => "smallint AUTO_INCREMENT".into(),
                Dialect::Postgres => "smallint".into(),
                Dialect::Sqlite => "integer".into(),
            },
            "CharField" | "SlugField" | "FileField" | "FilePathField" => match len {
                Some(n) => format!("varchar({n})"),
                None if d != Dialect::Mysql => "varchar".into(),
                None => {
                    return Err(Error::parse(
                        &f.file,
                        f.at.0,
                        f.at.1,
                        format!("{}.{}: MySQL needs max_length", model.name, f.name),
                    ));
                }
            },
            "TextField" => if d == Dialect::Mysql {
                "longtext"
            } else {
                "text"
            }
            .into(),
            "IntegerField" => "integer".into(),
            "BigIntegerField" => "bigint".into(),
            "SmallIntegerField" => "smallint".into(),
            "PositiveIntegerField" | "PositiveSmallIntegerField" | "PositiveBigIntegerField" => {
                let base = match f.kind.as_str() {
                    "PositiveIntegerField" => "integer",
                    "PositiveSmallIntegerField" => "smallint",
                    _ => "bigint",
                };
                let t = match d {
                    Dialect::Sqlite => format!("{base} unsigned"),
                    Dialect::Mysql => format!("{base} UNSIGNED"),
                    Dialect::Postgres => base.to_string(),
                };
                return Ok((t, Some(format!("{col} >= 0"))));
            }
            "BooleanField" => if d == Dialect::Postgres {
                "boolean"
            } else {
                "bool"
            }
            .into(),
            "DateField" => "date".into(),
            "DateTimeField" => match d {
                Dialect::Postgres => "timestamp with time zone",
                Dialect::Mysql => "datetime(6)",
                Dialect::Sqlite => "datetime",
            }
            .into(),
            "TimeField" => if d == Dialect::Mysql {
                "time(6)"
            } else {
                "time"
            }
            .into(),
            "DurationField" => if d == Dialect::Postgres {
                "interval"
            } else {
                "bigint"
            }
            .into(),
            "DecimalField" => match d {
                Dialect::Sqlite => "decimal".into(),
                _ => {
                    let digits = f.int("max_digits")?;
                    let places = f.int("decimal_places")?;
                    format!("numeric({}, {})", digits.unwrap_or(0), places.unwrap_or(0))
                }
            },
            "FloatField" => if d == Dialect::Sqlite {
                "real"
            } else {
                "double precision"
            }
            .into(),
            "BinaryField" => match d {
                Dialect::Postgres => "bytea",
                Dialect::Mysql => "longblob",
                Dialect::Sqlite => "BLOB",
            }
            .into(),
            "UUIDField" => if d == Dialect::Postgres {
                "uuid"
            } else {
                "char(32)"
            }
            .into(),
            "JSONField" => match d {
                Dialect::Postgres => "jsonb".into(),
                Dialect::Mysql => "json".into(),
                Dialect::Sqlite => {
                    return Ok((
                        "text".into(),
                        Some(format!("(JSON_VALID({col}) OR {col} IS NULL)")),
                    ));
                }
            },
            "GenericIPAddressField" => if d == Dialect::Postgres {
                "inet"
            } else {
                "char(39)"
            }
            .into(),
            other => {
                return Err(located(&f.file, f.at, format!("no type for {other}")));
            }
        };
        Ok((t, None))
    }

    /// `rel_db_type`: what a foreign key to `f` is created as.
    fn rel_type(&self, model: &Model, f: &Field, hops: usize) -> Result<String> {
        Ok(match f.kind.as_str() {
            "AutoField" => "integer".into(),
            "BigAutoField" => "bigint".into(),
            "SmallAutoField" => "smallint".into(),
            _ => self.db_type_via(model, f, hops)?.0,
        })
    }

    fn column_sql(
        &self,
        model: &Model,
        f: &Field,
        deferred: &mut Vec<GeneratedLine>,
    ) -> Result<String> {
        let (t, check) = self.db_type(model, f)?;
        let mut parts = vec![self.q(&f.column()), t];
        if self.dialect == Dialect::Mysql
            && let Some(c) = f.kw("db_comment").and_then(str_of)
        {
            parts.push(format!("COMMENT '{}'", c.replace('\'', "''")));
        }
        if let Some(v) = f.kw("db_default") {
            parts.push(format!("DEFAULT {}", self.lit(v, &f.file, f.at)?));
        }
        parts.push(if f.flag("null") { "NULL" } else { "NOT NULL" }.into());
        if f.primary_key() {
            parts.push("PRIMARY KEY".into());
        } else if f.unique() {
            parts.push("UNIQUE".into());
        }
        if let Some(c) = check {
            parts.push(format!("CHECK ({c})"));
        }
        if f.kind.ends_with("AutoField") {
            match self.dialect {
                Dialect::Sqlite => parts.push("AUTOINCREMENT".into()),
                Dialect::Postgres => parts.push("GENERATED BY DEFAULT AS IDENTITY".into()),
                Dialect::Mysql => {}
            }
        }
        if f.is_fk() && f.kw("db_constraint").and_then(Expr::truthy) != Some(false) {
            let target = self.target(model, f)?;
            let to = match f.kw("to_field").and_then(str_of) {
                Some(n) => target.field(&n).map(Field::column).unwrap_or(n),
                None => target.pk().column(),
            };
            match self.dialect {
                Dialect::Sqlite => parts.push(format!(
                    "REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED",
                    self.q(&target.table),
                    self.q(&to)
                )),
                _ => {
                    let name = create_index_name(
                        &model.table,
                        &[&f.column()],
                        &format!("_fk_{}_{}", target.table, to),
                        self.max_name(),
                    );
                    let sql = format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){};",
                        self.q(&model.table),
                        self.q(&name),
                        self.q(&f.column()),
                        self.q(&target.table),
                        self.q(&to),
                        if self.dialect == Dialect::Postgres {
                            " DEFERRABLE INITIALLY DEFERRED"
                        } else {
                            ""
                        }
                    );
                    deferred.push(GeneratedLine::new(sql, self.field_origin(model, f)));
                }
            }
        }
        Ok(parts.join(" "))
    }

    /// The indexes Django adds for a field (`_field_indexes_sql`).
    fn field_indexes(&self, model: &Model, f: &Field, out: &mut Vec<GeneratedLine>) -> Result<()> {
        let column = f.column();
        let origin = self.field_origin(model, f);
        let indexed = if f.is_fk() {
            // ForeignKey's db_index defaults to True; MySQL's InnoDB indexes FKs itself.
            f.kw("db_index").and_then(Expr::truthy).unwrap_or(true)
                && !f.unique()
                && !(self.dialect == Dialect::Mysql
                    && f.kw("db_constraint").and_then(Expr::truthy) != Some(false))
        } else {
            f.flag("db_index") && !f.unique()
        };
        if indexed {
            let sql = format!(
                "CREATE INDEX {} ON {} ({});",
                self.q(&create_index_name(
                    &model.table,
                    &[&column],
                    "",
                    self.max_name()
                )),
                self.q(&model.table),
                self.q(&column)
            );
            out.push(GeneratedLine::new(sql, origin));
        }
        // `db_index` as Django sees it: on by default for ForeignKey and SlugField.
        let db_index = f
            .kw("db_index")
            .and_then(Expr::truthy)
            .unwrap_or(f.is_fk() || f.kind == "SlugField");
        if self.dialect == Dialect::Postgres && (db_index || f.unique()) {
            let (t, _) = self.db_type(model, f)?;
            let ops = if t.starts_with("varchar") {
                Some("varchar_pattern_ops")
            } else if t.starts_with("text") {
                Some("text_pattern_ops")
            } else {
                None
            };
            if let Some(ops) = ops {
                let sql = format!(
                    "CREATE INDEX {} ON {} ({} {ops});",
                    self.q(&create_index_name(
                        &model.table,
                        &[&column],
                        "_like",
                        self.max_name()
                    )),
                    self.q(&model.table),
                    self.q(&column)
                );
                out.push(GeneratedLine::new(sql, origin));
            }
        }
        Ok(())
    }

    fn columns_of(&self, model: &Model, names: &Expr, what: &str) -> Result<Vec<String>> {
        let Expr::List(items) = names else {
            return Err(unresolved_at(&model.file, model.at, names, what));
        };
        items
            .iter()
            .map(|i| {
                let n = str_of(i).ok_or_else(|| unresolved_at(&model.file, model.at, i, what))?;
                let bare = n.trim_start_matches('-');
                model.field(bare).map(Field::column).ok_or_else(|| {
                    located(
                        &model.file,
                        model.at,
                        format!("{}: {what} names {bare}, which is not a field", model.name),
                    )
                })
            })
            .collect()
    }

    /// A `Q(...)` condition as SQL.
    fn condition(&self, model: &Model, e: &Expr) -> Result<String> {
        match e {
            Expr::BinOp(op, a, b) => {
                let conn = if op == "&" { "AND" } else { "OR" };
                Ok(format!(
                    "({} {conn} {})",
                    self.condition_inner(model, a, conn)?,
                    self.condition_inner(model, b, conn)?
                ))
            }
            Expr::Not(inner) => Ok(format!("NOT ({})", self.condition(model, inner)?)),
            Expr::Call {
                func, args, kwargs, ..
            } if func.last_name() == Some("Q") => {
                let mut parts = Vec::new();
                for a in args {
                    parts.push(self.condition(model, a)?);
                }
                let mut kw = kwargs.clone();
                kw.sort_by(|a, b| a.0.cmp(&b.0));
                for (k, v) in &kw {
                    parts.push(self.lookup(model, k, v)?);
                }
                Ok(if parts.len() > 1 {
                    format!("({})", parts.join(" AND "))
                } else {
                    parts.pop().unwrap_or_default()
                })
            }
            other => Err(unresolved_at(&model.file, model.at, other, "the condition")),
        }
    }

    fn condition_inner(&self, model: &Model, e: &Expr, _conn: &str) -> Result<String> {
        self.condition(model, e)
    }

    fn lookup(&self, model: &Model, key: &str, value: &Expr) -> Result<String> {
        let (field, op) = match key.rsplit_once("__") {
            Some((f, op)) => (f, op),
            None => (key, "exact"),
        };
        let column = model.field(field).map(Field::column).ok_or_else(|| {
            located(
                &model.file,
                model.at,
                format!(
                    "{}: condition names {field}, which is not a field",
                    model.name
                ),
            )
        })?;
        let col = self.q(&column);
        let v = || self.lit(value, &model.file, model.at);
        Ok(match op {
            "exact" if value.is_none() => format!("{col} IS NULL"),
            // Django writes a boolean field compared with True/False as the bare condition
            // where the backend allows it (all but MySQL).
            "exact"
                if self.dialect != Dialect::Mysql
                    && model.field(field).is_some_and(|f| f.kind == "BooleanField")
                    && value.truthy().is_some()
                    && !value.is_none() =>
            {
                if value.truthy() == Some(true) {
                    col
                } else {
                    format!("NOT {col}")
                }
            }
            "exact" => format!("{col} = {}", v()?),
            "gt" => format!("{col} > {}", v()?),
            "gte" => format!("{col} >= {}", v()?),
            "lt" => format!("{col} < {}", v()?),
            "lte" => format!("{col} <= {}", v()?),
            "isnull" => match value.truthy() {
                Some(true) => format!("{col} IS NULL"),
                Some(false) => format!("{col} IS NOT NULL"),
                None => return Err(unresolved_at(&model.file, model.at, value, "isnull")),
            },
            "in" => {
                let Expr::List(items) = value else {
                    return Err(unresolved_at(&model.file, model.at, value, "the in list"));
                };
                let items: Result<Vec<String>> = items
                    .iter()
                    .map(|i| self.lit(i, &model.file, model.at))
                    .collect();
                format!("{col} IN ({})", items?.join(", "))
            }
            other => {
                return Err(located(
                    &model.file,
                    model.at,
                    format!("{}: the lookup __{other} is not supported", model.name),
                ));
            }
        })
    }

    fn kwarg<'e>(kwargs: &'e [(String, Expr)], k: &str) -> Option<&'e Expr> {
        kwargs.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }

    pub(super) fn table(
        &self,
        model: &Model,
        out: &mut Vec<GeneratedLine>,
        deferred: &mut Vec<GeneratedLine>,
    ) -> Result<()> {
        let model_origin = self.model_origin(model);
        // The table's columns and constraints, each with where it is written.
        let mut cols: Vec<(String, Origin)> = Vec::new();
        for f in &model.fields {
            cols.push((
                self.column_sql(model, f, deferred)?,
                self.field_origin(model, f),
            ));
        }
        let table_q = self.q(&model.table);
        // unique_together: always deferred.
        if let Some(ut) = model.meta("unique_together") {
            let groups = match ut {
                Expr::List(items) if items.iter().all(|i| matches!(i, Expr::List(_))) => {
                    items.clone()
                }
                Expr::List(_) => vec![ut.clone()],
                other => {
                    return Err(unresolved_at(
                        &model.file,
                        model.at,
                        other,
                        "Meta.unique_together",
                    ));
                }
            };
            for g in groups {
                let columns = self.columns_of(model, &g, "unique_together")?;
                let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
                let name = create_index_name(&model.table, &refs, "_uniq", self.max_name());
                let list = columns
                    .iter()
                    .map(|c| self.q(c))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = match self.dialect {
                    Dialect::Sqlite => format!(
                        "CREATE UNIQUE INDEX {} ON {table_q} ({list});",
                        self.q(&name)
                    ),
                    _ => format!(
                        "ALTER TABLE {table_q} ADD CONSTRAINT {} UNIQUE ({list});",
                        self.q(&name)
                    ),
                };
                deferred.push(GeneratedLine::new(sql, model_origin));
            }
        }
        if let Some(cs) = model.meta("constraints") {
            let Expr::List(items) = cs else {
                return Err(unresolved_at(&model.file, model.at, cs, "Meta.constraints"));
            };
            for c in items {
                let Expr::Call { func, kwargs, .. } = c else {
                    return Err(unresolved_at(&model.file, model.at, c, "a constraint"));
                };
                let origin = self.meta_origin(model, c);
                let name = Self::kwarg(kwargs, "name")
                    .and_then(str_of)
                    .ok_or_else(|| {
                        unresolved_at(&model.file, model.at, c, "the constraint's name")
                    })?;
                match func.last_name() {
                    Some("CheckConstraint") => {
                        let cond = Self::kwarg(kwargs, "condition")
                            .or_else(|| Self::kwarg(kwargs, "check"))
                            .ok_or_else(|| unresolved_at(&model.file, model.at, c, "the check"))?;
                        cols.push((
                            format!(
                                "CONSTRAINT {} CHECK ({})",
                                self.q(&name),
                                self.condition(model, cond)?
                            ),
                            origin,
                        ));
                    }
                    Some("UniqueConstraint") => {
                        let fields = Self::kwarg(kwargs, "fields").ok_or_else(|| {
                            unresolved_at(&model.file, model.at, c, "UniqueConstraint fields")
                        })?;
                        let columns = self.columns_of(model, fields, "UniqueConstraint")?;
                        let list = columns
                            .iter()
                            .map(|c| self.q(c))
                            .collect::<Vec<_>>()
                            .join(", ");
                        match Self::kwarg(kwargs, "condition") {
                            Some(cond) => {
                                if self.dialect == Dialect::Mysql {
                                    // MySQL has no partial indexes: Django skips it.
                                    continue;
                                }
                                let sql = format!(
                                    "CREATE UNIQUE INDEX {} ON {table_q} ({list}) WHERE {};",
                                    self.q(&name),
                                    self.condition(model, cond)?
                                );
                                deferred.push(GeneratedLine::new(sql, origin));
                            }
                            None => cols.push((
                                format!("CONSTRAINT {} UNIQUE ({list})", self.q(&name)),
                                origin,
                            )),
                        }
                    }
                    _ => return Err(unresolved_at(&model.file, model.at, c, "a constraint")),
                }
            }
        }
        // One line, as Django writes it: each column or constraint keeps its own origin.
        let mut create = GeneratedLine::new(format!("CREATE TABLE {table_q} ("), model_origin);
        for (i, (sql, origin)) in cols.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            create.push(format!("{separator}{sql}"), *origin);
        }
        let mut end = String::from(")");
        if self.dialect == Dialect::Mysql
            && let Some(c) = model.meta("db_table_comment").and_then(str_of)
        {
            end.push_str(&format!(" COMMENT='{}'", c.replace('\'', "''")));
        }
        end.push(';');
        create.push(end, model_origin);
        out.push(create);
        if self.dialect == Dialect::Postgres {
            if let Some(c) = model.meta("db_table_comment").and_then(str_of) {
                let sql = format!("COMMENT ON TABLE {table_q} IS '{}';", c.replace('\'', "''"));
                deferred.push(GeneratedLine::new(sql, model_origin));
            }
            for f in &model.fields {
                if let Some(c) = f.kw("db_comment").and_then(str_of) {
                    let sql = format!(
                        "COMMENT ON COLUMN {table_q}.{} IS '{}';",
                        self.q(&f.column()),
                        c.replace('\'', "''")
                    );
                    deferred.push(GeneratedLine::new(sql, self.field_origin(model, f)));
                }
            }
        }
        for f in &model.fields {
            self.field_indexes(model, f, deferred)?;
        }
        if let Some(ix) = model.meta("indexes") {
            let Expr::List(items) = ix else {
                return Err(unresolved_at(&model.file, model.at, ix, "Meta.indexes"));
            };
            for i in items {
                let Expr::Call { func, kwargs, .. } = i else {
                    return Err(unresolved_at(&model.file, model.at, i, "an index"));
                };
                if func.last_name() != Some("Index") {
                    return Err(unresolved_at(&model.file, model.at, i, "an index"));
                }
                let fields = Self::kwarg(kwargs, "fields")
                    .ok_or_else(|| unresolved_at(&model.file, model.at, i, "Index fields"))?;
                let Expr::List(names) = fields else {
                    return Err(unresolved_at(&model.file, model.at, fields, "Index fields"));
                };
                let columns = self.columns_of(model, fields, "Index")?;
                let ordered: Vec<(String, bool)> = columns
                    .iter()
                    .zip(names)
                    .map(|(c, n)| (c.clone(), str_of(n).is_some_and(|s| s.starts_with('-'))))
                    .collect();
                let name = match Self::kwarg(kwargs, "name") {
                    Some(n) => str_of(n)
                        .ok_or_else(|| unresolved_at(&model.file, model.at, n, "Index name"))?,
                    None => index_auto_name(&model.table, &ordered),
                };
                let list = ordered
                    .iter()
                    .map(|(c, desc)| format!("{}{}", self.q(c), if *desc { " DESC" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut sql = format!("CREATE INDEX {} ON {table_q} ({list})", self.q(&name));
                if let Some(cond) = Self::kwarg(kwargs, "condition") {
                    if self.dialect == Dialect::Mysql {
                        continue;
                    }
                    sql.push_str(&format!(" WHERE {}", self.condition(model, cond)?));
                }
                sql.push(';');
                deferred.push(GeneratedLine::new(sql, self.meta_origin(model, i)));
            }
        }
        Ok(())
    }

    /// The join table Django creates for a ManyToManyField without `through`.
    fn join_model(&self, model: &Model, f: &Field) -> Result<Option<Model>> {
        if f.kw("through").is_some() {
            return Ok(None);
        }
        let target = self.target(model, f)?;
        let table = match f.kw("db_table") {
            Some(t) => str_of(t).ok_or_else(|| unresolved_at(&f.file, f.at, t, "db_table"))?,
            None => format!("{}_{}", model.table, f.name),
        };
        let (from, to) = if target.name == model.name {
            (
                format!("from_{}", model.name.to_lowercase()),
                format!("to_{}", target.name.to_lowercase()),
            )
        } else {
            (model.name.to_lowercase(), target.name.to_lowercase())
        };
        let fk = |name: &str, to: &Model| Field {
            name: name.to_string(),
            kind: "ForeignKey".into(),
            kwargs: Vec::new(),
            target: Some(Expr::Str(format!("{}.{}", to.app, to.name))),
            file: f.file.clone(),
            at: (0, 0),
            call: None,
        };
        let class = model
            .join_auto_field
            .rsplit('.')
            .next()
            .unwrap_or("AutoField");
        let kind = field_kind(class).map(|(k, _)| k).unwrap_or("AutoField");
        Ok(Some(Model {
            app: model.app.clone(),
            name: format!("{}_{}", model.name, f.name),
            table,
            fields: vec![
                Field {
                    name: "id".into(),
                    kind: kind.into(),
                    kwargs: vec![("primary_key".into(), Expr::Name(vec!["True".into()]))],
                    target: None,
                    file: f.file.clone(),
                    at: (0, 0),
                    call: None,
                },
                fk(&from, model),
                fk(&to, target),
            ],
            m2m: Vec::new(),
            meta: vec![(
                "unique_together".into(),
                Expr::List(vec![Expr::List(vec![Expr::Str(from), Expr::Str(to)])]),
            )],
            file: f.file.clone(),
            at: f.at,
            join_auto_field: model.join_auto_field.clone(),
        }))
    }

    /// The models' DDL, after `prefix` (SQL that is no model's, such as the contrib tables'),
    /// given as its file name and text.
    pub(super) fn ddl(&self, prefix: Option<(&str, &str)>) -> Result<GeneratedDdl> {
        let mut out = Vec::new();
        let mut deferred = Vec::new();
        let mut joins = Vec::new();
        for m in self.models {
            self.table(m, &mut out, &mut deferred)?;
            for f in &m.m2m {
                if let Some(j) = self.join_model(m, f)? {
                    joins.push(j);
                }
            }
        }
        // Join tables refer only to models, which `target` finds among `self.models`.
        for j in &joins {
            self.table(j, &mut out, &mut deferred)?;
        }
        let mut ddl = GeneratedDdl::new(self.files.clone());
        if let Some((file, text)) = prefix {
            ddl.push_verbatim(file, text);
        }
        for line in out.into_iter().chain(deferred) {
            ddl.push(line);
        }
        Ok(ddl)
    }
}
