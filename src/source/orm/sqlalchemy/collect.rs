//! From the models to tables: every file's statements into the `World`, then each mapped
//! class and `Table(...)` call into a `Table` in definition order, with foreign keys resolved.

use std::collections::{BTreeSet, HashMap};

use super::models::{Class, Column, Table, World};
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::python::syntax::{self, Expr, Stmt, kwarg, positional};

pub(super) fn collect(
    files: &[(String, String)],
    dialect: Dialect,
) -> Result<(Vec<Table>, Vec<String>)> {
    let mut world = World {
        files,
        dialect,
        assigns: HashMap::new(),
        classes: HashMap::new(),
        class_order: Vec::new(),
        notes: Vec::new(),
    };
    // Tables come in definition order: declarative classes and `Table(...)` calls alike.
    enum Def {
        Class(String),
        Table(Expr),
    }
    let mut defs = Vec::new();
    for index in 0..files.len() {
        for stmt in syntax::module(files, index)? {
            match stmt {
                Stmt::Class {
                    name,
                    bases,
                    body,
                    pos,
                } => {
                    let bases = bases
                        .into_iter()
                        .filter(|a| a.name.is_none())
                        .map(|a| a.value)
                        .collect();
                    world.class_order.push(name.clone());
                    defs.push(Def::Class(name.clone()));
                    world
                        .classes
                        .insert(name.clone(), Class { bases, body, pos });
                }
                Stmt::Assign {
                    target: Expr::Name(name, _),
                    value: Some(value),
                    ..
                } => {
                    if let Some(("Table", _)) = value.call() {
                        defs.push(Def::Table(value.clone()));
                    }
                    world.assigns.insert(name, value);
                }
                Stmt::Expr(e) if matches!(e.call(), Some(("Table", _))) => {
                    defs.push(Def::Table(e));
                }
                _ => {}
            }
        }
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut table_of_class: HashMap<String, usize> = HashMap::new();
    for def in defs {
        match def {
            Def::Class(name) => {
                let Some(root) = world.root_of(&name, &mut BTreeSet::new()) else {
                    continue;
                };
                if root == name || world.is_abstract(&name) {
                    continue;
                }
                let mut bases = Vec::new();
                world.linear_bases(&name, &mut bases);
                let parent = bases.iter().find_map(|b| table_of_class.get(b).copied());
                let Some((tablename, pos)) = world.own_tablename(&name)? else {
                    // Single-table inheritance: the subclass's columns join its parent's table.
                    if let Some(parent) = parent {
                        let mut extra = tables[parent].clone();
                        extra.columns.clear();
                        extra.foreign_keys.clear();
                        extra.constraints.clear();
                        world.class_columns(&name, &root, &mut extra)?;
                        let t = &mut tables[parent];
                        t.columns.extend(extra.columns);
                        t.foreign_keys.extend(extra.foreign_keys);
                        table_of_class.insert(name, parent);
                    } else {
                        let class = &world.classes[&name];
                        world.notes.push(format!(
                            "{}:{}: class {name} has no __tablename__ and no mapped parent; it makes no table",
                            files[class.pos.file].0, class.pos.line
                        ));
                    }
                    continue;
                };
                let (convention, schema) = world.metadata_settings(world.root_metadata(&root))?;
                let mut table = Table {
                    name: tablename,
                    schema,
                    columns: Vec::new(),
                    foreign_keys: Vec::new(),
                    constraints: Vec::new(),
                    convention,
                    sqlite_autoincrement: false,
                    comment: None,
                    pos,
                };
                // Columns of mixins and abstract bases are copied into every table; a mapped
                // parent keeps its own (joined-table inheritance).
                let mut sources: Vec<String> = bases
                    .iter()
                    .filter(|b| !table_of_class.contains_key(*b))
                    .cloned()
                    .collect();
                sources.push(name.clone());
                for source in &sources {
                    world.class_columns(source, &root, &mut table)?;
                }
                // SQLAlchemy orders a table's columns by creation, i.e. by source position.
                table
                    .columns
                    .sort_by_key(|c| (c.pos.file, c.pos.line, c.pos.column));
                let mut dedup: Vec<Column> = Vec::new();
                for column in table.columns.drain(..).rev() {
                    if !dedup.iter().any(|c| c.key == column.key) {
                        dedup.push(column);
                    }
                }
                dedup.reverse();
                table.columns = dedup;
                let args = std::iter::once(name.as_str())
                    .chain(bases.iter().map(String::as_str))
                    .find_map(|c| world.class_assign(c, "__table_args__"))
                    .cloned();
                if let Some(args) = args {
                    match world.resolve(&args) {
                        Expr::Tuple(items, _) | Expr::List(items, _) => {
                            for item in items {
                                world.table_item(item, &mut table)?;
                            }
                        }
                        Expr::Dict(..) => world.table_item(&args, &mut table)?,
                        other => {
                            return Err(world.err(
                                other.pos(),
                                format!("{name}.__table_args__ is {}, which migen cannot resolve statically (use the exact mode)", other.describe()),
                            ));
                        }
                    }
                }
                table_of_class.insert(name, tables.len());
                tables.push(table);
            }
            Def::Table(call) => {
                let Expr::Call(_, args, pos, _) = &call else {
                    continue;
                };
                let mut iter = positional(args);
                let name = iter
                    .next()
                    .map(|e| world.string(e, "a Table name"))
                    .transpose()?
                    .ok_or_else(|| world.err(*pos, "Table needs a name"))?;
                let meta = iter.next();
                let meta_call = match meta {
                    Some(Expr::Attr(base, attr, ..)) if attr == "metadata" => base
                        .tail()
                        .and_then(|b| world.root_of(b, &mut BTreeSet::new()))
                        .and_then(|root| world.root_metadata(&root)),
                    Some(other) => Some(world.resolve(other)),
                    None => None,
                };
                let (convention, schema) = world.metadata_settings(meta_call)?;
                let mut table = Table {
                    name,
                    schema,
                    columns: Vec::new(),
                    foreign_keys: Vec::new(),
                    constraints: Vec::new(),
                    convention,
                    sqlite_autoincrement: false,
                    comment: None,
                    pos: *pos,
                };
                for arg in args.iter().filter(|a| a.name.is_none()).skip(2) {
                    if arg.star {
                        return Err(world.err(
                            arg.value.pos(),
                            "Table(..., *items): the items are not known statically (use the exact mode)",
                        ));
                    }
                    world.table_item(&arg.value, &mut table)?;
                }
                if let Some(s) = kwarg(args, "schema") {
                    table.schema = Some(world.string(s, "schema")?);
                }
                if let Some(v) = kwarg(args, "sqlite_autoincrement") {
                    table.sqlite_autoincrement = v.boolean().unwrap_or(false);
                }
                if let Some(comment) = world.comment(args)? {
                    table.comment = Some(comment);
                }
                tables.push(table);
            }
        }
    }
    // Foreign keys name their targets as "table.column" or Class.attribute.
    let class_tables: HashMap<String, (String, Vec<(String, String)>)> = table_of_class
        .iter()
        .map(|(class, &i)| {
            let t = &tables[i];
            (
                class.clone(),
                (
                    t.name.clone(),
                    t.columns
                        .iter()
                        .map(|c| (c.key.clone(), c.name.clone()))
                        .collect(),
                ),
            )
        })
        .collect();
    let mut resolved: Vec<Vec<ResolvedFk>> = Vec::new();
    for table in &tables {
        let mut list = Vec::new();
        for fk in &table.foreign_keys {
            let mut target_table: Option<(Option<String>, String)> = None;
            let mut target_columns = Vec::new();
            for target in &fk.targets {
                let (schema, tname, column) = match world.resolve(target) {
                    Expr::Str(s, _) => {
                        let parts: Vec<&str> = s.split('.').collect();
                        match parts.as_slice() {
                            [t, c] => (None, t.to_string(), c.to_string()),
                            [s, t, c] => (Some(s.to_string()), t.to_string(), c.to_string()),
                            _ => {
                                return Err(world.err(
                                    target.pos(),
                                    format!("ForeignKey target {s:?} is not table.column"),
                                ));
                            }
                        }
                    }
                    Expr::Attr(base, attr, ..)
                        if base.tail().is_some_and(|b| class_tables.contains_key(b)) =>
                    {
                        let (t, cols) = &class_tables[base.tail().unwrap()];
                        let column = cols
                            .iter()
                            .find(|(k, _)| k == attr)
                            .map(|(_, n)| n.clone())
                            .unwrap_or_else(|| attr.clone());
                        (None, t.clone(), column)
                    }
                    other => {
                        return Err(world.err(
                            other.pos(),
                            format!(
                                "ForeignKey target {} cannot be resolved statically",
                                other.describe()
                            ),
                        ));
                    }
                };
                let schema = schema.or_else(|| {
                    tables
                        .iter()
                        .find(|t| t.name == tname)
                        .and_then(|t| t.schema.clone())
                });
                target_table = Some((schema, tname));
                target_columns.push(column);
            }
            let (schema, tname) = target_table.unwrap();
            list.push(ResolvedFk {
                schema,
                table: tname,
                columns: target_columns,
            });
        }
        resolved.push(list);
    }
    // A column without a type takes its foreign key target's.
    for ti in 0..tables.len() {
        for ci in 0..tables[ti].columns.len() {
            if tables[ti].columns[ci].ty.is_some() {
                continue;
            }
            let cname = tables[ti].columns[ci].name.clone();
            let found = tables[ti]
                .foreign_keys
                .iter()
                .zip(&resolved[ti])
                .find_map(|(fk, r)| {
                    let at = fk.columns.iter().position(|c| *c == cname)?;
                    let target = tables.iter().find(|t| t.name == r.table)?;
                    target
                        .columns
                        .iter()
                        .find(|c| c.name == r.columns[at])
                        .and_then(|c| c.ty.clone())
                });
            match found {
                Some(ty) => tables[ti].columns[ci].ty = Some(ty),
                None => {
                    return Err(world.err(
                        tables[ti].columns[ci].pos,
                        format!("column `{cname}` has no type migen can find"),
                    ));
                }
            }
        }
    }
    for (table, fks) in tables.iter_mut().zip(resolved) {
        for (fk, r) in table.foreign_keys.iter_mut().zip(fks) {
            fk.targets = vec![Expr::Str(
                serde_json::json!([r.schema, r.table, r.columns]).to_string(),
                fk.pos,
            )];
        }
    }
    Ok((tables, world.notes))
}

struct ResolvedFk {
    schema: Option<String>,
    table: String,
    columns: Vec<String>,
}
