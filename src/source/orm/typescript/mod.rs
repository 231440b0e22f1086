//! TypeScript and JavaScript sources read without running them, for the readers of JavaScript
//! ORMs (TypeORM, Sequelize; drizzle can reuse it). oxc parses each file; what the readers
//! need of it is copied into a small owned tree (`Module`: classes with their decorators and
//! typed properties, enums, top-level constants, imports and exports, the calls made at the top
//! level), so oxc's arena lifetime stays inside this module. `project::Sources` follows
//! relative imports across files.

mod convert;
pub mod project;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::source::orm::generated::Origin;

pub use project::{Resolved, Sources};

/// A value as the source writes it, with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Origin,
}

/// The expressions readers understand; anything else is `Other` with its source text, so a
/// reader can say exactly what it cannot read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Undefined,
    Array(Vec<Node>),
    /// Properties in order; a spread is the key `...` with the spread value.
    Object(Vec<(String, Node)>),
    Ident(String),
    /// `object.property`.
    Member(Box<Node>, String),
    /// An arrow function (or function expression) returning an expression: the parameters'
    /// names and the returned value.
    Arrow(Vec<String>, Box<Node>),
    Call {
        callee: Box<Node>,
        args: Vec<Node>,
        new: bool,
    },
    /// A binary operation such as `__dirname + "/entity/*.ts"`.
    Binary(String, Box<Node>, Box<Node>),
    /// A template literal with substitutions, or a tagged one (drizzle's ``sql`now()` ``): the
    /// tag, the literal parts (one more than the substitutions) and the substitutions.
    Template {
        tag: Option<Box<Node>>,
        quasis: Vec<String>,
        exprs: Vec<Node>,
    },
    Other(String),
}

impl Node {
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn num(&self) -> Option<f64> {
        match self.value {
            Value::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// An object literal's property (the last one of that name, as JavaScript keeps).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(props) => props.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    /// A dotted name: `User`, `Role.Admin`, `TypeOrmModule.forRoot`.
    pub fn path(&self) -> Option<String> {
        match &self.value {
            Value::Ident(name) => Some(name.clone()),
            Value::Member(object, property) => Some(format!("{}.{property}", object.path()?)),
            _ => None,
        }
    }

    /// The value an arrow function returns (`() => User` gives `User`).
    pub fn returned(&self) -> Option<&Node> {
        match &self.value {
            Value::Arrow(_, body) => Some(body),
            _ => None,
        }
    }

    /// The callee's dotted name and the arguments, for a call or `new`.
    pub fn call(&self) -> Option<(String, &[Node])> {
        match &self.value {
            Value::Call { callee, args, .. } => Some((callee.path()?, args)),
            _ => None,
        }
    }

    /// How the source wrote the value, for messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Str(s) => format!("{s:?}"),
            Value::Num(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            Value::Undefined => "undefined".into(),
            Value::Array(_) => "an array".into(),
            Value::Object(_) => "an object".into(),
            Value::Arrow(..) => "a function".into(),
            Value::Call { .. } => match self.call() {
                Some((name, _)) => format!("{name}(...)"),
                None => "a call".into(),
            },
            Value::Other(text) => text.clone(),
            Value::Ident(_) | Value::Member(..) => self.path().unwrap_or_default(),
            Value::Binary(op, ..) => format!("an expression with {op}"),
            Value::Template { tag, .. } => match tag.as_ref().and_then(|t| t.path()) {
                Some(tag) => format!("a {tag}`...` template"),
                None => "a template string".into(),
            },
        }
    }
}

/// A TypeScript type annotation, as far as readers map types.
#[derive(Debug, Clone, PartialEq)]
pub enum TsType {
    /// `string`, `number`, `boolean`, `bigint`, `null`, `undefined`, `any`, `object`, …
    Keyword(&'static str),
    /// A named type: `Date`, `Buffer`, `Role`, `Promise<User>` (the name only).
    Ref(String, Vec<TsType>),
    Array(Box<TsType>),
    Union(Vec<TsType>),
    /// A literal type: `"admin"`, `3`.
    Literal(String),
    Other,
}

impl TsType {
    /// The type without `null` and `undefined` members (`string | null` is `string`).
    pub fn without_null(&self) -> TsType {
        match self {
            TsType::Union(members) => {
                let kept: Vec<TsType> = members
                    .iter()
                    .filter(|m| !matches!(m, TsType::Keyword("null" | "undefined")))
                    .cloned()
                    .collect();
                match kept.as_slice() {
                    [one] => one.clone(),
                    _ => TsType::Union(kept),
                }
            }
            other => other.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    /// The decorator's dotted name: `Column`, `typeorm.Column`.
    pub name: String,
    /// Its arguments; empty when it is used without a call (`@Column`).
    pub args: Vec<Node>,
    pub pos: Origin,
}

/// A class property (fields only; methods carry no schema).
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub pos: Origin,
    pub decorators: Vec<Decorator>,
    pub ty: Option<TsType>,
    pub optional: bool,
    pub is_static: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: String,
    pub pos: Origin,
    pub decorators: Vec<Decorator>,
    /// The superclass expression (`extends Base` gives `Base`).
    pub extends: Option<Node>,
    pub is_abstract: bool,
    pub properties: Vec<Property>,
}

impl Class {
    pub fn decorator(&self, name: &str) -> Option<&Decorator> {
        self.decorators.iter().find(|d| d.short_name() == name)
    }
}

impl Decorator {
    /// The name without a namespace (`typeorm.Column` is `Column`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

/// A TypeScript `enum` with its members' values (numbers count up from the last, as `tsc` does).
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub name: String,
    pub pos: Origin,
    pub members: Vec<(String, Node)>,
}

/// How a local name was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub local: String,
    /// The module specifier as written (`./user.entity`, `typeorm`).
    pub source: String,
    pub imported: Imported,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    Named(String),
    Default,
    Namespace,
}

/// `export { a as b } from "./x"` (`names` given) or `export * from "./x"` (`names` none).
#[derive(Debug, Clone, PartialEq)]
pub struct ReExport {
    pub source: String,
    pub names: Option<Vec<(String, String)>>,
}

/// One parsed file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    pub path: PathBuf,
    /// The index `Origin::file` uses for this file.
    pub file: usize,
    pub classes: Vec<Class>,
    pub enums: Vec<Enum>,
    /// Top-level `const`/`let`/`var` bindings with a value, and functions whose body is a
    /// single `return` (as an `Arrow`: helpers that build objects).
    pub consts: Vec<(String, Node)>,
    pub imports: Vec<Import>,
    /// `export { local as exported }` and exported declarations: (exported, local).
    pub exports: Vec<(String, String)>,
    pub reexports: Vec<ReExport>,
    /// `export default <expr>` (a class or name exported by default is in `exports` as
    /// `default`).
    pub default_export: Option<Node>,
    /// Every call and `new` met in the file's top-level code, decorators and initialisers,
    /// nested ones included (a DataSource is often built inside an export or a decorator).
    pub calls: Vec<Node>,
    /// Calls made inside function bodies and class methods, in source order: Sequelize's
    /// `associate(models) { … }` and `module.exports = (sequelize, DataTypes) => { … }`. Kept
    /// apart from `calls` so readers that look for top-level wiring see no code that may
    /// never run. `this` in a class method reads as the class's name.
    pub inner_calls: Vec<Node>,
    /// Classes declared inside function bodies (`class User extends Model {}` in a factory).
    pub inner_classes: Vec<Class>,
    /// `const`/`let`/`var` bindings with a value inside function bodies.
    pub inner_consts: Vec<(String, Node)>,
}

impl Module {
    pub fn class(&self, name: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.name == name)
    }
}

/// Parse one file. `file` is the index positions use; `name` names it in errors.
pub fn parse(path: &Path, file: usize, name: &str, text: &str) -> Result<Module> {
    convert::parse(path, file, name, text)
}

/// Line and column (1-based, in characters) of a byte offset.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    pub(crate) fn at(&self, text: &str, file: usize, offset: usize) -> Origin {
        let index = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[index];
        let offset = offset.min(text.len());
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Origin {
            file,
            line: index as u64 + 1,
            column: column as u64,
        }
    }
}

/// An error at a position in one of `files` (the names `Origin::file` indexes).
pub fn error_at(files: &[String], pos: Origin, message: impl Into<String>) -> Error {
    let name = files.get(pos.file).map(String::as_str).unwrap_or("?");
    Error::parse(name, pos.line, pos.column, message)
}

#[cfg(test)]
mod tests;

/// The files under `dir` that `keep` takes (by name), sorted, in the folders `enter` takes (by
/// name): how every TypeScript reader finds its sources.
pub fn walk_files(
    dir: &Path,
    enter: impl Fn(&str) -> bool,
    keep: impl Fn(&Path, &str) -> bool,
) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if path.is_dir() {
                if enter(&name) {
                    stack.push(path);
                }
            } else if keep(&path, &name) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
