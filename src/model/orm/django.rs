//! Django's migration state of the models: per model its app, name, fields (each a field class
//! with its keyword arguments serialised as Python, the way a migration file spells them) and
//! Meta options. The Django reader builds it; the Django renderer writes migrations from it.

use std::collections::BTreeSet;
use std::path::PathBuf;

/// Python source and the import lines it needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Value {
    pub python: String,
    pub imports: BTreeSet<String>,
}

impl Value {
    pub fn plain(python: impl Into<String>) -> Value {
        Value {
            python: python.into(),
            imports: BTreeSet::new(),
        }
    }
}

/// The import line every migration has; values spelled `models.X` need nothing more.
pub const MODELS_IMPORT: &str = "from django.db import migrations, models";
pub const SETTINGS_IMPORT: &str = "from django.conf import settings";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldState {
    pub name: String,
    pub column: String,
    /// `models.CharField`.
    pub class: String,
    /// Keyword arguments but `to`, in the order written.
    pub kwargs: Vec<(String, Value)>,
    /// The related model as `app_label.ModelName` (relations only).
    pub to: Option<String>,
    pub many_to_many: bool,
    /// Where the field is written (`file`, line, column); line 0 for fields Django adds.
    pub file: String,
    pub at: (u64, u64),
}

impl FieldState {
    pub fn is_relation(&self) -> bool {
        self.to.is_some()
    }
}

/// An index or constraint of Meta, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelState {
    pub app: String,
    pub name: String,
    pub table: String,
    pub fields: Vec<FieldState>,
    /// Meta options other than `indexes` and `constraints`, in the order written.
    pub options: Vec<(String, Value)>,
    pub indexes: Vec<Named>,
    pub constraints: Vec<Named>,
    pub file: String,
}

impl ModelState {
    pub fn label(&self) -> String {
        format!("{}.{}", self.app, self.name)
    }
    pub fn field(&self, name: &str) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn option(&self, key: &str) -> Option<&Value> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppState {
    pub label: String,
    /// The app's package directory.
    pub dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    pub apps: Vec<AppState>,
    pub models: Vec<ModelState>,
    /// Settings' AUTH_USER_MODEL (`app_label.Model`).
    pub user_model: String,
}

impl ProjectState {
    pub fn model(&self, app: &str, name: &str) -> Option<&ModelState> {
        self.models
            .iter()
            .find(|m| m.app == app && m.name.eq_ignore_ascii_case(name))
    }
    pub fn app(&self, label: &str) -> Option<&AppState> {
        self.apps.iter().find(|a| a.label == label)
    }
    /// Whether `label` names the swappable user model.
    pub fn is_user_model(&self, label: &str) -> bool {
        label.eq_ignore_ascii_case(&self.user_model)
    }
}

/// A Python string literal, as `repr` writes it.
pub fn py_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}
