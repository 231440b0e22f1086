//! Renames and type changes through a shadow column. The expand phase adds the shadow beside
//! the old column with a trigger that keeps the two in sync (see `sync`); the backfill phase
//! copies the existing rows in batches, proves NOT NULL and builds the indexes on the shadow
//! under temporary names; the contract phase swaps the shadow in (see `swap`).

use crate::dialect::op::Op;
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{quote_ident, type_sql};
use crate::plan::backfill::Backfill;
use crate::safety::{self, MysqlAlgorithm};

use super::names::{not_null_check_name, shadow_name};
use super::statements::{
    add_column_if_missing, add_not_null_check, concurrently_create, concurrently_drop,
    drop_check_if_exists, drops_if_exists, index_if_missing, pin_algorithm, validate,
};
use super::sync::SyncTrigger;
use super::{Phase, Phases, Planner, Step};

#[derive(Debug, Clone)]
pub(super) struct Shadow {
    pub(super) table: QName,
    pub(super) old: Column,
    pub(super) new: Column,
    /// The column that collects the new values: the new name for a rename, a temporary name
    /// for a type change.
    pub(super) shadow: String,
    pub(super) rename: bool,
}

/// What the three phases of one shadow column share.
pub(super) struct Recipe<'s> {
    pub(super) shadow: &'s Shadow,
    pub(super) sync: SyncTrigger<'s>,
    /// The shadow column as the expand phase adds it (see `shadow_column`).
    pub(super) bare: Column,
    /// PostgreSQL, when the old column is NOT NULL already: the CHECK that proves the shadow
    /// NOT NULL in the backfill phase, so SET NOT NULL at the swap needs no scan. Otherwise old
    /// code may still write NULLs, and NOT NULL waits for the contract phase.
    pub(super) proven_check: Option<String>,
    /// The indexes and constraints on the old column, and on the new one.
    pub(super) objects_before: ShadowObjects,
    pub(super) objects_after: ShadowObjects,
    /// The indexes on the new column (unique constraints as their indexes), each with the
    /// temporary name it is built under on the shadow column.
    pub(super) temp_indexes: Vec<(Index, String)>,
}

impl Recipe<'_> {
    /// `index` (an index on the new column) as built on the shadow column under `name`.
    pub(super) fn on_shadow(&self, index: &Index, name: &str) -> Index {
        let shadow = self.shadow;
        let mut on_shadow = index.clone();
        on_shadow.name = name.to_string();
        for key in &mut on_shadow.keys {
            if let IndexPart::Column(c) = &mut key.part
                && *c == shadow.new.name
            {
                *c = shadow.shadow.clone();
            }
        }
        for c in &mut on_shadow.include {
            if *c == shadow.new.name {
                *c = shadow.shadow.clone();
            }
        }
        on_shadow
    }
}

impl Planner<'_> {
    /// A rename or type change through a shadow column: added and kept in sync by a trigger
    /// (expand), filled in batches and indexed (backfill), swapped in (contract).
    pub(super) fn shadow(&self, i: usize, shadow: &Shadow, phases: &mut Phases) {
        let d = self.dialect;
        let objects_after = ShadowObjects::of(&self.to.tables[&shadow.table], &shadow.new.name);
        let temp_indexes = objects_after
            .index_like()
            .into_iter()
            .map(|index| {
                let temp = shadow_name(d, &index.name);
                (index, temp)
            })
            .collect();
        let recipe = Recipe {
            shadow,
            sync: SyncTrigger::new(d, shadow),
            bare: self.shadow_column(shadow),
            proven_check: (d == Dialect::Postgres && !shadow.new.nullable && !shadow.old.nullable)
                .then(|| not_null_check_name(d, &shadow.table, &shadow.shadow)),
            objects_before: ShadowObjects::of(&self.from.tables[&shadow.table], &shadow.old.name),
            objects_after,
            temp_indexes,
        };
        phases.push(self.shadow_expand(i, &recipe));
        phases.push(self.shadow_backfill(i, &recipe));
        phases.push(self.shadow_swap(i, &recipe));
    }

    /// The shadow column as the expand phase adds it: nullable and without a default, except on
    /// MySQL for a NOT NULL target, where it starts NOT NULL with a placeholder default, so the
    /// swap is catalog-only (MySQL makes a column NOT NULL only by rebuilding the table).
    pub(super) fn shadow_column(&self, shadow: &Shadow) -> Column {
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

    /// expand: the shadow column and the trigger that keeps it in sync.
    fn shadow_expand(&self, i: usize, recipe: &Recipe) -> Step {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let mut up = self.forward(&Change::AddColumn {
            table: table.clone(),
            column: recipe.bare.clone(),
        });
        match d {
            Dialect::Postgres => {
                up = add_column_if_missing(d, up);
                if safety::bounded_varchar_len(&recipe.bare.ty).is_some() {
                    up = up
                        .into_iter()
                        .map(|s| {
                            s.lint_ignore(
                                "prefer-text-field",
                                "the shadow column copies the type the target schema declares for the column",
                            )
                        })
                        .collect();
                }
            }
            Dialect::Mysql => pin_algorithm(
                &mut up,
                MysqlAlgorithm::Instant,
                "adding a nullable column at the end is metadata only",
            ),
            Dialect::Sqlite => {}
        }
        up.extend(recipe.sync.create());
        let mut down = recipe.sync.drop();
        down.push(self.op(Op::DropColumn {
            table: table.clone(),
            column: recipe.bare.clone(),
            if_exists: drops_if_exists(d),
        }));
        let summary = if shadow.rename {
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
        self.lossless_step(Phase::PreDeploy, i, summary, up, down)
    }

    /// backfill: copy in batches, prove NOT NULL, build the indexes on the shadow column.
    fn shadow_backfill(&self, i: usize, recipe: &Recipe) -> Step {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let old = quote_ident(d, &shadow.old.name);
        let s = quote_ident(d, &shadow.shadow);
        let converted = recipe.sync.convert(&old);
        let pending = if recipe.bare.nullable {
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
            table: &self.from.tables[table],
            assignments: vec![format!("{s} = {converted}")],
            pending,
            label: format!("{}.{}", table.name, shadow.shadow),
        };
        let mut up = fill.statements(d, self.options);
        let mut down = Vec::new();
        if let Some(check_name) = &recipe.proven_check {
            // Dropped first if there, so the backfill migration can simply be run again.
            up.push(drop_check_if_exists(d, table, check_name));
            up.push(
                add_not_null_check(table, &shadow.shadow, check_name).with_note(
                    "proves NOT NULL ahead of the swap, so SET NOT NULL there needs no scan",
                ),
            );
            up.push(validate(table, check_name));
            down.push(drop_check_if_exists(d, table, check_name));
        }
        for (index, temp) in &recipe.temp_indexes {
            let on_shadow = recipe.on_shadow(index, temp);
            let build = self.forward(&Change::AddIndex {
                table: table.clone(),
                index: on_shadow.clone(),
            });
            let drop = self.backward(&Change::DropIndex {
                table: table.clone(),
                index: on_shadow,
            });
            if d == Dialect::Postgres {
                up.extend(concurrently_create(&build));
                down.splice(0..0, concurrently_drop(&drop));
                continue;
            }
            let mariadb = self.version.is_mariadb();
            // Re-runnable on MariaDB: a second run of the backfill keeps the index.
            let mut build = if mariadb {
                index_if_missing(d, build)
            } else {
                build
            };
            pin_algorithm(
                &mut build,
                MysqlAlgorithm::Inplace,
                "a secondary index is built online",
            );
            if !mariadb {
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
        self.lossless_step(
            Phase::Backfill,
            i,
            format!("copy {}.{} into {}", table, shadow.old.name, shadow.shadow),
            up,
            down,
        )
    }
}

/// The indexes and constraints of a table that involve a column.
pub(super) struct ShadowObjects {
    pub(super) indexes: Vec<Index>,
    pub(super) uniques: Vec<UniqueConstraint>,
    pub(super) checks: Vec<CheckConstraint>,
    pub(super) foreign_keys: Vec<ForeignKey>,
}

impl ShadowObjects {
    pub(super) fn of(table: &Table, column: &str) -> ShadowObjects {
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
    pub(super) fn index_like(&self) -> Vec<Index> {
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

    pub(super) fn names(&self) -> Vec<String> {
        self.indexes
            .iter()
            .map(|i| i.name.clone())
            .chain(self.uniques.iter().filter_map(|u| u.name.clone()))
            .chain(self.checks.iter().filter_map(|c| c.name.clone()))
            .chain(self.foreign_keys.iter().filter_map(|f| f.name.clone()))
            .collect()
    }
}
