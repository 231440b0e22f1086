//! Relations as TypeORM builds them: the join column a many-to-one or owning one-to-one adds
//! (named by the naming strategy, typed like the column it references, nullable unless told),
//! its foreign key, the one-to-one's `REL_` unique constraint, and the junction table of an
//! owning many-to-many (`JunctionEntityMetadataBuilder`). The indexes and uniques that name
//! properties are resolved here too, once every join column exists.

use std::collections::HashMap;

use super::columns::{Column, Generation, expect_bool, expect_str, not_static};
use super::entity::{ForeignKey, Index, Settings, Table, Unique};
use super::naming;
use super::types::normalized_type;
use crate::error::Result;
use crate::model::Dialect;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Decorator, Node, Property, Resolved, Sources, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    ManyToOne,
    OneToOne,
    ManyToMany,
    OneToMany,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct JoinColumnDecl {
    pub name: Option<String>,
    pub referenced: Option<String>,
    pub foreign_key_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct JoinTableDecl {
    pub name: Option<String>,
    pub join_columns: Vec<JoinColumnDecl>,
    pub inverse_join_columns: Vec<JoinColumnDecl>,
}

/// A relation decorator on a property, with its `@JoinColumn`/`@JoinTable`.
#[derive(Debug, Clone)]
pub(super) struct RelationDecl {
    pub kind: Kind,
    pub property: String,
    pub pos: Origin,
    pub module: usize,
    /// `() => User` or `"User"`.
    pub target: Node,
    /// The inverse side's property (`(user) => user.posts` gives `posts`).
    pub inverse: Option<String>,
    pub nullable: bool,
    pub primary: bool,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub foreign_keys: bool,
    pub join_columns: Option<Vec<JoinColumnDecl>>,
    pub join_table: Option<JoinTableDecl>,
}

impl RelationDecl {
    pub(super) fn read(
        sources: &Sources,
        module: usize,
        property: &Property,
        decorator: &Decorator,
    ) -> Result<RelationDecl> {
        let kind = match decorator.short_name() {
            "ManyToOne" => Kind::ManyToOne,
            "OneToOne" => Kind::OneToOne,
            "ManyToMany" => Kind::ManyToMany,
            _ => Kind::OneToMany,
        };
        let Some(target) = decorator.args.first().cloned() else {
            return Err(sources.error(
                decorator.pos,
                format!("@{} needs the related entity", decorator.short_name()),
            ));
        };
        let mut relation = RelationDecl {
            kind,
            property: property.name.clone(),
            pos: property.pos,
            module,
            target,
            inverse: None,
            nullable: true,
            primary: false,
            on_delete: None,
            on_update: None,
            foreign_keys: true,
            join_columns: None,
            join_table: None,
        };
        for arg in &decorator.args[1..] {
            match &arg.value {
                Value::Arrow(_, body) => {
                    relation.inverse = match &body.value {
                        Value::Member(_, name) => Some(name.clone()),
                        _ => None,
                    };
                }
                Value::Str(name) => relation.inverse = Some(name.clone()),
                Value::Object(_) => {
                    if let Some(node) = arg.get("nullable") {
                        relation.nullable = expect_bool(sources, node, "nullable")?;
                    }
                    if let Some(node) = arg.get("primary") {
                        relation.primary = expect_bool(sources, node, "primary")?;
                    }
                    if let Some(node) = arg.get("onDelete") {
                        relation.on_delete = Some(expect_str(sources, node, "onDelete")?);
                    }
                    if let Some(node) = arg.get("onUpdate") {
                        relation.on_update = Some(expect_str(sources, node, "onUpdate")?);
                    }
                    if let Some(node) = arg.get("createForeignKeyConstraints") {
                        relation.foreign_keys =
                            expect_bool(sources, node, "createForeignKeyConstraints")?;
                    }
                }
                _ => {
                    return Err(not_static(
                        sources,
                        arg.pos,
                        format!("cannot read the relation argument {}", arg.describe()),
                    ));
                }
            }
        }
        if relation.primary {
            relation.nullable = false;
        }
        for other in &property.decorators {
            match other.short_name() {
                "JoinColumn" => {
                    relation.join_columns = Some(match other.args.first() {
                        None => vec![JoinColumnDecl {
                            name: None,
                            referenced: None,
                            foreign_key_name: None,
                        }],
                        Some(Node {
                            value: Value::Array(items),
                            ..
                        }) => items
                            .iter()
                            .map(|item| join_column(sources, item))
                            .collect::<Result<_>>()?,
                        Some(item) => vec![join_column(sources, item)?],
                    });
                }
                "JoinTable" => {
                    let options = other.args.first();
                    let list = |key: &str| -> Result<Vec<JoinColumnDecl>> {
                        match options.and_then(|o| o.get(key)) {
                            None => Ok(Vec::new()),
                            Some(Node {
                                value: Value::Array(items),
                                ..
                            }) => items.iter().map(|i| join_column(sources, i)).collect(),
                            Some(item) => Ok(vec![join_column(sources, item)?]),
                        }
                    };
                    relation.join_table = Some(JoinTableDecl {
                        name: match options.and_then(|o| o.get("name")) {
                            Some(node) => Some(expect_str(sources, node, "name")?),
                            None => None,
                        },
                        join_columns: list("joinColumn").and_then(|mut a| {
                            a.extend(list("joinColumns")?);
                            Ok(a)
                        })?,
                        inverse_join_columns: list("inverseJoinColumn").and_then(|mut a| {
                            a.extend(list("inverseJoinColumns")?);
                            Ok(a)
                        })?,
                    });
                }
                _ => {}
            }
        }
        Ok(relation)
    }

    /// Whether this side holds the join column(s).
    fn owns_join_columns(&self) -> bool {
        self.kind == Kind::ManyToOne || (self.kind == Kind::OneToOne && self.join_columns.is_some())
    }
}

fn join_column(sources: &Sources, node: &Node) -> Result<JoinColumnDecl> {
    if !node.is_object() {
        return Err(not_static(
            sources,
            node.pos,
            format!("cannot read the join column options {}", node.describe()),
        ));
    }
    let text = |key: &str| -> Result<Option<String>> {
        match node.get(key) {
            Some(value) => Ok(Some(expect_str(sources, value, key)?)),
            None => Ok(None),
        }
    };
    Ok(JoinColumnDecl {
        name: text("name")?,
        referenced: text("referencedColumnName")?,
        foreign_key_name: text("foreignKeyConstraintName")?,
    })
}

/// The table of the entity a relation points at, or the error the bad input deserves.
fn target_table(sources: &Sources, tables: &[Table], relation: &RelationDecl) -> Result<usize> {
    let target = &relation.target;
    let missing = |name: &str| {
        sources.error(
            target.pos,
            format!(
                "relation `{}` points at `{name}`, which is not an entity of this project",
                relation.property
            ),
        )
    };
    let (module, class) = match &target.value {
        Value::Str(name) => (None, name.clone()),
        Value::Arrow(_, body) => match body.path() {
            Some(path) => match sources.resolve_path(relation.module, &path) {
                Some(Resolved::Class(module, class)) => (Some(module.file), class.name.clone()),
                _ => return Err(missing(&path)),
            },
            None => {
                return Err(not_static(
                    sources,
                    body.pos,
                    format!("cannot read the related entity {}", body.describe()),
                ));
            }
        },
        _ => {
            return Err(not_static(
                sources,
                target.pos,
                format!("cannot read the related entity {}", target.describe()),
            ));
        }
    };
    let is_class = |m: usize, c: &str| c == class && module.is_none_or(|want| want == m);
    // A single-table-inheritance child lives in its parent's table.
    let found = tables.iter().position(|t| {
        t.class.as_deref().is_some_and(|c| is_class(t.module, c))
            || t.children.iter().any(|(m, c)| is_class(*m, c))
    });
    found.ok_or_else(|| missing(&class))
}

/// The column a join column copies its type from: the referenced column, with MySQL's `uuid`
/// stand-in length.
fn copy_type(settings: &Settings, referenced: &Column, name: String, pos: Origin) -> Column {
    let mut column = Column::new(&name, name.clone(), pos, &referenced.ty);
    let uuid_as_text = settings.dialect == Dialect::Mysql
        && normalized_type(settings, referenced) != "uuid"
        && (referenced.generation == Some(Generation::Uuid) || referenced.ty == "uuid");
    column.length = if referenced.length.is_none() && uuid_as_text {
        Some("36".to_string())
    } else {
        referenced.length.clone()
    };
    column.precision = referenced.precision;
    column.scale = referenced.scale;
    column.unsigned = referenced.unsigned;
    column.enum_values = referenced.enum_values.clone();
    column.enum_name = referenced.enum_name.clone();
    column
}

/// Add every relation's join columns, foreign keys and junction tables, then resolve the
/// indexes and uniques that name properties.
pub(super) fn apply(sources: &Sources, settings: &Settings, tables: &mut Vec<Table>) -> Result<()> {
    // Which columns each relation property stands for, per table, for indexes naming them.
    let mut relation_columns: Vec<HashMap<String, Vec<String>>> =
        vec![HashMap::new(); tables.len()];
    let mut junctions = Vec::new();
    for index in 0..tables.len() {
        let relations = tables[index].relations.clone();
        for relation in &relations {
            if relation.kind == Kind::OneToMany
                || (relation.kind == Kind::ManyToMany && relation.join_table.is_none())
                || (relation.kind == Kind::OneToOne && relation.join_columns.is_none())
            {
                // The inverse side: nothing in this table, but the target must exist.
                target_table(sources, tables, relation)?;
                continue;
            }
            let target = target_table(sources, tables, relation)?;
            if relation.owns_join_columns() {
                let names = join_columns(sources, settings, tables, index, target, relation)?;
                relation_columns[index].insert(relation.property.clone(), names);
            } else {
                junctions.push(junction_table(
                    sources, settings, tables, index, target, relation,
                )?);
            }
        }
    }
    for (index, table) in tables.iter_mut().enumerate() {
        resolve_indexes(sources, settings, table, &relation_columns[index])?;
    }
    tables.extend(junctions);
    Ok(())
}

fn referenced_columns(
    sources: &Sources,
    target: &Table,
    decls: &[JoinColumnDecl],
    pos: Origin,
) -> Result<Vec<Column>> {
    let named: Vec<&String> = decls.iter().filter_map(|d| d.referenced.as_ref()).collect();
    if named.is_empty() {
        let primary: Vec<Column> = target.primary_columns().into_iter().cloned().collect();
        if primary.is_empty() {
            return Err(sources.error(
                pos,
                format!(
                    "the related entity's table `{}` has no primary key",
                    target.name
                ),
            ));
        }
        return Ok(primary);
    }
    named
        .into_iter()
        .map(|property| {
            target.column_by_property(property).cloned().ok_or_else(|| {
                sources.error(
                    pos,
                    format!("`{}` has no column `{property}` to reference", target.name),
                )
            })
        })
        .collect()
}

fn join_columns(
    sources: &Sources,
    settings: &Settings,
    tables: &mut [Table],
    owner: usize,
    target: usize,
    relation: &RelationDecl,
) -> Result<Vec<String>> {
    let decls = relation.join_columns.clone().unwrap_or_default();
    let referenced = referenced_columns(sources, &tables[target], &decls, relation.pos)?;
    let target_name = tables[target].name.clone();
    let mut names = Vec::new();
    let mut foreign_key_name = None;
    for column in &referenced {
        let decl = decls.iter().find(|d| {
            d.name.is_some() && d.referenced.as_ref().is_none_or(|r| *r == column.property)
        });
        let name = decl.and_then(|d| d.name.clone()).unwrap_or_else(|| {
            settings
                .naming
                .join_column_name(&relation.property, &column.property)
        });
        foreign_key_name =
            foreign_key_name.or(decls.iter().find_map(|d| d.foreign_key_name.clone()));
        let table = &mut tables[owner];
        match table.columns.iter_mut().find(|c| c.name == name) {
            // A column the entity declares itself: TypeORM keeps it, with the referenced type.
            Some(existing) => {
                existing.ty = column.ty.clone();
            }
            None => {
                let mut join = copy_type(settings, column, name.clone(), relation.pos);
                join.property = relation.property.clone();
                join.nullable = relation.nullable;
                join.primary = relation.primary;
                table.columns.push(join);
            }
        }
        names.push(name);
    }
    let table = &mut tables[owner];
    if relation.foreign_keys {
        table.foreign_keys.push(ForeignKey {
            name: foreign_key_name.unwrap_or_else(|| naming::foreign_key_name(&table.name, &names)),
            columns: names.clone(),
            table: target_name,
            referenced: referenced.iter().map(|c| c.name.clone()).collect(),
            on_delete: relation
                .on_delete
                .clone()
                .unwrap_or_else(|| "NO ACTION".into()),
            on_update: relation
                .on_update
                .clone()
                .unwrap_or_else(|| "NO ACTION".into()),
            pos: relation.pos,
        });
    }
    if relation.kind == Kind::OneToOne {
        let name = naming::relation_constraint_name(&table.name, &names);
        if settings.dialect == Dialect::Mysql {
            table.indices.push(Index {
                name,
                columns: names.clone(),
                unique: true,
                condition: None,
                pos: relation.pos,
            });
        } else {
            table.uniques.push(Unique {
                name: Some(name),
                columns: names.clone(),
                pos: relation.pos,
            });
        }
    }
    Ok(names)
}

fn junction_table(
    sources: &Sources,
    settings: &Settings,
    tables: &[Table],
    owner: usize,
    target: usize,
    relation: &RelationDecl,
) -> Result<Table> {
    let decl = relation.join_table.clone().unwrap_or(JoinTableDecl {
        name: None,
        join_columns: Vec::new(),
        inverse_join_columns: Vec::new(),
    });
    let (owner_table, target_table) = (&tables[owner], &tables[target]);
    let name = decl.name.clone().unwrap_or_else(|| {
        settings
            .naming
            .join_table_name(&owner_table.name, &target_table.name, &relation.property)
    });
    let side = |table: &Table,
                decls: &[JoinColumnDecl]|
     -> Result<Vec<(Column, Column, Option<String>)>> {
        let referenced = referenced_columns(sources, table, decls, relation.pos)?;
        Ok(referenced
            .into_iter()
            .map(|column| {
                let decl = decls.iter().find(|d| {
                    d.name.is_some() && d.referenced.as_ref().is_none_or(|r| *r == column.property)
                });
                let name = decl.and_then(|d| d.name.clone()).unwrap_or_else(|| {
                    settings
                        .naming
                        .join_table_column_name(&table.name, &column.name)
                });
                let mut junction = copy_type(settings, &column, name, relation.pos);
                junction.primary = true;
                (
                    junction,
                    column,
                    decl.and_then(|d| d.foreign_key_name.clone()),
                )
            })
            .collect())
    };
    let mut owner_side = side(owner_table, &decl.join_columns)?;
    let mut inverse_side = side(target_table, &decl.inverse_join_columns)?;
    // A relation of a table to itself would name both sides alike: TypeORM numbers them.
    for (first, _, _) in owner_side.iter_mut() {
        for (second, _, _) in inverse_side.iter_mut() {
            if first.name == second.name {
                first.name = format!("{}_1", first.property);
                first.property = first.name.clone();
                second.name = format!("{}_2", second.property);
                second.property = second.name.clone();
            }
        }
    }
    let inverse_relation = relation.inverse.as_ref().and_then(|inverse| {
        target_table
            .relations
            .iter()
            .find(|r| &r.property == inverse)
    });
    let mut table = Table::new(None, owner_table.module, name.clone(), relation.pos);
    let sides = [
        (
            &owner_side,
            owner_table,
            relation.on_delete.clone(),
            relation.on_update.clone(),
        ),
        (
            &inverse_side,
            target_table,
            inverse_relation.and_then(|r| r.on_delete.clone()),
            inverse_relation.and_then(|r| r.on_update.clone()),
        ),
    ];
    for (columns, referenced_table, on_delete, on_update) in sides {
        let names: Vec<String> = columns.iter().map(|(c, _, _)| c.name.clone()).collect();
        table
            .columns
            .extend(columns.iter().map(|(c, _, _)| c.clone()));
        if relation.foreign_keys {
            table.foreign_keys.push(ForeignKey {
                name: columns
                    .iter()
                    .find_map(|(_, _, fk)| fk.clone())
                    .unwrap_or_else(|| naming::foreign_key_name(&name, &names)),
                columns: names.clone(),
                table: referenced_table.name.clone(),
                referenced: columns.iter().map(|(_, r, _)| r.name.clone()).collect(),
                on_delete: on_delete.unwrap_or_else(|| "CASCADE".into()),
                on_update: on_update.unwrap_or_else(|| "CASCADE".into()),
                pos: relation.pos,
            });
        }
        table.indices.push(Index {
            name: naming::index_name(&name, &names, None),
            columns: names,
            unique: false,
            condition: None,
            pos: relation.pos,
        });
    }
    Ok(table)
}

/// Property names → column names for the pending indexes and uniques; the generated names per
/// dialect (MySQL keeps uniques as unique indexes, named like indexes).
fn resolve_indexes(
    sources: &Sources,
    settings: &Settings,
    table: &mut Table,
    relation_columns: &HashMap<String, Vec<String>>,
) -> Result<()> {
    let pending = std::mem::take(&mut table.pending);
    for declared in pending {
        let mut columns = Vec::new();
        for (property, pos) in &declared.properties {
            if let Some(names) = relation_columns.get(property) {
                columns.extend(names.iter().cloned());
            } else if let Some(column) = table
                .column_by_property(property)
                .or_else(|| table.columns.iter().find(|c| &c.name == property))
            {
                columns.push(column.name.clone());
            } else {
                return Err(sources.error(
                    *pos,
                    format!("`{}` has no column or relation `{property}`", table.name),
                ));
            }
        }
        if declared.constraint && settings.dialect != Dialect::Mysql {
            let unique = Unique {
                name: declared.name.clone(),
                columns,
                pos: declared.pos,
            };
            if !table.uniques.contains(&unique) {
                table.uniques.push(unique);
            }
            continue;
        }
        let condition = declared
            .condition
            .clone()
            .filter(|_| settings.dialect != Dialect::Mysql);
        let index = Index {
            name: declared
                .name
                .clone()
                .unwrap_or_else(|| naming::index_name(&table.name, &columns, condition.as_deref())),
            columns,
            unique: declared.unique,
            condition,
            pos: declared.pos,
        };
        if !table.indices.iter().any(|i| i.name == index.name) {
            table.indices.push(index);
        }
    }
    // Single-table inheritance indexes the discriminator, unless an index on it alone exists.
    if let Some(discriminator) = table.discriminator.clone() {
        let column = table
            .column_by_property(&discriminator)
            .map_or(discriminator, |c| c.name.clone());
        if !table.indices.iter().any(|i| i.columns == [column.clone()]) {
            let columns = vec![column];
            table.indices.push(Index {
                name: naming::index_name(&table.name, &columns, None),
                columns,
                unique: false,
                condition: None,
                pos: table.pos,
            });
        }
    }
    Ok(())
}
