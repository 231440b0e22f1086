//! How each change is carried out: its treatment, and the adjustments that look at all of them
//! (a renamed table's other changes, what a shadow column absorbs, names one phase frees and
//! another takes).

use std::collections::BTreeSet;

use crate::diff::Change;
use crate::model::*;
use crate::safety::{self, MysqlAlgorithm};

use super::names::shadow_name;
use super::shadow::{Shadow, ShadowObjects};
use super::{Place, Planner, Treatment};

impl Planner<'_> {
    pub(super) fn treatment(&self, change: &Change, notes: &mut Vec<String>) -> Treatment {
        let d = self.dialect;
        match change {
            Change::CreateSchema { .. }
            | Change::CreateExtension { .. }
            | Change::CreateEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::AlterEnumComment { .. }
            | Change::CreateSequence { .. }
            | Change::AlterSequence { .. }
            | Change::CreateTable { .. }
            | Change::AddForeignKey { .. }
            | Change::AddCheck { .. }
            | Change::AddUnique { .. }
            | Change::AddIndex { .. }
            | Change::RenameIndex { .. }
            | Change::RenameConstraint { .. }
            | Change::AlterTableComment { .. }
            | Change::AlterTableOptions { .. }
            | Change::CreateTrigger { .. }
            | Change::AlterViewComment { .. } => Treatment::Plain(Place::Expand),
            Change::CreateView { view } => {
                if self.from.views.contains_key(&view.name) {
                    // Re-created around a change under it: with that change, after the deploy.
                    Treatment::Plain(Place::Contract)
                } else {
                    Treatment::Plain(Place::Expand)
                }
            }
            Change::DropSchema { .. }
            | Change::DropExtension { .. }
            | Change::DropEnum { .. }
            | Change::DropSequence { .. }
            | Change::DropTable { .. }
            | Change::DropColumn { .. }
            | Change::DropPrimaryKey { .. }
            | Change::DropForeignKey { .. }
            | Change::DropUnique { .. }
            | Change::DropCheck { .. }
            | Change::DropIndex { .. }
            | Change::DropView { .. }
            | Change::DropTrigger { .. }
            | Change::AddPrimaryKey { .. } => Treatment::Plain(Place::Contract),
            Change::RecreateEnum {
                from: old,
                to: new,
                columns,
            } => match self.enum_swap(change, old, new, columns) {
                Ok(swap) => Treatment::Enum(Box::new(swap)),
                Err(why) => {
                    notes.push(format!(
                        "enum {} changes in place after the deploy ({why}): its columns are rewritten under a lock",
                        new.name
                    ));
                    Treatment::Plain(Place::Contract)
                }
            },
            Change::RenameTable { from: old, .. } => {
                let old_name_reused =
                    self.to.tables.contains_key(old) || self.to.views.contains_key(old);
                if old_name_reused {
                    Treatment::Plain(Place::Contract)
                } else {
                    Treatment::RenameTable
                }
            }
            Change::AddColumn { table, .. }
                if self.live_table(table) && self.fill_site(self.index_of(change)).is_some() =>
            {
                Treatment::Fill
            }
            Change::AddColumn { table, column } => {
                let volatile = d == Dialect::Postgres
                    && self.live_table(table)
                    && column.default.as_ref().is_some_and(|v| v.is_volatile())
                    && !matches!(column.default, Some(DefaultValue::Sequence(_)))
                    && column.identity.is_none()
                    && column.generated.is_none();
                if volatile {
                    Treatment::VolatileAdd
                } else {
                    Treatment::Plain(Place::Expand)
                }
            }
            Change::RenameColumn {
                table,
                from: old,
                to: new,
            } => {
                let (Some(before), Some(after)) =
                    (self.from.tables.get(table), self.to.tables.get(table))
                else {
                    return Treatment::Plain(Place::Contract);
                };
                let (Some(old_col), Some(new_col)) = (before.column(old), after.column(new)) else {
                    return Treatment::Plain(Place::Contract);
                };
                let shadow = Shadow {
                    table: table.clone(),
                    old: old_col.clone(),
                    new: new_col.clone(),
                    shadow: new.clone(),
                    rename: true,
                };
                match self.shadow_blocker(&shadow) {
                    None => Treatment::Shadow(Box::new(shadow)),
                    Some(why) => {
                        notes.push(format!(
                            "rename of {table}.{old} to {new} runs as a plain rename after the deploy ({why}): code that still uses {old} breaks from then on"
                        ));
                        Treatment::Plain(Place::Contract)
                    }
                }
            }
            Change::AlterColumn {
                table,
                from: old,
                to: new,
            } => {
                if !self.live_table(table) {
                    return Treatment::Plain(Place::Expand);
                }
                let type_changes = old.ty != new.ty || old.collation != new.collation;
                let costly = type_changes
                    && match d {
                        Dialect::Postgres => {
                            safety::postgres_type_change_rewrites(&self.version, &old.ty, &new.ty)
                                || old.collation != new.collation
                        }
                        _ => self.algorithm_of(change) == Some(MysqlAlgorithm::Copy),
                    };
                if costly {
                    let shadow = Shadow {
                        table: table.clone(),
                        old: old.clone(),
                        new: new.clone(),
                        shadow: shadow_name(d, &new.name),
                        rename: false,
                    };
                    return match self.shadow_blocker(&shadow) {
                        None => Treatment::Shadow(Box::new(shadow)),
                        Some(why) => {
                            notes.push(format!(
                                "type change of {table}.{} runs in place after the deploy ({why}): it rewrites the table under a lock",
                                new.name
                            ));
                            Treatment::Plain(Place::Contract)
                        }
                    };
                }
                if old.nullable && !new.nullable && self.fill_site(self.index_of(change)).is_some()
                {
                    return Treatment::Fill;
                }
                if old.nullable && !new.nullable && d == Dialect::Postgres && new.identity.is_none()
                {
                    return Treatment::SetNotNull;
                }
                let tightens = (old.nullable && !new.nullable)
                    || (type_changes && safety::narrows_type(d, &old.ty, &new.ty))
                    || (old.default.is_some() && new.default.is_none());
                if tightens {
                    Treatment::Plain(Place::Contract)
                } else {
                    Treatment::Plain(Place::Expand)
                }
            }
        }
    }

    /// The index of a change of this plan.
    fn index_of(&self, change: &Change) -> usize {
        self.changes
            .iter()
            .position(|c| std::ptr::eq(c, change))
            .expect("a change of this plan")
    }

    fn algorithm_of(&self, change: &Change) -> Option<MysqlAlgorithm> {
        let i = self.changes.iter().position(|c| c == change)?;
        self.algorithms.get(i)?.as_ref().map(|(a, _)| *a)
    }

    /// Why a column cannot go through a shadow column, if it cannot.
    pub(super) fn shadow_blocker(&self, shadow: &Shadow) -> Option<String> {
        let before = self.from.tables.get(&shadow.table)?;
        let after = self.to.tables.get(&shadow.table)?;
        if !self.live_table(&shadow.table) {
            return Some("the table is new".into());
        }
        if self
            .changes
            .iter()
            .any(|c| matches!(c, Change::RenameTable { to, .. } if *to == shadow.table))
        {
            return Some("the table is renamed in the same migration".into());
        }
        let (old, new) = (&shadow.old, &shadow.new);
        let in_pk = |table: &Table, column: &str| {
            table
                .primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
        };
        if in_pk(before, &old.name) || in_pk(after, &new.name) {
            return Some("it is part of the primary key".into());
        }
        for column in [old, new] {
            if column.generated.is_some()
                || column.identity.is_some()
                || column.auto_increment
                || matches!(column.default, Some(DefaultValue::Sequence(_)))
                || column.on_update.is_some()
            {
                return Some("it is generated, an identity or drawn from a sequence".into());
            }
        }
        let referenced = |schema: &Schema, column: &str| {
            schema.tables.values().any(|t| {
                t.foreign_keys.iter().any(|fk| {
                    fk.ref_table == shadow.table && fk.ref_columns.iter().any(|c| c == column)
                })
            })
        };
        if referenced(self.from, &old.name) || referenced(self.to, &new.name) {
            return Some("foreign keys point at it".into());
        }
        let other_column_refs = |table: &Table, column: &str| {
            table.indexes.iter().any(|i| {
                i.keys.iter().any(
                    |k| matches!(&k.part, IndexPart::Expr(e) if mentions_identifier(e, column)),
                ) || i
                    .predicate
                    .as_deref()
                    .is_some_and(|p| mentions_identifier(p, column))
            }) || table.columns.iter().any(|c| {
                c.generated
                    .as_ref()
                    .is_some_and(|g| mentions_identifier(&g.expr, column))
            }) || table
                .triggers
                .iter()
                .any(|t| mentions_identifier(&t.sql, column))
        };
        if other_column_refs(before, &old.name) || other_column_refs(after, &new.name) {
            return Some(
                "an expression index, partial index, generated column or trigger uses it".into(),
            );
        }
        let renamed_and_retyped = self.changes.iter().any(|c| {
            matches!(c, Change::AlterColumn { table, from, to }
                if *table == shadow.table && to.name == new.name && from.ty != to.ty)
        }) && self.changes.iter().any(|c| {
            matches!(c, Change::RenameColumn { table, to, .. } if *table == shadow.table && *to == new.name)
        });
        if renamed_and_retyped || (shadow.rename && old.ty != new.ty) {
            return Some("it is renamed and retyped at once".into());
        }
        // A foreign key from this column into a column that changes too: the two must change
        // together, with the key dropped around both.
        let partner_changes = before
            .foreign_keys
            .iter()
            .chain(&after.foreign_keys)
            .filter(|fk| fk.columns.iter().any(|c| *c == old.name || *c == new.name))
            .any(|fk| {
                self.changes.iter().any(|c| {
                    matches!(c, Change::AlterColumn { table, to, .. }
                        if *table == fk.ref_table && fk.ref_columns.contains(&to.name))
                })
            });
        if partner_changes {
            return Some("the column it references changes in the same migration".into());
        }
        let names_clash = !shadow.rename && before.column(&shadow.shadow).is_some();
        if names_clash {
            return Some(format!("a column named {} already exists", shadow.shadow));
        }
        if self.dialect == Dialect::Postgres
            && self
                .from
                .views
                .values()
                .any(|v| v.materialized && mentions_identifier(&v.definition, &shadow.table.name))
        {
            return Some("a materialized view reads the table".into());
        }
        None
    }

    /// A table renamed in the same migration as other changes to it: the compatibility view
    /// would pin its columns, so the rename and the changes run after the deploy, in order.
    pub(super) fn rename_tables_with_changes(
        &self,
        treatments: &mut [Treatment],
        notes: &mut Vec<String>,
    ) {
        for (i, change) in self.changes.iter().enumerate() {
            let Change::RenameTable { from, to } = change else {
                continue;
            };
            let others: Vec<usize> = self
                .changes
                .iter()
                .enumerate()
                .filter(|(j, c)| *j != i && c.table() == Some(to))
                .map(|(j, _)| j)
                .collect();
            if others.is_empty() {
                continue;
            }
            notes.push(format!(
                "table {from} is renamed to {to} together with other changes to it: all of them run after the deploy, without a compatibility view (code that still uses {from} breaks from then on)"
            ));
            treatments[i] = Treatment::Plain(Place::Contract);
            for j in others {
                if !matches!(treatments[j], Treatment::Absorbed) {
                    treatments[j] = Treatment::Plain(Place::Contract);
                }
            }
        }
    }

    /// Changes a shadow recipe already covers: the indexes and constraints on the shadowed
    /// column are dropped with the old column and rebuilt on the new one.
    pub(super) fn absorb_into_shadows(&self, treatments: &mut [Treatment]) {
        let shadows: Vec<Shadow> = treatments
            .iter()
            .flat_map(|t| match t {
                Treatment::Shadow(s) => vec![(**s).clone()],
                Treatment::Enum(swap) => swap.shadows.clone(),
                _ => Vec::new(),
            })
            .collect();
        for shadow in &shadows {
            let involves = |columns: &[String]| {
                columns
                    .iter()
                    .any(|c| *c == shadow.old.name || *c == shadow.new.name)
            };
            let index_involves = |index: &Index| {
                index.keys.iter().any(|k| {
                    matches!(&k.part, IndexPart::Column(c) if *c == shadow.old.name || *c == shadow.new.name)
                }) || involves(&index.include)
            };
            let check_involves = |check: &CheckConstraint| {
                mentions_identifier(&check.expr, &shadow.old.name)
                    || mentions_identifier(&check.expr, &shadow.new.name)
            };
            let object_names = self.shadow_object_names(shadow);
            for (i, change) in self.changes.iter().enumerate() {
                if change.table() != Some(&shadow.table) {
                    continue;
                }
                let absorbed = match change {
                    Change::AddIndex { index, .. } | Change::DropIndex { index, .. } => {
                        index_involves(index)
                    }
                    Change::AddUnique { unique, .. } | Change::DropUnique { unique, .. } => {
                        involves(&unique.columns)
                    }
                    Change::AddForeignKey { foreign_key, .. }
                    | Change::DropForeignKey { foreign_key, .. } => involves(&foreign_key.columns),
                    Change::AddCheck { check, .. } | Change::DropCheck { check, .. } => {
                        check_involves(check)
                    }
                    Change::RenameIndex { from, to, .. }
                    | Change::RenameConstraint { from, to, .. } => {
                        object_names.contains(from) || object_names.contains(to)
                    }
                    _ => false,
                };
                if absorbed {
                    treatments[i] = Treatment::Absorbed;
                }
            }
        }
    }

    /// Names of the indexes and constraints on the shadowed column, before and after.
    fn shadow_object_names(&self, shadow: &Shadow) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let before = &self.from.tables[&shadow.table];
        let after = &self.to.tables[&shadow.table];
        for (table, column) in [(before, &shadow.old.name), (after, &shadow.new.name)] {
            for object in ShadowObjects::of(table, column).names() {
                names.insert(object);
            }
        }
        names
    }

    /// An expand change that would take a name a contract change frees, or that needs a
    /// contract change first, moves to the contract phase (after it, in the original order).
    pub(super) fn resolve_conflicts(&self, treatments: &mut [Treatment]) {
        loop {
            let mut freed: BTreeSet<(String, String)> = BTreeSet::new();
            let mut contract_tables: BTreeSet<QName> = BTreeSet::new();
            for (change, treatment) in self.changes.iter().zip(treatments.iter()) {
                let in_contract = match treatment {
                    Treatment::Plain(place) => *place == Place::Contract,
                    Treatment::Shadow(shadow) => !shadow.rename,
                    Treatment::Enum(_) => true,
                    _ => false,
                };
                if !in_contract {
                    continue;
                }
                if let Some(table) = change.table() {
                    contract_tables.insert(table.clone());
                }
                for name in names_freed(change) {
                    freed.insert(name);
                }
            }
            let mut moved = false;
            for (i, change) in self.changes.iter().enumerate() {
                if !matches!(treatments[i], Treatment::Plain(Place::Expand)) {
                    continue;
                }
                let takes_freed = names_taken(change).iter().any(|n| freed.contains(n));
                let needs_contract = match change {
                    // A column under a foreign key or a view the plan drops changes after the drop.
                    Change::AlterColumn { table, to, .. } => {
                        self.changes.iter().zip(treatments.iter()).any(|(c, t)| {
                            matches!(t, Treatment::Plain(Place::Contract))
                                && match c {
                                    Change::DropForeignKey {
                                        table: fk_table,
                                        foreign_key,
                                    } => {
                                        (fk_table == table
                                            && foreign_key.columns.contains(&to.name))
                                            || (foreign_key.ref_table == *table
                                                && foreign_key.ref_columns.contains(&to.name))
                                    }
                                    Change::DropView { view } => {
                                        mentions_identifier(&view.definition, &table.name)
                                    }
                                    _ => false,
                                }
                        })
                    }
                    Change::CreateView { view } => contract_tables
                        .iter()
                        .any(|t| mentions_identifier(&view.definition, &t.name)),
                    // The referenced key must exist in its final form first.
                    Change::AddForeignKey { foreign_key, .. } => {
                        self.changes.iter().zip(treatments.iter()).any(|(c, t)| {
                            let in_contract = matches!(
                                t,
                                Treatment::Plain(Place::Contract) | Treatment::Shadow(_)
                            );
                            in_contract
                                && c.table() == Some(&foreign_key.ref_table)
                                && match c {
                                    Change::AddPrimaryKey { .. }
                                    | Change::DropPrimaryKey { .. }
                                    | Change::AddUnique { .. }
                                    | Change::DropUnique { .. }
                                    | Change::AddIndex { .. }
                                    | Change::DropIndex { .. } => true,
                                    Change::AlterColumn { to, .. } => {
                                        foreign_key.ref_columns.contains(&to.name)
                                    }
                                    Change::RenameColumn { to, .. } => {
                                        foreign_key.ref_columns.contains(to)
                                    }
                                    _ => false,
                                }
                        })
                    }
                    _ => false,
                };
                if takes_freed || needs_contract {
                    treatments[i] = Treatment::Plain(Place::Contract);
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
    }
}

/// Names a change frees (drops), as (kind, name).
fn names_freed(change: &Change) -> Vec<(String, String)> {
    let key = |kind: &str, name: &str| (kind.to_string(), name.to_string());
    match change {
        Change::DropTable { table } => vec![key("relation", &table.name.to_string())],
        Change::DropView { view } => vec![key("relation", &view.name.to_string())],
        Change::DropIndex { index, .. } => vec![key("index", &index.name)],
        Change::DropUnique { unique, .. } => unique
            .name
            .iter()
            .flat_map(|n| [key("index", n), key("constraint", n)])
            .collect(),
        Change::DropCheck { check, .. } => {
            check.name.iter().map(|n| key("constraint", n)).collect()
        }
        Change::DropForeignKey { foreign_key, .. } => foreign_key
            .name
            .iter()
            .map(|n| key("constraint", n))
            .collect(),
        Change::DropPrimaryKey { primary_key, .. } => primary_key
            .name
            .iter()
            .flat_map(|n| [key("index", n), key("constraint", n)])
            .collect(),
        Change::DropColumn { table, column } => {
            vec![key("column", &format!("{table}.{}", column.name))]
        }
        Change::DropEnum { enum_type } => vec![key("type", &enum_type.name.to_string())],
        Change::DropSequence { sequence } => vec![key("relation", &sequence.name.to_string())],
        Change::RenameColumn { table, from, .. } => vec![key("column", &format!("{table}.{from}"))],
        Change::RenameIndex { from, .. } => vec![key("index", from)],
        Change::RenameConstraint { from, .. } => vec![key("constraint", from), key("index", from)],
        Change::RenameTable { from, .. } => vec![key("relation", &from.to_string())],
        Change::DropTrigger { trigger, .. } => vec![key("trigger", &trigger.name)],
        _ => Vec::new(),
    }
}

/// Names a change takes (creates).
fn names_taken(change: &Change) -> Vec<(String, String)> {
    let key = |kind: &str, name: &str| (kind.to_string(), name.to_string());
    match change {
        Change::CreateTable { table } => vec![key("relation", &table.name.to_string())],
        Change::CreateView { view } => vec![key("relation", &view.name.to_string())],
        Change::AddIndex { index, .. } => vec![key("index", &index.name)],
        Change::AddUnique { unique, .. } => unique
            .name
            .iter()
            .flat_map(|n| [key("index", n), key("constraint", n)])
            .collect(),
        Change::AddCheck { check, .. } => check.name.iter().map(|n| key("constraint", n)).collect(),
        Change::AddForeignKey { foreign_key, .. } => foreign_key
            .name
            .iter()
            .map(|n| key("constraint", n))
            .collect(),
        Change::AddColumn { table, column } => {
            vec![key("column", &format!("{table}.{}", column.name))]
        }
        Change::CreateEnum { enum_type } => vec![key("type", &enum_type.name.to_string())],
        Change::CreateSequence { sequence } => vec![key("relation", &sequence.name.to_string())],
        Change::RenameIndex { to, .. } => vec![key("index", to)],
        Change::RenameConstraint { to, .. } => vec![key("constraint", to), key("index", to)],
        Change::CreateTrigger { trigger, .. } => vec![key("trigger", &trigger.name)],
        _ => Vec::new(),
    }
}
