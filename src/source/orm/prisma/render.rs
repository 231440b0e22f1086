//! What a Prisma schema means for the database: the datasource (provider, schemas, relation
//! mode), enums, table and column names, keys, and the `Renderer` that turns the blocks into
//! the DDL Prisma Migrate emits, statement by statement with the position each line came from.

use std::collections::{BTreeMap, BTreeSet};

use super::parse::{Arg, Attribute, Block, BlockKind, Expr, Field, Pos, error_at, parse_blocks};
use super::provider_dialect;
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::generated::{GeneratedDdl, Origin};

pub(super) const SCALARS: &[&str] = &[
    "String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OnAction {
    Cascade,
    Restrict,
    NoAction,
    SetNull,
    SetDefault,
}

impl OnAction {
    pub(super) fn parse(name: &str) -> Option<OnAction> {
        Some(match name {
            "Cascade" => OnAction::Cascade,
            "Restrict" => OnAction::Restrict,
            "NoAction" => OnAction::NoAction,
            "SetNull" => OnAction::SetNull,
            "SetDefault" => OnAction::SetDefault,
            _ => return None,
        })
    }

    pub(super) fn sql(self) -> &'static str {
        match self {
            OnAction::Cascade => "CASCADE",
            OnAction::Restrict => "RESTRICT",
            OnAction::NoAction => "NO ACTION",
            OnAction::SetNull => "SET NULL",
            OnAction::SetDefault => "SET DEFAULT",
        }
    }
}

pub(super) struct Datasource {
    pub(super) dialect: Dialect,
    /// `schemas = [...]` (PostgreSQL multi-schema).
    pub(super) schemas: Option<Vec<String>>,
    /// `relationMode = "prisma"`: Prisma emulates relations, the database has no foreign keys.
    pub(super) foreign_keys: bool,
}

pub(super) struct EnumDef {
    /// Database name (`@@map`).
    pub(super) db_name: String,
    pub(super) schema: Option<String>,
    /// Member name → database value (`@map`).
    pub(super) values: Vec<(String, String)>,
}

/// One line of generated DDL and the input position it comes from.
pub(super) struct Line {
    pub(super) text: String,
    pub(super) origin: Pos,
}

pub(super) struct Rendered {
    pub(super) dialect: Dialect,
    pub(super) ddl: GeneratedDdl,
    pub(super) notes: Vec<String>,
}

impl From<Pos> for Origin {
    fn from(pos: Pos) -> Origin {
        Origin {
            file: pos.file,
            line: pos.line,
            column: pos.column,
        }
    }
}

pub(super) fn render(files: &[(String, String)]) -> Result<Rendered> {
    if files.is_empty() {
        return Err(Error::Usage("no .prisma files to read".into()));
    }
    let blocks = parse_blocks(files)?;
    Renderer::new(files, &blocks)?.run()
}

pub(super) fn string_arg(files: &[(String, String)], expr: &Expr, what: &str) -> Result<String> {
    match expr {
        Expr::Str(text, _) => Ok(text.clone()),
        other => Err(error_at(
            files,
            other.pos(),
            format!("{what} must be a string"),
        )),
    }
}

/// The named argument `name`, or the first positional one when `positional`.
pub(super) fn find_arg<'a>(args: &'a [Arg], name: &str, positional: bool) -> Option<&'a Expr> {
    args.iter()
        .find(|a| a.name.as_deref() == Some(name))
        .or_else(|| {
            positional
                .then(|| args.iter().find(|a| a.name.is_none()))
                .flatten()
        })
        .map(|a| &a.value)
}

/// Reject arguments an attribute does not take (positional ones beyond the allowed count).
pub(super) fn check_args(
    files: &[(String, String)],
    attribute: &Attribute,
    named: &[&str],
    positional: usize,
) -> Result<()> {
    let mut seen_positional = 0;
    for arg in &attribute.args {
        match &arg.name {
            Some(name) if named.contains(&name.as_str()) => {}
            Some(name) => {
                return Err(error_at(
                    files,
                    arg.value.pos(),
                    format!("@{} has no argument `{name}`", attribute.name),
                ));
            }
            None => {
                seen_positional += 1;
                if seen_positional > positional {
                    return Err(error_at(
                        files,
                        arg.value.pos(),
                        format!("too many arguments for @{}", attribute.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A key part of `@@id`, `@@unique` or `@@index`: a field with optional sort and length.
pub(super) struct KeyPart {
    pub(super) field: String,
    pub(super) pos: Pos,
    pub(super) descending: bool,
    pub(super) length: Option<String>,
}

pub(super) struct Renderer<'a> {
    pub(super) files: &'a [(String, String)],
    pub(super) blocks: &'a [Block],
    pub(super) source: Datasource,
    pub(super) enums: BTreeMap<String, EnumDef>,
    /// Model name → block index.
    pub(super) models: BTreeMap<String, usize>,
    pub(super) notes: Vec<String>,
}

/// A generated statement: its lines in order.
pub(super) type Statement = Vec<Line>;

impl<'a> Renderer<'a> {
    pub(super) fn new(files: &'a [(String, String)], blocks: &'a [Block]) -> Result<Renderer<'a>> {
        let source = datasource(files, blocks)?;
        let mut renderer = Renderer {
            files,
            blocks,
            source,
            enums: BTreeMap::new(),
            models: BTreeMap::new(),
            notes: Vec::new(),
        };
        let mut names: BTreeMap<&str, Pos> = BTreeMap::new();
        for (index, block) in blocks.iter().enumerate() {
            if matches!(
                block.kind,
                BlockKind::Model | BlockKind::Enum | BlockKind::View | BlockKind::CompositeType
            ) {
                if names.insert(&block.name, block.pos).is_some() {
                    return Err(renderer.error(
                        block.pos,
                        format!("`{}` is defined more than once", block.name),
                    ));
                }
                if SCALARS.contains(&block.name.as_str()) {
                    return Err(renderer.error(
                        block.pos,
                        format!("`{}` is a reserved scalar type name", block.name),
                    ));
                }
            }
            match block.kind {
                BlockKind::Model => {
                    renderer.models.insert(block.name.clone(), index);
                }
                BlockKind::Enum => {
                    let def = renderer.enum_def(block)?;
                    renderer.enums.insert(block.name.clone(), def);
                }
                BlockKind::View => renderer.notes.push(format!(
                    "{}:{}: view `{}` is left out: Prisma Migrate does not create views",
                    files[block.pos.file].0, block.pos.line, block.name
                )),
                BlockKind::CompositeType => {
                    return Err(
                        renderer.error(block.pos, "composite `type` blocks exist only for MongoDB")
                    );
                }
                BlockKind::Datasource | BlockKind::Generator => {}
            }
        }
        Ok(renderer)
    }

    pub(super) fn error(&self, pos: Pos, message: impl Into<String>) -> Error {
        error_at(self.files, pos, message)
    }

    pub(super) fn dialect(&self) -> Dialect {
        self.source.dialect
    }

    pub(super) fn quote(&self, name: &str) -> String {
        match self.dialect() {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table or type name with its schema; the default schema `public` stays implicit, as in
    /// Prisma's own output.
    pub(super) fn qualified(&self, schema: Option<&str>, name: &str) -> String {
        match schema {
            Some(schema) if schema != "public" => {
                format!("{}.{}", self.quote(schema), self.quote(name))
            }
            _ => self.quote(name),
        }
    }

    /// Prisma's default constraint name: `prefix` cut so that `prefix + suffix` fits the
    /// database's identifier limit (observed on PostgreSQL: 63).
    pub(super) fn default_name(&self, prefix: &str, suffix: &str) -> String {
        let limit = match self.dialect() {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => usize::MAX,
        };
        let mut cut = prefix.len().min(limit.saturating_sub(suffix.len()));
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}{suffix}", &prefix[..cut])
    }

    pub(super) fn block_schema(&self, block: &Block) -> Result<Option<String>> {
        let attribute = block.attributes.iter().find(|a| a.name == "schema");
        match (attribute, &self.source.schemas) {
            (Some(attribute), Some(schemas)) => {
                check_args(self.files, attribute, &[], 1)?;
                let value = find_arg(&attribute.args, "", true)
                    .ok_or_else(|| self.error(attribute.pos, "@@schema needs a schema name"))?;
                let name = string_arg(self.files, value, "the schema name")?;
                if !schemas.contains(&name) {
                    return Err(self.error(
                        value.pos(),
                        format!("schema `{name}` is not in the datasource's `schemas` list"),
                    ));
                }
                Ok(Some(name))
            }
            (Some(attribute), None) => Err(self.error(
                attribute.pos,
                "@@schema needs `schemas = [...]` in the datasource block",
            )),
            (None, Some(_)) => Err(self.error(
                block.pos,
                format!(
                    "`{}` needs @@schema: the datasource lists `schemas`",
                    block.name
                ),
            )),
            (None, None) => Ok(None),
        }
    }

    fn map_attr(&self, attributes: &[Attribute]) -> Result<Option<String>> {
        match attributes.iter().find(|a| a.name == "map") {
            Some(attribute) => {
                check_args(self.files, attribute, &["name"], 1)?;
                let value = find_arg(&attribute.args, "name", true)
                    .ok_or_else(|| self.error(attribute.pos, "@map needs a name"))?;
                string_arg(self.files, value, "the mapped name").map(Some)
            }
            None => Ok(None),
        }
    }

    fn enum_def(&self, block: &Block) -> Result<EnumDef> {
        for attribute in &block.attributes {
            if !matches!(attribute.name.as_str(), "map" | "schema") {
                return Err(self.error(
                    attribute.pos,
                    format!("unknown enum attribute @@{}", attribute.name),
                ));
            }
        }
        let mut values = Vec::new();
        for value in &block.fields {
            for attribute in &value.attributes {
                if attribute.name != "map" {
                    return Err(self.error(
                        attribute.pos,
                        format!("unknown enum value attribute @{}", attribute.name),
                    ));
                }
            }
            let db_value = self
                .map_attr(&value.attributes)?
                .unwrap_or(value.name.clone());
            values.push((value.name.clone(), db_value));
        }
        if values.is_empty() {
            return Err(self.error(block.pos, format!("enum `{}` has no values", block.name)));
        }
        Ok(EnumDef {
            db_name: self
                .map_attr(&block.attributes)?
                .unwrap_or(block.name.clone()),
            schema: self.block_schema(block)?,
            values,
        })
    }

    pub(super) fn model(&self, name: &str) -> &'a Block {
        &self.blocks[self.models[name]]
    }

    pub(super) fn table_name(&self, model: &Block) -> Result<String> {
        Ok(self
            .map_attr(&model.attributes)?
            .unwrap_or(model.name.clone()))
    }

    pub(super) fn column_name(&self, field: &Field) -> Result<String> {
        Ok(self
            .map_attr(&field.attributes)?
            .unwrap_or(field.name.clone()))
    }

    pub(super) fn is_relation(&self, field: &Field) -> bool {
        self.models.contains_key(&field.type_name)
    }

    pub(super) fn field(&self, model: &'a Block, name: &str, pos: Pos) -> Result<&'a Field> {
        model
            .fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| self.error(pos, format!("model `{}` has no field `{name}`", model.name)))
    }

    /// A scalar field's column name, for use in keys (relation fields are refused).
    fn key_column(&self, model: &'a Block, name: &str, pos: Pos) -> Result<String> {
        let field = self.field(model, name, pos)?;
        if self.is_relation(field) {
            return Err(self.error(
                pos,
                format!("`{name}` is a relation field; keys take scalar fields"),
            ));
        }
        self.column_name(field)
    }

    pub(super) fn key_parts(&self, expr: &Expr) -> Result<Vec<KeyPart>> {
        let Expr::Array(items, pos) = expr else {
            return Err(self.error(expr.pos(), "expected a list of fields, like [a, b]"));
        };
        if items.is_empty() {
            return Err(self.error(*pos, "the list of fields is empty"));
        }
        let mut parts = Vec::new();
        for item in items {
            let part = match item {
                Expr::Name(field, pos) => KeyPart {
                    field: field.clone(),
                    pos: *pos,
                    descending: false,
                    length: None,
                },
                Expr::Call(field, args, pos) => {
                    let mut part = KeyPart {
                        field: field.clone(),
                        pos: *pos,
                        descending: false,
                        length: None,
                    };
                    for arg in args {
                        match (arg.name.as_deref(), &arg.value) {
                            (Some("sort"), Expr::Name(order, p)) => {
                                part.descending = match order.as_str() {
                                    "Asc" => false,
                                    "Desc" => true,
                                    _ => return Err(self.error(*p, "sort is Asc or Desc")),
                                }
                            }
                            (Some("length"), Expr::Number(n, p)) => {
                                if self.dialect() != Dialect::Mysql {
                                    return Err(
                                        self.error(*p, "index prefix `length` is MySQL only")
                                    );
                                }
                                part.length = Some(n.clone());
                            }
                            (_, value) => {
                                return Err(self.error(
                                    value.pos(),
                                    "a key field takes `sort: Asc|Desc` (and `length:` on MySQL)",
                                ));
                            }
                        }
                    }
                    part
                }
                other => return Err(self.error(other.pos(), "expected a field name")),
            };
            parts.push(part);
        }
        Ok(parts)
    }

    pub(super) fn key_list(
        &self,
        model: &'a Block,
        parts: &[KeyPart],
    ) -> Result<(Vec<String>, String)> {
        let mut columns = Vec::new();
        let mut rendered = Vec::new();
        for part in parts {
            let column = self.key_column(model, &part.field, part.pos)?;
            let mut text = self.quote(&column);
            if let Some(length) = &part.length {
                text.push_str(&format!("({length})"));
            }
            if part.descending {
                text.push_str(" DESC");
            }
            columns.push(column);
            rendered.push(text);
        }
        Ok((columns, rendered.join(", ")))
    }

    pub(super) fn run(self) -> Result<Rendered> {
        let dialect = self.dialect();
        let mut schemas: BTreeSet<String> = BTreeSet::new();
        let mut enum_statements: Vec<Statement> = Vec::new();
        for (name, def) in &self.enums {
            if let Some(schema) = &def.schema {
                schemas.insert(schema.clone());
            }
            if dialect == Dialect::Postgres {
                let block = self
                    .blocks
                    .iter()
                    .find(|b| b.kind == BlockKind::Enum && &b.name == name)
                    .expect("enum came from a block");
                let values: Vec<String> = def.values.iter().map(|(_, v)| quote_sql(v)).collect();
                enum_statements.push(vec![Line {
                    text: format!(
                        "CREATE TYPE {} AS ENUM ({});",
                        self.qualified(def.schema.as_deref(), &def.db_name),
                        values.join(", ")
                    ),
                    origin: block.pos,
                }]);
            }
        }
        let mut tables: Vec<Statement> = Vec::new();
        let mut indexes: Vec<Statement> = Vec::new();
        let mut foreign_keys: Vec<Statement> = Vec::new();
        for block in self.blocks.iter().filter(|b| b.kind == BlockKind::Model) {
            if let Some(schema) = self.block_schema(block)? {
                schemas.insert(schema);
            }
            let model = self.render_model(block)?;
            tables.push(model.table);
            indexes.extend(model.indexes);
            foreign_keys.extend(model.foreign_keys);
        }
        for join in self.implicit_many_to_many()? {
            tables.push(join.table);
            indexes.extend(join.indexes);
            foreign_keys.extend(join.foreign_keys);
        }
        let mut ddl = GeneratedDdl::new(self.files.iter().map(|(name, _)| name.clone()).collect());
        if dialect == Dialect::Postgres {
            for schema in schemas.iter().filter(|s| *s != "public") {
                ddl.push_line(
                    format!("CREATE SCHEMA IF NOT EXISTS {};", self.quote(schema)),
                    self.blocks[0].pos.into(),
                );
            }
        }
        for statement in enum_statements
            .into_iter()
            .chain(tables)
            .chain(indexes)
            .chain(foreign_keys)
        {
            for line in statement {
                ddl.push_line(line.text, line.origin.into());
            }
        }
        Ok(Rendered {
            dialect,
            ddl,
            notes: self.notes,
        })
    }
}

pub(super) fn datasource(files: &[(String, String)], blocks: &[Block]) -> Result<Datasource> {
    let mut found = blocks.iter().filter(|b| b.kind == BlockKind::Datasource);
    let Some(block) = found.next() else {
        return Err(Error::parse(
            &files[0].0,
            1,
            1,
            "no datasource block: add `datasource db { provider = \"postgresql\" }` (or mysql, sqlite)",
        ));
    };
    if let Some(second) = found.next() {
        return Err(error_at(
            files,
            second.pos,
            "only one datasource block is allowed",
        ));
    }
    let mut dialect = None;
    let mut schemas = None;
    let mut foreign_keys = true;
    for property in &block.properties {
        match property.name.as_str() {
            "provider" => {
                let provider = string_arg(files, &property.value, "provider")?;
                dialect = Some(provider_dialect(&provider).ok_or_else(|| {
                    error_at(
                        files,
                        property.value.pos(),
                        format!(
                            "provider `{provider}` is not one migen reads (postgresql, mysql, sqlite)"
                        ),
                    )
                })?);
            }
            "schemas" => {
                let Expr::Array(items, _) = &property.value else {
                    return Err(error_at(
                        files,
                        property.value.pos(),
                        "schemas is a list of strings",
                    ));
                };
                let names = items
                    .iter()
                    .map(|item| string_arg(files, item, "a schema name"))
                    .collect::<Result<Vec<_>>>()?;
                schemas = Some(names);
            }
            "relationMode" | "referentialIntegrity" => {
                let mode = string_arg(files, &property.value, &property.name)?;
                foreign_keys = match mode.as_str() {
                    "prisma" => false,
                    "foreignKeys" => true,
                    _ => {
                        return Err(error_at(
                            files,
                            property.value.pos(),
                            "relationMode is \"foreignKeys\" or \"prisma\"",
                        ));
                    }
                };
            }
            // Connection settings and extensions do not shape the tables.
            "url" | "directUrl" | "shadowDatabaseUrl" | "extensions" => {}
            other => {
                return Err(error_at(
                    files,
                    property.value.pos(),
                    format!("unknown datasource property `{other}`"),
                ));
            }
        }
    }
    let dialect = dialect.ok_or_else(|| {
        error_at(
            files,
            block.pos,
            "the datasource block has no provider (postgresql, mysql or sqlite)",
        )
    })?;
    if schemas.is_some() && dialect != Dialect::Postgres {
        return Err(error_at(
            files,
            block.pos,
            "`schemas` is supported on PostgreSQL only here",
        ));
    }
    Ok(Datasource {
        dialect,
        schemas,
        foreign_keys,
    })
}

/// An SQL string literal.
pub(super) fn quote_sql(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
