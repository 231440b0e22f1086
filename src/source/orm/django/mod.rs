//! Django models as a source, read statically (the project's Python is never run).
//!
//! A spec names a directory holding `manage.py` (the settings module comes from its
//! `DJANGO_SETTINGS_MODULE`, the apps from `INSTALLED_APPS`) or one `models.py` (its directory
//! name is the app label). The models are rendered as the DDL Django 5.2's schema editor
//! creates for the dialect (types, the implicit `id`, FK/index names with Django's md5 digest,
//! many-to-many join tables, Meta options), and that DDL goes through migen's own SQL reader.
//! What cannot be resolved statically is reported at its file:line:col, and so is generated SQL
//! the SQL reader refuses: each piece of the DDL remembers the field, model or Meta entry it
//! comes from (`orm::generated`).

mod ddl;
mod models;
mod project;
pub(crate) mod reader;
pub mod state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::orm::generated::GeneratedDdl;
use crate::source::orm::python::lines::Expr;
use ddl::{Renderer, files_of};
use models::{Field, Model, resolve};

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
    let project = Project::open(path)?;
    // The contrib DDL is read with the models' so references to auth_user resolve.
    let contrib = if project.contrib.is_empty() {
        None
    } else {
        contrib_ddl(dialect)
    };
    let (used, ddl, mut notes) = generate(&project, dialect, contrib)?;
    if used != dialect {
        return Err(Error::Usage(format!(
            "{}: the Django settings' ENGINE is {used}, but the dialect is {dialect}",
            path.display()
        )));
    }
    if !project.contrib.is_empty() && contrib.is_none() {
        notes.push(format!(
            "the tables of django.contrib apps ({}) are not included for {dialect}",
            project.contrib.join(", ")
        ));
    }
    // What the SQL reader refuses is reported at the field, model or Meta entry it comes from.
    let mut schema = ddl.parse(dialect, "Django", &path.display().to_string())?;
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
    let (dialect, ddl, notes) = generate(&project, dialect, None)?;
    Ok((dialect, ddl.text(), notes))
}

/// The project's DDL, after `prefix` (a file name and its SQL), for the settings' ENGINE or else
/// `dialect`.
fn generate(
    project: &Project,
    dialect: Dialect,
    prefix: Option<(&str, &str)>,
) -> Result<(Dialect, GeneratedDdl, Vec<String>)> {
    let dialect = project.engine.unwrap_or(dialect);
    let mut notes = project.notes.clone();
    let models = resolve(project, &mut notes)?;
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
            at: (0, 0),
            join_auto_field: DEFAULT_AUTO.into(),
        },
        files: files_of(&models),
    }
    .ddl(prefix)?;
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
    crate::source::read_text(path)
}

fn str_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Str(s) => Some(s.clone()),
        _ => None,
    }
}

fn unresolved(file: &str, e: &Expr, what: &str) -> Error {
    unresolved_at(file, (0, 0), e, what)
}

/// `at`: where the field or model holding `e` is written, for expressions that keep no position.
fn unresolved_at(file: &str, at: (u64, u64), e: &Expr, what: &str) -> Error {
    let at = match e {
        Expr::Other { line, col } | Expr::Call { line, col, .. } => (*line, *col),
        _ => at,
    };
    located(file, at, format!("{what} cannot be resolved statically"))
}

/// An error about the models at a field's or model's position. Fields and join tables Django
/// adds itself have none (0): they are then placed at the file's start rather than nowhere.
fn located(file: &str, (line, col): (u64, u64), message: String) -> Error {
    Error::parse(file, line.max(1), col.max(1), message)
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

/// The contrib tables as Django 5.2.8 creates them (see django/contrib/README.md): the file
/// migen keeps them in, which errors in them name, and its SQL.
fn contrib_ddl(dialect: Dialect) -> Option<(&'static str, &'static str)> {
    // An Option so a dialect without a description reads as a note, not an error.
    match dialect {
        Dialect::Sqlite => Some((
            "src/source/orm/django/contrib/sqlite.sql",
            include_str!("contrib/sqlite.sql"),
        )),
        Dialect::Postgres => Some((
            "src/source/orm/django/contrib/postgres.sql",
            include_str!("contrib/postgres.sql"),
        )),
        Dialect::Mysql => Some((
            "src/source/orm/django/contrib/mysql.sql",
            include_str!("contrib/mysql.sql"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::ddl::create_index_name;
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

    /// `parse_with_notes`'s error for one models.py holding `models`.
    fn reading_error(models: &str, dialect: Dialect) -> String {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("models.py");
        std::fs::write(&file, models).unwrap();
        let error = parse_with_notes(&file, dialect).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{error}");
        error
            .to_string()
            .replace(&file.display().to_string(), "models.py")
    }

    #[test]
    fn sql_the_sql_reader_refuses_is_reported_at_the_field() {
        // Django's MySQL backend escapes the backslash; migen's literal does not, so the SQL
        // reader sees an unterminated string.
        let error = reading_error(
            "from django.db import models\n\nclass A(models.Model):\n    name = models.CharField(max_length=5)\n    path = models.CharField(max_length=5, db_default=\"C:\\\\\")\n",
            Dialect::Mysql,
        );
        assert!(
            error.starts_with("models.py:5:19: migen cannot read the SQL Django makes of this: "),
            "{error}"
        );
    }

    #[test]
    fn sql_the_sql_reader_refuses_is_reported_at_the_meta_entry() {
        let error = reading_error(
            "from django.db import models\n\nclass A(models.Model):\n    x = models.IntegerField()\n\n    class Meta:\n        constraints = [models.CheckConstraint(condition=models.Q(x__in=[]), name=\"c\")]\n",
            Dialect::Postgres,
        );
        assert!(
            error.starts_with("models.py:7:31: migen cannot read the SQL Django makes of this: "),
            "{error}"
        );
    }
}
