//! The contract phase of a shadow column: the triggers go, the old column is dropped, the
//! shadow takes its name (and NOT NULL, default, comment), the indexes built on the shadow take
//! their final names and the constraints on the column come back. Its down re-makes the old
//! column from the new one and puts the triggers back, leaving the database as the backfill
//! phase left it.

use crate::dialect::Statement;
use crate::dialect::op::{AlterPart, ConstraintType, Op};
use crate::diff::Change;
use crate::model::*;
use crate::normalize::{quote_ident, quote_qname, type_sql};
use crate::safety::{self, MysqlAlgorithm};

use super::plain::using_index;
use super::shadow::Recipe;
use super::statements::{
    PROVEN_NOT_NULL, add_not_null_check, drop_check_if_exists, drops_if_exists,
    not_null_through_check, not_valid, pin_algorithm, set_nullable, validate,
};
use super::{Phase, Planner, Step};

impl Planner<'_> {
    /// contract: the swap.
    pub(super) fn shadow_swap(&self, i: usize, recipe: &Recipe) -> Step {
        let shadow = recipe.shadow;
        let mut step = self.step(
            Phase::PostDeploy,
            vec![i],
            self.swap_up(recipe),
            self.swap_down(recipe),
        );
        step.summary = if shadow.rename {
            format!(
                "drop {}.{} (now {})",
                shadow.table, shadow.old.name, shadow.new.name
            )
        } else {
            format!(
                "swap {}.{} for its {} copy",
                shadow.table,
                shadow.old.name,
                type_sql(self.dialect, &shadow.new.ty)
            )
        };
        step
    }

    /// MySQL cannot swap columns in a transaction: writes are held off by a table lock for the
    /// moment the triggers go and the columns trade places (catalog-only changes when the
    /// shadow is already NOT NULL), so no write lands between the two.
    fn locked_swap(&self, recipe: &Recipe) -> bool {
        self.dialect == Dialect::Mysql && !recipe.shadow.rename
    }

    fn swap_up(&self, recipe: &Recipe) -> Vec<Statement> {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let mut up = recipe.sync.drop();
        if self.locked_swap(recipe) {
            let lock = Statement::new(format!("LOCK TABLES {} WRITE", quote_qname(d, table)))
                .with_note(if recipe.bare.nullable {
                    "holds writes off during the swap; the shadow column is nullable, so making it NOT NULL rebuilds the table under this lock"
                } else {
                    "holds writes off for the moment the columns trade places (catalog-only changes)"
                });
            up.insert(0, lock);
        }
        // MySQL keeps a multi-column index without the dropped column: drop them explicitly.
        if d == Dialect::Mysql {
            for index in recipe.objects_before.index_like() {
                up.push(self.op(Op::DropIndex {
                    table: table.clone(),
                    index,
                    concurrently: false,
                    if_exists: false,
                }));
            }
            for fk in &recipe.objects_before.foreign_keys {
                if let Some(name) = &fk.name {
                    up.insert(
                        0,
                        self.drop_constraint(table, name, ConstraintType::ForeignKey),
                    );
                }
            }
            for check in &recipe.objects_before.checks {
                if let Some(name) = &check.name {
                    up.push(self.drop_constraint(table, name, ConstraintType::Check));
                }
            }
        }
        let mut drop_old = self
            .op(Op::DropColumn {
                table: table.clone(),
                column: shadow.old.clone(),
                if_exists: drops_if_exists(d),
            })
            .lint_ignore(
                "ban-drop-column",
                "the old column of the shadow recipe: its values live on in the column that takes its place",
            );
        if d == Dialect::Mysql {
            // The same per-version classification the safety rules give a DROP COLUMN.
            let drop = Change::DropColumn {
                table: table.clone(),
                column: shadow.old.clone(),
            };
            if let Some(Some((algorithm, why))) =
                safety::mysql_algorithms(std::slice::from_ref(&drop), self.from, &self.version)
                    .pop()
            {
                pin_algorithm(std::slice::from_mut(&mut drop_old), algorithm, &why);
            }
        }
        up.push(drop_old);
        match d {
            Dialect::Postgres => up.extend(self.postgres_takes_over(recipe)),
            _ => {
                // One CHANGE gives the final name, type, NULL-ness, default and comment.
                let mut change = if shadow.rename && shadow.new.nullable {
                    self.op(Op::AlterColumn {
                        table: table.clone(),
                        from: recipe.bare.clone(),
                        to: shadow.new.clone(),
                        part: AlterPart::Whole,
                    })
                } else {
                    self.op(Op::ChangeColumn {
                        table: table.clone(),
                        from: recipe.bare.clone(),
                        to: shadow.new.clone(),
                    })
                };
                // Renaming and dropping the placeholder default are metadata only; making a
                // nullable shadow NOT NULL rebuilds the table.
                let (algorithm, why) = if recipe.bare.nullable != shadow.new.nullable {
                    (
                        MysqlAlgorithm::InplaceRebuild,
                        "making the column NOT NULL rebuilds the table in place",
                    )
                } else {
                    (
                        MysqlAlgorithm::Inplace,
                        "the new column takes the old one's name, catalog only",
                    )
                };
                pin_algorithm(std::slice::from_mut(&mut change), algorithm, why);
                up.push(change);
            }
        }
        for (index, temp) in &recipe.temp_indexes {
            let constraint = recipe
                .objects_after
                .uniques
                .iter()
                .any(|u| u.name.as_deref() == Some(&index.name));
            up.push(if d == Dialect::Postgres && constraint {
                using_index(table, &index.name, "UNIQUE", temp)
            } else {
                self.rename_index(table, temp, &index.name)
            });
        }
        if self.locked_swap(recipe) {
            // Constraints that read other tables come after the lock.
            up.push(Statement::new("UNLOCK TABLES"));
        }
        let mut validations = Vec::new();
        if d == Dialect::Postgres && !shadow.new.nullable && recipe.proven_check.is_none() {
            // The old column allowed NULL until now: prove NOT NULL after the swap.
            validations.extend(not_null_through_check(table, &shadow.new, &self.version));
        }
        let adds = recipe
            .objects_after
            .checks
            .iter()
            .map(|check| Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            })
            .chain(
                recipe
                    .objects_after
                    .foreign_keys
                    .iter()
                    .map(|fk| Change::AddForeignKey {
                        table: table.clone(),
                        foreign_key: fk.clone(),
                    }),
            );
        for change in adds {
            let mut add = self.forward(&change);
            let name = match &change {
                Change::AddCheck { check, .. } => check.name.as_ref(),
                Change::AddForeignKey { foreign_key, .. } => foreign_key.name.as_ref(),
                _ => None,
            };
            if let (Dialect::Postgres, Some(name), [single]) = (d, name, add.as_mut_slice())
                && let Some(added) = not_valid(single)
            {
                *single = added;
                validations.push(validate(table, name));
            }
            up.extend(add);
        }
        up.extend(validations);
        up
    }

    /// PostgreSQL: the shadow takes the old column's name, NOT NULL (proven in the backfill
    /// phase), default and comment.
    fn postgres_takes_over(&self, recipe: &Recipe) -> Vec<Statement> {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let mut out = Vec::new();
        // The shadow column as it stands, step by step.
        let mut current = recipe.bare.clone();
        if !shadow.rename {
            out.push(
                self.op(Op::RenameColumn {
                    table: table.clone(),
                    column: current.clone(),
                    to: shadow.new.name.clone(),
                })
                .lint_ignore(
                    "renaming-column",
                    "the shadow column takes the old column's name, so code keeps the name it uses",
                ),
            );
            current.name = shadow.new.name.clone();
        }
        if let Some(check_name) = &recipe.proven_check {
            let mut set = set_nullable(d, table, &current, false);
            if self.version.at_least(12, 0, 0) {
                set = set.lint_ignore("adding-not-nullable-field", PROVEN_NOT_NULL);
            }
            out.push(set);
            current.nullable = false;
            out.push(drop_check_if_exists(d, table, check_name));
        }
        if shadow.new.default.is_some() {
            let with_default = Column {
                default: shadow.new.default.clone(),
                ..current.clone()
            };
            out.push(self.op(Op::AlterColumn {
                table: table.clone(),
                from: current,
                to: with_default,
                part: AlterPart::Default,
            }));
        }
        if shadow.new.comment.is_some() {
            out.extend(self.forward(&Change::AlterColumn {
                table: table.clone(),
                from: Column {
                    comment: None,
                    ..shadow.new.clone()
                },
                to: shadow.new.clone(),
            }));
        }
        out
    }

    /// The way back to the state after the backfill: the old column re-made from the new.
    fn swap_down(&self, recipe: &Recipe) -> Vec<Statement> {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let mut down = Vec::new();
        for fk in &recipe.objects_after.foreign_keys {
            down.extend(self.backward(&Change::DropForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }));
        }
        for check in &recipe.objects_after.checks {
            down.extend(self.backward(&Change::DropCheck {
                table: table.clone(),
                check: check.clone(),
            }));
        }
        let is_constraint = |index: &Index| {
            recipe
                .objects_after
                .uniques
                .iter()
                .any(|u| u.name.as_deref() == Some(&index.name))
        };
        for (index, temp) in &recipe.temp_indexes {
            down.push(if d == Dialect::Postgres && is_constraint(index) {
                // Dropping the constraint drops its index: rebuilt under the temporary name.
                self.drop_constraint(table, &index.name, ConstraintType::Unique)
            } else {
                self.rename_index(table, &index.name, temp)
            });
        }
        match d {
            Dialect::Postgres => down.extend(self.postgres_gives_back(recipe)),
            _ => down.push(self.op(Op::ChangeColumn {
                table: table.clone(),
                from: shadow.new.clone(),
                to: recipe.bare.clone(),
            })),
        }
        // MySQL: from here until the triggers are back, writes are held off (see the up).
        let lock_at = down.len().saturating_sub(1);
        for (index, temp) in &recipe.temp_indexes {
            if d == Dialect::Postgres && is_constraint(index) {
                down.extend(self.forward(&Change::AddIndex {
                    table: table.clone(),
                    index: recipe.on_shadow(index, temp),
                }));
            }
        }
        let old_bare = Column {
            nullable: true,
            default: None,
            comment: None,
            ..shadow.old.clone()
        };
        down.extend(self.backward(&Change::AddColumn {
            table: table.clone(),
            column: old_bare.clone(),
        }));
        down.push(
            Statement::new(format!(
                "UPDATE {} SET {} = {}",
                quote_qname(d, table),
                quote_ident(d, &shadow.old.name),
                recipe.sync.convert_back(&quote_ident(d, &shadow.shadow))
            ))
            .with_note("copies the values back into the old column in one statement"),
        );
        down.extend(self.backward(&Change::AlterColumn {
            table: table.clone(),
            from: old_bare,
            to: shadow.old.clone(),
        }));
        let restored_at = down.len();
        let objects_before = &recipe.objects_before;
        for index in objects_before.index_like() {
            let unique = objects_before
                .uniques
                .iter()
                .find(|u| u.name.as_deref() == Some(&index.name));
            down.extend(self.backward(&match unique {
                Some(unique) => Change::AddUnique {
                    table: table.clone(),
                    unique: unique.clone(),
                },
                None => Change::AddIndex {
                    table: table.clone(),
                    index,
                },
            }));
        }
        for check in &objects_before.checks {
            down.extend(self.backward(&Change::AddCheck {
                table: table.clone(),
                check: check.clone(),
            }));
        }
        for fk in &objects_before.foreign_keys {
            down.extend(self.backward(&Change::AddForeignKey {
                table: table.clone(),
                foreign_key: fk.clone(),
            }));
        }
        if self.locked_swap(recipe) {
            // The triggers come back before the lock goes; indexes and keys are rebuilt after.
            let mut relock = recipe.sync.create();
            relock.push(Statement::new("UNLOCK TABLES"));
            down.splice(restored_at..restored_at, relock);
            down.insert(
                lock_at,
                Statement::new(format!("LOCK TABLES {} WRITE", quote_qname(d, table))),
            );
        } else {
            down.extend(recipe.sync.create());
        }
        down
    }

    /// PostgreSQL: the new column back under the shadow's name, as the backfill phase left it
    /// (nullable, no default or comment; the NOT NULL check there, validated).
    fn postgres_gives_back(&self, recipe: &Recipe) -> Vec<Statement> {
        let d = self.dialect;
        let shadow = recipe.shadow;
        let table = &shadow.table;
        let mut out = Vec::new();
        // The column as it stands, step by step.
        let mut current = shadow.new.clone();
        if !shadow.rename {
            out.push(self.op(Op::RenameColumn {
                table: table.clone(),
                column: current.clone(),
                to: shadow.shadow.clone(),
            }));
            current.name = shadow.shadow.clone();
        }
        if let Some(check_name) = &recipe.proven_check {
            // Back to the backfill's end: the check there, validated.
            out.push(add_not_null_check(table, &shadow.shadow, check_name));
            out.push(validate(table, check_name));
        }
        if !shadow.new.nullable {
            out.push(set_nullable(d, table, &current, true));
            current.nullable = true;
        }
        if shadow.new.default.is_some() {
            let without = Column {
                default: None,
                ..current.clone()
            };
            out.push(self.op(Op::AlterColumn {
                table: table.clone(),
                from: current.clone(),
                to: without.clone(),
                part: AlterPart::Default,
            }));
            current = without;
        }
        if shadow.new.comment.is_some() {
            out.push(self.op(Op::ColumnComment {
                table: table.clone(),
                column: Column {
                    comment: None,
                    ..current
                },
            }));
        }
        out
    }

    fn drop_constraint(&self, table: &QName, name: &str, kind: ConstraintType) -> Statement {
        self.op(Op::DropConstraint {
            table: table.clone(),
            name: name.to_string(),
            kind,
            if_exists: false,
        })
    }

    fn rename_index(&self, table: &QName, from: &str, to: &str) -> Statement {
        self.op(Op::RenameIndex {
            table: table.clone(),
            from: from.to_string(),
            to: to.to_string(),
        })
        .lint_ignore(
            "renaming-object",
            "an index built on the shadow column takes its final name; queries do not name indexes",
        )
    }
}
