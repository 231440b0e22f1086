//! SQLite: one writer at a time and no online DDL. The additive changes ALTER TABLE can make in
//! place go before the deploy; the rest (table rebuilds included) after it.

use crate::dialect;
use crate::diff::{self, Change, RenameAnswers};
use crate::model::*;

use super::fill::FillTrigger;
use super::{Lossiness, Phase, Step};
use crate::dialect::Statement;
use crate::plan::fill::FillSite;

pub(super) fn steps(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    changes: &[Change],
    notes: &mut Vec<String>,
) -> Vec<Step> {
    notes.push("SQLite has one writer at a time and no online DDL: the expand phase holds the additive changes ALTER TABLE can make in place; the contract phase makes the rest, rebuilding tables where needed".into());
    let mut expanded = from.clone();
    let mut expand_steps = Vec::new();
    let mut taken = Vec::new();
    let fills = crate::plan::fill::sites(to.dialect, changes, answers);
    // A filled column is added nullable and bare; the contract's rebuild makes it as declared.
    let bare_fills: Vec<Change> = changes
        .iter()
        .map(|change| match change {
            Change::AddColumn { table, column }
                if from.tables.contains_key(table)
                    && fills.iter().any(|f| {
                        !f.existing && f.table == *table && f.column.name == column.name
                    }) =>
            {
                Change::AddColumn {
                    table: table.clone(),
                    column: Column {
                        nullable: true,
                        default: None,
                        ..column.clone()
                    },
                }
            }
            other => other.clone(),
        })
        .collect();
    for (i, change) in bare_fills.iter().enumerate() {
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
            down_loss: None,
        });
    }
    let ((mut triggers, mut filling), trigger_drops, trigger_creates) = fill_steps(to, &fills);
    expand_steps.append(&mut triggers);
    let rest = diff::diff(&expanded, to, answers);
    let mut steps = expand_steps;
    steps.append(&mut filling);
    if !rest.changes.is_empty() || !trigger_drops.is_empty() {
        let mut back_answers = answers.inverted(&expanded, to);
        back_answers.assume_no = true;
        let back = diff::diff(to, &expanded, &back_answers);
        let mut up = trigger_drops;
        up.extend(dialect::statements(&rest.changes, &expanded, to));
        let mut down = dialect::statements(&back.changes, to, &expanded);
        down.extend(trigger_creates);
        crate::plan::fill::annotate_down(&mut down, &fills);
        let remaining: Vec<usize> = (0..changes.len()).filter(|i| !taken.contains(i)).collect();
        let (lossiness, loss) = Lossiness::of(
            remaining
                .iter()
                .filter_map(|&i| crate::plan::loss(&changes[i], from))
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
            down_loss: None,
        });
    }
    steps
}

/// For each filled column: its trigger (expand) and its fill (backfill, one UPDATE: a SQLite
/// writer holds the whole database either way), with the trigger drops and re-creations for
/// the contract step.
#[allow(clippy::type_complexity)]
fn fill_steps(
    to: &Schema,
    fills: &[FillSite],
) -> ((Vec<Step>, Vec<Step>), Vec<Statement>, Vec<Statement>) {
    let d = to.dialect;
    let mut expand = Vec::new();
    let mut backfill = Vec::new();
    let mut drops = Vec::new();
    let mut creates = Vec::new();
    for site in fills {
        let trigger = FillTrigger::new(d, site);
        expand.push(Step {
            phase: Phase::PreDeploy,
            changes: vec![site.change],
            summary: format!("a trigger fills {} in rows old code writes", site.label()),
            up: trigger.create(),
            down: trigger.drop(),
            lossiness: Lossiness::Lossless,
            loss: None,
            down_loss: None,
        });
        let (lossiness, down_loss) = Lossiness::of(site.loss().into_iter().collect());
        backfill.push(Step {
            phase: Phase::Backfill,
            changes: vec![site.change],
            summary: format!("fill {} with {}", site.label(), site.fill.expr),
            up: vec![site.update(d)],
            down: Vec::new(),
            lossiness,
            loss: None,
            down_loss,
        });
        drops.extend(trigger.drop());
        creates.extend(trigger.create());
    }
    ((expand, backfill), drops, creates)
}
