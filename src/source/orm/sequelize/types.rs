//! `DataTypes` members with their options (`STRING(100)`, `DECIMAL(10, 2)`, `INTEGER.UNSIGNED`,
//! `ENUM("a", "b")`, `ARRAY(DataTypes.TEXT)`) and the column type Sequelize 6 writes for each
//! per dialect (ORM-FORMATS §8; each dialect's `data-types.js`).

use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::typescript::{Node, Value, error_at};

#[derive(Debug, Clone, PartialEq)]
pub enum DataType {
    String { length: u32, binary: bool },
    Char { length: u32 },
    Text { size: Option<String> },
    Integer(IntegerKind, Modifiers),
    Decimal(Option<(u32, u32)>, Modifiers),
    Float(Modifiers),
    Double(Modifiers),
    Real(Modifiers),
    Boolean,
    Date { precision: Option<u32> },
    DateOnly,
    Time,
    Json,
    Jsonb,
    Uuid,
    Enum(Vec<String>),
    Array(Box<DataType>),
    Blob { size: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IntegerKind {
    Tiny,
    Small,
    Medium,
    Integer,
    Big,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Modifiers {
    pub unsigned: bool,
    pub zerofill: bool,
}

/// The namespaces types are written under: `DataTypes.STRING`, `Sequelize.STRING`,
/// `DataType.STRING` (sequelize-typescript), `Sequelize.DataTypes.STRING`, `S.STRING`.
fn is_types_namespace(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    matches!(
        last,
        "DataTypes" | "DataType" | "Sequelize" | "types" | "Types"
    ) || path.chars().all(|c| c.is_ascii_uppercase() || c == '_') && path.len() <= 2
}

/// The member names of a type expression: `DataTypes.INTEGER.UNSIGNED` → `["INTEGER",
/// "UNSIGNED"]`.
fn type_path(node: &Node) -> Option<Vec<String>> {
    let path = node.path()?;
    let parts: Vec<&str> = path.split('.').collect();
    let start = (1..parts.len()).find(|i| is_types_namespace(&parts[..*i].join(".")))?;
    // `Sequelize.DataTypes.STRING`: skip every namespace part.
    let rest: Vec<String> = parts[start..]
        .iter()
        .skip_while(|p| matches!(**p, "DataTypes" | "DataType"))
        .map(|p| p.to_string())
        .collect();
    (!rest.is_empty()).then_some(rest)
}

/// Read a type expression, erroring at it when it is not a `DataTypes` member migen knows.
pub fn parse(node: &Node, files: &[String]) -> Result<DataType> {
    let (callee, args): (&Node, &[Node]) = match &node.value {
        Value::Call { callee, args, .. } => (callee, args),
        _ => (node, &[]),
    };
    // `DataTypes.STRING(20).BINARY` is a member of a call.
    if let Value::Member(object, member) = &callee.value
        && matches!(object.value, Value::Call { .. })
    {
        let inner = parse(object, files)?;
        return modify(inner, member).ok_or_else(|| unknown(node, files));
    }
    let Some(parts) = type_path(callee) else {
        return Err(unknown(node, files));
    };
    let number = |index: usize| args.get(index).and_then(Node::num).map(|n| n as u32);
    let word = |index: usize| args.get(index).and_then(Node::str).map(str::to_lowercase);
    let mut ty = match parts[0].as_str() {
        "STRING" => DataType::String {
            length: number(0).unwrap_or(255),
            binary: args.get(1).and_then(Node::boolean).unwrap_or(false),
        },
        "CHAR" => DataType::Char {
            length: number(0).unwrap_or(255),
        },
        "TEXT" => DataType::Text { size: word(0) },
        "TINYINT" => DataType::Integer(IntegerKind::Tiny, Modifiers::default()),
        "SMALLINT" => DataType::Integer(IntegerKind::Small, Modifiers::default()),
        "MEDIUMINT" => DataType::Integer(IntegerKind::Medium, Modifiers::default()),
        "INTEGER" => DataType::Integer(IntegerKind::Integer, Modifiers::default()),
        "BIGINT" => DataType::Integer(IntegerKind::Big, Modifiers::default()),
        "DECIMAL" | "NUMERIC" => DataType::Decimal(
            number(0).map(|p| (p, number(1).unwrap_or(0))),
            Modifiers::default(),
        ),
        "FLOAT" => DataType::Float(Modifiers::default()),
        "DOUBLE" => DataType::Double(Modifiers::default()),
        "REAL" => DataType::Real(Modifiers::default()),
        "BOOLEAN" => DataType::Boolean,
        "DATE" => DataType::Date {
            precision: number(0),
        },
        "DATEONLY" => DataType::DateOnly,
        "TIME" => DataType::Time,
        "JSON" => DataType::Json,
        "JSONB" => DataType::Jsonb,
        "UUID" => DataType::Uuid,
        "ENUM" => {
            // `ENUM("a", "b")`, `ENUM(["a", "b"])` or `ENUM({ values: [...] })`.
            let items: Vec<&Node> = match args {
                [single] if single.items().is_some() => single.items().unwrap().iter().collect(),
                [single] if single.get("values").is_some() => single
                    .get("values")
                    .and_then(Node::items)
                    .map(|i| i.iter().collect())
                    .unwrap_or_default(),
                _ => args.iter().collect(),
            };
            let mut values = Vec::new();
            for item in items {
                values.push(
                    item.str()
                        .ok_or_else(|| {
                            error_at(
                                files,
                                item.pos,
                                format!(
                                    "ENUM values must be string literals, not {}",
                                    item.describe()
                                ),
                            )
                        })?
                        .to_string(),
                );
            }
            DataType::Enum(values)
        }
        "ARRAY" => {
            let element = args.first().ok_or_else(|| {
                error_at(
                    files,
                    node.pos,
                    "ARRAY needs the element type: ARRAY(DataTypes.TEXT)",
                )
            })?;
            DataType::Array(Box::new(parse(element, files)?))
        }
        "BLOB" => DataType::Blob { size: word(0) },
        _ => return Err(unknown(node, files)),
    };
    for modifier in &parts[1..] {
        ty = modify(ty, modifier).ok_or_else(|| unknown(node, files))?;
    }
    Ok(ty)
}

/// `.UNSIGNED`, `.ZEROFILL`, `.BINARY` after a type.
fn modify(ty: DataType, member: &str) -> Option<DataType> {
    let with = |mut m: Modifiers| {
        match member {
            "UNSIGNED" => m.unsigned = true,
            "ZEROFILL" => m.zerofill = true,
            _ => return None,
        }
        Some(m)
    };
    Some(match ty {
        DataType::Integer(kind, m) => DataType::Integer(kind, with(m)?),
        DataType::Decimal(p, m) => DataType::Decimal(p, with(m)?),
        DataType::Float(m) => DataType::Float(with(m)?),
        DataType::Double(m) => DataType::Double(with(m)?),
        DataType::Real(m) => DataType::Real(with(m)?),
        DataType::String { length, .. } if member == "BINARY" => DataType::String {
            length,
            binary: true,
        },
        _ => return None,
    })
}

fn unknown(node: &Node, files: &[String]) -> crate::error::Error {
    error_at(
        files,
        node.pos,
        format!("unknown Sequelize data type {}", node.describe_source()),
    )
}

trait DescribeSource {
    fn describe_source(&self) -> String;
}

impl DescribeSource for Node {
    /// `DataTypes.STRNG`, or how the source wrote a call.
    fn describe_source(&self) -> String {
        match &self.value {
            Value::Call { callee, .. } => format!("{}(...)", callee.describe()),
            _ => self.describe(),
        }
    }
}

/// The column type Sequelize writes for `ty` on `dialect` (without auto-increment, which the
/// DDL writer handles with the key). `None`: the type does not exist there.
pub fn sql_type(ty: &DataType, dialect: Dialect) -> Option<String> {
    let mysql = dialect == Dialect::Mysql;
    let postgres = dialect == Dialect::Postgres;
    let numeric_suffix = |m: &Modifiers| {
        let mut s = String::new();
        // Only MySQL keeps them; PostgreSQL and SQLite write the bare type.
        if m.unsigned && mysql {
            s.push_str(" UNSIGNED");
        }
        if m.zerofill && mysql {
            s.push_str(" ZEROFILL");
        }
        s
    };
    Some(match ty {
        DataType::String { length, binary } => match (binary, dialect) {
            (true, Dialect::Postgres) => "BYTEA".to_string(),
            (true, _) => format!("VARCHAR({length}) COLLATE utf8mb4_bin"),
            (false, _) => format!("VARCHAR({length})"),
        },
        DataType::Char { length } => format!("CHAR({length})"),
        DataType::Text { size } => match (size.as_deref(), mysql) {
            (Some("tiny"), true) => "TINYTEXT".into(),
            (Some("medium"), true) => "MEDIUMTEXT".into(),
            (Some("long"), true) => "LONGTEXT".into(),
            _ => "TEXT".into(),
        },
        DataType::Integer(kind, m) => {
            let name = match (kind, dialect) {
                (IntegerKind::Tiny, Dialect::Postgres) => "SMALLINT",
                (IntegerKind::Medium, Dialect::Postgres) => "INTEGER",
                (IntegerKind::Tiny, _) => "TINYINT",
                (IntegerKind::Small, _) => "SMALLINT",
                (IntegerKind::Medium, _) => "MEDIUMINT",
                (IntegerKind::Integer, _) => "INTEGER",
                (IntegerKind::Big, _) => "BIGINT",
            };
            format!("{name}{}", numeric_suffix(m))
        }
        DataType::Decimal(precision, m) => match precision {
            Some((p, s)) => format!("DECIMAL({p},{s}){}", numeric_suffix(m)),
            None => format!("DECIMAL{}", numeric_suffix(m)),
        },
        DataType::Float(m) => format!("FLOAT{}", numeric_suffix(m)),
        DataType::Double(m) => format!("DOUBLE PRECISION{}", numeric_suffix(m)),
        DataType::Real(m) => format!("REAL{}", numeric_suffix(m)),
        DataType::Boolean => match dialect {
            Dialect::Postgres => "BOOLEAN".into(),
            _ => "TINYINT(1)".into(),
        },
        DataType::Date { precision } => match (dialect, precision) {
            (Dialect::Postgres, _) => "TIMESTAMP WITH TIME ZONE".into(),
            (Dialect::Mysql, Some(p)) => format!("DATETIME({p})"),
            _ => "DATETIME".into(),
        },
        DataType::DateOnly => "DATE".into(),
        DataType::Time => "TIME".into(),
        DataType::Json => "JSON".into(),
        DataType::Jsonb if postgres => "JSONB".into(),
        DataType::Jsonb => return None,
        DataType::Uuid => match dialect {
            // `CHAR(36) BINARY`: the charset's binary collation, which migen's SQL reader
            // takes written out.
            Dialect::Mysql => "CHAR(36) COLLATE utf8mb4_bin".into(),
            _ => "UUID".into(),
        },
        // PostgreSQL's enum type is named per column; the DDL writer puts it in.
        DataType::Enum(values) => match dialect {
            Dialect::Sqlite => "TEXT".into(),
            _ => format!(
                "ENUM({})",
                values
                    .iter()
                    .map(|v| format!("'{}'", v.replace('\'', "''")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        DataType::Array(element) if postgres => format!("{}[]", sql_type(element, dialect)?),
        DataType::Array(_) => return None,
        DataType::Blob { size } => match (dialect, size.as_deref()) {
            (Dialect::Postgres, _) => "BYTEA".into(),
            (Dialect::Mysql, Some("tiny")) => "TINYBLOB".into(),
            (Dialect::Mysql, Some("medium")) => "MEDIUMBLOB".into(),
            (Dialect::Mysql, Some("long")) => "LONGBLOB".into(),
            _ => "BLOB".into(),
        },
    })
}

/// The Sequelize type a sequelize-typescript `@Column` infers from the property's TypeScript
/// type (what `reflect-metadata` reports as `design:type`).
pub fn from_design_type(name: &str) -> Option<DataType> {
    Some(match name {
        "string" | "String" => DataType::String {
            length: 255,
            binary: false,
        },
        "number" | "Number" => DataType::Integer(IntegerKind::Integer, Modifiers::default()),
        "boolean" | "Boolean" => DataType::Boolean,
        "Date" => DataType::Date { precision: None },
        "Buffer" => DataType::Blob { size: None },
        _ => return None,
    })
}
