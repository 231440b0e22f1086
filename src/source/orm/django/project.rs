//! Reading a Django project: settings (INSTALLED_APPS, DATABASES, DEFAULT_AUTO_FIELD,
//! AUTH_USER_MODEL), each app's AppConfig, and the module files that define model classes,
//! their constants and imports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{App, Binding, CONTRIB, ClassDef, DEFAULT_AUTO, Project, read, str_of, unresolved};
use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::orm::python::lines::{self as py, Expr, Stmt};

impl Project {
    pub(super) fn open(path: &Path) -> Result<Project> {
        let mut project = Project {
            apps: Vec::new(),
            contrib: Vec::new(),
            user_model: "auth.User".into(),
            classes: Vec::new(),
            engine: None,
            notes: Vec::new(),
            constants: HashMap::new(),
            imports: HashMap::new(),
        };
        if path.is_file() {
            let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            let label = dir
                .canonicalize()
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "app".into());
            project.apps.push(App {
                label,
                dir: dir.clone(),
                default_auto_field: DEFAULT_AUTO.into(),
                project_auto_field: DEFAULT_AUTO.into(),
            });
            project.load_module(path, Some(0), &dir)?;
            return Ok(project);
        }
        let root = path.to_path_buf();
        let manage = root.join("manage.py");
        let manage_text = read(&manage)?;
        let settings_module = manage_text
            .split("DJANGO_SETTINGS_MODULE")
            .nth(1)
            .and_then(|rest| {
                // Past the key's own closing quote, the next string is the module.
                let rest = rest.trim_start_matches(['\'', '"']);
                let q = rest.find(['\'', '"'])?;
                let quote = rest[q..].chars().next()?;
                let rest = &rest[q + 1..];
                Some(rest[..rest.find(quote)?].to_string())
            })
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: no DJANGO_SETTINGS_MODULE found",
                    manage.display()
                ))
            })?;
        let settings_path = module_file(&root, &settings_module).ok_or_else(|| {
            Error::Usage(format!(
                "{}: settings module {settings_module} not found under {}",
                manage.display(),
                root.display()
            ))
        })?;
        let settings_name = settings_path.display().to_string();
        let stmts = py::statements(&settings_name, &read(&settings_path)?)?;
        let mut installed = None;
        let mut default_auto = DEFAULT_AUTO.to_string();
        for s in &stmts {
            if let Stmt::Assign {
                target,
                value,
                indent: 0,
                ..
            } = s
            {
                match target.as_str() {
                    "INSTALLED_APPS" => installed = Some(value.clone()),
                    "DEFAULT_AUTO_FIELD" => {
                        default_auto = str_of(value).ok_or_else(|| {
                            unresolved(&settings_name, value, "DEFAULT_AUTO_FIELD")
                        })?
                    }
                    "DATABASES" => project.engine = engine_of(value),
                    "AUTH_USER_MODEL" => {
                        project.user_model = str_of(value)
                            .ok_or_else(|| unresolved(&settings_name, value, "AUTH_USER_MODEL"))?
                    }
                    _ => {}
                }
            }
        }
        let Some(installed) = installed else {
            return Err(Error::Usage(format!(
                "{settings_name}: no INSTALLED_APPS assignment"
            )));
        };
        let Expr::List(entries) = &installed else {
            return Err(unresolved(&settings_name, &installed, "INSTALLED_APPS"));
        };
        for entry in entries {
            let name =
                str_of(entry).ok_or_else(|| unresolved(&settings_name, entry, "an app entry"))?;
            if let Some(rest) = name.strip_prefix("django.contrib.") {
                let app = rest.split('.').next().unwrap_or(rest);
                if CONTRIB.iter().any(|(a, _)| *a == app) {
                    project.contrib.push(app.to_string());
                } else if !["messages", "staticfiles", "humanize"].contains(&app) {
                    // Apps without tables need nothing; the others are not described.
                    project.notes.push(format!(
                        "{name}: the tables of this contrib app are not included"
                    ));
                }
                continue;
            }
            project.add_app(&root, &name, &default_auto)?;
        }
        Ok(project)
    }

    fn add_app(&mut self, root: &Path, entry: &str, default_auto: &str) -> Result<()> {
        // `pkg.apps.SomeConfig` names an AppConfig; `pkg` a package (whose apps.py may hold one).
        let (module, config_class) = if module_dir(root, entry).is_some() {
            (entry.to_string(), None::<String>)
        } else if let Some((module, class)) = entry.rsplit_once('.') {
            let module = module.strip_suffix(".apps").unwrap_or(module).to_string();
            (module, Some(class.to_string()))
        } else {
            (entry.to_string(), None)
        };
        let Some(dir) = module_dir(root, &module) else {
            self.notes.push(format!(
                "app {entry} is not in the project (an installed package): its models are not included"
            ));
            return Ok(());
        };
        let mut label = module.rsplit('.').next().unwrap_or(&module).to_string();
        let mut auto = default_auto.to_string();
        let apps_py = dir.join("apps.py");
        if apps_py.is_file() {
            let name = apps_py.display().to_string();
            let stmts = py::statements(&name, &read(&apps_py)?)?;
            let mut in_config: Option<usize> = None;
            for s in &stmts {
                match s {
                    Stmt::Class {
                        name: cname,
                        bases,
                        indent,
                        ..
                    } => {
                        let is_config = bases
                            .iter()
                            .any(|b| b.last_name().is_some_and(|n| n.ends_with("AppConfig")));
                        let wanted = config_class.as_deref().is_none_or(|c| c == cname);
                        in_config = (is_config && wanted).then_some(*indent);
                    }
                    Stmt::Assign {
                        target,
                        value,
                        indent,
                        ..
                    } if in_config.is_some_and(|i| *indent > i) => match target.as_str() {
                        "label" => {
                            label = str_of(value)
                                .ok_or_else(|| unresolved(&name, value, "AppConfig.label"))?
                        }
                        "default_auto_field" => {
                            auto = str_of(value).ok_or_else(|| {
                                unresolved(&name, value, "AppConfig.default_auto_field")
                            })?
                        }
                        _ => {}
                    },
                    other if in_config.is_some_and(|i| other.indent() <= i) => in_config = None,
                    _ => {}
                }
            }
        }
        let index = self.apps.len();
        self.apps.push(App {
            label,
            dir: dir.clone(),
            default_auto_field: auto,
            project_auto_field: default_auto.to_string(),
        });
        let single = dir.join("models.py");
        if single.is_file() {
            self.load_module(&single, Some(index), root)?;
        } else if dir.join("models").is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("models"))
                .map_err(|source| Error::Io {
                    path: dir.join("models"),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "py"))
                .collect();
            files.sort();
            for file in files {
                self.load_module(&file, Some(index), root)?;
            }
        }
        Ok(())
    }

    /// Reads the classes of one module; modules it imports from inside the project are read
    /// too (for abstract bases and mixins), without making their models the app's.
    fn load_module(&mut self, path: &Path, app: Option<usize>, root: &Path) -> Result<()> {
        let name = path.display().to_string();
        if self.classes.iter().any(|c| c.file == name) {
            // Already read as a helper module: now it belongs to the app.
            if app.is_some() {
                for c in self.classes.iter_mut().filter(|c| c.file == name) {
                    c.app = c.app.or(app);
                }
            }
            return Ok(());
        }
        if self.imports.contains_key(&name) {
            // Being read already, further up: an import cycle (a module importing itself).
            return Ok(());
        }
        let stmts = py::statements(&name, &read(path)?)?;
        let mut imports = Vec::new();
        let mut stack: Vec<(usize, usize, bool)> = Vec::new(); // (indent, class index, in Meta)
        for s in stmts {
            while stack.last().is_some_and(|(i, _, _)| s.indent() <= *i) {
                stack.pop();
            }
            match s {
                Stmt::Class {
                    name: cname,
                    bases,
                    indent,
                    line,
                } => {
                    if let Some(&(_, owner, false)) = stack.last() {
                        if cname == "Meta" {
                            self.classes[owner].meta.get_or_insert_with(Vec::new);
                            stack.push((indent, owner, true));
                        } else {
                            // A nested class other than Meta (TextChoices, say): not a model.
                            stack.push((indent, usize::MAX, true));
                        }
                        continue;
                    }
                    if !stack.is_empty() {
                        stack.push((indent, usize::MAX, true));
                        continue;
                    }
                    self.classes.push(ClassDef {
                        name: cname,
                        bases,
                        fields: Vec::new(),
                        meta: None,
                        file: name.clone(),
                        line,
                        app,
                    });
                    stack.push((indent, self.classes.len() - 1, false));
                }
                Stmt::Assign { target, value, .. } => match stack.last() {
                    None => self
                        .constants
                        .entry(name.clone())
                        .or_default()
                        .push((target, value)),
                    Some(&(_, owner, false)) => self.classes[owner].fields.push((target, value)),
                    Some(&(_, owner, true)) if owner != usize::MAX && stack.len() == 2 => {
                        if let Some(meta) = self.classes[owner].meta.as_mut() {
                            meta.push((target, value))
                        }
                    }
                    _ => {}
                },
                Stmt::Import { module, names, .. } => imports.push((module, names)),
                Stmt::Other { .. } => {}
            }
        }
        for (module, names) in imports {
            let file = if module.is_empty() {
                None
            } else if module.starts_with('.') {
                // One dot is this module's package; each further dot goes up one level.
                let rel = module.trim_start_matches('.');
                let mut base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
                for _ in 1..(module.len() - rel.len()) {
                    base = base.parent().unwrap_or(Path::new(".")).to_path_buf();
                }
                if rel.is_empty() {
                    None
                } else {
                    module_file(&base, rel)
                }
            } else {
                module_file(root, &module)
            };
            let defined_in = file.as_ref().map(|f| f.display().to_string());
            self.imports
                .entry(name.clone())
                .or_default()
                .extend(names.into_iter().map(|(binding, path)| Binding {
                    name: binding,
                    path,
                    file: defined_in.clone(),
                }));
            if let Some(file) = file {
                self.load_module(&file, None, root)?;
            }
        }
        Ok(())
    }
}

fn module_dir(root: &Path, module: &str) -> Option<PathBuf> {
    let dir = root.join(module.replace('.', "/"));
    dir.is_dir().then_some(dir)
}

fn module_file(root: &Path, module: &str) -> Option<PathBuf> {
    let base = root.join(module.replace('.', "/"));
    let file = base.with_extension("py");
    if file.is_file() {
        return Some(file);
    }
    let init = base.join("__init__.py");
    init.is_file().then_some(init)
}

fn engine_of(databases: &Expr) -> Option<Dialect> {
    let Expr::Dict(items) = databases else {
        return None;
    };
    let (_, default) = items
        .iter()
        .find(|(k, _)| str_of(k).as_deref() == Some("default"))?;
    let Expr::Dict(settings) = default else {
        return None;
    };
    let (_, engine) = settings
        .iter()
        .find(|(k, _)| str_of(k).as_deref() == Some("ENGINE"))?;
    let backend = str_of(engine)?;
    let last = backend.rsplit('.').next()?;
    if last.starts_with("postgresql") || last.starts_with("postgis") {
        Some(Dialect::Postgres)
    } else if last.starts_with("mysql") {
        Some(Dialect::Mysql)
    } else if last.starts_with("sqlite") || last.starts_with("spatialite") {
        Some(Dialect::Sqlite)
    } else {
        None
    }
}
