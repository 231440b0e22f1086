//! From class definitions to models: which classes are concrete models, their fields with
//! inherited ones, the implicit primary key, and Meta options.

use std::collections::HashMap;

use super::{ClassDef, Project, str_of, unresolved, unresolved_at};
use crate::error::{Error, Result};
use crate::source::orm::python::lines::Expr;

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) name: String,
    /// Django's internal type (`CharField`, `ForeignKey`, ...).
    pub(super) kind: String,
    pub(super) kwargs: Vec<(String, Expr)>,
    /// The related model (relations only), as written.
    pub(super) target: Option<Expr>,
    pub(super) file: String,
    /// Where the field's call is written (line, column); 0 for fields Django adds itself.
    pub(super) at: (u64, u64),
    /// The call as written (`None` for fields Django adds itself).
    pub(super) call: Option<Expr>,
}

impl Field {
    pub(super) fn kw(&self, k: &str) -> Option<&Expr> {
        self.kwargs.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    pub(super) fn flag(&self, k: &str) -> bool {
        self.kw(k).and_then(Expr::truthy).unwrap_or(false)
    }
    pub(super) fn column(&self) -> String {
        if let Some(c) = self.kw("db_column").and_then(str_of) {
            return c;
        }
        if self.is_fk() {
            format!("{}_id", self.name)
        } else {
            self.name.clone()
        }
    }
    pub(super) fn is_fk(&self) -> bool {
        self.kind == "ForeignKey" || self.kind == "OneToOneField"
    }
    pub(super) fn primary_key(&self) -> bool {
        self.flag("primary_key")
    }
    pub(super) fn unique(&self) -> bool {
        self.flag("unique") || self.primary_key() || self.kind == "OneToOneField"
    }
    pub(super) fn int(&self, k: &str) -> Result<Option<i64>> {
        match self.kw(k) {
            None => Ok(None),
            Some(e) if e.is_none() => Ok(None),
            Some(Expr::Num(n)) => n.parse().map(Some).map_err(|_| {
                Error::parse(
                    &self.file,
                    self.at.0,
                    self.at.1,
                    format!("{k}={n} is not an integer"),
                )
            }),
            Some(e) => Err(unresolved_at(
                &self.file,
                self.at,
                e,
                &format!("{}.{k}", self.name),
            )),
        }
    }
}

pub(super) struct Model {
    pub(super) app: String,
    pub(super) name: String,
    pub(super) table: String,
    pub(super) fields: Vec<Field>,
    pub(super) m2m: Vec<Field>,
    pub(super) meta: Vec<(String, Expr)>,
    pub(super) file: String,
    /// Where the model is written (line, column): its class, or for a join table the
    /// ManyToManyField it is created for.
    pub(super) at: (u64, u64),
    pub(super) join_auto_field: String,
}

impl Model {
    pub(super) fn meta(&self, k: &str) -> Option<&Expr> {
        self.meta.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    pub(super) fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.column() == name)
    }
    pub(super) fn pk(&self) -> &Field {
        self.fields
            .iter()
            .find(|f| f.primary_key())
            .expect("every model gets a primary key")
    }
}

/// Field classes Django ships, with the internal type they are created as and the
/// `max_length` they default to.
pub(super) fn field_kind(class: &str) -> Option<(&'static str, Option<i64>)> {
    Some(match class {
        "CharField" => ("CharField", None),
        "EmailField" => ("CharField", Some(254)),
        "URLField" => ("CharField", Some(200)),
        "SlugField" => ("SlugField", Some(50)),
        "FileField" | "ImageField" => ("FileField", Some(100)),
        "FilePathField" => ("FilePathField", Some(100)),
        "TextField" => ("TextField", None),
        "IntegerField" => ("IntegerField", None),
        "BigIntegerField" => ("BigIntegerField", None),
        "SmallIntegerField" => ("SmallIntegerField", None),
        "PositiveIntegerField" => ("PositiveIntegerField", None),
        "PositiveSmallIntegerField" => ("PositiveSmallIntegerField", None),
        "PositiveBigIntegerField" => ("PositiveBigIntegerField", None),
        "BooleanField" => ("BooleanField", None),
        "DateField" => ("DateField", None),
        "DateTimeField" => ("DateTimeField", None),
        "TimeField" => ("TimeField", None),
        "DurationField" => ("DurationField", None),
        "DecimalField" => ("DecimalField", None),
        "FloatField" => ("FloatField", None),
        "BinaryField" => ("BinaryField", None),
        "UUIDField" => ("UUIDField", Some(32)),
        "JSONField" => ("JSONField", None),
        "GenericIPAddressField" => ("GenericIPAddressField", Some(39)),
        "AutoField" => ("AutoField", None),
        "BigAutoField" => ("BigAutoField", None),
        "SmallAutoField" => ("SmallAutoField", None),
        "ForeignKey" => ("ForeignKey", None),
        "OneToOneField" => ("OneToOneField", None),
        "ManyToManyField" => ("ManyToManyField", None),
        _ => return None,
    })
}

pub(super) fn resolve(project: &Project, notes: &mut Vec<String>) -> Result<Vec<Model>> {
    let by_name: HashMap<&str, usize> = project
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    // Whether a class is a model (reaches models.Model), and whether it is abstract.
    fn is_model(project: &Project, by_name: &HashMap<&str, usize>, i: usize, depth: u32) -> bool {
        depth < 32
            && project.classes[i].bases.iter().any(|b| {
                let d = b.dotted().unwrap_or_default();
                d == "models.Model"
                    || d == "Model"
                    || d == "django.db.models.Model"
                    || b.last_name()
                        .and_then(|n| by_name.get(n))
                        .is_some_and(|&j| j != i && is_model(project, by_name, j, depth + 1))
            })
    }
    let abstract_of = |c: &ClassDef| {
        c.meta
            .as_ref()
            .and_then(|m| m.iter().rev().find(|(k, _)| k == "abstract"))
            .and_then(|(_, v)| v.truthy())
            .unwrap_or(false)
    };
    // Fields (own and inherited from abstract bases and mixins) in Django's order.
    fn collect(
        project: &Project,
        by_name: &HashMap<&str, usize>,
        i: usize,
        out: &mut Vec<(String, Expr, String)>,
        meta: &mut Vec<(String, Expr)>,
        depth: u32,
    ) {
        if depth > 32 {
            return;
        }
        let c = &project.classes[i];
        for b in c.bases.iter().rev() {
            if let Some(&j) = b.last_name().and_then(|n| by_name.get(n))
                && j != i
            {
                collect(project, by_name, j, out, meta, depth + 1);
            }
        }
        for (name, value) in &c.fields {
            out.retain(|(n, _, _)| n != name);
            out.push((name.clone(), value.clone(), c.file.clone()));
        }
        if let Some(m) = &c.meta {
            meta.extend(m.iter().filter(|(k, _)| k != "abstract").cloned());
        }
    }
    let mut models = Vec::new();
    for (i, c) in project.classes.iter().enumerate() {
        let Some(app) = c.app else { continue };
        if !is_model(project, &by_name, i, 0) {
            // A base from outside the project may well be a model: say it was not read.
            let unknown: Vec<String> = c
                .bases
                .iter()
                .filter_map(|b| b.dotted())
                .filter(|d| {
                    !by_name.contains_key(d.rsplit('.').next().unwrap_or(d))
                        && !["object", "Enum", "TextChoices", "IntegerChoices"]
                            .iter()
                            .any(|known| d.ends_with(known))
                })
                .collect();
            if !unknown.is_empty() {
                notes.push(format!(
                    "{}:{}: class {} is not read as a model: its base {} is not in the project",
                    c.file,
                    c.line,
                    c.name,
                    unknown.join(", ")
                ));
            }
            continue;
        }
        if abstract_of(c) {
            continue;
        }
        if c.bases.iter().any(|b| {
            b.last_name()
                .and_then(|n| by_name.get(n))
                .is_some_and(|&j| {
                    is_model(project, &by_name, j, 0) && !abstract_of(&project.classes[j])
                })
        }) {
            return Err(Error::parse(
                &c.file,
                c.line,
                1,
                format!("{}: multi-table inheritance is not supported", c.name),
            ));
        }
        let mut raw = Vec::new();
        let mut meta = Vec::new();
        collect(project, &by_name, i, &mut raw, &mut meta, 0);
        // The class's own Meta wins over inherited options.
        let app_def = &project.apps[app];
        let mut fields = Vec::new();
        let mut m2m = Vec::new();
        for (name, value, file) in raw {
            let Expr::Call {
                func,
                args,
                kwargs,
                line,
                col,
            } = &value
            else {
                continue;
            };
            let at = (*line, *col);
            let Some(class) = func.last_name() else {
                continue;
            };
            let Some((kind, default_len)) = field_kind(class) else {
                if class.ends_with("Field") || class.ends_with("Key") {
                    return Err(unresolved_at(
                        &file,
                        at,
                        &value,
                        &format!("{}.{name} ({class})", c.name),
                    ));
                }
                continue;
            };
            let mut kwargs = kwargs.clone();
            for (k, v) in &kwargs {
                if let Expr::Other { .. } = v
                    && [
                        "max_length",
                        "null",
                        "unique",
                        "db_index",
                        "primary_key",
                        "db_column",
                        "db_default",
                        "max_digits",
                        "decimal_places",
                        "to",
                        "db_table",
                        "related_name",
                    ]
                    .contains(&k.as_str())
                    && k != "related_name"
                {
                    return Err(unresolved(&file, v, &format!("{}.{name} {k}", c.name)));
                }
            }
            let mut target = None;
            if matches!(kind, "ForeignKey" | "OneToOneField" | "ManyToManyField") {
                target = args.first().cloned().or_else(|| {
                    kwargs
                        .iter()
                        .find(|(k, _)| k == "to")
                        .map(|(_, v)| v.clone())
                });
                if target.is_none() {
                    return Err(unresolved_at(
                        &file,
                        at,
                        &value,
                        &format!("{}.{name} target", c.name),
                    ));
                }
            } else if let Some(first) = args.first() {
                // A positional verbose_name is harmless; others would be ambiguous.
                if str_of(first).is_none() {
                    return Err(unresolved(
                        &file,
                        first,
                        &format!("{}.{name} argument", c.name),
                    ));
                }
            }
            if kind == "DecimalField" {
                // DecimalField(verbose_name, name, max_digits, decimal_places).
                for (i, k) in ["max_digits", "decimal_places"].iter().enumerate() {
                    if let Some(a) = args.get(i + 2) {
                        kwargs.push((k.to_string(), a.clone()));
                    }
                }
            }
            if let Some(len) = default_len
                && !kwargs.iter().any(|(k, _)| k == "max_length")
            {
                kwargs.push(("max_length".into(), Expr::Num(len.to_string())));
            }
            if kind == "SlugField" && !kwargs.iter().any(|(k, _)| k == "db_index") {
                kwargs.push(("db_index".into(), Expr::Name(vec!["True".into()])));
            }
            let field = Field {
                name,
                kind: kind.to_string(),
                kwargs,
                target,
                file,
                at,
                call: Some(value.clone()),
            };
            if kind == "ManyToManyField" {
                m2m.push(field);
            } else {
                fields.push(field);
            }
        }
        let auto_field = app_def.default_auto_field.clone();
        if !fields.iter().any(Field::primary_key) {
            let class = auto_field
                .rsplit('.')
                .next()
                .unwrap_or("AutoField")
                .to_string();
            let Some((kind, _)) = field_kind(&class) else {
                return Err(Error::Usage(format!(
                    "{}: default auto field {auto_field} is not one of Django's",
                    c.file
                )));
            };
            fields.insert(
                0,
                Field {
                    name: "id".into(),
                    kind: kind.into(),
                    kwargs: vec![("primary_key".into(), Expr::Name(vec!["True".into()]))],
                    target: None,
                    file: c.file.clone(),
                    at: (0, 0),
                    call: None,
                },
            );
        }
        let table = meta
            .iter()
            .rev()
            .find(|(k, _)| k == "db_table")
            .map(|(_, v)| str_of(v).ok_or_else(|| unresolved(&c.file, v, "Meta.db_table")))
            .transpose()?
            .unwrap_or_else(|| format!("{}_{}", app_def.label, c.name.to_lowercase()));
        models.push(Model {
            app: app_def.label.clone(),
            name: c.name.clone(),
            table,
            fields,
            m2m,
            meta,
            file: c.file.clone(),
            at: (c.line, 1),
            join_auto_field: app_def.project_auto_field.clone(),
        });
    }
    if models.is_empty() {
        notes.push("no Django models found".into());
    }
    Ok(models)
}
