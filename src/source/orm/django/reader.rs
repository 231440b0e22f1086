//! The reader of Django projects: a directory holding `manage.py`, or a `models.py` that uses
//! Django. It also reads Django's migration state for the Django renderer.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Dialect;
use crate::model::orm::{OrmSides, django::ProjectState};
use crate::source::LocalTree;
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, is_python_at_git, local_path, path_for};

/// A Django project: a directory holding `manage.py`, or a `models.py` that uses Django.
pub struct Django;

impl SchemaReader for Django {
    fn id(&self) -> &'static str {
        "django"
    }

    fn forms(&self) -> &'static str {
        "a Django project folder (with manage.py) or an app's models.py, read statically"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        local_path(spec).is_some_and(super::is_django_path)
    }

    fn claims_at_git(&self, path: &Path, files: &[(String, String)]) -> bool {
        is_python_at_git(path, files)
    }

    fn needs_checkout(&self) -> bool {
        true
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        super::project_dialect(local_path(spec)?)
    }

    fn detected_as(&self) -> Option<&'static str> {
        Some("django")
    }

    /// An app's models stand for the whole project: the folder holding `manage.py` (the source
    /// itself when it is the project folder, else the folder above a models.py).
    fn source_path(&self, root: &Path, sources: &[&Path]) -> PathBuf {
        let main = sources[0];
        main.ancestors()
            .find(|dir| root.join(dir).join("manage.py").is_file())
            .map(|dir| match dir.as_os_str().is_empty() {
                true => PathBuf::from("."),
                false => dir.to_path_buf(),
            })
            .unwrap_or_else(|| main.to_path_buf())
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        super::parse_with_notes(path_for(self.id(), spec)?, dialect)
    }

    fn project_form(&self) -> Option<&'static str> {
        Some("a Django project directory (with manage.py)")
    }

    fn is_project(&self, path: &Path) -> bool {
        path.is_dir() && path.join("manage.py").is_file()
    }

    fn orm_sides(&self, before: Option<&LocalTree>, after: &Path) -> Result<OrmSides> {
        use super::state::{model_state, python_defaults};
        let after_state = model_state(after)?;
        let before_state = match before {
            Some(tree) => model_state(tree).map_err(|e| tree.relabel_error(e))?,
            None => ProjectState {
                apps: Vec::new(),
                models: Vec::new(),
                user_model: after_state.user_model.clone(),
            },
        };
        Ok(OrmSides::Django {
            before: Box::new(before_state),
            after: Box::new(after_state),
            app_defaults: python_defaults(after)?,
        })
    }
}
