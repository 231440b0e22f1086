//! Columns as TypeORM's column decorators declare them: the options each decorator takes, the
//! column type from the options or (as `emitDecoratorMetadata` does) from the TypeScript type,
//! and the checks TypeORM's metadata validator makes before it builds anything.

use super::entity::Settings;
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Decorator, Node, Property, Resolved, Sources, TsType, Value};

/// How the primary key's value is generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generation {
    Increment,
    Identity,
    Uuid,
    Rowid,
}

/// A column default as the entity writes it (`normalizeDefault` turns it into SQL per dialect).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum DefaultValue {
    Str(String),
    Num(f64),
    Bool(bool),
    /// `() => "now()"`: SQL as it is.
    Raw(String),
    /// An object or array literal, stored as JSON text.
    Json(String),
}

/// The date and version columns TypeORM fills itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Special {
    None,
    CreateDate,
    UpdateDate,
    DeleteDate,
    Version,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    pub property: String,
    pub name: String,
    pub pos: Origin,
    /// TypeORM's type as given (`varchar`, `int`), or a JavaScript constructor the TypeScript
    /// type stands for (`String`, `Number`, `Boolean`, `Date`, `Buffer`).
    pub ty: String,
    pub length: Option<String>,
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    pub primary: bool,
    pub generation: Option<Generation>,
    /// `generatedIdentity` for identity columns (`ALWAYS` or `BY DEFAULT`).
    pub identity: Option<String>,
    pub enum_values: Option<Vec<String>>,
    pub enum_name: Option<String>,
    pub array: bool,
    pub comment: Option<String>,
    pub unsigned: bool,
    pub as_expression: Option<String>,
    pub generated_type: Option<String>,
    pub on_update: Option<String>,
    pub unique: bool,
    pub primary_key_name: Option<String>,
    pub foreign_key_name: Option<String>,
}

impl Column {
    pub(super) fn new(property: &str, name: String, pos: Origin, ty: &str) -> Column {
        Column {
            property: property.to_string(),
            name,
            pos,
            ty: ty.to_string(),
            length: None,
            precision: None,
            scale: None,
            nullable: false,
            default: None,
            primary: false,
            generation: None,
            identity: None,
            enum_values: None,
            enum_name: None,
            array: false,
            comment: None,
            unsigned: false,
            as_expression: None,
            generated_type: None,
            on_update: None,
            unique: false,
            primary_key_name: None,
            foreign_key_name: None,
        }
    }
}

/// The column decorators, by name.
pub(super) const COLUMN_DECORATORS: &[&str] = &[
    "Column",
    "PrimaryColumn",
    "PrimaryGeneratedColumn",
    "CreateDateColumn",
    "UpdateDateColumn",
    "DeleteDateColumn",
    "VersionColumn",
];

/// Decorators TypeORM has that change the schema in ways this reader does not model.
pub(super) const UNSUPPORTED_DECORATORS: &[&str] = &[
    "ObjectIdColumn",
    "ViewEntity",
    "Tree",
    "TreeParent",
    "TreeChildren",
    "TreeLevelColumn",
    "Exclusion",
    "VirtualColumn",
];

pub(super) fn not_static(sources: &Sources, pos: Origin, message: impl AsRef<str>) -> Error {
    sources.error(
        pos,
        format!(
            "{} (use --exact to run the project's TypeORM)",
            message.as_ref()
        ),
    )
}

/// Read a column decorator on `property` of `module`; `name` is the column's database name the
/// naming strategy gives (the caller knows the embedded prefixes).
pub(super) fn read_column(
    sources: &Sources,
    module: usize,
    settings: &Settings,
    property: &Property,
    decorator: &Decorator,
    name: &dyn Fn(Option<&str>) -> String,
) -> Result<Column> {
    let kind = decorator.short_name();
    let (given_type, options) = type_and_options(sources, kind, decorator)?;
    let resolved: Vec<(String, Node)> = match options.map(|o| &o.value) {
        Some(Value::Object(props)) => props
            .iter()
            .map(|(k, v)| (k.clone(), sources.value_of(module, v)))
            .collect(),
        _ => Vec::new(),
    };
    let option = |key: &str| {
        resolved
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    };
    let given_name = match option("name") {
        Some(node) => Some(expect_str(sources, node, "name")?),
        None => None,
    };
    let mut column = Column::new(
        &property.name,
        name(given_name.as_deref()),
        property.pos,
        "",
    );
    let special = match kind {
        "CreateDateColumn" => Special::CreateDate,
        "UpdateDateColumn" => Special::UpdateDate,
        "DeleteDateColumn" => Special::DeleteDate,
        "VersionColumn" => Special::Version,
        _ => Special::None,
    };
    let mut ty = match (given_type, option("type")) {
        (Some(ty), _) => Some(ty),
        (None, Some(node)) => Some(type_value(sources, node)?),
        (None, None) => None,
    };
    if kind == "PrimaryGeneratedColumn" {
        let strategy = match decorator.args.first().and_then(Node::str) {
            Some("increment") | None => Generation::Increment,
            Some("identity") => Generation::Identity,
            Some("uuid") => Generation::Uuid,
            Some("rowid") => Generation::Rowid,
            Some(other) => {
                return Err(sources.error(
                    decorator.args[0].pos,
                    format!(
                        "unknown generation strategy {other:?} (increment, identity, uuid or rowid)"
                    ),
                ));
            }
        };
        column.generation = Some(strategy);
        column.primary = true;
        ty = ty.or_else(|| {
            Some(
                match strategy {
                    Generation::Increment | Generation::Identity => "Number",
                    Generation::Uuid => "uuid",
                    Generation::Rowid => "int",
                }
                .to_string(),
            )
        });
        if let Some(identity) = option("generatedIdentity") {
            column.identity = Some(expect_str(sources, identity, "generatedIdentity")?);
        }
    }
    if kind == "PrimaryColumn" {
        column.primary = true;
    }
    let ty = match ty {
        Some(ty) => ty,
        None if special == Special::None => design_type(sources, module, property)?,
        // The date and version columns take the driver's own type.
        None => match (special, settings.dialect) {
            (Special::Version, Dialect::Postgres) => "int4".to_string(),
            (Special::Version, Dialect::Mysql) => "int".to_string(),
            (Special::Version, Dialect::Sqlite) => "integer".to_string(),
            (_, Dialect::Postgres) => "timestamp".to_string(),
            (_, _) => "datetime".to_string(),
        },
    };
    column.ty = ty;
    if let Some(node) = option("length") {
        column.length = Some(match &node.value {
            Value::Num(n) => js_number(*n),
            Value::Str(s) => s.clone(),
            _ => {
                return Err(not_static(
                    sources,
                    node.pos,
                    "`length` must be a number literal",
                ));
            }
        });
    }
    column.precision = number_option(sources, option("precision"), "precision")?;
    column.scale = number_option(sources, option("scale"), "scale")?;
    if matches!(
        special,
        Special::CreateDate | Special::UpdateDate | Special::DeleteDate
    ) && option("precision").is_none()
        && settings.dialect == Dialect::Mysql
    {
        column.precision = Some(6);
    }
    if let Some(node) = option("default") {
        if node.value == Value::Null {
            column.nullable = true;
        } else {
            column.default = Some(default_value(sources, node)?);
        }
    }
    if let Some(node) = option("nullable") {
        column.nullable = expect_bool(sources, node, "nullable")?;
    }
    if let Some(node) = option("primary") {
        column.primary = expect_bool(sources, node, "primary")?;
    }
    if let Some(node) = option("unique") {
        column.unique = expect_bool(sources, node, "unique")?;
    }
    if let Some(node) = option("array") {
        column.array = expect_bool(sources, node, "array")?;
    }
    if let Some(node) = option("unsigned") {
        column.unsigned = expect_bool(sources, node, "unsigned")?;
    }
    if let Some(node) = option("comment") {
        column.comment = Some(expect_str(sources, node, "comment")?);
    }
    if let Some(node) = option("enumName") {
        column.enum_name = Some(expect_str(sources, node, "enumName")?);
    }
    if let Some(node) = option("enum") {
        column.enum_values = Some(enum_values(sources, module, node)?);
    }
    if let Some(node) = option("asExpression") {
        column.as_expression = Some(expect_str(sources, node, "asExpression")?);
    }
    if let Some(node) = option("generatedType") {
        column.generated_type = Some(expect_str(sources, node, "generatedType")?);
    }
    if let Some(node) = option("primaryKeyConstraintName") {
        column.primary_key_name = Some(expect_str(sources, node, "primaryKeyConstraintName")?);
    }
    if let Some(node) = option("foreignKeyConstraintName") {
        column.foreign_key_name = Some(expect_str(sources, node, "foreignKeyConstraintName")?);
    }
    if let Some(node) = option("onUpdate") {
        column.on_update = Some(expect_str(sources, node, "onUpdate")?);
    }
    if let Some(node) = option("generated") {
        column.generation = match &node.value {
            Value::Bool(true) => Some(Generation::Increment),
            Value::Bool(false) => None,
            Value::Str(s) if s == "increment" => Some(Generation::Increment),
            Value::Str(s) if s == "uuid" => Some(Generation::Uuid),
            Value::Str(s) if s == "identity" => Some(Generation::Identity),
            Value::Str(s) if s == "rowid" => Some(Generation::Rowid),
            _ => {
                return Err(not_static(
                    sources,
                    node.pos,
                    "`generated` must be true or a strategy name",
                ));
            }
        };
    }
    match special {
        Special::CreateDate | Special::UpdateDate => {
            if column.default.is_none() {
                column.default = Some(DefaultValue::Raw(
                    match settings.dialect {
                        Dialect::Postgres => "now()",
                        Dialect::Mysql => "CURRENT_TIMESTAMP(6)",
                        Dialect::Sqlite => "datetime('now')",
                    }
                    .to_string(),
                ));
            }
            if special == Special::UpdateDate
                && settings.dialect == Dialect::Mysql
                && column.on_update.is_none()
            {
                column.on_update = Some("CURRENT_TIMESTAMP(6)".to_string());
            }
        }
        Special::DeleteDate => column.nullable = true,
        Special::Version => {
            column.ty = match settings.dialect {
                Dialect::Postgres => "int4",
                Dialect::Mysql => "int",
                Dialect::Sqlite => "integer",
            }
            .to_string();
        }
        Special::None => {}
    }
    if column.ty == "enum" && column.enum_values.is_none() && column.enum_name.is_none() {
        return Err(sources.error(
            property.pos,
            format!(
                "column `{}` is an enum but names no `enum` values or `enumName`",
                property.name
            ),
        ));
    }
    super::types::validate(sources, settings, &column, decorator)?;
    Ok(column)
}

/// The type given as the first argument (`@Column("varchar", {...})`) and the options object.
fn type_and_options<'d>(
    sources: &Sources,
    kind: &str,
    decorator: &'d Decorator,
) -> Result<(Option<String>, Option<&'d Node>)> {
    let mut ty = None;
    let mut options = None;
    let args: &[Node] = if kind == "PrimaryGeneratedColumn" {
        // The strategy comes first when it is a string.
        match decorator.args.first() {
            Some(first) if first.str().is_some() => &decorator.args[1..],
            _ => &decorator.args,
        }
    } else {
        &decorator.args
    };
    for arg in args {
        match &arg.value {
            Value::Object(_) => options = Some(arg),
            Value::Str(_) | Value::Ident(_) => ty = Some(type_value(sources, arg)?),
            _ => {
                return Err(not_static(
                    sources,
                    arg.pos,
                    format!("cannot read the argument {} of @{kind}", arg.describe()),
                ));
            }
        }
    }
    Ok((ty, options))
}

/// A type option: a string, or a constructor (`String`, `Number`, …).
fn type_value(sources: &Sources, node: &Node) -> Result<String> {
    match &node.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Ident(name)
            if matches!(
                name.as_str(),
                "String" | "Number" | "Boolean" | "Date" | "Buffer"
            ) =>
        {
            Ok(name.clone())
        }
        _ => Err(not_static(
            sources,
            node.pos,
            format!("cannot read the column type {}", node.describe()),
        )),
    }
}

/// The type TypeScript's decorator metadata records for the property, as TypeORM reads it.
fn design_type(sources: &Sources, module: usize, property: &Property) -> Result<String> {
    let unknown = |what: &str| {
        not_static(
            sources,
            property.pos,
            format!(
                "column `{}` has no `type` and its TypeScript type {what} gives TypeORM no column type",
                property.name
            ),
        )
    };
    let Some(ty) = &property.ty else {
        return Err(unknown("(none written)"));
    };
    match ty {
        TsType::Keyword("string") => Ok("String".into()),
        TsType::Keyword("number") => Ok("Number".into()),
        TsType::Keyword("boolean") => Ok("Boolean".into()),
        TsType::Literal(text) if text.contains("String") => Ok("String".into()),
        TsType::Ref(name, _) if name == "Date" || name == "Buffer" => Ok(name.clone()),
        TsType::Ref(name, _) if name == "String" || name == "Number" || name == "Boolean" => {
            Ok(name.clone())
        }
        // A TypeScript enum is recorded as String or Number, by its values.
        TsType::Ref(name, _) => match sources.resolve_path(module, name) {
            Some(Resolved::Enum(_, found)) => {
                if found.members.iter().all(|(_, v)| v.num().is_some()) {
                    Ok("Number".into())
                } else if found.members.iter().all(|(_, v)| v.str().is_some()) {
                    Ok("String".into())
                } else {
                    Err(unknown(&format!("`{name}` (a mixed enum)")))
                }
            }
            _ => Err(unknown(&format!("`{name}`"))),
        },
        TsType::Union(_) => Err(unknown("(a union, which TypeScript records as Object)")),
        TsType::Array(_) => Err(unknown("(an array)")),
        _ => Err(unknown("")),
    }
}

fn number_option(sources: &Sources, node: Option<&Node>, key: &str) -> Result<Option<u32>> {
    match node {
        None => Ok(None),
        Some(node) if node.value == Value::Null => Ok(None),
        Some(node) => match node.num() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(Some(n as u32)),
            _ => Err(not_static(
                sources,
                node.pos,
                format!("`{key}` must be a whole number"),
            )),
        },
    }
}

pub(super) fn expect_str(sources: &Sources, node: &Node, key: &str) -> Result<String> {
    node.str().map(str::to_string).ok_or_else(|| {
        not_static(
            sources,
            node.pos,
            format!("`{key}` must be a string literal, not {}", node.describe()),
        )
    })
}

pub(super) fn expect_bool(sources: &Sources, node: &Node, key: &str) -> Result<bool> {
    node.boolean().ok_or_else(|| {
        not_static(
            sources,
            node.pos,
            format!("`{key}` must be true or false, not {}", node.describe()),
        )
    })
}

fn default_value(sources: &Sources, node: &Node) -> Result<DefaultValue> {
    Ok(match &node.value {
        Value::Str(s) => DefaultValue::Str(s.clone()),
        Value::Num(n) => DefaultValue::Num(*n),
        Value::Bool(b) => DefaultValue::Bool(*b),
        Value::Arrow(_, body) => match body.str() {
            Some(sql) => DefaultValue::Raw(sql.to_string()),
            None => {
                return Err(not_static(
                    sources,
                    body.pos,
                    "a default function must return a string of SQL",
                ));
            }
        },
        Value::Object(_) | Value::Array(_) => match to_json(node) {
            Some(json) => DefaultValue::Json(json.to_string()),
            None => return Err(not_static(sources, node.pos, "cannot read this default")),
        },
        _ => {
            return Err(not_static(
                sources,
                node.pos,
                format!("cannot read the default {}", node.describe()),
            ));
        }
    })
}

fn to_json(node: &Node) -> Option<serde_json::Value> {
    Some(match &node.value {
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::Num(n) => serde_json::json!(n),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Null => serde_json::Value::Null,
        Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(to_json).collect::<Option<_>>()?)
        }
        Value::Object(props) => serde_json::Value::Object(
            props
                .iter()
                .map(|(k, v)| Some((k.clone(), to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// An `enum` option: an array of values, or a TypeScript enum or object (its values; numeric
/// enums' reverse keys are not values).
pub(super) fn enum_values(sources: &Sources, module: usize, node: &Node) -> Result<Vec<String>> {
    let literal = |n: &Node| match &n.value {
        Value::Str(s) => Some(s.clone()),
        Value::Num(v) => Some(js_number(*v)),
        _ => None,
    };
    let values: Option<Vec<String>> = match &node.value {
        Value::Array(items) => items.iter().map(literal).collect(),
        Value::Object(props) => props.iter().map(|(_, v)| literal(v)).collect(),
        Value::Ident(_) | Value::Member(..) => {
            match sources.resolve_path(module, &node.path().unwrap_or_default()) {
                Some(Resolved::Enum(_, found)) => {
                    found.members.iter().map(|(_, v)| literal(v)).collect()
                }
                Some(Resolved::Const(m, value)) => {
                    return enum_values(sources, m.file, value);
                }
                _ => None,
            }
        }
        _ => None,
    };
    values.ok_or_else(|| {
        not_static(
            sources,
            node.pos,
            format!("cannot read the enum values of {}", node.describe()),
        )
    })
}

/// A JavaScript number as `String(n)` writes it.
pub(super) fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
