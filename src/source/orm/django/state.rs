//! The models as Django's migration state sees them: per model its app, name, fields (each a
//! field class with its keyword arguments re-serialized as Python, the way a migration file
//! spells them) and Meta options. Module-level constants a model uses are inlined; a value that
//! cannot be written statically is an error at its file:line:col.

use std::collections::BTreeSet;
use std::path::Path;

use super::ddl::index_auto_name;
use super::models::{Field, Model, resolve};
use super::{Project, str_of};
use crate::error::{Error, Result};
use crate::source::orm::python::lines::Expr;

pub use crate::model::orm::AppDefault as PythonDefault;
pub use crate::model::orm::django::{
    AppState, FieldState, MODELS_IMPORT, ModelState, Named, ProjectState, SETTINGS_IMPORT, Value,
    py_str,
};

/// Read the Django project at `path` (a directory with `manage.py`) as migration state.
pub fn model_state(path: &Path) -> Result<ProjectState> {
    if !(path.is_dir() && path.join("manage.py").is_file()) {
        return Err(Error::Usage(format!(
            "{}: not a Django project (no manage.py): the Django target needs the models of a project directory on both sides",
            path.display()
        )));
    }
    let project = Project::open(path)?;
    let mut notes = Vec::new();
    let models = resolve(&project, &mut notes)?;
    let writer = Writer {
        project: &project,
        models: &models,
    };
    let mut states = Vec::new();
    for model in &models {
        states.push(writer.model(model)?);
    }
    Ok(ProjectState {
        apps: project
            .apps
            .iter()
            .map(|a| AppState {
                label: a.label.clone(),
                dir: a.dir.clone(),
            })
            .collect(),
        models: states,
        user_model: project.user_model.clone(),
    })
}

struct Writer<'a> {
    project: &'a Project,
    models: &'a [Model],
}

/// How deep constants may refer to constants.
const MAX_DEPTH: u32 = 8;

impl Writer<'_> {
    fn error(file: &str, at: (u64, u64), what: &str) -> Error {
        Error::parse(
            file,
            at.0,
            at.1,
            format!("{what} cannot be written into a migration statically"),
        )
    }

    /// The dotted path a name stands for in `file`, and the project file defining it.
    fn path_of(&self, file: &str, parts: &[String]) -> Option<(String, Option<String>)> {
        let first = parts.first()?;
        let binding = self
            .project
            .imports
            .get(file)?
            .iter()
            .rev()
            .find(|b| &b.name == first)?;
        let mut path = binding.path.clone();
        for part in &parts[1..] {
            path.push('.');
            path.push_str(part);
        }
        Some((path, binding.file.clone()))
    }

    fn constant(&self, file: &str, name: &str) -> Option<&Expr> {
        self.project
            .constants
            .get(file)?
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// How a migration spells an importable dotted path.
    fn spelled(path: &str) -> Value {
        if let Some(rest) = path.strip_prefix("django.db.models.")
            && !rest.contains('.')
        {
            return Value::plain(format!("models.{rest}"));
        }
        if let Some(rest) = path.strip_prefix("django.conf.settings.") {
            let mut v = Value::plain(format!("settings.{rest}"));
            v.imports.insert(SETTINGS_IMPORT.into());
            return v;
        }
        let mut v = Value::plain(path);
        if let Some((module, _)) = path.rsplit_once('.') {
            v.imports.insert(format!("import {module}"));
        }
        v
    }

    fn name(&self, parts: &[String], file: &str, at: (u64, u64), depth: u32) -> Result<Value> {
        if let [only] = parts
            && ["True", "False", "None"].contains(&only.as_str())
        {
            return Ok(Value::plain(only.clone()));
        }
        let dotted = parts.join(".");
        if let [only] = parts
            && let Some(value) = self.constant(file, only)
        {
            return self.expr(value, file, at, depth + 1);
        }
        let Some((path, defined_in)) = self.path_of(file, parts) else {
            return Err(Self::error(file, at, &format!("`{dotted}`")));
        };
        if let Some(defined_in) = defined_in {
            // A constant of another project module is inlined; other project names (classes,
            // functions) would need the project importable the way the migration sees it.
            let last = path.rsplit('.').next().unwrap_or(&path);
            if let Some(value) = self.constant(&defined_in, last) {
                return self.expr(value, &defined_in, at, depth + 1);
            }
            return Err(Self::error(file, at, &format!("`{dotted}`")));
        }
        if path.starts_with('.') {
            return Err(Self::error(file, at, &format!("`{dotted}`")));
        }
        Ok(Self::spelled(&path))
    }

    fn expr(&self, e: &Expr, file: &str, at: (u64, u64), depth: u32) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(Self::error(file, at, "a constant defined through itself"));
        }
        let mut imports = BTreeSet::new();
        let sub = |e: &Expr, imports: &mut BTreeSet<String>| -> Result<String> {
            let v = self.expr(e, file, at, depth)?;
            imports.extend(v.imports);
            Ok(v.python)
        };
        let python = match e {
            Expr::Str(s) => py_str(s),
            Expr::Num(n) => n.clone(),
            Expr::Name(parts) => return self.name(parts, file, at, depth),
            Expr::List(items) => {
                let inner: Result<Vec<String>> =
                    items.iter().map(|i| sub(i, &mut imports)).collect();
                format!("[{}]", inner?.join(", "))
            }
            Expr::Dict(items) => {
                let mut inner = Vec::new();
                for (k, v) in items {
                    inner.push(format!(
                        "{}: {}",
                        sub(k, &mut imports)?,
                        sub(v, &mut imports)?
                    ));
                }
                format!("{{{}}}", inner.join(", "))
            }
            Expr::Call {
                func,
                args,
                kwargs,
                line,
                col,
            } => {
                let Expr::Name(parts) = func.as_ref() else {
                    return Err(Self::error(file, (*line, *col), "this call"));
                };
                let callee = self.name(parts, file, (*line, *col), depth)?;
                imports.extend(callee.imports);
                let mut inner = Vec::new();
                for a in args {
                    inner.push(sub(a, &mut imports)?);
                }
                for (k, v) in kwargs {
                    inner.push(format!("{k}={}", sub(v, &mut imports)?));
                }
                format!("{}({})", callee.python, inner.join(", "))
            }
            Expr::BinOp(op, a, b) => {
                let wrap = |e: &Expr, s: String| match e {
                    Expr::BinOp(..) => format!("({s})"),
                    _ => s,
                };
                let left = sub(a, &mut imports)?;
                let right = sub(b, &mut imports)?;
                format!("{} {op} {}", wrap(a, left), wrap(b, right))
            }
            Expr::Not(inner) => {
                let text = sub(inner, &mut imports)?;
                match inner.as_ref() {
                    Expr::BinOp(..) => format!("~({text})"),
                    _ => format!("~{text}"),
                }
            }
            Expr::Other { line, col } => {
                return Err(Self::error(file, (*line, *col), "this value"));
            }
        };
        Ok(Value { python, imports })
    }

    /// `app_label.Model` for a relation's target as written in `model`.
    fn relation(&self, model: &Model, field: &Field, target: &Expr) -> Result<String> {
        let found = |name: &str, app: Option<&str>| {
            self.models
                .iter()
                .filter(|m| app.is_none_or(|a| m.app == a))
                .find(|m| m.name == name)
                .or_else(|| self.models.iter().find(|m| m.name == name))
                .map(|m| format!("{}.{}", m.app, m.name))
        };
        match target {
            Expr::Str(s) if s == "self" => Ok(format!("{}.{}", model.app, model.name)),
            Expr::Str(s) => Ok(match s.split_once('.') {
                Some((app, name)) => found(name, Some(app)).unwrap_or_else(|| s.clone()),
                None => {
                    found(s, Some(&model.app)).unwrap_or_else(|| format!("{}.{}", model.app, s))
                }
            }),
            Expr::Name(parts) => {
                if let Some((path, None)) = self.path_of(&field.file, parts)
                    && path == "django.conf.settings.AUTH_USER_MODEL"
                {
                    return Ok(self.project.user_model.clone());
                }
                let last = parts.last().map(String::as_str).unwrap_or_default();
                found(last, Some(&model.app)).ok_or_else(|| {
                    Self::error(&field.file, field.at, &format!("`{}`", parts.join(".")))
                })
            }
            other => {
                let at = match other {
                    Expr::Other { line, col } | Expr::Call { line, col, .. } => (*line, *col),
                    _ => field.at,
                };
                Err(Self::error(&field.file, at, "the related model"))
            }
        }
    }

    fn field(&self, model: &Model, field: &Field) -> Result<FieldState> {
        let Some(Expr::Call {
            func, args, kwargs, ..
        }) = &field.call
        else {
            // Django's implicit primary key, as makemigrations writes it.
            return Ok(FieldState {
                name: field.name.clone(),
                column: field.column(),
                class: format!("models.{}", field.kind),
                kwargs: [
                    ("auto_created", "True"),
                    ("primary_key", "True"),
                    ("serialize", "False"),
                    ("verbose_name", "'ID'"),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), Value::plain(*v)))
                .collect(),
                to: None,
                many_to_many: false,
                file: field.file.clone(),
                at: (0, 0),
            });
        };
        let Expr::Name(parts) = func.as_ref() else {
            return Err(Self::error(&field.file, field.at, "the field class"));
        };
        let class = self.name(parts, &field.file, field.at, 0)?;
        if !class.python.starts_with("models.") {
            return Err(Self::error(
                &field.file,
                field.at,
                &format!("the field class `{}`", parts.join(".")),
            ));
        }
        let relation = field.target.is_some();
        let positional: &[&str] = if relation {
            if field.kind == "ManyToManyField" {
                &["to"]
            } else {
                &["to", "on_delete"]
            }
        } else if field.kind == "DecimalField" {
            &["verbose_name", "name", "max_digits", "decimal_places"]
        } else {
            &["verbose_name", "name"]
        };
        let mut all: Vec<(String, &Expr)> = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let Some(k) = positional.get(i) else {
                return Err(Self::error(&field.file, field.at, "a positional argument"));
            };
            all.push((k.to_string(), a));
        }
        all.extend(kwargs.iter().map(|(k, v)| (k.clone(), v)));
        let mut out = Vec::new();
        let mut to = None;
        for (k, v) in all {
            match k.as_str() {
                "to" => to = Some(self.relation(model, field, v)?),
                "through" => {
                    let label = self.relation(model, field, v)?;
                    out.push((k, Value::plain(py_str(&label))));
                }
                _ => out.push((k, self.expr(v, &field.file, field.at, 0)?)),
            }
        }
        Ok(FieldState {
            name: field.name.clone(),
            column: field.column(),
            class: class.python,
            kwargs: out,
            to,
            many_to_many: field.kind == "ManyToManyField",
            file: field.file.clone(),
            at: field.at,
        })
    }

    fn model(&self, model: &Model) -> Result<ModelState> {
        let mut fields = Vec::new();
        for f in model.fields.iter().chain(&model.m2m) {
            fields.push(self.field(model, f)?);
        }
        let at = (0, 0);
        let mut options = Vec::new();
        let mut indexes = Vec::new();
        let mut constraints = Vec::new();
        for (key, value) in &model.meta {
            match key.as_str() {
                "abstract" => {}
                "indexes" | "constraints" => {
                    let Expr::List(items) = value else {
                        return Err(Self::error(&model.file, at, &format!("Meta.{key}")));
                    };
                    let list = if key == "indexes" {
                        &mut indexes
                    } else {
                        &mut constraints
                    };
                    list.clear();
                    for item in items {
                        list.push(self.named(model, item, key == "indexes")?);
                    }
                }
                _ => {
                    options.retain(|(k, _): &(String, Value)| k != key);
                    options.push((key.clone(), self.expr(value, &model.file, at, 0)?));
                }
            }
        }
        Ok(ModelState {
            app: model.app.clone(),
            name: model.name.clone(),
            table: model.table.clone(),
            fields,
            options,
            indexes,
            constraints,
            file: model.file.clone(),
        })
    }

    /// An index or constraint, named as Django names it when Meta leaves the name out.
    fn named(&self, model: &Model, item: &Expr, index: bool) -> Result<Named> {
        let Expr::Call {
            func,
            args,
            kwargs,
            line,
            col,
        } = item
        else {
            return Err(Self::error(&model.file, (0, 0), "an index or constraint"));
        };
        let at = (*line, *col);
        let mut value = self.expr(item, &model.file, at, 0)?;
        let given = kwargs.iter().find(|(k, _)| k == "name").map(|(_, v)| v);
        let name = match given {
            Some(v) => str_of(v).ok_or_else(|| Self::error(&model.file, at, "the name"))?,
            None if index => {
                let fields = kwargs.iter().find(|(k, _)| k == "fields").map(|(_, v)| v);
                let Some(Expr::List(names)) = fields else {
                    return Err(Self::error(
                        &model.file,
                        at,
                        "an index without a name or fields",
                    ));
                };
                let mut columns = Vec::new();
                for n in names {
                    let text =
                        str_of(n).ok_or_else(|| Self::error(&model.file, at, "an index field"))?;
                    let bare = text.trim_start_matches('-');
                    let column = model.field(bare).map(Field::column).ok_or_else(|| {
                        Self::error(&model.file, at, &format!("the index field `{bare}`"))
                    })?;
                    columns.push((column, text.starts_with('-')));
                }
                let name = index_auto_name(&model.table, &columns);
                // The migration needs the name Django gives it.
                let callee = self.expr(func, &model.file, at, 0)?;
                let mut inner = Vec::new();
                for a in args {
                    inner.push(self.expr(a, &model.file, at, 0)?.python);
                }
                for (k, v) in kwargs {
                    inner.push(format!("{k}={}", self.expr(v, &model.file, at, 0)?.python));
                }
                inner.push(format!("name={}", py_str(&name)));
                value.python = format!("{}({})", callee.python, inner.join(", "));
                name
            }
            None => return Err(Self::error(&model.file, at, "a constraint without a name")),
        };
        Ok(Named { name, value })
    }
}

/// The Python-side defaults of the NOT NULL fields of the project at `path`. A zero-downtime
/// plan needs them as database values to fill existing rows, as Django's AddField does.
pub fn python_defaults(path: &Path) -> Result<Vec<PythonDefault>> {
    use crate::model::DefaultValue;
    let project = Project::open(path)?;
    let mut notes = Vec::new();
    let models = resolve(&project, &mut notes)?;
    let literal = |e: &Expr| -> Option<DefaultValue> {
        match e {
            Expr::Str(s) => Some(DefaultValue::String(s.clone())),
            Expr::Num(n) => Some(DefaultValue::Number(n.clone())),
            Expr::Name(_) => e.truthy().filter(|_| !e.is_none()).map(DefaultValue::Bool),
            Expr::Call { func, args, .. } if func.last_name() == Some("date") => {
                let parts: Vec<u32> = args
                    .iter()
                    .filter_map(|a| match a {
                        Expr::Num(n) => n.parse().ok(),
                        _ => None,
                    })
                    .collect();
                match parts.as_slice() {
                    [y, m, d] if args.len() == 3 => {
                        Some(DefaultValue::String(format!("{y:04}-{m:02}-{d:02}")))
                    }
                    _ => None,
                }
            }
            Expr::Call { func, args, .. }
                if matches!(func.last_name(), Some("Decimal" | "Value")) && args.len() == 1 =>
            {
                match &args[0] {
                    Expr::Str(s) if func.last_name() == Some("Decimal") => {
                        Some(DefaultValue::Number(s.clone()))
                    }
                    other => match other {
                        Expr::Str(s) => Some(DefaultValue::String(s.clone())),
                        Expr::Num(n) => Some(DefaultValue::Number(n.clone())),
                        _ => None,
                    },
                }
            }
            _ => None,
        }
    };
    let mut out = Vec::new();
    for model in &models {
        for field in &model.fields {
            if field.flag("null") || field.kw("db_default").is_some() {
                continue;
            }
            let Some(default) = field.kw("default") else {
                // auto_now(_add): Django fills existing rows with the time of the migration.
                if field.flag("auto_now") || field.flag("auto_now_add") {
                    out.push(PythonDefault {
                        table: model.table.clone(),
                        column: field.column(),
                        value: Some(DefaultValue::Function("CURRENT_TIMESTAMP".into())),
                        file: field.file.clone(),
                        at: field.at,
                    });
                }
                continue;
            };
            // A constant of the module stands for its value.
            let resolved = match default {
                Expr::Name(parts) if parts.len() == 1 && default.truthy().is_none() => project
                    .constants
                    .get(&field.file)
                    .and_then(|c| c.iter().rev().find(|(n, _)| n == &parts[0]))
                    .map(|(_, v)| v)
                    .unwrap_or(default),
                other => other,
            };
            out.push(PythonDefault {
                table: model.table.clone(),
                column: field.column(),
                value: literal(resolved),
                file: field.file.clone(),
                at: field.at,
            });
        }
    }
    Ok(out)
}
