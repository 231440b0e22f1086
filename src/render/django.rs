//! Django migrations: `<app>/migrations/NNNN_<name>.py`, numbered after the app's leaf and
//! written with Django's own operations, so Django's migration state matches the models
//! (`makemigrations --check` finds nothing). The operations come from comparing the models'
//! migration state before and after; migen's plan decides what is a rename.
//!
//! Direct strategy: Django computes the SQL from the operations. Zero-downtime: the state
//! operations ride on the first migration of a chain whose database side is migen's phased
//! SQL (`SeparateDatabaseAndState` + `RunSQL`), one migration per phase and per statement that
//! must run outside a transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::files::{Apply, Block, Rendered, Run};
use super::{Artifact, ArtifactKind, slug};
use crate::diff::Change;
use crate::error::{Error, Result};
use crate::plan::{Phase, Plan, PlannedStatement, Strategy};
use crate::safety::{Finding, RuleId, Severity};
use crate::source::django::state::{
    FieldState, MODELS_IMPORT, ModelState, Named, ProjectState, SETTINGS_IMPORT, Value, py_str,
};

/// Meta options `AlterModelOptions` carries (Django's `AlterModelOptions.ALTER_OPTION_KEYS`).
const ALTER_OPTION_KEYS: &[&str] = &[
    "base_manager_name",
    "default_manager_name",
    "default_related_name",
    "get_latest_by",
    "managed",
    "ordering",
    "permissions",
    "default_permissions",
    "select_on_save",
    "verbose_name",
    "verbose_name_plural",
];

/// The migration a new one follows in an app's `migrations/` folder: the one no other
/// migration of the app depends on (the highest number when that is not one), with its number.
pub fn leaf(dir: &Path, app: &str) -> Result<Option<(String, u32)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut names = Vec::new();
    for entry in entries.filter_map(|e| e.ok()) {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = file.strip_suffix(".py")
            && stem.starts_with(|c: char| c.is_ascii_digit())
        {
            names.push(stem.to_string());
        }
    }
    names.sort();
    let mut depended: BTreeSet<String> = BTreeSet::new();
    for name in &names {
        let path = dir.join(format!("{name}.py"));
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        depended.extend(same_app_dependencies(&text, app));
    }
    let number = |n: &str| -> u32 {
        n.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let leaves: Vec<&String> = names.iter().filter(|n| !depended.contains(*n)).collect();
    let chosen = match leaves.as_slice() {
        [one] => Some((*one).clone()),
        _ => names
            .iter()
            .max_by_key(|n| (number(n), (*n).clone()))
            .cloned(),
    };
    Ok(chosen.map(|n| {
        let k = number(&n);
        (n, k)
    }))
}

/// The names of `("app", "name")` pairs in a migration's text that belong to `app`.
fn same_app_dependencies(text: &str, app: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['\'', '"'] {
        let opener = format!("({quote}{app}{quote}");
        let mut rest = text;
        while let Some(at) = rest.find(&opener) {
            rest = &rest[at + opener.len()..];
            let after = rest.trim_start().trim_start_matches(',').trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '\'' || *c == '"')
                && let Some(end) = after[1..].find(q)
            {
                out.push(after[1..1 + end].to_string());
            }
        }
    }
    out
}

/// One operation of a migration, as Python, with what it needs.
#[derive(Debug, Clone)]
struct Operation {
    python: String,
    imports: BTreeSet<String>,
    /// Other apps whose models it refers to (`None`: the swappable user model).
    refers: BTreeSet<Option<String>>,
    /// The table it changes, for migen's notes.
    table: String,
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Builder<'a> {
    after: &'a ProjectState,
    ops: BTreeMap<String, Vec<Operation>>,
}

impl Builder<'_> {
    fn push(&mut self, app: &str, table: &str, python: String, values: &[&Value]) {
        let mut imports = BTreeSet::new();
        for v in values {
            imports.extend(v.imports.iter().cloned());
        }
        self.ops
            .entry(app.to_string())
            .or_default()
            .push(Operation {
                python,
                imports,
                refers: BTreeSet::new(),
                table: table.to_string(),
            });
    }

    /// The field's constructor as a migration writes it, with the apps it refers to.
    fn field(&self, app: &str, f: &FieldState) -> (Value, BTreeSet<Option<String>>) {
        let mut value = Value {
            python: String::new(),
            imports: BTreeSet::new(),
        };
        let mut refers = BTreeSet::new();
        let mut args = Vec::new();
        if let Some(to) = &f.to {
            if self.after.is_user_model(to) {
                args.push("to=settings.AUTH_USER_MODEL".to_string());
                value.imports.insert(SETTINGS_IMPORT.into());
                refers.insert(None);
            } else {
                args.push(format!("to={}", py_str(to)));
                let target_app = to.split('.').next().unwrap_or_default();
                if target_app != app {
                    refers.insert(Some(target_app.to_string()));
                }
            }
        }
        for (k, v) in &f.kwargs {
            args.push(format!("{k}={}", v.python));
            value.imports.extend(v.imports.iter().cloned());
        }
        value.python = format!("{}({})", f.class, args.join(", "));
        (value, refers)
    }

    fn field_op(&mut self, op: &str, model: &ModelState, f: &FieldState) {
        let (value, refers) = self.field(&model.app, f);
        let python = format!(
            "migrations.{op}(\n    model_name={},\n    name={},\n    field={},\n),",
            py_str(&model.name.to_lowercase()),
            py_str(&f.name),
            value.python
        );
        self.push(&model.app, &model.table, python, &[&value]);
        if let Some(last) = self.ops.get_mut(&model.app).and_then(|o| o.last_mut()) {
            last.refers = refers;
        }
    }

    fn create_model(&mut self, model: &ModelState) {
        let mut lines = Vec::new();
        let mut values = Vec::new();
        let mut refers = BTreeSet::new();
        for f in &model.fields {
            let (value, r) = self.field(&model.app, f);
            lines.push(format!("({}, {}),", py_str(&f.name), value.python));
            refers.extend(r);
            values.push(value);
        }
        let mut options: Vec<String> = model
            .options
            .iter()
            .map(|(k, v)| {
                values.push(v.clone());
                format!("{}: {},", py_str(k), v.python)
            })
            .collect();
        for (key, list) in [
            ("indexes", &model.indexes),
            ("constraints", &model.constraints),
        ] {
            if !list.is_empty() {
                let items: Vec<String> = list
                    .iter()
                    .map(|n| {
                        values.push(n.value.clone());
                        format!("{},", n.value.python)
                    })
                    .collect();
                options.push(format!(
                    "{}: [\n{}\n],",
                    py_str(key),
                    indent(&items.join("\n"), "    ")
                ));
            }
        }
        let mut python = format!(
            "migrations.CreateModel(\n    name={},\n    fields=[\n{}\n    ],\n",
            py_str(&model.name),
            indent(&lines.join("\n"), "        ")
        );
        if !options.is_empty() {
            python.push_str(&format!(
                "    options={{\n{}\n    }},\n",
                indent(&options.join("\n"), "        ")
            ));
        }
        python.push_str("),");
        let refs: Vec<&Value> = values.iter().collect();
        self.push(&model.app, &model.table, python, &refs);
        if let Some(last) = self.ops.get_mut(&model.app).and_then(|o| o.last_mut()) {
            last.refers = refers;
        }
    }

    fn simple(&mut self, model: &ModelState, python: String, values: &[&Value]) {
        self.push(&model.app, &model.table, python, values);
    }
}

/// Keyword arguments compared as Django compares deconstructed fields: by name.
fn same_field(a: &FieldState, b: &FieldState, renamed_models: &BTreeMap<String, String>) -> bool {
    let sorted = |f: &FieldState| {
        let mut kw: Vec<(String, String)> = f
            .kwargs
            .iter()
            .map(|(k, v)| (k.clone(), v.python.clone()))
            .collect();
        kw.sort();
        kw
    };
    let to = |t: &Option<String>| {
        t.as_ref().map(|t| {
            let lower = t.to_lowercase();
            renamed_models.get(&lower).cloned().unwrap_or(lower)
        })
    };
    a.class == b.class
        && a.many_to_many == b.many_to_many
        && to(&a.to) == to(&b.to)
        && sorted(a) == sorted(b)
}

fn option_text(model: &ModelState, key: &str) -> Option<String> {
    model.option(key).map(|v| v.python.clone())
}

/// The Django operations turning `before` into `after`, per app, in the order Django's
/// autodetector would need them.
fn operations(
    plan: &Plan,
    before: &ProjectState,
    after: &ProjectState,
) -> BTreeMap<String, Vec<Operation>> {
    let mut b = Builder {
        after,
        ops: BTreeMap::new(),
    };
    // Renames as the plan decided them: tables (models) and columns (fields).
    let mut model_pairs: Vec<(&ModelState, &ModelState)> = Vec::new();
    let mut renamed_models: BTreeMap<String, String> = BTreeMap::new();
    for change in &plan.changes {
        if let Change::RenameTable { from, to } = change
            && let Some(old) = before.models.iter().find(|m| m.table == from.name)
            && let Some(new) = after.models.iter().find(|m| m.table == to.name)
            && old.app == new.app
            && after.model(&old.app, &old.name).is_none()
            && before.model(&new.app, &new.name).is_none()
        {
            model_pairs.push((old, new));
            renamed_models.insert(old.label().to_lowercase(), new.label().to_lowercase());
        }
    }
    for new in &after.models {
        if let Some(old) = before.model(&new.app, &new.name)
            && !model_pairs.iter().any(|(o, _)| o.label() == old.label())
        {
            model_pairs.push((old, new));
        }
    }
    let created: Vec<&ModelState> = after
        .models
        .iter()
        .filter(|m| !model_pairs.iter().any(|(_, n)| n.label() == m.label()))
        .collect();
    let deleted: Vec<&ModelState> = before
        .models
        .iter()
        .filter(|m| !model_pairs.iter().any(|(o, _)| o.label() == m.label()))
        .collect();
    let column_renames: Vec<(&str, &str, &str)> = plan
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::RenameColumn { table, from, to } => {
                Some((table.name.as_str(), from.as_str(), to.as_str()))
            }
            _ => None,
        })
        .collect();

    // 1. Model renames.
    for (old, new) in &model_pairs {
        if old.name != new.name {
            b.simple(
                new,
                format!(
                    "migrations.RenameModel(\n    old_name={},\n    new_name={},\n),",
                    py_str(&old.name),
                    py_str(&new.name)
                ),
                &[],
            );
        }
    }
    // 2. Indexes, constraints and unique_together that go (before the fields they use).
    for (old, new) in &model_pairs {
        // Added and renamed indexes follow the fields, below.
        let (removed_ix, _, _) = named_changes(&old.indexes, &new.indexes);
        for ix in removed_ix {
            b.simple(
                new,
                format!(
                    "migrations.RemoveIndex(\n    model_name={},\n    name={},\n),",
                    py_str(&new.name.to_lowercase()),
                    py_str(&ix.name)
                ),
                &[],
            );
        }
        let (removed_c, _, _) = named_changes(&old.constraints, &new.constraints);
        for c in removed_c {
            b.simple(
                new,
                format!(
                    "migrations.RemoveConstraint(\n    model_name={},\n    name={},\n),",
                    py_str(&new.name.to_lowercase()),
                    py_str(&c.name)
                ),
                &[],
            );
        }
        if option_text(old, "unique_together") != option_text(new, "unique_together")
            && old.option("unique_together").is_some()
        {
            // Cleared first, set again after the fields change (a field it names may go).
            b.simple(
                new,
                format!(
                    "migrations.AlterUniqueTogether(\n    name={},\n    unique_together=set(),\n),",
                    py_str(&new.name.to_lowercase())
                ),
                &[],
            );
        }
    }
    // 3. New models, those referred to first.
    for model in creation_order(&created) {
        b.create_model(model);
    }
    // 4. Fields.
    for (old, new) in &model_pairs {
        let mut old_names: BTreeMap<&str, &str> = BTreeMap::new();
        for f in &new.fields {
            let renamed = column_renames
                .iter()
                .find(|(t, _, to)| *t == new.table && *to == f.column)
                .and_then(|(_, from, _)| old.fields.iter().find(|o| o.column == *from));
            if let Some(o) = renamed
                && new.field(&o.name).is_none()
                && old.field(&f.name).is_none()
            {
                b.simple(
                    new,
                    format!(
                        "migrations.RenameField(\n    model_name={},\n    old_name={},\n    new_name={},\n),",
                        py_str(&new.name.to_lowercase()),
                        py_str(&o.name),
                        py_str(&f.name)
                    ),
                    &[],
                );
                old_names.insert(&f.name, &o.name);
            }
        }
        for o in &old.fields {
            let kept = new.field(&o.name).is_some() || old_names.values().any(|n| *n == o.name);
            if !kept {
                b.simple(
                    new,
                    format!(
                        "migrations.RemoveField(\n    model_name={},\n    name={},\n),",
                        py_str(&new.name.to_lowercase()),
                        py_str(&o.name)
                    ),
                    &[],
                );
            }
        }
        for f in &new.fields {
            let old_name = old_names.get(f.name.as_str()).copied().unwrap_or(&f.name);
            match old.field(old_name) {
                None => b.field_op("AddField", new, f),
                Some(o) if !same_field(o, f, &renamed_models) => b.field_op("AlterField", new, f),
                Some(_) => {}
            }
        }
    }
    // 5. Models that go, those referring to others first.
    let mut gone = creation_order(&deleted);
    gone.reverse();
    for model in gone {
        b.simple(
            model,
            format!(
                "migrations.DeleteModel(\n    name={},\n),",
                py_str(&model.name)
            ),
            &[],
        );
    }
    // 6. Table, comment, options, unique_together, then new indexes and constraints.
    for (old, new) in &model_pairs {
        let lower = py_str(&new.name.to_lowercase());
        if option_text(old, "db_table") != option_text(new, "db_table") {
            let table = new.option("db_table").cloned().unwrap_or_else(|| Value {
                python: "None".into(),
                imports: BTreeSet::new(),
            });
            b.simple(
                new,
                format!(
                    "migrations.AlterModelTable(\n    name={lower},\n    table={},\n),",
                    table.python
                ),
                &[&table],
            );
        }
        if option_text(old, "db_table_comment") != option_text(new, "db_table_comment") {
            let comment = new
                .option("db_table_comment")
                .cloned()
                .unwrap_or_else(|| Value {
                    python: "None".into(),
                    imports: BTreeSet::new(),
                });
            b.simple(
                new,
                format!(
                    "migrations.AlterModelTableComment(\n    name={lower},\n    table_comment={},\n),",
                    comment.python
                ),
                &[&comment],
            );
        }
        if ALTER_OPTION_KEYS
            .iter()
            .any(|k| option_text(old, k) != option_text(new, k))
        {
            let kept: Vec<&(String, Value)> = new
                .options
                .iter()
                .filter(|(k, _)| ALTER_OPTION_KEYS.contains(&k.as_str()))
                .collect();
            let items: Vec<String> = kept
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), v.python))
                .collect();
            let values: Vec<&Value> = kept.iter().map(|(_, v)| v).collect();
            b.simple(
                new,
                format!(
                    "migrations.AlterModelOptions(\n    name={lower},\n    options={{{}}},\n),",
                    items.join(", ")
                ),
                &values,
            );
        }
        if option_text(old, "unique_together") != option_text(new, "unique_together")
            && let Some(value) = new.option("unique_together")
        {
            b.simple(
                new,
                format!(
                    "migrations.AlterUniqueTogether(\n    name={lower},\n    unique_together={},\n),",
                    value.python
                ),
                &[value],
            );
        }
        let (_, added_ix, renamed_ix) = named_changes(&old.indexes, &new.indexes);
        for (from, to) in renamed_ix {
            b.simple(
                new,
                format!(
                    "migrations.RenameIndex(\n    model_name={lower},\n    new_name={},\n    old_name={},\n),",
                    py_str(&to.name),
                    py_str(&from.name)
                ),
                &[],
            );
        }
        for ix in added_ix {
            b.simple(
                new,
                format!(
                    "migrations.AddIndex(\n    model_name={lower},\n    index={},\n),",
                    ix.value.python
                ),
                &[&ix.value],
            );
        }
        let (_, added_c, _) = named_changes(&old.constraints, &new.constraints);
        for c in added_c {
            b.simple(
                new,
                format!(
                    "migrations.AddConstraint(\n    model_name={lower},\n    constraint={},\n),",
                    c.value.python
                ),
                &[&c.value],
            );
        }
    }
    b.ops
}

/// Indexes or constraints that go, come, and (same definition, new name) are renamed. A
/// changed definition under the same name goes and comes again.
fn named_changes<'a>(
    old: &'a [Named],
    new: &'a [Named],
) -> (Vec<&'a Named>, Vec<&'a Named>, Vec<(&'a Named, &'a Named)>) {
    let unnamed = |n: &Named| n.value.python.replace(&py_str(&n.name), "''");
    let mut removed: Vec<&Named> = old.iter().filter(|o| !new.contains(o)).collect();
    let mut added: Vec<&Named> = new.iter().filter(|n| !old.contains(n)).collect();
    let mut renamed = Vec::new();
    added.retain(|n| {
        if old.iter().any(|o| o.name == n.name) {
            return true;
        }
        match removed
            .iter()
            .position(|o| unnamed(o) == unnamed(n) && !new.iter().any(|x| x.name == o.name))
        {
            Some(i) => {
                renamed.push((removed.remove(i), *n));
                false
            }
            None => true,
        }
    });
    (removed, added, renamed)
}

/// Models ordered so that a model comes after those of the same list it refers to.
fn creation_order<'a>(models: &[&'a ModelState]) -> Vec<&'a ModelState> {
    let mut out: Vec<&ModelState> = Vec::new();
    let mut left: Vec<&ModelState> = models.to_vec();
    while !left.is_empty() {
        let ready = left.iter().position(|m| {
            m.fields.iter().filter_map(|f| f.to.as_ref()).all(|to| {
                to.eq_ignore_ascii_case(&m.label())
                    || !left.iter().any(|o| o.label().eq_ignore_ascii_case(to))
            })
        });
        // A cycle: take the first (Django would split a field off; rare in practice).
        let next = left.remove(ready.unwrap_or(0));
        out.push(next);
    }
    out
}

/// The part of a migration name Django's autodetector gives an operation
/// (`Operation.migration_name_fragment`), read back from the operation as written here.
fn fragment(python: &str) -> String {
    let kind = python
        .strip_prefix("migrations.")
        .and_then(|rest| rest.split('(').next())
        .unwrap_or_default();
    let arg = |key: &str| -> String {
        python
            .lines()
            .filter_map(|l| l.strip_prefix(&format!("    {key}=")))
            .filter_map(|v| v.trim_end_matches(',').strip_prefix('\''))
            .filter_map(|v| v.strip_suffix('\''))
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let inner_name = || {
        // `index=models.Index(..., name='x')` / `constraint=...`.
        python
            .rsplit("name='")
            .next()
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_default()
            .to_lowercase()
    };
    let (model, name) = (arg("model_name"), arg("name"));
    match kind {
        "CreateModel" => name,
        "DeleteModel" => format!("delete_{name}"),
        "RenameModel" => format!("rename_{}_{}", arg("old_name"), arg("new_name")),
        "AddField" => format!("{model}_{name}"),
        "RemoveField" => format!("remove_{model}_{name}"),
        "AlterField" => format!("alter_{model}_{name}"),
        "RenameField" => format!("rename_{}_{model}_{}", arg("old_name"), arg("new_name")),
        "AlterModelTable" => format!("alter_{name}_table"),
        "AlterModelTableComment" => format!("alter_{name}_table_comment"),
        "AlterModelOptions" => format!("alter_{name}_options"),
        "AlterUniqueTogether" => format!("alter_{name}_unique_together"),
        "AddIndex" | "AddConstraint" => format!("{model}_{}", inner_name()),
        "RemoveIndex" | "RemoveConstraint" => format!("remove_{model}_{name}"),
        "RenameIndex" => format!("rename_{}_{}", arg("old_name"), arg("new_name")),
        _ => String::new(),
    }
}

/// Django's own name for a migration of `ops`: the fragments joined, or the first one and
/// `_and_more` past 52 characters.
fn django_name(ops: &[Operation], initial: bool) -> String {
    if initial {
        return "initial".into();
    }
    let fragments: Vec<String> = ops
        .iter()
        .map(|o| fragment(&o.python))
        .filter(|f| !f.is_empty())
        .collect();
    let joined = fragments.join("_");
    match fragments.first() {
        None => "auto".into(),
        Some(first) if joined.len() > 52 => format!("{first}_and_more"),
        Some(_) => joined,
    }
}

/// What one generated migration file holds.
struct File {
    app: String,
    name: String,
    phase: Phase,
    dependencies: Vec<String>,
    atomic: bool,
    initial: bool,
    body: Vec<String>,
    imports: BTreeSet<String>,
    header: Vec<String>,
}

impl File {
    fn text(&self) -> String {
        let mut imports: Vec<String> = self.imports.iter().cloned().collect();
        imports.push(MODELS_IMPORT.into());
        imports.sort_by_key(|i| {
            // Django's order: `import x` lines before `from x import y`, each sorted.
            (
                i.starts_with("from "),
                i.split_whitespace().nth(1).unwrap_or_default().to_string(),
            )
        });
        imports.dedup();
        let mut text = String::from("# Generated by migen.\n");
        for line in &self.header {
            text.push_str(&format!("# {line}\n"));
        }
        text.push('\n');
        for line in &imports {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("\n\nclass Migration(migrations.Migration):\n");
        if self.initial {
            text.push_str("\n    initial = True\n");
        }
        if !self.atomic {
            text.push_str(
                "\n    # A statement below cannot run inside a transaction.\n    atomic = False\n",
            );
        }
        text.push_str("\n    dependencies = [\n");
        for d in &self.dependencies {
            text.push_str(&format!("        {d},\n"));
        }
        text.push_str("    ]\n\n    operations = [\n");
        for op in &self.body {
            text.push_str(&indent(op, "        "));
            text.push('\n');
        }
        text.push_str("    ]\n");
        text
    }
}

/// A Python list of SQL strings for `RunSQL`. No parameters are passed, so Django leaves `%`
/// alone on every backend.
fn sql_list(statements: &[PlannedStatement]) -> String {
    if statements.is_empty() {
        return "[]".into();
    }
    let items: Vec<String> = statements
        .iter()
        .map(|s| {
            let mut item = String::new();
            if let Some(note) = &s.note {
                for line in note.lines() {
                    item.push_str(&format!("# {line}\n"));
                }
            }
            item.push_str(&py_str(s.sql.trim_end()));
            item.push(',');
            item
        })
        .collect();
    format!("[\n{}\n]", indent(&items.join("\n"), "    "))
}

/// What migen knows about each table that a reader of the migration should know: the risks
/// its safety rules found (warnings and errors) and what is lost.
fn notes_by_table(
    plan: &Plan,
    findings: &[Finding],
    after: &ProjectState,
) -> BTreeMap<String, Vec<String>> {
    // Django fills a new NOT NULL field's rows from its Python default, which the schema the
    // rules read does not show.
    let filled_by_django = |finding: &Finding, table: &str| {
        finding.rule == RuleId::AddNotNullWithoutDefault
            && after.models.iter().filter(|m| m.table == table).any(|m| {
                m.fields.iter().any(|f| {
                    finding
                        .message
                        .starts_with(&format!("{table}.{} ", f.column))
                        && f.kwargs.iter().any(|(k, v)| {
                            k == "default"
                                || ((k == "auto_now" || k == "auto_now_add") && v.python == "True")
                        })
                })
            })
    };
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings.iter().filter(|f| f.severity > Severity::Info) {
        if let Some(table) = &finding.table
            && !filled_by_django(finding, &table.name)
        {
            let line = format!(
                "migen {} ({}): {}",
                finding.severity, finding.rule, finding.message
            );
            let entry = notes.entry(table.name.clone()).or_default();
            if !entry.contains(&line) {
                entry.push(line);
            }
        }
    }
    for step in &plan.steps {
        let Some(loss) = &step.loss else { continue };
        for &i in &step.changes {
            if let Some(table) = plan.changes.get(i).and_then(Change::table) {
                let entry = notes.entry(table.name.clone()).or_default();
                // A step's loss lists every table it touches: keep what names this one.
                for part in loss.split("; ").filter(|p| p.contains(&table.name)) {
                    let line = format!("migen: {part}");
                    if !entry.contains(&line) {
                        entry.push(line);
                    }
                }
            }
        }
    }
    notes
}

/// Apps in an order where each comes after the apps its operations refer to.
fn app_order(ops: &BTreeMap<String, Vec<Operation>>) -> Vec<String> {
    let refers = |app: &str| -> BTreeSet<String> {
        ops[app]
            .iter()
            .flat_map(|o| o.refers.iter().flatten().cloned())
            .filter(|a| a != app && ops.contains_key(a))
            .collect()
    };
    let mut left: Vec<String> = ops.keys().cloned().collect();
    let mut out: Vec<String> = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|a| refers(a).iter().all(|r| out.contains(r)))
            .unwrap_or(0);
        out.push(left.remove(ready));
    }
    out
}

/// Render the plan as Django migrations. `root` is where the after project is (the apps'
/// folders are under it); `name` names the migrations.
pub fn render(
    plan: &Plan,
    before: &ProjectState,
    after: &ProjectState,
    name: &str,
    findings: &[Finding],
) -> Result<Rendered> {
    let ops = operations(plan, before, after);
    let notes = notes_by_table(plan, findings, after);
    let name = if name.is_empty() {
        String::new()
    } else {
        slug(name)
    };
    let order = app_order(&ops);
    // Each app's leaf, read from its folder.
    let mut leaves: BTreeMap<String, Option<(String, u32)>> = BTreeMap::new();
    for app in &order {
        let state = after.app(app).ok_or_else(|| {
            Error::Usage(format!(
                "app {app} is not in the after project's INSTALLED_APPS"
            ))
        })?;
        leaves.insert(app.clone(), leaf(&state.dir.join("migrations"), app)?);
    }
    let mut files: Vec<File> = Vec::new();
    // The newest migration of each app once this run's files are in.
    let mut newest: BTreeMap<String, String> = BTreeMap::new();
    let mut next_number: BTreeMap<String, u32> = leaves
        .iter()
        .map(|(app, leaf)| (app.clone(), leaf.as_ref().map(|(_, n)| n + 1).unwrap_or(1)))
        .collect();
    let dependency_on = |app: &str,
                         newest: &BTreeMap<String, String>,
                         other: &Option<String>|
     -> Result<Option<String>> {
        match other {
            None => Ok(Some(
                "migrations.swappable_dependency(settings.AUTH_USER_MODEL)".to_string(),
            )),
            Some(other) if other == app => Ok(None),
            Some(other) => {
                let name = match newest.get(other) {
                    Some(name) => Some(name.clone()),
                    // Another app of the project (its leaf); an app outside it (Django's own)
                    // has no folder here and no dependency.
                    None => match after.app(other) {
                        Some(a) => leaf(&a.dir.join("migrations"), other)?.map(|(n, _)| n),
                        None => None,
                    },
                };
                Ok(name.map(|n| format!("({}, {})", py_str(other), py_str(&n))))
            }
        }
    };
    let zero_downtime = plan.strategy == Strategy::ZeroDowntime;
    for (k, app) in order.iter().enumerate() {
        let app_ops = &ops[app];
        let number = next_number[app];
        let initial = leaves[app].is_none();
        // Without a name from the user, each app's migration is named as Django would.
        let app_name = if name.is_empty() {
            django_name(app_ops, initial)
        } else if initial {
            "initial".to_string()
        } else {
            name.clone()
        };
        let file_name = format!("{number:04}_{app_name}");
        let mut dependencies = Vec::new();
        let mut imports = BTreeSet::new();
        if let Some((leaf_name, _)) = &leaves[app] {
            dependencies.push(format!("({}, {})", py_str(app), py_str(leaf_name)));
        }
        let mut refers: BTreeSet<Option<String>> = BTreeSet::new();
        for op in app_ops {
            refers.extend(op.refers.iter().cloned());
            imports.extend(op.imports.iter().cloned());
        }
        for other in &refers {
            if let Some(d) = dependency_on(app, &newest, other)?
                && !dependencies.contains(&d)
            {
                if other.is_none() {
                    imports.insert(SETTINGS_IMPORT.to_string());
                }
                dependencies.push(d);
            }
        }
        // Zero-downtime: the phased SQL goes into the last app's chain, after every app's
        // state has moved; the other apps' migrations only move their state.
        let hosts_sql = zero_downtime && k + 1 == order.len();
        if zero_downtime && hosts_sql {
            for other in order.iter().take(k) {
                let d = format!("({}, {})", py_str(other), py_str(&newest[other]));
                if !dependencies.contains(&d) {
                    dependencies.push(d);
                }
            }
        }
        let mut body = Vec::new();
        let mut seen_tables: BTreeSet<&str> = BTreeSet::new();
        for op in app_ops {
            if !zero_downtime && seen_tables.insert(op.table.as_str()) {
                for line in notes.get(&op.table).into_iter().flatten() {
                    body.push(format!("# {line}"));
                }
            }
            body.push(op.python.clone());
        }
        if zero_downtime {
            let state = indent(&body.join("\n"), "        ");
            body = vec![format!(
                "migrations.SeparateDatabaseAndState(\n    state_operations=[\n{state}\n    ],\n    database_operations=[],\n),"
            )];
        }
        let mut header = Vec::new();
        if zero_downtime && !hosts_sql {
            header.push("State only: the database changes are in the chain of the last app migen wrote, which depends on this migration.".to_string());
        }
        files.push(File {
            app: app.clone(),
            name: file_name.clone(),
            phase: if zero_downtime {
                Phase::PreDeploy
            } else {
                Phase::Direct
            },
            dependencies,
            atomic: true,
            initial,
            body,
            imports,
            header,
        });
        newest.insert(app.clone(), file_name);
        next_number.insert(app.clone(), number + 1);
        if hosts_sql {
            chain_sql(
                plan,
                &app_name,
                app,
                &mut files,
                &mut next_number,
                &mut newest,
            );
        }
    }
    let mut out = Rendered {
        artifacts: Vec::new(),
        up: Vec::new(),
        down: Vec::new(),
        extras_dir: PathBuf::new(),
        versions: Vec::new(),
    };
    for file in &files {
        let dir = after
            .app(&file.app)
            .map(|a| a.dir.join("migrations"))
            .unwrap_or_default();
        let path = dir.join(format!("{}.py", file.name));
        if out.extras_dir.as_os_str().is_empty() {
            out.extras_dir = dir.join(format!("{}.migen", file.name));
        }
        out.artifacts.push(Artifact {
            path: path.clone(),
            kind: ArtifactKind::Migration,
            phase: Some(file.phase),
            contents: file.text(),
        });
        let apply = Apply {
            path,
            block: Block::Whole,
            run: Run::Statements,
        };
        out.up.push(apply.clone());
        out.down.insert(0, apply);
        out.versions.push(format!("{}.{}", file.app, file.name));
    }
    {
        // Django only loads migrations from a package.
        for app in &order {
            if leaves[app].is_none()
                && let Some(state) = after.app(app)
            {
                let init = state.dir.join("migrations/__init__.py");
                if !init.exists() {
                    out.artifacts.push(Artifact {
                        path: init,
                        kind: ArtifactKind::Settings,
                        phase: None,
                        contents: String::new(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// The phased SQL as a chain of migrations in `app`: the first takes the state operations
/// already in `files.last()`; each phase, and each statement that must run outside a
/// transaction, gets a migration of its own.
fn chain_sql(
    plan: &Plan,
    name: &str,
    app: &str,
    files: &mut Vec<File>,
    next_number: &mut BTreeMap<String, u32>,
    newest: &mut BTreeMap<String, String>,
) {
    let plan = &without_foreign_key_switches(plan);
    let pieces = super::files::pieces(plan, name, true);
    let lone = |statements: &[PlannedStatement]| {
        statements
            .iter()
            .any(|s| !s.transactional || s.own_transaction)
    };
    for (i, piece) in pieces.iter().enumerate() {
        let database = format!(
            "migrations.RunSQL(\n    sql={},\n    reverse_sql={},\n)",
            indent(&sql_list(&piece.up.statements), "    ").trim_start(),
            indent(&sql_list(&piece.down.statements), "    ").trim_start()
        );
        let mut header = vec![format!("{}: {}", piece.label, piece.phase.when())];
        if piece
            .down
            .statements
            .iter()
            .any(|s| s.note.as_deref().is_some_and(|n| n.contains("lost")))
            || plan
                .steps
                .iter()
                .any(|s| s.loss.is_some() && s.phase == piece.phase)
        {
            header.push("Reversing this migration cannot bring back data its forward step drops: the reverse SQL restores the schema only.".into());
        }
        let atomic = !(lone(&piece.up.statements) || lone(&piece.down.statements));
        if i == 0 {
            let first = files.last_mut().expect("the state migration");
            let state = std::mem::take(&mut first.body);
            // The state operations are wrapped already: put the SQL into their wrapper.
            let wrapped = state.join("\n").replace(
                "    database_operations=[],\n",
                &format!(
                    "    database_operations=[\n{}\n    ],\n",
                    indent(&format!("{database},"), "        ")
                ),
            );
            first.body = vec![wrapped];
            first.atomic = atomic;
            first.phase = piece.phase;
            first.header.extend(header);
            continue;
        }
        let number = next_number[app];
        let file_name = format!("{number:04}_{}", piece.label);
        let previous = newest[app].clone();
        files.push(File {
            app: app.to_string(),
            name: file_name.clone(),
            phase: piece.phase,
            dependencies: vec![format!("({}, {})", py_str(app), py_str(&previous))],
            atomic,
            initial: false,
            body: vec![format!(
                "migrations.SeparateDatabaseAndState(\n    state_operations=[],\n    database_operations=[\n{}\n    ],\n),",
                indent(&format!("{database},"), "        ")
            )],
            imports: BTreeSet::new(),
            header,
        });
        newest.insert(app.to_string(), file_name);
        next_number.insert(app.to_string(), number + 1);
    }
}

/// The plan without SQLite's `PRAGMA foreign_keys` switches. Django's SQLite schema editor
/// turns foreign-key enforcement off around every migration and checks the constraints at its
/// end; migen's own switches cannot run in a transaction, so they would only force the
/// migration out of one and leave a table rebuild half done when a statement fails.
fn without_foreign_key_switches(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    if plan.dialect != crate::model::Dialect::Sqlite {
        return plan;
    }
    let switch = |s: &PlannedStatement| {
        s.sql == crate::dialect::FOREIGN_KEYS_OFF || s.sql == crate::dialect::FOREIGN_KEYS_ON
    };
    for migration in &mut plan.migrations {
        migration.up.retain(|s| !switch(s));
        migration.down.retain(|s| !switch(s));
    }
    plan.up.retain(|s| !switch(s));
    plan.down.retain(|s| !switch(s));
    plan
}

/// A zero-downtime plan for Django models. Django fills a new NOT NULL field's existing rows
/// from its Python `default=`, which the schema does not hold; the plan goes through a schema
/// where those columns have that default in the database (so the expand phase can fill rows),
/// and a last contract step drops the defaults again. A default only Python can compute is an
/// error at the field.
pub fn zero_downtime_plan(
    before: &crate::model::Schema,
    after: &crate::model::Schema,
    defaults: &[crate::source::django::state::PythonDefault],
    answers: &crate::diff::RenameAnswers,
    options: &crate::plan::PlanOptions,
) -> Result<Plan> {
    let mut staged = after.clone();
    let mut staged_any = false;
    for default in defaults {
        let Some((name, table)) = staged
            .tables
            .iter_mut()
            .find(|(name, _)| name.name == default.table)
        else {
            continue;
        };
        let Some(column) = table.columns.iter_mut().find(|c| c.name == default.column) else {
            continue;
        };
        if column.nullable || column.default.is_some() {
            continue;
        }
        // Rows to fill: the column is new, or was nullable.
        let had_values = before
            .tables
            .iter()
            .find(|(n, _)| n.name == name.name)
            .and_then(|(_, t)| t.columns.iter().find(|c| c.name == default.column))
            .is_some_and(|c| !c.nullable);
        if had_values {
            continue;
        }
        let Some(value) = &default.value else {
            return Err(Error::parse(
                &default.file,
                default.at.0,
                default.at.1,
                format!(
                    "{}.{}: its default is computed in Python, so the zero-downtime SQL cannot fill existing rows with it: give the field a db_default or a literal default, make it nullable, or use --strategy direct",
                    default.table, default.column
                ),
            ));
        };
        column.default = Some(value.clone());
        staged_any = true;
    }
    let mut plan = crate::plan::plan_with(before, &staged, answers, options);
    if !staged_any || !plan.questions.is_empty() {
        return Ok(plan);
    }
    let last = crate::plan::plan_with(
        &staged,
        after,
        &crate::diff::RenameAnswers::never(),
        options,
    );
    let offset = plan.changes.len();
    plan.changes.extend(last.changes);
    plan.steps.extend(last.steps.into_iter().map(|mut step| {
        step.changes.iter_mut().for_each(|i| *i += offset);
        step.phase = Phase::PostDeploy;
        step
    }));
    let as_contract = |statements: Vec<PlannedStatement>| {
        statements.into_iter().map(|mut s| {
            s.phase = Phase::PostDeploy;
            s
        })
    };
    let up: Vec<PlannedStatement> = as_contract(last.up).collect();
    let down: Vec<PlannedStatement> = as_contract(last.down).collect();
    match plan.migrations.last_mut() {
        Some(contract) if contract.phase == Phase::PostDeploy => {
            contract.up.extend(up.iter().cloned());
            contract.down.splice(0..0, down.iter().cloned());
        }
        _ => plan.migrations.push(crate::plan::Migration {
            phase: Phase::PostDeploy,
            up: up.clone(),
            down: down.clone(),
        }),
    }
    plan.up.extend(up);
    plan.down.splice(0..0, down);
    plan.notes.extend(last.notes);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dialect;
    use crate::plan::PlanOptions;
    use crate::source::django::state::model_state;

    /// Migration files by name and text.
    type Migrations<'a> = &'a [(&'a str, &'a str)];

    /// A project with apps, each `(label, models.py, migrations)`.
    fn project(dir: &Path, apps: &[(&str, &str, Migrations)]) {
        std::fs::create_dir_all(dir.join("proj")).unwrap();
        std::fs::write(
            dir.join("manage.py"),
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
        )
        .unwrap();
        let installed: Vec<String> = apps.iter().map(|(a, _, _)| format!("'{a}'")).collect();
        std::fs::write(
            dir.join("proj/settings.py"),
            format!(
                "INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', {}]\nDEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'\n",
                installed.join(", ")
            ),
        )
        .unwrap();
        for (app, models, migrations) in apps {
            std::fs::create_dir_all(dir.join(app).join("migrations")).unwrap();
            std::fs::write(dir.join(app).join("models.py"), models).unwrap();
            for (name, text) in *migrations {
                std::fs::write(dir.join(app).join("migrations").join(name), text).unwrap();
            }
        }
    }

    fn generate(before: &Path, after: &Path, dialect: Dialect, strategy: Strategy) -> Rendered {
        let (from, _) = crate::source::django::parse_with_notes(before, dialect).unwrap();
        let (to, _) = crate::source::django::parse_with_notes(after, dialect).unwrap();
        let options = PlanOptions {
            strategy,
            ..PlanOptions::default()
        };
        let plan =
            crate::plan::plan_with(&from, &to, &crate::diff::RenameAnswers::never(), &options);
        render(
            &plan,
            &model_state(before).unwrap(),
            &model_state(after).unwrap(),
            "change",
            &[],
        )
        .unwrap()
    }

    const SHOP: &str = "from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20)\n";
    const PEOPLE: &str = "from django.db import models\n\nclass Buyer(models.Model):\n    name = models.CharField(max_length=20)\n";
    const INITIAL: &str =
        "class Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n";
    const SECOND: &str =
        "class Migration(migrations.Migration):\n    dependencies = [('shop', '0001_initial')]\n";

    #[test]
    fn the_leaf_is_the_migration_nothing_depends_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("0001_initial.py"), INITIAL).unwrap();
        std::fs::write(dir.path().join("0002_second.py"), SECOND).unwrap();
        // A later number that merely sorts after: still the leaf is what nothing depends on.
        std::fs::write(
            dir.path().join("0003_third.py"),
            "dependencies = [(\"shop\", \"0002_second\")]\n",
        )
        .unwrap();
        assert_eq!(
            leaf(dir.path(), "shop").unwrap(),
            Some(("0003_third".into(), 3))
        );
        // Two leaves (a merge is missing): the highest number.
        std::fs::write(dir.path().join("0004_fork.py"), SECOND).unwrap();
        assert_eq!(
            leaf(dir.path(), "shop").unwrap(),
            Some(("0004_fork".into(), 4))
        );
        assert_eq!(leaf(&dir.path().join("missing"), "shop").unwrap(), None);
    }

    #[test]
    fn files_follow_the_leaf_and_depend_on_what_they_refer_to() {
        let root = tempfile::tempdir().unwrap();
        let (before, after) = (root.path().join("before"), root.path().join("after"));
        let shop_migrations: &[(&str, &str)] =
            &[("0001_initial.py", INITIAL), ("0002_second.py", SECOND)];
        let people_migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
        project(
            &before,
            &[
                ("shop", SHOP, shop_migrations),
                ("people", PEOPLE, people_migrations),
            ],
        );
        let shop_after = format!(
            "{SHOP}    buyer = models.ForeignKey('people.Buyer', on_delete=models.CASCADE, null=True)\n    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)\n"
        )
        .replace("from django.db", "from django.conf import settings\nfrom django.db");
        let people_after = format!("{PEOPLE}    age = models.IntegerField(null=True)\n");
        project(
            &after,
            &[
                ("shop", &shop_after, shop_migrations),
                ("people", &people_after, people_migrations),
                ("fresh", PEOPLE.replace("Buyer", "Thing").as_str(), &[]),
            ],
        );
        std::fs::write(
            after.join("proj/settings.py"),
            "INSTALLED_APPS = ['django.contrib.auth', 'shop', 'people', 'fresh']\n",
        )
        .unwrap();
        let rendered = generate(&before, &after, Dialect::Sqlite, Strategy::Direct);
        let paths: Vec<String> = rendered
            .artifacts
            .iter()
            .map(|a| a.path.strip_prefix(&after).unwrap().display().to_string())
            .collect();
        // people first: shop's new field refers to it.
        assert_eq!(
            paths,
            [
                "fresh/migrations/0001_initial.py",
                "people/migrations/0002_change.py",
                "shop/migrations/0003_change.py",
                "fresh/migrations/__init__.py",
            ]
        );
        let shop = &rendered.artifacts[2].contents;
        assert!(shop.contains("('shop', '0002_second'),"), "{shop}");
        assert!(shop.contains("('people', '0002_change'),"), "{shop}");
        assert!(
            shop.contains("migrations.swappable_dependency(settings.AUTH_USER_MODEL),"),
            "{shop}"
        );
        assert!(
            shop.contains("from django.conf import settings\n"),
            "{shop}"
        );
        assert!(
            shop.contains(
                "field=models.ForeignKey(to='people.Buyer', on_delete=models.CASCADE, null=True),"
            ),
            "{shop}"
        );
        let fresh = &rendered.artifacts[0].contents;
        assert!(fresh.contains("    initial = True\n"), "{fresh}");
        assert!(
            fresh.contains("('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),"),
            "{fresh}"
        );
        assert!(!shop.contains("atomic"), "{shop}");
    }

    #[test]
    fn a_sqlite_table_rebuild_stays_in_the_migration_transaction() {
        let up = |sql: &str, transactional: bool| PlannedStatement {
            sql: sql.into(),
            transactional,
            own_transaction: false,
            phase: Phase::PostDeploy,
            note: None,
            tag: None,
        };
        let statements = vec![
            up("PRAGMA foreign_keys = OFF", false),
            up("CREATE TABLE _migen_new_t (id integer PRIMARY KEY)", true),
            up("INSERT INTO _migen_new_t (id) SELECT id FROM t", true),
            up("DROP TABLE t", true),
            up("ALTER TABLE _migen_new_t RENAME TO t", true),
            up("PRAGMA foreign_keys = ON", false),
        ];
        let plan = Plan {
            dialect: crate::model::Dialect::Sqlite,
            strategy: Strategy::ZeroDowntime,
            changes: Vec::new(),
            steps: Vec::new(),
            migrations: vec![crate::plan::Migration {
                phase: Phase::PostDeploy,
                up: statements.clone(),
                down: Vec::new(),
            }],
            up: statements,
            down: Vec::new(),
            questions: Vec::new(),
            notes: Vec::new(),
        };
        let kept = without_foreign_key_switches(&plan);
        assert!(kept.migrations[0].atomic(), "{:?}", kept.migrations[0].up);
        assert_eq!(kept.migrations[0].up.len(), 4);
        assert!(kept.up.iter().all(|s| !s.sql.contains("foreign_keys")));
    }

    #[test]
    fn a_concurrent_index_gets_a_non_atomic_migration_of_its_own() {
        let root = tempfile::tempdir().unwrap();
        let (before, after) = (root.path().join("before"), root.path().join("after"));
        let migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
        project(&before, &[("shop", SHOP, migrations)]);
        let indexed = SHOP.replace("max_length=20)", "max_length=20, db_index=True)");
        project(&after, &[("shop", &indexed, migrations)]);
        let rendered = generate(&before, &after, Dialect::Postgres, Strategy::ZeroDowntime);
        let texts: Vec<&str> = rendered
            .artifacts
            .iter()
            .map(|a| a.contents.as_str())
            .collect();
        // The index and its `_like` twin, each in a migration of its own that is not atomic
        // and whose reverse SQL drops it.
        let concurrent: Vec<&&str> = texts
            .iter()
            .filter(|t| t.contains("CREATE INDEX CONCURRENTLY"))
            .collect();
        assert_eq!(concurrent.len(), 2, "{texts:#?}");
        for text in &concurrent {
            assert_eq!(
                text.matches("CREATE INDEX CONCURRENTLY").count(),
                1,
                "{text}"
            );
            assert!(text.contains("    atomic = False\n"), "{text}");
        }
        assert!(
            concurrent[0].contains("reverse_sql=[\n                        'DROP INDEX CONCURRENTLY IF EXISTS shop_product_name_b8d5e94c',"),
            "{}",
            concurrent[0]
        );
        assert!(!texts[0].contains("atomic"), "{}", texts[0]);
        // The state moves with the first migration of the chain.
        assert!(texts[0].contains("state_operations=[\n"), "{}", texts[0]);
        assert!(texts[0].contains("migrations.AlterField("), "{}", texts[0]);
        for later in &texts[1..] {
            assert!(later.contains("state_operations=[],"), "{later}");
        }
    }

    #[test]
    fn values_are_written_as_python_with_their_imports() {
        let root = tempfile::tempdir().unwrap();
        let (before, after) = (root.path().join("before"), root.path().join("after"));
        let migrations: &[(&str, &str)] = &[("0001_initial.py", INITIAL)];
        project(&before, &[("shop", SHOP, migrations)]);
        let valued = "from decimal import Decimal\nfrom django.db import models\nfrom django.utils import timezone\n\nKINDS = [(\"a\", \"It's A\"), (\"b\", \"B\\\\n\")]\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20)\n    kind = models.CharField(max_length=1, choices=KINDS, default=\"a\")\n    price = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(\"1.50\"))\n    at = models.DateTimeField(default=timezone.now)\n";
        project(&after, &[("shop", valued, migrations)]);
        let rendered = generate(&before, &after, Dialect::Sqlite, Strategy::Direct);
        let text = &rendered.artifacts[0].contents;
        assert!(
            text.contains("choices=[['a', 'It\\'s A'], ['b', 'B\\\\n']], default='a'"),
            "{text}"
        );
        assert!(text.contains("default=decimal.Decimal('1.50')"), "{text}");
        assert!(text.contains("default=django.utils.timezone.now"), "{text}");
        assert!(
            text.contains("import decimal\nimport django.utils.timezone\nfrom django.db import migrations, models\n"),
            "{text}"
        );
    }

    #[test]
    fn a_value_python_computes_is_an_error_where_it_is_written() {
        let root = tempfile::tempdir().unwrap();
        let after = root.path().join("after");
        let computed = "from django.db import models\n\nclass Product(models.Model):\n    name = models.CharField(max_length=20, default=make_name())\n";
        project(&after, &[("shop", computed, &[])]);
        let error = model_state(&after).unwrap_err().to_string();
        assert!(error.contains("shop/models.py:4:"), "{error}");
        assert!(error.contains("statically"), "{error}");
    }
}
