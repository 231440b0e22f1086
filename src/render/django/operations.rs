//! Migration state before and after, compared as Django's autodetector would, into Django
//! operations per app; the plan's renames decide which models and fields are renamed.

use std::collections::{BTreeMap, BTreeSet};

use super::writer::indent;
use crate::diff::Change;
use crate::model::orm::django::{
    FieldState, ModelState, Named, ProjectState, SETTINGS_IMPORT, Value, py_str,
};
use crate::plan::Plan;

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

/// One operation of a migration, as Python, with what it needs.
#[derive(Debug, Clone)]
pub(super) struct Operation {
    pub(super) python: String,
    pub(super) imports: BTreeSet<String>,
    /// Other apps whose models it refers to (`None`: the swappable user model).
    pub(super) refers: BTreeSet<Option<String>>,
    /// The table it changes, for migen's notes.
    pub(super) table: String,
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
pub(super) fn operations(
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
