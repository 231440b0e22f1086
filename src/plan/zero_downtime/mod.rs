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
//!
//! The planner never edits SQL text: where a statement must run differently (CONCURRENTLY,
//! IF [NOT] EXISTS, NOT VALID, an ALGORITHM clause) it sets that option on the statement's
//! operation and the dialect writes the SQL again (see `dialect::op`), so targets that speak in
//! operations keep them.
//!
//! - `treatment`: how each change is carried out, and the phase it lands in;
//! - `plain`: a change's own statements, made online; dropped objects kept under a name;
//! - `recipes`: NOT NULL through a validated check, volatile defaults, table renames;
//! - `shadow`, `swap`, `sync`: renames and type changes through a shadow column;
//! - `enum_swap`: PostgreSQL enum values removed or reordered;
//! - `sqlite`: SQLite, which has no online DDL;
//! - `statements`, `names`: the online statement forms and the names the recipes give.

mod enum_swap;
mod fill;
mod names;
mod plain;
mod recipes;
mod shadow;
mod sqlite;
mod statements;
mod swap;
mod sync;
mod treatment;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use crate::dialect::op::Op;
use crate::dialect::{self, Statement};
use crate::diff::{Change, RenameAnswers};
use crate::model::Version;
use crate::model::*;
use crate::safety::{self, MysqlAlgorithm};

use super::{Lossiness, Phase, PlanOptions, Step};
use enum_swap::EnumSwap;
use shadow::Shadow;

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
        Dialect::Sqlite => sqlite::steps(from, to, answers, changes, &mut notes),
        _ => Planner::new(from, to, answers, changes, options, version).run(&mut notes),
    };
    if options.keep_dropped {
        let kept: Vec<String> = steps
            .iter()
            .flat_map(|s| &s.up)
            .filter_map(|s| s.note.as_deref())
            .filter_map(|n| n.strip_prefix(KEPT_NOTE))
            .map(str::to_string)
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
    /// A column made NOT NULL, or added, with a fill: nullable with a fill trigger (expand),
    /// filled in batches (backfill), NOT NULL and the trigger dropped (contract).
    Fill,
    /// RENAME TABLE with a view under the old name until the contract phase.
    RenameTable,
    /// Enum values removed or reordered (PostgreSQL): a new type beside the old one, every
    /// column through a shadow column of the new type, the types traded at the end.
    Enum(Box<EnumSwap>),
}

/// The steps of each phase as the treatments add them.
#[derive(Default)]
struct Phases {
    expand: Vec<Step>,
    backfill: Vec<Step>,
    contract: Vec<Step>,
    /// Steps that must come after every other contract step.
    last: Vec<Step>,
}

impl Phases {
    fn push(&mut self, step: Step) {
        match step.phase {
            Phase::PreDeploy | Phase::Direct => self.expand.push(step),
            Phase::Backfill => self.backfill.push(step),
            Phase::PostDeploy => self.contract.push(step),
        }
    }

    fn into_steps(self) -> Vec<Step> {
        self.expand
            .into_iter()
            .chain(self.backfill)
            .chain(self.contract)
            .chain(self.last)
            .collect()
    }
}

struct Planner<'a> {
    from: &'a Schema,
    to: &'a Schema,
    answers: &'a RenameAnswers,
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
        answers: &'a RenameAnswers,
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
            answers,
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
    /// The table as it was before the change, under its name after it (a renamed table's
    /// later changes name it by its new name).
    fn before_table(&self, table: &QName) -> Option<&Table> {
        self.from.tables.get(table).or_else(|| {
            self.changes.iter().find_map(|c| match c {
                Change::RenameTable { from, to } if to == table => self.from.tables.get(from),
                _ => None,
            })
        })
    }

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

        let mut phases = Phases::default();
        let mut i = 0;
        while i < self.changes.len() {
            // A run of new tables is one step: foreign keys among them wait for the last.
            let new_table = |j: usize| {
                matches!(self.changes[j], Change::CreateTable { .. })
                    && matches!(treatments[j], Treatment::Plain(Place::Expand))
            };
            if new_table(i) {
                let mut j = i;
                while j < self.changes.len() && new_table(j) {
                    j += 1;
                }
                phases.push(self.plain_group(i..j, Phase::PreDeploy));
                i = j;
                continue;
            }
            match &treatments[i] {
                Treatment::Absorbed => {}
                Treatment::Plain(Place::Expand) => self.plain(i, Phase::PreDeploy, &mut phases),
                Treatment::Plain(Place::Contract) => self.plain(i, Phase::PostDeploy, &mut phases),
                Treatment::Shadow(shadow) => self.shadow(i, shadow.as_ref(), &mut phases),
                Treatment::SetNotNull => self.set_not_null(i, &mut phases),
                Treatment::VolatileAdd => self.volatile_add(i, &mut phases),
                Treatment::Fill => self.fill(i, &mut phases),
                Treatment::RenameTable => self.rename_table(i, &mut phases),
                Treatment::Enum(swap) => self.enum_steps(i, swap.as_ref(), &mut phases),
            }
            i += 1;
        }
        phases.into_steps()
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

    /// The statement for one operation the planner makes, written by the dialect.
    fn op(&self, op: Op) -> Statement {
        Statement::of(self.dialect, op)
            .expect("the planner makes only operations its dialect writes")
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
            down_loss: None,
        }
    }

    /// A step of a recipe that keeps every value, with its own summary.
    fn lossless_step(
        &self,
        phase: Phase,
        i: usize,
        summary: String,
        up: Vec<Statement>,
        down: Vec<Statement>,
    ) -> Step {
        Step {
            summary,
            lossiness: Lossiness::Lossless,
            loss: None,
            down_loss: None,
            ..self.step(phase, vec![i], up, down)
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
}
