//! Columns: Prisma scalar and native (`@db.*`) types per provider, defaults as Prisma writes
//! them into SQL, and the attribute checks a field must pass.

use super::parse::{Arg, Attribute, BlockKind, Expr, Field, Pos};
use super::render::{Renderer, SCALARS, check_args, find_arg, quote_sql};
use super::tables::ColumnType;
use crate::error::Result;
use crate::model::Dialect;

/// A rendered column line and whether it carries SQLite's inline `PRIMARY KEY`.
pub(super) struct ColumnDdl {
    pub(super) text: String,
    pub(super) inline_primary: bool,
}

/// A foreign key clause (`"name" FOREIGN KEY (...) REFERENCES ...`) and where it was declared.
pub(super) struct ForeignKeyDdl {
    pub(super) text: String,
    pub(super) origin: Pos,
}

const FIELD_ATTRIBUTES: &[&str] = &["id", "unique", "default", "map", "updatedAt", "ignore"];

impl Renderer<'_> {
    fn native_attribute<'f>(&self, field: &'f Field) -> Option<&'f Attribute> {
        let prefix = format!("{}.", self.datasource_name());
        field
            .attributes
            .iter()
            .find(|a| a.name.starts_with(&prefix))
    }

    fn datasource_name(&self) -> &str {
        self.blocks
            .iter()
            .find(|b| b.kind == BlockKind::Datasource)
            .map(|b| b.name.as_str())
            .unwrap_or("db")
    }

    pub(super) fn check_relation_attributes(&self, field: &Field) -> Result<()> {
        for attribute in &field.attributes {
            if !matches!(attribute.name.as_str(), "relation" | "ignore") {
                return Err(self.error(
                    attribute.pos,
                    format!(
                        "@{} does not apply to relation field `{}`",
                        attribute.name, field.name
                    ),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn render_column(&self, field: &Field, single_primary: bool) -> Result<ColumnDdl> {
        let dialect = self.dialect();
        // An unknown type (a misspelt model, too) is the first thing to report.
        let mut column_type = self.column_type(field)?;
        let native = self.native_attribute(field);
        for attribute in &field.attributes {
            let known = FIELD_ATTRIBUTES.contains(&attribute.name.as_str())
                || native.is_some_and(|n| std::ptr::eq(n, attribute));
            if !known {
                let message = if attribute.name == "relation" {
                    format!(
                        "@relation goes on a relation field; `{}` is a scalar",
                        field.name
                    )
                } else {
                    format!("unknown field attribute @{}", attribute.name)
                };
                return Err(self.error(attribute.pos, message));
            }
        }
        let name = self.quote(&self.column_name(field)?);
        if field.list {
            if dialect != Dialect::Postgres {
                return Err(self.error(
                    field.type_pos,
                    format!(
                        "scalar lists (`{}[]`) exist on PostgreSQL only",
                        field.type_name
                    ),
                ));
            }
            column_type.sql.push_str("[]");
        }
        let default = field.attributes.iter().find(|a| a.name == "default");
        let mut autoincrement = false;
        let mut default_sql = None;
        if let Some(attribute) = default {
            check_args(self.files, attribute, &["value", "map"], 1)?;
            let value = find_arg(&attribute.args, "value", true)
                .ok_or_else(|| self.error(attribute.pos, "@default needs a value"))?;
            if matches!(value, Expr::Call(f, _, _) if f == "autoincrement") {
                if !matches!(field.type_name.as_str(), "Int" | "BigInt") || field.list {
                    return Err(self.error(
                        value.pos(),
                        "autoincrement() applies to Int and BigInt fields",
                    ));
                }
                autoincrement = true;
            } else {
                default_sql = self.default_value(field, &column_type, value)?;
            }
        }
        if field.attributes.iter().any(|a| a.name == "updatedAt") && field.type_name != "DateTime" {
            let at = field
                .attributes
                .iter()
                .find(|a| a.name == "updatedAt")
                .unwrap();
            return Err(self.error(at.pos, "@updatedAt applies to DateTime fields"));
        }
        let not_null = !field.optional && !field.list;
        let mut text = match (dialect, autoincrement) {
            (Dialect::Postgres, true) => {
                let serial = match column_type.sql.as_str() {
                    "SMALLINT" => "SMALLSERIAL",
                    "BIGINT" => "BIGSERIAL",
                    "INTEGER" => "SERIAL",
                    other => {
                        return Err(self.error(
                            field.type_pos,
                            format!("autoincrement() cannot make a {other} column"),
                        ));
                    }
                };
                format!("{name} {serial}")
            }
            _ => format!("{name} {}", column_type.sql),
        };
        if not_null {
            text.push_str(" NOT NULL");
        } else if dialect == Dialect::Mysql {
            text.push_str(" NULL");
        }
        let mut inline_primary = false;
        if dialect == Dialect::Sqlite && single_primary {
            text.push_str(" PRIMARY KEY");
            inline_primary = true;
        }
        // Prisma's SQLite schema makes every single Int @id an AUTOINCREMENT key, with or
        // without @default(autoincrement()) (observed with its schema engine).
        if dialect == Dialect::Sqlite && single_primary && field.type_name == "Int" {
            autoincrement = true;
        }
        if autoincrement {
            match dialect {
                Dialect::Postgres => {}
                Dialect::Mysql => text.push_str(" AUTO_INCREMENT"),
                Dialect::Sqlite => {
                    if !single_primary || field.type_name != "Int" {
                        let at = default.expect("autoincrement came from @default").pos;
                        return Err(self.error(
                            at,
                            "on SQLite autoincrement() works only on the Int @id field",
                        ));
                    }
                    text.push_str(" AUTOINCREMENT");
                }
            }
        }
        if let Some(default_sql) = default_sql {
            text.push_str(&format!(" DEFAULT {default_sql}"));
        }
        Ok(ColumnDdl {
            text,
            inline_primary,
        })
    }

    /// The column type of a scalar, enum or `Unsupported` field (without list brackets).
    pub(super) fn column_type(&self, field: &Field) -> Result<ColumnType> {
        let dialect = self.dialect();
        if let Some(raw) = &field.unsupported {
            if field.list {
                return Err(self.error(field.type_pos, "Unsupported types cannot be lists"));
            }
            return Ok(ColumnType {
                sql: raw.clone(),
                precision: None,
            });
        }
        if let Some(def) = self.enums.get(&field.type_name) {
            if let Some(native) = self.native_attribute(field) {
                return Err(self.error(native.pos, "enum fields take no native type"));
            }
            let sql = match dialect {
                Dialect::Postgres => self.qualified(def.schema.as_deref(), &def.db_name),
                Dialect::Mysql => {
                    let values: Vec<String> =
                        def.values.iter().map(|(_, v)| quote_sql(v)).collect();
                    format!("ENUM({})", values.join(", "))
                }
                Dialect::Sqlite => "TEXT".into(),
            };
            return Ok(ColumnType {
                sql,
                precision: None,
            });
        }
        if !SCALARS.contains(&field.type_name.as_str()) {
            return Err(self.error(
                field.type_pos,
                format!(
                    "unknown type `{}`: not a scalar type, enum or model",
                    field.type_name
                ),
            ));
        }
        if let Some(native) = self.native_attribute(field) {
            return self.native_type(field, native);
        }
        let sql = match (dialect, field.type_name.as_str()) {
            (Dialect::Postgres, "String") => "TEXT",
            (Dialect::Mysql, "String") => "VARCHAR(191)",
            (Dialect::Sqlite, "String") => "TEXT",
            (_, "Boolean") => "BOOLEAN",
            (_, "Int") => "INTEGER",
            (_, "BigInt") => "BIGINT",
            (Dialect::Postgres, "Float") => "DOUBLE PRECISION",
            (Dialect::Mysql, "Float") => "DOUBLE",
            (Dialect::Sqlite, "Float") => "REAL",
            (Dialect::Sqlite, "Decimal") => "DECIMAL",
            (_, "Decimal") => "DECIMAL(65,30)",
            (Dialect::Postgres, "DateTime") => "TIMESTAMP(3)",
            (Dialect::Mysql, "DateTime") => "DATETIME(3)",
            (Dialect::Sqlite, "DateTime") => "DATETIME",
            (Dialect::Mysql, "Json") => "JSON",
            (_, "Json") => "JSONB",
            (Dialect::Postgres, "Bytes") => "BYTEA",
            (Dialect::Mysql, "Bytes") => "LONGBLOB",
            (Dialect::Sqlite, "Bytes") => "BLOB",
            _ => unreachable!("every scalar has a type in every dialect"),
        };
        Ok(ColumnType {
            sql: sql.into(),
            precision: (field.type_name == "DateTime").then_some(3),
        })
    }

    /// `@db.X(args)`: the provider's native type, if it fits the field's scalar type.
    fn native_type(&self, field: &Field, native: &Attribute) -> Result<ColumnType> {
        let dialect = self.dialect();
        let name = native.name.split_once('.').map(|(_, n)| n).unwrap_or("");
        if dialect == Dialect::Sqlite {
            return Err(self.error(
                native.pos,
                format!("native type @{} is not available on SQLite", native.name),
            ));
        }
        let mut numbers = Vec::new();
        for arg in &native.args {
            match (&arg.name, &arg.value) {
                (None, Expr::Number(n, _)) if n.parse::<u32>().is_ok() => numbers.push(n.clone()),
                (_, value) => {
                    return Err(
                        self.error(value.pos(), format!("@{} takes whole numbers", native.name))
                    );
                }
            }
        }
        // (sql name, scalars it fits, most arguments, arguments required)
        let spec: Option<(&str, &[&str], usize, bool)> = match (dialect, name) {
            (Dialect::Postgres, "Text") => Some(("TEXT", &["String"], 0, false)),
            (Dialect::Postgres, "Char") => Some(("CHAR", &["String"], 1, false)),
            (Dialect::Postgres, "VarChar") => Some(("VARCHAR", &["String"], 1, false)),
            (Dialect::Postgres, "Bit") => Some(("BIT", &["String"], 1, false)),
            (Dialect::Postgres, "VarBit") => Some(("VARBIT", &["String"], 1, false)),
            (Dialect::Postgres, "Uuid") => Some(("UUID", &["String"], 0, false)),
            (Dialect::Postgres, "Xml") => Some(("XML", &["String"], 0, false)),
            (Dialect::Postgres, "Inet") => Some(("INET", &["String"], 0, false)),
            (Dialect::Postgres, "Citext") => Some(("CITEXT", &["String"], 0, false)),
            (Dialect::Postgres, "Boolean") => Some(("BOOLEAN", &["Boolean"], 0, false)),
            (Dialect::Postgres, "Integer") => Some(("INTEGER", &["Int"], 0, false)),
            (Dialect::Postgres, "SmallInt") => Some(("SMALLINT", &["Int"], 0, false)),
            (Dialect::Postgres, "Oid") => Some(("OID", &["Int"], 0, false)),
            (Dialect::Postgres, "BigInt") => Some(("BIGINT", &["BigInt"], 0, false)),
            (Dialect::Postgres, "DoublePrecision") => {
                Some(("DOUBLE PRECISION", &["Float"], 0, false))
            }
            (Dialect::Postgres, "Real") => Some(("REAL", &["Float"], 0, false)),
            (Dialect::Postgres, "Decimal") => Some(("DECIMAL", &["Decimal", "Float"], 2, false)),
            (Dialect::Postgres, "Money") => Some(("MONEY", &["Decimal"], 0, false)),
            (Dialect::Postgres, "Timestamp") => Some(("TIMESTAMP", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Timestamptz") => Some(("TIMESTAMPTZ", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Date") => Some(("DATE", &["DateTime"], 0, false)),
            (Dialect::Postgres, "Time") => Some(("TIME", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Timetz") => Some(("TIMETZ", &["DateTime"], 1, false)),
            (Dialect::Postgres, "Json") => Some(("JSON", &["Json"], 0, false)),
            (Dialect::Postgres, "JsonB") => Some(("JSONB", &["Json"], 0, false)),
            (Dialect::Postgres, "ByteA") => Some(("BYTEA", &["Bytes"], 0, false)),
            (Dialect::Mysql, "VarChar") => Some(("VARCHAR", &["String"], 1, true)),
            (Dialect::Mysql, "Char") => Some(("CHAR", &["String"], 1, true)),
            (Dialect::Mysql, "Text") => Some(("TEXT", &["String"], 0, false)),
            (Dialect::Mysql, "TinyText") => Some(("TINYTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "MediumText") => Some(("MEDIUMTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "LongText") => Some(("LONGTEXT", &["String"], 0, false)),
            (Dialect::Mysql, "Bit") => Some(("BIT", &["Boolean", "Bytes"], 1, true)),
            (Dialect::Mysql, "TinyInt") => Some(("TINYINT", &["Int", "Boolean"], 0, false)),
            (Dialect::Mysql, "UnsignedTinyInt") => {
                Some(("TINYINT UNSIGNED", &["Int", "Boolean"], 0, false))
            }
            (Dialect::Mysql, "SmallInt") => Some(("SMALLINT", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedSmallInt") => Some(("SMALLINT UNSIGNED", &["Int"], 0, false)),
            (Dialect::Mysql, "MediumInt") => Some(("MEDIUMINT", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedMediumInt") => {
                Some(("MEDIUMINT UNSIGNED", &["Int"], 0, false))
            }
            (Dialect::Mysql, "Int") => Some(("INTEGER", &["Int"], 0, false)),
            (Dialect::Mysql, "UnsignedInt") => Some(("INTEGER UNSIGNED", &["Int"], 0, false)),
            (Dialect::Mysql, "BigInt") => Some(("BIGINT", &["BigInt"], 0, false)),
            (Dialect::Mysql, "UnsignedBigInt") => Some(("BIGINT UNSIGNED", &["BigInt"], 0, false)),
            (Dialect::Mysql, "Year") => Some(("YEAR", &["Int"], 0, false)),
            (Dialect::Mysql, "Double") => Some(("DOUBLE", &["Float"], 0, false)),
            (Dialect::Mysql, "Float") => Some(("FLOAT", &["Float"], 0, false)),
            (Dialect::Mysql, "Decimal") => Some(("DECIMAL", &["Decimal"], 2, false)),
            (Dialect::Mysql, "Date") => Some(("DATE", &["DateTime"], 0, false)),
            (Dialect::Mysql, "Time") => Some(("TIME", &["DateTime"], 1, false)),
            (Dialect::Mysql, "DateTime") => Some(("DATETIME", &["DateTime"], 1, false)),
            (Dialect::Mysql, "Timestamp") => Some(("TIMESTAMP", &["DateTime"], 1, false)),
            (Dialect::Mysql, "Json") => Some(("JSON", &["Json"], 0, false)),
            (Dialect::Mysql, "Binary") => Some(("BINARY", &["Bytes"], 1, true)),
            (Dialect::Mysql, "VarBinary") => Some(("VARBINARY", &["Bytes"], 1, true)),
            (Dialect::Mysql, "TinyBlob") => Some(("TINYBLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "Blob") => Some(("BLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "MediumBlob") => Some(("MEDIUMBLOB", &["Bytes"], 0, false)),
            (Dialect::Mysql, "LongBlob") => Some(("LONGBLOB", &["Bytes"], 0, false)),
            _ => None,
        };
        let Some((sql, scalars, max_args, required)) = spec else {
            return Err(self.error(
                native.pos,
                format!("unknown native type @{} for {dialect}", native.name),
            ));
        };
        if !scalars.contains(&field.type_name.as_str()) {
            return Err(self.error(
                native.pos,
                format!(
                    "native type @{} does not fit a {} field",
                    native.name, field.type_name
                ),
            ));
        }
        if numbers.len() > max_args || (required && numbers.is_empty()) {
            return Err(self.error(
                native.pos,
                format!(
                    "@{} takes {}{max_args} argument(s)",
                    native.name,
                    if required { "" } else { "up to " }
                ),
            ));
        }
        let precision = match sql {
            "TIMESTAMP" | "DATETIME" | "TIME" => {
                Some(numbers.first().and_then(|n| n.parse().ok()).unwrap_or(0))
            }
            _ => None,
        };
        let sql = if numbers.is_empty() {
            sql.to_string()
        } else {
            // An UNSIGNED suffix stays after the arguments.
            match sql.split_once(' ') {
                Some((base, rest)) if rest == "UNSIGNED" => {
                    format!("{base}({}) {rest}", numbers.join(","))
                }
                _ => format!("{sql}({})", numbers.join(",")),
            }
        };
        Ok(ColumnType { sql, precision })
    }

    /// The SQL of a `@default(...)` value, or `None` when Prisma Client fills it in itself.
    fn default_value(
        &self,
        field: &Field,
        column_type: &ColumnType,
        value: &Expr,
    ) -> Result<Option<String>> {
        if let Expr::Call(function, args, pos) = value {
            return match function.as_str() {
                "now" => {
                    if field.type_name != "DateTime" {
                        return Err(self.error(*pos, "now() applies to DateTime fields"));
                    }
                    Ok(Some(match (self.dialect(), column_type.precision) {
                        (Dialect::Mysql, Some(p)) if p > 0 => format!("CURRENT_TIMESTAMP({p})"),
                        _ => "CURRENT_TIMESTAMP".into(),
                    }))
                }
                "dbgenerated" => match args.as_slice() {
                    [] => Ok(None),
                    [
                        Arg {
                            name: None,
                            value: Expr::Str(sql, _),
                        },
                    ] => Ok(Some(sql.clone())),
                    _ => Err(self.error(*pos, "dbgenerated takes one string of SQL")),
                },
                "uuid" | "cuid" | "nanoid" | "ulid" => {
                    if field.type_name != "String" {
                        return Err(
                            self.error(*pos, format!("{function}() applies to String fields"))
                        );
                    }
                    Ok(None)
                }
                "sequence" => Err(self.error(*pos, "sequence() exists on CockroachDB only")),
                "auto" => Err(self.error(*pos, "auto() exists on MongoDB only")),
                other => Err(self.error(*pos, format!("unknown default function {other}()"))),
            };
        }
        if field.list {
            let Expr::Array(items, _) = value else {
                return Err(self.error(value.pos(), "a list field's default is a list"));
            };
            let mut rendered = Vec::new();
            for item in items {
                rendered.push(self.scalar_literal(field, item)?);
            }
            return Ok(Some(format!(
                "ARRAY[{}]::{}",
                rendered.join(", "),
                column_type.sql
            )));
        }
        self.scalar_literal(field, value).map(Some)
    }

    fn scalar_literal(&self, field: &Field, value: &Expr) -> Result<String> {
        let mismatch = || {
            self.error(
                value.pos(),
                format!("this default does not fit a {} field", field.type_name),
            )
        };
        if let Some(def) = self.enums.get(&field.type_name) {
            let Expr::Name(member, pos) = value else {
                return Err(mismatch());
            };
            let db_value = def
                .values
                .iter()
                .find(|(name, _)| name == member)
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    self.error(
                        *pos,
                        format!("`{member}` is not a value of enum {}", field.type_name),
                    )
                })?;
            return Ok(quote_sql(db_value));
        }
        match (field.type_name.as_str(), value) {
            ("String" | "Json", Expr::Str(text, _)) => Ok(quote_sql(text)),
            ("Int" | "BigInt", Expr::Number(n, _)) if n.parse::<i64>().is_ok() => Ok(n.clone()),
            ("Float" | "Decimal", Expr::Number(n, _)) => Ok(n.clone()),
            ("Boolean", Expr::Name(b, _)) if b == "true" || b == "false" => Ok(b.clone()),
            ("DateTime", Expr::Str(text, pos)) => match rfc3339_to_sql(text) {
                Some(sql) => Ok(quote_sql(&sql)),
                None => Err(self.error(*pos, "a DateTime default is an RFC 3339 timestamp")),
            },
            ("Bytes", Expr::Str(_, pos)) => Err(self.error(
                *pos,
                "Bytes defaults are not supported by migen's Prisma reader yet",
            )),
            _ if field.unsupported.is_some() => Err(self.error(
                value.pos(),
                "an Unsupported field's default must be dbgenerated(\"...\")",
            )),
            _ => Err(mismatch()),
        }
    }
}

/// `2020-01-01T00:00:00.5Z` → `2020-01-01 00:00:00.500 +00:00`, the way Prisma writes a
/// DateTime default into SQL (chrono's display form).
pub(super) fn rfc3339_to_sql(text: &str) -> Option<String> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let date_ok = date.len() == 10
        && date.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !date_ok {
        return None;
    }
    let (time, offset) = if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        (time, "+00:00".to_string())
    } else {
        let at = rest.rfind(['+', '-'])?;
        (&rest[..at], rest[at..].to_string())
    };
    let offset_ok = offset.len() == 6 && offset.as_bytes()[3] == b':';
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, fraction),
        None => (time, ""),
    };
    let clock_ok = clock.len() == 8
        && clock.chars().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        });
    if !offset_ok || !clock_ok || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // chrono prints no fraction when it is zero, else 3, 6 or 9 digits.
    let trimmed = fraction.trim_end_matches('0');
    let fraction = match trimmed.len() {
        0 => String::new(),
        1..=3 => format!(".{trimmed:0<3}"),
        4..=6 => format!(".{trimmed:0<6}"),
        _ => format!(".{trimmed:0<9}"),
    };
    Some(format!("{date} {clock}{fraction} {offset}"))
}
