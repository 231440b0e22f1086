//! The whole database read through information_schema, one query per object kind, into the
//! canonical model.

use std::collections::{BTreeMap, HashMap, HashSet};

use mysql::Row;
use mysql::prelude::Queryable;

use super::cells::{
    column_default, fk_action, is_json_check, non_empty, number, on_update, text, view_definition,
};
use super::{D, MysqlDb, fail};
use crate::error::{Error, Result};
use crate::model::{
    CheckConstraint, Column, ForeignKey, Generated, Index, IndexKey, IndexPart, LobSize,
    PrimaryKey, QName, Schema, Table, Type, View,
};
use crate::normalize;

impl MysqlDb {
    /// The schema of the database the URL names.
    pub(super) fn read_schema(&mut self) -> Result<Schema> {
        let Some(db) = self.database.clone() else {
            return Err(Error::database(
                &self.url,
                "the URL names no database to read (use mysql://user@host:port/<database>)",
            ));
        };
        let version = self.version()?;
        let mariadb = version.to_ascii_lowercase().contains("mariadb");
        let probe = self.probe_columns()?;
        let has = |table: &str, column: &str| probe.contains(&(table.into(), column.into()));

        let mut schema = Schema::empty(D);

        // Charsets of collations (MariaDB 10.10+ uca1400 names are not listed: prefix fallback).
        let charsets: HashMap<String, String> = self
            .conn
            .query::<Row, _>(
                "SELECT COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS",
            )
            .map_err(|e| fail(&self.url, "reading collations", e))?
            .iter()
            .filter_map(|r| Some((text(r, 0)?, text(r, 1)?)))
            .collect();
        let charset_of = |collation: &str| {
            charsets
                .get(collation)
                .cloned()
                .unwrap_or_else(|| collation.split('_').next().unwrap_or(collation).to_string())
        };

        // Tables and views.
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        let mut view_names: Vec<String> = Vec::new();
        for row in self.rows(
            "tables",
            "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
            &db,
        )? {
            let Some(name) = text(&row, 0) else { continue };
            let kind = text(&row, 1).unwrap_or_default().to_ascii_uppercase();
            match kind.as_str() {
                "VIEW" => view_names.push(name),
                "BASE TABLE" | "SYSTEM VERSIONED" => {
                    let mut table = Table::new(QName::new(name.clone()));
                    table.options.engine = text(&row, 2).map(|e| e.to_ascii_lowercase());
                    if let Some(collation) = non_empty(text(&row, 3)) {
                        table.options.charset = Some(charset_of(&collation));
                        table.options.collation = Some(collation);
                    }
                    table.comment = non_empty(text(&row, 4));
                    tables.insert(name, table);
                }
                // MariaDB sequences and anything else are not tables of the model.
                _ => {}
            }
        }

        // Check constraints first: MariaDB's JSON columns are recognised by theirs.
        let check_sql = if has("CHECK_CONSTRAINTS", "TABLE_NAME") {
            Some(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? \
                 ORDER BY TABLE_NAME, CONSTRAINT_NAME",
            )
        } else if has("CHECK_CONSTRAINTS", "CHECK_CLAUSE") {
            Some(
                "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
                 FROM information_schema.TABLE_CONSTRAINTS tc \
                 JOIN information_schema.CHECK_CONSTRAINTS cc \
                   ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
                  AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
                 WHERE tc.CONSTRAINT_SCHEMA = ? AND tc.CONSTRAINT_TYPE = 'CHECK' \
                 ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME",
            )
        } else {
            None
        };
        let mut checks: Vec<(String, String, String)> = Vec::new();
        if let Some(sql) = check_sql {
            for row in self.rows("check constraints", sql, &db)? {
                if let (Some(t), Some(n), Some(c)) = (text(&row, 0), text(&row, 1), text(&row, 2)) {
                    checks.push((t, n, c));
                }
            }
        }
        let json_checks: HashSet<(String, String)> = if mariadb {
            checks
                .iter()
                .filter(|(_, name, clause)| is_json_check(name, clause))
                .map(|(t, n, _)| (t.clone(), n.clone()))
                .collect()
        } else {
            HashSet::new()
        };
        let mut json_columns: HashSet<(String, String)> = HashSet::new();

        // Columns.
        for row in self.rows(
            "columns",
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
                    GENERATION_EXPRESSION, COLLATION_NAME, COLUMN_COMMENT \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
            &db,
        )? {
            let (Some(table_name), Some(name)) = (text(&row, 0), text(&row, 1)) else {
                continue;
            };
            let Some(table) = tables.get_mut(&table_name) else {
                continue;
            };
            let column_type = text(&row, 2).unwrap_or_default();
            let mut ty = normalize::parse_type(D, &column_type);
            let key = (table_name.clone(), name.clone());
            if ty
                == (Type::Text {
                    size: LobSize::Long,
                })
                && json_checks.contains(&key)
            {
                ty = Type::Json;
                json_columns.insert(key);
            }
            let extra = text(&row, 5).unwrap_or_default();
            let extra_lower = extra.to_ascii_lowercase();
            let mut column = Column::new(name, ty.clone());
            column.nullable = text(&row, 3).is_some_and(|n| n.eq_ignore_ascii_case("YES"));
            column.auto_increment = extra_lower.contains("auto_increment");
            column.on_update = on_update(&extra, &ty);
            let generation = non_empty(text(&row, 6));
            let is_generated = extra_lower.contains("virtual generated")
                || extra_lower.contains("stored generated")
                || extra_lower.contains("persistent generated");
            match generation {
                Some(expr) if is_generated => {
                    column.generated = Some(Generated {
                        expr: normalize::expr(D, &expr),
                        stored: !extra_lower.contains("virtual"),
                    });
                }
                _ => column.default = column_default(text(&row, 4), &extra, &ty, mariadb),
            }
            if ty != Type::Json {
                column.collation = non_empty(text(&row, 7));
            }
            column.comment = non_empty(text(&row, 8));
            table.columns.push(column);
        }

        for (table_name, name, clause) in checks {
            if json_columns.contains(&(table_name.clone(), name.clone())) {
                continue;
            }
            if let Some(table) = tables.get_mut(&table_name) {
                table.checks.push(CheckConstraint {
                    name: Some(name),
                    expr: normalize::expr(D, &clause),
                });
            }
        }

        // Indexes, primary keys included.
        let expression = if has("STATISTICS", "EXPRESSION") {
            "EXPRESSION"
        } else {
            "NULL"
        };
        let index_sql = format!(
            "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART, \
                    COLLATION, INDEX_TYPE, {expression} \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
        );
        let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
        for row in self.rows("indexes", &index_sql, &db)? {
            let (Some(table_name), Some(index_name)) = (text(&row, 0), text(&row, 1)) else {
                continue;
            };
            if !tables.contains_key(&table_name) {
                continue;
            }
            let part = match (non_empty(text(&row, 3)), non_empty(text(&row, 8))) {
                (_, Some(expr)) => IndexPart::Expr(normalize::expr(D, &expr)),
                (Some(column), None) => IndexPart::Column(column),
                (None, None) => continue,
            };
            let method = match text(&row, 7)
                .unwrap_or_default()
                .to_ascii_uppercase()
                .as_str()
            {
                "FULLTEXT" => Some("fulltext".to_string()),
                "SPATIAL" => Some("spatial".to_string()),
                "HASH" => Some("hash".to_string()),
                _ => None,
            };
            let index = indexes
                .entry((table_name, index_name.clone()))
                .or_insert_with(|| Index {
                    name: index_name,
                    unique: number(&row, 4) == Some(0),
                    keys: Vec::new(),
                    method,
                    predicate: None,
                    include: Vec::new(),
                });
            index.keys.push(IndexKey {
                part,
                desc: text(&row, 6).is_some_and(|c| c.eq_ignore_ascii_case("D")),
                nulls_first: None,
                length: number(&row, 5).map(|n| n as u32),
                opclass: None,
            });
        }
        for ((table_name, _), index) in indexes {
            let Some(table) = tables.get_mut(&table_name) else {
                continue;
            };
            if index.name == "PRIMARY" {
                table.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: index
                        .keys
                        .into_iter()
                        .filter_map(|k| match k.part {
                            IndexPart::Column(c) => Some(c),
                            IndexPart::Expr(_) => None,
                        })
                        .collect(),
                });
            } else {
                table.indexes.push(index);
            }
        }

        // Foreign keys.
        let mut fks: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
        for row in self.rows(
            "foreign keys",
            "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, \
                    k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
              AND r.TABLE_NAME = k.TABLE_NAME \
              AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            &db,
        )? {
            let (Some(table_name), Some(name), Some(column)) =
                (text(&row, 0), text(&row, 1), text(&row, 2))
            else {
                continue;
            };
            let ref_schema = text(&row, 3).filter(|s| *s != db);
            let ref_table = text(&row, 4).unwrap_or_default();
            let fk = fks
                .entry((table_name, name.clone()))
                .or_insert_with(|| ForeignKey {
                    name: Some(name),
                    columns: Vec::new(),
                    ref_table: QName::qualified(ref_schema, ref_table),
                    ref_columns: Vec::new(),
                    on_delete: fk_action(&text(&row, 7).unwrap_or_default()),
                    on_update: fk_action(&text(&row, 6).unwrap_or_default()),
                    deferrable: false,
                    initially_deferred: false,
                });
            fk.columns.push(column);
            if let Some(ref_column) = text(&row, 5) {
                fk.ref_columns.push(ref_column);
            }
        }
        for ((table_name, _), fk) in fks {
            if let Some(table) = tables.get_mut(&table_name) {
                table.foreign_keys.push(fk);
            }
        }

        for (_, mut table) in tables {
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            table.checks.sort_by(|a, b| a.name.cmp(&b.name));
            schema.tables.insert(table.name.clone(), table);
        }

        // Views.
        if !view_names.is_empty() {
            for row in self.rows(
                "views",
                "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION FROM information_schema.VIEWS \
                 WHERE TABLE_SCHEMA = ?",
                &db,
            )? {
                let Some(name) = text(&row, 0) else { continue };
                let tables = &schema.tables;
                let columns_of = |name: &str| {
                    tables
                        .values()
                        .find(|t| t.name.to_string() == name)
                        .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                };
                let definition =
                    view_definition(&db, &text(&row, 1).unwrap_or_default(), &columns_of);
                let qname = QName::new(name);
                schema.views.insert(
                    qname.clone(),
                    View {
                        name: qname,
                        materialized: false,
                        definition,
                        columns: Vec::new(),
                        check_option: text(&row, 2)
                            .map(|o| o.to_ascii_lowercase())
                            .filter(|o| o != "none"),
                        indexes: Vec::new(),
                        comment: None,
                    },
                );
            }
        }

        Ok(schema)
    }
}
