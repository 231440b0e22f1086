//! The zero-downtime planner: changes → expand, backfill and contract steps.
//!
//! Additive changes go to the expand phase (pre-deploy), written so they never block writes for
//! long: indexes built CONCURRENTLY, constraints added NOT VALID and validated later, MySQL
//! ALTERs pinned to ALGORITHM=INSTANT or INPLACE with LOCK=NONE so the server refuses instead
//! of copying. Destructive changes go to the contract phase (post-deploy). Renames and type
//! changes that would rewrite the table go through a shadow column kept in sync by a trigger,
//! filled by a batched backfill and swapped in during the contract phase.
//!
//! Each step carries its own down; a phase's down undoes its steps last first and leaves the
//! database as the previous phase left it.

use std::collections::BTreeSet;

use crate::dialect::op::Op;
use crate::dialect::{self, Statement};
use crate::diff::{self, Change, RenameAnswers};
use crate::model::*;
use crate::normalize::{column_default_sql, quote_ident, quote_qname, type_sql};
use crate::safety::{self, MysqlAlgorithm, Version};

use super::backfill::Backfill;
use super::{Lossiness, Phase, PlanOptions, Step};

pub(super) fn steps(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    changes: &[Change],
    options: &PlanOptions,
) -> (Vec<Step>, Vec<String>) {
    let mut notes = Vec::new();
    let version = match &options.version {
        Some(version) => *version,
        None => {
            let oldest = Version::oldest_supported(to.dialect);
            notes.push(format!(
                "no server version given: the plan assumes {} (pass --db-version, set [database] version in migen.toml, or use a live --from)",
                oldest.label()
            ));
            oldest
        }
    };
    if changes.is_empty() {
        return (Vec::new(), notes);
    }
    let steps = match to.dialect {
        Dialect::Sqlite => sqlite_steps(from, to, answers, changes, options, &mut notes),
        _ => Planner::new(from, to, changes, options, version).run(&mut notes),
    };
    if options.keep_dropped {
        let kept: Vec<String> = steps
            .iter()
            .flat_map(|s| &s.up)
            .filter_map(|s| s.note.as_deref())
            .filter(|n| n.starts_with(KEPT_NOTE))
            .map(|n| n[KEPT_NOTE.len()..].to_string())
            .collect();
        if !kept.is_empty() {
            notes.push(format!(
                "dropped objects are kept under a deprecated name; once nothing needs them, finish with a later migration: {}",
                kept.join("; ")
            ));
        }
    }
    (steps, notes)
}

const KEPT_NOTE: &str = "kept until a later contract migration: ";

/// Where a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Expand,
    Contract,
}

/// How a change is carried out.
#[derive(Debug, Clone)]
enum Treatment {
    /// The change's own statements (made online where the dialect allows) in one phase.
    Plain(Place),
    /// Handled as part of another change's recipe (a shadow column rebuilds its indexes).
    Absorbed,
    /// Through a shadow column: a rename (both names live during the deploy) or a type change.
    Shadow(Box<Shadow>),
    /// An ALTER COLUMN that sets NOT NULL: the other attributes first, NOT NULL in the contract
    /// phase through a validated CHECK.
    SetNotNull,
    /// ADD COLUMN with a volatile default: added bare, default set, backfilled in batches.
    VolatileAdd,
    /// RENAME TABLE with a view under the old name until the contract phase.
    RenameTable,
    /// Enum values removed or reordered (PostgreSQL): a new type beside the old one, every
    /// column through a shadow column of the new type, the types traded at the end.
    Enum(Box<EnumSwap>),
}

#[derive(Debug, Clone)]
struct EnumSwap {
    from: EnumType,
    to: EnumType,
    /// The new type under a temporary name until the old one is gone.
    temp: EnumType,
    shadows: Vec<Shadow>,
}

#[derive(Debug, Clone)]
struct Shadow {
    table: QName,
    old: Column,
    new: Column,
    /// The column that collects the new values: the new name for a rename, a temporary name
    /// for a type change.
    shadow: String,
    rename: bool,
}

struct Planner<'a> {
    from: &'a Schema,
    to: &'a Schema,
    changes: &'a [Change],
    options: &'a PlanOptions,
    version: Version,
    dialect: Dialect,
    created: BTreeSet<QName>,
    algorithms: Vec<Option<(MysqlAlgorithm, String)>>,
}

impl<'a> Planner<'a> {
    fn new(
        from: &'a Schema,
        to: &'a Schema,
        changes: &'a [Change],
        options: &'a PlanOptions,
        version: Version,
    ) -> Planner<'a> {
        let created = changes
            .iter()
            .filter_map(|c| match c {
                Change::CreateTable { table } => Some(table.name.clone()),
                _ => None,
            })
            .collect();
        let algorithms = if to.dialect == Dialect::Mysql {
            safety::mysql_algorithms(changes, from, &version)
        } else {
            Vec::new()
        };
        Planner {
            from,
            to,
            changes,
            options,
            version,
            dialect: to.dialect,
            created,
            algorithms,
        }
    }

    /// Whether the table holds rows that running code uses (it exists in the source under
    /// this name and this plan does not create it).
    fn live_table(&self, table: &QName) -> bool {
        let renamed_from_live = self.changes.iter().any(|c| {
            matches!(c, Change::RenameTable { from, to } if to == table && self.from.tables.contains_key(from))
        });
        (self.from.tables.contains_key(table) || renamed_from_live) && !self.created.contains(table)
    }

    fn run(&self, notes: &mut Vec<String>) -> Vec<Step> {
        let mut treatments: Vec<Treatment> = self
            .changes
            .iter()
            .map(|c| self.treatment(c, notes))
            .collect();
        self.rename_tables_with_changes(&mut treatments, notes);
        self.absorb_into_shadows(&mut treatments);
        self.resolve_conflicts(&mut treatments);

        let mut expand = Vec::new();
        let mut backfill = Vec::new();
        let mut contract = Vec::new();
        // Steps that must come after every other contract step.
        let mut last = Vec::new();
        let mut i = 0;
        while i < self.changes.len() {
            // A run of new tables is one step: foreign keys among them wait for the last.
            if matches!(self.changes[i], Change::CreateTable { .. })
                && matches!(treatments[i], Treatment::Plain(Place::Expand))
            {
                let mut j = i;
                while j < self.changes.len()
                    && matches!(self.changes[j], Change::CreateTable { .. })
                    && matches!(treatments[j], Treatment::Plain(Place::Expand))
                {
                    j += 1;
                }
                expand.push(self.plain_group(i..j, Phase::PreDeploy));
                i = j;
                continue;
            }
            let change = &self.changes[i];
            match &treatments[i] {
                Treatment::Absorbed => {}
                Treatment::Plain(Place::Expand) => self.plain(
                    i,
                    Phase::PreDeploy,
                    &mut expand,
                    &mut backfill,
                    &mut contract,
                ),
                Treatment::Plain(Place::Contract) => self.plain(
                    i,
                    Phase::PostDeploy,
                    &mut expand,
                    &mut backfill,
                    &mut contract,
                ),
                Treatment::Shadow(shadow) => {
                    self.shadow(i, shadow, &mut expand, &mut backfill, &mut contract)
                }
                Treatment::SetNotNull => self.set_not_null(i, &mut expand, &mut contract),
                Treatment::VolatileAdd => {
                    self.volatile_add(i, &mut expand, &mut backfill, &mut contract)
                }
                Treatment::RenameTable => {
                    let Change::RenameTable { from: old, to: new } = change else {
                        unreachable!()
                    };
                    self.rename_table(i, old, new, &mut expand, &mut contract)
                }
                Treatment::Enum(swap) => self.enum_steps(
                    i,
                    swap,
                    &mut expand,
                    &mut backfill,
                    &mut contract,
                    &mut last,
                ),
            }
            i += 1;
        }
        expand
            .into_iter()
            .chain(backfill)
            .chain(contract)
            .chain(last)
            .collect()
    }

    fn treatment(&self, change: &Change, notes: &mut Vec<String>) -> Treatment {
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

    fn algorithm_of(&self, change: &Change) -> Option<MysqlAlgorithm> {
        let i = self.changes.iter().position(|c| c == change)?;
        self.algorithms.get(i)?.as_ref().map(|(a, _)| *a)
    }

    /// Why a column cannot go through a shadow column, if it cannot.
    fn shadow_blocker(&self, shadow: &Shadow) -> Option<String> {
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

    /// The shadow columns for an enum whose values are removed or reordered, or why not.
    fn enum_swap(
        &self,
        change: &Change,
        from: &EnumType,
        to: &EnumType,
        columns: &[(QName, String)],
    ) -> std::result::Result<EnumSwap, String> {
        if self.dialect != Dialect::Postgres {
            return Err("only PostgreSQL has enum types".into());
        }
        let temp = EnumType {
            name: QName {
                schema: to.name.schema.clone(),
                name: shadow_name(self.dialect, &to.name.name),
            },
            values: to.values.clone(),
            comment: None,
        };
        if self.from.enums.contains_key(&temp.name) {
            return Err(format!("a type named {} already exists", temp.name));
        }
        // A column the plan adds or retypes to this enum would get the old type.
        let uses = |ty: &Type| match ty {
            Type::Enum { name } => *name == to.name,
            Type::Array { element } => {
                matches!(&**element, Type::Enum { name } if *name == to.name)
            }
            _ => false,
        };
        let other_use = self.changes.iter().any(|c| {
            c != change
                && match c {
                    Change::AddColumn { column, .. } => uses(&column.ty),
                    Change::AlterColumn { to: column, .. } => uses(&column.ty),
                    Change::CreateTable { table } => table.columns.iter().any(|c| uses(&c.ty)),
                    _ => false,
                }
        });
        if other_use {
            return Err("other columns take up the type in the same migration".into());
        }
        let mut shadows = Vec::new();
        for (table, column) in columns {
            let (Some(old), Some(new)) = (
                self.from.tables.get(table).and_then(|t| t.column(column)),
                self.to.tables.get(table).and_then(|t| t.column(column)),
            ) else {
                return Err(format!("{table}.{column} is not in both schemas"));
            };
            if !matches!(old.ty, Type::Enum { .. }) {
                return Err(format!("{table}.{column} is an array of the enum"));
            }
            let mut new = new.clone();
            new.ty = Type::Enum {
                name: temp.name.clone(),
            };
            let shadow = Shadow {
                table: table.clone(),
                old: old.clone(),
                new,
                shadow: shadow_name(self.dialect, column),
                rename: false,
            };
            if let Some(why) = self.shadow_blocker(&shadow) {
                return Err(format!("{table}.{column}: {why}"));
            }
            shadows.push(shadow);
        }
        Ok(EnumSwap {
            from: from.clone(),
            to: to.clone(),
            temp,
            shadows,
        })
    }

    fn enum_steps(
        &self,
        i: usize,
        swap: &EnumSwap,
        expand: &mut Vec<Step>,
        backfill: &mut Vec<Step>,
        contract: &mut Vec<Step>,
        last: &mut Vec<Step>,
    ) {
        let d = self.dialect;
        let create_temp = self.forward(&Change::CreateEnum {
            enum_type: swap.temp.clone(),
        });
        let drop_temp = self.backward(&Change::DropEnum {
            enum_type: swap.temp.clone(),
        });
        let mut step = self.step(Phase::PreDeploy, vec![i], create_temp, drop_temp);
        step.summary = format!(
            "create the new values of {} as {}",
            swap.to.name, swap.temp.name
        );
        step.lossiness = Lossiness::Lossless;
        step.loss = None;
        expand.push(step);
        for shadow in &swap.shadows {
            self.shadow(i, shadow, expand, backfill, contract);
        }
        // Last: the old type goes and the new one takes its name.
        let old = quote_qname(d, &swap.from.name);
        let temp = quote_qname(d, &swap.temp.name);
        let mut up = vec![
            Statement::new(format!("DROP TYPE {old}")),
            Statement::new(format!(
                "ALTER TYPE {temp} RENAME TO {}",
                quote_ident(d, &swap.to.name.name)
            )),
        ];
        if swap.to.comment.is_some() {
            up.extend(self.forward(&Change::AlterEnumComment {
                name: swap.to.name.clone(),
                comment: swap.to.comment.clone(),
            }));
        }
        let mut down = vec![Statement::new(format!(
            "ALTER TYPE {old} RENAME TO {}",
            quote_ident(d, &swap.temp.name.name)
        ))];
        down.extend(self.backward(&Change::CreateEnum {
            enum_type: swap.from.clone(),
        }));
        let mut step = self.step(Phase::PostDeploy, vec![i], up, down);
        step.summary = format!("replace enum {} by its new values", swap.to.name);
        last.push(step);
    }

    /// The shadow column as the expand phase adds it: nullable and without a default, except on
    /// MySQL for a NOT NULL target, where it starts NOT NULL with a placeholder default, so the
    /// swap is catalog-only (MySQL makes a column NOT NULL only by rebuilding the table).
    fn shadow_column(&self, shadow: &Shadow) -> Column {
        let mut column = shadow.new.clone();
        column.name = shadow.shadow.clone();
        column.nullable = true;
        column.default = None;
        column.comment = None;
        if self.dialect == Dialect::Mysql
            && !shadow.rename
            && !shadow.new.nullable
            && !shadow.old.nullable
        {
            let placeholder = match (&shadow.new.default, &shadow.new.ty) {
                (
                    Some(
                        value @ (DefaultValue::Number(_)
                        | DefaultValue::String(_)
                        | DefaultValue::Bool(_)),
                    ),
                    _,
                ) => Some(value.clone()),
                (_, Type::Integer { .. } | Type::Decimal { .. } | Type::Float { .. }) => {
                    Some(DefaultValue::Number("0".into()))
                }
                (_, Type::Char { .. } | Type::Varchar { .. }) => {
                    Some(DefaultValue::String(String::new()))
                }
                _ => None,
            };
            if let Some(placeholder) = placeholder {
                column.nullable = false;
                column.default = Some(placeholder);
            }
        }
        column
    }

    /// A table renamed in the same migration as other changes to it: the compatibility view
    /// would pin its columns, so the rename and the changes run after the deploy, in order.
    fn rename_tables_with_changes(&self, treatments: &mut [Treatment], notes: &mut Vec<String>) {
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
    fn absorb_into_shadows(&self, treatments: &mut [Treatment]) {
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
    fn resolve_conflicts(&self, treatments: &mut [Treatment]) {
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

    // -----------------------------------------------------------------------------------------
    // generic steps

    /// The statements for a change on the way from the source to the target.
    fn forward(&self, change: &Change) -> Vec<Statement> {
        dialect::statements(std::slice::from_ref(change), self.from, self.to)
    }

    /// The statements for a change on the way back.
    fn backward(&self, change: &Change) -> Vec<Statement> {
        dialect::statements(std::slice::from_ref(change), self.to, self.from)
    }

    /// The statements that undo `change`. Foreign keys into tables the plan drops are re-added
    /// without checking rows (those tables come back empty); a re-created table leaves out the
    /// foreign keys the plan drops on their own (their own steps put them back).
    fn inverse_statements(&self, change: &Change) -> Vec<Statement> {
        let mut inverse = change.inverse(self.from, self.to);
        if let Change::CreateTable { table } = &mut inverse {
            table.foreign_keys.retain(|fk| {
                !self.changes.iter().any(|c| {
                    matches!(c, Change::DropForeignKey { table: t, foreign_key } if *t == table.name && foreign_key == fk)
                })
            });
        }
        let dropped_tables: BTreeSet<QName> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable { table } => Some(table.name.clone()),
                _ => None,
            })
            .collect();
        dialect::statements_with(
            std::slice::from_ref(&inverse),
            self.to,
            self.from,
            &dropped_tables,
        )
    }

    fn step(
        &self,
        phase: Phase,
        changes: Vec<usize>,
        up: Vec<Statement>,
        down: Vec<Statement>,
    ) -> Step {
        let summary = changes
            .iter()
            .map(|&i| self.changes[i].describe())
            .collect::<Vec<_>>()
            .join("; ");
        let (lossiness, loss) = Lossiness::of(
            changes
                .iter()
                .filter_map(|&i| super::loss(&self.changes[i], self.from))
                .collect(),
        );
        Step {
            phase,
            changes,
            summary,
            up,
            down,
            lossiness,
            loss,
        }
    }

    fn plain_group(&self, range: std::ops::Range<usize>, phase: Phase) -> Step {
        let group = &self.changes[range.clone()];
        let up = dialect::statements(group, self.from, self.to);
        // Foreign keys among the new tables go first, so the tables can be dropped in any order.
        let in_group = |name: &QName| {
            group
                .iter()
                .any(|c| matches!(c, Change::CreateTable { table } if table.name == *name))
        };
        let mut inverses: Vec<Change> = Vec::new();
        let mut tables = Vec::new();
        for change in group.iter().rev() {
            if let Change::CreateTable { table } = change {
                let mut bare = table.clone();
                let (inner, outer): (Vec<ForeignKey>, Vec<ForeignKey>) = table
                    .foreign_keys
                    .iter()
                    .cloned()
                    .partition(|fk| fk.ref_table != table.name && in_group(&fk.ref_table));
                bare.foreign_keys = outer;
                for foreign_key in inner {
                    inverses.push(Change::DropForeignKey {
                        table: table.name.clone(),
                        foreign_key,
                    });
                }
                tables.push(Change::DropTable { table: bare });
            }
        }
        inverses.extend(tables);
        let down = dialect::statements(&inverses, self.to, self.from);
        self.step(phase, range.collect(), up, down)
    }

    /// A change with its own statements, made online where the dialect allows.
    fn plain(
        &self,
        i: usize,
        phase: Phase,
        expand: &mut Vec<Step>,
        backfill: &mut Vec<Step>,
        contract: &mut Vec<Step>,
    ) {
        let change = &self.changes[i];
        let mut up = self.forward(change);
        let mut down = self.inverse_statements(change);
        if up.is_empty() && down.is_empty() {
            return;
        }
        let live = match change {
            // A materialized view's index: live when the view is.
            Change::AddIndex { table, .. } | Change::DropIndex { table, .. }
                if self.from.views.contains_key(table) =>
            {
                !self
                    .changes
                    .iter()
                    .any(|c| matches!(c, Change::CreateView { view } if view.name == *table))
            }
            _ => change.table().is_some_and(|t| self.live_table(t)),
        };
        if let Change::DropColumn { table, column } = change {
            // New code no longer writes the column: it must accept that before the deploy.
            let blocks_inserts = live
                && !column.nullable
                && column.default.is_none()
                && column.generated.is_none()
                && column.identity.is_none()
                && !column.auto_increment
                && !self.from.tables[table]
                    .primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns.contains(&column.name));
            if blocks_inserts {
                let relaxed = Column {
                    nullable: true,
                    ..column.clone()
                };
                let relax = Change::AlterColumn {
                    table: table.clone(),
                    from: column.clone(),
                    to: relaxed.clone(),
                };
                let mut step = self.step(
                    Phase::PreDeploy,
                    vec![i],
                    self.forward(&relax),
                    self.inverse_statements(&relax),
                );
                step.summary = format!(
                    "allow NULL in {table}.{} so code that no longer writes it can insert",
                    column.name
                );
                step.lossiness = Lossiness::Lossless;
                step.loss = None;
                expand.push(step);
                down = self.inverse_statements(&Change::DropColumn {
                    table: table.clone(),
                    column: relaxed,
                });
            }
        }
        let steps = if phase == Phase::PreDeploy {
            expand
        } else {
            contract
        };
        if self.options.keep_dropped {
            if let Some(kept) = self.keep_dropped(i, phase) {
                steps.push(kept);
                return;
            }
        }
        match self.dialect {
            Dialect::Postgres if live => match change {
                Change::AlterColumn {
                    from: old, to: new, ..
                } => {
                    let mut said = Vec::new();
                    if old.ty != new.ty || old.collation != new.collation {
                        let rewrites = old.collation != new.collation
                            || safety::postgres_type_change_rewrites(
                                &self.version,
                                &old.ty,
                                &new.ty,
                            );
                        said.push(if rewrites {
                            "rewrites the table under an ACCESS EXCLUSIVE lock: no online recipe applies here (see the plan's notes)".to_string()
                        } else {
                            format!(
                                "catalog only on {}: no table rewrite and no scan",
                                self.version.label()
                            )
                        });
                    }
                    if phase == Phase::PostDeploy {
                        said.push(format!(
                            "runs after the deploy: code still running before it may rely on what it changes ({})",
                            diff::column_changes(old, new).join(", ")
                        ));
                    }
                    if let Some(first) = up.first_mut().filter(|_| !said.is_empty()) {
                        first.note = Some(said.join("; "));
                    }
                }
                Change::AddColumn { column, .. }
                    if matches!(
                        column.default,
                        Some(DefaultValue::Function(_) | DefaultValue::Expr(_))
                    ) && column.generated.is_none()
                        && column.identity.is_none() =>
                {
                    if let Some(first) = up.first_mut() {
                        first.note = Some("the default is evaluated once by the ALTER (PostgreSQL 11+): existing rows get that value without a table rewrite".into());
                    }
                }
                Change::AddPrimaryKey { table, primary_key } => {
                    let name = primary_key
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("{}_pkey", table.name));
                    let index = Index {
                        name: name.clone(),
                        unique: true,
                        keys: primary_key.columns.iter().map(IndexKey::column).collect(),
                        method: None,
                        predicate: None,
                        include: Vec::new(),
                    };
                    let build = self.forward(&Change::AddIndex {
                        table: table.clone(),
                        index,
                    });
                    up = concurrently_create(table, &name, &build);
                    up.push(
                        Statement::new(format!(
                            "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}",
                            quote_qname(self.dialect, table),
                            quote_ident(self.dialect, &name),
                            quote_ident(self.dialect, &name)
                        ))
                        .with_note("the key's index was built without blocking writes; attaching it is catalog only when its columns are already NOT NULL"),
                    );
                }
                Change::AddIndex { table, index } => {
                    up = concurrently_create(table, &index.name, &up);
                    down = concurrently_drop(&down);
                }
                Change::DropIndex { table, index } => {
                    up = concurrently_drop(&up);
                    down = concurrently_create(table, &index.name, &down);
                }
                Change::AddUnique { table, unique } if unique.name.is_some() => {
                    let name = unique.name.as_deref().unwrap_or_default();
                    let index = Index {
                        name: name.to_string(),
                        unique: true,
                        keys: unique.columns.iter().map(IndexKey::column).collect(),
                        method: None,
                        predicate: None,
                        include: Vec::new(),
                    };
                    let build = self.forward(&Change::AddIndex {
                        table: table.clone(),
                        index,
                    });
                    up = concurrently_create(table, name, &build);
                    up.push(Statement::new(format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                        quote_qname(self.dialect, table),
                        quote_ident(self.dialect, name),
                        quote_ident(self.dialect, name)
                    )));
                }
                Change::AddForeignKey {
                    table,
                    foreign_key:
                        ForeignKey {
                            name: Some(name), ..
                        },
                }
                | Change::AddCheck {
                    table,
                    check:
                        CheckConstraint {
                            name: Some(name), ..
                        },
                } if up.len() == 1 => {
                    up[0].sql.push_str(" NOT VALID");
                    if phase == Phase::PreDeploy {
                        up[0].note = Some("added without checking existing rows; validated in the backfill phase without blocking writes".into());
                        backfill.push(self.step(
                            Phase::Backfill,
                            vec![i],
                            vec![validate(self.dialect, table, name)],
                            Vec::new(),
                        ));
                    } else {
                        up[0].note = Some("added without checking existing rows, then validated without blocking writes".into());
                        up.push(validate(self.dialect, table, name));
                    }
                }
                _ => {}
            },
            Dialect::Mysql if live => {
                if let Some((algorithm, why)) = self.algorithms.get(i).cloned().flatten() {
                    pin_algorithm(&mut up, algorithm, &why);
                }
            }
            _ => {}
        }
        steps.push(self.step(phase, vec![i], up, down));
    }

    /// Dropped columns and tables renamed to a deprecated name instead (down: renamed back).
    fn keep_dropped(&self, i: usize, phase: Phase) -> Option<Step> {
        let d = self.dialect;
        let (up, down, finish) = match &self.changes[i] {
            Change::DropColumn { table, column } => {
                let kept = deprecated_name(d, &column.name);
                let mut up = Vec::new();
                let mut down: Vec<Statement> = Vec::new();
                up.push(alter(
                    d,
                    table,
                    format!(
                        "RENAME COLUMN {} TO {}",
                        quote_ident(d, &column.name),
                        quote_ident(d, &kept)
                    ),
                ));
                down.insert(
                    0,
                    alter(
                        d,
                        table,
                        format!(
                            "RENAME COLUMN {} TO {}",
                            quote_ident(d, &kept),
                            quote_ident(d, &column.name)
                        ),
                    ),
                );
                let finish = format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote_qname(d, table),
                    quote_ident(d, &kept)
                );
                (up, down, finish)
            }
            Change::DropTable { table } => {
                let kept = QName {
                    schema: table.name.schema.clone(),
                    name: deprecated_name(d, &table.name.name),
                };
                let rename = |a: &QName, b: &QName| match d {
                    Dialect::Mysql => Statement::new(format!(
                        "RENAME TABLE {} TO {}",
                        quote_qname(d, a),
                        quote_qname(d, b)
                    )),
                    _ => Statement::new(format!(
                        "ALTER TABLE {} RENAME TO {}",
                        quote_qname(d, a),
                        quote_ident(d, &b.name)
                    )),
                };
                let finish = format!("DROP TABLE {}", quote_qname(d, &kept));
                (
                    vec![rename(&table.name, &kept)],
                    vec![rename(&kept, &table.name)],
                    finish,
                )
            }
            _ => return None,
        };
        let mut up = up;
        if let Some(first) = up.first_mut() {
            first.note = Some(format!("{KEPT_NOTE}{finish}"));
        }
        let mut step = self.step(phase, vec![i], up, down);
        step.lossiness = Lossiness::Lossless;
        step.loss = None;
        Some(step)
    }

    // -----------------------------------------------------------------------------------------
    // recipes

    fn set_not_null(&self, i: usize, expand: &mut Vec<Step>, contract: &mut Vec<Step>) {
        let Change::AlterColumn {
            table,
            from: old,
            to: new,
        } = &self.changes[i]
        else {
            unreachable!()
        };
        let d = self.dialect;
        // Everything but NOT NULL first, where it belongs.
        let mut middle = new.clone();
        middle.nullable = true;
        if middle != *old {
            let change = Change::AlterColumn {
                table: table.clone(),
                from: old.clone(),
                to: middle.clone(),
            };
            let up = dialect::statements(std::slice::from_ref(&change), self.from, self.to);
            let back = Change::AlterColumn {
                table: table.clone(),
                from: middle.clone(),
                to: old.clone(),
            };
            let down = dialect::statements(std::slice::from_ref(&back), self.to, self.from);
            expand.push(self.step(Phase::PreDeploy, vec![i], up, down));
        }
        let mut up = not_null_through_check(d, table, &new.name, &self.version);
        up.last_mut().expect("statements").note = None;
        let down = vec![alter(
            d,
            table,
            format!("ALTER COLUMN {} DROP NOT NULL", quote_ident(d, &new.name)),
        )];
        contract.push(self.step(Phase::PostDeploy, vec![i], up, down));
    }

    fn volatile_add(
        &self,
        i: usize,
        expand: &mut Vec<Step>,
        backfill: &mut Vec<Step>,
        contract: &mut Vec<Step>,
    ) {
        let Change::AddColumn { table, column } = &self.changes[i] else {
            unreachable!()
        };
        let d = self.dialect;
        let col = quote_ident(d, &column.name);
        let default = column.default.as_ref().expect("volatile default");
        let mut bare = column.clone();
        bare.nullable = true;
        bare.default = None;
        let add = Change::AddColumn {
            table: table.clone(),
            column: bare.clone(),
        };
        let mut up = self.forward(&add);
        for statement in &mut up {
            add_column_if_missing(statement);
        }
        up.push(
            alter(d, table, format!("ALTER COLUMN {col} SET DEFAULT {}", column_default_sql(d, &column.ty, default)))
                .with_note("new rows get the default from now on; existing rows are filled by the backfill, so the table is not rewritten under a lock"),
        );
        let down = vec![alter(
            d,
            table,
            format!("DROP COLUMN {}{col}", if_exists(d)),
        )];
        expand.push(self.step(Phase::PreDeploy, vec![i], up, down));
        let before = &self.from.tables[table];
        let fill = Backfill {
            table: before,
            assignments: vec![format!(
                "{col} = {}",
                column_default_sql(d, &column.ty, default)
            )],
            pending: format!("{col} IS NULL"),
            label: format!("{}.{}", table.name, column.name),
        };
        backfill.push(self.step(
            Phase::Backfill,
            vec![i],
            fill.statements(d, self.options),
            Vec::new(),
        ));
        if !column.nullable {
            let up = not_null_through_check(d, table, &column.name, &self.version);
            let down = vec![alter(d, table, format!("ALTER COLUMN {col} DROP NOT NULL"))];
            contract.push(self.step(Phase::PostDeploy, vec![i], up, down));
        }
    }

    fn rename_table(
        &self,
        i: usize,
        old: &QName,
        new: &QName,
        expand: &mut Vec<Step>,
        contract: &mut Vec<Step>,
    ) {
        let d = self.dialect;
        let change = &self.changes[i];
        let mut up = self.forward(change);
        let mut down = self.inverse_statements(change);
        let view = Statement::new(format!(
            "CREATE VIEW {} AS SELECT * FROM {}",
            quote_qname(d, old),
            quote_qname(d, new)
        ))
        .with_note(format!(
            "code that still uses {old} reads and writes {new} through this view until the contract phase"
        ));
        let drop_view = Statement::new(format!("DROP VIEW {}", quote_qname(d, old)));
        up.push(view.clone());
        down.insert(0, drop_view.clone());
        expand.push(self.step(Phase::PreDeploy, vec![i], up, down));
        let mut step = self.step(Phase::PostDeploy, vec![i], vec![drop_view], vec![view]);
        step.summary = format!("drop the compatibility view {old}");
        contract.push(step);
    }

    /// A rename or type change through a shadow column: added and kept in sync by a trigger
    /// (expand), filled in batches and indexed (backfill), swapped in (contract).
    fn shadow(
        &self,
        i: usize,
        shadow: &Shadow,
        expand: &mut Vec<Step>,
        backfill: &mut Vec<Step>,
        contract: &mut Vec<Step>,
    ) {
        let d = self.dialect;
        let table = &shadow.table;
        let t = quote_qname(d, table);
        let old = quote_ident(d, &shadow.old.name);
        let s = quote_ident(d, &shadow.shadow);
        let before = &self.from.tables[table];
        let after = &self.to.tables[table];

        // expand: the shadow column and the trigger that keeps it in sync
        let bare = self.shadow_column(shadow);
        let add = self.forward(&Change::AddColumn {
            table: table.clone(),
            column: bare.clone(),
        });
        let mut up = add;
        if d == Dialect::Postgres {
            for statement in &mut up {
                add_column_if_missing(statement);
            }
        }
        if d == Dialect::Mysql {
            pin_algorithm(
                &mut up,
                MysqlAlgorithm::Instant,
                "adding a nullable column at the end is metadata only",
            );
        }
        let sync = SyncTrigger::new(d, shadow);
        up.extend(sync.create());
        let mut down = sync.drop();
        down.push(alter(d, table, format!("DROP COLUMN {}{s}", if_exists(d))));
        let mut step = self.step(Phase::PreDeploy, vec![i], up, down);
        step.summary = if shadow.rename {
            format!(
                "add {}.{} beside {} and keep both in sync",
                table, shadow.new.name, shadow.old.name
            )
        } else {
            format!(
                "add {}.{} ({}) beside {} and keep it in sync",
                table,
                shadow.shadow,
                type_sql(d, &shadow.new.ty),
                shadow.old.name
            )
        };
        step.lossiness = Lossiness::Lossless;
        step.loss = None;
        expand.push(step);

        // backfill: copy in batches, prove NOT NULL, build the indexes on the shadow column
        let converted = sync.convert(&old);
        let pending = if bare.nullable {
            format!("{s} IS NULL AND {old} IS NOT NULL")
        } else {
            // A NOT NULL shadow starts at its placeholder default: compare the values (as bytes
            // when the collation changes: two collations do not compare).
            if shadow.old.collation != shadow.new.collation {
                format!("NOT (BINARY {s} <=> BINARY {old})")
            } else {
                format!("NOT ({s} <=> {old})")
            }
        };
        let fill = Backfill {
            table: before,
            assignments: vec![format!("{s} = {converted}")],
            pending,
            label: format!("{}.{}", table.name, shadow.shadow),
        };
        let mut up = fill.statements(d, self.options);
        let mut down = Vec::new();
        let check_name = not_null_check_name(d, table, &shadow.shadow);
        // NOT NULL is proven ahead of the swap only when the old column is NOT NULL already:
        // otherwise old code may still write NULLs, and the check waits for the contract phase.
        let proven_in_backfill =
            d == Dialect::Postgres && !shadow.new.nullable && !shadow.old.nullable;
        if proven_in_backfill {
            // Dropped first if there, so the backfill migration can simply be run again.
            up.push(alter(
                d,
                table,
                format!("DROP CONSTRAINT IF EXISTS {}", quote_ident(d, &check_name)),
            ));
            up.push(
                alter(
                    d,
                    table,
                    format!(
                        "ADD CONSTRAINT {} CHECK ({s} IS NOT NULL) NOT VALID",
                        quote_ident(d, &check_name)
                    ),
                )
                .with_note(
                    "proves NOT NULL ahead of the swap, so SET NOT NULL there needs no scan",
                ),
            );
            up.push(validate(d, table, &check_name));
            down.push(alter(
                d,
                table,
                format!("DROP CONSTRAINT IF EXISTS {}", quote_ident(d, &check_name)),
            ));
        }
        let objects_after = ShadowObjects::of(after, &shadow.new.name);
        let temp_indexes: Vec<(Index, String)> = objects_after
            .index_like()
            .into_iter()
            .map(|index| {
                let temp = shadow_name(d, &index.name);
                (index, temp)
            })
            .collect();
        for (index, temp) in &temp_indexes {
            let mut on_shadow = index.clone();
            on_shadow.name = temp.clone();
            for key in &mut on_shadow.keys {
                if let IndexPart::Column(c) = &mut key.part {
                    if *c == shadow.new.name {
                        *c = shadow.shadow.clone();
                    }
                }
            }
            for c in &mut on_shadow.include {
                if *c == shadow.new.name {
                    *c = shadow.shadow.clone();
                }
            }
            let build = self.forward(&Change::AddIndex {
                table: table.clone(),
                index: on_shadow.clone(),
            });
            let drop = self.backward(&Change::DropIndex {
                table: table.clone(),
                index: on_shadow,
            });
            match d {
                Dialect::Postgres => {
                    up.extend(concurrently_create(table, temp, &build));
                    down.splice(0..0, concurrently_drop(&drop));
                }
                _ => {
                    let mut build = build;
                    for statement in &mut build {
                        if self.version.is_mariadb() {
                            // Re-runnable: a second run of the backfill keeps the index.
                            statement.sql =
                                statement
                                    .sql
                                    .replacen(" INDEX ", " INDEX IF NOT EXISTS ", 1);
                        }
                    }
                    pin_algorithm(
                        &mut build,
                        MysqlAlgorithm::Inplace,
                        "a secondary index is built online",
                    );
                    if !self.version.is_mariadb() {
                        for statement in &mut build {
                            statement.note = Some(format!(
                                "{}; MySQL has no CREATE INDEX IF NOT EXISTS: before re-running an interrupted backfill, drop this index if it exists",
                                statement.note.as_deref().unwrap_or("built online")
                            ));
                        }
                    }
                    up.extend(build);
                    down.splice(0..0, drop);
                }
            }
        }
        let mut step = self.step(Phase::Backfill, vec![i], up, down);
        step.summary = format!("copy {}.{} into {}", table, shadow.old.name, shadow.shadow);
        step.lossiness = Lossiness::Lossless;
        step.loss = None;
        backfill.push(step);

        // contract: swap
        let objects_before = ShadowObjects::of(before, &shadow.old.name);
        let mut up = sync.drop();
        let mut down = Vec::new();
        // MySQL cannot swap columns in a transaction: writes are held off by a table lock for
        // the moment the triggers go and the columns trade places (catalog-only changes when the
        // shadow is already NOT NULL), so no write lands between the two.
        let locked_swap = d == Dialect::Mysql && !shadow.rename;
        if locked_swap {
            let mut lock = Statement::new(format!("LOCK TABLES {t} WRITE"));
            lock.note = Some(if bare.nullable {
                "holds writes off during the swap; the shadow column is nullable, so making it NOT NULL rebuilds the table under this lock".to_string()
            } else {
                "holds writes off for the moment the columns trade places (catalog-only changes)"
                    .to_string()
            });
            up.insert(0, lock);
        }
        // MySQL keeps a multi-column index without the dropped column: drop them explicitly.
        if d == Dialect::Mysql {
            for index in objects_before.index_like() {
                up.push(Statement::new(format!(
                    "DROP INDEX {} ON {t}",
                    quote_ident(d, &index.name)
                )));
            }
            for fk in &objects_before.foreign_keys {
                if let Some(name) = &fk.name {
                    up.insert(
                        0,
                        alter(
                            d,
                            table,
                            format!("DROP FOREIGN KEY {}", quote_ident(d, name)),
                        ),
                    );
                }
            }
            for check in &objects_before.checks {
                if let Some(name) = &check.name {
                    up.push(alter(
                        d,
                        table,
                        format!("DROP CONSTRAINT {}", quote_ident(d, name)),
                    ));
                }
            }
        }
        let mut drop_old = alter(d, table, format!("DROP COLUMN {}{old}", if_exists(d)));
        if d == Dialect::Mysql {
            // The same per-version classification the safety rules give a DROP COLUMN.
            let drop = Change::DropColumn {
                table: table.clone(),
                column: shadow.old.clone(),
            };
            if let Some(Some((algorithm, why))) =
                safety::mysql_algorithms(std::slice::from_ref(&drop), self.from, &self.version)
                    .pop()
            {
                pin_algorithm(std::slice::from_mut(&mut drop_old), algorithm, &why);
            }
        }
        up.push(drop_old);
        let new_col = quote_ident(d, &shadow.new.name);
        match d {
            Dialect::Postgres => {
                if !shadow.rename {
                    up.push(alter(d, table, format!("RENAME COLUMN {s} TO {new_col}")));
                }
                if proven_in_backfill {
                    up.push(alter(
                        d,
                        table,
                        format!("ALTER COLUMN {new_col} SET NOT NULL"),
                    ));
                    up.push(alter(
                        d,
                        table,
                        format!("DROP CONSTRAINT IF EXISTS {}", quote_ident(d, &check_name)),
                    ));
                }
                if let Some(default) = &shadow.new.default {
                    up.push(alter(
                        d,
                        table,
                        format!(
                            "ALTER COLUMN {new_col} SET DEFAULT {}",
                            column_default_sql(d, &shadow.new.ty, default)
                        ),
                    ));
                }
                if shadow.new.comment.is_some() {
                    up.extend(self.forward(&Change::AlterColumn {
                        table: table.clone(),
                        from: Column {
                            comment: None,
                            ..shadow.new.clone()
                        },
                        to: shadow.new.clone(),
                    }));
                }
            }
            _ => {
                // One CHANGE gives the final name, type, NULL-ness, default and comment.
                let def = dialect::column_def(d, table, &shadow.new, &Default::default());
                let mut change = alter(d, table, format!("CHANGE COLUMN {s} {def}"));
                if shadow.rename && shadow.new.nullable {
                    change = alter(d, table, format!("MODIFY COLUMN {def}"));
                }
                // Renaming and dropping the placeholder default are metadata only; making a
                // nullable shadow NOT NULL rebuilds the table.
                let (algorithm, why) = if bare.nullable != shadow.new.nullable {
                    (
                        MysqlAlgorithm::InplaceRebuild,
                        "making the column NOT NULL rebuilds the table in place",
                    )
                } else {
                    (
                        MysqlAlgorithm::Inplace,
                        "the new column takes the old one's name, catalog only",
                    )
                };
                pin_algorithm(std::slice::from_mut(&mut change), algorithm, why);
                up.push(change);
            }
        }

        for (index, temp) in &temp_indexes {
            let constraint = objects_after
                .uniques
                .iter()
                .find(|u| u.name.as_deref() == Some(&index.name));
            match (d, constraint) {
                (Dialect::Postgres, Some(_)) => up.push(alter(
                    d,
                    table,
                    format!(
                        "ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                        quote_ident(d, &index.name),
                        quote_ident(d, temp)
                    ),
                )),
                (Dialect::Postgres, None) => up.push(Statement::new(format!(
                    "ALTER INDEX {} RENAME TO {}",
                    quote_qname(
                        d,
                        &QName {
                            schema: table.schema.clone(),
                            name: temp.clone()
                        }
                    ),
                    quote_ident(d, &index.name)
                ))),
                _ => up.push(alter(
                    d,
                    table,
                    format!(
                        "RENAME INDEX {} TO {}",
                        quote_ident(d, temp),
                        quote_ident(d, &index.name)
                    ),
                )),
            }
        }
        if locked_swap {
            // Constraints that read other tables come after the lock.
            up.push(Statement::new("UNLOCK TABLES"));
        }
        let mut validations = Vec::new();
        if d == Dialect::Postgres && !shadow.new.nullable && !proven_in_backfill {
            // The old column allowed NULL until now: prove NOT NULL after the swap.
            validations.extend(not_null_through_check(
                d,
                table,
                &shadow.new.name,
                &self.version,
            ));
        }
        for check in &objects_after.checks {
            let mut add = self.forward(&Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            });
            if d == Dialect::Postgres {
                if let (Some(name), [single]) = (&check.name, add.as_mut_slice()) {
                    single.sql.push_str(" NOT VALID");
                    validations.push(validate(d, table, name));
                }
            }
            up.extend(add);
        }
        for fk in &objects_after.foreign_keys {
            let mut add = self.forward(&Change::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            });
            if d == Dialect::Postgres {
                if let (Some(name), [single]) = (&fk.name, add.as_mut_slice()) {
                    single.sql.push_str(" NOT VALID");
                    validations.push(validate(d, table, name));
                }
            }
            up.extend(add);
        }
        up.extend(validations);

        // The way back to the state after the backfill: the old column re-made from the new.
        for fk in &objects_after.foreign_keys {
            down.extend(self.backward(&Change::DropForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }));
        }
        for check in &objects_after.checks {
            down.extend(self.backward(&Change::DropCheck {
                table: table.clone(),
                check: check.clone(),
            }));
        }
        for (index, temp) in &temp_indexes {
            let constraint = objects_after
                .uniques
                .iter()
                .any(|u| u.name.as_deref() == Some(&index.name));
            match d {
                Dialect::Postgres if constraint => {
                    // Dropping the constraint drops its index: rebuild it under the temporary name.
                    down.push(alter(
                        d,
                        table,
                        format!("DROP CONSTRAINT {}", quote_ident(d, &index.name)),
                    ));
                }
                Dialect::Postgres => down.push(Statement::new(format!(
                    "ALTER INDEX {} RENAME TO {}",
                    quote_qname(
                        d,
                        &QName {
                            schema: table.schema.clone(),
                            name: index.name.clone()
                        }
                    ),
                    quote_ident(d, temp)
                ))),
                _ => down.push(alter(
                    d,
                    table,
                    format!(
                        "RENAME INDEX {} TO {}",
                        quote_ident(d, &index.name),
                        quote_ident(d, temp)
                    ),
                )),
            }
        }
        let mut old_bare = shadow.old.clone();
        old_bare.nullable = true;
        old_bare.default = None;
        old_bare.comment = None;
        match d {
            Dialect::Postgres => {
                if !shadow.rename {
                    down.push(alter(d, table, format!("RENAME COLUMN {new_col} TO {s}")));
                }
                if proven_in_backfill {
                    // Back to the backfill's end: the check there, validated.
                    down.push(alter(
                        d,
                        table,
                        format!(
                            "ADD CONSTRAINT {} CHECK ({s} IS NOT NULL) NOT VALID",
                            quote_ident(d, &check_name)
                        ),
                    ));
                    down.push(validate(d, table, &check_name));
                    down.push(alter(d, table, format!("ALTER COLUMN {s} DROP NOT NULL")));
                } else if !shadow.new.nullable {
                    down.push(alter(d, table, format!("ALTER COLUMN {s} DROP NOT NULL")));
                }
                if shadow.new.default.is_some() {
                    down.push(alter(d, table, format!("ALTER COLUMN {s} DROP DEFAULT")));
                }
                if shadow.new.comment.is_some() {
                    down.push(Statement::new(format!("COMMENT ON COLUMN {t}.{s} IS NULL")));
                }
            }
            _ => {
                let bare_shadow = self.shadow_column(shadow);
                let def = dialect::column_def(d, table, &bare_shadow, &Default::default());
                down.push(alter(d, table, format!("CHANGE COLUMN {new_col} {def}")));
            }
        }
        // MySQL: from here until the triggers are back, writes are held off (see the up).
        let lock_at = down.len().saturating_sub(1);
        for (index, _) in &temp_indexes {
            if d == Dialect::Postgres
                && objects_after
                    .uniques
                    .iter()
                    .any(|u| u.name.as_deref() == Some(&index.name))
            {
                let mut on_shadow = index.clone();
                on_shadow.name = shadow_name(d, &index.name);
                for key in &mut on_shadow.keys {
                    if let IndexPart::Column(c) = &mut key.part {
                        if *c == shadow.new.name {
                            *c = shadow.shadow.clone();
                        }
                    }
                }
                down.extend(self.forward(&Change::AddIndex {
                    table: table.clone(),
                    index: on_shadow,
                }));
            }
        }
        down.extend(self.backward(&Change::AddColumn {
            table: table.clone(),
            column: old_bare,
        }));
        down.push(
            Statement::new(format!("UPDATE {t} SET {old} = {}", sync.convert_back(&s)))
                .with_note("copies the values back into the old column in one statement"),
        );
        let mut restore = shadow.old.clone();
        restore.nullable = true;
        restore.default = None;
        restore.comment = None;
        down.extend(self.backward(&Change::AlterColumn {
            table: table.clone(),
            from: restore,
            to: shadow.old.clone(),
        }));
        let restored_at = down.len();
        for index in objects_before.index_like() {
            let unique = objects_before
                .uniques
                .iter()
                .find(|u| u.name.as_deref() == Some(&index.name));
            let change = match unique {
                Some(unique) => Change::AddUnique {
                    table: table.clone(),
                    unique: unique.clone(),
                },
                None => Change::AddIndex {
                    table: table.clone(),
                    index,
                },
            };
            down.extend(dialect::statements(&[change], self.to, self.from));
        }
        for check in &objects_before.checks {
            down.extend(self.backward(&Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            }));
        }
        for fk in &objects_before.foreign_keys {
            down.extend(self.backward(&Change::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }));
        }
        if locked_swap {
            // The triggers come back before the lock goes; indexes and keys are rebuilt after.
            let mut relock = sync.create();
            relock.push(Statement::new("UNLOCK TABLES"));
            down.splice(restored_at..restored_at, relock);
            down.insert(lock_at, Statement::new(format!("LOCK TABLES {t} WRITE")));
        } else {
            down.extend(sync.create());
        }
        let mut step = self.step(Phase::PostDeploy, vec![i], up, down);
        step.summary = if shadow.rename {
            format!(
                "drop {}.{} (now {})",
                table, shadow.old.name, shadow.new.name
            )
        } else {
            format!(
                "swap {}.{} for its {} copy",
                table,
                shadow.old.name,
                type_sql(d, &shadow.new.ty)
            )
        };
        contract.push(step);
    }
}

/// The indexes and constraints of a table that involve a column.
struct ShadowObjects {
    indexes: Vec<Index>,
    uniques: Vec<UniqueConstraint>,
    checks: Vec<CheckConstraint>,
    foreign_keys: Vec<ForeignKey>,
}

impl ShadowObjects {
    fn of(table: &Table, column: &str) -> ShadowObjects {
        let has = |columns: &[String]| columns.iter().any(|c| c == column);
        ShadowObjects {
            indexes: table
                .indexes
                .iter()
                .filter(|i| {
                    i.keys
                        .iter()
                        .any(|k| matches!(&k.part, IndexPart::Column(c) if c == column))
                        || has(&i.include)
                })
                .cloned()
                .collect(),
            uniques: table
                .uniques
                .iter()
                .filter(|u| has(&u.columns) && u.name.is_some())
                .cloned()
                .collect(),
            checks: table
                .checks
                .iter()
                .filter(|c| mentions_identifier(&c.expr, column))
                .cloned()
                .collect(),
            foreign_keys: table
                .foreign_keys
                .iter()
                .filter(|fk| has(&fk.columns))
                .cloned()
                .collect(),
        }
    }

    /// Indexes, and unique constraints as the indexes behind them.
    fn index_like(&self) -> Vec<Index> {
        let mut out = self.indexes.clone();
        for unique in &self.uniques {
            out.push(Index {
                name: unique.name.clone().unwrap_or_default(),
                unique: true,
                keys: unique.columns.iter().map(IndexKey::column).collect(),
                method: None,
                predicate: None,
                include: Vec::new(),
            });
        }
        out
    }

    fn names(&self) -> Vec<String> {
        self.indexes
            .iter()
            .map(|i| i.name.clone())
            .chain(self.uniques.iter().filter_map(|u| u.name.clone()))
            .chain(self.checks.iter().filter_map(|c| c.name.clone()))
            .chain(self.foreign_keys.iter().filter_map(|f| f.name.clone()))
            .collect()
    }
}

/// The trigger (and, in PostgreSQL, its function) that keeps a shadow column in sync.
struct SyncTrigger<'a> {
    dialect: Dialect,
    shadow: &'a Shadow,
    name: String,
}

impl<'a> SyncTrigger<'a> {
    fn new(dialect: Dialect, shadow: &'a Shadow) -> SyncTrigger<'a> {
        let mut name = format!("{}__migen_sync_{}", shadow.table.name, shadow.old.name);
        truncate(dialect, &mut name, 8);
        SyncTrigger {
            dialect,
            shadow,
            name,
        }
    }

    /// `value` (of the old column's type) as the new type.
    fn convert(&self, value: &str) -> String {
        self.cast(value, &self.shadow.old.ty, &self.shadow.new.ty)
    }

    fn convert_back(&self, value: &str) -> String {
        self.cast(value, &self.shadow.new.ty, &self.shadow.old.ty)
    }

    /// An assignment cast where one exists (it raises on a value that does not fit, where an
    /// explicit cast to varchar(n) would cut it), an explicit conversion otherwise.
    fn cast(&self, value: &str, from: &Type, to: &Type) -> String {
        if from == to || self.dialect != Dialect::Postgres || dialect::postgres_assigns(from, to) {
            value.to_string()
        } else {
            dialect::postgres_convert(value, from, to)
        }
    }

    fn function(&self) -> String {
        quote_qname(
            self.dialect,
            &QName {
                schema: self.shadow.table.schema.clone(),
                name: self.name.clone(),
            },
        )
    }

    fn create(&self) -> Vec<Statement> {
        let d = self.dialect;
        let t = quote_qname(d, &self.shadow.table);
        let old = quote_ident(d, &self.shadow.old.name);
        let s = quote_ident(d, &self.shadow.shadow);
        match d {
            Dialect::Postgres => {
                let body = if self.shadow.rename {
                    format!(
                        "  IF TG_OP = 'INSERT' THEN
    -- New code writes the new name (the old one then holds only its default).
    IF NEW.{s} IS NOT NULL THEN
      NEW.{old} := NEW.{s};
    ELSE
      NEW.{s} := NEW.{old};
    END IF;
  ELSIF NEW.{s} IS DISTINCT FROM OLD.{s} THEN
    NEW.{old} := NEW.{s};
  ELSE
    NEW.{s} := NEW.{old};
  END IF;"
                    )
                } else {
                    format!("  NEW.{s} := {};", self.convert(&format!("NEW.{old}")))
                };
                vec![
                    Statement::new(format!(
                        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}",
                        self.function(),
                        super::backfill::dollar_quoted(&format!("BEGIN\n{body}\n  RETURN NEW;\nEND"))
                    ))
                    .with_note(if self.shadow.rename {
                        "keeps the old and the new name in sync both ways while old and new code run side by side"
                    } else {
                        "copies every write of the old column into its new-typed shadow until the swap"
                    }),
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {}()",
                        quote_ident(d, &self.name),
                        self.function()
                    )),
                ]
            }
            _ => {
                let (insert, update) = if self.shadow.rename {
                    (
                        format!(
                            // New code writes the new name (the old one then holds only its default).
                            "SET NEW.{old} = IF(NEW.{s} IS NULL, NEW.{old}, NEW.{s}), NEW.{s} = NEW.{old}"
                        ),
                        format!(
                            "SET NEW.{s} = IF(NEW.{s} <=> OLD.{s}, NEW.{old}, NEW.{s}), NEW.{old} = NEW.{s}"
                        ),
                    )
                } else {
                    (
                        format!("SET NEW.{s} = NEW.{old}"),
                        format!("SET NEW.{s} = NEW.{old}"),
                    )
                };
                vec![
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE INSERT ON {t} FOR EACH ROW {insert}",
                        quote_ident(d, &self.trigger_name("i"))
                    ))
                    .with_note(
                        "keeps the shadow column in sync while old and new code run side by side",
                    ),
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE UPDATE ON {t} FOR EACH ROW {update}",
                        quote_ident(d, &self.trigger_name("u"))
                    )),
                ]
            }
        }
    }

    fn trigger_name(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.name)
    }

    fn drop(&self) -> Vec<Statement> {
        let d = self.dialect;
        let t = quote_qname(d, &self.shadow.table);
        match d {
            Dialect::Postgres => vec![
                Statement::new(format!(
                    "DROP TRIGGER IF EXISTS {} ON {t}",
                    quote_ident(d, &self.name)
                )),
                Statement::new(format!("DROP FUNCTION IF EXISTS {}()", self.function())),
            ],
            _ => vec![
                Statement::new(format!(
                    "DROP TRIGGER IF EXISTS {}",
                    quote_ident(d, &self.trigger_name("i"))
                )),
                Statement::new(format!(
                    "DROP TRIGGER IF EXISTS {}",
                    quote_ident(d, &self.trigger_name("u"))
                )),
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite: additive changes first, then the rest (rebuilds included) after the deploy

fn sqlite_steps(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    changes: &[Change],
    options: &PlanOptions,
    notes: &mut Vec<String>,
) -> Vec<Step> {
    let _ = options;
    notes.push("SQLite has one writer at a time and no online DDL: the expand phase holds the additive changes ALTER TABLE can make in place; the contract phase makes the rest, rebuilding tables where needed".into());
    let mut expanded = from.clone();
    let mut expand_steps = Vec::new();
    let mut taken = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let additive = match change {
            Change::CreateTable { table } => {
                !from.tables.contains_key(&table.name)
                    && table.foreign_keys.iter().all(|fk| {
                        fk.ref_table == table.name || expanded.tables.contains_key(&fk.ref_table)
                    })
            }
            Change::AddIndex { table, index } => {
                expanded
                    .tables
                    .get(table)
                    .is_some_and(|t| t.indexes.iter().all(|i| i.name != index.name))
                    && index.keys.iter().all(|k| match &k.part {
                        IndexPart::Column(c) => expanded.tables[table].column(c).is_some(),
                        IndexPart::Expr(_) => true,
                    })
            }
            Change::AddColumn { table, column } => {
                let plain_default = !matches!(
                    column.default,
                    Some(DefaultValue::Function(_) | DefaultValue::Expr(_))
                );
                expanded
                    .tables
                    .get(table)
                    .is_some_and(|t| t.column(&column.name).is_none())
                    && (column.nullable || column.default.is_some())
                    && plain_default
                    && column.generated.is_none()
                    && !to.tables[table]
                        .primary_key
                        .as_ref()
                        .is_some_and(|pk| pk.columns.contains(&column.name))
                    && !to.tables[table]
                        .uniques
                        .iter()
                        .any(|u| u.columns.contains(&column.name))
            }
            _ => false,
        };
        if !additive {
            continue;
        }
        let up = dialect::statements(std::slice::from_ref(change), &expanded, to);
        let inverse = change.inverse(from, to);
        let mut next = expanded.clone();
        match change {
            Change::CreateTable { table } => {
                next.tables.insert(table.name.clone(), table.clone());
            }
            Change::AddIndex { table, index } => next
                .tables
                .get_mut(table)
                .expect("table")
                .indexes
                .push(index.clone()),
            Change::AddColumn { table, column } => next
                .tables
                .get_mut(table)
                .expect("table")
                .columns
                .push(column.clone()),
            _ => unreachable!(),
        }
        let down = dialect::statements(std::slice::from_ref(&inverse), &next, &expanded);
        expanded = next;
        taken.push(i);
        expand_steps.push(Step {
            phase: Phase::PreDeploy,
            changes: vec![i],
            summary: change.describe(),
            up,
            down,
            lossiness: Lossiness::Lossless,
            loss: None,
        });
    }
    let rest = diff::diff(&expanded, to, answers);
    let mut steps = expand_steps;
    if !rest.changes.is_empty() {
        let mut back_answers = answers.inverted(&expanded, to);
        back_answers.assume_no = true;
        let back = diff::diff(to, &expanded, &back_answers);
        let up = dialect::statements(&rest.changes, &expanded, to);
        let down = dialect::statements(&back.changes, to, &expanded);
        let remaining: Vec<usize> = (0..changes.len()).filter(|i| !taken.contains(i)).collect();
        let (lossiness, loss) = Lossiness::of(
            remaining
                .iter()
                .filter_map(|&i| super::loss(&changes[i], from))
                .collect(),
        );
        steps.push(Step {
            phase: Phase::PostDeploy,
            summary: rest
                .changes
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join("; "),
            changes: remaining,
            up,
            down,
            lossiness,
            loss,
        });
    }
    steps
}

// ---------------------------------------------------------------------------------------------
// pieces

fn alter(dialect: Dialect, table: &QName, action: String) -> Statement {
    Statement::new(format!(
        "ALTER TABLE {} {action}",
        quote_qname(dialect, table)
    ))
}

/// `IF EXISTS ` where the dialect has it for columns and constraints (so a re-run after an
/// interruption does not stop at what the first run already did).
fn if_exists(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "IF EXISTS ",
        _ => "",
    }
}

fn validate(dialect: Dialect, table: &QName, name: &str) -> Statement {
    Statement::alone(format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        quote_qname(dialect, table),
        quote_ident(dialect, name)
    ))
    .with_note("scans the rows without blocking writes (SHARE UPDATE EXCLUSIVE); its own transaction, so the lock taken to add the constraint is already released")
}

/// SET NOT NULL without a long exclusive lock: a CHECK added NOT VALID, validated while writes
/// continue, then SET NOT NULL, which PostgreSQL 12+ proves from the check without a scan.
fn not_null_through_check(
    dialect: Dialect,
    table: &QName,
    column: &str,
    version: &Version,
) -> Vec<Statement> {
    let name = not_null_check_name(dialect, table, column);
    let col = quote_ident(dialect, column);
    let check = quote_ident(dialect, &name);
    let mut set = alter(dialect, table, format!("ALTER COLUMN {col} SET NOT NULL"));
    if !version.at_least(12, 0, 0) {
        set.note = Some(format!(
            "{} does not use the validated check: SET NOT NULL still scans the table under an exclusive lock (PostgreSQL 12+ does not)",
            version.label()
        ));
    }
    vec![
        alter(dialect, table, format!("DROP CONSTRAINT IF EXISTS {check}")),
        alter(
            dialect,
            table,
            format!("ADD CONSTRAINT {check} CHECK ({col} IS NOT NULL) NOT VALID"),
        ),
        validate(dialect, table, &name),
        set,
        alter(dialect, table, format!("DROP CONSTRAINT IF EXISTS {check}")),
    ]
}

fn not_null_check_name(dialect: Dialect, table: &QName, column: &str) -> String {
    let mut name = format!("{}_{}_not_null", table.name, column);
    truncate(dialect, &mut name, 0);
    name
}

/// `name__migen_new`, within the dialect's identifier length.
fn shadow_name(dialect: Dialect, name: &str) -> String {
    let mut base = name.to_string();
    truncate(dialect, &mut base, "__migen_new".len());
    base + "__migen_new"
}

fn deprecated_name(dialect: Dialect, name: &str) -> String {
    let mut base = name.to_string();
    truncate(dialect, &mut base, "__migen_deprecated".len());
    base + "__migen_deprecated"
}

/// Shorten `name` so that `reserve` more bytes still fit the identifier limit. A shortened
/// name ends in a hash of the whole, so two long names that share a beginning stay apart.
fn truncate(dialect: Dialect, name: &mut String, reserve: usize) {
    let limit = match dialect {
        Dialect::Postgres => 63,
        Dialect::Mysql => 64,
        Dialect::Sqlite => usize::MAX,
    };
    if name.len() + reserve <= limit {
        return;
    }
    let hash = format!("_{:08x}", fnv1a(name.as_bytes()) as u32);
    while name.len() + reserve + hash.len() > limit {
        name.pop();
    }
    name.push_str(&hash);
}

/// FNV-1a: a stable hash (the same on every run and platform) for shortened names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `ADD COLUMN IF NOT EXISTS`, so a re-run after an interruption goes on where it stopped.
fn add_column_if_missing(statement: &mut Statement) {
    let op = statement.op().cloned();
    let sql = statement
        .sql
        .replacen(" ADD COLUMN ", " ADD COLUMN IF NOT EXISTS ", 1);
    let mut rewritten = Statement {
        sql,
        ..statement.clone()
    };
    if let Some(Op::AddColumn { table, column, .. }) = op {
        rewritten = rewritten.with_op(Op::AddColumn {
            table,
            column,
            idempotent: true,
        });
    }
    *statement = rewritten;
}

/// The CONCURRENTLY form of a CREATE INDEX of `name` on `table`, preceded by the cleanup of
/// what an interrupted build leaves (named with the table's schema, not found by search_path).
fn concurrently_create(table: &QName, name: &str, statements: &[Statement]) -> Vec<Statement> {
    let qualified = quote_qname(
        Dialect::Postgres,
        &QName {
            schema: table.schema.clone(),
            name: name.to_string(),
        },
    );
    let mut out = Vec::new();
    for statement in statements {
        let Some(rest) = statement
            .sql
            .strip_prefix("CREATE UNIQUE INDEX ")
            .map(|r| ("CREATE UNIQUE INDEX CONCURRENTLY ", r))
            .or_else(|| {
                statement
                    .sql
                    .strip_prefix("CREATE INDEX ")
                    .map(|r| ("CREATE INDEX CONCURRENTLY ", r))
            })
        else {
            out.push(statement.clone());
            continue;
        };
        let (head, tail) = rest;
        let mut cleanup = Statement::outside_transaction(format!(
            "DROP INDEX CONCURRENTLY IF EXISTS {qualified}"
        ))
        .with_note("clears what an interrupted build left (an invalid index), so the migration can simply be run again; on a re-run after success the index is built afresh");
        let mut build = Statement::outside_transaction(format!("{head}IF NOT EXISTS {tail}"))
            .with_note("built without blocking writes; a failed build leaves an invalid index that the statement above clears on the next run");
        if let Some(Op::CreateIndex { table, index, .. }) = statement.op() {
            cleanup = cleanup.with_op(Op::DropIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: true,
                idempotent: true,
            });
            build = build.with_op(Op::CreateIndex {
                table: table.clone(),
                index: index.clone(),
                concurrently: true,
                idempotent: true,
            });
        }
        out.push(cleanup);
        out.push(build);
    }
    out
}

fn concurrently_drop(statements: &[Statement]) -> Vec<Statement> {
    statements
        .iter()
        .map(|s| match s.sql.strip_prefix("DROP INDEX ") {
            Some(rest) => {
                let drop = Statement::outside_transaction(format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {rest}"
                ));
                match s.op() {
                    Some(Op::DropIndex { table, index, .. }) => drop.with_op(Op::DropIndex {
                        table: table.clone(),
                        index: index.clone(),
                        concurrently: true,
                        idempotent: true,
                    }),
                    _ => drop,
                }
            }
            None => s.clone(),
        })
        .collect()
}

/// Append MySQL's ALGORITHM/LOCK clause so the server refuses instead of silently copying.
fn pin_algorithm(statements: &mut [Statement], algorithm: MysqlAlgorithm, why: &str) {
    if algorithm == MysqlAlgorithm::Copy {
        if let Some(first) = statements.first_mut() {
            first.note = Some(format!(
                "{why}: no online form exists, so writes wait for the whole copy (on a large table use gh-ost or pt-online-schema-change)"
            ));
        }
        return;
    }
    for statement in statements.iter_mut() {
        let sql = &mut statement.sql;
        // DROP INDEX takes no ALGORITHM clause in MariaDB: the ALTER TABLE form does.
        if let Some((index, table)) = sql
            .strip_prefix("DROP INDEX ")
            .and_then(|rest| rest.split_once(" ON "))
        {
            *sql = format!("ALTER TABLE {table} DROP INDEX {index}");
        }
        if sql.starts_with("ALTER TABLE") {
            sql.push_str(&format!(", {}", algorithm.clause()));
        } else if sql.starts_with("CREATE INDEX") || sql.starts_with("CREATE UNIQUE INDEX") {
            sql.push_str(&format!(" {}", algorithm.clause().replace(", ", " ")));
        } else {
            continue;
        }
        statement.note = Some(format!(
            "{why}; the server refuses (rather than copying the table) if it cannot do it this way"
        ));
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
