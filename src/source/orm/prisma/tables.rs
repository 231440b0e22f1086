//! One model's DDL: its CREATE TABLE with columns, primary key, unique and plain indexes,
//! and the foreign keys added after every table exists.

use super::parse::{Attribute, Block, Expr, Pos};
use super::render::{Line, Renderer, Statement, check_args, find_arg, string_arg};
use crate::error::Result;
use crate::model::Dialect;

/// The statements one model makes.
pub(super) struct ModelDdl {
    pub(super) table: Statement,
    pub(super) indexes: Vec<Statement>,
    pub(super) foreign_keys: Vec<Statement>,
}

/// How a scalar column is stored.
pub(super) struct ColumnType {
    pub(super) sql: String,
    /// Precision for MySQL's `CURRENT_TIMESTAMP(p)`.
    pub(super) precision: Option<u32>,
}

impl Renderer<'_> {
    /// The key text of a field-level `@id` or `@unique`: the column with its `length:` (MySQL
    /// prefix) and `sort:`.
    fn field_key(&self, attribute: &Attribute, column: &str) -> Result<String> {
        let mut key = self.quote(column);
        match find_arg(&attribute.args, "length", false) {
            None => {}
            Some(Expr::Number(n, p)) => {
                if self.dialect() != Dialect::Mysql {
                    return Err(self.error(*p, "index prefix `length` is MySQL only"));
                }
                key.push_str(&format!("({n})"));
            }
            Some(other) => return Err(self.error(other.pos(), "length is a number")),
        }
        match find_arg(&attribute.args, "sort", false) {
            None => {}
            Some(Expr::Name(order, _)) if order == "Asc" => {}
            Some(Expr::Name(order, _)) if order == "Desc" => key.push_str(" DESC"),
            Some(other) => return Err(self.error(other.pos(), "sort is Asc or Desc")),
        }
        Ok(key)
    }

    pub(super) fn render_model(&self, model: &Block) -> Result<ModelDdl> {
        let dialect = self.dialect();
        let table = self.table_name(model)?;
        let schema = self.block_schema(model)?;
        let table_sql = self.qualified(schema.as_deref(), &table);
        for attribute in &model.attributes {
            if !matches!(
                attribute.name.as_str(),
                "id" | "unique" | "index" | "map" | "schema" | "ignore" | "fulltext"
            ) {
                return Err(self.error(
                    attribute.pos,
                    format!("unknown model attribute @@{}", attribute.name),
                ));
            }
        }

        // Primary key: one @id field or @@id.
        let mut primary: Option<(Vec<String>, String, Option<String>, Pos)> = None;
        for field in &model.fields {
            if let Some(attribute) = field.attributes.iter().find(|a| a.name == "id") {
                check_args(
                    self.files,
                    attribute,
                    &["map", "sort", "length", "clustered"],
                    0,
                )?;
                if primary.is_some() {
                    return Err(self.error(attribute.pos, "a model has one primary key"));
                }
                let text = self.field_key(attribute, &self.column_name(field)?)?;
                let map = find_arg(&attribute.args, "map", false)
                    .map(|e| string_arg(self.files, e, "map"))
                    .transpose()?;
                primary = Some((vec![self.column_name(field)?], text, map, attribute.pos));
            }
        }
        if let Some(attribute) = model.attributes.iter().find(|a| a.name == "id") {
            check_args(
                self.files,
                attribute,
                &["fields", "name", "map", "clustered"],
                1,
            )?;
            if primary.is_some() {
                return Err(self.error(attribute.pos, "a model has one primary key"));
            }
            let fields = find_arg(&attribute.args, "fields", true)
                .ok_or_else(|| self.error(attribute.pos, "@@id needs a list of fields"))?;
            let (columns, text) = self.key_list(model, &self.key_parts(fields)?)?;
            let map = find_arg(&attribute.args, "map", false)
                .map(|e| string_arg(self.files, e, "map"))
                .transpose()?;
            primary = Some((columns, text, map, attribute.pos));
        }
        let ignored = model.attributes.iter().any(|a| a.name == "ignore");
        let has_unique = model.attributes.iter().any(|a| a.name == "unique")
            || model
                .fields
                .iter()
                .any(|f| f.attributes.iter().any(|a| a.name == "unique"));
        if primary.is_none() && !ignored && !has_unique {
            return Err(self.error(
                model.pos,
                format!(
                    "model `{}` needs an @id, @@id or a unique field (or @@ignore)",
                    model.name
                ),
            ));
        }
        if let Some((_, _, Some(_), pos)) = &primary
            && dialect != Dialect::Postgres
        {
            return Err(self.error(
                *pos,
                format!("{dialect} has no names for primary keys: drop `map:`"),
            ));
        }

        let mut lines = vec![Line {
            text: format!("CREATE TABLE {table_sql} ("),
            origin: model.pos,
        }];
        let mut body: Vec<Line> = Vec::new();
        let mut indexes = Vec::new();
        let mut inline_primary = false;
        for field in &model.fields {
            if self.is_relation(field) {
                self.check_relation_attributes(field)?;
                continue;
            }
            let single_primary = primary.as_ref().is_some_and(|(cols, _, _, _)| {
                cols.len() == 1 && cols[0] == self.column_name(field).unwrap_or_default()
            });
            let column = self.render_column(field, single_primary)?;
            if column.inline_primary {
                inline_primary = true;
            }
            body.push(Line {
                text: column.text,
                origin: field.pos,
            });
            if let Some(attribute) = field.attributes.iter().find(|a| a.name == "unique") {
                check_args(
                    self.files,
                    attribute,
                    &["map", "sort", "length", "clustered"],
                    0,
                )?;
                let column = self.column_name(field)?;
                let key = self.field_key(attribute, &column)?;
                let name = match find_arg(&attribute.args, "map", false) {
                    Some(e) => string_arg(self.files, e, "map")?,
                    None => self.default_name(&format!("{table}_{column}"), "_key"),
                };
                indexes.push(vec![Line {
                    text: format!(
                        "CREATE UNIQUE INDEX {} ON {table_sql}({key});",
                        self.quote(&name)
                    ),
                    origin: attribute.pos,
                }]);
            }
        }
        if let Some((_, key, map, pos)) = &primary
            && !inline_primary
        {
            // MySQL's primary key is always `PRIMARY`; Prisma names none on SQLite either.
            let text = match dialect {
                Dialect::Mysql | Dialect::Sqlite => format!("PRIMARY KEY ({key})"),
                _ => {
                    let name = map
                        .clone()
                        .unwrap_or_else(|| self.default_name(&table, "_pkey"));
                    format!("CONSTRAINT {} PRIMARY KEY ({key})", self.quote(&name))
                }
            };
            body.push(Line { text, origin: *pos });
        }
        // Foreign keys: inline on SQLite (it cannot add them later), ALTER TABLE elsewhere.
        let mut foreign_keys = Vec::new();
        if self.source.foreign_keys {
            for field in model.fields.iter().filter(|f| self.is_relation(f)) {
                if let Some(fk) = self.foreign_key(model, &table, field)? {
                    if dialect == Dialect::Sqlite {
                        body.push(Line {
                            text: format!("CONSTRAINT {}", fk.text),
                            origin: fk.origin,
                        });
                    } else {
                        foreign_keys.push(vec![Line {
                            text: format!("ALTER TABLE {table_sql} ADD CONSTRAINT {};", fk.text),
                            origin: fk.origin,
                        }]);
                    }
                }
            }
        }
        for attribute in &model.attributes {
            match attribute.name.as_str() {
                "unique" => {
                    check_args(
                        self.files,
                        attribute,
                        &["fields", "name", "map", "clustered"],
                        1,
                    )?;
                    let fields = find_arg(&attribute.args, "fields", true).ok_or_else(|| {
                        self.error(attribute.pos, "@@unique needs a list of fields")
                    })?;
                    let (columns, key) = self.key_list(model, &self.key_parts(fields)?)?;
                    let name = match find_arg(&attribute.args, "map", false) {
                        Some(e) => string_arg(self.files, e, "map")?,
                        None => {
                            self.default_name(&format!("{table}_{}", columns.join("_")), "_key")
                        }
                    };
                    indexes.push(vec![Line {
                        text: format!(
                            "CREATE UNIQUE INDEX {} ON {table_sql}({key});",
                            self.quote(&name)
                        ),
                        origin: attribute.pos,
                    }]);
                }
                "index" | "fulltext" => {
                    indexes.push(self.render_index(model, &table, &table_sql, attribute)?);
                }
                _ => {}
            }
        }
        let count = body.len();
        for (i, mut line) in body.into_iter().enumerate() {
            line.text = format!("    {}", line.text);
            if i + 1 < count {
                line.text.push(',');
            }
            lines.push(line);
        }
        let close = match dialect {
            Dialect::Mysql => ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
            _ => ");",
        };
        lines.push(Line {
            text: close.into(),
            origin: model.pos,
        });
        Ok(ModelDdl {
            table: lines,
            indexes,
            foreign_keys,
        })
    }
}
