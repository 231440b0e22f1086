//! Recipes for single changes: NOT NULL through a validated CHECK, a column with a volatile
//! default added bare and backfilled, a table renamed behind a compatibility view.

use crate::dialect::Statement;
use crate::dialect::op::{AlterPart, Op};
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{column_default_sql, quote_ident, quote_qname};

use super::statements::{
    add_column_if_missing, drops_if_exists, not_null_through_check, set_nullable,
};
use super::{Phase, Phases, Planner};
use crate::plan::backfill::Backfill;

impl Planner<'_> {
    /// ALTER COLUMN … SET NOT NULL (PostgreSQL): the column's other changes before the deploy,
    /// NOT NULL after it through a validated CHECK.
    pub(super) fn set_not_null(&self, i: usize, phases: &mut Phases) {
        let Change::AlterColumn {
            table,
            from: old,
            to: new,
        } = &self.changes[i]
        else {
            unreachable!("set_not_null is the treatment of an AlterColumn")
        };
        // Everything but NOT NULL first, where it belongs.
        let middle = Column {
            nullable: true,
            ..new.clone()
        };
        if middle != *old {
            let up = self.forward(&Change::AlterColumn {
                table: table.clone(),
                from: old.clone(),
                to: middle.clone(),
            });
            let down = self.backward(&Change::AlterColumn {
                table: table.clone(),
                from: middle.clone(),
                to: old.clone(),
            });
            phases.push(self.step(Phase::PreDeploy, vec![i], up, down));
        }
        let mut up = not_null_through_check(table, new, &self.version);
        up.last_mut().expect("statements").note = None;
        let down = vec![set_nullable(self.dialect, table, new, true)];
        phases.push(self.step(Phase::PostDeploy, vec![i], up, down));
    }

    /// ADD COLUMN with a volatile default (PostgreSQL): the column added bare and its default
    /// set (expand), the existing rows filled in batches (backfill), NOT NULL through a
    /// validated CHECK (contract).
    pub(super) fn volatile_add(&self, i: usize, phases: &mut Phases) {
        let Change::AddColumn { table, column } = &self.changes[i] else {
            unreachable!("volatile_add is the treatment of an AddColumn")
        };
        let d = self.dialect;
        let col = quote_ident(d, &column.name);
        let default = column.default.as_ref().expect("volatile default");
        let bare = Column {
            nullable: true,
            default: None,
            ..column.clone()
        };
        let with_default = Column {
            default: Some(default.clone()),
            ..bare.clone()
        };
        let mut up = add_column_if_missing(
            d,
            self.forward(&Change::AddColumn {
                table: table.clone(),
                column: bare.clone(),
            }),
        );
        up.push(
            self.op(Op::AlterColumn {
                table: table.clone(),
                from: bare,
                to: with_default.clone(),
                part: AlterPart::Default,
            })
            .with_note("new rows get the default from now on; existing rows are filled by the backfill, so the table is not rewritten under a lock"),
        );
        let down = vec![self.op(Op::DropColumn {
            table: table.clone(),
            column: with_default,
            if_exists: drops_if_exists(d),
        })];
        phases.push(self.step(Phase::PreDeploy, vec![i], up, down));
        let fill = Backfill {
            table: &self.from.tables[table],
            assignments: vec![format!(
                "{col} = {}",
                column_default_sql(d, &column.ty, default)
            )],
            pending: format!("{col} IS NULL"),
            label: format!("{}.{}", table.name, column.name),
        };
        phases.push(self.step(
            Phase::Backfill,
            vec![i],
            fill.statements(d, self.options),
            Vec::new(),
        ));
        if !column.nullable {
            let up = not_null_through_check(table, column, &self.version);
            let down = vec![set_nullable(d, table, column, true)];
            phases.push(self.step(Phase::PostDeploy, vec![i], up, down));
        }
    }

    /// RENAME TABLE with a view under the old name, so code that still uses it keeps working
    /// until the contract phase drops the view.
    pub(super) fn rename_table(&self, i: usize, phases: &mut Phases) {
        let change = &self.changes[i];
        let Change::RenameTable { from: old, to: new } = change else {
            unreachable!("rename_table is the treatment of a RenameTable")
        };
        let d = self.dialect;
        let mut up: Vec<Statement> = self
            .forward(change)
            .into_iter()
            .map(|s| {
                s.lint_ignore(
                    "renaming-table",
                    "a view under the old name keeps old code working until the contract phase",
                )
            })
            .collect();
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
        phases.push(self.step(Phase::PreDeploy, vec![i], up, down));
        let contract = drop_view.lint_ignore(
            "ban-drop-view",
            "the compatibility view of the rename, dropped once no code uses the old name",
        );
        let mut step = self.step(Phase::PostDeploy, vec![i], vec![contract], vec![view]);
        step.summary = format!("drop the compatibility view {old}");
        phases.push(step);
    }
}
