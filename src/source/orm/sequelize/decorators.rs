//! sequelize-typescript classes (`@Table` with `@Column` properties): each decorator stands for
//! the attribute option it sets (`@PrimaryKey` → `primaryKey: true`, `@AllowNull(false)`,
//! `@Unique`, `@Default(v)`, `@Comment`), a property without a type takes the one
//! sequelize-typescript infers from its TypeScript type, and `@CreatedAt`/`@UpdatedAt`/
//! `@DeletedAt` rename the timestamps. `@BelongsTo`, `@HasOne`, `@HasMany` and
//! `@BelongsToMany` become the associations sequelize-typescript makes, named after the
//! property, with the key from the `@ForeignKey` that points the right way.

use super::associations::{self, Association, Kind, find_model, target_name};
use super::models::{Model, Reader};
use super::types;
use crate::error::Result;
use crate::source::orm::typescript::{Class, Node, Property, TsType, Value};

fn node(value: Value, at: &Node) -> Node {
    Node { value, pos: at.pos }
}

fn at(value: Value, pos: crate::source::orm::generated::Origin) -> Node {
    Node { value, pos }
}

/// The model of a `@Table` class.
pub fn model(reader: &Reader, module: usize, class: &Class) -> Result<Model> {
    let table = class.decorator("Table").expect("a @Table class");
    let mut options: Vec<(String, Node)> = match table.args.first() {
        Some(arg) => reader.properties(module, arg)?,
        None => Vec::new(),
    };
    let model_name = options
        .iter()
        .rev()
        .find(|(k, _)| k == "modelName")
        .and_then(|(_, v)| v.str().map(str::to_string))
        .unwrap_or_else(|| class.name.clone());
    let mut attributes: Vec<(String, Node)> = Vec::new();
    for property in class.properties.iter().filter(|p| !p.is_static) {
        for (decorator, option) in [
            ("CreatedAt", "createdAt"),
            ("UpdatedAt", "updatedAt"),
            ("DeletedAt", "deletedAt"),
        ] {
            if let Some(found) = property
                .decorators
                .iter()
                .find(|d| d.short_name() == decorator)
            {
                options.push((
                    option.into(),
                    at(Value::Str(property.name.clone()), found.pos),
                ));
            }
        }
        let Some(column) = property
            .decorators
            .iter()
            .find(|d| d.short_name() == "Column")
        else {
            continue;
        };
        let mut props: Vec<(String, Node)> = match column.args.first() {
            Some(arg) if reader.value(module, arg).is_object() => reader.properties(module, arg)?,
            Some(arg) => vec![("type".into(), arg.clone())],
            None => Vec::new(),
        };
        for decorator in &property.decorators {
            let first = decorator.args.first().cloned();
            let (key, value) = match decorator.short_name() {
                "PrimaryKey" => ("primaryKey", at(Value::Bool(true), decorator.pos)),
                "AutoIncrement" => ("autoIncrement", at(Value::Bool(true), decorator.pos)),
                "AllowNull" => (
                    "allowNull",
                    first.unwrap_or_else(|| at(Value::Bool(true), decorator.pos)),
                ),
                "Unique" => (
                    "unique",
                    first.unwrap_or_else(|| at(Value::Bool(true), decorator.pos)),
                ),
                "Default" => match first {
                    Some(value) => ("defaultValue", value),
                    None => continue,
                },
                "Comment" => match first {
                    Some(value) => ("comment", value),
                    None => continue,
                },
                _ => continue,
            };
            props.push((key.into(), value));
        }
        if !props.iter().any(|(k, _)| k == "type") {
            props.push(("type".into(), inferred_type(reader, property)?));
        }
        attributes.push((
            property.name.clone(),
            at(Value::Object(props), property.pos),
        ));
    }
    let attributes = at(Value::Object(attributes), class.pos);
    let options = at(Value::Object(options), table.pos);
    reader.model(
        module,
        model_name,
        class.name.clone(),
        Some(&attributes),
        Some(&options),
        class.pos,
        Some((Vec::new(), class.clone())),
    )
}

/// The data type sequelize-typescript infers from `design:type` (String, Number, Boolean,
/// Date, Buffer), as a `DataType.X` node.
fn inferred_type(reader: &Reader, property: &Property) -> Result<Node> {
    let name = match &property.ty {
        Some(TsType::Keyword(keyword)) => keyword.to_string(),
        Some(TsType::Ref(name, _)) => name.clone(),
        _ => String::new(),
    };
    let member = match types::from_design_type(&name) {
        Some(types::DataType::String { .. }) => "STRING",
        Some(types::DataType::Integer(..)) => "INTEGER",
        Some(types::DataType::Boolean) => "BOOLEAN",
        Some(types::DataType::Date { .. }) => "DATE",
        Some(types::DataType::Blob { .. }) => "BLOB",
        _ => {
            return Err(reader.error(
                property.pos,
                format!(
                    "the type of `{}` cannot be inferred from its TypeScript type; give @Column a DataType",
                    property.name
                ),
            ));
        }
    };
    let namespace = at(Value::Ident("DataType".into()), property.pos);
    Ok(at(
        Value::Member(Box::new(namespace), member.into()),
        property.pos,
    ))
}

/// The property of `class` whose `@ForeignKey(() => X)` points at model `to`.
fn foreign_key_to(models: &[Model], class: &Class, to: usize) -> Option<String> {
    class.properties.iter().find_map(|property| {
        let decorator = property
            .decorators
            .iter()
            .find(|d| d.short_name() == "ForeignKey")?;
        let target = decorator.args.first().and_then(target_name)?;
        (find_model(models, &target) == Some(to)).then(|| property.name.clone())
    })
}

/// The associations the decorated classes declare, in model and property order.
pub fn associations(reader: &Reader, models: &[Model]) -> Result<Vec<Association>> {
    let mut out = Vec::new();
    for (source, model) in models.iter().enumerate() {
        let Some(class) = &model.decorated else {
            continue;
        };
        for property in &class.properties {
            for decorator in &property.decorators {
                let Some(kind) = Kind::of(decorator.short_name()) else {
                    continue;
                };
                let module = model.module;
                let target_node = decorator.args.first().ok_or_else(|| {
                    reader.error(
                        decorator.pos,
                        format!("@{} needs the associated model", decorator.name),
                    )
                })?;
                let target = target_name(target_node)
                    .and_then(|name| find_model(models, &name))
                    .ok_or_else(|| {
                        reader.error(
                            target_node.pos,
                            format!(
                                "@{} on `{}` points at {}, which is not a model",
                                decorator.name,
                                property.name,
                                target_node.returned().unwrap_or(target_node).describe()
                            ),
                        )
                    })?;
                let mut options: Vec<(String, Node)> = Vec::new();
                let rest = &decorator.args[1..];
                let (through, rest) = match kind {
                    Kind::BelongsToMany => (rest.first(), rest.get(1..).unwrap_or_default()),
                    _ => (None, rest),
                };
                if let Some(first) = rest.first() {
                    let value = reader.value(module, first);
                    if value.is_object() {
                        options.extend(reader.properties(module, &value)?);
                    } else {
                        options.push(("foreignKey".into(), value));
                    }
                }
                if let Some(other) = rest.get(1) {
                    options.push(("otherKey".into(), other.clone()));
                }
                if !options.iter().any(|(k, _)| k == "as") {
                    options.push((
                        "as".into(),
                        node(Value::Str(property.name.clone()), target_node),
                    ));
                }
                let missing = |holder: &str| {
                    reader.error(
                        decorator.pos,
                        format!(
                            "no @ForeignKey on {holder} points at the model of `{}`'s association",
                            property.name
                        ),
                    )
                };
                let through_model = match through {
                    Some(through) => {
                        let name = through
                            .returned()
                            .unwrap_or(through)
                            .str()
                            .map(str::to_string)
                            .or_else(|| target_name(through));
                        let node_value = match &name {
                            Some(name) => Value::Str(name.clone()),
                            None => Value::Other(through.describe()),
                        };
                        options.push(("through".into(), node(node_value, through)));
                        name.and_then(|n| find_model(models, &n))
                    }
                    None => None,
                };
                if !options.iter().any(|(k, _)| k == "foreignKey") {
                    let key = match kind {
                        Kind::BelongsTo => foreign_key_to(models, class, target)
                            .ok_or_else(|| missing(&class.name))?,
                        Kind::HasOne | Kind::HasMany => {
                            let holder = models[target].decorated.as_ref();
                            holder
                                .and_then(|c| foreign_key_to(models, c, source))
                                .ok_or_else(|| missing(&models[target].binding))?
                        }
                        Kind::BelongsToMany => {
                            let holder = through_model.and_then(|t| models[t].decorated.as_ref());
                            match holder {
                                Some(c) => {
                                    if let Some(other) = foreign_key_to(models, c, target)
                                        && !options.iter().any(|(k, _)| k == "otherKey")
                                    {
                                        options.push((
                                            "otherKey".into(),
                                            node(Value::Str(other), target_node),
                                        ));
                                    }
                                    foreign_key_to(models, c, source)
                                        .ok_or_else(|| missing(&c.name))?
                                }
                                None => String::new(),
                            }
                        }
                    };
                    if !key.is_empty() {
                        options.push(("foreignKey".into(), node(Value::Str(key), target_node)));
                    }
                }
                out.push(associations::association(
                    reader,
                    models,
                    module,
                    kind,
                    source,
                    target,
                    &options,
                    decorator.pos,
                )?);
            }
        }
    }
    Ok(out)
}
