//! The tables of the schema files: every `pgTable`/`mysqlTable`/`sqliteTable` (or
//! `pgSchema("x").table`) bound to a constant, its columns object (spreads of shared columns
//! and helpers inlined) and its extras callback (array since drizzle-orm 0.36, object
//! before): indexes, uniques, checks, primary and foreign keys, named as drizzle-kit names them.

use super::columns::{Column, chain};
use super::sql::Scope;
use super::{Core, Reader};
use crate::error::Result;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Node, Value};

#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    /// `pgSchema("x")`'s name; `None` is the default schema.
    pub schema: Option<String>,
    /// The module and the position of the table call: how references find it.
    pub module: usize,
    pub pos: Origin,
    /// The constant it is bound to.
    pub variable: String,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub uniques: Vec<Unique>,
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
}

#[derive(Debug, Clone)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    pub pos: Origin,
}

#[derive(Debug, Clone)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
    pub nulls_not_distinct: bool,
    pub pos: Origin,
}

#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    /// Each part as SQL: a quoted column with its order, or an expression.
    pub parts: Vec<String>,
    /// PostgreSQL's method (`btree` when not given).
    pub using: Option<String>,
    pub predicate: Option<String>,
    /// The parts as drizzle-kit's snapshot holds them.
    pub columns: Vec<IndexColumn>,
    /// The predicate as drizzle-kit's snapshot holds it: columns qualified by their table.
    pub snapshot_where: Option<String>,
    /// `.concurrently()`: only the statement changes, but the snapshot records it.
    pub concurrently: bool,
    pub pos: Origin,
}

/// One part of an index as drizzle-kit's snapshot holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexColumn {
    Column {
        name: String,
        descending: bool,
        nulls_first: bool,
        /// `.op("text_pattern_ops")`: PostgreSQL's operator class.
        opclass: Option<String>,
    },
    /// A sql`...` part, its columns unqualified.
    Expression(String),
}

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub expression: String,
    /// The expression as drizzle-kit's snapshot holds it: columns qualified by their table.
    pub snapshot: String,
    pub pos: Origin,
}

/// A foreign key, its target still as written (module, node of the target table or column).
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub module: usize,
    /// The target table's column nodes (`users.id`), resolved once all tables are read.
    pub targets: Vec<Node>,
    /// Filled when resolved: the target table's name, schema and columns.
    pub ref_table: String,
    pub ref_schema: Option<String>,
    pub ref_columns: Vec<String>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub pos: Origin,
}

impl Table {
    /// How drizzle's dialect writes a sql`...` template of this table for its snapshot
    /// (checks, index predicates, generated columns): each column qualified by its table, and
    /// the table by its schema.
    fn snapshot_scope<'s>(&'s self, names: Vec<&'s str>) -> Scope<'s> {
        Scope {
            names,
            columns: &self.columns,
            qualifier: Some(&self.name),
            schema: self.schema.as_deref(),
        }
    }
}

/// A table call: its core, its `pgSchema`'s name, its arguments, and the function of the
/// `pgTableCreator` (or mysql/sqlite one) that made its builder, in its module.
pub(super) struct TableCall<'n> {
    pub core: Core,
    pub schema: Option<String>,
    pub args: &'n [Node],
    pub creator: Option<(usize, Node)>,
}

impl Reader<'_> {
    /// Whether `node` (in `module`) is a table call.
    pub(super) fn table_call<'n>(&self, module: usize, node: &'n Node) -> Option<TableCall<'n>> {
        let Value::Call { callee, args, .. } = &node.value else {
            return None;
        };
        let path = callee.path()?;
        let call = |core, schema, creator| TableCall {
            core,
            schema,
            args,
            creator,
        };
        if let Some(builder) = self.builder(module, &path) {
            let core = match builder.as_str() {
                "pgTable" => Core::Pg,
                "mysqlTable" => Core::Mysql,
                "sqliteTable" => Core::Sqlite,
                _ => return None,
            };
            return Some(call(core, None, None));
        }
        // `table(...)` where `table = pgTableCreator((name) => ...)`.
        if let Some((m, value)) = self.constant(module, &path)
            && let Some((name, [function, ..])) = value.call()
        {
            let core = match self.builder(m, &name)?.as_str() {
                "pgTableCreator" => Core::Pg,
                "mysqlTableCreator" => Core::Mysql,
                "sqliteTableCreator" => Core::Sqlite,
                _ => return None,
            };
            return Some(call(core, None, Some((m, function.clone()))));
        }
        // `mySchema.table(...)` where `mySchema = pgSchema("x")`.
        let (object, "table") = path.rsplit_once('.')? else {
            return None;
        };
        let (m, value) = self.constant(module, object)?;
        let (name, [schema, ..]) = value.call()? else {
            return None;
        };
        let core = match self.builder(m, &name)?.as_str() {
            "pgSchema" => Core::Pg,
            "mysqlSchema" => Core::Mysql,
            _ => return None,
        };
        Some(call(core, schema.str().map(str::to_string), None))
    }

    /// The text of a string built from literals: a string, a template of strings, `a + b`.
    fn string_of(&self, module: usize, node: &Node) -> Option<String> {
        match &self.value(module, node).value {
            Value::Str(s) => Some(s.clone()),
            Value::Template {
                tag: None,
                quasis,
                exprs,
            } => {
                let mut text = String::new();
                for (index, part) in quasis.iter().enumerate() {
                    text.push_str(part);
                    if let Some(expr) = exprs.get(index) {
                        text.push_str(&self.string_of(module, expr)?);
                    }
                }
                Some(text)
            }
            Value::Binary(op, left, right) if op == "+" => {
                Some(self.string_of(module, left)? + &self.string_of(module, right)?)
            }
            _ => None,
        }
    }

    /// Read one table (`variable = <call>` in `module`).
    pub(super) fn table(
        &self,
        module: usize,
        variable: &str,
        call: &Node,
        table_call: TableCall,
    ) -> Result<Table> {
        let TableCall {
            schema,
            args,
            creator,
            ..
        } = table_call;
        let name_node = args
            .first()
            .ok_or_else(|| self.error(call.pos, "a table needs its name"))?;
        let mut name = self
            .value(module, name_node)
            .str()
            .map(str::to_string)
            .ok_or_else(|| self.error(name_node.pos, "the table name must be a string"))?;
        if let Some((m, function)) = creator {
            let literal = Node {
                value: Value::Str(name),
                pos: name_node.pos,
            };
            let made = self.apply(&function, &[literal]);
            name = self.string_of(m, &made).ok_or_else(|| {
                self.error(
                    function.pos,
                    "the table creator's function must build the name from strings to be read \
                     statically (`(name) => `app_${name}``)",
                )
            })?;
        }
        let columns_node = args
            .get(1)
            .ok_or_else(|| self.error(call.pos, format!("table `{name}` has no columns object")))?;
        let mut columns = Vec::new();
        self.columns(module, columns_node, &mut columns, 0)?;
        let mut table = Table {
            name,
            schema: schema.filter(|s| s != "public"),
            module,
            pos: call.pos,
            variable: variable.to_string(),
            columns,
            primary_key: None,
            uniques: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
        };
        // PostgreSQL names an identity's sequence `<table>_<column>_seq`; migen's model keeps
        // no other.
        for column in &table.columns {
            if let Some(options) = &column.identity_options
                && let Some(sequence) = &options.name
                && *sequence != format!("{}_{}_seq", table.name, column.name)
            {
                return Err(self.error(
                    options.pos,
                    format!(
                        "migen keeps an identity's startWith and increment only; its sequence \
                         must keep PostgreSQL's name `{}_{}_seq`",
                        table.name, column.name
                    ),
                ));
            }
        }
        // Generated expressions name the table's own columns.
        for index in 0..table.columns.len() {
            if let Some(generated) = table.columns[index].generated.clone() {
                let scope = Scope {
                    names: vec![variable],
                    columns: &table.columns,
                    qualifier: None,
                    schema: None,
                };
                let sql = self.sql_text(generated.module, &generated.expression, &scope)?;
                let scope = table.snapshot_scope(vec![variable]);
                let snapshot_sql =
                    self.sql_text(generated.module, &generated.expression, &scope)?;
                if let Some(g) = table.columns[index].generated.as_mut() {
                    g.sql = sql;
                    g.snapshot_sql = snapshot_sql;
                }
            }
        }
        if let Some(extras) = args.get(2) {
            self.extras(module, extras, &mut table)?;
        }
        Ok(table)
    }

    /// The columns of a columns object, spreads inlined.
    pub(super) fn columns(
        &self,
        module: usize,
        node: &Node,
        out: &mut Vec<Column>,
        depth: usize,
    ) -> Result<()> {
        if depth > 16 {
            return Err(self.error(node.pos, "column spreads nest too deeply to read"));
        }
        match &node.value {
            Value::Object(props) => {
                for (key, value) in props {
                    if key == "..." {
                        let (m, spread) = self.spread(module, value)?;
                        self.columns(m, &spread, out, depth + 1)?;
                        continue;
                    }
                    let column = self.column(module, key, value)?;
                    // A later key replaces an earlier one, as in the object itself.
                    out.retain(|c| c.key != column.key);
                    out.push(column);
                }
                Ok(())
            }
            // `pgTable("t", (t) => ({ id: t.integer() }))`: the parameter is drizzle's builders.
            Value::Arrow(params, body) => {
                let builders = Node {
                    value: Value::Ident(super::COLUMN_BUILDERS.to_string()),
                    pos: node.pos,
                };
                let body = match params.first() {
                    Some(param) => super::substitute(body, &[(param.as_str(), &builders)]),
                    None => (**body).clone(),
                };
                self.columns(module, &body, out, depth + 1)
            }
            _ => {
                let (m, value) = self.spread(module, node)?;
                if value.value == node.value {
                    return Err(self.error(
                        node.pos,
                        format!("{} is not a columns object", node.describe()),
                    ));
                }
                self.columns(m, &value, out, depth + 1)
            }
        }
    }

    /// What a spread (`...timestamps`, `...idColumns()`) stands for, and the module it is in.
    fn spread(&self, module: usize, node: &Node) -> Result<(usize, Node)> {
        match &node.value {
            Value::Ident(name) => self.constant(module, name).ok_or_else(|| {
                self.error(
                    node.pos,
                    format!("`{name}` cannot be resolved statically (no constant of that name)"),
                )
            }),
            Value::Call { callee, args, .. } => match self.resolve_const(module, callee) {
                Some((m, function)) if matches!(function.value, Value::Arrow(..)) => {
                    Ok((m, self.apply(function, args)))
                }
                _ => Err(self.error(
                    node.pos,
                    format!(
                        "{} cannot be resolved statically (not a helper returning columns)",
                        node.describe()
                    ),
                )),
            },
            Value::Object(_) => Ok((module, node.clone())),
            _ => Err(self.error(
                node.pos,
                format!("{} cannot be resolved statically", node.describe()),
            )),
        }
    }

    /// The extras callback: `(t) => [...]`, `(t) => ({...})`.
    fn extras(&self, module: usize, node: &Node, table: &mut Table) -> Result<()> {
        let Value::Arrow(params, body) = &node.value else {
            return Err(self.error(
                node.pos,
                "the table's third argument must be a function of the table",
            ));
        };
        let param = params.first().cloned().unwrap_or_default();
        let items: Vec<&Node> = match &body.value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(props) => props.iter().map(|(_, v)| v).collect(),
            _ => {
                return Err(self.error(
                    body.pos,
                    "the extras function must return an array or an object",
                ));
            }
        };
        for item in items {
            self.extra(module, &param, item, table)?;
        }
        Ok(())
    }

    fn extra(&self, module: usize, param: &str, item: &Node, table: &mut Table) -> Result<()> {
        let chain = chain(item);
        let Some((base, base_args)) = chain.base.call() else {
            return Err(self.error(
                item.pos,
                format!("{} is not an index or constraint", item.describe()),
            ));
        };
        let kind = self.builder(module, &base).unwrap_or(base.clone());
        let names = vec![param, table.variable.as_str()];
        let first_name = base_args
            .first()
            .and_then(|a| self.value(module, a).str().map(str::to_string));
        match kind.as_str() {
            "index" | "uniqueIndex" => {
                let mut index = Index {
                    name: first_name.unwrap_or_default(),
                    unique: kind == "uniqueIndex",
                    parts: Vec::new(),
                    using: None,
                    predicate: None,
                    columns: Vec::new(),
                    snapshot_where: None,
                    concurrently: false,
                    pos: item.pos,
                };
                let mut keys = Vec::new();
                for (method, args, pos) in &chain.methods {
                    match *method {
                        "on" | "onOnly" => {
                            for arg in *args {
                                let (part, key, column) =
                                    self.index_part(module, arg, &names, table)?;
                                index.parts.push(part);
                                index.columns.push(column);
                                keys.extend(key);
                            }
                        }
                        "using" => {
                            let method = args.first().and_then(|a| a.str()).ok_or_else(|| {
                                self.error(*pos, ".using() needs the method name")
                            })?;
                            index.using = Some(method.to_string());
                            for arg in &args[1..] {
                                let (part, key, column) =
                                    self.index_part(module, arg, &names, table)?;
                                index.parts.push(part);
                                index.columns.push(column);
                                keys.extend(key);
                            }
                        }
                        "where" if self.core == Core::Mysql => {
                            return Err(self.error(
                                *pos,
                                "MySQL has no partial indexes (drizzle's mysql-core index has no `.where()`)",
                            ));
                        }
                        "with" => {
                            return Err(self.error(
                                *pos,
                                "migen's model keeps no index storage parameters, so `.with()` \
                                 cannot be read; set them outside the schema",
                            ));
                        }
                        "where" => {
                            let scope = Scope {
                                names: names.clone(),
                                columns: &table.columns,
                                qualifier: self.kept_qualifier(&table.name),
                                schema: None,
                            };
                            let arg = args.first().ok_or_else(|| {
                                self.error(*pos, ".where() needs a sql`...` condition")
                            })?;
                            index.predicate = Some(self.sql_text(module, arg, &scope)?);
                            let scope = table.snapshot_scope(names.clone());
                            index.snapshot_where = Some(self.sql_text(module, arg, &scope)?);
                        }
                        // Applied by drizzle-kit to the statement only, not the index.
                        "concurrently" => index.concurrently = true,
                        other => {
                            return Err(
                                self.error(*pos, format!("unknown index method `.{other}()`"))
                            );
                        }
                    }
                }
                if index.name.is_empty() {
                    if self.core != Core::Pg || keys.len() != index.parts.len() {
                        return Err(self.error(item.pos, "this index needs a name"));
                    }
                    // drizzle-kit's `indexName` for an unnamed PostgreSQL index.
                    index.name = format!("{}_{}_index", table.name, keys.join("_"));
                }
                table.indexes.push(index);
            }
            "unique" => {
                let mut columns = Vec::new();
                let mut nulls_not_distinct = false;
                for (method, args, pos) in &chain.methods {
                    match *method {
                        "on" => {
                            for arg in *args {
                                columns.push(self.column_ref(module, arg, &names, table)?);
                            }
                        }
                        "nullsNotDistinct" => nulls_not_distinct = true,
                        other => {
                            return Err(
                                self.error(*pos, format!("unknown unique method `.{other}()`"))
                            );
                        }
                    }
                }
                // drizzle-orm names an unnamed unique constraint after the columns' names as
                // written, before `casing` applies (`users_firstName_unique`).
                let written = given_names(table, &columns);
                let name = first_name
                    .unwrap_or_else(|| format!("{}_{}_unique", table.name, written.join("_")));
                table.uniques.push(Unique {
                    name,
                    columns,
                    nulls_not_distinct,
                    pos: item.pos,
                });
            }
            "check" => {
                let name =
                    first_name.ok_or_else(|| self.error(item.pos, "check() needs a name"))?;
                let expression = base_args
                    .get(1)
                    .ok_or_else(|| self.error(item.pos, "check() needs a sql`...` condition"))?;
                let scope = Scope {
                    names: names.clone(),
                    columns: &table.columns,
                    qualifier: self.kept_qualifier(&table.name),
                    schema: None,
                };
                let sql = self.sql_text(module, expression, &scope)?;
                let snapshot = self.sql_text(module, expression, &table.snapshot_scope(names))?;
                table.checks.push(Check {
                    name,
                    expression: sql,
                    snapshot,
                    pos: item.pos,
                });
            }
            "primaryKey" => {
                let config = base_args.first().map(|a| self.value(module, a));
                let (column_nodes, name): (Vec<Node>, Option<String>) = match &config {
                    Some(c) if c.is_object() => (
                        c.get("columns")
                            .and_then(Node::items)
                            .map(<[Node]>::to_vec)
                            .unwrap_or_default(),
                        c.get("name").and_then(|n| n.str().map(str::to_string)),
                    ),
                    // The older form: `primaryKey(t.a, t.b)`.
                    _ => (base_args.to_vec(), None),
                };
                let mut columns = Vec::new();
                for node in &column_nodes {
                    columns.push(self.column_ref(module, node, &names, table)?);
                }
                let name = name.unwrap_or_else(|| {
                    // drizzle-orm's name is made of the columns' names as written; drizzle-kit
                    // then replaces the first occurrence of each with its cased name.
                    let written = given_names(table, &columns);
                    let name = format!("{}_{}_pk", table.name, written.join("_"));
                    super::cased_name(name, &written, &columns)
                });
                table.primary_key = Some(PrimaryKey {
                    name,
                    columns,
                    pos: item.pos,
                });
            }
            "foreignKey" => {
                let config = base_args
                    .first()
                    .map(|a| self.value(module, a))
                    .filter(Node::is_object)
                    .ok_or_else(|| {
                        self.error(item.pos, "foreignKey() needs { columns, foreignColumns }")
                    })?;
                let list = |key: &str| {
                    config
                        .get(key)
                        .and_then(Node::items)
                        .map(<[Node]>::to_vec)
                        .ok_or_else(|| self.error(item.pos, format!("foreignKey() needs `{key}`")))
                };
                let mut columns = Vec::new();
                for node in &list("columns")? {
                    columns.push(self.column_ref(module, node, &names, table)?);
                }
                let mut fk = ForeignKey {
                    name: config.get("name").and_then(|n| n.str().map(str::to_string)),
                    columns,
                    module,
                    // `t.id` in the table's own callback is the table itself.
                    targets: list("foreignColumns")?
                        .iter()
                        .map(|n| own_table(n, param, &table.variable))
                        .collect(),
                    ref_table: String::new(),
                    ref_schema: None,
                    ref_columns: Vec::new(),
                    on_delete: None,
                    on_update: None,
                    pos: item.pos,
                };
                for (method, args, pos) in &chain.methods {
                    let action = args
                        .first()
                        .and_then(|a| a.str())
                        .map(str::to_string)
                        .ok_or_else(|| self.error(*pos, format!(".{method}() needs an action")));
                    match *method {
                        "onDelete" => fk.on_delete = Some(action?),
                        "onUpdate" => fk.on_update = Some(action?),
                        other => {
                            return Err(self
                                .error(*pos, format!("unknown foreign key method `.{other}()`")));
                        }
                    }
                }
                table.foreign_keys.push(fk);
            }
            other => {
                return Err(self.error(
                    item.pos,
                    format!("`{other}` is not a drizzle index or constraint"),
                ));
            }
        }
        Ok(())
    }

    /// drizzle-kit qualifies the columns of checks and index predicates (`"users"."age"`);
    /// PostgreSQL and MySQL drop the qualifier when they store the expression, SQLite keeps
    /// the text as written. The expression is read as the database holds it.
    fn kept_qualifier<'t>(&self, table: &'t str) -> Option<&'t str> {
        (self.core == Core::Sqlite).then_some(table)
    }

    /// `t.email` as the column's name.
    fn column_ref(
        &self,
        module: usize,
        node: &Node,
        names: &[&str],
        table: &Table,
    ) -> Result<String> {
        let _ = module;
        if let Value::Member(object, key) = &node.value
            && let Value::Ident(name) = &object.value
            && names.contains(&name.as_str())
        {
            return table
                .columns
                .iter()
                .find(|c| &c.key == key)
                .map(|c| c.name.clone())
                .ok_or_else(|| {
                    self.error(
                        node.pos,
                        format!("table `{}` has no column `{key}`", table.name),
                    )
                });
        }
        Err(self.error(
            node.pos,
            format!(
                "{} is not a column of table `{}`",
                node.describe(),
                table.name
            ),
        ))
    }

    /// One part of an index: a column (with `.asc()`, `.desc()`, `.nullsFirst()`,
    /// `.nullsLast()`), or a sql`...` expression. The column's name comes back too, for a
    /// default index name.
    fn index_part(
        &self,
        module: usize,
        node: &Node,
        names: &[&str],
        table: &Table,
    ) -> Result<(String, Option<String>, IndexColumn)> {
        if let Value::Template { .. } = node.value {
            let scope = Scope {
                names: names.to_vec(),
                columns: &table.columns,
                qualifier: None,
                schema: None,
            };
            let sql = self.sql_text(module, node, &scope)?;
            return Ok((format!("({sql})"), None, IndexColumn::Expression(sql)));
        }
        let mut current = node;
        let mut methods = Vec::new();
        while let Value::Call { callee, args, .. } = &current.value
            && let Value::Member(object, method) = &callee.value
        {
            methods.push((method.as_str(), args.as_slice(), callee.pos));
            current = object;
        }
        // drizzle-orm's index column config: ascending, nulls last unless told.
        let mut descending = false;
        let mut nulls_first = false;
        let mut opclass = None;
        for (method, args, pos) in methods.into_iter().rev() {
            match method {
                "op" if self.core == Core::Pg => {
                    let name = args
                        .first()
                        .map(|a| self.value(module, a))
                        .and_then(|a| a.str().map(str::to_string))
                        .ok_or_else(|| self.error(pos, ".op() needs the operator class's name"))?;
                    opclass = Some(name);
                }
                "asc" => descending = false,
                "desc" => descending = true,
                "nullsFirst" => nulls_first = true,
                "nullsLast" => nulls_first = false,
                other => {
                    return Err(
                        self.error(pos, format!("unknown index column method `.{other}()`"))
                    );
                }
            }
        }
        let name = self.column_ref(module, current, names, table)?;
        let mut part = self.core.quote(&name);
        if let Some(opclass) = &opclass {
            part.push(' ');
            part.push_str(opclass);
        }
        // drizzle-kit keeps the order of index columns on PostgreSQL only, where it writes
        // `DESC` and the nulls' place unless both are the default, and neither after an
        // operator class.
        if self.core == Core::Pg && opclass.is_none() && (descending || nulls_first) {
            if descending {
                part.push_str(" DESC");
            }
            part.push_str(if nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
        let column = IndexColumn::Column {
            name: name.clone(),
            descending,
            nulls_first,
            opclass,
        };
        Ok((part, Some(name), column))
    }
}

/// `param.key` rewritten as `variable.key`, so a self-reference resolves like any other.
fn own_table(node: &Node, param: &str, variable: &str) -> Node {
    match &node.value {
        Value::Member(object, key) if matches!(&object.value, Value::Ident(n) if n == param) => {
            Node {
                value: Value::Member(
                    Box::new(Node {
                        value: Value::Ident(variable.to_string()),
                        pos: object.pos,
                    }),
                    key.clone(),
                ),
                pos: node.pos,
            }
        }
        _ => node.clone(),
    }
}

/// The names `columns` (database names of `table`'s columns) were written with, before
/// `casing` applied.
pub(super) fn given_names(table: &Table, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|name| {
            table
                .columns
                .iter()
                .find(|c| &c.name == name)
                .map_or_else(|| name.clone(), |c| c.given_name.clone())
        })
        .collect()
}
