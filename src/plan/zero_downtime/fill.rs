//! Filled columns in the zero-downtime strategy: a column made NOT NULL, or added with a fill
//! (NOT NULL without a default, or derived from other columns).
//!
//! Expand: the column as nullable (added bare), and a trigger that fills the rows old code
//! writes during the deploy. Backfill: the existing rows in batches (see `plan::backfill`).
//! Contract: NOT NULL (PostgreSQL through a validated CHECK; MySQL a MODIFY pinned online),
//! the default, and the trigger dropped.

use crate::dialect::Statement;
use crate::dialect::op::{AlterPart, Op};
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{quote_ident, quote_qname};
use crate::plan::backfill::{Backfill, dollar_quoted};
use crate::plan::fill::{FillSite, sites};
use crate::safety::MysqlAlgorithm;

use super::names::truncate;
use super::statements::{
    add_column_if_missing, drops_if_exists, not_null_through_check, pin_algorithm, set_nullable,
};
use super::{Lossiness, Phase, Phases, Planner};

const FILL_DROPPED: &str =
    "migen's own fill trigger and function, needed only until the column is NOT NULL";

impl Planner<'_> {
    /// The fill the answers give for change `i`, if it is a change that fills.
    pub(super) fn fill_site(&self, i: usize) -> Option<FillSite<'_>> {
        let mut found = sites(
            self.dialect,
            std::slice::from_ref(&self.changes[i]),
            self.answers,
        );
        found.pop().map(|site| FillSite { change: i, ..site })
    }

    pub(super) fn fill(&self, i: usize, phases: &mut Phases) {
        let site = self.fill_site(i).expect("the treatment found a fill");
        let d = self.dialect;
        let table = &site.table;
        let target = &site.column;
        let trigger = FillTrigger::new(d, &site);

        // expand: the column nullable, and the trigger for what old code writes meanwhile
        let (before_contract, mut up, mut down) = if site.existing {
            let Change::AlterColumn { from: old, .. } = &self.changes[i] else {
                unreachable!("an existing column is filled through an AlterColumn")
            };
            let middle = Column {
                nullable: true,
                ..target.clone()
            };
            let (up, down) = if middle != *old {
                (
                    self.forward(&Change::AlterColumn {
                        table: table.clone(),
                        from: old.clone(),
                        to: middle.clone(),
                    }),
                    self.backward(&Change::AlterColumn {
                        table: table.clone(),
                        from: middle.clone(),
                        to: old.clone(),
                    }),
                )
            } else {
                (Vec::new(), Vec::new())
            };
            (middle, up, down)
        } else {
            let bare = Column {
                nullable: true,
                default: None,
                ..target.clone()
            };
            let up = add_column_if_missing(
                d,
                self.forward(&Change::AddColumn {
                    table: table.clone(),
                    column: bare.clone(),
                }),
            );
            let down = vec![self.op(Op::DropColumn {
                table: table.clone(),
                column: bare.clone(),
                if_exists: drops_if_exists(d),
            })];
            (bare, up, down)
        };
        up.extend(trigger.create());
        let mut undo_trigger = trigger.drop();
        undo_trigger.append(&mut down);
        phases.push(self.lossless_step(
            Phase::PreDeploy,
            i,
            format!(
                "{} nullable, filled by a trigger for rows old code writes",
                site.label()
            ),
            up,
            undo_trigger,
        ));

        // backfill: the existing rows, in batches
        let walked = self
            .before_table(table)
            .or_else(|| self.to.tables.get(table))
            .expect("a filled column's table exists");
        let backfill = Backfill {
            table: walked,
            assignments: vec![site.assignment(d)],
            pending: site.pending(d),
            label: site.label(),
        };
        let mut statements = backfill.statements(d, self.options);
        if let Some(first) = statements.first_mut() {
            let note = format!("{}: set to {}", site.label(), site.fill.expr);
            first.note = Some(match first.note.take() {
                Some(existing) => format!("{note}\n{existing}"),
                None => note,
            });
        }
        let (lossiness, down_loss) = Lossiness::of(site.loss().into_iter().collect());
        let mut step = self.lossless_step(
            Phase::Backfill,
            i,
            format!("fill {} with {}", site.label(), site.fill.expr),
            statements,
            Vec::new(),
        );
        step.lossiness = lossiness;
        step.down_loss = down_loss;
        phases.push(step);

        // contract: NOT NULL and the default, the trigger dropped
        let (mut up, mut down) = self.finish_filled(table, &before_contract, target);
        if let Some(loss) = site.loss()
            && let Some(first) = down.first_mut()
        {
            first.note = Some(loss);
        }
        up.extend(trigger.drop());
        down.extend(trigger.create());
        phases.push(self.lossless_step(
            Phase::PostDeploy,
            i,
            format!("{} as declared; the fill trigger dropped", site.label()),
            up,
            down,
        ));
    }

    /// From the column as the expand phase left it (nullable, no new default) to the target.
    fn finish_filled(
        &self,
        table: &QName,
        current: &Column,
        target: &Column,
    ) -> (Vec<Statement>, Vec<Statement>) {
        if current == target {
            return (Vec::new(), Vec::new());
        }
        match self.dialect {
            Dialect::Postgres => {
                let mut up = Vec::new();
                let mut down = Vec::new();
                let defaulted = Column {
                    default: target.default.clone(),
                    ..current.clone()
                };
                if defaulted.default != current.default {
                    up.push(self.op(Op::AlterColumn {
                        table: table.clone(),
                        from: current.clone(),
                        to: defaulted.clone(),
                        part: AlterPart::Default,
                    }));
                    down.push(self.op(Op::AlterColumn {
                        table: table.clone(),
                        from: defaulted.clone(),
                        to: current.clone(),
                        part: AlterPart::Default,
                    }));
                }
                if !target.nullable {
                    up.extend(not_null_through_check(table, target, &self.version));
                    down.insert(0, set_nullable(self.dialect, table, target, true));
                }
                (up, down)
            }
            _ => {
                let mut up = self.forward(&Change::AlterColumn {
                    table: table.clone(),
                    from: current.clone(),
                    to: target.clone(),
                });
                let mut down = self.backward(&Change::AlterColumn {
                    table: table.clone(),
                    from: target.clone(),
                    to: current.clone(),
                });
                let why = "NOT NULL checks every row; InnoDB rebuilds the table in place while writes go on";
                pin_algorithm(&mut up, MysqlAlgorithm::InplaceRebuild, why);
                pin_algorithm(
                    &mut down,
                    MysqlAlgorithm::InplaceRebuild,
                    "NULL allowed again",
                );
                (up, down)
            }
        }
    }
}

/// The trigger (and, in PostgreSQL, its function) that fills the column in rows written while
/// the old code runs: a NULL gets the fill; a derived column follows the columns it is derived
/// from when an update changes them without writing the column itself.
pub(super) struct FillTrigger<'a> {
    dialect: Dialect,
    site: &'a FillSite<'a>,
    name: String,
}

impl<'a> FillTrigger<'a> {
    pub(super) fn new(dialect: Dialect, site: &'a FillSite<'a>) -> FillTrigger<'a> {
        let mut name = format!("{}__migen_fill_{}", site.table.name, site.column.name);
        truncate(dialect, &mut name, 2);
        FillTrigger {
            dialect,
            site,
            name,
        }
    }

    fn function(&self) -> String {
        quote_qname(
            self.dialect,
            &QName {
                schema: self.site.table.schema.clone(),
                name: self.name.clone(),
            },
        )
    }

    fn trigger_name(&self, suffix: &str) -> String {
        match self.dialect {
            Dialect::Postgres => self.name.clone(),
            _ => format!("{}_{suffix}", self.name),
        }
    }

    pub(super) fn create(&self) -> Vec<Statement> {
        let d = self.dialect;
        let t = quote_qname(d, &self.site.table);
        let c = quote_ident(d, &self.site.column.name);
        let fill = &self.site.fill;
        let (new, old) = (&fill.new_row_expr, &fill.old_row_expr);
        let note = if fill.derived {
            format!(
                "fills {} from {} in rows old code writes until the contract phase (a NULL, or an update that changes what it is derived from)",
                self.site.label(),
                fill.expr
            )
        } else {
            format!(
                "fills {} with {} where old code writes NULL, until the contract phase",
                self.site.label(),
                fill.expr
            )
        };
        match d {
            Dialect::Postgres => {
                let follow = if fill.derived {
                    format!(
                        "
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.{c} IS NOT DISTINCT FROM OLD.{c} AND ({new}) IS DISTINCT FROM ({old}) THEN
      NEW.{c} := {new};
    END IF;"
                    )
                } else {
                    String::new()
                };
                let body = format!(
                    "BEGIN
  IF NEW.{c} IS NULL THEN
    NEW.{c} := {new};{follow}
  END IF;
  RETURN NEW;
END"
                );
                vec![
                    Statement::new(format!(
                        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}",
                        self.function(),
                        dollar_quoted(&body)
                    ))
                    .with_note(note),
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {}()",
                        quote_ident(d, &self.trigger_name("")),
                        self.function()
                    )),
                ]
            }
            Dialect::Mysql => {
                let update = if fill.derived {
                    format!(
                        "IF(NEW.{c} IS NULL OR (NEW.{c} <=> OLD.{c} AND NOT (({new}) <=> ({old}))), {new}, NEW.{c})"
                    )
                } else {
                    format!("IF(NEW.{c} IS NULL, {new}, NEW.{c})")
                };
                vec![
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE INSERT ON {t} FOR EACH ROW SET NEW.{c} = IF(NEW.{c} IS NULL, {new}, NEW.{c})",
                        quote_ident(d, &self.trigger_name("i"))
                    ))
                    .with_note(note),
                    Statement::new(format!(
                        "CREATE TRIGGER {} BEFORE UPDATE ON {t} FOR EACH ROW SET NEW.{c} = {update}",
                        quote_ident(d, &self.trigger_name("u"))
                    )),
                ]
            }
            Dialect::Sqlite => {
                // SQLite's triggers cannot assign NEW: the row is updated after the write.
                let key = "rowid";
                let expr = &fill.expr;
                let follows = if fill.derived {
                    format!(" OR (NEW.{c} IS OLD.{c} AND ({new}) IS NOT ({old}))")
                } else {
                    String::new()
                };
                vec![
                    Statement::new(format!(
                        "CREATE TRIGGER {} AFTER INSERT ON {t} FOR EACH ROW WHEN NEW.{c} IS NULL BEGIN UPDATE {t} SET {c} = {expr} WHERE {key} = NEW.{key}; END",
                        quote_ident(d, &self.trigger_name("i"))
                    ))
                    .with_note(note),
                    Statement::new(format!(
                        "CREATE TRIGGER {} AFTER UPDATE ON {t} FOR EACH ROW WHEN NEW.{c} IS NULL{follows} BEGIN UPDATE {t} SET {c} = {expr} WHERE {key} = NEW.{key}; END",
                        quote_ident(d, &self.trigger_name("u"))
                    )),
                ]
            }
        }
    }

    pub(super) fn drop(&self) -> Vec<Statement> {
        let d = self.dialect;
        let t = quote_qname(d, &self.site.table);
        match d {
            Dialect::Postgres => vec![
                Statement::new(format!(
                    "DROP TRIGGER IF EXISTS {} ON {t}",
                    quote_ident(d, &self.trigger_name(""))
                )),
                Statement::new(format!("DROP FUNCTION IF EXISTS {}()", self.function()))
                    .lint_ignore("ban-drop-function", FILL_DROPPED),
            ],
            _ => ["i", "u"]
                .iter()
                .map(|suffix| {
                    Statement::new(format!(
                        "DROP TRIGGER IF EXISTS {}",
                        quote_ident(d, &self.trigger_name(suffix))
                    ))
                })
                .collect(),
        }
    }
}
