//! MySQL and MariaDB: introspection through information_schema, statement execution and
//! scratch databases.
//!
//! The introspected database is the one the URL names; its objects get `QName.schema = None`.
//! Every object kind is read with one query for the whole database, so large schemas cost a
//! handful of round trips. MariaDB and MySQL 8 differ in a few information_schema details
//! (quoting of string defaults, where a check constraint's table is found, functional index
//! parts, JSON stored as `longtext` with a `json_valid` check); those are handled here so the
//! result matches what the DDL parser produces for the same DDL.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Row, Value};

use crate::error::{Error, Result, redact_url};
use crate::model::{
    CheckConstraint, Column, DefaultValue, Dialect, FkAction, ForeignKey, Generated, Index,
    IndexKey, IndexPart, LobSize, PrimaryKey, QName, Schema, Table, Type, View,
};
use crate::normalize;

const D: Dialect = Dialect::Mysql;

/// A connection to one MySQL or MariaDB database.
pub struct MysqlDb {
    conn: Conn,
    /// The URL as given (never printed without `redact_url`).
    url: String,
    /// The database the URL names, if any.
    database: Option<String>,
    /// Cached `SELECT VERSION()`.
    version: Option<String>,
}

impl MysqlDb {
    /// Open a connection from a `mysql://` or `mariadb://` URL.
    pub fn connect(url: &str) -> Result<MysqlDb> {
        let (conn, database) = open(url)?;
        Ok(MysqlDb {
            conn,
            url: url.to_string(),
            database,
            version: None,
        })
    }

    fn fail(&self, what: &str, e: impl std::fmt::Display) -> Error {
        fail(&self.url, what, e)
    }

    fn version(&mut self) -> Result<String> {
        if let Some(v) = &self.version {
            return Ok(v.clone());
        }
        let v: Option<String> = self
            .conn
            .query_first("SELECT VERSION()")
            .map_err(|e| fail(&self.url, "reading the server version", e))?;
        let v = v.unwrap_or_default();
        self.version = Some(v.clone());
        Ok(v)
    }

    /// Rows of a query with the database name as its only parameter.
    fn rows(&mut self, what: &str, sql: &str, db: &str) -> Result<Vec<Row>> {
        self.conn
            .exec(sql, (db,))
            .map_err(|e| fail(&self.url, &format!("reading {what}"), e))
    }

    /// Which optional information_schema columns this server has.
    fn probe_columns(&mut self) -> Result<HashSet<(String, String)>> {
        let rows: Vec<Row> = self
            .conn
            .query(
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'information_schema' \
                 AND TABLE_NAME IN ('STATISTICS', 'CHECK_CONSTRAINTS')",
            )
            .map_err(|e| self.fail("probing information_schema", e))?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    text(r, 0).unwrap_or_default().to_ascii_uppercase(),
                    text(r, 1).unwrap_or_default().to_ascii_uppercase(),
                )
            })
            .collect())
    }
}

/// Connect with the driver; returns the connection and the database the URL names.
fn open(url: &str) -> Result<(Conn, Option<String>)> {
    let driver_url = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_string(),
    };
    if !driver_url.starts_with("mysql://") {
        return Err(Error::database(
            url,
            "not a MySQL URL (expected mysql:// or mariadb://)",
        ));
    }
    let opts = Opts::from_url(&driver_url).map_err(|e| fail(url, "invalid MySQL URL", e))?;
    let database = opts
        .get_db_name()
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    let opts = OptsBuilder::from_opts(opts).tcp_connect_timeout(Some(Duration::from_secs(15)));
    let conn = Conn::new(opts).map_err(|e| fail(url, "could not connect", e))?;
    Ok((conn, database))
}

/// A database error whose message cannot leak the URL's password.
fn fail(url: &str, what: &str, e: impl std::fmt::Display) -> Error {
    let mut message = format!("{what}: {e}");
    if let Ok(parsed) = url::Url::parse(url) {
        if let Some(pass) = parsed.password() {
            let decoded = percent_decode(pass);
            for secret in [pass.to_string(), decoded] {
                if secret.len() >= 3 {
                    message = message.replace(&secret, "***");
                }
            }
        }
    }
    Error::database(url, message)
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A cell as text (information_schema values arrive as bytes or numbers).
fn text(row: &Row, index: usize) -> Option<String> {
    match row.as_ref(index)? {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        Value::Float(n) => Some(n.to_string()),
        Value::Double(n) => Some(n.to_string()),
        other => Some(other.as_sql(true)),
    }
}

fn number(row: &Row, index: usize) -> Option<u64> {
    text(row, index).and_then(|t| t.trim().parse().ok())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn quote(name: &str) -> String {
    normalize::quote_ident(D, name)
}

fn fk_action(rule: &str) -> FkAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        // InnoDB treats NO ACTION exactly like RESTRICT.
        _ => FkAction::Restrict,
    }
}

/// MariaDB stores JSON as `longtext` with a column-level `CHECK (json_valid(col))` named after it.
fn is_json_check(column: &str, clause: &str) -> bool {
    normalize::expr(D, clause) == normalize::expr(D, &format!("json_valid({})", quote(column)))
}

/// The canonical default of a column from information_schema.COLUMNS.
fn column_default(
    raw: Option<String>,
    extra: &str,
    ty: &Type,
    mariadb: bool,
) -> Option<DefaultValue> {
    let raw = raw?;
    if mariadb {
        // MariaDB reports a missing default on a nullable column as the text NULL; string
        // literals come quoted, so a string default 'NULL' is still told apart.
        if raw.eq_ignore_ascii_case("null") {
            return None;
        }
        return match normalize::default_value(D, &raw, ty) {
            DefaultValue::Null => None,
            other => Some(other),
        };
    }
    // MySQL 8: literals come unquoted; expression defaults are marked DEFAULT_GENERATED.
    let generated = extra.to_ascii_lowercase().contains("default_generated");
    let sql = if generated || !needs_quotes(&raw, ty) {
        raw
    } else {
        normalize::quote_string(D, &raw)
    };
    match normalize::default_value(D, &sql, ty) {
        DefaultValue::Null => None,
        other => Some(other),
    }
}

/// Whether an unquoted MySQL 8 literal default is a string that must be quoted to parse.
fn needs_quotes(raw: &str, ty: &Type) -> bool {
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("b'") || lower.starts_with("0x") || lower.starts_with("x'") {
        return false;
    }
    let numeric_text = {
        let t = raw.trim().trim_start_matches(['-', '+']);
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '.')
    };
    let stringy = ty.is_textual() || matches!(ty, Type::InlineEnum { .. } | Type::Set { .. });
    !numeric_text || stringy
}

/// `on update current_timestamp(3)` in EXTRA → the canonical function text.
fn on_update(extra: &str, ty: &Type) -> Option<String> {
    let lower = extra.to_ascii_lowercase();
    let at = lower.find("on update ")?;
    let rest = extra[at + "on update ".len()..].trim_start();
    let function = rest.split_whitespace().next()?;
    Some(match normalize::default_value(D, function, ty) {
        DefaultValue::Function(f) | DefaultValue::Expr(f) => f,
        other => normalize::default_sql(D, &other),
    })
}

/// A view definition with the `db`. qualifiers MySQL and MariaDB add removed, in canonical form.
fn view_definition(
    db: &str,
    definition: &str,
    columns_of: &dyn Fn(&str) -> Option<Vec<String>>,
) -> String {
    let qualifier = format!("{}.", quote(db));
    let stripped = strip_outside_strings(definition, &qualifier);
    normalize::view_query(D, &stripped, columns_of)
}

/// Remove every occurrence of `needle` that is not inside a string literal.
fn strip_outside_strings(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut quote_char: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        match quote_char {
            None => {
                if rest.starts_with(needle) {
                    rest = &rest[needle.len()..];
                    continue;
                }
                if c == '\'' || c == '"' {
                    quote_char = Some(c);
                } else if c == '`' {
                    // A quoted identifier: copy it whole (it may contain the needle's text).
                    let end = find_closing_backtick(rest);
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                    continue;
                }
            }
            Some(q) => {
                if c == '\\' {
                    let mut chars = rest.chars();
                    chars.next();
                    if let Some(next) = chars.next() {
                        out.push(c);
                        out.push(next);
                        rest = &rest[c.len_utf8() + next.len_utf8()..];
                        continue;
                    }
                } else if c == q {
                    quote_char = None;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of the backtick-quoted identifier at the start of `text` (doubled backticks escape).
fn find_closing_backtick(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            if bytes.get(i + 1) == Some(&b'`') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

impl super::Database for MysqlDb {
    fn dialect(&self) -> Dialect {
        D
    }

    fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.conn
            .query_drop(sql)
            .map_err(|e| fail(&self.url, "statement failed", e))
    }

    fn introspect(&mut self) -> Result<Schema> {
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

    fn row_count(&mut self, table: &QName) -> Result<u64> {
        let sql = format!("SELECT COUNT(*) FROM {}", normalize::quote_qname(D, table));
        let count: Option<u64> = self
            .conn
            .query_first(&sql)
            .map_err(|e| fail(&self.url, &format!("counting rows of {table}"), e))?;
        Ok(count.unwrap_or(0))
    }

    fn table_sizes(&mut self) -> Result<Vec<super::TableSize>> {
        let Some(db) = self.database.clone() else {
            return Ok(Vec::new());
        };
        // TABLE_ROWS is InnoDB's estimate; sizes include indexes.
        let rows = self.rows(
            "table sizes",
            "SELECT TABLE_NAME, CAST(TABLE_ROWS AS CHAR), CAST(DATA_LENGTH + INDEX_LENGTH AS CHAR) \
             FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
            &db,
        )?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let table = QName::new(text(row, 0)?);
                let rows = text(row, 1).and_then(|t| t.parse().ok());
                let bytes = text(row, 2).and_then(|t| t.parse().ok());
                Some(super::TableSize { table, rows, bytes })
            })
            .collect())
    }

    fn server_version(&mut self) -> Result<String> {
        self.version()
    }
}

/// Create a uniquely named database on the server the URL points at; dropped with the `Scratch`.
pub fn create_scratch(server_url: &str) -> Result<super::Scratch> {
    let name = super::unique_scratch_name();
    let (mut conn, _) = open(server_url)?;
    conn.query_drop(format!(
        "CREATE DATABASE {} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        quote(&name)
    ))
    .map_err(|e| fail(server_url, "creating a scratch database", e))?;
    let mut parsed =
        url::Url::parse(server_url).map_err(|e| fail(server_url, "invalid MySQL URL", e))?;
    parsed.set_path(&format!("/{name}"));
    let url = parsed.to_string();
    let server_url = server_url.to_string();
    let cleanup = move || {
        let drop_sql = format!("DROP DATABASE IF EXISTS {}", quote(&name));
        if conn.query_drop(&drop_sql).is_err() {
            // The connection may have timed out meanwhile: try a fresh one.
            if let Ok((mut fresh, _)) = open(&server_url) {
                let _ = fresh.query_drop(&drop_sql);
            }
        }
    };
    Ok(super::Scratch::new(url, Box::new(cleanup)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::live::{Database, Scratch};

    const SERVER: &str = "mysql://root@127.0.0.1:3306/";

    /// The test server's URL, or `None` (reason printed) when it cannot be reached outside CI.
    fn server() -> Option<&'static str> {
        match MysqlDb::connect(SERVER) {
            Ok(_) => Some(SERVER),
            Err(e) => {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!("MySQL/MariaDB test server unreachable: {e}");
                }
                eprintln!("skipping: MySQL/MariaDB test server unreachable: {e}");
                None
            }
        }
    }

    /// A scratch database with the DDL applied, and its introspected schema.
    fn introspect(ddl: &str) -> Option<(Scratch, MysqlDb, Schema)> {
        let server = server()?;
        let scratch = create_scratch(server).expect("create scratch database");
        let mut db = MysqlDb::connect(&scratch.url).expect("connect to scratch database");
        db.execute(ddl).expect("apply DDL");
        let schema = db.introspect().expect("introspect");
        Some((scratch, db, schema))
    }

    fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
        schema
            .table(&QName::new(name))
            .unwrap_or_else(|| panic!("table {name} missing"))
    }

    fn col<'a>(table: &'a Table, name: &str) -> &'a Column {
        table
            .column(name)
            .unwrap_or_else(|| panic!("column {name} missing"))
    }

    fn index<'a>(table: &'a Table, name: &str) -> &'a Index {
        table
            .indexes
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("index {name} missing in {:?}", table.indexes))
    }

    fn names<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        items.collect()
    }

    fn string(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::String(s.into()))
    }

    fn num(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Number(s.into()))
    }

    fn function(s: &str) -> Option<DefaultValue> {
        Some(DefaultValue::Function(s.into()))
    }

    const COLUMNS_DDL: &str = r#"
        CREATE TABLE items (
            id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            big BIGINT NOT NULL DEFAULT -5,
            small TINYINT UNSIGNED DEFAULT 3,
            flag BOOLEAN NOT NULL DEFAULT TRUE,
            off_flag BOOL DEFAULT FALSE,
            name VARCHAR(40) NOT NULL DEFAULT 'it''s' COMMENT 'display name',
            empty_default VARCHAR(10) NOT NULL DEFAULT '',
            null_text VARCHAR(10) DEFAULT 'NULL',
            backslash VARCHAR(10) DEFAULT 'a\\b',
            plain VARCHAR(10),
            binned VARCHAR(10) COLLATE utf8mb4_bin,
            code CHAR(3),
            body MEDIUMTEXT,
            price DECIMAL(10,2) NOT NULL DEFAULT 0,
            ratio DECIMAL(5,2) DEFAULT -1.5,
            weight FLOAT DEFAULT 1.50,
            amount DOUBLE,
            qty INT NOT NULL DEFAULT 1,
            status ENUM('new','it''s','done') NOT NULL DEFAULT 'new',
            perms SET('r','w','x') DEFAULT 'r,w',
            doc JSON,
            doc2 JSON DEFAULT ('{}'),
            created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
            touched TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            maybe TIMESTAMP NULL DEFAULT NULL,
            day DATE DEFAULT (CURRENT_DATE),
            fixed_at DATETIME DEFAULT '2020-01-01 00:00:00',
            token CHAR(36) DEFAULT (uuid()),
            sum3 INT DEFAULT (1 + 2),
            yr YEAR DEFAULT 2020,
            total DECIMAL(12,2) AS (price * qty) STORED,
            total_plus DECIMAL(12,2) GENERATED ALWAYS AS (price * qty + 1) VIRTUAL,
            raw BLOB,
            bin VARBINARY(16)
        ) ENGINE=InnoDB COMMENT 'all the columns';
    "#;

    #[test]
    fn columns_types_defaults_and_options() {
        let Some((_scratch, _db, schema)) = introspect(COLUMNS_DDL) else {
            return;
        };
        let t = table(&schema, "items");
        let order: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(&order[..4], ["id", "big", "small", "flag"]);
        assert_eq!(order.len(), 34);

        let id = col(t, "id");
        assert_eq!(
            id.ty,
            Type::Integer {
                bits: 32,
                unsigned: true
            }
        );
        assert!(id.auto_increment && !id.nullable && id.default.is_none());
        assert_eq!(
            t.primary_key,
            Some(PrimaryKey {
                name: None,
                columns: vec!["id".into()]
            })
        );

        assert_eq!(col(t, "big").default, num("-5"));
        assert_eq!(
            col(t, "small").ty,
            Type::Integer {
                bits: 8,
                unsigned: true
            }
        );
        assert_eq!(col(t, "flag").ty, Type::Boolean);
        assert_eq!(col(t, "flag").default, Some(DefaultValue::Bool(true)));
        assert_eq!(col(t, "off_flag").default, Some(DefaultValue::Bool(false)));

        let name = col(t, "name");
        assert_eq!(name.ty, Type::Varchar { len: Some(40) });
        assert_eq!(name.default, string("it's"));
        assert_eq!(name.comment.as_deref(), Some("display name"));
        assert_eq!(name.collation.as_deref(), Some("utf8mb4_general_ci"));
        assert_eq!(col(t, "empty_default").default, string(""));
        assert_eq!(col(t, "null_text").default, string("NULL"));
        assert_eq!(col(t, "backslash").default, string("a\\b"));
        let plain = col(t, "plain");
        assert!(plain.nullable && plain.default.is_none() && plain.comment.is_none());
        assert_eq!(col(t, "binned").collation.as_deref(), Some("utf8mb4_bin"));
        assert_eq!(col(t, "code").ty, Type::Char { len: Some(3) });
        assert_eq!(
            col(t, "body").ty,
            Type::Text {
                size: LobSize::Medium
            }
        );

        assert_eq!(
            col(t, "price").ty,
            Type::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(col(t, "price").default, num("0"));
        assert_eq!(col(t, "price").collation, None);
        assert_eq!(col(t, "ratio").default, num("-1.5"));
        assert_eq!(col(t, "weight").ty, Type::Float { bits: 32 });
        assert_eq!(col(t, "weight").default, num("1.5"));
        assert_eq!(col(t, "amount").ty, Type::Float { bits: 64 });

        let status = col(t, "status");
        assert_eq!(
            status.ty,
            Type::InlineEnum {
                values: vec!["new".into(), "it's".into(), "done".into()]
            }
        );
        assert_eq!(status.default, string("new"));
        assert_eq!(
            col(t, "perms").ty,
            Type::Set {
                values: vec!["r".into(), "w".into(), "x".into()]
            }
        );
        assert_eq!(col(t, "perms").default, string("r,w"));

        let doc = col(t, "doc");
        assert_eq!(doc.ty, Type::Json);
        assert_eq!(doc.collation, None);
        assert_eq!(col(t, "doc2").ty, Type::Json);
        assert_eq!(col(t, "doc2").default, string("{}"));
        assert!(
            t.checks.is_empty(),
            "json_valid checks dropped: {:?}",
            t.checks
        );

        let created = col(t, "created");
        assert_eq!(created.ty, Type::Datetime { precision: Some(3) });
        assert_eq!(created.default, function("current_timestamp(3)"));
        assert_eq!(created.on_update.as_deref(), Some("current_timestamp(3)"));
        let touched = col(t, "touched");
        assert_eq!(touched.default, function("current_timestamp()"));
        assert_eq!(touched.on_update.as_deref(), Some("current_timestamp()"));
        assert_eq!(
            touched.default,
            Some(normalize::default_value(
                D,
                "CURRENT_TIMESTAMP",
                &touched.ty
            ))
        );
        assert_eq!(col(t, "maybe").default, None);
        assert!(col(t, "maybe").nullable);
        assert_eq!(col(t, "day").default, function("curdate()"));
        assert_eq!(col(t, "fixed_at").default, string("2020-01-01 00:00:00"));
        assert_eq!(col(t, "token").default, function("uuid()"));
        let sum3 = col(t, "sum3");
        assert_eq!(
            sum3.default,
            Some(normalize::default_value(D, "(1 + 2)", &sum3.ty))
        );
        assert_eq!(col(t, "yr").ty, Type::Year);
        assert_eq!(col(t, "yr").default, num("2020"));

        let total = col(t, "total");
        assert_eq!(
            total.generated,
            Some(Generated {
                expr: normalize::expr(D, "price * qty"),
                stored: true
            })
        );
        assert_eq!(total.default, None);
        assert_eq!(
            col(t, "total_plus").generated,
            Some(Generated {
                expr: normalize::expr(D, "price * qty + 1"),
                stored: false
            })
        );
        assert_eq!(
            col(t, "raw").ty,
            Type::Blob {
                size: LobSize::Regular
            }
        );
        assert_eq!(col(t, "bin").ty, Type::Varbinary { len: Some(16) });

        assert_eq!(t.comment.as_deref(), Some("all the columns"));
        assert_eq!(t.options.engine.as_deref(), Some("innodb"));
        assert_eq!(t.options.charset.as_deref(), Some("utf8mb4"));
        assert_eq!(t.options.collation.as_deref(), Some("utf8mb4_general_ci"));
        assert!(schema.enums.is_empty() && schema.sequences.is_empty());
        assert!(schema.schemas.is_empty() && schema.extensions.is_empty());
    }

    const KEYS_DDL: &str = r#"
        CREATE TABLE parents (
            id INT PRIMARY KEY,
            a INT NOT NULL,
            b INT NOT NULL,
            UNIQUE KEY uq_ab (a, b)
        ) DEFAULT CHARSET=latin1;
        CREATE TABLE children (
            id INT NOT NULL,
            part INT NOT NULL,
            parent_id INT,
            pa INT,
            pb INT,
            email VARCHAR(100),
            bio TEXT,
            score INT,
            status VARCHAR(5) CHECK (status IN ('a','b')),
            PRIMARY KEY (part, id),
            UNIQUE KEY uq_email (email),
            KEY prefix_idx (email(10), score DESC),
            FULLTEXT KEY ft_bio (bio),
            CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parents (id)
                ON DELETE CASCADE ON UPDATE SET NULL,
            FOREIGN KEY (pa, pb) REFERENCES parents (a, b) ON DELETE NO ACTION,
            CONSTRAINT positive_score CHECK (score > 0),
            CHECK (score < 100)
        );
        CREATE TABLE loose (id INT, note VARCHAR(10)) ENGINE=MyISAM;
    "#;

    #[test]
    fn keys_indexes_foreign_keys_and_checks() {
        let Some((_scratch, _db, schema)) = introspect(KEYS_DDL) else {
            return;
        };
        let parents = table(&schema, "parents");
        assert_eq!(parents.options.charset.as_deref(), Some("latin1"));
        assert_eq!(
            parents.options.collation.as_deref(),
            Some("latin1_swedish_ci")
        );
        let uq = index(parents, "uq_ab");
        assert!(uq.unique && uq.method.is_none());
        assert_eq!(uq.keys, vec![IndexKey::column("a"), IndexKey::column("b")]);
        assert!(parents.uniques.is_empty());

        let t = table(&schema, "children");
        assert_eq!(
            t.primary_key,
            Some(PrimaryKey {
                name: None,
                columns: vec!["part".into(), "id".into()]
            })
        );
        // Sorted by name; the FK indexes MariaDB/MySQL add are reported as they are.
        let index_names = names(t.indexes.iter().map(|i| i.name.as_str()));
        let mut sorted = index_names.clone();
        sorted.sort();
        assert_eq!(index_names, sorted);
        assert!(index_names.contains(&"fk_parent"), "{index_names:?}");
        assert!(index_names.contains(&"pa"), "{index_names:?}");

        let email = index(t, "uq_email");
        assert!(email.unique);
        assert_eq!(email.keys, vec![IndexKey::column("email")]);
        let prefix = index(t, "prefix_idx");
        assert!(!prefix.unique && prefix.method.is_none());
        assert_eq!(prefix.keys[0].length, Some(10));
        assert!(!prefix.keys[0].desc);
        assert_eq!(prefix.keys[1].part, IndexPart::Column("score".into()));
        assert_eq!(prefix.keys[1].length, None);
        assert!(prefix.keys[1].desc);
        assert_eq!(index(t, "ft_bio").method.as_deref(), Some("fulltext"));
        assert!(t.uniques.is_empty());

        let fk_names = names(t.foreign_keys.iter().filter_map(|f| f.name.as_deref()));
        assert_eq!(fk_names, ["children_ibfk_1", "fk_parent"]);
        let composite = &t.foreign_keys[0];
        assert_eq!(composite.columns, ["pa", "pb"]);
        assert_eq!(composite.ref_table, QName::new("parents"));
        assert_eq!(composite.ref_columns, ["a", "b"]);
        assert_eq!(composite.on_delete, FkAction::Restrict);
        assert_eq!(composite.on_update, FkAction::Restrict);
        let parent = &t.foreign_keys[1];
        assert_eq!(parent.columns, ["parent_id"]);
        assert_eq!(parent.ref_columns, ["id"]);
        assert_eq!(parent.on_delete, FkAction::Cascade);
        assert_eq!(parent.on_update, FkAction::SetNull);

        let checks: Vec<(Option<&str>, &str)> = t
            .checks
            .iter()
            .map(|c| (c.name.as_deref(), c.expr.as_str()))
            .collect();
        let written = |e: &str| normalize::expr(D, e);
        assert_eq!(
            checks,
            [
                (Some("CONSTRAINT_1"), written("score < 100").as_str()),
                (Some("positive_score"), written("score > 0").as_str()),
                (Some("status"), written("status IN ('a', 'b')").as_str()),
            ]
        );

        let loose = table(&schema, "loose");
        assert_eq!(loose.primary_key, None);
        assert!(loose.indexes.is_empty());
        assert_eq!(loose.options.engine.as_deref(), Some("myisam"));
    }

    #[test]
    fn views_lose_database_qualifiers() {
        let ddl = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10), qty INT);
                   CREATE VIEW v AS SELECT id, name AS label FROM t WHERE qty > 0;
                   CREATE VIEW star AS SELECT * FROM t;";
        let Some((scratch, _db, schema)) = introspect(ddl) else {
            return;
        };
        let none = |_: &str| None;
        let v = &schema.views[&QName::new("v")];
        assert!(!v.materialized);
        assert_eq!(
            v.definition,
            normalize::view_query(D, "SELECT id, name AS label FROM t WHERE qty > 0", &none)
        );
        let db_name = scratch.url.rsplit('/').next().unwrap().to_string();
        assert!(!v.definition.contains(&db_name), "{}", v.definition);
        let star = &schema.views[&QName::new("star")];
        assert_eq!(
            star.definition,
            normalize::view_query(D, "SELECT id, name, qty FROM t", &none)
        );
        assert!(!schema.tables.contains_key(&QName::new("v")));
    }

    #[test]
    fn row_count_version_and_scratch_lifecycle() {
        let Some(server) = server() else {
            return;
        };
        let scratch = create_scratch(server).expect("create scratch");
        let name = scratch.url.rsplit('/').next().unwrap().to_string();
        assert!(name.starts_with("migen_scratch_"));
        // The mariadb:// scheme works as well.
        let url = scratch.url.replacen("mysql://", "mariadb://", 1);
        let mut db = MysqlDb::connect(&url).expect("connect via mariadb://");
        assert_eq!(db.dialect(), Dialect::Mysql);
        db.execute("CREATE TABLE `we``ird` (id INT); INSERT INTO `we``ird` VALUES (1), (2), (3);")
            .unwrap();
        assert_eq!(db.row_count(&QName::new("we`ird")).unwrap(), 3);
        let version = db.server_version().unwrap();
        assert!(
            version.chars().next().unwrap().is_ascii_digit(),
            "{version}"
        );
        let err = db.execute("SELECT * FROM missing_table").unwrap_err();
        assert!(matches!(err, Error::Database { .. }), "{err}");
        drop(db);
        drop(scratch);
        let mut server_db = MysqlDb::connect(server).unwrap();
        let left: Option<String> = server_db
            .conn
            .exec_first(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                (name,),
            )
            .unwrap();
        assert_eq!(left, None, "scratch database dropped");
    }

    #[test]
    fn introspection_needs_a_database_in_the_url() {
        let Some(server) = server() else {
            return;
        };
        let mut db = MysqlDb::connect(server).unwrap();
        let err = db.introspect().unwrap_err();
        assert!(matches!(err, Error::Database { .. }));
        assert!(err.to_string().contains("names no database"), "{err}");
    }

    #[test]
    fn connection_failure_is_a_redacted_database_error() {
        let url = "mysql://root:secret@127.0.0.1:1/x";
        let err = match MysqlDb::connect(url) {
            Ok(_) => panic!("connected to port 1"),
            Err(e) => e,
        };
        assert!(matches!(err, Error::Database { .. }), "{err:?}");
        let text = format!("{err} {err:?}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("127.0.0.1:1"), "{text}");
        assert!(create_scratch(url).is_err());
    }

    /// The names MariaDB gives unnamed constraints and indexes, which the DDL parser emulates.
    #[test]
    fn mariadb_implicit_names() {
        let ddl = r#"
            CREATE TABLE p (id INT PRIMARY KEY, a INT, b INT, UNIQUE KEY (a, b));
            CREATE TABLE c (
                id INT PRIMARY KEY, pid INT, pa INT, pb INT,
                x INT CHECK (x > 0), y INT,
                FOREIGN KEY (pid) REFERENCES p (id),
                FOREIGN KEY (pa, pb) REFERENCES p (a, b),
                CHECK (y < 10), CHECK (y > -10),
                UNIQUE (y), KEY (y), INDEX (x, y), UNIQUE KEY (x)
            );
            CREATE TABLE covered (
                id INT PRIMARY KEY, pid INT, z INT,
                CONSTRAINT fk_cov FOREIGN KEY (pid) REFERENCES p (id),
                KEY k (pid, z)
            );
            CREATE TABLE clash (id INT PRIMARY KEY, pid INT, z INT, KEY pid (z),
                FOREIGN KEY (pid) REFERENCES p (id));
            ALTER TABLE c ADD CHECK (x < 1000), ADD FOREIGN KEY (x) REFERENCES p (id),
                ADD UNIQUE (pid);
        "#;
        let Some((_scratch, mut db, schema)) = introspect(ddl) else {
            return;
        };
        if !db.server_version().unwrap().contains("MariaDB") {
            return;
        }
        let c = table(&schema, "c");
        assert_eq!(
            names(c.indexes.iter().map(|i| i.name.as_str())),
            ["pa", "pid", "x", "x_2", "y", "y_2"]
        );
        assert_eq!(index(c, "x").keys.len(), 2);
        assert!(index(c, "x_2").unique && index(c, "y").unique && !index(c, "y_2").unique);
        // ADD UNIQUE (pid) replaced the index generated for the FK on pid, and took its name.
        assert!(index(c, "pid").unique);
        assert_eq!(
            names(c.foreign_keys.iter().filter_map(|f| f.name.as_deref())),
            ["c_ibfk_1", "c_ibfk_2", "c_ibfk_3"]
        );
        assert_eq!(
            names(c.checks.iter().filter_map(|f| f.name.as_deref())),
            ["CONSTRAINT_1", "CONSTRAINT_2", "CONSTRAINT_3", "x"]
        );
        let covered = table(&schema, "covered");
        assert_eq!(
            names(covered.indexes.iter().map(|i| i.name.as_str())),
            ["k"]
        );
        let clash = table(&schema, "clash");
        assert_eq!(
            names(clash.indexes.iter().map(|i| i.name.as_str())),
            ["pid", "pid_2"]
        );
    }

    #[test]
    fn mysql8_style_defaults() {
        let varchar = Type::Varchar { len: Some(10) };
        let dec = Type::Decimal {
            precision: Some(10),
            scale: Some(2),
        };
        let ts = Type::Timestamp {
            tz: false,
            precision: None,
        };
        let enum_ty = Type::InlineEnum {
            values: vec!["1".into(), "b".into()],
        };
        let d =
            |raw: &str, extra: &str, ty: &Type| column_default(Some(raw.into()), extra, ty, false);
        assert_eq!(d("it's", "", &varchar), string("it's"));
        assert_eq!(d("", "", &varchar), string(""));
        assert_eq!(d("5", "", &varchar), string("5"));
        assert_eq!(d("0.00", "", &dec), num("0"));
        assert_eq!(d("1", "", &Type::Boolean), Some(DefaultValue::Bool(true)));
        assert_eq!(d("1", "", &enum_ty), string("1"));
        assert_eq!(
            d("CURRENT_TIMESTAMP", "DEFAULT_GENERATED", &ts),
            function("current_timestamp()")
        );
        assert_eq!(
            d("uuid()", "DEFAULT_GENERATED", &varchar),
            function("uuid()")
        );
        assert_eq!(column_default(None, "", &varchar, false), None);
        // MariaDB spelling of the same defaults.
        let m = |raw: &str, ty: &Type| column_default(Some(raw.into()), "", ty, true);
        assert_eq!(m("'it''s'", &varchar), string("it's"));
        assert_eq!(m("NULL", &varchar), None);
        assert_eq!(m("'NULL'", &varchar), string("NULL"));
        assert_eq!(
            m("current_timestamp()", &ts),
            function("current_timestamp()")
        );
    }

    #[test]
    fn on_update_from_extra() {
        let ts = Type::Timestamp {
            tz: false,
            precision: None,
        };
        let dt3 = Type::Datetime { precision: Some(3) };
        assert_eq!(
            on_update("on update current_timestamp()", &ts).as_deref(),
            Some("current_timestamp()")
        );
        assert_eq!(
            on_update("DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)", &dt3).as_deref(),
            Some("current_timestamp(3)")
        );
        assert_eq!(
            on_update("on update CURRENT_TIMESTAMP INVISIBLE", &ts).as_deref(),
            Some("current_timestamp()")
        );
        assert_eq!(on_update("auto_increment", &ts), None);
    }

    #[test]
    fn view_qualifiers_stripped_outside_literals() {
        assert_eq!(
            strip_outside_strings(
                "select `db`.`t`.`a` from `db`.`t` where x = '`db`.'",
                "`db`."
            ),
            "select `t`.`a` from `t` where x = '`db`.'"
        );
        assert_eq!(
            strip_outside_strings("select `x``db`.`a`", "`db`."),
            "select `x``db`.`a`"
        );
    }
}
