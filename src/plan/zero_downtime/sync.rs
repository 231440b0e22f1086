//! The trigger (and, in PostgreSQL, its function) that keeps a shadow column in sync with the
//! old column while old and new code run side by side.

use crate::dialect::{self, Statement};
use crate::model::*;
use crate::normalize::{quote_ident, quote_qname};
use crate::plan::backfill::dollar_quoted;

use super::names::truncate;
use super::shadow::Shadow;

/// Why dropping the sync function is safe (squawk has no rule on dropping a trigger).
const SYNC_DROPPED: &str =
    "migen's own sync trigger and function, needed only while the shadow column is filled";

/// The trigger (and, in PostgreSQL, its function) that keeps a shadow column in sync.
pub(super) struct SyncTrigger<'a> {
    dialect: Dialect,
    shadow: &'a Shadow,
    name: String,
}

impl<'a> SyncTrigger<'a> {
    pub(super) fn new(dialect: Dialect, shadow: &'a Shadow) -> SyncTrigger<'a> {
        let mut name = format!("{}__migen_sync_{}", shadow.table.name, shadow.old.name);
        truncate(dialect, &mut name, 8);
        SyncTrigger {
            dialect,
            shadow,
            name,
        }
    }

    /// `value` (of the old column's type) as the new type.
    pub(super) fn convert(&self, value: &str) -> String {
        self.cast(value, &self.shadow.old.ty, &self.shadow.new.ty)
    }

    pub(super) fn convert_back(&self, value: &str) -> String {
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

    pub(super) fn create(&self) -> Vec<Statement> {
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
                        dollar_quoted(&format!("BEGIN\n{body}\n  RETURN NEW;\nEND"))
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

    pub(super) fn drop(&self) -> Vec<Statement> {
        let d = self.dialect;
        let t = quote_qname(d, &self.shadow.table);
        match d {
            Dialect::Postgres => vec![
                Statement::new(format!(
                    "DROP TRIGGER IF EXISTS {} ON {t}",
                    quote_ident(d, &self.name)
                )),
                Statement::new(format!("DROP FUNCTION IF EXISTS {}()", self.function()))
                    .lint_ignore("ban-drop-function", SYNC_DROPPED),
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
