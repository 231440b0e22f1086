//! A set of parsed files and the names they share: relative imports (with or without the
//! extension, `.js` written for a `.ts` file, `index` files of folders), named, default and
//! namespace imports, `export { … } from` and `export * from`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::{Class, Enum, Imported, Module, Node};
use crate::error::{Error, Result};
use crate::source::orm::generated::Origin;

/// What a name stands for once imports are followed.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'s> {
    Class(&'s Module, &'s Class),
    Enum(&'s Module, &'s Enum),
    Const(&'s Module, &'s Node),
}

/// Parsed files, by index (`Origin::file`), each parsed once.
#[derive(Debug, Default)]
pub struct Sources {
    pub modules: Vec<Module>,
    /// The names errors give the files: paths as the user gave them.
    pub names: Vec<String>,
    by_path: HashMap<PathBuf, usize>,
}

/// Extensions tried, in order, for an import written without one.
const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "mjs", "cjs"];

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// The module of a file, parsing it on first use.
    pub fn load(&mut self, path: &Path) -> Result<usize> {
        let key = normalize(path);
        if let Some(index) = self.by_path.get(&key) {
            return Ok(*index);
        }
        let text = crate::source::read_text(path)?;
        self.add(path, &text)
    }

    /// Parse text as the file at `path` (git's copy, a test's string).
    pub fn add(&mut self, path: &Path, text: &str) -> Result<usize> {
        let key = normalize(path);
        let index = self.modules.len();
        let name = path.display().to_string();
        let module = super::parse(path, index, &name, text)?;
        self.modules.push(module);
        self.names.push(name);
        self.by_path.insert(key, index);
        Ok(index)
    }

    pub fn module(&self, index: usize) -> &Module {
        &self.modules[index]
    }

    /// The file a relative import in `from` names, if it exists. Package imports are `None`.
    pub fn import_path(&self, from: usize, specifier: &str) -> Option<PathBuf> {
        if !specifier.starts_with('.') {
            return None;
        }
        let dir = self.modules[from].path.parent().unwrap_or(Path::new(""));
        let base = normalize(&dir.join(specifier));
        let mut candidates = vec![base.clone()];
        // ESM-style TypeScript imports name the compiled `.js`.
        if let Some(stem) = specifier
            .strip_suffix(".js")
            .or_else(|| specifier.strip_suffix(".mjs"))
        {
            candidates.push(normalize(&dir.join(format!("{stem}.ts"))));
        }
        for ext in EXTENSIONS {
            candidates.push(PathBuf::from(format!("{}.{ext}", base.display())));
        }
        for ext in EXTENSIONS {
            candidates.push(base.join(format!("index.{ext}")));
        }
        candidates
            .into_iter()
            .find(|p| self.by_path.contains_key(p) || p.is_file())
    }

    /// Load, transitively, every file the loaded files import relatively.
    pub fn load_imports(&mut self) -> Result<()> {
        let mut next = 0;
        while next < self.modules.len() {
            let specifiers: Vec<String> = self.modules[next]
                .imports
                .iter()
                .map(|i| i.source.clone())
                .chain(
                    self.modules[next]
                        .reexports
                        .iter()
                        .map(|r| r.source.clone()),
                )
                .collect();
            for specifier in specifiers {
                if let Some(path) = self.import_path(next, &specifier) {
                    self.load(&path)?;
                }
            }
            next += 1;
        }
        Ok(())
    }

    pub fn loaded(&self, from: usize, specifier: &str) -> Option<usize> {
        let path = self.import_path(from, specifier)?;
        self.by_path.get(&normalize(&path)).copied()
    }

    /// What `name` means in module `from`: a declaration there, or what an import brings in.
    pub fn resolve(&self, from: usize, name: &str) -> Option<Resolved<'_>> {
        self.resolve_in(from, name, 0)
    }

    fn resolve_in(&self, from: usize, name: &str, depth: usize) -> Option<Resolved<'_>> {
        if depth > 32 {
            return None;
        }
        let module = &self.modules[from];
        if let Some(class) = module.class(name) {
            return Some(Resolved::Class(module, class));
        }
        if let Some(found) = module.enums.iter().find(|e| e.name == name) {
            return Some(Resolved::Enum(module, found));
        }
        if let Some((_, node)) = module.consts.iter().rev().find(|(n, _)| n == name) {
            return Some(Resolved::Const(module, node));
        }
        let import = module.imports.iter().find(|i| i.local == name)?;
        let target = self.loaded(from, &import.source)?;
        match &import.imported {
            Imported::Named(exported) => self.exported(target, exported, depth + 1),
            Imported::Default => self.exported(target, "default", depth + 1),
            Imported::Namespace => None,
        }
    }

    /// What module `index` exports as `name`.
    pub fn exported(&self, index: usize, name: &str, depth: usize) -> Option<Resolved<'_>> {
        if depth > 32 {
            return None;
        }
        let module = &self.modules[index];
        if name == "default"
            && let Some(node) = &module.default_export
        {
            if let Some(found) = node
                .path()
                .and_then(|local| self.resolve_in(index, &local, depth + 1))
            {
                return Some(found);
            }
            return Some(Resolved::Const(module, node));
        }
        let local = module
            .exports
            .iter()
            .find(|(exported, _)| exported == name)
            .map(|(_, local)| local.as_str());
        if let Some(found) = local.and_then(|local| self.resolve_in(index, local, depth + 1)) {
            return Some(found);
        }
        for reexport in &module.reexports {
            let Some(target) = self.loaded(index, &reexport.source) else {
                continue;
            };
            match &reexport.names {
                None => {
                    if let Some(found) = self.exported(target, name, depth + 1) {
                        return Some(found);
                    }
                }
                Some(names) => {
                    if let Some((original, _)) = names.iter().find(|(_, e)| e == name) {
                        return self.exported(target, original, depth + 1);
                    }
                }
            }
        }
        None
    }

    /// Every class module `index` exports, its own and those it re-exports (module, class).
    pub fn exported_classes(&self, index: usize) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        self.collect_exported_classes(index, &mut out, 0);
        out
    }

    fn collect_exported_classes(&self, index: usize, out: &mut Vec<(usize, String)>, depth: usize) {
        if depth > 32 {
            return;
        }
        let module = &self.modules[index];
        for (exported, _) in &module.exports {
            if let Some(Resolved::Class(m, class)) = self.exported(index, exported, depth + 1) {
                out.push((m.file, class.name.clone()));
            }
        }
        for reexport in &module.reexports {
            let Some(target) = self.loaded(index, &reexport.source) else {
                continue;
            };
            match &reexport.names {
                None => self.collect_exported_classes(target, out, depth + 1),
                Some(names) => {
                    for (original, _) in names {
                        if let Some(Resolved::Class(m, class)) =
                            self.exported(target, original, depth + 1)
                        {
                            out.push((m.file, class.name.clone()));
                        }
                    }
                }
            }
        }
    }

    /// A namespace import's member: `entities.User` where `import * as entities from "./x"`.
    pub fn resolve_path(&self, from: usize, path: &str) -> Option<Resolved<'_>> {
        match path.split_once('.') {
            None => self.resolve(from, path),
            Some((head, member)) => {
                let module = &self.modules[from];
                let import = module
                    .imports
                    .iter()
                    .find(|i| i.local == head && i.imported == Imported::Namespace)?;
                let target = self.loaded(from, &import.source)?;
                self.exported(target, member, 0)
            }
        }
    }

    /// A name's value where the source gives one: a constant, an enum member (`Role.Admin`), a
    /// property of a constant object. Other nodes are their own value.
    pub fn value_of(&self, module: usize, node: &Node) -> Node {
        self.value_in(module, node, 0)
    }

    fn value_in(&self, module: usize, node: &Node, depth: usize) -> Node {
        if depth > 16 {
            return node.clone();
        }
        let found = match &node.value {
            super::Value::Ident(name) => match self.resolve(module, name) {
                Some(Resolved::Const(m, value)) => Some(self.value_in(m.file, value, depth + 1)),
                _ => None,
            },
            super::Value::Member(object, member) => {
                match object.path().and_then(|p| self.resolve_path(module, &p)) {
                    Some(Resolved::Enum(_, found)) => found
                        .members
                        .iter()
                        .find(|(name, _)| name == member)
                        .map(|(_, value)| value.clone()),
                    Some(Resolved::Const(m, value)) => value
                        .get(member)
                        .map(|v| self.value_in(m.file, v, depth + 1)),
                    _ => None,
                }
            }
            _ => None,
        };
        found.map_or_else(
            || node.clone(),
            // Where the name is written, for messages.
            |value| Node {
                value: value.value,
                pos: node.pos,
            },
        )
    }

    pub fn error(&self, pos: Origin, message: impl Into<String>) -> Error {
        super::error_at(&self.names, pos, message)
    }
}

/// A path with `.` and `..` folded away, so one file has one key however it is reached.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
