//! A change with its own statements, made online where the dialect allows: PostgreSQL builds
//! indexes CONCURRENTLY and adds constraints NOT VALID (validated in the backfill phase), MySQL
//! pins each ALTER to the algorithm the safety rules expect. With `keep_dropped`, dropped
//! columns and tables are renamed aside instead.

use crate::dialect::Statement;
use crate::dialect::op::{AlterPart, Op};
use crate::diff::{self, Change};
use crate::model::*;
use crate::normalize::{quote_ident, quote_qname};
use crate::safety;

use super::names::deprecated_name;
use super::statements::{
    concurrently_create, concurrently_drop, not_valid, pin_algorithm, validate,
};
use super::{KEPT_NOTE, Lossiness, Phase, Phases, Planner, Step};

impl Planner<'_> {
    /// A change with its own statements, made online where the dialect allows.
    pub(super) fn plain(&self, i: usize, phase: Phase, phases: &mut Phases) {
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
                && !self
                    .before_table(table)
                    .and_then(|t| t.primary_key.as_ref())
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
                phases.push(self.lossless_step(
                    Phase::PreDeploy,
                    i,
                    format!(
                        "allow NULL in {table}.{} so code that no longer writes it can insert",
                        column.name
                    ),
                    self.forward(&relax),
                    self.inverse_statements(&relax),
                ));
                down = self.inverse_statements(&Change::DropColumn {
                    table: table.clone(),
                    column: relaxed,
                });
            }
        }
        if self.options.keep_dropped
            && let Some(kept) = self.keep_dropped(i, phase)
        {
            phases.push(kept);
            return;
        }
        if self.dialect == Dialect::Postgres {
            for (rule, why) in self.harmless(i, phase) {
                up = up
                    .into_iter()
                    .map(|s| {
                        // A default dropped among other statements: only that statement.
                        let drops_default = matches!(s.op(), Some(Op::AlterColumn { part: AlterPart::Default, to, .. }) if to.default.is_none());
                        if rule != "ban-drop-default" || drops_default {
                            s.lint_ignore(rule, why)
                        } else {
                            s
                        }
                    })
                    .collect();
            }
        }
        match self.dialect {
            Dialect::Postgres if live => self.online_postgres(i, phase, &mut up, &mut down, phases),
            Dialect::Mysql if live => {
                if let Some((algorithm, why)) = self.algorithms.get(i).cloned().flatten() {
                    pin_algorithm(&mut up, algorithm, &why);
                }
            }
            _ => {}
        }
        phases.push(self.step(phase, vec![i], up, down));
    }

    /// PostgreSQL's online forms of change `i` on a live table: notes on what an ALTER COLUMN
    /// costs, indexes built and dropped CONCURRENTLY (primary keys and unique constraints
    /// attached to such an index), constraints added NOT VALID and validated apart.
    fn online_postgres(
        &self,
        i: usize,
        phase: Phase,
        up: &mut Vec<Statement>,
        down: &mut Vec<Statement>,
        phases: &mut Phases,
    ) {
        match &self.changes[i] {
            Change::AlterColumn {
                from: old, to: new, ..
            } => {
                let mut said = Vec::new();
                let mut catalog_only = false;
                if old.ty != new.ty || old.collation != new.collation {
                    let rewrites = old.collation != new.collation
                        || safety::postgres_type_change_rewrites(&self.version, &old.ty, &new.ty);
                    catalog_only = !rewrites;
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
                if catalog_only {
                    for statement in up.iter_mut().filter(|s| {
                        matches!(
                            s.op(),
                            Some(Op::AlterColumn {
                                part: AlterPart::Type { .. },
                                ..
                            })
                        )
                    }) {
                        *statement = statement.clone().lint_ignore(
                            "changing-column-type",
                            "the new type stores the values as the old one does: catalog only, no rewrite",
                        );
                    }
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
                let build = self.forward(&Change::AddIndex {
                    table: table.clone(),
                    index: key_index(&name, &primary_key.columns),
                });
                *up = concurrently_create(&build);
                up.push(
                    using_index(table, &name, "PRIMARY KEY", &name)
                        .with_note("the key's index was built without blocking writes; attaching it is catalog only when its columns are already NOT NULL"),
                );
            }
            Change::AddIndex { .. } => {
                *up = concurrently_create(up);
                *down = concurrently_drop(down);
            }
            Change::DropIndex { .. } => {
                *up = concurrently_drop(up);
                *down = concurrently_create(down);
            }
            Change::AddUnique { table, unique } if unique.name.is_some() => {
                let name = unique.name.as_deref().unwrap_or_default();
                let build = self.forward(&Change::AddIndex {
                    table: table.clone(),
                    index: key_index(name, &unique.columns),
                });
                *up = concurrently_create(&build);
                up.push(using_index(table, name, "UNIQUE", name));
            }
            Change::AddForeignKey {
                table,
                foreign_key: ForeignKey {
                    name: Some(name), ..
                },
            }
            | Change::AddCheck {
                table,
                check: CheckConstraint {
                    name: Some(name), ..
                },
            } => {
                let [single] = up.as_mut_slice() else {
                    return;
                };
                let Some(added) = not_valid(single) else {
                    return;
                };
                *single = added;
                if phase == Phase::PreDeploy {
                    single.note = Some("added without checking existing rows; validated in the backfill phase without blocking writes".into());
                    phases.push(self.step(
                        Phase::Backfill,
                        vec![i],
                        vec![validate(table, name)],
                        Vec::new(),
                    ));
                } else {
                    single.note = Some("added without checking existing rows, then validated without blocking writes".into());
                    up.push(validate(table, name));
                }
            }
            _ => {}
        }
    }

    /// PostgreSQL: the squawk rules change `i`'s own statements trip although, in this plan,
    /// they put nobody at risk, with the reason. A risk migen reports is never among them.
    fn harmless(&self, i: usize, phase: Phase) -> Vec<(&'static str, &'static str)> {
        let readded = |name: &Option<String>| {
            name.is_some()
                && self.changes.iter().any(|c| match c {
                    Change::AddForeignKey { foreign_key, .. } => foreign_key.name == *name,
                    Change::AddCheck { check, .. } => check.name == *name,
                    Change::AddUnique { unique, .. } => unique.name == *name,
                    Change::AddPrimaryKey { primary_key, .. } => primary_key.name == *name,
                    _ => false,
                })
        };
        const REPLACED: &str = "the plan adds the constraint again under the same name, as the target schema defines it";
        match &self.changes[i] {
            Change::RenameConstraint { .. } | Change::RenameIndex { .. } => vec![(
                "renaming-object",
                "only the name of an index or constraint changes; queries do not use it",
            )],
            Change::DropForeignKey { foreign_key, .. } if readded(&foreign_key.name) => {
                vec![("ban-drop-constraint", REPLACED)]
            }
            Change::DropCheck { check, .. } if readded(&check.name) => {
                vec![("ban-drop-constraint", REPLACED)]
            }
            Change::DropUnique { unique, .. } if readded(&unique.name) => {
                vec![("ban-drop-constraint", REPLACED)]
            }
            Change::DropPrimaryKey { primary_key, .. } if readded(&primary_key.name) => {
                vec![("ban-drop-constraint", REPLACED)]
            }
            Change::DropView { view }
                if self.changes.iter().any(
                    |c| matches!(c, Change::CreateView { view: v } if v.name == view.name),
                ) =>
            {
                vec![(
                    "ban-drop-view",
                    "re-created by this plan with its new definition, in the same transaction",
                )]
            }
            Change::DropEnum { .. } if phase == Phase::PostDeploy => vec![(
                "ban-drop-type",
                "the contract runs once no code uses the type, and no column of the target schema does",
            )],
            Change::AlterColumn { from, to, .. }
                if phase == Phase::PostDeploy
                    && from.default.is_some()
                    && to.default.is_none()
                    && to.nullable =>
            {
                vec![(
                    "ban-drop-default",
                    "runs after the deploy, and an insert that leaves the nullable column out stores NULL",
                )]
            }
            Change::AlterColumn { from, to, .. }
                if from.ty != to.ty && from.default.is_some() && to.default.is_some() =>
            {
                vec![(
                    "ban-drop-default",
                    "the default is set again right after the type change, in the same transaction",
                )]
            }
            _ => Vec::new(),
        }
    }

    /// Dropped columns and tables renamed to a deprecated name instead (down: renamed back).
    fn keep_dropped(&self, i: usize, phase: Phase) -> Option<Step> {
        let d = self.dialect;
        let (up, down, finish) = match &self.changes[i] {
            Change::DropColumn { table, column } => {
                let kept = Column {
                    name: deprecated_name(d, &column.name),
                    ..column.clone()
                };
                let up = self.op(Op::RenameColumn {
                    table: table.clone(),
                    column: column.clone(),
                    to: kept.name.clone(),
                });
                let down = self.op(Op::RenameColumn {
                    table: table.clone(),
                    column: kept.clone(),
                    to: column.name.clone(),
                });
                let finish = format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote_qname(d, table),
                    quote_ident(d, &kept.name)
                );
                (up, down, finish)
            }
            Change::DropTable { table } => {
                let kept = QName {
                    schema: table.name.schema.clone(),
                    name: deprecated_name(d, &table.name.name),
                };
                let rename = |from: &QName, to: &QName| {
                    self.op(Op::RenameTable {
                        from: from.clone(),
                        to: to.clone(),
                    })
                };
                let finish = format!("DROP TABLE {}", quote_qname(d, &kept));
                (
                    rename(&table.name, &kept),
                    rename(&kept, &table.name),
                    finish,
                )
            }
            _ => return None,
        };
        let up = up.with_note(format!("{KEPT_NOTE}{finish}"));
        let mut step = self.step(phase, vec![i], vec![up], vec![down]);
        step.lossiness = Lossiness::Lossless;
        step.loss = None;
        Some(step)
    }
}

/// The unique index behind a primary key or unique constraint on `columns`.
pub(super) fn key_index(name: &str, columns: &[String]) -> Index {
    Index {
        name: name.to_string(),
        unique: true,
        keys: columns.iter().map(IndexKey::column).collect(),
        method: None,
        predicate: None,
        include: Vec::new(),
    }
}

/// PostgreSQL: a primary key or unique constraint `name` attached to the unique index `index`
/// built beforehand (SQL: Alembic and the other targets have no operation for it).
pub(super) fn using_index(table: &QName, name: &str, kind: &str, index: &str) -> Statement {
    let d = Dialect::Postgres;
    Statement::new(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
        quote_qname(d, table),
        quote_ident(d, name),
        quote_ident(d, index)
    ))
}
