//! Resolving what the statements left open once all are read: enum column types, serial
//! sequences, the implicit constraint and index names the server would choose, MySQL's
//! automatic foreign-key indexes, and types no statement defined.

use std::collections::{BTreeMap, BTreeSet};

use super::{Builder, PendingName, TableDraft};
use crate::error::Result;
use crate::model::*;
use crate::normalize::{self, make_object_name};

impl Builder {
    pub(super) fn finish(mut self) -> Result<Schema> {
        let dialect = self.dialect;
        // Objects that share PostgreSQL's per-schema relation namespace, for implicit names.
        let mut used: BTreeSet<(Option<String>, String)> = BTreeSet::new();
        for draft in &self.tables {
            used.insert((
                draft.table.name.schema.clone(),
                draft.table.name.name.clone(),
            ));
            for name in draft.table.object_names() {
                used.insert((draft.table.name.schema.clone(), name.to_string()));
            }
        }
        for (view, _) in &self.views {
            used.insert((view.name.schema.clone(), view.name.name.clone()));
        }
        for sequence in self.schema.sequences.keys() {
            used.insert((sequence.schema.clone(), sequence.name.clone()));
        }
        let table_at = std::mem::take(&mut self.positions);
        let mut mysql_unnamed: std::collections::HashMap<QName, Vec<PendingName<Index>>> =
            std::collections::HashMap::new();
        if dialect == Dialect::Mysql {
            for (table, pending) in std::mem::take(&mut self.unnamed_indexes) {
                mysql_unnamed.entry(table).or_default().push(pending);
            }
        }
        let mut tables = std::mem::take(&mut self.tables);
        // Names the file gave itself: a drop that found nothing by such a name came before the
        // object was added (`DROP CONSTRAINT IF EXISTS x; ADD CONSTRAINT x …`), so it stays.
        let explicit: Vec<BTreeSet<String>> = tables
            .iter()
            .map(|draft| {
                draft
                    .table
                    .object_names()
                    .map(|name| name.to_string())
                    .collect()
            })
            .collect();
        for draft in tables.iter_mut() {
            let schema_key = draft.table.name.schema.clone();
            let table_name = draft.table.name.name.clone();
            match dialect {
                Dialect::Postgres => {
                    for column in std::mem::take(&mut draft.serials) {
                        let sequence = choose_name(
                            dialect,
                            &table_name,
                            std::slice::from_ref(&column),
                            "seq",
                            &mut used,
                            &schema_key,
                        );
                        if let Some(c) = draft.table.column_mut(&column) {
                            c.default = Some(DefaultValue::Sequence(QName::qualified(
                                schema_key.clone(),
                                sequence,
                            )));
                        }
                    }
                    if draft.unnamed_pk
                        && let Some(pk) = draft.table.primary_key.as_mut()
                    {
                        pk.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &[],
                            "pkey",
                            &mut used,
                            &schema_key,
                        ));
                    }
                    for pending in std::mem::take(&mut draft.unnamed_checks) {
                        let mut check = pending.item;
                        check.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "check",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.checks.push(check);
                    }
                    for pending in std::mem::take(&mut draft.unnamed_uniques) {
                        let mut unique = pending.item;
                        unique.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "key",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.uniques.push(unique);
                    }
                    for pending in std::mem::take(&mut draft.unnamed_fks) {
                        let mut fk = pending.item;
                        fk.name = Some(choose_name(
                            dialect,
                            &table_name,
                            &pending.basis,
                            "fkey",
                            &mut used,
                            &schema_key,
                        ));
                        draft.table.foreign_keys.push(fk);
                    }
                }
                Dialect::Mysql => {
                    // MySQL keeps the primary key unnamed (always PRIMARY) and every UNIQUE is an index.
                    if let Some(pk) = draft.table.primary_key.as_mut() {
                        pk.name = None;
                    }
                    let mut index_names: BTreeSet<String> = draft
                        .table
                        .indexes
                        .iter()
                        .map(|i| i.name.to_ascii_lowercase())
                        .collect();
                    let explicit_uniques = std::mem::take(&mut draft.table.uniques);
                    for unique in explicit_uniques {
                        let name = unique.name.clone().unwrap_or_default();
                        index_names.insert(name.to_ascii_lowercase());
                        draft.table.indexes.push(Index {
                            name,
                            unique: true,
                            keys: unique.columns.iter().map(IndexKey::column).collect(),
                            method: None,
                            predicate: None,
                            include: Vec::new(),
                        });
                    }
                    for pending in std::mem::take(&mut draft.unnamed_uniques) {
                        let name = mysql_index_name(&pending.basis[0], &mut index_names);
                        draft.table.indexes.push(Index {
                            name,
                            unique: true,
                            keys: pending.item.columns.iter().map(IndexKey::column).collect(),
                            method: None,
                            predicate: None,
                            include: Vec::new(),
                        });
                    }
                    // MariaDB names a column-level CHECK after its column and a table-level one
                    // CONSTRAINT_N, the lowest N no explicit name already uses.
                    let mut check_names: BTreeSet<String> = draft
                        .table
                        .checks
                        .iter()
                        .filter_map(|c| c.name.clone())
                        .collect();
                    let pending_checks = std::mem::take(&mut draft.unnamed_checks);
                    for pending in pending_checks.iter().filter(|p| p.column_level) {
                        check_names.insert(pending.basis[0].clone());
                    }
                    for pending in pending_checks {
                        let mut check = pending.item;
                        check.name = Some(if pending.column_level {
                            pending.basis[0].clone()
                        } else {
                            let n = (1..)
                                .find(|n| !check_names.contains(&format!("CONSTRAINT_{n}")))
                                .unwrap_or(1);
                            let name = format!("CONSTRAINT_{n}");
                            check_names.insert(name.clone());
                            name
                        });
                        draft.table.checks.push(check);
                    }
                    let explicit_fk_names: BTreeSet<String> = draft
                        .table
                        .foreign_keys
                        .iter()
                        .filter_map(|f| f.name.clone())
                        .collect();
                    let mut fk_number = 0;
                    for pending in std::mem::take(&mut draft.unnamed_fks) {
                        let mut fk = pending.item;
                        fk_number += 1;
                        fk.name = Some(format!("{table_name}_ibfk_{fk_number}"));
                        draft.table.foreign_keys.push(fk);
                    }
                    // Unnamed plain indexes of this table take their names now, in file order.
                    for pending in mysql_unnamed.remove(&draft.table.name).unwrap_or_default() {
                        let mut index = pending.item;
                        let first = pending
                            .basis
                            .first()
                            .cloned()
                            .unwrap_or_else(|| "idx".into());
                        index.name = mysql_index_name(&first, &mut index_names);
                        draft.table.indexes.push(index);
                    }
                    // InnoDB adds an index for each foreign key that no index starts with, named after
                    // the constraint when it was named, else after the first column.
                    let fks = draft.table.foreign_keys.clone();
                    for fk in fks {
                        let covered = draft
                            .table
                            .indexes
                            .iter()
                            .any(|index| starts_with_columns(index, &fk.columns))
                            || draft
                                .table
                                .primary_key
                                .as_ref()
                                .is_some_and(|pk| pk.columns.starts_with(&fk.columns));
                        if !covered {
                            let name = fk
                                .name
                                .clone()
                                .filter(|n| explicit_fk_names.contains(n))
                                .unwrap_or_else(|| fk.columns[0].clone());
                            let name = if index_names.contains(&name.to_ascii_lowercase()) {
                                mysql_index_name(&name, &mut index_names)
                            } else {
                                index_names.insert(name.to_ascii_lowercase());
                                name
                            };
                            draft.table.indexes.push(Index {
                                name,
                                unique: false,
                                keys: fk.columns.iter().map(IndexKey::column).collect(),
                                method: None,
                                predicate: None,
                                include: Vec::new(),
                            });
                        }
                    }
                    if draft.table.options.engine.as_deref() == Some("innodb") {
                        draft.table.options.engine = None;
                    }
                }
                Dialect::Sqlite => {
                    draft
                        .table
                        .uniques
                        .extend(draft.unnamed_uniques.drain(..).map(|p| p.item));
                    draft
                        .table
                        .checks
                        .extend(draft.unnamed_checks.drain(..).map(|p| p.item));
                    draft
                        .table
                        .foreign_keys
                        .extend(draft.unnamed_fks.drain(..).map(|p| p.item));
                }
            }
        }
        // Unnamed CREATE INDEX statements (PostgreSQL and SQLite).
        for (table_name, pending) in std::mem::take(&mut self.unnamed_indexes) {
            let Some(draft) = table_at.get(&table_name).and_then(|&at| tables.get_mut(at)) else {
                continue;
            };
            let mut index = pending.item;
            let basis: Vec<String> = pending.basis;
            index.name = choose_name(
                dialect,
                &table_name.name,
                &basis,
                "idx",
                &mut used,
                &table_name.schema,
            );
            draft.table.indexes.push(index);
        }
        // Drops by names the server would have chosen, now that every name is known.
        for (draft, explicit) in tables.iter_mut().zip(&explicit) {
            for name in std::mem::take(&mut draft.dropped_names) {
                if explicit.contains(&name) {
                    continue;
                }
                let t = &mut draft.table;
                let named = |n: &Option<String>| n.as_deref() == Some(name.as_str());
                t.foreign_keys.retain(|f| !named(&f.name));
                t.uniques.retain(|u| !named(&u.name));
                t.checks.retain(|c| !named(&c.name));
                t.indexes.retain(|i| i.name != name);
                if t.primary_key.as_ref().is_some_and(|p| named(&p.name)) {
                    t.primary_key = None;
                }
            }
        }
        for (sequence, table, column) in std::mem::take(&mut self.sequence_owners) {
            // Ownership is recorded here; `collapse_serial_sequences` then folds a sequence owned
            // by the very column whose default draws from it into that column (a serial).
            if let Some(seq) = self.schema.sequences.get_mut(&sequence) {
                seq.owned_by = Some((table, column));
            }
        }
        let enum_names: BTreeMap<String, QName> = self
            .schema
            .enums
            .keys()
            .flat_map(|q| {
                let plain = q.name.to_ascii_lowercase();
                let qualified = q.to_string().to_ascii_lowercase();
                [(plain, q.clone()), (qualified, q.clone())]
            })
            .collect();
        for mut draft in tables {
            for column in draft.table.columns.iter_mut() {
                resolve_enum(&mut column.ty, &enum_names);
            }
            self.check_types(&draft)?;
            self.collapse_serial_sequences(&mut draft);
            let table = draft.table;
            if self.schema.tables.contains_key(&table.name) {
                return Err(
                    self.error(draft.span, format!("table {} is defined twice", table.name))
                );
            }
            self.schema.tables.insert(table.name.clone(), table);
        }
        for (mut view, span) in std::mem::take(&mut self.views) {
            // Servers store a view's column list as aliases in its query; do the same.
            if !view.columns.is_empty()
                && let Some(aliased) =
                    normalize::alias_view_columns(dialect, &view.definition, &view.columns)
            {
                view.definition = aliased;
                view.columns.clear();
            }
            view.definition = normalize::view_query(dialect, &view.definition, &|name: &str| {
                self.schema
                    .tables
                    .values()
                    .find(|t| t.name.name == name || t.name.to_string() == name)
                    .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
            });
            if self.schema.views.contains_key(&view.name) {
                return Err(self.error(span, format!("view {} is defined twice", view.name)));
            }
            self.schema.views.insert(view.name.clone(), view);
        }
        let mut schema = self.schema;
        schema.canonicalize();
        Ok(schema)
    }

    /// A sequence declared separately but used as a column's `nextval` default and owned by that
    /// column is exactly what `serial` creates; the model keeps it on the column only.
    fn collapse_serial_sequences(&mut self, draft: &mut TableDraft) {
        for column in draft.table.columns.iter() {
            if let Some(DefaultValue::Sequence(seq)) = &column.default {
                let owned_here = self
                    .schema
                    .sequences
                    .get(seq)
                    .and_then(|s| s.owned_by.as_ref())
                    .is_some_and(|(t, c)| *t == draft.table.name && *c == column.name);
                if owned_here {
                    self.schema.sequences.remove(seq);
                }
            }
        }
    }

    /// An unknown type is an error (with its position), except in SQLite, which accepts any name.
    fn check_types(&self, draft: &TableDraft) -> Result<()> {
        if self.dialect == Dialect::Sqlite {
            return Ok(());
        }
        for column in &draft.table.columns {
            let mut ty = &column.ty;
            while let Type::Array { element } = ty {
                ty = element;
            }
            if let Type::Custom { name } = ty
                && !known_custom_type(self.dialect, name, &self.schema)
            {
                let span = draft
                    .column_spans
                    .get(&column.name)
                    .copied()
                    .unwrap_or(draft.span);
                return Err(self.error(
                        span,
                        format!(
                            "unknown type `{name}` for column {}.{} (declare it with CREATE TYPE or CREATE EXTENSION in the same schema)",
                            draft.table.name, column.name
                        ),
                    ));
            }
        }
        Ok(())
    }
}

fn starts_with_columns(index: &Index, columns: &[String]) -> bool {
    index.keys.len() >= columns.len()
        && index
            .keys
            .iter()
            .zip(columns)
            .all(|(key, column)| matches!(&key.part, IndexPart::Column(c) if c.eq_ignore_ascii_case(column)))
}

/// MySQL names an unnamed index after its first column, adding `_2`, `_3` on a clash.
fn mysql_index_name(first_column: &str, used: &mut BTreeSet<String>) -> String {
    let mut name = first_column.to_string();
    let mut n = 2;
    while used.contains(&name.to_ascii_lowercase()) || name.eq_ignore_ascii_case("PRIMARY") {
        name = format!("{first_column}_{n}");
        n += 1;
    }
    used.insert(name.to_ascii_lowercase());
    name
}

/// PostgreSQL's ChooseRelationName / ChooseConstraintName: `table_col1_col2_label`, each part
/// truncated so the whole fits in 63 bytes, and a number appended to the label on a clash.
fn choose_name(
    dialect: Dialect,
    table: &str,
    columns: &[String],
    label: &str,
    used: &mut BTreeSet<(Option<String>, String)>,
    schema: &Option<String>,
) -> String {
    let name2 = columns.join("_");
    let mut pass = 0;
    loop {
        let label_now = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let name = make_object_name(
            dialect,
            table,
            if name2.is_empty() { None } else { Some(&name2) },
            &label_now,
        );
        let key = (schema.clone(), name.clone());
        if !used.contains(&key) {
            used.insert(key);
            return name;
        }
        pass += 1;
    }
}

fn resolve_enum(ty: &mut Type, enums: &BTreeMap<String, QName>) {
    match ty {
        Type::Array { element } => resolve_enum(element, enums),
        Type::Custom { name } => {
            let key = name.replace('"', "").to_ascii_lowercase();
            let key = key.strip_prefix("public.").unwrap_or(&key).to_string();
            if let Some(q) = enums.get(&key) {
                *ty = Type::Enum { name: q.clone() };
            }
        }
        _ => {}
    }
}

const POSTGRES_BUILTIN_TYPES: &[&str] = &[
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "tsvector",
    "tsquery",
    "xml",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "oid",
    "regclass",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "pg_lsn",
    "txid_snapshot",
    "pg_snapshot",
    "name",
    "bit varying",
    "bit",
    "regtype",
    "char",
    "\"char\"",
];

const POSTGRES_EXTENSION_TYPES: &[(&str, &str)] = &[
    ("citext", "citext"),
    ("hstore", "hstore"),
    ("ltree", "ltree"),
    ("cube", "cube"),
    ("isn", "isbn"),
    ("isn", "ean13"),
    ("isn", "issn"),
    ("seg", "seg"),
    ("postgis", "geometry"),
    ("postgis", "geography"),
    ("vector", "vector"),
];

const MYSQL_EXTRA_TYPES: &[&str] = &[
    "bit",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "inet4",
    "inet6",
    "uuid",
];

fn known_custom_type(dialect: Dialect, name: &str, schema: &Schema) -> bool {
    let base = name.split('(').next().unwrap_or(name).trim();
    match dialect {
        Dialect::Postgres => {
            let base = base.strip_prefix("pg_catalog.").unwrap_or(base);
            POSTGRES_BUILTIN_TYPES.contains(&base)
                || base.starts_with("interval")
                || POSTGRES_EXTENSION_TYPES.iter().any(|(extension, ty)| {
                    *ty == base && schema.extensions.contains_key(*extension)
                })
        }
        Dialect::Mysql => MYSQL_EXTRA_TYPES.contains(&base),
        Dialect::Sqlite => true,
    }
}
