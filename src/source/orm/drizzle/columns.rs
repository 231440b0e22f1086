//! One column: a drizzle builder chain (`varchar("email", { length: 255 }).notNull()`) read
//! into what drizzle-kit makes of it — the SQL type `getSQLType()` gives, nullability, the
//! database default as drizzle-kit's serializer writes it, keys, references and generation.

use super::identity::SequenceOptions;
use super::sql::{Scope, literal};
use super::{Core, Reader};
use crate::error::Result;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Node, Value};

/// A column as drizzle-kit's snapshot holds it.
#[derive(Debug, Clone)]
pub struct Column {
    /// The key in the table's columns object.
    pub key: String,
    /// The column name in the database.
    pub name: String,
    /// The name drizzle-orm gives the column before `casing` applies: the one written, else
    /// the key. A column's default unique name is made of it (`users_displayName_unique`).
    pub given_name: String,
    /// The drizzle builder that made it (`varchar`, `timestamp`, `mysqlEnum`, or the pgEnum's
    /// variable for an enum column): what drizzle-kit's snapshot and a drizzle target name.
    pub builder: String,
    /// The type as drizzle-kit writes it (`varchar(255)`, `timestamp (3) with time zone` is
    /// written `timestamp(3) with time zone`), arrays included.
    pub sql_type: String,
    /// For a pgEnum column: the enum's schema (when not `public`), for the type's quoting.
    pub enum_schema: Option<String>,
    pub is_enum: bool,
    pub not_null: bool,
    pub primary: bool,
    /// SQLite `primaryKey({ autoIncrement: true })`, MySQL `.autoincrement()`.
    pub autoincrement: bool,
    /// The DB default as SQL text.
    pub default: Option<String>,
    /// The default as drizzle-kit's serializer writes it into a snapshot: SQL text for strings
    /// and sql`...`, a JSON number or boolean for numbers and booleans.
    pub snapshot_default: Option<serde_json::Value>,
    /// MySQL `.onUpdateNow()`.
    pub on_update_now: bool,
    /// `.unique()`: the name given, if any, and `nullsNotDistinct`.
    pub unique: Option<(Option<String>, bool)>,
    pub references: Option<Reference>,
    /// `generatedAlwaysAs`: the expression as written (module, node), whether it is stored, and
    /// its SQL once the table's columns are known.
    pub generated: Option<Generated>,
    /// PostgreSQL identity: `ALWAYS` or `BY DEFAULT`.
    pub identity: Option<&'static str>,
    /// The identity's sequence options as drizzle-kit fills them in (all defaults when none
    /// are given).
    pub identity_options: Option<SequenceOptions>,
    /// The `.array()` suffixes as drizzle-kit's snapshot writes the type (`[]`, `[3]` for
    /// `.array(3)`); `sql_type` has `[]` for each, as PostgreSQL keeps no size.
    pub array_suffix: String,
    pub pos: Origin,
}

#[derive(Debug, Clone)]
pub struct Generated {
    pub module: usize,
    pub expression: Node,
    pub stored: bool,
    pub sql: String,
    /// The expression as drizzle-kit's snapshot holds it: columns qualified by their table.
    pub snapshot_sql: String,
}

/// `.references(() => users.id, { onDelete, onUpdate })`: the target as written, resolved once
/// every table is known.
#[derive(Debug, Clone)]
pub struct Reference {
    pub module: usize,
    pub target: Node,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub pos: Origin,
}

/// A chain of calls on a base call: the base and the methods applied to it, in order.
pub(super) struct Chain<'n> {
    pub base: &'n Node,
    pub methods: Vec<(&'n str, &'n [Node], Origin)>,
}

/// Unwind `a(...).b(...).c(...)` into `a(...)` and `[b, c]`.
pub(super) fn chain(node: &Node) -> Chain<'_> {
    let mut methods = Vec::new();
    let mut current = node;
    while let Value::Call { callee, args, .. } = &current.value
        && let Value::Member(object, method) = &callee.value
        && matches!(object.value, Value::Call { .. })
    {
        methods.push((method.as_str(), args.as_slice(), callee.pos));
        current = object;
    }
    methods.reverse();
    Chain {
        base: current,
        methods,
    }
}

/// The builders drizzle's `getSQLType()` knows, per core.
const PG_BUILDERS: &[&str] = &[
    "integer",
    "smallint",
    "bigint",
    "serial",
    "smallserial",
    "bigserial",
    "varchar",
    "char",
    "text",
    "boolean",
    "timestamp",
    "time",
    "date",
    "interval",
    "numeric",
    "decimal",
    "real",
    "doublePrecision",
    "json",
    "jsonb",
    "uuid",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
];
const MYSQL_BUILDERS: &[&str] = &[
    "int",
    "tinyint",
    "smallint",
    "mediumint",
    "bigint",
    "serial",
    "varchar",
    "char",
    "text",
    "tinytext",
    "mediumtext",
    "longtext",
    "boolean",
    "timestamp",
    "datetime",
    "time",
    "date",
    "year",
    "decimal",
    "float",
    "double",
    "real",
    "json",
    "mysqlEnum",
    "binary",
    "varbinary",
];
const SQLITE_BUILDERS: &[&str] = &["integer", "int", "text", "real", "numeric", "blob"];

fn known(core: Core, builder: &str) -> bool {
    match core {
        Core::Pg => PG_BUILDERS.contains(&builder),
        Core::Mysql => MYSQL_BUILDERS.contains(&builder),
        Core::Sqlite => SQLITE_BUILDERS.contains(&builder),
    }
}

/// A builder's arguments: the optional name first, then a config object (or, for enums, the
/// values array).
struct Args<'n> {
    name: Option<&'n str>,
    config: Option<&'n Node>,
    values: Option<&'n [Node]>,
}

fn args(list: &[Node]) -> Args<'_> {
    let mut out = Args {
        name: None,
        config: None,
        values: None,
    };
    for arg in list {
        match &arg.value {
            Value::Str(name) if out.name.is_none() => out.name = Some(name),
            Value::Object(_) => out.config = Some(arg),
            Value::Array(items) => out.values = Some(items),
            _ => {}
        }
    }
    out
}

impl Reader<'_> {
    /// The column a columns-object entry makes (`key: node`, written in `module`).
    pub(super) fn column(&self, module: usize, key: &str, node: &Node) -> Result<Column> {
        self.column_in(module, key, node, 0)
    }

    fn column_in(&self, module: usize, key: &str, node: &Node, depth: usize) -> Result<Column> {
        if depth > 16 {
            return Err(self.error(node.pos, "column helpers nest too deeply to read"));
        }
        // A shared builder held in a constant.
        if let Value::Ident(name) = &node.value
            && let Some((m, value)) = self.constant(module, name)
        {
            return self.column_in(m, key, &value, depth + 1);
        }
        let chain = chain(node);
        let Value::Call {
            callee,
            args: base_args,
            ..
        } = &chain.base.value
        else {
            return Err(self.error(
                node.pos,
                format!(
                    "column `{key}`: {} is not a drizzle column builder",
                    node.describe()
                ),
            ));
        };
        let callee_path = callee.path().unwrap_or_default();
        let mut column = match self.builder(module, &callee_path) {
            Some(builder) if known(self.core, &builder) || builder == "enum" => {
                self.base_column(module, key, &builder, base_args, chain.base.pos)?
            }
            Some(builder) => {
                return Err(self.error(
                    callee.pos,
                    format!(
                        "unknown {} column builder `{builder}`",
                        self.core.module_name()
                    ),
                ));
            }
            None => match self.resolve_const(module, callee) {
                // A pgEnum used as a column builder.
                Some((m, value)) if self.enum_of(m, value).is_some() => {
                    let (schema, name, _) = self.enum_of(m, value).unwrap_or_default();
                    let args = args(base_args);
                    Column {
                        builder: callee_path.clone(),
                        sql_type: name,
                        enum_schema: schema,
                        is_enum: true,
                        ..self.blank(key, args.name, chain.base.pos)
                    }
                }
                // A `customType({ dataType() { return "citext"; } })` builder.
                Some((m, value)) if self.custom_type(m, value).is_some() => {
                    let sql_type = self.custom_type(m, value).unwrap_or(Ok(String::new()))?;
                    let args = args(base_args);
                    Column {
                        builder: callee_path.clone(),
                        sql_type,
                        ..self.blank(key, args.name, chain.base.pos)
                    }
                }
                // A helper function returning a column (`idColumn()`).
                Some((m, value)) if matches!(value.value, Value::Arrow(..)) => {
                    let returned = self.apply(value, base_args);
                    self.column_in(m, key, &returned, depth + 1)?
                }
                Some(_) => {
                    return Err(self.error(
                        callee.pos,
                        format!(
                            "`{callee_path}` is not a drizzle column builder or a helper returning one"
                        ),
                    ));
                }
                None => {
                    return Err(self.error(
                        callee.pos,
                        format!(
                            "unknown column builder `{callee_path}` (not imported from {})",
                            self.core.module_name()
                        ),
                    ));
                }
            },
        };
        for (method, args, pos) in chain.methods {
            self.modifier(module, &mut column, method, args, pos)?;
        }
        Ok(column)
    }

    /// For a `customType(...)` value: the SQL type its `dataType()` returns, when that is a
    /// string; `None` when the value is not a customType.
    fn custom_type(&self, module: usize, value: &Node) -> Option<Result<String>> {
        let (callee, args) = value.call()?;
        if self.builder(module, &callee).as_deref() != Some("customType") {
            return None;
        }
        let config = args.first().map(|a| self.value(module, a));
        let Some(data_type) = config.as_ref().and_then(|c| c.get("dataType")) else {
            return Some(Err(self.error(value.pos, "customType() needs a dataType()")));
        };
        let returned = match &data_type.value {
            Value::Arrow(_, body) => Some(self.value(module, body)),
            _ => None,
        };
        Some(
            returned
                .and_then(|r| r.str().map(str::to_string))
                .ok_or_else(|| {
                    self.error(
                        data_type.pos,
                        "a customType's dataType() must return a string literal to be read \
                         statically",
                    )
                }),
        )
    }

    fn blank(&self, key: &str, name: Option<&str>, pos: Origin) -> Column {
        Column {
            key: key.to_string(),
            name: name.map_or_else(|| self.settings.casing.apply(key), str::to_string),
            given_name: name.unwrap_or(key).to_string(),
            builder: String::new(),
            sql_type: String::new(),
            enum_schema: None,
            is_enum: false,
            not_null: false,
            primary: false,
            autoincrement: false,
            default: None,
            snapshot_default: None,
            on_update_now: false,
            unique: None,
            references: None,
            generated: None,
            identity: None,
            identity_options: None,
            array_suffix: String::new(),
            pos,
        }
    }

    fn base_column(
        &self,
        module: usize,
        key: &str,
        builder: &str,
        list: &[Node],
        pos: Origin,
    ) -> Result<Column> {
        let a = args(list);
        let config = |name: &str| {
            a.config
                .and_then(|c| c.get(name))
                .map(|n| self.value(module, n))
        };
        let number = |name: &str| config(name).and_then(|n| n.num()).map(|n| n as u64);
        let flag = |name: &str| config(name).and_then(|n| n.boolean()).unwrap_or(false);
        let mode = config("mode").and_then(|n| n.str().map(str::to_string));
        let sized = |base: &str, size: Option<u64>| match size {
            Some(size) => format!("{base}({size})"),
            None => base.to_string(),
        };
        let precision_scale = |base: &str, comma: &str| match (number("precision"), number("scale"))
        {
            (Some(p), Some(s)) => format!("{base}({p}{comma}{s})"),
            (Some(p), None) => format!("{base}({p})"),
            _ => base.to_string(),
        };
        let unsigned = |base: &str| match flag("unsigned") {
            true => format!("{base} unsigned"),
            false => base.to_string(),
        };
        let sql_type = match (self.core, builder) {
            (Core::Pg, "doublePrecision") => "double precision".to_string(),
            (Core::Pg, "varchar" | "char") => sized(builder, number("length")),
            (Core::Pg, "timestamp" | "time") => {
                // drizzle-orm writes `timestamp (3)` with a space, `time(3)` without.
                let space = if builder == "timestamp" { " " } else { "" };
                let precision =
                    number("precision").map_or(String::new(), |p| format!("{space}({p})"));
                let zone = if flag("withTimezone") {
                    " with time zone"
                } else {
                    ""
                };
                format!("{builder}{precision}{zone}")
            }
            (Core::Pg, "numeric" | "decimal") => precision_scale("numeric", ", "),
            (Core::Pg, "bigint" | "bigserial") if mode.is_none() => {
                return Err(self.error(
                    pos,
                    format!("`{builder}` needs a mode ({{ mode: \"number\" }} or \"bigint\")"),
                ));
            }
            (Core::Mysql, "int" | "tinyint" | "smallint" | "mediumint" | "bigint") => {
                unsigned(builder)
            }
            (Core::Mysql, "varchar") => match number("length") {
                Some(length) => format!("varchar({length})"),
                None => return Err(self.error(pos, "a MySQL varchar needs { length: n }")),
            },
            (Core::Mysql, "char" | "binary" | "varbinary") => sized(builder, number("length")),
            (Core::Mysql, "timestamp" | "datetime" | "time") => sized(builder, number("fsp")),
            (Core::Mysql, "decimal" | "double" | "float") => precision_scale(builder, ","),
            (Core::Mysql, "mysqlEnum") => {
                let values = a
                    .values
                    .ok_or_else(|| self.error(pos, "mysqlEnum needs its values"))?;
                let texts = self.strings(module, values)?;
                // drizzle-kit reads the enum's values back out of its type text, cutting at
                // the commas: `'ab,cd'` comes out as `'a','d'`.
                if let Some((node, _)) = values.iter().zip(&texts).find(|(_, v)| v.contains(',')) {
                    return Err(self.error(
                        node.pos,
                        "drizzle-kit cannot migrate a MySQL enum value with a comma in it (it \
                         cuts 'ab,cd' into 'a','d'); choose values without commas",
                    ));
                }
                let listed: Vec<String> = texts.iter().map(|v| literal(v)).collect();
                format!("enum({})", listed.join(","))
            }
            (Core::Sqlite, "int") => "integer".to_string(),
            (Core::Sqlite, "text") => sized("text", number("length")),
            _ => builder.to_string(),
        };
        // drizzle-orm's serial builders: PostgreSQL's are not null (bigserial only in number
        // mode), MySQL's auto-increment.
        let not_null = match (self.core, builder) {
            (Core::Pg, "serial" | "smallserial") => true,
            (Core::Pg, "bigserial") => mode.as_deref() == Some("number"),
            _ => false,
        };
        Ok(Column {
            builder: builder.to_string(),
            sql_type,
            not_null,
            autoincrement: self.core == Core::Mysql && builder == "serial",
            ..self.blank(key, a.name, pos)
        })
    }

    fn modifier(
        &self,
        module: usize,
        column: &mut Column,
        method: &str,
        args: &[Node],
        pos: Origin,
    ) -> Result<()> {
        let arg = |i: usize| args.get(i).map(|n| self.value(module, n));
        match method {
            "notNull" => column.not_null = true,
            "primaryKey" => {
                column.primary = true;
                column.not_null = true;
                if arg(0).and_then(|c| c.get("autoIncrement").and_then(Node::boolean)) == Some(true)
                {
                    column.autoincrement = true;
                }
            }
            "autoincrement" => column.autoincrement = true,
            "default" => {
                let value = arg(0).ok_or_else(|| self.error(pos, ".default() needs a value"))?;
                column.default = Some(self.default_sql(module, column, &value)?);
                column.snapshot_default = Some(self.snapshot_default(module, column, &value)?);
            }
            "defaultNow" => {
                let sql = match self.core {
                    Core::Pg => "now()",
                    Core::Mysql => "(now())",
                    Core::Sqlite => {
                        return Err(self.error(pos, "SQLite columns have no defaultNow()"));
                    }
                };
                column.default = Some(sql.to_string());
                column.snapshot_default = Some(sql.into());
            }
            "defaultRandom" => {
                column.default = Some("gen_random_uuid()".to_string());
                column.snapshot_default = Some("gen_random_uuid()".into());
            }
            "onUpdateNow" => column.on_update_now = true,
            // Client-side only: drizzle fills these in, the database has no default.
            "$defaultFn" | "$default" | "$onUpdate" | "$onUpdateFn" | "$type" => {}
            "unique" => {
                let name = arg(0).and_then(|n| n.str().map(str::to_string));
                let nulls = args.iter().any(|a| {
                    self.value(module, a)
                        .get("nulls")
                        .and_then(|n| n.str().map(str::to_string))
                        == Some("not distinct".to_string())
                });
                column.unique = Some((name, nulls));
            }
            "references" => {
                let target = args.first().and_then(Node::returned).ok_or_else(|| {
                    self.error(
                        pos,
                        ".references() needs a function returning the column (() => users.id)",
                    )
                })?;
                let actions = arg(1);
                let action = |name: &str| {
                    actions
                        .as_ref()
                        .and_then(|a| a.get(name))
                        .and_then(|n| n.str().map(str::to_string))
                };
                column.references = Some(Reference {
                    module,
                    target: target.clone(),
                    on_delete: action("onDelete"),
                    on_update: action("onUpdate"),
                    pos,
                });
            }
            "array" => {
                column.sql_type.push_str("[]");
                match arg(0) {
                    None => column.array_suffix.push_str("[]"),
                    Some(size) => {
                        let size = size.num().filter(|n| *n >= 0.0).ok_or_else(|| {
                            self.error(size.pos, ".array() takes a size as a number literal")
                        })?;
                        column
                            .array_suffix
                            .push_str(&format!("[{}]", js_number(size)));
                    }
                }
            }
            "generatedAlwaysAs" => {
                let expression = arg(0)
                    .ok_or_else(|| self.error(pos, "generatedAlwaysAs needs an expression"))?;
                let expression = match &expression.value {
                    Value::Arrow(_, body) => (**body).clone(),
                    _ => expression.clone(),
                };
                let mode =
                    arg(1).and_then(|c| c.get("mode").and_then(|m| m.str().map(str::to_string)));
                // drizzle-kit's defaults: always stored on PostgreSQL, stored on MySQL, virtual
                // on SQLite.
                let stored = match self.core {
                    Core::Pg => true,
                    Core::Mysql => mode.as_deref() != Some("virtual"),
                    Core::Sqlite => mode.as_deref() == Some("stored"),
                };
                column.generated = Some(Generated {
                    module,
                    expression,
                    stored,
                    sql: String::new(),
                    snapshot_sql: String::new(),
                });
            }
            "generatedAlwaysAsIdentity" | "generatedByDefaultAsIdentity" => {
                column.identity = Some(match method {
                    "generatedAlwaysAsIdentity" => "ALWAYS",
                    _ => "BY DEFAULT",
                });
                column.not_null = true;
                column.identity_options = Some(match args.first() {
                    Some(config) => self.identity_options(module, config, &column.sql_type, pos)?,
                    None => self.sequence_options(module, None, &column.sql_type, pos)?,
                });
            }
            other => {
                return Err(self.error(
                    pos,
                    format!("unknown column modifier `.{other}()` on `{}`", column.key),
                ));
            }
        }
        Ok(())
    }

    /// A `.default(value)` as drizzle-kit's serializer writes it.
    fn default_sql(&self, module: usize, column: &Column, value: &Node) -> Result<String> {
        let sql = self.default_literal(module, column, value)?;
        // MySQL takes literal defaults of text, blob and json columns in parentheses only.
        let literal_default = !matches!(
            value.value,
            Value::Template { tag: Some(_), .. } | Value::Call { .. }
        );
        Ok(
            match self.core == Core::Mysql
                && literal_default
                && matches!(column.sql_type.as_str(), "blob" | "text" | "json")
            {
                true => format!("({sql})"),
                false => sql,
            },
        )
    }

    /// A `.default(value)` as drizzle-kit's serializers write it into the snapshot (pg, mysql
    /// and sqlite `Serializer`s): sql`...` as its text; a string quoted; JSON as
    /// `JSON.stringify` writes it (cast on PostgreSQL); a PostgreSQL array as
    /// `buildArrayString` writes it (every string element in double quotes); numbers, booleans
    /// and null as themselves. MySQL wraps the literal defaults of text, blob and json columns
    /// in parentheses.
    fn snapshot_default(
        &self,
        module: usize,
        column: &Column,
        value: &Node,
    ) -> Result<serde_json::Value> {
        use serde_json::Value as Json;
        let value = match &value.value {
            Value::Template { tag: Some(_), .. } | Value::Call { .. } => {
                return Ok(Json::String(self.sql_text(
                    module,
                    value,
                    &Scope::none(),
                )?));
            }
            Value::Ident(_) | Value::Member(..) => {
                let resolved = self.value(module, value);
                if resolved.value == value.value {
                    return Err(self.error(
                        value.pos,
                        format!(
                            "default {} cannot be read statically; use a literal or sql`...`",
                            value.describe()
                        ),
                    ));
                }
                return self.snapshot_default(module, column, &resolved);
            }
            _ => value,
        };
        let sql_type = column.sql_type.to_lowercase();
        let is_array = sql_type.ends_with(']');
        let json_type = matches!(sql_type.as_str(), "json" | "jsonb");
        let literal_value = match (&value.value, self.core) {
            (Value::Str(s), _) => Json::String(literal(s)),
            (_, Core::Pg) if json_type => Json::String(format!(
                "'{}'::{sql_type}",
                self.json(module, value, false)?
            )),
            (Value::Array(items), Core::Pg) if is_array => {
                Json::String(format!("'{}'", self.array_string(module, items)?))
            }
            (_, Core::Mysql) if json_type => {
                Json::String(format!("'{}'", self.json(module, value, false)?))
            }
            (Value::Object(_) | Value::Array(_), Core::Sqlite) => {
                Json::String(format!("'{}'", self.json(module, value, false)?))
            }
            (Value::Num(n), _) => serde_json::Number::from_f64(*n)
                .map(|number| match js_number(*n).parse::<i64>() {
                    Ok(int) => Json::from(int),
                    Err(_) => Json::Number(number),
                })
                .ok_or_else(|| self.error(value.pos, "a default that is not a finite number"))?,
            (Value::Bool(b), _) => Json::Bool(*b),
            (Value::Null, Core::Sqlite) => Json::String("'null'".into()),
            (Value::Null, _) => Json::Null,
            _ => {
                return Err(self.error(
                    value.pos,
                    format!(
                        "the drizzle target's snapshot writer does not cover the default {} yet",
                        value.describe()
                    ),
                ));
            }
        };
        Ok(
            match self.core == Core::Mysql && matches!(sql_type.as_str(), "blob" | "text" | "json")
            {
                true => Json::String(format!(
                    "({})",
                    match &literal_value {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                )),
                false => literal_value,
            },
        )
    }

    /// drizzle-kit's `buildArrayString` of literal elements: strings in double quotes as they
    /// are, numbers and booleans bare, nested arrays in braces.
    fn array_string(&self, module: usize, items: &[Node]) -> Result<String> {
        let parts: Result<Vec<String>> = items
            .iter()
            .map(|item| match self.value(module, item).value {
                Value::Str(s) => Ok(format!("\"{s}\"")),
                Value::Num(n) => Ok(js_number(n)),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Array(inner) => self.array_string(module, &inner),
                _ => Err(self.error(item.pos, "array defaults hold literals only")),
            })
            .collect();
        Ok(format!("{{{}}}", parts?.join(",")))
    }

    fn default_literal(&self, module: usize, column: &Column, value: &Node) -> Result<String> {
        let base_type = column.sql_type.trim_end_matches("[]");
        let is_array = column.sql_type.ends_with("[]");
        let json = matches!(base_type, "json" | "jsonb");
        Ok(match &value.value {
            // drizzle-kit writes sql`...` defaults as they are: parentheses are the author's.
            Value::Template { tag: Some(_), .. } | Value::Call { .. } => {
                self.sql_text(module, value, &Scope::none())?
            }
            Value::Str(s) => literal(s),
            Value::Num(n) => js_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::Null => "NULL".to_string(),
            Value::Object(_) | Value::Array(_) if json => {
                let text = self.json(module, value, false)?;
                match self.core {
                    // PostgreSQL keeps jsonb in its own form (sorted keys, `": "` and `", "`):
                    // the default is written as the database will hold it.
                    Core::Pg if base_type == "jsonb" => {
                        format!("{}::jsonb", literal(&self.json(module, value, true)?))
                    }
                    Core::Pg => format!("{}::{base_type}", literal(&text)),
                    Core::Mysql | Core::Sqlite => literal(&text),
                }
            }
            Value::Array(items) if is_array => {
                // drizzle-kit's `buildArrayString`, in the form PostgreSQL keeps (elements
                // quoted only where they must be).
                let parts: Result<Vec<String>> = items
                    .iter()
                    .map(|item| match self.value(module, item).value {
                        Value::Str(s) => Ok(array_element(&s)),
                        Value::Num(n) => Ok(js_number(n)),
                        Value::Bool(b) => Ok(b.to_string()),
                        _ => Err(self.error(item.pos, "array defaults hold literals only")),
                    })
                    .collect();
                literal(&format!("{{{}}}", parts?.join(",")))
            }
            Value::Object(_) if self.core == Core::Sqlite => {
                literal(&self.json(module, value, false)?)
            }
            _ => {
                let resolved = self.value(module, value);
                if resolved.value != value.value {
                    return self.default_literal(module, column, &resolved);
                }
                return Err(self.error(
                    value.pos,
                    format!(
                        "default {} cannot be read statically; use a literal or sql`...`",
                        value.describe()
                    ),
                ));
            }
        })
    }

    /// JSON text of a literal object or array, as `JSON.stringify` writes it, or (`jsonb`) as
    /// PostgreSQL's jsonb prints it: keys by length then bytes, the last of a repeated key.
    fn json(&self, module: usize, node: &Node, jsonb: bool) -> Result<String> {
        let node = self.value(module, node);
        let (comma, colon) = if jsonb { (", ", ": ") } else { (",", ":") };
        Ok(match &node.value {
            Value::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Value::Num(n) => js_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            Value::Array(items) => {
                let parts: Result<Vec<String>> =
                    items.iter().map(|i| self.json(module, i, jsonb)).collect();
                format!("[{}]", parts?.join(comma))
            }
            Value::Object(props) => {
                let mut entries: Vec<(&String, &Node)> = Vec::new();
                for (key, value) in props {
                    entries.retain(|(k, _)| *k != key);
                    entries.push((key, value));
                }
                if jsonb {
                    entries.sort_by(|a, b| (a.0.len(), a.0).cmp(&(b.0.len(), b.0)));
                }
                let parts: Result<Vec<String>> = entries
                    .iter()
                    .map(|(k, v)| {
                        Ok(format!(
                            "{}{colon}{}",
                            serde_json::Value::String((*k).clone()),
                            self.json(module, v, jsonb)?
                        ))
                    })
                    .collect();
                format!("{{{}}}", parts?.join(comma))
            }
            _ => return Err(self.error(node.pos, format!("{} is not JSON", node.describe()))),
        })
    }

    pub(super) fn strings(&self, module: usize, items: &[Node]) -> Result<Vec<String>> {
        items
            .iter()
            .map(|item| {
                let value = self.value(module, item);
                value.str().map(str::to_string).ok_or_else(|| {
                    self.error(item.pos, format!("{} is not a string", item.describe()))
                })
            })
            .collect()
    }
}

/// An element of a PostgreSQL array literal, quoted only where PostgreSQL quotes it.
fn array_element(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.eq_ignore_ascii_case("null")
        && !text
            .chars()
            .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || c.is_whitespace());
    match plain {
        true => text.to_string(),
        false => format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// A number as JavaScript prints it (`5`, not `5.0`).
pub(super) fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
