//! Django models as a source, read statically (the project's Python is never run).
//!
//! A spec names a directory holding `manage.py` (the settings module comes from its
//! `DJANGO_SETTINGS_MODULE`, the apps from `INSTALLED_APPS`) or one `models.py` (its directory
//! name is the app label). The models are rendered as the DDL Django 5.2's schema editor
//! creates for the dialect (types, the implicit `id`, FK/index names with Django's md5 digest,
//! many-to-many join tables, Meta options), and that DDL goes through migen's own SQL reader.
//! What cannot be resolved statically is reported at its file:line:col.

mod py;
pub mod state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use py::{Expr, Stmt};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::sql;

/// Whether `path` is something this reader loads: a directory with `manage.py`, or a
/// `models.py` file.
pub fn is_django_path(path: &Path) -> bool {
    (path.is_dir() && path.join("manage.py").is_file())
        || (path.is_file()
            && path.file_name().is_some_and(|n| n == "models.py")
            // SQLAlchemy projects have models.py files too.
            && std::fs::read_to_string(path).is_ok_and(|text| text.contains("django")))
}

/// The dialect of the project's `DATABASES['default']['ENGINE']`, if it names one.
pub fn project_dialect(path: &Path) -> Option<Dialect> {
    let project = Project::open(path).ok()?;
    project.engine
}

/// Read the Django project or models file at `path`; `dialect` must agree with the settings'
/// ENGINE when they name one (`project_dialect` lets the caller pick it first).
pub fn parse_with_notes(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let (used, ddl, notes) = render(path, dialect)?;
    if used != dialect {
        return Err(Error::Usage(format!(
            "{}: the Django settings' ENGINE is {used}, but the dialect is {dialect}",
            path.display()
        )));
    }
    // The contrib DDL is read with the models' so references to auth_user resolve.
    let project = Project::open(path)?;
    let mut notes = notes;
    let mut text = String::new();
    if !project.contrib.is_empty() {
        match contrib_ddl(dialect) {
            Some(contrib) => {
                text.push_str(contrib);
                text.push('\n');
            }
            None => notes.push(format!(
                "the tables of django.contrib apps ({}) are not included for {dialect}",
                project.contrib.join(", ")
            )),
        }
    }
    text.push_str(&ddl);
    let (mut schema, _) = sql::parse_with_notes(dialect, &text, &path.display().to_string())
        .map_err(|e| {
            Error::Usage(format!(
                "{}: the DDL derived from the Django models did not parse: {e}\n{ddl}",
                path.display()
            ))
        })?;
    let dropped: Vec<&str> = CONTRIB
        .iter()
        .filter(|(app, _)| !project.contrib.iter().any(|a| a == app))
        .flat_map(|(_, tables)| tables.iter().copied())
        .collect();
    schema
        .tables
        .retain(|name, _| !dropped.contains(&name.name.as_str()));
    Ok((schema, notes))
}

/// The DDL Django would create for the models at `path`, with the dialect used and notes.
pub fn render(path: &Path, dialect: Dialect) -> Result<(Dialect, String, Vec<String>)> {
    let project = Project::open(path)?;
    let dialect = project.engine.unwrap_or(dialect);
    let mut notes = project.notes.clone();
    let models = resolve(&project, &mut notes)?;
    let auth = project.contrib.iter().any(|a| a == "auth");
    let ddl = Renderer {
        dialect,
        models: &models,
        user_model: project.user_model.clone(),
        contrib_user: Model {
            app: if auth { "auth".into() } else { String::new() },
            name: "User".into(),
            table: "auth_user".into(),
            fields: vec![Field {
                name: "id".into(),
                kind: "AutoField".into(),
                kwargs: vec![("primary_key".into(), Expr::Name(vec!["True".into()]))],
                target: None,
                file: String::new(),
                at: (0, 0),
                call: None,
            }],
            m2m: Vec::new(),
            meta: Vec::new(),
            file: String::new(),
            join_auto_field: DEFAULT_AUTO.into(),
        },
    }
    .ddl()?;
    Ok((dialect, ddl, notes))
}

struct App {
    label: String,
    /// The app's package directory (its `migrations/` folder lives there).
    dir: PathBuf,
    default_auto_field: String,
    /// Settings' DEFAULT_AUTO_FIELD: migrations create auto-created join tables' `id` with it,
    /// whatever the app's AppConfig says.
    project_auto_field: String,
}

struct ClassDef {
    name: String,
    bases: Vec<Expr>,
    fields: Vec<(String, Expr)>,
    meta: Option<Vec<(String, Expr)>>,
    file: String,
    line: u64,
    app: Option<usize>,
}

struct Project {
    apps: Vec<App>,
    /// Installed django.contrib apps whose tables come from `django/contrib/*.sql`.
    contrib: Vec<String>,
    /// Settings' AUTH_USER_MODEL (`app_label.Model`).
    user_model: String,
    classes: Vec<ClassDef>,
    engine: Option<Dialect>,
    notes: Vec<String>,
    /// Per module file: its top-level assignments (constants a field may name).
    constants: HashMap<String, Vec<(String, Expr)>>,
    /// Per module file: the names its imports bind, with the dotted path each stands for and
    /// the project file defining it, when it is one.
    imports: HashMap<String, Vec<Binding>>,
}

#[derive(Debug, Clone)]
struct Binding {
    name: String,
    path: String,
    file: Option<String>,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn str_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn unresolved(file: &str, e: &Expr, what: &str) -> Error {
    let (line, col) = match e {
        Expr::Other { line, col } | Expr::Call { line, col, .. } => (*line, *col),
        _ => (0, 0),
    };
    Error::parse(
        file,
        line,
        col,
        format!("{what} cannot be resolved statically"),
    )
}

const DEFAULT_AUTO: &str = "django.db.models.AutoField";

/// The contrib apps described in `django/contrib/*.sql`, with the tables each creates.
const CONTRIB: &[(&str, &[&str])] = &[
    ("admin", &["django_admin_log"]),
    (
        "auth",
        &[
            "auth_group",
            "auth_group_permissions",
            "auth_permission",
            "auth_user",
            "auth_user_groups",
            "auth_user_user_permissions",
        ],
    ),
    ("contenttypes", &["django_content_type"]),
    ("sessions", &["django_session"]),
];

/// The contrib tables as Django 5.2.8 creates them (see django/contrib/README.md).
fn contrib_ddl(dialect: Dialect) -> Option<&'static str> {
    // An Option so a dialect without a description reads as a note, not an error.
    match dialect {
        Dialect::Sqlite => Some(include_str!("django/contrib/sqlite.sql")),
        Dialect::Postgres => Some(include_str!("django/contrib/postgres.sql")),
        Dialect::Mysql => Some(include_str!("django/contrib/mysql.sql")),
    }
}

impl Project {
    fn open(path: &Path) -> Result<Project> {
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

// ---------------------------------------------------------------------------------------------
// Models

#[derive(Debug, Clone)]
struct Field {
    name: String,
    /// Django's internal type (`CharField`, `ForeignKey`, ...).
    kind: String,
    kwargs: Vec<(String, Expr)>,
    /// The related model (relations only), as written.
    target: Option<Expr>,
    file: String,
    /// Where the field's call is written (line, column); 0 for fields Django adds itself.
    at: (u64, u64),
    /// The call as written (`None` for fields Django adds itself).
    call: Option<Expr>,
}

impl Field {
    fn kw(&self, k: &str) -> Option<&Expr> {
        self.kwargs.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    fn flag(&self, k: &str) -> bool {
        self.kw(k).and_then(Expr::truthy).unwrap_or(false)
    }
    fn column(&self) -> String {
        if let Some(c) = self.kw("db_column").and_then(str_of) {
            return c;
        }
        if self.is_fk() {
            format!("{}_id", self.name)
        } else {
            self.name.clone()
        }
    }
    fn is_fk(&self) -> bool {
        self.kind == "ForeignKey" || self.kind == "OneToOneField"
    }
    fn primary_key(&self) -> bool {
        self.flag("primary_key")
    }
    fn unique(&self) -> bool {
        self.flag("unique") || self.primary_key() || self.kind == "OneToOneField"
    }
    fn int(&self, k: &str) -> Result<Option<i64>> {
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
            Some(e) => Err(unresolved(&self.file, e, &format!("{}.{k}", self.name))),
        }
    }
}

struct Model {
    app: String,
    name: String,
    table: String,
    fields: Vec<Field>,
    m2m: Vec<Field>,
    meta: Vec<(String, Expr)>,
    file: String,
    join_auto_field: String,
}

impl Model {
    fn meta(&self, k: &str) -> Option<&Expr> {
        self.meta.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v)
    }
    fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name == name || f.column() == name)
    }
    fn pk(&self) -> &Field {
        self.fields
            .iter()
            .find(|f| f.primary_key())
            .expect("every model gets a primary key")
    }
}

/// Field classes Django ships, with the internal type they are created as and the
/// `max_length` they default to.
fn field_kind(class: &str) -> Option<(&'static str, Option<i64>)> {
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

fn resolve(project: &Project, notes: &mut Vec<String>) -> Result<Vec<Model>> {
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
                    return Err(unresolved(
                        &file,
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
                    return Err(unresolved(
                        &file,
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
            join_auto_field: app_def.project_auto_field.clone(),
        });
    }
    if models.is_empty() {
        notes.push("no Django models found".into());
    }
    Ok(models)
}

// ---------------------------------------------------------------------------------------------
// DDL

fn names_digest(args: &[&str], length: usize) -> String {
    let mut h = Md5::new();
    for a in args {
        h.update(a.as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_string()
}

/// Django's `BaseDatabaseSchemaEditor._create_index_name`.
fn create_index_name(table: &str, columns: &[&str], suffix: &str, max_length: usize) -> String {
    let mut args = vec![table];
    args.extend_from_slice(columns);
    let mut hash_suffix = format!("{}{suffix}", names_digest(&args, 8));
    let joined = columns.join("_");
    let name = format!("{table}_{joined}_{hash_suffix}");
    if name.len() <= max_length {
        return name;
    }
    if hash_suffix.len() as f64 > max_length as f64 / 3.0 {
        hash_suffix.truncate(max_length / 3);
    }
    let other = (max_length - hash_suffix.len()) / 2 - 1;
    let cut = |s: &str| s.chars().take(other).collect::<String>();
    let mut name = format!("{}_{}_{hash_suffix}", cut(table), cut(&joined));
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.pop();
        name = format!("D{name}");
    }
    name
}

/// Django's `Index.set_name_with_model` (an index in Meta.indexes without a name).
fn index_auto_name(table: &str, columns: &[(String, bool)]) -> String {
    let mut hash: Vec<String> = vec![table.to_string()];
    hash.extend(
        columns
            .iter()
            .map(|(c, desc)| if *desc { format!("-{c}") } else { c.clone() }),
    );
    hash.push("idx".into());
    let refs: Vec<&str> = hash.iter().map(String::as_str).collect();
    let first: String = columns
        .first()
        .map(|(c, _)| c.chars().take(7).collect())
        .unwrap_or_default();
    let mut name = format!(
        "{}_{first}_{}_idx",
        table.chars().take(11).collect::<String>(),
        names_digest(&refs, 6)
    );
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("D{}", &name[1..]);
    }
    name
}

struct Renderer<'a> {
    dialect: Dialect,
    models: &'a [Model],
    user_model: String,
    /// auth.User as a relation target (its table comes from the contrib DDL); its app is
    /// empty when django.contrib.auth is not installed.
    contrib_user: Model,
}

impl Renderer<'_> {
    fn q(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }
    fn max_name(&self) -> usize {
        match self.dialect {
            Dialect::Postgres => 63,
            Dialect::Mysql => 64,
            Dialect::Sqlite => 200,
        }
    }
    fn lit(&self, e: &Expr, file: &str) -> Result<String> {
        Ok(match e {
            Expr::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Expr::Num(n) => n.clone(),
            Expr::Name(n) if n.len() == 1 && (n[0] == "True" || n[0] == "False") => {
                let v = n[0] == "True";
                match self.dialect {
                    Dialect::Postgres => v.to_string(),
                    _ => (v as i32).to_string(),
                }
            }
            Expr::Name(n) if n.len() == 1 && n[0] == "None" => "NULL".into(),
            Expr::Call { func, args, .. }
                if func.last_name() == Some("Value") && args.len() == 1 =>
            {
                self.lit(&args[0], file)?
            }
            other => return Err(unresolved(file, other, "the value")),
        })
    }

    fn target(&self, from: &Model, field: &Field) -> Result<&Model> {
        let t = field.target.as_ref().expect("relations have a target");
        let name = match t {
            Expr::Str(s) if s == "self" => from.name.clone(),
            Expr::Name(parts) if parts.last().is_some_and(|p| p == "AUTH_USER_MODEL") => {
                self.user_model.clone()
            }
            Expr::Str(s) => s.clone(),
            Expr::Name(parts) => parts.join("."),
            other => return Err(unresolved(&field.file, other, "the related model")),
        };
        let (app, model) = match name.rsplit_once('.') {
            Some((a, m)) => (Some(a.rsplit('.').next().unwrap_or(a)), m),
            None => (None, name.as_str()),
        };
        // A bare name is a model of the same app, as Django resolves it.
        let app = app.unwrap_or(&from.app);
        if app == "auth" && model == "User" && self.contrib_user.app == "auth" {
            return Ok(&self.contrib_user);
        }
        self.models
            .iter()
            .find(|m| m.name == model && m.app == app)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{}: {}.{} refers to {name}, which is not a model of the installed apps",
                    field.file, from.name, field.name
                ))
            })
    }

    /// The column type Django creates (`db_type`), plus the check Django adds.
    fn db_type(&self, model: &Model, f: &Field) -> Result<(String, Option<String>)> {
        if f.is_fk() {
            let target = self.target(model, f)?;
            let to_field = match f.kw("to_field").and_then(str_of) {
                Some(n) => target
                    .field(&n)
                    .ok_or_else(|| Error::Usage(format!("{}: to_field {n} not found", f.file)))?,
                None => target.pk(),
            };
            return Ok((self.rel_type(target, to_field)?, None));
        }
        let d = self.dialect;
        let len = f.int("max_length")?;
        let col = self.q(&f.column());
        let t = match f.kind.as_str() {
            "AutoField" => match d {
                Dialect::Mysql => "integer AUTO_INCREMENT".into(),
                _ => "integer".into(),
            },
            "BigAutoField" => match d {
                Dialect::Mysql => "bigint AUTO_INCREMENT".into(),
                Dialect::Postgres => "bigint".into(),
                Dialect::Sqlite => "integer".into(),
            },
            "SmallAutoField" => match d {
                Dialect::Mysql => "smallint AUTO_INCREMENT".into(),
                Dialect::Postgres => "smallint".into(),
                Dialect::Sqlite => "integer".into(),
            },
            "CharField" | "SlugField" | "FileField" | "FilePathField" => match len {
                Some(n) => format!("varchar({n})"),
                None if d != Dialect::Mysql => "varchar".into(),
                None => {
                    return Err(Error::parse(
                        &f.file,
                        f.at.0,
                        f.at.1,
                        format!("{}.{}: MySQL needs max_length", model.name, f.name),
                    ));
                }
            },
            "TextField" => if d == Dialect::Mysql {
                "longtext"
            } else {
                "text"
            }
            .into(),
            "IntegerField" => "integer".into(),
            "BigIntegerField" => "bigint".into(),
            "SmallIntegerField" => "smallint".into(),
            "PositiveIntegerField" | "PositiveSmallIntegerField" | "PositiveBigIntegerField" => {
                let base = match f.kind.as_str() {
                    "PositiveIntegerField" => "integer",
                    "PositiveSmallIntegerField" => "smallint",
                    _ => "bigint",
                };
                let t = match d {
                    Dialect::Sqlite => format!("{base} unsigned"),
                    Dialect::Mysql => format!("{base} UNSIGNED"),
                    Dialect::Postgres => base.to_string(),
                };
                return Ok((t, Some(format!("{col} >= 0"))));
            }
            "BooleanField" => if d == Dialect::Postgres {
                "boolean"
            } else {
                "bool"
            }
            .into(),
            "DateField" => "date".into(),
            "DateTimeField" => match d {
                Dialect::Postgres => "timestamp with time zone",
                Dialect::Mysql => "datetime(6)",
                Dialect::Sqlite => "datetime",
            }
            .into(),
            "TimeField" => if d == Dialect::Mysql {
                "time(6)"
            } else {
                "time"
            }
            .into(),
            "DurationField" => if d == Dialect::Postgres {
                "interval"
            } else {
                "bigint"
            }
            .into(),
            "DecimalField" => match d {
                Dialect::Sqlite => "decimal".into(),
                _ => {
                    let digits = f.int("max_digits")?;
                    let places = f.int("decimal_places")?;
                    format!("numeric({}, {})", digits.unwrap_or(0), places.unwrap_or(0))
                }
            },
            "FloatField" => if d == Dialect::Sqlite {
                "real"
            } else {
                "double precision"
            }
            .into(),
            "BinaryField" => match d {
                Dialect::Postgres => "bytea",
                Dialect::Mysql => "longblob",
                Dialect::Sqlite => "BLOB",
            }
            .into(),
            "UUIDField" => if d == Dialect::Postgres {
                "uuid"
            } else {
                "char(32)"
            }
            .into(),
            "JSONField" => match d {
                Dialect::Postgres => "jsonb".into(),
                Dialect::Mysql => "json".into(),
                Dialect::Sqlite => {
                    return Ok((
                        "text".into(),
                        Some(format!("(JSON_VALID({col}) OR {col} IS NULL)")),
                    ));
                }
            },
            "GenericIPAddressField" => if d == Dialect::Postgres {
                "inet"
            } else {
                "char(39)"
            }
            .into(),
            other => {
                return Err(Error::Usage(format!("{}: no type for {other}", f.file)));
            }
        };
        Ok((t, None))
    }

    /// `rel_db_type`: what a foreign key to `f` is created as.
    fn rel_type(&self, model: &Model, f: &Field) -> Result<String> {
        Ok(match f.kind.as_str() {
            "AutoField" => "integer".into(),
            "BigAutoField" => "bigint".into(),
            "SmallAutoField" => "smallint".into(),
            _ => self.db_type(model, f)?.0,
        })
    }

    fn column_sql(&self, model: &Model, f: &Field, deferred: &mut Vec<String>) -> Result<String> {
        let (t, check) = self.db_type(model, f)?;
        let mut parts = vec![self.q(&f.column()), t];
        if self.dialect == Dialect::Mysql
            && let Some(c) = f.kw("db_comment").and_then(str_of)
        {
            parts.push(format!("COMMENT '{}'", c.replace('\'', "''")));
        }
        if let Some(v) = f.kw("db_default") {
            parts.push(format!("DEFAULT {}", self.lit(v, &f.file)?));
        }
        parts.push(if f.flag("null") { "NULL" } else { "NOT NULL" }.into());
        if f.primary_key() {
            parts.push("PRIMARY KEY".into());
        } else if f.unique() {
            parts.push("UNIQUE".into());
        }
        if let Some(c) = check {
            parts.push(format!("CHECK ({c})"));
        }
        if f.kind.ends_with("AutoField") {
            match self.dialect {
                Dialect::Sqlite => parts.push("AUTOINCREMENT".into()),
                Dialect::Postgres => parts.push("GENERATED BY DEFAULT AS IDENTITY".into()),
                Dialect::Mysql => {}
            }
        }
        if f.is_fk() && f.kw("db_constraint").and_then(Expr::truthy) != Some(false) {
            let target = self.target(model, f)?;
            let to = match f.kw("to_field").and_then(str_of) {
                Some(n) => target.field(&n).map(Field::column).unwrap_or(n),
                None => target.pk().column(),
            };
            match self.dialect {
                Dialect::Sqlite => parts.push(format!(
                    "REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED",
                    self.q(&target.table),
                    self.q(&to)
                )),
                _ => {
                    let name = create_index_name(
                        &model.table,
                        &[&f.column()],
                        &format!("_fk_{}_{}", target.table, to),
                        self.max_name(),
                    );
                    deferred.push(format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){};",
                        self.q(&model.table),
                        self.q(&name),
                        self.q(&f.column()),
                        self.q(&target.table),
                        self.q(&to),
                        if self.dialect == Dialect::Postgres {
                            " DEFERRABLE INITIALLY DEFERRED"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        Ok(parts.join(" "))
    }

    /// The indexes Django adds for a field (`_field_indexes_sql`).
    fn field_indexes(&self, model: &Model, f: &Field, out: &mut Vec<String>) -> Result<()> {
        let column = f.column();
        let indexed = if f.is_fk() {
            // ForeignKey's db_index defaults to True; MySQL's InnoDB indexes FKs itself.
            f.kw("db_index").and_then(Expr::truthy).unwrap_or(true)
                && !f.unique()
                && !(self.dialect == Dialect::Mysql
                    && f.kw("db_constraint").and_then(Expr::truthy) != Some(false))
        } else {
            f.flag("db_index") && !f.unique()
        };
        if indexed {
            out.push(format!(
                "CREATE INDEX {} ON {} ({});",
                self.q(&create_index_name(
                    &model.table,
                    &[&column],
                    "",
                    self.max_name()
                )),
                self.q(&model.table),
                self.q(&column)
            ));
        }
        // `db_index` as Django sees it: on by default for ForeignKey and SlugField.
        let db_index = f
            .kw("db_index")
            .and_then(Expr::truthy)
            .unwrap_or(f.is_fk() || f.kind == "SlugField");
        if self.dialect == Dialect::Postgres && (db_index || f.unique()) {
            let (t, _) = self.db_type(model, f)?;
            let ops = if t.starts_with("varchar") {
                Some("varchar_pattern_ops")
            } else if t.starts_with("text") {
                Some("text_pattern_ops")
            } else {
                None
            };
            if let Some(ops) = ops {
                out.push(format!(
                    "CREATE INDEX {} ON {} ({} {ops});",
                    self.q(&create_index_name(
                        &model.table,
                        &[&column],
                        "_like",
                        self.max_name()
                    )),
                    self.q(&model.table),
                    self.q(&column)
                ));
            }
        }
        Ok(())
    }

    fn columns_of(&self, model: &Model, names: &Expr, what: &str) -> Result<Vec<String>> {
        let Expr::List(items) = names else {
            return Err(unresolved(&model.file, names, what));
        };
        items
            .iter()
            .map(|i| {
                let n = str_of(i).ok_or_else(|| unresolved(&model.file, i, what))?;
                let bare = n.trim_start_matches('-');
                model.field(bare).map(Field::column).ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: {}: {what} names {bare}, which is not a field",
                        model.file, model.name
                    ))
                })
            })
            .collect()
    }

    /// A `Q(...)` condition as SQL.
    fn condition(&self, model: &Model, e: &Expr) -> Result<String> {
        match e {
            Expr::BinOp(op, a, b) => {
                let conn = if op == "&" { "AND" } else { "OR" };
                Ok(format!(
                    "({} {conn} {})",
                    self.condition_inner(model, a, conn)?,
                    self.condition_inner(model, b, conn)?
                ))
            }
            Expr::Not(inner) => Ok(format!("NOT ({})", self.condition(model, inner)?)),
            Expr::Call {
                func, args, kwargs, ..
            } if func.last_name() == Some("Q") => {
                let mut parts = Vec::new();
                for a in args {
                    parts.push(self.condition(model, a)?);
                }
                let mut kw = kwargs.clone();
                kw.sort_by(|a, b| a.0.cmp(&b.0));
                for (k, v) in &kw {
                    parts.push(self.lookup(model, k, v)?);
                }
                Ok(if parts.len() > 1 {
                    format!("({})", parts.join(" AND "))
                } else {
                    parts.pop().unwrap_or_default()
                })
            }
            other => Err(unresolved(&model.file, other, "the condition")),
        }
    }

    fn condition_inner(&self, model: &Model, e: &Expr, _conn: &str) -> Result<String> {
        self.condition(model, e)
    }

    fn lookup(&self, model: &Model, key: &str, value: &Expr) -> Result<String> {
        let (field, op) = match key.rsplit_once("__") {
            Some((f, op)) => (f, op),
            None => (key, "exact"),
        };
        let column = model.field(field).map(Field::column).ok_or_else(|| {
            Error::Usage(format!(
                "{}: {}: condition names {field}, which is not a field",
                model.file, model.name
            ))
        })?;
        let col = self.q(&column);
        let v = || self.lit(value, &model.file);
        Ok(match op {
            "exact" if value.is_none() => format!("{col} IS NULL"),
            // Django writes a boolean field compared with True/False as the bare condition
            // where the backend allows it (all but MySQL).
            "exact"
                if self.dialect != Dialect::Mysql
                    && model.field(field).is_some_and(|f| f.kind == "BooleanField")
                    && value.truthy().is_some()
                    && !value.is_none() =>
            {
                if value.truthy() == Some(true) {
                    col
                } else {
                    format!("NOT {col}")
                }
            }
            "exact" => format!("{col} = {}", v()?),
            "gt" => format!("{col} > {}", v()?),
            "gte" => format!("{col} >= {}", v()?),
            "lt" => format!("{col} < {}", v()?),
            "lte" => format!("{col} <= {}", v()?),
            "isnull" => match value.truthy() {
                Some(true) => format!("{col} IS NULL"),
                Some(false) => format!("{col} IS NOT NULL"),
                None => return Err(unresolved(&model.file, value, "isnull")),
            },
            "in" => {
                let Expr::List(items) = value else {
                    return Err(unresolved(&model.file, value, "the in list"));
                };
                let items: Result<Vec<String>> =
                    items.iter().map(|i| self.lit(i, &model.file)).collect();
                format!("{col} IN ({})", items?.join(", "))
            }
            other => {
                return Err(Error::Usage(format!(
                    "{}: {}: the lookup __{other} is not supported",
                    model.file, model.name
                )));
            }
        })
    }

    fn kwarg<'e>(kwargs: &'e [(String, Expr)], k: &str) -> Option<&'e Expr> {
        kwargs.iter().find(|(n, _)| n == k).map(|(_, v)| v)
    }

    fn table(
        &self,
        model: &Model,
        out: &mut Vec<String>,
        deferred: &mut Vec<String>,
    ) -> Result<()> {
        let mut cols = Vec::new();
        for f in &model.fields {
            cols.push(self.column_sql(model, f, deferred)?);
        }
        let table_q = self.q(&model.table);
        // unique_together: always deferred.
        if let Some(ut) = model.meta("unique_together") {
            let groups = match ut {
                Expr::List(items) if items.iter().all(|i| matches!(i, Expr::List(_))) => {
                    items.clone()
                }
                Expr::List(_) => vec![ut.clone()],
                other => return Err(unresolved(&model.file, other, "Meta.unique_together")),
            };
            for g in groups {
                let columns = self.columns_of(model, &g, "unique_together")?;
                let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
                let name = create_index_name(&model.table, &refs, "_uniq", self.max_name());
                let list = columns
                    .iter()
                    .map(|c| self.q(c))
                    .collect::<Vec<_>>()
                    .join(", ");
                deferred.push(match self.dialect {
                    Dialect::Sqlite => format!(
                        "CREATE UNIQUE INDEX {} ON {table_q} ({list});",
                        self.q(&name)
                    ),
                    _ => format!(
                        "ALTER TABLE {table_q} ADD CONSTRAINT {} UNIQUE ({list});",
                        self.q(&name)
                    ),
                });
            }
        }
        if let Some(cs) = model.meta("constraints") {
            let Expr::List(items) = cs else {
                return Err(unresolved(&model.file, cs, "Meta.constraints"));
            };
            for c in items {
                let Expr::Call { func, kwargs, .. } = c else {
                    return Err(unresolved(&model.file, c, "a constraint"));
                };
                let name = Self::kwarg(kwargs, "name")
                    .and_then(str_of)
                    .ok_or_else(|| unresolved(&model.file, c, "the constraint's name"))?;
                match func.last_name() {
                    Some("CheckConstraint") => {
                        let cond = Self::kwarg(kwargs, "condition")
                            .or_else(|| Self::kwarg(kwargs, "check"))
                            .ok_or_else(|| unresolved(&model.file, c, "the check"))?;
                        cols.push(format!(
                            "CONSTRAINT {} CHECK ({})",
                            self.q(&name),
                            self.condition(model, cond)?
                        ));
                    }
                    Some("UniqueConstraint") => {
                        let fields = Self::kwarg(kwargs, "fields")
                            .ok_or_else(|| unresolved(&model.file, c, "UniqueConstraint fields"))?;
                        let columns = self.columns_of(model, fields, "UniqueConstraint")?;
                        let list = columns
                            .iter()
                            .map(|c| self.q(c))
                            .collect::<Vec<_>>()
                            .join(", ");
                        match Self::kwarg(kwargs, "condition") {
                            Some(cond) => {
                                if self.dialect == Dialect::Mysql {
                                    // MySQL has no partial indexes: Django skips it.
                                    continue;
                                }
                                deferred.push(format!(
                                    "CREATE UNIQUE INDEX {} ON {table_q} ({list}) WHERE {};",
                                    self.q(&name),
                                    self.condition(model, cond)?
                                ));
                            }
                            None => {
                                cols.push(format!("CONSTRAINT {} UNIQUE ({list})", self.q(&name)))
                            }
                        }
                    }
                    _ => return Err(unresolved(&model.file, c, "a constraint")),
                }
            }
        }
        let mut create = format!("CREATE TABLE {table_q} ({})", cols.join(", "));
        if self.dialect == Dialect::Mysql
            && let Some(c) = model.meta("db_table_comment").and_then(str_of)
        {
            create.push_str(&format!(" COMMENT='{}'", c.replace('\'', "''")));
        }
        create.push(';');
        out.push(create);
        if self.dialect == Dialect::Postgres {
            if let Some(c) = model.meta("db_table_comment").and_then(str_of) {
                deferred.push(format!(
                    "COMMENT ON TABLE {table_q} IS '{}';",
                    c.replace('\'', "''")
                ));
            }
            for f in &model.fields {
                if let Some(c) = f.kw("db_comment").and_then(str_of) {
                    deferred.push(format!(
                        "COMMENT ON COLUMN {table_q}.{} IS '{}';",
                        self.q(&f.column()),
                        c.replace('\'', "''")
                    ));
                }
            }
        }
        for f in &model.fields {
            self.field_indexes(model, f, deferred)?;
        }
        if let Some(ix) = model.meta("indexes") {
            let Expr::List(items) = ix else {
                return Err(unresolved(&model.file, ix, "Meta.indexes"));
            };
            for i in items {
                let Expr::Call { func, kwargs, .. } = i else {
                    return Err(unresolved(&model.file, i, "an index"));
                };
                if func.last_name() != Some("Index") {
                    return Err(unresolved(&model.file, i, "an index"));
                }
                let fields = Self::kwarg(kwargs, "fields")
                    .ok_or_else(|| unresolved(&model.file, i, "Index fields"))?;
                let Expr::List(names) = fields else {
                    return Err(unresolved(&model.file, fields, "Index fields"));
                };
                let columns = self.columns_of(model, fields, "Index")?;
                let ordered: Vec<(String, bool)> = columns
                    .iter()
                    .zip(names)
                    .map(|(c, n)| (c.clone(), str_of(n).is_some_and(|s| s.starts_with('-'))))
                    .collect();
                let name = match Self::kwarg(kwargs, "name") {
                    Some(n) => str_of(n).ok_or_else(|| unresolved(&model.file, n, "Index name"))?,
                    None => index_auto_name(&model.table, &ordered),
                };
                let list = ordered
                    .iter()
                    .map(|(c, desc)| format!("{}{}", self.q(c), if *desc { " DESC" } else { "" }))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut sql = format!("CREATE INDEX {} ON {table_q} ({list})", self.q(&name));
                if let Some(cond) = Self::kwarg(kwargs, "condition") {
                    if self.dialect == Dialect::Mysql {
                        continue;
                    }
                    sql.push_str(&format!(" WHERE {}", self.condition(model, cond)?));
                }
                sql.push(';');
                deferred.push(sql);
            }
        }
        Ok(())
    }

    /// The join table Django creates for a ManyToManyField without `through`.
    fn join_model(&self, model: &Model, f: &Field) -> Result<Option<Model>> {
        if f.kw("through").is_some() {
            return Ok(None);
        }
        let target = self.target(model, f)?;
        let table = match f.kw("db_table") {
            Some(t) => str_of(t).ok_or_else(|| unresolved(&f.file, t, "db_table"))?,
            None => format!("{}_{}", model.table, f.name),
        };
        let (from, to) = if target.name == model.name {
            (
                format!("from_{}", model.name.to_lowercase()),
                format!("to_{}", target.name.to_lowercase()),
            )
        } else {
            (model.name.to_lowercase(), target.name.to_lowercase())
        };
        let fk = |name: &str, to: &Model| Field {
            name: name.to_string(),
            kind: "ForeignKey".into(),
            kwargs: Vec::new(),
            target: Some(Expr::Str(format!("{}.{}", to.app, to.name))),
            file: f.file.clone(),
            at: (0, 0),
            call: None,
        };
        let class = model
            .join_auto_field
            .rsplit('.')
            .next()
            .unwrap_or("AutoField");
        let kind = field_kind(class).map(|(k, _)| k).unwrap_or("AutoField");
        Ok(Some(Model {
            app: model.app.clone(),
            name: format!("{}_{}", model.name, f.name),
            table,
            fields: vec![
                Field {
                    name: "id".into(),
                    kind: kind.into(),
                    kwargs: vec![("primary_key".into(), Expr::Name(vec!["True".into()]))],
                    target: None,
                    file: f.file.clone(),
                    at: (0, 0),
                    call: None,
                },
                fk(&from, model),
                fk(&to, target),
            ],
            m2m: Vec::new(),
            meta: vec![(
                "unique_together".into(),
                Expr::List(vec![Expr::List(vec![Expr::Str(from), Expr::Str(to)])]),
            )],
            file: f.file.clone(),
            join_auto_field: model.join_auto_field.clone(),
        }))
    }

    fn ddl(&self) -> Result<String> {
        let mut out = Vec::new();
        let mut deferred = Vec::new();
        let mut joins = Vec::new();
        for m in self.models {
            self.table(m, &mut out, &mut deferred)?;
            for f in &m.m2m {
                if let Some(j) = self.join_model(m, f)? {
                    joins.push(j);
                }
            }
        }
        // Join tables refer only to models, which `target` finds among `self.models`.
        for j in &joins {
            self.table(j, &mut out, &mut deferred)?;
        }
        out.extend(deferred);
        Ok(out.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_match_djangos() {
        // From Django's own sqlmigrate output (ORACLES.md fixture 08_add_foreign_key).
        assert_eq!(
            create_index_name("lib_book", &["author_id"], "", 200),
            "lib_book_author_id_f69b47a6"
        );
        assert_eq!(
            create_index_name("lib_book", &["author_id"], "_fk_lib_author_id", 63),
            "lib_book_author_id_f69b47a6_fk_lib_author_id"
        );
    }

    #[test]
    fn reads_a_models_file() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("lib");
        std::fs::create_dir(&app).unwrap();
        std::fs::write(
            app.join("models.py"),
            "from django.db import models\n\nclass Author(models.Model):\n    name = models.CharField(max_length=50)\n\nclass Book(models.Model):\n    author = models.ForeignKey(Author, on_delete=models.CASCADE)\n",
        )
        .unwrap();
        let (_, ddl, _) = render(&app.join("models.py"), Dialect::Sqlite).unwrap();
        assert!(ddl.contains("CREATE TABLE \"lib_author\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"name\" varchar(50) NOT NULL);"), "{ddl}");
        assert!(
            ddl.contains(
                "CREATE INDEX \"lib_book_author_id_f69b47a6\" ON \"lib_book\" (\"author_id\");"
            ),
            "{ddl}"
        );
        let (schema, _) = parse_with_notes(&app.join("models.py"), Dialect::Sqlite).unwrap();
        assert_eq!(schema.tables.len(), 2);
    }

    #[test]
    fn a_field_built_by_a_function_is_reported_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("models.py");
        std::fs::write(
            &file,
            "from django.db import models\n\nclass A(models.Model):\n    x = models.CharField(max_length=size())\n",
        )
        .unwrap();
        let err = render(&file, Dialect::Sqlite).unwrap_err().to_string();
        assert!(err.contains("models.py:4:"), "{err}");
    }

    #[test]
    fn a_charfield_without_max_length_on_mysql_is_reported_at_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("models.py");
        std::fs::write(
            &file,
            "from django.db import models\n\nclass A(models.Model):\n    x = models.CharField()\n",
        )
        .unwrap();
        let err = render(&file, Dialect::Mysql).unwrap_err().to_string();
        assert!(err.contains("models.py:4:"), "{err}");
        // PostgreSQL and SQLite accept an unbounded varchar.
        assert!(render(&file, Dialect::Postgres).is_ok());
    }
}
