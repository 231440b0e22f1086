//! Enum values removed or reordered (PostgreSQL): the new values as a type of their own beside
//! the old one, every column moved over through a shadow column of the new type, and the types
//! traded at the very end.

use crate::dialect::Statement;
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{quote_ident, quote_qname};

use super::names::shadow_name;
use super::shadow::Shadow;
use super::{Phase, Phases, Planner};

#[derive(Debug, Clone)]
pub(super) struct EnumSwap {
    from: EnumType,
    to: EnumType,
    /// The new type under a temporary name until the old one is gone.
    temp: EnumType,
    pub(super) shadows: Vec<Shadow>,
}

impl Planner<'_> {
    /// The shadow columns for an enum whose values are removed or reordered, or why not.
    pub(super) fn enum_swap(
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

    pub(super) fn enum_steps(&self, i: usize, swap: &EnumSwap, phases: &mut Phases) {
        let d = self.dialect;
        let create_temp = self.forward(&Change::CreateEnum {
            enum_type: swap.temp.clone(),
        });
        let drop_temp = self.backward(&Change::DropEnum {
            enum_type: swap.temp.clone(),
        });
        phases.push(self.lossless_step(
            Phase::PreDeploy,
            i,
            format!(
                "create the new values of {} as {}",
                swap.to.name, swap.temp.name
            ),
            create_temp,
            drop_temp,
        ));
        for shadow in &swap.shadows {
            self.shadow(i, shadow, phases);
        }
        // Last: the old type goes and the new one takes its name.
        let old = quote_qname(d, &swap.from.name);
        let temp = quote_qname(d, &swap.temp.name);
        let mut up = vec![
            Statement::new(format!("DROP TYPE {old}")).lint_ignore(
                "ban-drop-type",
                "every column moved to the new type through its shadow column: nothing uses the old one",
            ),
            Statement::new(format!(
                "ALTER TYPE {temp} RENAME TO {}",
                quote_ident(d, &swap.to.name.name)
            ))
            .lint_ignore(
                "renaming-object",
                "the new type takes the old one's name, which the columns already use",
            ),
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
        phases.last.push(step);
    }
}
