//! Column types as TypeORM's drivers see them: `normalizeType` per dialect, and the metadata
//! validator's check that the driver supports the type (and, for some types, a length).

use super::columns::Column;
use super::entity::Settings;
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::typescript::{Decorator, Sources};

/// The type TypeORM's driver turns the column's type into (`normalizeType`).
pub(super) fn normalized_type(settings: &Settings, column: &Column) -> String {
    let ty = column.ty.as_str();
    match settings.dialect {
        Dialect::Postgres => match ty {
            "Number" | "int" | "int4" => "integer",
            "String" | "varchar" => "character varying",
            "Date" | "timestamp" => "timestamp without time zone",
            "timestamptz" => "timestamp with time zone",
            "time" => "time without time zone",
            "timetz" => "time with time zone",
            "Boolean" | "bool" => "boolean",
            "simple-array" | "simple-json" => "text",
            "simple-enum" => "enum",
            "int2" => "smallint",
            "int8" => "bigint",
            "decimal" => "numeric",
            "float8" | "float" => "double precision",
            "float4" => "real",
            "char" => "character",
            "varbit" => "bit varying",
            "Buffer" => "bytea",
            other => other,
        },
        Dialect::Mysql => match ty {
            "Number" | "integer" => "int",
            "String" => "varchar",
            "Date" => "datetime",
            "Buffer" => "blob",
            "Boolean" | "bool" | "boolean" => "tinyint",
            "uuid" if !settings.mariadb => "varchar",
            "simple-array" | "simple-json" => "text",
            "simple-enum" => "enum",
            "double precision" | "real" => "double",
            "dec" | "numeric" | "fixed" => "decimal",
            "nvarchar" | "national varchar" => "varchar",
            "nchar" | "national char" => "char",
            other => other,
        },
        Dialect::Sqlite => match ty {
            "Number" | "int" => "integer",
            "String" => "varchar",
            "Date" => "datetime",
            "Boolean" => "boolean",
            "Buffer" => "blob",
            "uuid" => "varchar",
            "simple-array" | "simple-json" => "text",
            "simple-enum" => "varchar",
            other => other,
        },
    }
    .to_string()
}

#[rustfmt::skip]
const POSTGRES_TYPES: &[&str] = &[
    "int", "int2", "int4", "int8", "smallint", "integer", "bigint", "decimal", "numeric", "real",
    "float", "float4", "float8", "double precision", "money", "character varying", "varchar",
    "character", "char", "text", "citext", "hstore", "bytea", "bit", "varbit", "bit varying",
    "timetz", "timestamptz", "timestamp", "timestamp without time zone",
    "timestamp with time zone", "date", "time", "time without time zone", "time with time zone",
    "interval", "bool", "boolean", "enum", "point", "line", "lseg", "box", "path", "polygon",
    "circle", "cidr", "inet", "macaddr", "macaddr8", "tsvector", "tsquery", "uuid", "xml", "json",
    "jsonb", "jsonpath", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
    "geometry", "geography", "cube", "ltree",
];
#[rustfmt::skip]
const POSTGRES_LENGTH: &[&str] = &[
    "character varying", "varchar", "character", "char", "bit", "varbit", "bit varying",
];
#[rustfmt::skip]
const MYSQL_TYPES: &[&str] = &[
    "bit", "int", "integer", "tinyint", "smallint", "mediumint", "bigint", "float", "double",
    "double precision", "real", "decimal", "dec", "numeric", "fixed", "bool", "boolean", "date",
    "datetime", "timestamp", "time", "year", "char", "nchar", "national char", "varchar",
    "nvarchar", "national varchar", "blob", "text", "tinyblob", "tinytext", "mediumblob",
    "mediumtext", "longblob", "longtext", "enum", "set", "binary", "varbinary", "json", "geometry",
    "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
    "geometrycollection", "uuid", "inet4", "inet6",
];
const MYSQL_LENGTH: &[&str] = &["char", "varchar", "nvarchar", "binary", "varbinary"];
#[rustfmt::skip]
const SQLITE_TYPES: &[&str] = &[
    "int", "integer", "tinyint", "smallint", "mediumint", "bigint", "unsigned big int", "int2",
    "int8", "character", "varchar", "varying character", "nchar", "native character", "nvarchar",
    "text", "clob", "blob", "real", "double", "double precision", "float", "numeric", "decimal",
    "boolean", "date", "time", "datetime", "json", "jsonb",
];
#[rustfmt::skip]
const SQLITE_LENGTH: &[&str] = &[
    "character", "varchar", "varying character", "nchar", "native character", "nvarchar", "text",
    "blob", "clob",
];

/// TypeORM's metadata validator: the type must be one the driver supports, and only some
/// types take a length.
pub(super) fn validate(
    sources: &Sources,
    settings: &Settings,
    column: &Column,
    decorator: &Decorator,
) -> Result<()> {
    let normalized = normalized_type(settings, column);
    let (supported, with_length) = match settings.dialect {
        Dialect::Postgres => (POSTGRES_TYPES, POSTGRES_LENGTH),
        Dialect::Mysql => (MYSQL_TYPES, MYSQL_LENGTH),
        Dialect::Sqlite => (SQLITE_TYPES, SQLITE_LENGTH),
    };
    let at = decorator
        .args
        .iter()
        .find_map(|a| {
            if a.str().is_some() {
                Some(a.pos)
            } else {
                a.get("type").map(|t| t.pos)
            }
        })
        .unwrap_or(column.pos);
    if !supported.contains(&normalized.as_str()) {
        return Err(sources.error(
            at,
            format!(
                "unknown column type {:?} for {} (TypeORM's {} driver does not support it)",
                column.ty,
                settings.dialect.name(),
                settings.driver_name()
            ),
        ));
    }
    if column.length.as_deref().is_some_and(|l| !l.is_empty())
        && !with_length.contains(&normalized.as_str())
    {
        return Err(sources.error(
            column.pos,
            format!(
                "column `{}` of type {:?} does not take a length",
                column.property, column.ty
            ),
        ));
    }
    Ok(())
}
