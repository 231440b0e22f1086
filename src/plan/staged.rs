//! Plans for ORMs that fill rows from application-side defaults.

use super::{Migration, Phase, Plan, PlanOptions, PlannedStatement};
use crate::diff::RenameAnswers;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::model::orm::AppDefault;

/// A zero-downtime plan where the application fills a new NOT NULL column's existing rows from
/// a default the schema does not hold (Django's Python `default=`): the plan goes through a
/// schema where those columns have that default in the database (so the expand phase can fill
/// rows), and a last contract step drops the defaults again. A default only the application can
/// compute is an error at the field.
pub fn plan_with_app_defaults(
    before: &Schema,
    after: &Schema,
    defaults: &[AppDefault],
    answers: &RenameAnswers,
    options: &PlanOptions,
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
    let mut plan = super::plan_with(before, &staged, answers, options);
    if !staged_any || !plan.questions.is_empty() {
        return Ok(plan);
    }
    let last = super::plan_with(&staged, after, &RenameAnswers::never(), options);
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
        _ => plan.migrations.push(Migration {
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
