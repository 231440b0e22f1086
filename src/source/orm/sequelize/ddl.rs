//! The DDL `sequelize.sync()` runs for the models on an empty database, per dialect (each
//! dialect's `createTableQuery`, `attributesToSQL` and `addIndexQuery` in v6.37), every piece
//! remembering the model position it comes from, for migen's SQL reader.

use std::collections::BTreeSet;

use super::inflection::underscore;
use super::models::{Attribute, DefaultValue, Model, Target, Unique};
use super::types::{DataType, IntegerKind, sql_type};
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::generated::{GeneratedDdl, GeneratedLine};
use crate::source::orm::typescript::error_at;

pub fn render(dialect: Dialect, models: &[Model], files: Vec<String>) -> Result<GeneratedDdl> {
    let writer = Writer {
        dialect,
        files: &files,
        models,
    };
    let mut ddl = GeneratedDdl::new(files.clone());
    for model in models {
        writer.create_table(model, &mut ddl)?;
    }
    for model in models {
        writer.indexes(model, &mut ddl)?;
    }
    Ok(ddl)
}

struct Writer<'w> {
    dialect: Dialect,
    files: &'w [String],
    models: &'w [Model],
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Writer<'_> {
    fn q(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
            _ => format!("`{}`", name.replace('`', "``")),
        }
    }

    fn list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.q(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn enum_type(model: &Model, attribute: &Attribute) -> String {
        format!("enum_{}_{}", model.table, attribute.field)
    }

    fn column_type(&self, model: &Model, attribute: &Attribute) -> Result<String> {
        let integer_key = attribute.auto_increment && matches!(attribute.ty, DataType::Integer(..));
        if integer_key && self.dialect == Dialect::Postgres {
            return Ok(match attribute.ty {
                DataType::Integer(IntegerKind::Big, _) => "BIGSERIAL".into(),
                DataType::Integer(IntegerKind::Small | IntegerKind::Tiny, _) => {
                    "SMALLSERIAL".into()
                }
                _ => "SERIAL".into(),
            });
        }
        if self.dialect == Dialect::Postgres
            && let DataType::Enum(_) = attribute.ty
        {
            return Ok(self.q(&Self::enum_type(model, attribute)));
        }
        sql_type(&attribute.ty, self.dialect).ok_or_else(|| {
            error_at(
                self.files,
                attribute.pos,
                format!(
                    "attribute `{}`: {:?} does not exist on {}",
                    attribute.name,
                    attribute.ty,
                    self.dialect.name()
                ),
            )
        })
    }

    fn default(&self, value: &DefaultValue) -> String {
        match value {
            DefaultValue::Str(s) => literal(s),
            DefaultValue::Num(n) => super::js_number(*n),
            DefaultValue::Bool(b) => match (self.dialect, b) {
                (Dialect::Sqlite, true) => "1".into(),
                (Dialect::Sqlite, false) => "0".into(),
                (_, b) => b.to_string(),
            },
            DefaultValue::Sql(sql) => sql.clone(),
        }
    }

    fn referenced_table(&self, target: &Target) -> Option<String> {
        match target {
            Target::Table(table) => self
                .models
                .iter()
                .any(|m| m.table == *table)
                .then(|| table.clone()),
            Target::Model(name) => super::associations::find_model(self.models, name)
                .map(|index| self.models[index].table.clone()),
        }
    }

    fn create_table(&self, model: &Model, ddl: &mut GeneratedDdl) -> Result<()> {
        let primary: Vec<&Attribute> = model.attributes.iter().filter(|a| a.primary_key).collect();
        // SQLite's createTableQuery: a lone integer key becomes `INTEGER PRIMARY KEY
        // [AUTOINCREMENT]` (dropping NOT NULL, DEFAULT and UNIQUE), another lone key keeps
        // `PRIMARY KEY` inline, and a composite key's columns become NOT NULL.
        let sqlite = self.dialect == Dialect::Sqlite;
        let sqlite_integer_key =
            sqlite && primary.len() == 1 && self.column_type(model, primary[0])?.contains("INT");
        let inline_key = sqlite && primary.len() == 1;
        if self.dialect == Dialect::Postgres {
            let mut created = BTreeSet::new();
            for attribute in &model.attributes {
                if let DataType::Enum(values) = &attribute.ty
                    && created.insert(attribute.field.clone())
                {
                    let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
                    ddl.push_line(
                        format!(
                            "CREATE TYPE {} AS ENUM ({});",
                            self.q(&Self::enum_type(model, attribute)),
                            values.join(", ")
                        ),
                        attribute.pos,
                    );
                }
            }
        }
        let mut line = GeneratedLine::new(
            format!("CREATE TABLE {} (", self.q(&model.table)),
            model.pos,
        );
        let mut foreign_keys = Vec::new();
        for (index, attribute) in model.attributes.iter().enumerate() {
            let mut text = String::new();
            if index > 0 {
                text.push_str(", ");
            }
            text.push_str(&self.q(&attribute.field));
            if sqlite_integer_key && attribute.primary_key {
                text.push_str(" INTEGER PRIMARY KEY");
                if attribute.auto_increment {
                    text.push_str(" AUTOINCREMENT");
                }
            } else {
                text.push_str(&format!(" {}", self.column_type(model, attribute)?));
                let composite_key = sqlite && attribute.primary_key && !inline_key;
                if !attribute.allow_null || composite_key {
                    text.push_str(" NOT NULL");
                }
                if attribute.auto_increment && self.dialect == Dialect::Mysql {
                    text.push_str(" auto_increment");
                }
                if let Some(default) = &attribute.default {
                    text.push_str(&format!(" DEFAULT {}", self.default(default)));
                }
                if attribute.unique == Unique::Column {
                    text.push_str(" UNIQUE");
                }
                if inline_key && attribute.primary_key {
                    text.push_str(" PRIMARY KEY");
                }
            }
            if let Some(reference) = &attribute.references {
                let table = self.referenced_table(&reference.target).ok_or_else(|| {
                    let name = match &reference.target {
                        Target::Table(t) | Target::Model(t) => t.clone(),
                    };
                    error_at(
                        self.files,
                        reference.pos,
                        format!(
                            "attribute `{}` references {name}, which is no model's table",
                            attribute.name
                        ),
                    )
                })?;
                let key = reference.key.clone().unwrap_or_else(|| "id".into());
                let mut clause = format!("REFERENCES {} ({})", self.q(&table), self.q(&key));
                if let Some(on_delete) = &reference.on_delete {
                    clause.push_str(&format!(" ON DELETE {on_delete}"));
                }
                if let Some(on_update) = &reference.on_update {
                    clause.push_str(&format!(" ON UPDATE {on_update}"));
                }
                match self.dialect {
                    Dialect::Mysql => foreign_keys.push((attribute, clause)),
                    _ => text.push_str(&format!(" {clause}")),
                }
            }
            if self.dialect == Dialect::Mysql
                && let Some(comment) = &attribute.comment
            {
                text.push_str(&format!(" COMMENT {}", literal(comment)));
            }
            line.push(text, attribute.pos);
        }
        // Named uniques: one constraint per name, over its attributes in order.
        let mut names: Vec<&str> = Vec::new();
        for attribute in &model.attributes {
            if let Unique::Named(name) = &attribute.unique
                && !names.contains(&name.as_str())
            {
                names.push(name);
            }
        }
        let key_fields: Vec<String> = primary.iter().map(|a| a.field.clone()).collect();
        for name in names {
            let fields: Vec<String> = model
                .attributes
                .iter()
                .filter(|a| a.unique == Unique::Named(name.to_string()))
                .map(|a| a.field.clone())
                .collect();
            // PostgreSQL keeps no unique constraint equal to the primary key it is created with
            // (a belongsToMany join model's two keys).
            if self.dialect == Dialect::Postgres && fields == key_fields {
                continue;
            }
            let text = match self.dialect {
                // PostgreSQL's createTableQuery drops the name (the server names it).
                Dialect::Postgres => format!(", UNIQUE ({})", self.list(&fields)),
                Dialect::Mysql => format!(", UNIQUE {} ({})", self.q(name), self.list(&fields)),
                Dialect::Sqlite => format!(", UNIQUE ({})", self.list(&fields)),
            };
            line.push(text, model.pos);
        }
        if !primary.is_empty() && !inline_key {
            let fields: Vec<String> = primary.iter().map(|a| a.field.clone()).collect();
            line.push(format!(", PRIMARY KEY ({})", self.list(&fields)), model.pos);
        }
        for (attribute, clause) in foreign_keys {
            line.push(
                format!(", FOREIGN KEY ({}) {clause}", self.q(&attribute.field)),
                attribute.pos,
            );
        }
        line.push(");", model.pos);
        ddl.push(line);
        if self.dialect == Dialect::Postgres {
            for attribute in &model.attributes {
                if let Some(comment) = &attribute.comment {
                    ddl.push_line(
                        format!(
                            "COMMENT ON COLUMN {}.{} IS {};",
                            self.q(&model.table),
                            self.q(&attribute.field),
                            literal(comment)
                        ),
                        attribute.pos,
                    );
                }
            }
        }
        Ok(())
    }

    fn indexes(&self, model: &Model, ddl: &mut GeneratedDdl) -> Result<()> {
        for index in &model.indexes {
            // Sequelize writes index fields as given, not mapped to `field` names: one that is
            // not a column fails at sync.
            let mut columns = Vec::new();
            for field in &index.fields {
                if !model.attributes.iter().any(|a| a.field == *field) {
                    return Err(error_at(
                        self.files,
                        index.pos,
                        format!("index field `{field}` is not a column of {}", model.table),
                    ));
                }
                columns.push(field.clone());
            }
            let name = index.name.clone().unwrap_or_else(|| {
                underscore(&format!("{}_{}", model.table, index.fields.join("_")))
            });
            let unique = if index.unique { "UNIQUE " } else { "" };
            ddl.push_line(
                format!(
                    "CREATE {unique}INDEX {} ON {} ({});",
                    self.q(&name),
                    self.q(&model.table),
                    self.list(&columns)
                ),
                index.pos,
            );
        }
        Ok(())
    }
}
