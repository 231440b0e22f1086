//! CREATE TABLE and CREATE INDEX: columns, their options, table constraints and index keys.

use std::collections::BTreeSet;

use sqlparser::ast::{
    ColumnDef, ColumnOption, CreateIndex, CreateTable, CreateTableOptions, DeferrableInitial, Expr,
    GeneratedAs, GeneratedExpressionMode, IndexColumn, ReferentialAction, SqlOption,
    TableConstraint,
};
use sqlparser::tokenizer::Span;

use super::{Builder, PendingName, TableDraft};
use crate::error::Result;
use crate::model::*;
use crate::normalize::{self, ident_name, make_object_name};

impl Builder {
    pub(super) fn create_table(&mut self, create: CreateTable) -> Result<()> {
        let name = self.qname(&create.name);
        let span = create
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.span)
            .unwrap_or(Span::empty());
        // SQLite's own bookkeeping tables appear in `.schema` output; they are not the user's.
        if self.dialect == Dialect::Sqlite && name.name.to_ascii_lowercase().starts_with("sqlite_")
        {
            return Ok(());
        }
        if create.query.is_some() || create.like.is_some() {
            return Err(self.error(
                span,
                "CREATE TABLE … AS / LIKE cannot be read as a schema; write the columns out",
            ));
        }
        if self.positions.contains_key(&name) {
            return Err(self.error(span, format!("table {name} is defined twice")));
        }
        let mut draft = TableDraft::new(Table::new(name), span);
        let lifted = self.table_options.next().unwrap_or_default();
        draft.table.options.without_rowid = create.without_rowid || lifted.without_rowid;
        draft.table.options.strict = create.strict || lifted.strict;
        self.table_options(&mut draft.table, &create.table_options);
        if let Some(comment) = &create.comment {
            draft.table.comment = Some(comment_text(comment)).filter(|c| !c.is_empty());
        }
        for column in create.columns {
            self.column(&mut draft, column)?;
        }
        for constraint in create.constraints {
            self.table_constraint(&mut draft, constraint)?;
        }
        self.positions
            .insert(draft.table.name.clone(), self.tables.len());
        self.tables.push(draft);
        Ok(())
    }

    pub(super) fn reindex_tables(&mut self) {
        self.positions = self
            .tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.table.name.clone(), i))
            .collect();
    }

    fn table_options(&self, table: &mut Table, options: &CreateTableOptions) {
        let list = match options {
            CreateTableOptions::With(l)
            | CreateTableOptions::Options(l)
            | CreateTableOptions::Plain(l)
            | CreateTableOptions::TableProperties(l) => l.as_slice(),
            CreateTableOptions::None => &[],
        };
        for option in list {
            if let SqlOption::Comment(comment) = option {
                table.comment = Some(comment_text(comment)).filter(|c| !c.is_empty());
                continue;
            }
            let text = option.to_string();
            let (key, value) = match text.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().to_string()),
                None => match text.split_once(' ') {
                    Some((k, v)) => (k.trim().to_ascii_uppercase(), v.trim().to_string()),
                    None => (text.to_ascii_uppercase(), String::new()),
                },
            };
            let value = value
                .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                .to_string();
            match key.as_str() {
                "ENGINE" => table.options.engine = Some(value.to_ascii_lowercase()),
                "DEFAULT CHARSET" | "CHARSET" | "DEFAULT CHARACTER SET" | "CHARACTER SET" => {
                    table.options.charset = Some(value.to_ascii_lowercase())
                }
                "DEFAULT COLLATE" | "COLLATE" => {
                    table.options.collation = Some(value.to_ascii_lowercase())
                }
                "COMMENT" => table.comment = Some(value).filter(|c| !c.is_empty()),
                _ => {}
            }
        }
    }

    pub(super) fn column(&mut self, draft: &mut TableDraft, def: ColumnDef) -> Result<()> {
        let name = self.name(&def.name);
        let type_text = def.data_type.to_string();
        let lower = type_text.to_ascii_lowercase();
        let mut column = Column::new(
            name.clone(),
            normalize::parse_type(self.dialect, &type_text),
        );
        if draft.table.column(&name).is_some() {
            return Err(self.error(def.name.span, format!("column {name} is declared twice")));
        }
        draft.column_spans.insert(name.clone(), def.name.span);
        if self.dialect == Dialect::Postgres
            && matches!(
                lower.as_str(),
                "serial" | "bigserial" | "smallserial" | "serial4" | "serial8" | "serial2"
            )
        {
            column.nullable = false;
            draft.serials.push(name.clone());
        }
        if self.dialect == Dialect::Mysql && lower == "serial" {
            // MySQL SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
            column.ty = Type::Integer {
                bits: 64,
                unsigned: true,
            };
            column.nullable = false;
            column.auto_increment = true;
            draft.unnamed_uniques.push(PendingName {
                item: UniqueConstraint {
                    name: None,
                    columns: vec![name.clone()],
                },
                basis: vec![name.clone()],
                column_level: true,
            });
        }
        for option in def.options {
            let constraint_name = option.name.as_ref().map(|n| self.name(n));
            match option.option {
                ColumnOption::Null => column.nullable = true,
                ColumnOption::NotNull => column.nullable = false,
                ColumnOption::Default(expr) => {
                    column.default = Some(normalize::default_ast(self.dialect, expr, &column.ty));
                }
                ColumnOption::Collation(collation) => {
                    let text = collation.to_string();
                    column.collation = Some(unquote_collation(&text, self.dialect));
                }
                ColumnOption::CharacterSet(_) => {}
                ColumnOption::Comment(comment) => {
                    column.comment = Some(comment).filter(|c| !c.is_empty())
                }
                ColumnOption::OnUpdate(expr) => {
                    column.on_update = match normalize::default_ast(self.dialect, expr, &column.ty)
                    {
                        DefaultValue::Function(f) | DefaultValue::Expr(f) => Some(f),
                        other => Some(format!("{other:?}")),
                    }
                }
                ColumnOption::PrimaryKey(pk) => {
                    draft.table.primary_key = Some(PrimaryKey {
                        name: constraint_name
                            .clone()
                            .or(pk.name.as_ref().map(|n| self.name(n))),
                        columns: vec![name.clone()],
                    });
                    if draft
                        .table
                        .primary_key
                        .as_ref()
                        .is_some_and(|p| p.name.is_none())
                    {
                        draft.unnamed_pk = true;
                    }
                    if self.dialect != Dialect::Sqlite {
                        column.nullable = false;
                    }
                }
                ColumnOption::Unique(unique) => {
                    let explicit = constraint_name
                        .clone()
                        .or(unique.name.as_ref().map(|n| self.name(n)));
                    self.add_unique(draft, explicit, vec![name.clone()]);
                }
                ColumnOption::ForeignKey(fk) => {
                    let explicit = constraint_name
                        .clone()
                        .or(fk.name.as_ref().map(|n| self.name(n)));
                    let ref_table = self.qname(&fk.foreign_table);
                    let ref_columns: Vec<String> =
                        fk.referred_columns.iter().map(|c| self.name(c)).collect();
                    let foreign_key = ForeignKey {
                        name: explicit,
                        columns: vec![name.clone()],
                        ref_table,
                        ref_columns,
                        on_delete: self.fk_action(fk.on_delete),
                        on_update: self.fk_action(fk.on_update),
                        deferrable: fk
                            .characteristics
                            .as_ref()
                            .and_then(|c| c.deferrable)
                            .unwrap_or(false),
                        initially_deferred: fk
                            .characteristics
                            .as_ref()
                            .and_then(|c| c.initially)
                            .is_some_and(|i| i == DeferrableInitial::Deferred),
                    };
                    self.add_fk(draft, foreign_key);
                }
                ColumnOption::Check(check) => {
                    let explicit = constraint_name
                        .clone()
                        .or(check.name.as_ref().map(|n| self.name(n)));
                    let expr = *check.expr;
                    // A column-level CHECK is named after its column, whatever it references.
                    self.add_check(draft, explicit, expr, Some(name.clone()));
                }
                ColumnOption::Generated {
                    generated_as,
                    generation_expr,
                    generation_expr_mode,
                    ..
                } => match generation_expr {
                    Some(expr) => {
                        let stored = self.dialect == Dialect::Postgres
                            || generation_expr_mode == Some(GeneratedExpressionMode::Stored)
                            || generated_as == GeneratedAs::ExpStored;
                        column.generated = Some(Generated {
                            expr: normalize::expr_ast(self.dialect, expr),
                            stored,
                        });
                    }
                    None => {
                        column.identity = Some(match generated_as {
                            GeneratedAs::ByDefault => Identity::ByDefault,
                            _ => Identity::Always,
                        });
                        let (start, increment) = self.identity_options.next().unwrap_or_default();
                        column.identity_options = IdentityOptions::non_default(start, increment);
                        column.nullable = false;
                    }
                },
                ColumnOption::DialectSpecific(tokens) => {
                    let text = tokens
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_uppercase();
                    if text.contains("AUTO_INCREMENT") || text.contains("AUTOINCREMENT") {
                        column.auto_increment = true;
                    }
                }
                ColumnOption::Identity(_) => column.auto_increment = true,
                _ => {}
            }
        }
        if column.auto_increment && self.dialect == Dialect::Mysql {
            column.nullable = false;
        }
        draft.table.columns.push(column);
        Ok(())
    }

    fn fk_action(&self, action: Option<ReferentialAction>) -> FkAction {
        match action {
            // InnoDB's default is RESTRICT, and MariaDB reports it so.
            None if self.dialect == Dialect::Mysql => FkAction::Restrict,
            None => FkAction::NoAction,
            Some(ReferentialAction::Restrict) => FkAction::Restrict,
            Some(ReferentialAction::Cascade) => FkAction::Cascade,
            Some(ReferentialAction::SetNull) => FkAction::SetNull,
            Some(ReferentialAction::NoAction) => FkAction::NoAction,
            Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
        }
    }

    fn add_unique(&self, draft: &mut TableDraft, name: Option<String>, columns: Vec<String>) {
        let unique = UniqueConstraint {
            name: name.clone(),
            columns: columns.clone(),
        };
        if name.is_none() && self.dialect != Dialect::Sqlite {
            draft.unnamed_uniques.push(PendingName {
                item: unique,
                basis: columns,
                column_level: false,
            });
        } else {
            draft.table.uniques.push(unique);
        }
    }

    fn add_fk(&self, draft: &mut TableDraft, fk: ForeignKey) {
        if fk.name.is_none() && self.dialect != Dialect::Sqlite {
            let basis = fk.columns.clone();
            draft.unnamed_fks.push(PendingName {
                item: fk,
                basis,
                column_level: false,
            });
        } else {
            draft.table.foreign_keys.push(fk);
        }
    }

    fn add_check(
        &self,
        draft: &mut TableDraft,
        name: Option<String>,
        expr: Expr,
        column: Option<String>,
    ) {
        let column_level = column.is_some();
        let basis = match column {
            Some(c) => vec![c],
            None => {
                let mut referenced = BTreeSet::new();
                collect_identifiers(&expr, self.dialect, &mut referenced);
                let known: Vec<String> = referenced
                    .into_iter()
                    .filter(|r| draft.table.column(r).is_some())
                    .collect();
                if known.len() == 1 { known } else { Vec::new() }
            }
        };
        let check = CheckConstraint {
            name: name.clone(),
            expr: normalize::expr_ast(self.dialect, expr),
        };
        if name.is_none() && self.dialect != Dialect::Sqlite {
            draft.unnamed_checks.push(PendingName {
                item: check,
                basis,
                column_level,
            });
        } else {
            draft.table.checks.push(check);
        }
    }

    pub(super) fn table_constraint(
        &mut self,
        draft: &mut TableDraft,
        constraint: TableConstraint,
    ) -> Result<()> {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns: Vec<String> = pk
                    .columns
                    .iter()
                    .map(|c| self.index_column_name(c))
                    .collect();
                let name = pk.name.as_ref().map(|n| self.name(n));
                draft.unnamed_pk = name.is_none();
                for column in &columns {
                    if self.dialect != Dialect::Sqlite
                        && let Some(c) = draft.table.column_mut(column)
                    {
                        c.nullable = false;
                    }
                }
                draft.table.primary_key = Some(PrimaryKey { name, columns });
            }
            TableConstraint::Unique(unique) => {
                let columns: Vec<String> = unique
                    .columns
                    .iter()
                    .map(|c| self.index_column_name(c))
                    .collect();
                let name = unique
                    .name
                    .as_ref()
                    .or(unique.index_name.as_ref())
                    .map(|n| self.name(n));
                self.add_unique(draft, name, columns);
            }
            TableConstraint::ForeignKey(fk) => {
                let foreign_key = ForeignKey {
                    name: fk.name.as_ref().map(|n| self.name(n)),
                    columns: fk.columns.iter().map(|c| self.name(c)).collect(),
                    ref_table: self.qname(&fk.foreign_table),
                    ref_columns: fk.referred_columns.iter().map(|c| self.name(c)).collect(),
                    on_delete: self.fk_action(fk.on_delete),
                    on_update: self.fk_action(fk.on_update),
                    deferrable: fk
                        .characteristics
                        .as_ref()
                        .and_then(|c| c.deferrable)
                        .unwrap_or(false),
                    initially_deferred: fk
                        .characteristics
                        .as_ref()
                        .and_then(|c| c.initially)
                        .is_some_and(|i| i == DeferrableInitial::Deferred),
                };
                self.add_fk(draft, foreign_key);
            }
            TableConstraint::Check(check) => {
                let name = check.name.as_ref().map(|n| self.name(n));
                self.add_check(draft, name, *check.expr, None);
            }
            TableConstraint::Index(index) => {
                let keys = index.columns.iter().map(|c| self.index_key(c)).collect();
                let method = index
                    .index_type
                    .as_ref()
                    .map(|t| t.to_string().to_ascii_lowercase())
                    .filter(|m| m != "btree");
                self.add_table_index(
                    draft,
                    index.name.as_ref().map(|n| self.name(n)),
                    false,
                    keys,
                    method,
                );
            }
            TableConstraint::FulltextOrSpatial(index) => {
                let keys = index.columns.iter().map(|c| self.index_key(c)).collect();
                let method = Some(
                    if index.fulltext {
                        "fulltext"
                    } else {
                        "spatial"
                    }
                    .to_string(),
                );
                self.add_table_index(
                    draft,
                    index.opt_index_name.as_ref().map(|n| self.name(n)),
                    false,
                    keys,
                    method,
                );
            }
            TableConstraint::Exclude(exclude) => {
                // Exclusion constraints are not modelled yet: say so rather than fail the file.
                self.notes.push(format!(
                    "{}:{}: exclusion constraint {} on {} is not part of the schema model; migen leaves it alone",
                    self.file,
                    draft.span.start.line,
                    exclude.name.as_ref().map(|n| n.value.clone()).unwrap_or_default(),
                    draft.table.name
                ));
            }
            other => {
                return Err(self.error(
                    draft.span,
                    format!("unsupported constraint in a schema file: {other}"),
                ));
            }
        }
        Ok(())
    }

    fn add_table_index(
        &mut self,
        draft: &mut TableDraft,
        name: Option<String>,
        unique: bool,
        keys: Vec<IndexKey>,
        method: Option<String>,
    ) {
        let index = Index {
            name: name.clone().unwrap_or_default(),
            unique,
            keys,
            method,
            predicate: None,
            include: Vec::new(),
        };
        match name {
            Some(_) => draft.table.indexes.push(index),
            None => {
                let basis = index_basis(&index);
                self.unnamed_indexes.push((
                    draft.table.name.clone(),
                    PendingName {
                        item: index,
                        basis,
                        column_level: false,
                    },
                ));
            }
        }
    }

    fn index_column_name(&self, column: &IndexColumn) -> String {
        match &column.column.expr {
            Expr::Identifier(ident) => self.name(ident),
            Expr::CompoundIdentifier(parts) => {
                parts.last().map(|p| self.name(p)).unwrap_or_default()
            }
            // MySQL prefix key `name(10)` parses as a call.
            Expr::Function(f) => f
                .name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .map(|i| self.name(i))
                .unwrap_or_default(),
            other => other.to_string(),
        }
    }

    fn index_key(&self, column: &IndexColumn) -> IndexKey {
        let desc = matches!(
            column.column.options.sort,
            Some(sqlparser::ast::OrderBySort::Desc)
        );
        let nulls_first = column
            .column
            .options
            .nulls_first
            .filter(|first| *first != desc);
        let opclass = column
            .operator_class
            .as_ref()
            .map(|o| o.to_string().to_ascii_lowercase());
        let (part, length) = match &column.column.expr {
            Expr::Identifier(ident) => (IndexPart::Column(self.name(ident)), None),
            Expr::Function(f)
                if self.dialect == Dialect::Mysql
                    && f.args
                        .to_string()
                        .trim_matches(['(', ')'])
                        .parse::<u32>()
                        .is_ok() =>
            {
                // MySQL prefix key: `name(10)`.
                let column = f
                    .name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map(|i| self.name(i))
                    .unwrap_or_default();
                let length = f
                    .args
                    .to_string()
                    .trim_matches(['(', ')'])
                    .parse::<u32>()
                    .ok();
                (IndexPart::Column(column), length)
            }
            other => (
                IndexPart::Expr(normalize::expr_ast(self.dialect, other.clone())),
                None,
            ),
        };
        IndexKey {
            part,
            desc,
            nulls_first,
            length,
            opclass,
        }
    }

    pub(super) fn create_index(&mut self, create: CreateIndex) -> Result<()> {
        let table = self.qname(&create.table_name);
        let span = create
            .table_name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.span)
            .unwrap_or(Span::empty());
        let on_view = !self.positions.contains_key(&table)
            && self
                .views
                .iter()
                .any(|(v, _)| v.name == table && v.materialized);
        if !on_view && !self.positions.contains_key(&table) {
            return Err(self.missing(
                span,
                format!("CREATE INDEX on {table}, which is not a table or materialized view in this schema"),
            ));
        }
        let keys = create.columns.iter().map(|c| self.index_key(c)).collect();
        let method = create
            .using
            .as_ref()
            .map(|u| u.to_string().to_ascii_lowercase())
            .filter(|m| m != "btree");
        let index = Index {
            name: create
                .name
                .as_ref()
                .map(|n| self.qname(n).name)
                .unwrap_or_default(),
            unique: create.unique,
            keys,
            method,
            predicate: create
                .predicate
                .map(|p| normalize::expr_ast(self.dialect, p)),
            include: create.include.iter().map(|i| self.name(i)).collect(),
        };
        if on_view {
            let mut index = index;
            if index.name.is_empty() {
                let basis = index_basis(&index).join("_");
                index.name = make_object_name(self.dialect, &table.name, Some(&basis), "idx");
            }
            if let Some((view, _)) = self.views.iter_mut().find(|(v, _)| v.name == table) {
                view.indexes.push(index);
            }
            return Ok(());
        }
        if create.name.is_some() {
            let draft = self.table_mut(&table, span)?;
            draft.table.indexes.push(index);
        } else {
            let basis = index_basis(&index);
            self.unnamed_indexes.push((
                table,
                PendingName {
                    item: index,
                    basis,
                    column_level: false,
                },
            ));
        }
        Ok(())
    }
}

/// The column names (or `expr` / function names) PostgreSQL builds an implicit index name from.
fn index_basis(index: &Index) -> Vec<String> {
    index
        .keys
        .iter()
        .map(|key| match &key.part {
            IndexPart::Column(c) => c.clone(),
            IndexPart::Expr(e) => {
                let head: String = e
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() && e[head.len()..].starts_with('(') {
                    head
                } else {
                    "expr".to_string()
                }
            }
        })
        .collect()
}

fn collect_identifiers(expr: &Expr, dialect: Dialect, out: &mut BTreeSet<String>) {
    use std::ops::ControlFlow;
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        match e {
            Expr::Identifier(ident) => {
                out.insert(ident_name(dialect, ident));
            }
            Expr::CompoundIdentifier(parts) => {
                if let Some(last) = parts.last() {
                    out.insert(ident_name(dialect, last));
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
}

fn comment_text(comment: &sqlparser::ast::CommentDef) -> String {
    match comment {
        sqlparser::ast::CommentDef::WithEq(s) | sqlparser::ast::CommentDef::WithoutEq(s) => {
            s.clone()
        }
    }
}

fn unquote_collation(text: &str, dialect: Dialect) -> String {
    let trimmed = text.trim();
    if let Some(inner) = trimmed.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return inner.replace("\"\"", "\"");
    }
    let inner = trimmed.trim_matches('`').trim_matches('\'');
    match dialect {
        Dialect::Postgres => inner.to_lowercase(),
        _ => inner.to_ascii_lowercase(),
    }
}
