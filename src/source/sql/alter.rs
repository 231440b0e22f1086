//! ALTER TABLE: each operation applied to the table drafted so far.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, GeneratedAs, Ident,
};
use sqlparser::tokenizer::Span;

use super::{Builder, TableDraft};
use crate::error::Result;
use crate::model::*;
use crate::normalize::{self, ident_name};

impl Builder {
    pub(super) fn alter_table(
        &mut self,
        table: &QName,
        span: Span,
        operation: AlterTableOperation,
    ) -> Result<()> {
        let dialect = self.dialect;
        match operation {
            AlterTableOperation::AddConstraint { constraint, .. } => {
                let (at, mut draft) = self.take_table(table, span)?;
                let result = self.table_constraint(&mut draft, constraint);
                self.tables[at] = draft;
                result
            }
            AlterTableOperation::AddColumn { column_def, .. } => {
                let (at, mut draft) = self.take_table(table, span)?;
                let result = self.column(&mut draft, column_def);
                self.tables[at] = draft;
                result
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = self.name(&column_name);
                let draft = self.table_mut(table, span)?;
                if draft.table.column(&column).is_none() {
                    return Err(self.missing(
                        column_name.span,
                        format!("column {table}.{column} does not exist"),
                    ));
                }
                let lifted_identity = match &op {
                    AlterColumnOperation::AddGenerated { .. } => {
                        self.identity_options.next().unwrap_or_default()
                    }
                    _ => (None, None),
                };
                let draft = self.table_mut(table, span)?;
                let target = draft.table.column_mut(&column).expect("checked above");
                match op {
                    AlterColumnOperation::SetNotNull => target.nullable = false,
                    AlterColumnOperation::DropNotNull => target.nullable = true,
                    AlterColumnOperation::SetDefault { value } => {
                        target.default = Some(normalize::default_ast(dialect, value, &target.ty));
                    }
                    AlterColumnOperation::DropDefault => target.default = None,
                    AlterColumnOperation::SetDataType { data_type, .. } => {
                        target.ty = normalize::parse_type(dialect, &data_type.to_string());
                    }
                    AlterColumnOperation::AddGenerated { generated_as, .. } => {
                        target.identity = Some(match generated_as {
                            Some(GeneratedAs::ByDefault) => Identity::ByDefault,
                            _ => Identity::Always,
                        });
                        target.identity_options =
                            IdentityOptions::non_default(lifted_identity.0, lifted_identity.1);
                        target.nullable = false;
                    }
                }
                Ok(())
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                let draft = self.table_mut(table, span)?;
                for ident in &column_names {
                    let column = ident_name(dialect, ident);
                    let before = draft.table.columns.len();
                    draft.table.columns.retain(|c| c.name != column);
                    if draft.table.columns.len() == before && !if_exists {
                        return Err(self.error(
                            ident.span,
                            format!("column {table}.{column} does not exist"),
                        ));
                    }
                    // Constraints and indexes on a dropped column go with it, as in the database.
                    let uses = |cols: &[String]| cols.contains(&column);
                    draft.table.indexes.retain(|i| {
                        !i.keys
                            .iter()
                            .any(|k| k.part == IndexPart::Column(column.clone()))
                    });
                    draft.table.uniques.retain(|u| !uses(&u.columns));
                    draft.table.foreign_keys.retain(|f| !uses(&f.columns));
                    if draft
                        .table
                        .primary_key
                        .as_ref()
                        .is_some_and(|p| uses(&p.columns))
                    {
                        draft.table.primary_key = None;
                    }
                }
                Ok(())
            }
            // MySQL's full column redefinitions: the column is declared again in place.
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                ..
            } => self.redefine_column(table, span, col_name.clone(), col_name, data_type, options),
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                ..
            } => self.redefine_column(table, span, old_name, new_name, data_type, options),
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let old = ident_name(dialect, &old_column_name);
                let new = ident_name(dialect, &new_column_name);
                let draft = self.table_mut(table, span)?;
                if draft.table.column(&old).is_none() {
                    return Err(self.error(
                        old_column_name.span,
                        format!("column {table}.{old} does not exist"),
                    ));
                }
                draft.table.rename_column(&old, &new);
                Ok(())
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (sqlparser::ast::RenameTableNameKind::As(name)
                | sqlparser::ast::RenameTableNameKind::To(name)) = table_name;
                let mut new_name = self.qname(&name);
                if new_name.schema.is_none() {
                    new_name.schema = table.schema.clone();
                }
                let draft = self.table_mut(table, span)?;
                draft.table.name = new_name.clone();
                if let Some(at) = self.positions.remove(table) {
                    self.positions.insert(new_name, at);
                }
                Ok(())
            }
            AlterTableOperation::DropConstraint { name, .. }
            | AlterTableOperation::DropForeignKey { name, .. }
            | AlterTableOperation::DropIndex { name, .. } => {
                let constraint = ident_name(dialect, &name);
                let draft = self.table_mut(table, span)?;
                let t = &mut draft.table;
                let count = t.foreign_keys.len()
                    + t.uniques.len()
                    + t.checks.len()
                    + t.indexes.len()
                    + usize::from(t.primary_key.is_some());
                let named = |n: &Option<String>| n.as_deref() == Some(constraint.as_str());
                t.foreign_keys.retain(|f| !named(&f.name));
                t.uniques.retain(|u| !named(&u.name));
                t.checks.retain(|c| !named(&c.name));
                t.indexes.retain(|i| i.name != constraint);
                if t.primary_key.as_ref().is_some_and(|p| named(&p.name)) {
                    t.primary_key = None;
                }
                let after = t.foreign_keys.len()
                    + t.uniques.len()
                    + t.checks.len()
                    + t.indexes.len()
                    + usize::from(t.primary_key.is_some());
                if count == after {
                    // Unnamed constraints get their names at the end; a drop by such a name waits for then.
                    draft.dropped_names.push(constraint);
                }
                Ok(())
            }
            AlterTableOperation::DropPrimaryKey { .. } => {
                let draft = self.table_mut(table, span)?;
                draft.table.primary_key = None;
                draft.unnamed_pk = false;
                Ok(())
            }
            // Validation, ownership, replica identity and trigger switches change no structure.
            AlterTableOperation::ValidateConstraint { .. }
            | AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableRowLevelSecurity
            | AlterTableOperation::DisableRowLevelSecurity => Ok(()),
            other => Err(self.error(
                span,
                format!("unsupported in a schema file: ALTER TABLE … {other}"),
            )),
        }
    }

    /// Replace a column's whole definition, keeping its place (and renaming it where asked).
    fn redefine_column(
        &mut self,
        table: &QName,
        span: Span,
        old_name: Ident,
        new_name: Ident,
        data_type: sqlparser::ast::DataType,
        options: Vec<ColumnOption>,
    ) -> Result<()> {
        let old = self.name(&old_name);
        let new = self.name(&new_name);
        let (at, mut draft) = self.take_table(table, span)?;
        let Some(position) = draft.table.columns.iter().position(|c| c.name == old) else {
            self.tables[at] = draft;
            return Err(self.missing(
                old_name.span,
                format!("column {table}.{old} does not exist"),
            ));
        };
        if old != new {
            draft.table.rename_column(&old, &new);
        }
        draft.table.columns.remove(position);
        draft.column_spans.remove(&new);
        let def = ColumnDef {
            name: new_name,
            data_type,
            options: options
                .into_iter()
                .map(|option| sqlparser::ast::ColumnOptionDef { name: None, option })
                .collect(),
        };
        let result = self.column(&mut draft, def);
        if result.is_ok() {
            let column = draft.table.columns.pop().expect("column() adds the column");
            draft.table.columns.insert(position, column);
        }
        self.tables[at] = draft;
        result
    }

    /// Borrow a table draft out of the list, so a method taking `&mut self` can change it; the
    /// caller puts it back at the returned position.
    fn take_table(&mut self, table: &QName, span: Span) -> Result<(usize, TableDraft)> {
        match self.positions.get(table).copied() {
            Some(i) => {
                let placeholder = TableDraft::new(Table::new(table.clone()), span);
                Ok((i, std::mem::replace(&mut self.tables[i], placeholder)))
            }
            None => Err(self.missing(span, format!("table {table} is not defined"))),
        }
    }
}
