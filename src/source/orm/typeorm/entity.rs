//! Entity classes → tables, as TypeORM's metadata builder makes them: the table name, the
//! columns of the class and of the classes it extends (abstract bases across files included),
//! embedded objects flattened with their prefix, single-table inheritance, and the indexes,
//! unique constraints and checks declared on classes and properties. Relations are added by
//! `relations.rs` once every table exists.

use std::collections::HashSet;

use super::columns::{
    self, COLUMN_DECORATORS, Column, UNSUPPORTED_DECORATORS, expect_bool, expect_str, not_static,
};
use super::naming::Naming;
use super::relations::RelationDecl;
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Class, Decorator, Module, Node, Resolved, Sources, Value};

/// What the DataSource decides about every table.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub dialect: Dialect,
    /// `type: "mariadb"` (native `uuid`) rather than `"mysql"`.
    pub mariadb: bool,
    pub naming: Naming,
    /// `uuidExtension: "pgcrypto"`: uuids from `gen_random_uuid()`, no `uuid-ossp`.
    pub pgcrypto: bool,
}

impl Settings {
    pub(super) fn driver_name(&self) -> &'static str {
        match (self.dialect, self.mariadb) {
            (Dialect::Postgres, _) => "postgres",
            (Dialect::Mysql, true) => "mariadb",
            (Dialect::Mysql, false) => "mysql",
            (Dialect::Sqlite, _) => "sqlite",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub condition: Option<String>,
    pub pos: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unique {
    /// `None`: TypeORM's generated name, decided per dialect when the DDL is written.
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub pos: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Check {
    pub name: Option<String>,
    pub expression: String,
    pub pos: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub table: String,
    pub referenced: Vec<String>,
    pub on_delete: String,
    pub on_update: String,
    pub pos: Origin,
}

/// A declaration that names columns by property (`@Index(["email", "author"])`), resolved to
/// column names once relations have added their join columns.
#[derive(Debug, Clone)]
pub(super) struct PendingIndex {
    pub name: Option<String>,
    pub properties: Vec<(String, Origin)>,
    pub unique: bool,
    pub condition: Option<String>,
    pub pos: Origin,
    /// A `@Unique` (a constraint) rather than an `@Index`.
    pub constraint: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    /// The entity's class (the junction tables of many-to-many relations have none).
    pub class: Option<String>,
    pub module: usize,
    pub name: String,
    pub pos: Origin,
    pub columns: Vec<Column>,
    pub indices: Vec<Index>,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    pub pending: Vec<PendingIndex>,
    pub relations: Vec<RelationDecl>,
    /// A single-table-inheritance child stores its columns in its parent's table.
    pub sti_parent: Option<String>,
    pub discriminator: Option<String>,
    /// The single-table-inheritance children stored here (module, class).
    pub children: Vec<(usize, String)>,
}

impl Table {
    /// A table with no columns yet: an entity's (its class given) or a junction table's.
    pub(super) fn new(class: Option<String>, module: usize, name: String, pos: Origin) -> Table {
        Table {
            class,
            module,
            name,
            pos,
            columns: Vec::new(),
            indices: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            pending: Vec::new(),
            relations: Vec::new(),
            sti_parent: None,
            discriminator: None,
            children: Vec::new(),
        }
    }

    pub(super) fn column_by_property(&self, property: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.property == property)
    }

    pub(super) fn primary_columns(&self) -> Vec<&Column> {
        self.columns.iter().filter(|c| c.primary).collect()
    }

    fn push_column(&mut self, column: Column) {
        // A subclass redeclares a property: its declaration wins.
        match self
            .columns
            .iter_mut()
            .find(|c| c.property == column.property)
        {
            Some(existing) => *existing = column,
            None => self.columns.push(column),
        }
    }
}

/// The table of each entity class (`classes`: module and class name), in the order given.
pub(super) fn build_tables(
    sources: &Sources,
    settings: &Settings,
    classes: &[(usize, String)],
) -> Result<Vec<Table>> {
    let mut tables: Vec<Table> = Vec::new();
    let mut seen = HashSet::new();
    for (module, name) in classes {
        let Some(class) = sources.module(*module).class(name) else {
            continue;
        };
        if !seen.insert((*module, name.clone())) {
            continue;
        }
        if class.decorator("Entity").is_none() && class.decorator("ChildEntity").is_none() {
            continue;
        }
        if let Some(table) = entity_table(sources, settings, *module, class)? {
            tables.push(table);
        }
    }
    merge_single_table_children(sources, &mut tables)?;
    Ok(tables)
}

fn entity_table(
    sources: &Sources,
    settings: &Settings,
    module: usize,
    class: &Class,
) -> Result<Option<Table>> {
    for decorator in &class.decorators {
        if UNSUPPORTED_DECORATORS.contains(&decorator.short_name()) {
            return Err(not_static(
                sources,
                decorator.pos,
                format!("@{} is not read statically", decorator.short_name()),
            ));
        }
    }
    let mut given_name = None;
    if let Some(entity) = class.decorator("Entity") {
        match entity.args.first() {
            Some(node) if node.str().is_some() => given_name = node.str().map(str::to_string),
            Some(node) if node.is_object() => {
                if let Some(name) = node.get("name") {
                    given_name = Some(expect_str(sources, name, "name")?);
                }
                if node.get("synchronize").and_then(Node::boolean) == Some(false) {
                    return Ok(None);
                }
                // Tables in another schema or database are not modelled: say so, not guess.
                for key in ["schema", "database"] {
                    if let Some(value) = node.get(key) {
                        return Err(not_static(
                            sources,
                            value.pos,
                            format!("the entity option `{key}` is not read statically"),
                        ));
                    }
                }
            }
            Some(node) => {
                return Err(not_static(
                    sources,
                    node.pos,
                    format!("cannot read the entity options {}", node.describe()),
                ));
            }
            None => {}
        }
    }
    let name = settings
        .naming
        .table_name(&class.name, given_name.as_deref());
    let mut table = Table::new(Some(class.name.clone()), module, name, class.pos);
    // The classes it extends, the furthest first: TypeORM registers their columns first.
    let chain = inheritance_chain(sources, module, class)?;
    for (chain_module, chain_class) in &chain {
        if chain_class.name != class.name
            && chain_class.decorator("Entity").is_some()
            && chain_class.decorator("TableInheritance").is_some()
        {
            table.sti_parent = Some(chain_class.name.clone());
        }
        read_class_members(
            sources,
            settings,
            *chain_module,
            chain_class,
            &Embedding::default(),
            &mut table,
        )?;
    }
    if class.decorator("ChildEntity").is_some() && table.sti_parent.is_none() {
        return Err(sources.error(
            class.pos,
            format!(
                "@ChildEntity class `{}` extends no @Entity with @TableInheritance",
                class.name
            ),
        ));
    }
    if let Some(inheritance) = class.decorator("TableInheritance") {
        let options = inheritance.args.first();
        if let Some(pattern) = options.and_then(|o| o.get("pattern")).and_then(Node::str)
            && pattern != "STI"
        {
            return Err(not_static(
                sources,
                inheritance.pos,
                format!("table inheritance pattern {pattern:?} is not read statically"),
            ));
        }
        let column_options = options.and_then(|o| o.get("column"));
        let name = match column_options.and_then(|c| c.get("name")) {
            Some(node) => expect_str(sources, node, "name")?,
            None => "type".to_string(),
        };
        if table.column_by_property(&name).is_none() {
            let ty = match column_options.and_then(|c| c.get("type")) {
                Some(node) => expect_str(sources, node, "type")?,
                None => "varchar".to_string(),
            };
            let mut column = Column::new(&name, name.clone(), inheritance.pos, &ty);
            if let Some(length) = column_options
                .and_then(|c| c.get("length"))
                .and_then(Node::num)
            {
                column.length = Some(columns::js_number(length));
            }
            table.columns.push(column);
        }
        table.discriminator = Some(name);
    }
    Ok(Some(table))
}

/// `class` and the classes it extends, the furthest first. A base imported from a package
/// (`BaseEntity` from typeorm) adds no columns.
fn inheritance_chain<'s>(
    sources: &'s Sources,
    module: usize,
    class: &'s Class,
) -> Result<Vec<(usize, &'s Class)>> {
    let mut chain = vec![(module, class)];
    let (mut current_module, mut current) = (module, class);
    while let Some(base) = &current.extends {
        let Some(path) = base.path() else {
            return Err(not_static(
                sources,
                base.pos,
                format!("cannot follow `extends {}`", base.describe()),
            ));
        };
        match sources.resolve_path(current_module, &path) {
            Some(Resolved::Class(found_module, found)) => {
                if chain.len() > 64 {
                    return Err(sources.error(base.pos, "the classes extend each other in a loop"));
                }
                chain.push((found_module.file, found));
                current_module = found_module.file;
                current = found;
            }
            _ if imported_from_package(sources.module(current_module), &path) => break,
            _ => {
                return Err(sources.error(
                    base.pos,
                    format!(
                        "cannot find the class `{path}` that `{}` extends",
                        current.name
                    ),
                ));
            }
        }
    }
    chain.reverse();
    Ok(chain)
}

pub(super) fn imported_from_package(module: &Module, path: &str) -> bool {
    let head = path.split('.').next().unwrap_or(path);
    module
        .imports
        .iter()
        .any(|i| i.local == head && !i.source.starts_with('.'))
}

/// Where an embedded class's columns go: the column name prefixes, and the property path
/// (`shipping.street`) that tells two embeddings of one class apart.
#[derive(Debug, Clone, Default)]
struct Embedding {
    prefixes: Vec<String>,
    path: Vec<String>,
}

impl Embedding {
    fn property(&self, name: &str) -> String {
        let mut path = self.path.clone();
        path.push(name.to_string());
        path.join(".")
    }
}

/// The columns, relations, indexes, uniques and checks one class declares, below the given
/// embedding.
fn read_class_members(
    sources: &Sources,
    settings: &Settings,
    module: usize,
    class: &Class,
    embedding: &Embedding,
    table: &mut Table,
) -> Result<()> {
    let prefixes = &embedding.prefixes;
    for property in class.properties.iter().filter(|p| !p.is_static) {
        let mut column_decorators = property
            .decorators
            .iter()
            .filter(|d| COLUMN_DECORATORS.contains(&d.short_name()));
        if let Some(decorator) = column_decorators.next() {
            let embedded = decorator.short_name() == "Column"
                && decorator
                    .args
                    .first()
                    .is_some_and(|a| matches!(a.value, Value::Arrow(..)));
            if embedded {
                read_embedded(
                    sources, settings, module, property, decorator, embedding, table,
                )?;
            } else {
                let naming = settings.naming;
                let name =
                    |given: Option<&str>| naming.column_name(&property.name, given, prefixes);
                let mut column =
                    columns::read_column(sources, module, settings, property, decorator, &name)?;
                column.property = embedding.property(&property.name);
                if column.unique {
                    table.pending.push(PendingIndex {
                        name: None,
                        properties: vec![(embedding.property(&property.name), property.pos)],
                        unique: true,
                        condition: None,
                        pos: property.pos,
                        constraint: true,
                    });
                }
                table.push_column(column);
            }
        }
        for decorator in &property.decorators {
            match decorator.short_name() {
                "Index" => {
                    let mut pending = index_options(sources, decorator, &decorator.args)?;
                    pending.properties = vec![(embedding.property(&property.name), property.pos)];
                    table.pending.push(pending);
                }
                "ManyToOne" | "OneToOne" | "ManyToMany" | "OneToMany" => {
                    table
                        .relations
                        .push(RelationDecl::read(sources, module, property, decorator)?);
                }
                name if UNSUPPORTED_DECORATORS.contains(&name) => {
                    return Err(not_static(
                        sources,
                        decorator.pos,
                        format!("@{name} is not read statically"),
                    ));
                }
                _ => {}
            }
        }
    }
    for decorator in &class.decorators {
        match decorator.short_name() {
            "Index" => {
                let (properties, rest) = columns_argument(sources, decorator)?;
                let mut pending = index_options(sources, decorator, &rest)?;
                pending.properties = properties;
                table.pending.push(pending);
            }
            "Unique" => {
                let (properties, rest) = columns_argument(sources, decorator)?;
                let name = match rest.first() {
                    Some(node) => Some(expect_str(sources, node, "name")?),
                    None => None,
                };
                table.pending.push(PendingIndex {
                    name,
                    properties,
                    unique: true,
                    condition: None,
                    pos: decorator.pos,
                    constraint: true,
                });
            }
            "Check" => {
                let strings: Vec<String> = decorator
                    .args
                    .iter()
                    .map(|a| expect_str(sources, a, "check"))
                    .collect::<Result<_>>()?;
                let (name, expression) = match strings.as_slice() {
                    [expression] => (None, expression.clone()),
                    [name, expression] => (Some(name.clone()), expression.clone()),
                    _ => {
                        return Err(sources.error(
                            decorator.pos,
                            "@Check takes an expression, or a name and an expression",
                        ));
                    }
                };
                table.checks.push(Check {
                    name,
                    expression,
                    pos: decorator.pos,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// `@Column(() => Name, { prefix })`: the class's columns flattened into this table.
fn read_embedded(
    sources: &Sources,
    settings: &Settings,
    module: usize,
    property: &crate::source::orm::typescript::Property,
    decorator: &Decorator,
    outer: &Embedding,
    table: &mut Table,
) -> Result<()> {
    let target = decorator.args[0].returned().and_then(Node::path);
    let Some(Resolved::Class(found_module, found)) = target
        .as_deref()
        .and_then(|t| sources.resolve_path(module, t))
    else {
        return Err(sources.error(
            decorator.args[0].pos,
            format!(
                "cannot find the embedded class {}",
                decorator.args[0]
                    .returned()
                    .map_or_else(String::new, Node::describe)
            ),
        ));
    };
    let prefix = match decorator.args.get(1).and_then(|o| o.get("prefix")) {
        Some(Node {
            value: Value::Str(s),
            ..
        }) => Some(s.clone()),
        Some(Node {
            value: Value::Bool(false),
            ..
        }) => None,
        Some(node) if node.value == Value::Bool(true) => Some(property.name.clone()),
        Some(node) => {
            return Err(not_static(
                sources,
                node.pos,
                "`prefix` must be a string or false",
            ));
        }
        None => Some(property.name.clone()),
    };
    let mut inner = outer.clone();
    if let Some(prefix) = prefix.filter(|p| !p.is_empty()) {
        inner.prefixes.push(prefix);
    }
    inner.path.push(property.name.clone());
    for (chain_module, chain_class) in inheritance_chain(sources, found_module.file, found)? {
        read_class_members(sources, settings, chain_module, chain_class, &inner, table)?;
    }
    Ok(())
}

/// Property names with where each is written.
type PropertyList = Vec<(String, Origin)>;

/// The property names an `@Index`/`@Unique` on a class lists, and the arguments after them:
/// `(["a", "b"], options)`, `("name", ["a"], options)`.
fn columns_argument(sources: &Sources, decorator: &Decorator) -> Result<(PropertyList, Vec<Node>)> {
    let mut args = decorator.args.clone();
    let name = match args.first() {
        Some(first) if first.str().is_some() && args.len() >= 2 && args[1].items().is_some() => {
            Some(args.remove(0))
        }
        _ => None,
    };
    let Some(list) = args.first().and_then(Node::items).map(<[Node]>::to_vec) else {
        return Err(not_static(
            sources,
            decorator.pos,
            format!(
                "@{} on a class needs an array of property names",
                decorator.short_name()
            ),
        ));
    };
    args.remove(0);
    let properties = list
        .iter()
        .map(|n| expect_str(sources, n, "column").map(|s| (s, n.pos)))
        .collect::<Result<Vec<_>>>()?;
    // The name goes back first, as the index options reader expects it.
    if let Some(name) = name {
        args.insert(0, name);
    }
    Ok((properties, args))
}

/// `@Index(name?, options?)`'s name, `unique` and `where`.
fn index_options(sources: &Sources, decorator: &Decorator, args: &[Node]) -> Result<PendingIndex> {
    let mut pending = PendingIndex {
        name: None,
        properties: Vec::new(),
        unique: false,
        condition: None,
        pos: decorator.pos,
        constraint: false,
    };
    for arg in args {
        match &arg.value {
            Value::Str(name) => pending.name = Some(name.clone()),
            Value::Object(_) => {
                if let Some(unique) = arg.get("unique") {
                    pending.unique = expect_bool(sources, unique, "unique")?;
                }
                if let Some(condition) = arg.get("where") {
                    pending.condition = Some(expect_str(sources, condition, "where")?);
                }
                for key in ["spatial", "fulltext"] {
                    if arg.get(key).and_then(Node::boolean) == Some(true) {
                        return Err(not_static(
                            sources,
                            arg.pos,
                            format!("{key} indexes are not read statically"),
                        ));
                    }
                }
            }
            _ => {
                return Err(not_static(
                    sources,
                    arg.pos,
                    format!("cannot read the index argument {}", arg.describe()),
                ));
            }
        }
    }
    Ok(pending)
}

/// Single-table inheritance: each child's columns join its parent's table, nullable, and the
/// child's own table goes away.
fn merge_single_table_children(sources: &Sources, tables: &mut Vec<Table>) -> Result<()> {
    let children: Vec<usize> = (0..tables.len())
        .filter(|i| tables[*i].sti_parent.is_some())
        .collect();
    for &child in children.iter().rev() {
        let child_table = tables[child].clone();
        let parent_name = child_table.sti_parent.clone().unwrap_or_default();
        let Some(parent) = tables
            .iter()
            .position(|t| t.class.as_deref() == Some(parent_name.as_str()))
        else {
            return Err(sources.error(
                child_table.pos,
                format!("the parent entity `{parent_name}` is not among the entities"),
            ));
        };
        let parent_properties: HashSet<String> = tables[parent]
            .columns
            .iter()
            .map(|c| c.property.clone())
            .collect();
        for mut column in child_table.columns {
            if !parent_properties.contains(&column.property) {
                column.nullable = true;
                tables[parent].columns.push(column);
            }
        }
        if let Some(class) = child_table.class.clone() {
            tables[parent].children.push((child_table.module, class));
        }
        tables[parent].pending.extend(child_table.pending);
        tables[parent].checks.extend(child_table.checks);
        for relation in child_table.relations {
            if !tables[parent]
                .relations
                .iter()
                .any(|r| r.property == relation.property)
            {
                tables[parent].relations.push(relation);
            }
        }
    }
    let mut index = 0;
    tables.retain(|_| {
        let keep = !children.contains(&index);
        index += 1;
        keep
    });
    Ok(())
}
