//! Fills in the plan: existing rows get a value (a constant or an expression over the row)
//! before their column becomes NOT NULL, and a derived column is filled from the columns it
//! is derived from.
//!
//! The direct strategy goes through an intermediate schema: the target with every filled
//! column still nullable (and an added one without its default). The source is changed into
//! it, the rows are filled, and the remaining step, the NOT NULL (and default) of those
//! columns, is planned by the dialect like any other change (SET NOT NULL, MODIFY, or the
//! SQLite table rebuild).

use crate::dialect::{self, Statement};
use crate::diff::{self, Change, Fill, RenameAnswers};
use crate::model::{Column, Dialect, QName, Schema};
use crate::normalize::{quote_ident, quote_qname};

/// A column the plan fills, with the change that asks for it.
#[derive(Debug, Clone)]
pub(crate) struct FillSite<'a> {
    pub change: usize,
    pub table: QName,
    /// The column as the target has it.
    pub column: Column,
    /// True for an existing column made NOT NULL, false for an added column.
    pub existing: bool,
    pub fill: std::borrow::Cow<'a, Fill>,
}

impl FillSite<'_> {
    /// `UPDATE t SET c = <fill> WHERE c IS NULL`: touches only rows still needing it.
    pub fn update(&self, dialect: Dialect) -> Statement {
        let c = quote_ident(dialect, &self.column.name);
        Statement::new(format!(
            "UPDATE {} SET {c} = {} WHERE {c} IS NULL",
            quote_qname(dialect, &self.table),
            self.fill.expr
        ))
        .with_note(self.note())
    }

    /// Whether the fill can run on the source as it is: an existing column, under the same
    /// name, filled from columns the source has.
    fn fills_in(&self, from: &Schema) -> bool {
        self.existing
            && from.tables.get(&self.table).is_some_and(|t| {
                t.column(&self.column.name).is_some_and(|c| c.nullable)
                    && self.fill.reads.iter().all(|r| t.column(r).is_some())
            })
    }

    pub fn assignment(&self, dialect: Dialect) -> String {
        format!(
            "{} = {}",
            quote_ident(dialect, &self.column.name),
            self.fill.expr
        )
    }

    pub fn pending(&self, dialect: Dialect) -> String {
        format!("{} IS NULL", quote_ident(dialect, &self.column.name))
    }

    pub fn label(&self) -> String {
        format!("{}.{}", self.table.name, self.column.name)
    }

    fn note(&self) -> String {
        if self.existing {
            format!(
                "fill {} where it is NULL with {}, so NOT NULL can hold",
                self.label(),
                self.fill.expr
            )
        } else if self.fill.derived {
            format!("fill {} from {}", self.label(), self.fill.expr)
        } else {
            format!(
                "fill {} with {} in the existing rows",
                self.label(),
                self.fill.expr
            )
        }
    }

    /// What the way back cannot restore, when anything.
    pub fn loss(&self) -> Option<String> {
        self.existing.then(|| {
            format!(
                "{}: the rows filled with {} keep that value on the way back; which of them held NULL cannot be told apart afterwards",
                self.label(),
                self.fill.expr
            )
        })
    }
}

/// The columns `changes` fill with the answers given: columns made NOT NULL, and added
/// columns with a fill (NOT NULL ones, or derived nullable ones). A column made NOT NULL
/// together with a default gets that default where it is NULL, unless a fill says otherwise
/// (as Django does for such a change).
pub(crate) fn sites<'a>(
    dialect: Dialect,
    changes: &[Change],
    answers: &'a RenameAnswers,
) -> Vec<FillSite<'a>> {
    changes
        .iter()
        .enumerate()
        .filter_map(|(i, change)| {
            let (table, column, existing) = match change {
                Change::AlterColumn { table, from, to } if from.nullable && !to.nullable => {
                    (table, to, true)
                }
                Change::AddColumn { table, column }
                    if column.generated.is_none()
                        && column.identity.is_none()
                        && !column.auto_increment =>
                {
                    (table, column, false)
                }
                _ => return None,
            };
            let fill = match answers.fills.get(table, &column.name) {
                Some(given) => std::borrow::Cow::Borrowed(given),
                None if existing && !answers.fills.none_needed => {
                    std::borrow::Cow::Owned(diff::fills::default_fill(dialect, table, column)?)
                }
                None => return None,
            };
            Some(FillSite {
                change: i,
                table: table.clone(),
                column: column.clone(),
                existing,
                fill,
            })
        })
        .collect()
}

/// The target with the filled columns still nullable and an added one without its default:
/// what the rows are filled in.
pub(crate) fn unfilled(to: &Schema, sites: &[FillSite]) -> Schema {
    let mut mid = to.clone();
    for site in sites {
        if let Some(column) = mid
            .tables
            .get_mut(&site.table)
            .and_then(|t| t.columns.iter_mut().find(|c| c.name == site.column.name))
        {
            column.nullable = true;
            if !site.existing {
                column.default = None;
            }
        }
    }
    mid
}

/// The direct strategy's up statements when rows are filled; `None` when nothing is.
pub(crate) fn direct_up(
    from: &Schema,
    to: &Schema,
    answers: &RenameAnswers,
    changes: &[Change],
) -> Option<Vec<Statement>> {
    let sites = sites(to.dialect, changes, answers);
    if sites.is_empty() {
        return None;
    }
    // A column the source has, filled from what the source has: filled first, and the change
    // runs as planned (one SQLite rebuild, not two).
    let (early, late): (Vec<FillSite>, Vec<FillSite>) =
        sites.into_iter().partition(|s| s.fills_in(from));
    let mut up: Vec<Statement> = early.iter().map(|s| s.update(to.dialect)).collect();
    if late.is_empty() {
        up.extend(dialect::statements(changes, from, to));
        return Some(up);
    }
    let mid = unfilled(to, &late);
    let first = diff::diff(from, &mid, answers);
    up.extend(dialect::statements(&first.changes, from, &mid));
    up.extend(late.iter().map(|s| s.update(to.dialect)));
    let last = diff::diff(&mid, to, &RenameAnswers::never());
    up.extend(dialect::statements(&last.changes, &mid, to));
    Some(up)
}

/// The note on the way back where a filled column goes back to NULL-able: the filled values
/// stay.
pub(crate) fn annotate_down(down: &mut [Statement], sites: &[FillSite]) {
    for site in sites.iter().filter(|s| s.existing) {
        let note = format!(
            "the rows of {} filled with {} keep that value: which of them held NULL before cannot be told apart, so they are not set back to NULL",
            site.label(),
            site.fill.expr
        );
        let name = &site.column.name;
        let target = down
            .iter()
            .position(|s| s.sql.contains(name.as_str()) && s.sql.contains("NULL"))
            .or_else(|| down.iter().position(|s| s.sql.contains(name.as_str())))
            .or((!down.is_empty()).then_some(0));
        if let Some(at) = target {
            let statement = &mut down[at];
            statement.note = Some(match statement.note.take() {
                Some(existing) => format!("{existing}\n{note}"),
                None => note,
            });
        }
    }
}
