//! Associations, applied once every model is known, in the order Sequelize would run them: the
//! foreign-key attributes `belongsTo`, `hasOne` and `hasMany` add (Sequelize's default names,
//! `ON DELETE SET NULL`/`NO ACTION`/`CASCADE` and `ON UPDATE CASCADE`, `src/associations/*.js`
//! in v6.37) and the join models `belongsToMany` creates or completes.

use super::inflection::{camelize, singularize};
use super::models::{Attribute, Model, Reader, Reference, Target, Unique, underscored_if};
use crate::error::Result;
use crate::source::orm::generated::Origin;
use crate::source::orm::typescript::{Node, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    BelongsTo,
    HasOne,
    HasMany,
    BelongsToMany,
}

impl Kind {
    pub fn of(method: &str) -> Option<Kind> {
        Some(match method {
            "belongsTo" | "BelongsTo" => Kind::BelongsTo,
            "hasOne" | "HasOne" => Kind::HasOne,
            "hasMany" | "HasMany" => Kind::HasMany,
            "belongsToMany" | "BelongsToMany" => Kind::BelongsToMany,
            _ => return None,
        })
    }
}

/// A foreign key given as a name or as an attribute definition.
#[derive(Debug, Clone, Default)]
pub struct KeySpec {
    pub name: Option<String>,
    pub field: Option<String>,
    pub allow_null: Option<bool>,
}

#[derive(Debug, Clone)]
pub enum Through {
    /// A join model Sequelize defines under this name (and table name).
    Name(String),
    /// A model of the project, by its JavaScript or model name.
    Model(String),
}

#[derive(Debug, Clone)]
pub struct Association {
    pub kind: Kind,
    pub source: usize,
    pub target: usize,
    pub alias: Option<String>,
    pub foreign_key: KeySpec,
    pub other_key: KeySpec,
    pub target_key: Option<String>,
    pub source_key: Option<String>,
    pub through: Option<Through>,
    pub through_unique: bool,
    pub unique_key: Option<String>,
    pub timestamps: Option<bool>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub constraints: bool,
    pub pos: Origin,
}

/// The model a JavaScript name stands for: its binding first, then its model name.
pub fn find_model(models: &[Model], name: &str) -> Option<usize> {
    models
        .iter()
        .position(|m| m.binding == name)
        .or_else(|| models.iter().position(|m| m.name == name))
}

/// The model an association argument names: `Post`, `models.Post`, `db.Post`,
/// `sequelize.models.Post`, `() => Post`.
pub fn target_name(node: &Node) -> Option<String> {
    let node = node.returned().unwrap_or(node);
    let path = node.path()?;
    Some(path.rsplit('.').next().unwrap_or(&path).to_string())
}

/// Read `X.belongsTo(Y, { ... })` where X is a model (`None` when X is not one: some other
/// object's method of the same name).
pub fn read_call(
    reader: &Reader,
    models: &[Model],
    module: usize,
    call: &Node,
) -> Result<Option<Association>> {
    let Value::Call { callee, args, .. } = &call.value else {
        return Ok(None);
    };
    let Value::Member(object, method) = &callee.value else {
        return Ok(None);
    };
    let Some(kind) = Kind::of(method) else {
        return Ok(None);
    };
    let Some(source) = target_name(object).and_then(|name| find_model(models, &name)) else {
        return Ok(None);
    };
    let Some(target_node) = args.first() else {
        return Err(reader.error(call.pos, format!("{method} needs the associated model")));
    };
    let target = target_name(target_node)
        .and_then(|name| find_model(models, &name))
        .ok_or_else(|| {
            reader.error(
                target_node.pos,
                format!(
                    "{method} points at {}, which is not a model",
                    target_node.describe()
                ),
            )
        })?;
    let options = match args.get(1) {
        Some(node) => reader.properties(module, node)?,
        None => Vec::new(),
    };
    association(
        reader, models, module, kind, source, target, &options, call.pos,
    )
    .map(Some)
}

/// An association from its options object's properties.
#[allow(clippy::too_many_arguments)]
pub fn association(
    reader: &Reader,
    models: &[Model],
    module: usize,
    kind: Kind,
    source: usize,
    target: usize,
    options: &[(String, Node)],
    pos: Origin,
) -> Result<Association> {
    let get = |key: &str| {
        options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| reader.value(module, v))
    };
    let string = |key: &str| get(key).and_then(|v| v.str().map(str::to_string));
    let key_spec = |key: &str| -> KeySpec {
        match get(key) {
            Some(node) if node.is_object() => KeySpec {
                name: node.get("name").and_then(Node::str).map(str::to_string),
                field: node.get("field").and_then(Node::str).map(str::to_string),
                allow_null: node.get("allowNull").and_then(Node::boolean),
            },
            Some(node) => KeySpec {
                name: node.str().map(str::to_string),
                ..KeySpec::default()
            },
            None => KeySpec::default(),
        }
    };
    // `as: "x"` or `as: { singular, plural }` (the plural is the alias).
    let alias = get("as").and_then(|node| match &node.value {
        Value::Str(s) => Some(s.clone()),
        _ => node.get("plural").and_then(Node::str).map(str::to_string),
    });
    let mut through_unique = true;
    let through = match get("through") {
        None if kind == Kind::BelongsToMany => {
            return Err(reader.error(pos, "belongsToMany needs `through`"));
        }
        None => None,
        Some(node) => {
            let node = match node.get("model") {
                Some(model) => {
                    through_unique = node.get("unique").and_then(Node::boolean) != Some(false);
                    reader.value(module, model)
                }
                None => node,
            };
            Some(match &node.value {
                Value::Str(name) => match find_model(models, name) {
                    Some(_) => Through::Model(name.clone()),
                    None => Through::Name(name.clone()),
                },
                _ => {
                    let name = target_name(&node).ok_or_else(|| {
                        reader.error(
                            node.pos,
                            format!("`through` {} is not a model or name", node.describe()),
                        )
                    })?;
                    if find_model(models, &name).is_none() {
                        return Err(reader.error(
                            node.pos,
                            format!("`through` points at {name}, which is not a model"),
                        ));
                    }
                    Through::Model(name)
                }
            })
        }
    };
    Ok(Association {
        kind,
        source,
        target,
        alias,
        foreign_key: key_spec("foreignKey"),
        other_key: key_spec("otherKey"),
        target_key: string("targetKey"),
        source_key: string("sourceKey"),
        through,
        through_unique,
        unique_key: string("uniqueKey"),
        timestamps: get("timestamps").and_then(|v| v.boolean()),
        on_delete: string("onDelete").map(|s| s.to_uppercase()),
        on_update: string("onUpdate").map(|s| s.to_uppercase()),
        constraints: get("constraints").and_then(|v| v.boolean()) != Some(false),
        pos,
    })
}

fn primary_key(model: &Model) -> Option<&Attribute> {
    model.attributes.iter().find(|a| a.primary_key)
}

fn attribute<'m>(model: &'m Model, name: &str) -> Option<&'m Attribute> {
    model.attributes.iter().find(|a| a.name == name)
}

/// Apply the associations to the models (adding join models for `through` names).
pub fn apply(reader: &Reader, models: &mut Vec<Model>, associations: &[Association]) -> Result<()> {
    for association in associations {
        match association.kind {
            Kind::BelongsTo => belongs_to(reader, models, association)?,
            Kind::HasOne | Kind::HasMany => has(reader, models, association)?,
            Kind::BelongsToMany => belongs_to_many(reader, models, association)?,
        }
    }
    Ok(())
}

/// The key attribute an association points at: `explicit` (targetKey/sourceKey) or the
/// model's primary key.
fn key_of<'m>(
    reader: &Reader,
    model: &'m Model,
    explicit: Option<&str>,
    pos: Origin,
) -> Result<&'m Attribute> {
    match explicit {
        Some(name) => attribute(model, name)
            .ok_or_else(|| reader.error(pos, format!("{} has no attribute `{name}`", model.name))),
        None => primary_key(model)
            .ok_or_else(|| reader.error(pos, format!("{} has no primary key", model.name))),
    }
}

/// The attribute an association adds, merged with one the model already has (Sequelize's
/// `mergeDefaults`: what the model wrote wins; references are filled in where missing).
fn add_key(model: &mut Model, new: Attribute) {
    match model.attributes.iter_mut().find(|a| a.name == new.name) {
        Some(existing) => {
            if existing.references.is_none() {
                existing.references = new.references;
            } else if let (Some(current), Some(added)) = (&mut existing.references, new.references)
            {
                current.key = current.key.clone().or(added.key);
                current.on_delete = current.on_delete.clone().or(added.on_delete);
                current.on_update = current.on_update.clone().or(added.on_update);
            }
        }
        None => model.attributes.push(new),
    }
}

#[allow(clippy::too_many_arguments)]
fn foreign_key(
    holder: &Model,
    name: &str,
    spec: &KeySpec,
    key: &Attribute,
    referenced: &Model,
    on_delete_not_null: &str,
    association: &Association,
) -> Attribute {
    let existing = attribute(holder, name);
    let allow_null = existing
        .map(|a| a.allow_null)
        .or(spec.allow_null)
        .unwrap_or(true);
    let references = association.constraints.then(|| Reference {
        target: Target::Table(referenced.table.clone()),
        key: Some(key.field.clone()),
        on_delete: Some(association.on_delete.clone().unwrap_or_else(|| {
            if allow_null {
                "SET NULL".into()
            } else {
                on_delete_not_null.into()
            }
        })),
        on_update: Some(
            association
                .on_update
                .clone()
                .unwrap_or_else(|| "CASCADE".into()),
        ),
        pos: association.pos,
    });
    // A composite key referenced by one of its columns gets no constraint (Sequelize's
    // `addForeignKeyConstraints`).
    let primaries = referenced
        .attributes
        .iter()
        .filter(|a| a.primary_key)
        .count();
    let references = references.filter(|_| primaries == 1 || !key.primary_key);
    Attribute {
        name: name.to_string(),
        field: spec
            .field
            .clone()
            .unwrap_or_else(|| underscored_if(name, holder.underscored)),
        ty: key.ty.clone(),
        allow_null,
        default: None,
        primary_key: false,
        auto_increment: false,
        unique: Unique::No,
        references,
        comment: None,
        auto_generated: false,
        pos: association.pos,
    }
}

fn belongs_to(reader: &Reader, models: &mut [Model], association: &Association) -> Result<()> {
    let (source, target) = (&models[association.source], &models[association.target]);
    let alias = association
        .alias
        .clone()
        .unwrap_or_else(|| target.singular.clone());
    let key = key_of(
        reader,
        target,
        association.target_key.as_deref(),
        association.pos,
    )?;
    let name = association
        .foreign_key
        .name
        .clone()
        .unwrap_or_else(|| camelize(&format!("{alias}_{}", primary_key_name(target))));
    let new = foreign_key(
        source,
        &name,
        &association.foreign_key,
        key,
        target,
        "NO ACTION",
        association,
    );
    add_key(&mut models[association.source], new);
    Ok(())
}

fn primary_key_name(model: &Model) -> String {
    primary_key(model)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| "id".into())
}

fn has(reader: &Reader, models: &mut [Model], association: &Association) -> Result<()> {
    let (source, target) = (&models[association.source], &models[association.target]);
    let key = key_of(
        reader,
        source,
        association.source_key.as_deref(),
        association.pos,
    )?;
    let name = association.foreign_key.name.clone().unwrap_or_else(|| {
        let owner = match association.kind {
            // hasOne names the key after the alias when there is one.
            Kind::HasOne => singularize(association.alias.as_deref().unwrap_or(&source.name)),
            _ => source.singular.clone(),
        };
        camelize(&format!("{owner}_{}", primary_key_name(source)))
    });
    let new = foreign_key(
        target,
        &name,
        &association.foreign_key,
        key,
        source,
        "CASCADE",
        association,
    );
    add_key(&mut models[association.target], new);
    Ok(())
}

fn belongs_to_many(
    reader: &Reader,
    models: &mut Vec<Model>,
    association: &Association,
) -> Result<()> {
    let join = match association.through.as_ref() {
        Some(Through::Model(name)) => find_model(models, name),
        Some(Through::Name(name)) => match models.iter().position(|m| m.name == *name) {
            Some(index) => Some(index),
            None => {
                let source = &models[association.source];
                models.push(Model {
                    name: name.clone(),
                    binding: name.clone(),
                    table: name.clone(),
                    pos: association.pos,
                    underscored: source.underscored,
                    singular: singularize(name),
                    attributes: Vec::new(),
                    indexes: Vec::new(),
                    module: source.module,
                    decorated: None,
                    timestamps: association.timestamps.unwrap_or(true),
                    created_at: source.created_at.clone(),
                    updated_at: source.updated_at.clone(),
                    version: source.version.clone(),
                });
                let index = models.len() - 1;
                // `define(name, {})` gives it Sequelize's `id`, dropped again below.
                models[index].attributes.push(Attribute {
                    name: "id".into(),
                    field: "id".into(),
                    ty: super::types::DataType::Integer(
                        super::types::IntegerKind::Integer,
                        super::types::Modifiers::default(),
                    ),
                    allow_null: false,
                    default: None,
                    primary_key: true,
                    auto_increment: true,
                    unique: Unique::No,
                    references: None,
                    comment: None,
                    auto_generated: true,
                    pos: association.pos,
                });
                add_timestamps(&mut models[index]);
                Some(index)
            }
        },
        None => None,
    };
    let Some(join) = join else {
        return Err(reader.error(association.pos, "belongsToMany needs `through`"));
    };
    let (source, target) = (&models[association.source], &models[association.target]);
    let self_association = association.source == association.target;
    let alias = association
        .alias
        .clone()
        .unwrap_or_else(|| super::inflection::pluralize(&target.name));
    let foreign =
        association.foreign_key.name.clone().unwrap_or_else(|| {
            camelize(&format!("{}_{}", source.singular, primary_key_name(source)))
        });
    let other_owner = if self_association {
        singularize(&alias)
    } else {
        target.singular.clone()
    };
    let other = association
        .other_key
        .name
        .clone()
        .unwrap_or_else(|| camelize(&format!("{other_owner}_{}", primary_key_name(target))));
    let source_key = key_of(
        reader,
        source,
        association.source_key.as_deref(),
        association.pos,
    )?
    .clone();
    let target_key = key_of(
        reader,
        target,
        association.target_key.as_deref(),
        association.pos,
    )?
    .clone();
    let (source_table, target_table) = (source.table.clone(), target.table.clone());
    let join_model = &mut models[join];
    // Sequelize drops the join model's own generated key (its `id`; keys a previous
    // association made stay where they are): the two keys become the primary key.
    let mut primary_key_deleted = false;
    join_model.attributes.retain_mut(|a| {
        if !(a.auto_generated && a.primary_key) {
            return true;
        }
        primary_key_deleted = true;
        if a.name == foreign || a.name == other {
            a.primary_key = false;
            return true;
        }
        false
    });
    let unique = if primary_key_deleted || !association.through_unique {
        None
    } else {
        Some(
            association
                .unique_key
                .clone()
                .unwrap_or_else(|| format!("{}_{foreign}_{other}_unique", join_model.table)),
        )
    };
    let sides = [
        (
            &foreign,
            &association.foreign_key,
            &source_key,
            &source_table,
            true,
        ),
        (
            &other,
            &association.other_key,
            &target_key,
            &target_table,
            false,
        ),
    ];
    for (name, spec, key, table, is_source) in sides {
        let underscored = join_model.underscored;
        let existing = join_model.attributes.iter().position(|a| a.name == *name);
        let index = match existing {
            Some(index) => index,
            None => {
                join_model.attributes.push(Attribute {
                    name: name.clone(),
                    field: spec
                        .field
                        .clone()
                        .unwrap_or_else(|| underscored_if(name, underscored)),
                    ty: key.ty.clone(),
                    allow_null: spec.allow_null.unwrap_or(true),
                    default: None,
                    primary_key: false,
                    auto_increment: false,
                    unique: Unique::No,
                    references: None,
                    comment: None,
                    auto_generated: true,
                    pos: association.pos,
                });
                join_model.attributes.len() - 1
            }
        };
        let attribute = &mut join_model.attributes[index];
        attribute.ty = key.ty.clone();
        if primary_key_deleted {
            attribute.primary_key = true;
        } else if let Some(unique) = &unique {
            attribute.unique = Unique::Named(unique.clone());
        }
        if association.constraints {
            let previous = attribute.references.as_ref();
            let (on_delete, on_update) = if is_source {
                (
                    association
                        .on_delete
                        .clone()
                        .or(previous.and_then(|r| r.on_delete.clone())),
                    association
                        .on_update
                        .clone()
                        .or(previous.and_then(|r| r.on_update.clone())),
                )
            } else {
                (
                    previous
                        .and_then(|r| r.on_delete.clone())
                        .or(association.on_delete.clone()),
                    previous
                        .and_then(|r| r.on_update.clone())
                        .or(association.on_update.clone()),
                )
            };
            attribute.references = Some(Reference {
                target: Target::Table(table.clone()),
                key: Some(key.field.clone()),
                on_delete: Some(on_delete.unwrap_or_else(|| "CASCADE".into())),
                on_update: Some(on_update.unwrap_or_else(|| "CASCADE".into())),
                pos: association.pos,
            });
        }
    }
    Ok(())
}

/// The `createdAt`/`updatedAt` (and `version`) columns of a join model Sequelize defines: it
/// inherits the source model's options but for `timestamps` and `paranoid`.
fn add_timestamps(model: &mut Model) {
    let mut columns: Vec<(String, bool)> = Vec::new();
    if model.timestamps {
        columns.extend(
            [model.created_at.clone(), model.updated_at.clone()]
                .into_iter()
                .flatten()
                .map(|name| (name, false)),
        );
    }
    columns.extend(model.version.clone().map(|name| (name, true)));
    for (name, is_version) in columns {
        model.attributes.push(Attribute {
            field: underscored_if(&name, model.underscored),
            name,
            ty: match is_version {
                true => super::types::DataType::Integer(
                    super::types::IntegerKind::Integer,
                    super::types::Modifiers::default(),
                ),
                false => super::types::DataType::Date { precision: None },
            },
            allow_null: false,
            default: is_version.then_some(super::models::DefaultValue::Num(0.0)),
            primary_key: false,
            auto_increment: false,
            unique: Unique::No,
            references: None,
            comment: None,
            auto_generated: false,
            pos: model.pos,
        });
    }
}
