//! The DDL TypeORM's schema builder runs for the tables on an empty database, per dialect
//! (`createTableSql` and `buildCreateColumnSql` of each driver's query runner), every line
//! remembering the entity position it comes from.

use std::collections::BTreeSet;

use super::columns::{Column, DefaultValue, Generation, js_number};
use super::entity::{Settings, Table};
use super::naming;
use super::types::normalized_type;
use crate::model::Dialect;
use crate::source::orm::generated::{GeneratedDdl, GeneratedLine};

pub(super) fn render(settings: &Settings, tables: &[Table], files: Vec<String>) -> GeneratedDdl {
    let mut ddl = GeneratedDdl::new(files);
    let writer = Writer { settings };
    if settings.dialect == Dialect::Postgres {
        writer.extensions(tables, &mut ddl);
        writer.enum_types(tables, &mut ddl);
    }
    for table in tables {
        writer.create_table(table, &mut ddl);
    }
    for table in tables {
        writer.after_table(table, &mut ddl);
    }
    ddl
}

struct Writer<'s> {
    settings: &'s Settings,
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Writer<'_> {
    fn dialect(&self) -> Dialect {
        self.settings.dialect
    }

    fn q(&self, name: &str) -> String {
        match self.dialect() {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    fn column_list(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.q(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// TypeORM installs the uuid extension when a column generates uuids.
    fn extensions(&self, tables: &[Table], ddl: &mut GeneratedDdl) {
        let uuid = tables
            .iter()
            .flat_map(|t| &t.columns)
            .find(|c| c.generation == Some(Generation::Uuid) && c.default.is_none());
        if let Some(column) = uuid
            && !self.settings.pgcrypto
        {
            ddl.push_line("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";", column.pos);
        }
    }

    fn enum_name(&self, table: &Table, column: &Column) -> String {
        column
            .enum_name
            .clone()
            .unwrap_or_else(|| format!("{}_{}_enum", table.name, column.name.to_lowercase()))
    }

    fn is_enum(&self, column: &Column) -> bool {
        matches!(column.ty.as_str(), "enum" | "simple-enum")
    }

    fn enum_types(&self, tables: &[Table], ddl: &mut GeneratedDdl) {
        let mut created = BTreeSet::new();
        for table in tables {
            for column in table.columns.iter().filter(|c| self.is_enum(c)) {
                let name = self.enum_name(table, column);
                if !created.insert(name.clone()) {
                    continue;
                }
                let values: Vec<String> = column
                    .enum_values
                    .iter()
                    .flatten()
                    .map(|v| literal(v))
                    .collect();
                ddl.push_line(
                    format!(
                        "CREATE TYPE {} AS ENUM ({});",
                        self.q(&name),
                        values.join(", ")
                    ),
                    column.pos,
                );
            }
        }
    }

    fn create_table(&self, table: &Table, ddl: &mut GeneratedDdl) {
        let mut line =
            GeneratedLine::new(format!("CREATE TABLE {} (", self.q(&table.name)), table.pos);
        let primary: Vec<&Column> = table.primary_columns();
        let composite = primary.len() > 1;
        for (index, column) in table.columns.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let text = match self.dialect() {
                Dialect::Postgres => self.postgres_column(table, column),
                Dialect::Mysql => self.mysql_column(column),
                Dialect::Sqlite => self.sqlite_column(column, composite),
            };
            line.push(format!("{separator}{text}"), column.pos);
        }
        // Unique constraints (MySQL keeps them as unique indexes, written after the table).
        if self.dialect() != Dialect::Mysql {
            for unique in &table.uniques {
                let name = unique
                    .name
                    .clone()
                    .unwrap_or_else(|| naming::unique_name(&table.name, &unique.columns));
                line.push(
                    format!(
                        ", CONSTRAINT {} UNIQUE ({})",
                        self.q(&name),
                        self.column_list(&unique.columns)
                    ),
                    unique.pos,
                );
            }
            for check in &table.checks {
                let name = check
                    .name
                    .clone()
                    .unwrap_or_else(|| naming::check_name(&table.name, &check.expression));
                line.push(
                    format!(
                        ", CONSTRAINT {} CHECK ({})",
                        self.q(&name),
                        check.expression
                    ),
                    check.pos,
                );
            }
        }
        // Foreign keys are part of the table: SQLite cannot add them later, and migen's SQL
        // reader resolves references once every table is read.
        for fk in &table.foreign_keys {
            line.push(format!(", {}", self.foreign_key(fk)), fk.pos);
        }
        let names: Vec<String> = primary.iter().map(|c| c.name.clone()).collect();
        match self.dialect() {
            Dialect::Postgres if !primary.is_empty() => {
                let name = primary[0]
                    .primary_key_name
                    .clone()
                    .unwrap_or_else(|| naming::primary_key_name(&table.name, &names));
                line.push(
                    format!(
                        ", CONSTRAINT {} PRIMARY KEY ({})",
                        self.q(&name),
                        self.column_list(&names)
                    ),
                    primary[0].pos,
                );
            }
            Dialect::Mysql if !primary.is_empty() => {
                line.push(
                    format!(", PRIMARY KEY ({})", self.column_list(&names)),
                    primary[0].pos,
                );
            }
            Dialect::Sqlite if composite => {
                line.push(
                    format!(", PRIMARY KEY ({})", self.column_list(&names)),
                    primary[0].pos,
                );
            }
            _ => {}
        }
        let end = if self.dialect() == Dialect::Mysql {
            ") ENGINE=InnoDB;"
        } else {
            ");"
        };
        line.push(end, table.pos);
        ddl.push(line);
        if self.dialect() == Dialect::Postgres {
            for column in table.columns.iter().filter(|c| c.comment.is_some()) {
                ddl.push_line(
                    format!(
                        "COMMENT ON COLUMN {}.{} IS {};",
                        self.q(&table.name),
                        self.q(&column.name),
                        literal(column.comment.as_deref().unwrap_or_default())
                    ),
                    column.pos,
                );
            }
        }
    }

    /// The table's indexes.
    fn after_table(&self, table: &Table, ddl: &mut GeneratedDdl) {
        for index in &table.indices {
            let unique = if index.unique { "UNIQUE " } else { "" };
            let condition = index
                .condition
                .as_ref()
                .map(|c| format!(" WHERE {c}"))
                .unwrap_or_default();
            ddl.push_line(
                format!(
                    "CREATE {unique}INDEX {} ON {} ({}){condition};",
                    self.q(&index.name),
                    self.q(&table.name),
                    self.column_list(&index.columns)
                ),
                index.pos,
            );
        }
    }

    fn foreign_key(&self, fk: &super::entity::ForeignKey) -> String {
        format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            self.q(&fk.name),
            self.column_list(&fk.columns),
            self.q(&fk.table),
            self.column_list(&fk.referenced),
            fk.on_delete,
            fk.on_update
        )
    }

    /// `createFullType`: the type with its length, or precision and scale.
    fn full_type(&self, column: &Column, normalized: &str) -> String {
        let mut ty = normalized.to_string();
        let length = match self.dialect() {
            Dialect::Mysql => self.mysql_length(column),
            _ => column.length.clone(),
        };
        if let Some(length) = length.filter(|l| !l.is_empty()) {
            ty = format!("{ty}({length})");
        } else if let (Some(p), Some(s)) = (column.precision, column.scale) {
            ty = format!("{ty}({p},{s})");
        } else if let Some(p) = column.precision {
            ty = format!("{ty}({p})");
        }
        if self.dialect() == Dialect::Postgres {
            let precision = column
                .precision
                .map(|p| format!("({p})"))
                .unwrap_or_default();
            ty = match normalized {
                "time without time zone" => format!("TIME{precision}"),
                "time with time zone" => format!("TIME{precision} WITH TIME ZONE"),
                "timestamp without time zone" => format!("TIMESTAMP{precision}"),
                "timestamp with time zone" => format!("TIMESTAMP{precision} WITH TIME ZONE"),
                _ => ty,
            };
        }
        if column.array {
            ty.push_str("[]");
        }
        ty
    }

    /// MySQL's `getColumnLength`: varchar and varbinary default to 255, a generated uuid
    /// stored as text to 36.
    fn mysql_length(&self, column: &Column) -> Option<String> {
        if column.length.is_some() {
            return column.length.clone();
        }
        if column.generation == Some(Generation::Uuid) && !self.settings.mariadb {
            return Some("36".into());
        }
        match column.ty.as_str() {
            "String" | "varchar" | "nvarchar" | "national varchar" | "varbinary" => {
                Some("255".into())
            }
            _ => None,
        }
    }

    /// `normalizeDefault` of each driver.
    fn default(&self, column: &Column) -> Option<String> {
        let value = column.default.as_ref()?;
        let is_enum = self.is_enum(column);
        Some(match (self.dialect(), value) {
            (_, DefaultValue::Raw(sql)) => sql.clone(),
            (_, DefaultValue::Str(s)) => literal(s),
            (Dialect::Postgres, DefaultValue::Num(n)) => format!("'{}'", js_number(*n)),
            (Dialect::Mysql, DefaultValue::Num(n)) => {
                format!("'{n:.0$}'", column.scale.unwrap_or(0) as usize)
            }
            (_, DefaultValue::Num(n)) if is_enum => format!("'{}'", js_number(*n)),
            (_, DefaultValue::Num(n)) => js_number(*n),
            (Dialect::Postgres, DefaultValue::Bool(b)) => b.to_string(),
            (_, DefaultValue::Bool(b)) => if *b { "1" } else { "0" }.to_string(),
            (_, DefaultValue::Json(json)) => literal(json),
        })
    }

    fn postgres_column(&self, table: &Table, column: &Column) -> String {
        let normalized = normalized_type(self.settings, column);
        let mut sql = self.q(&column.name);
        let generated = column.generation.filter(|g| *g != Generation::Uuid);
        match generated {
            Some(Generation::Identity) => {
                let mode = column.identity.as_deref().unwrap_or("BY DEFAULT");
                sql += &format!(" {normalized} GENERATED {mode} AS IDENTITY");
            }
            Some(_) => match normalized.as_str() {
                "integer" | "int" | "int4" => sql += " SERIAL",
                "smallint" | "int2" => sql += " SMALLSERIAL",
                "bigint" | "int8" => sql += " BIGSERIAL",
                _ => {}
            },
            None => {}
        }
        if self.is_enum(column) {
            sql += &format!(" {}", self.q(&self.enum_name(table, column)));
            if column.array {
                sql += "[]";
            }
        } else if generated.is_none() {
            sql += &format!(" {}", self.full_type(column, &normalized));
        }
        if let Some(expression) = &column.as_expression {
            sql += &format!(" GENERATED ALWAYS AS ({expression}) STORED");
        }
        if !column.nullable {
            sql += " NOT NULL";
        }
        if let Some(default) = self.default(column) {
            sql += &format!(" DEFAULT {default}");
        } else if column.generation == Some(Generation::Uuid) {
            let generator = if self.settings.pgcrypto {
                "gen_random_uuid()"
            } else {
                "uuid_generate_v4()"
            };
            sql += &format!(" DEFAULT {generator}");
        }
        sql
    }

    fn mysql_column(&self, column: &Column) -> String {
        let normalized = normalized_type(self.settings, column);
        let mut sql = format!(
            "{} {}",
            self.q(&column.name),
            self.full_type(column, &normalized)
        );
        if let Some(expression) = &column.as_expression {
            let kind = column.generated_type.as_deref().unwrap_or("VIRTUAL");
            sql += &format!(" AS ({expression}) {kind}");
        }
        if column.unsigned {
            sql += " UNSIGNED";
        }
        if let Some(values) = &column.enum_values {
            let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
            sql += &format!(" ({})", values.join(", "));
        }
        let virtual_on_mariadb = self.settings.mariadb && column.as_expression.is_some();
        if !virtual_on_mariadb {
            sql += if column.nullable {
                " NULL"
            } else {
                " NOT NULL"
            };
        }
        if column.generation == Some(Generation::Increment) {
            sql += " AUTO_INCREMENT";
        }
        if let Some(comment) = column.comment.as_deref().filter(|c| !c.is_empty()) {
            sql += &format!(" COMMENT {}", literal(comment));
        }
        if let Some(default) = self.default(column) {
            sql += &format!(" DEFAULT {default}");
        }
        if let Some(on_update) = &column.on_update {
            sql += &format!(" ON UPDATE {on_update}");
        }
        sql
    }

    fn sqlite_column(&self, column: &Column, composite: bool) -> String {
        let normalized = normalized_type(self.settings, column);
        let ty = if column.enum_values.is_some() {
            "varchar".to_string()
        } else {
            self.full_type(column, &normalized)
        };
        let mut sql = format!("{} {ty}", self.q(&column.name));
        if let Some(values) = column.enum_values.as_ref().filter(|_| !column.array) {
            let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
            sql += &format!(
                " CHECK( {} IN ({}) )",
                self.q(&column.name),
                values.join(",")
            );
        }
        if column.primary && !composite {
            sql += " PRIMARY KEY";
        }
        if column.generation == Some(Generation::Increment) {
            sql += " AUTOINCREMENT";
        }
        if !column.nullable {
            sql += " NOT NULL";
        }
        if let Some(expression) = &column.as_expression {
            let kind = column.generated_type.as_deref().unwrap_or("VIRTUAL");
            sql += &format!(" AS ({expression}) {kind}");
        } else if let Some(default) = self.default(column) {
            sql += &format!(" DEFAULT ({default})");
        }
        sql
    }
}
