//! The one schema model shared by every source, the differ and the SQL writers.
//!
//! Everything here is canonical: two schemas that mean the same thing compare equal,
//! whether they were parsed from DDL or introspected from a live database. The
//! per-dialect spelling rules that make that true live in `normalize/`. Facts about the server
//! a schema runs on (`Version`, `Engine`, `TableStats`) are in `server.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

pub mod orm;

mod server;
mod strategy;

pub use server::{Engine, Release, TableStats, Version};
pub use strategy::Strategy;

/// The SQL dialect a schema belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub fn parse(text: &str) -> Option<Dialect> {
        match text.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Longest identifier the server keeps; longer generated names are truncated like the server does.
    pub fn max_identifier_len(self) -> usize {
        match self {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => usize::MAX,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A possibly schema-qualified name. `schema: None` means the default schema
/// (PostgreSQL `public`, the connected MySQL database, SQLite `main`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QName {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub schema: Option<String>,
    pub name: String,
}

impl QName {
    pub fn new(name: impl Into<String>) -> QName {
        QName {
            schema: None,
            name: name.into(),
        }
    }

    pub fn qualified(schema: Option<String>, name: impl Into<String>) -> QName {
        QName {
            schema,
            name: name.into(),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Whether a name occurs in canonical expression text as a whole identifier (bare, "quoted"
/// or `quoted`).
pub fn mentions_identifier(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|token| token.eq_ignore_ascii_case(name))
        || text.contains(&format!("\"{name}\""))
        || text.contains(&format!("`{name}`"))
}

/// A whole database schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub dialect: Dialect,
    pub tables: BTreeMap<QName, Table>,
    pub views: BTreeMap<QName, View>,
    pub enums: BTreeMap<QName, EnumType>,
    pub sequences: BTreeMap<QName, Sequence>,
    /// Non-default namespaces (PostgreSQL `CREATE SCHEMA`).
    pub schemas: BTreeSet<String>,
    pub extensions: BTreeMap<String, Extension>,
}

impl Schema {
    pub fn empty(dialect: Dialect) -> Schema {
        Schema {
            dialect,
            tables: BTreeMap::new(),
            views: BTreeMap::new(),
            enums: BTreeMap::new(),
            sequences: BTreeMap::new(),
            schemas: BTreeSet::new(),
            extensions: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.views.is_empty()
            && self.enums.is_empty()
            && self.sequences.is_empty()
            && self.schemas.is_empty()
            && self.extensions.is_empty()
    }

    pub fn table(&self, name: &QName) -> Option<&Table> {
        self.tables.get(name)
    }

    /// Put every collection into one deterministic order and drop spellings that mean
    /// nothing (`DEFAULT NULL`), so equal schemas compare equal whatever their source.
    pub fn canonicalize(&mut self) {
        for table in self.tables.values_mut() {
            for column in table.columns.iter_mut() {
                if column.default == Some(DefaultValue::Null) {
                    column.default = None;
                }
            }
            let by_name =
                |name: &Option<String>, rest: String| (name.clone().unwrap_or_default(), rest);
            table
                .foreign_keys
                .sort_by_key(|f| by_name(&f.name, format!("{:?}{:?}", f.columns, f.ref_table)));
            table
                .uniques
                .sort_by_key(|u| by_name(&u.name, format!("{:?}", u.columns)));
            table
                .checks
                .sort_by_key(|c| by_name(&c.name, c.expr.clone()));
            table
                .indexes
                .sort_by_key(|i| (i.name.clone(), format!("{:?}", i.keys)));
        }
        for table in self.tables.values_mut() {
            table.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for view in self.views.values_mut() {
            view.indexes
                .sort_by_key(|i| (i.name.clone(), format!("{:?}", i.keys)));
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: QName,
    /// Declaration order is kept for CREATE TABLE output; it never makes a change by itself.
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub uniques: Vec<UniqueConstraint>,
    pub checks: Vec<CheckConstraint>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    pub options: TableOptions,
    /// SQLite triggers on this table, kept so a table rebuild can put them back.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub triggers: Vec<Trigger>,
}

/// A trigger, as its whole CREATE TRIGGER statement (white space collapsed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub sql: String,
}

impl Table {
    /// Rename a column everywhere inside the table description (constraints, indexes).
    pub fn rename_column(&mut self, old: &str, new: &str) {
        let rename = |c: &mut String| {
            if c == old {
                *c = new.to_string();
            }
        };
        for column in self.columns.iter_mut() {
            rename(&mut column.name);
        }
        if let Some(pk) = self.primary_key.as_mut() {
            pk.columns.iter_mut().for_each(rename);
        }
        for fk in self.foreign_keys.iter_mut() {
            fk.columns.iter_mut().for_each(rename);
            if fk.ref_table == self.name {
                fk.ref_columns.iter_mut().for_each(rename);
            }
        }
        for unique in self.uniques.iter_mut() {
            unique.columns.iter_mut().for_each(rename);
        }
        for index in self.indexes.iter_mut() {
            for key in index.keys.iter_mut() {
                if let IndexPart::Column(c) = &mut key.part {
                    rename(c);
                }
            }
            index.include.iter_mut().for_each(rename);
        }
    }

    pub fn new(name: QName) -> Table {
        Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            foreign_keys: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            options: TableOptions::default(),
            triggers: Vec::new(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether a key, constraint, index or generated column of the table uses the column
    /// (what SQLite's DROP COLUMN refuses, and what a column change can break).
    pub fn uses_column(&self, column: &str) -> bool {
        let in_list = |columns: &[String]| columns.iter().any(|c| c == column);
        self.primary_key
            .as_ref()
            .is_some_and(|pk| in_list(&pk.columns))
            || self.uniques.iter().any(|u| in_list(&u.columns))
            || self.foreign_keys.iter().any(|f| in_list(&f.columns))
            || self
                .checks
                .iter()
                .any(|c| mentions_identifier(&c.expr, column))
            || self.indexes.iter().any(|i| {
                i.keys.iter().any(|k| match &k.part {
                    IndexPart::Column(c) => c == column,
                    IndexPart::Expr(e) => mentions_identifier(e, column),
                }) || i
                    .predicate
                    .as_deref()
                    .is_some_and(|p| mentions_identifier(p, column))
            })
            || self.columns.iter().any(|c| {
                c.generated
                    .as_ref()
                    .is_some_and(|g| mentions_identifier(&g.expr, column))
            })
    }

    /// Every constraint and index name the table carries (names share one namespace per schema in PostgreSQL).
    pub fn object_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .filter_map(|p| p.name.as_deref())
            .chain(self.foreign_keys.iter().filter_map(|f| f.name.as_deref()))
            .chain(self.uniques.iter().filter_map(|u| u.name.as_deref()))
            .chain(self.checks.iter().filter_map(|c| c.name.as_deref()))
            .chain(self.indexes.iter().map(|i| i.name.as_str()))
    }
}

/// Table-level storage options; only the ones that matter to a dialect are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableOptions {
    /// MySQL storage engine, lower-cased (`innodb`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub engine: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub charset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub collation: Option<String>,
    /// SQLite `WITHOUT ROWID`.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub without_rowid: bool,
    /// SQLite `STRICT`.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub strict: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    pub nullable: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<DefaultValue>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identity: Option<Identity>,
    /// An identity column's sequence start and increment, when not the defaults (1 and 1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identity_options: Option<IdentityOptions>,
    /// MySQL `AUTO_INCREMENT`; SQLite `AUTOINCREMENT` on an INTEGER PRIMARY KEY.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub auto_increment: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub generated: Option<Generated>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub collation: Option<String>,
    /// MySQL `ON UPDATE CURRENT_TIMESTAMP[(p)]`, canonical expression text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub on_update: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, ty: Type) -> Column {
        Column {
            name: name.into(),
            ty,
            nullable: true,
            default: None,
            identity: None,
            identity_options: None,
            auto_increment: false,
            generated: None,
            collation: None,
            on_update: None,
            comment: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityOptions {
    pub start: i64,
    pub increment: i64,
}

impl IdentityOptions {
    /// `None` for PostgreSQL's defaults, so that spelled-out defaults compare equal to none.
    pub fn non_default(start: Option<i64>, increment: Option<i64>) -> Option<IdentityOptions> {
        let increment = increment.unwrap_or(1);
        let start = start.unwrap_or(if increment > 0 { 1 } else { -1 });
        let default_start = if increment > 0 { 1 } else { -1 };
        (increment != 1 || start != default_start).then_some(IdentityOptions { start, increment })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// Canonical expression text (see `normalize::expr`).
    pub expr: String,
    pub stored: bool,
}

/// Canonical column types. `Custom` keeps anything else as normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    Boolean,
    /// `bits`: 8 (tinyint), 16, 24 (mediumint), 32, 64.
    Integer {
        bits: u8,
        unsigned: bool,
    },
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    /// `bits`: 32 (real / float4 / float) or 64 (double precision / float8 / double).
    Float {
        bits: u8,
    },
    Char {
        len: Option<u32>,
    },
    Varchar {
        len: Option<u32>,
    },
    /// `size`: MySQL tinytext/text/mediumtext/longtext; `Text` elsewhere.
    Text {
        size: LobSize,
    },
    Binary {
        len: Option<u32>,
    },
    Varbinary {
        len: Option<u32>,
    },
    /// PostgreSQL bytea, MySQL/SQLite blob (sized like text in MySQL).
    Blob {
        size: LobSize,
    },
    Date,
    Time {
        tz: bool,
        precision: Option<u32>,
    },
    Timestamp {
        tz: bool,
        precision: Option<u32>,
    },
    /// MySQL DATETIME.
    Datetime {
        precision: Option<u32>,
    },
    Year,
    Interval,
    Json,
    Jsonb,
    Uuid,
    /// PostgreSQL `CREATE TYPE … AS ENUM`.
    Enum {
        name: QName,
    },
    /// MySQL inline `ENUM('a', 'b')`.
    InlineEnum {
        values: Vec<String>,
    },
    /// MySQL `SET('a', 'b')`.
    Set {
        values: Vec<String>,
    },
    Array {
        element: Box<Type>,
    },
    /// Any other type, as lower-cased canonical text (`inet`, `tsvector`, `geometry`, `citext`).
    Custom {
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LobSize {
    Tiny,
    Regular,
    Medium,
    Long,
}

impl Type {
    pub fn is_integer(&self) -> bool {
        matches!(self, Type::Integer { .. })
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Type::Integer { .. } | Type::Decimal { .. } | Type::Float { .. }
        )
    }

    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            Type::Char { .. } | Type::Varchar { .. } | Type::Text { .. }
        ) || matches!(self, Type::Custom { name } if name == "citext")
    }
}

/// Canonical column defaults.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DefaultValue {
    Null,
    Bool(bool),
    /// A number, as canonical decimal text (`-1`, `0.5`).
    Number(String),
    /// A string literal's value (unescaped).
    String(String),
    /// A niladic function or keyword: `now()`, `current_timestamp`, `gen_random_uuid()`.
    Function(String),
    /// `nextval('seq')`: a serial column's sequence.
    Sequence(QName),
    /// Any other expression, as canonical text.
    Expr(String),
}

impl DefaultValue {
    /// Volatile defaults are evaluated per row: adding such a column rewrites the table.
    pub fn is_volatile(&self) -> bool {
        match self {
            DefaultValue::Function(f) => {
                let f = f.to_ascii_lowercase();
                f.contains("random") || f.contains("uuid") || f.starts_with("clock_timestamp")
            }
            DefaultValue::Sequence(_) => true,
            DefaultValue::Expr(e) => {
                let e = e.to_ascii_lowercase();
                e.contains("random") || e.contains("nextval") || e.contains("uuid")
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// `None` where the dialect does not keep a name (SQLite unnamed, MySQL is always PRIMARY).
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: QName,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub deferrable: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub initially_deferred: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    pub name: Option<String>,
    /// Canonical expression text.
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    pub keys: Vec<IndexKey>,
    /// Access method other than the default b-tree (`hash`, `gin`, `gist`, `brin`, `fulltext`, `spatial`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub method: Option<String>,
    /// Partial index predicate, canonical text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub predicate: Option<String>,
    /// PostgreSQL covering columns.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub include: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    pub part: IndexPart,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub desc: bool,
    /// PostgreSQL `NULLS FIRST|LAST` when it differs from the default for the ordering.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nulls_first: Option<bool>,
    /// MySQL prefix length.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub length: Option<u32>,
    /// PostgreSQL operator class when not the default (`gin_trgm_ops`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub opclass: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum IndexPart {
    Column(String),
    /// Canonical expression text.
    Expr(String),
}

impl IndexKey {
    pub fn column(name: impl Into<String>) -> IndexKey {
        IndexKey {
            part: IndexPart::Column(name.into()),
            desc: false,
            nulls_first: None,
            length: None,
            opclass: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: QName,
    pub materialized: bool,
    /// Canonical text of the query.
    pub definition: String,
    /// Explicit column list, if given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub columns: Vec<String>,
    /// `WITH CASCADED|LOCAL CHECK OPTION`: `cascaded` or `local`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub check_option: Option<String>,
    /// Indexes on a materialized view.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: QName,
    pub values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: QName,
    /// `smallint`, `integer` or `bigint` (PostgreSQL's AS clause).
    pub data_type: Type,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub start: i64,
    pub cache: i64,
    pub cycle: bool,
    /// `OWNED BY table.column`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub owned_by: Option<(QName, String)>,
}

impl Sequence {
    /// A sequence with PostgreSQL's defaults for the given data type and increment direction.
    pub fn with_defaults(name: QName, data_type: Type, increment: i64) -> Sequence {
        let type_max = match data_type {
            Type::Integer { bits: 16, .. } => i16::MAX as i64,
            Type::Integer { bits: 32, .. } => i32::MAX as i64,
            _ => i64::MAX,
        };
        let type_min = match data_type {
            Type::Integer { bits: 16, .. } => i16::MIN as i64,
            Type::Integer { bits: 32, .. } => i32::MIN as i64,
            _ => i64::MIN,
        };
        let (min_value, max_value) = if increment > 0 {
            (1, type_max)
        } else {
            (type_min, -1)
        };
        let start = if increment > 0 { min_value } else { max_value };
        Sequence {
            name,
            data_type,
            increment,
            min_value,
            max_value,
            start,
            cache: 1,
            cycle: false,
            owned_by: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    /// Schema the extension's objects live in, when not the default.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub schema: Option<String>,
}
