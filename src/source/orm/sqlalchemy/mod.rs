//! SQLAlchemy models (`.py` files, or a directory of them) → `Schema`, read without running
//! Python.
//!
//! The shared Python-subset parser (`orm::python::syntax`) reads module-level assignments and
//! class bodies; the declarative classes (2.x `DeclarativeBase` with `Mapped[...]`/
//! `mapped_column`, and 1.x `declarative_base()` with `Column`), `Table(...)` association tables,
//! Python enum classes and `MetaData(naming_convention=...)` are resolved into tables. The reader then renders the DDL
//! `metadata.create_all()` emits for the dialect (same types, defaults and constraint/index
//! names; checked against SQLAlchemy itself in `tests/sqlalchemy.rs`) and reads it with migen's
//! SQL parser, so the models normalise exactly like the database SQLAlchemy creates. Every
//! generated line remembers the model position it came from, so errors point at the `.py`.
//!
//! `load_exact` instead imports the project's models with its own Python and parses the DDL
//! SQLAlchemy compiles for the dialect.

mod collect;
mod columns;
mod ddl;
mod exact;
mod models;
pub(crate) mod reader;
mod types;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use ddl::render;
pub use exact::{exact_ddl, load_exact};

/// Whether `path` holds SQLAlchemy models: a `.py` file or a directory of `.py` files (not a
/// Django project, which has `manage.py`) whose text imports SQLAlchemy.
pub fn is_models_path(path: &Path) -> bool {
    // A directory of .sql files stays SQL even if a helper script sits next to them.
    let has_sql = path.is_dir()
        && std::fs::read_dir(path).is_ok_and(|entries| {
            entries
                .filter_map(|e| e.ok())
                .any(|e| e.path().extension().is_some_and(|x| x == "sql"))
        });
    !has_sql
        && model_files(path).is_ok_and(|files| {
            !files.is_empty() && files.iter().any(|(_, text)| text.contains("sqlalchemy"))
        })
}

/// The dialect `alembic.ini`'s `sqlalchemy.url` names, looking from the models' folder up to
/// three folders higher (models usually sit in a package below the project root).
pub fn alembic_dialect(path: &Path) -> Option<Dialect> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start.ancestors().take(4).find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("alembic.ini")).ok()?;
        let url = text.lines().find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == "sqlalchemy.url").then(|| value.trim().to_string())
        })?;
        let scheme = url.split_once("://")?.0;
        Dialect::parse(scheme.split('+').next()?)
    })
}

/// The `.py` files of a models path, (name, text), in name order. A directory is read with its
/// sub-directories, leaving out virtual environments, caches and migration scripts.
pub fn model_files(path: &Path) -> Result<Vec<(String, String)>> {
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "py") {
            return Ok(vec![(path.display().to_string(), read(path)?)]);
        }
        return Ok(Vec::new());
    }
    if !path.is_dir() || path.join("manage.py").exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    collect_py(path, &mut found)?;
    found.sort();
    let mut files = Vec::new();
    for file in found {
        files.push((file.display().to_string(), read(&file)?));
    }
    Ok(files)
}

fn collect_py(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            // Not models: environments, caches, Alembic's own scripts.
            let skip = name.starts_with('.')
                || matches!(
                    name.as_str(),
                    "venv" | "__pycache__" | "node_modules" | "alembic" | "migrations" | "versions"
                )
                || path.join("pyvenv.cfg").exists();
            if !skip {
                collect_py(&path, found)?;
            }
        } else if name.ends_with(".py") && name != "env.py" {
            found.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    crate::source::read_text(path)
}

/// Read the models at `path` statically for `dialect`.
pub fn load(path: &Path, dialect: Dialect) -> Result<(Schema, Vec<String>)> {
    let files = model_files(path)?;
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no SQLAlchemy model files (.py) there",
            path.display()
        )));
    }
    parse_with_notes(&files, dialect)
}

/// Read model files (name, text) as one schema for `dialect`.
pub fn parse_with_notes(
    files: &[(String, String)],
    dialect: Dialect,
) -> Result<(Schema, Vec<String>)> {
    let rendered = render(files, dialect)?;
    let label = files
        .first()
        .map(|(name, _)| name.as_str())
        .unwrap_or_default();
    // A generated statement the SQL reader refuses is reported where its source is.
    let schema = rendered.ddl.parse(dialect, "SQLAlchemy", label)?;
    Ok((schema, rendered.notes))
}

/// The DDL `metadata.create_all()` would run for the models on an empty database.
pub fn ddl(files: &[(String, String)], dialect: Dialect) -> Result<String> {
    Ok(render(files, dialect)?.ddl.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ddl_of(text: &str, dialect: Dialect) -> Result<String> {
        ddl(&[("models.py".to_string(), text.to_string())], dialect)
    }

    const HEAD: &str = "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\
        class Base(DeclarativeBase):\n    pass\n";

    #[test]
    fn comments_strings_and_continuations_do_not_confuse_the_reader() {
        let text = format!(
            "{HEAD}\"\"\"A docstring\nclass Fake(Base):\"\"\"\n\
             class T(Base):  # the real one\n    __tablename__ = (\"t\"\n        \"wo\")\n\
             \x20   id: Mapped[int] = \\\n        mapped_column(primary_key=True)\n\
             \x20   def helper(self):\n        return 1\n\
             \x20   x: Mapped[str] = mapped_column(String(3), comment='a # not a comment')\n"
        );
        let sql = ddl_of(&text, Dialect::Postgres).unwrap();
        assert!(sql.contains("CREATE TABLE \"two\""), "{sql}");
        assert!(sql.contains("\"id\" SERIAL NOT NULL"), "{sql}");
        assert!(sql.contains("\"x\" VARCHAR(3) NOT NULL"), "{sql}");
        assert!(!sql.contains("Fake"), "{sql}");
    }

    #[test]
    fn a_helper_built_column_is_reported_where_it_is() {
        let text = format!(
            "{HEAD}class T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    price: Mapped[int] = money()\n"
        );
        let error = ddl_of(&text, Dialect::Sqlite).unwrap_err().to_string();
        assert!(error.starts_with("models.py:7:26:"), "{error}");
        assert!(error.contains("money(...)"), "{error}");
    }

    #[test]
    fn string_without_length_is_refused_only_on_mysql() {
        let text = format!(
            "{HEAD}class T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str]\n"
        );
        assert!(
            ddl_of(&text, Dialect::Sqlite)
                .unwrap()
                .contains("\"name\" VARCHAR NOT NULL")
        );
        let error = ddl_of(&text, Dialect::Mysql).unwrap_err().to_string();
        assert!(error.contains("models.py:7:"), "{error}");
        assert!(error.contains("without a length"), "{error}");
    }

    #[test]
    fn a_django_project_or_sql_folder_is_not_sqlalchemy() {
        let dir = std::env::temp_dir().join(crate::source::live::unique_scratch_name());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("models.py"), "import sqlalchemy\n").unwrap();
        assert!(is_models_path(&dir));
        std::fs::write(
            dir.join("alembic.ini"),
            "[alembic]\nsqlalchemy.url = mysql+pymysql://app@db/app\n",
        )
        .unwrap();
        assert_eq!(
            alembic_dialect(&dir.join("models.py")),
            Some(Dialect::Mysql)
        );
        std::fs::write(dir.join("schema.sql"), "CREATE TABLE t (id int);").unwrap();
        assert!(!is_models_path(&dir));
        std::fs::remove_file(dir.join("schema.sql")).unwrap();
        std::fs::write(dir.join("manage.py"), "").unwrap();
        assert!(!is_models_path(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sql_the_sql_reader_refuses_is_reported_at_the_column() {
        let text = format!(
            "{HEAD}from sqlalchemy import text\nclass T(Base):\n    __tablename__ = \"t\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    x: Mapped[int] = mapped_column(server_default=text(\"'unfinished\"))\n"
        );
        let files = [("models.py".to_string(), text)];
        let error = parse_with_notes(&files, Dialect::Postgres)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "models.py:8:22: migen cannot read the SQL SQLAlchemy makes of this: "
            ),
            "{error}"
        );
    }
}
