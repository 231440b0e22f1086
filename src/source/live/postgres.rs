//! PostgreSQL backend: connection, statement execution, scratch databases and catalog
//! introspection into the canonical model.
//!
//! Introspection runs one catalog query per object kind for the whole database inside a
//! read-only, repeatable-read transaction with `search_path` set to `public` only, so the
//! deparsed text PostgreSQL returns (`pg_get_expr`, `format_type`, …) qualifies exactly
//! the names that live outside `public`, as the model's `QName { schema: None }` expects.

use std::collections::HashMap;
use std::time::Duration;

use postgres::{Client, IsolationLevel, NoTls};

use crate::error::{Error, Result, redact_url};
use crate::model::IdentityOptions;
use crate::model::{
    CheckConstraint, Column, DefaultValue, Dialect, EnumType, Extension, FkAction, ForeignKey,
    Generated, Identity, Index, IndexKey, IndexPart, PrimaryKey, QName, Schema, Sequence, Table,
    Type, UniqueConstraint, View,
};
use crate::normalize;

const PG: Dialect = Dialect::Postgres;

/// A live PostgreSQL database.
pub struct PostgresDb {
    client: Client,
    url: String,
}

impl PostgresDb {
    /// Connect to a `postgres://` or `postgresql://` URL.
    pub fn connect(url: &str) -> Result<PostgresDb> {
        let client = open(url)?;
        Ok(PostgresDb {
            client,
            url: url.to_string(),
        })
    }
}

impl super::Database for PostgresDb {
    fn dialect(&self) -> Dialect {
        PG
    }

    fn display_url(&self) -> String {
        redact_url(&self.url)
    }

    fn execute(&mut self, sql: &str) -> Result<()> {
        self.client
            .batch_execute(sql)
            .map_err(|e| Error::database(&self.url, describe(&e)))
    }

    fn introspect(&mut self) -> Result<Schema> {
        introspect_client(&mut self.client, &self.url)
    }

    fn row_count(&mut self, table: &QName) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", quote_qname_always(table));
        let row = self.client.query_one(sql.as_str(), &[]).map_err(|e| {
            Error::database(
                &self.url,
                format!("cannot count rows of {table}: {}", describe(&e)),
            )
        })?;
        let count: i64 = row.get(0);
        Ok(count.max(0) as u64)
    }

    fn table_sizes(&mut self) -> Result<Vec<super::TableSize>> {
        // reltuples is the planner's estimate; -1 (never analysed) is unknown, except that a
        // table of a few pages is counted exactly, which costs nothing.
        let sql = format!(
            "SELECT n.nspname::text, c.relname::text, c.reltuples::float8, pg_total_relation_size(c.oid)::int8
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND {USER_NAMESPACE}"
        );
        let rows = self.client.query(sql.as_str(), &[]).map_err(|e| {
            Error::database(
                &self.url,
                format!("cannot read table sizes: {}", describe(&e)),
            )
        })?;
        let mut sizes = Vec::new();
        for row in rows {
            let table = qname(&row.get::<_, String>(0), &row.get::<_, String>(1));
            let estimate: f64 = row.get(2);
            let bytes: i64 = row.get(3);
            let rows = if estimate >= 0.0 {
                Some(estimate as u64)
            } else if bytes < 1024 * 1024 {
                Some(super::Database::row_count(self, &table)?)
            } else {
                None
            };
            sizes.push(super::TableSize {
                table,
                rows,
                bytes: Some(bytes.max(0) as u64),
            });
        }
        Ok(sizes)
    }

    fn server_version(&mut self) -> Result<String> {
        let row = self
            .client
            .query_one("SHOW server_version", &[])
            .map_err(|e| {
                Error::database(
                    &self.url,
                    format!("cannot read server version: {}", describe(&e)),
                )
            })?;
        let text: String = row.get(0);
        // `15.4 (Debian 15.4-1.pgdg120+1)` → `15.4`.
        Ok(text.split_whitespace().next().unwrap_or("").to_string())
    }
}

/// Open a client connection, with a connect timeout unless the URL sets one.
fn open(url: &str) -> Result<Client> {
    let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
        Error::database(url, format!("invalid connection URL: {}", describe(&e)))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    // The catalog queries look expensive to the planner, and JIT-compiling them costs far
    // more than running them (about 0.8 s per introspection here, against 0.05 s without).
    match config.get_options() {
        Some(options) => {
            let options = format!("{options} -c jit=off");
            config.options(&options);
        }
        None => {
            config.options("-c jit=off");
        }
    }
    config
        .connect(NoTls)
        .map_err(|e| Error::database(url, format!("cannot connect: {}", describe(&e))))
}

/// A driver error as one line: the server's own message when there is one, else the whole cause chain.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text.push_str(&format!(" (detail: {detail})"));
        }
        if let Some(hint) = db.hint() {
            text.push_str(&format!(" (hint: {hint})"));
        }
        return text;
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn quote_ident_always(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_qname_always(name: &QName) -> String {
    match &name.schema {
        Some(schema) => format!(
            "{}.{}",
            quote_ident_always(schema),
            quote_ident_always(&name.name)
        ),
        None => quote_ident_always(&name.name),
    }
}

/// Create a uniquely named database on the server a URL points at; dropped (forcibly) with the value.
pub fn create_scratch(server_url: &str) -> Result<super::Scratch> {
    let name = super::unique_scratch_name();
    let mut parsed = url::Url::parse(server_url)
        .map_err(|e| Error::database(server_url, format!("not a valid database URL: {e}")))?;
    parsed.set_path(&format!("/{name}"));
    let scratch_url = parsed.to_string();

    let mut client = open(server_url)?;
    client
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident_always(&name)))
        .map_err(|e| {
            Error::database(
                server_url,
                format!("cannot create scratch database {name}: {}", describe(&e)),
            )
        })?;
    drop(client);

    let server_url = server_url.to_string();
    let cleanup = Box::new(move || {
        if let Ok(mut client) = open(&server_url) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident_always(&name)
            ));
        }
    });
    Ok(super::Scratch::new(scratch_url, cleanup))
}

// ---------------------------------------------------------------------------
// catalog queries

/// Namespaces that hold user objects (alias `n` for pg_namespace).
const USER_NAMESPACE: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

/// The user tables every per-table query joins against.
fn tables_cte() -> String {
    format!(
        "WITH tbl AS (
            SELECT c.oid
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {USER_NAMESPACE}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')
        )"
    )
}

fn relations_sql() -> String {
    format!(
        "SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, ds.description,
                CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass
                                    AND ds.objsubid = 0
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
         ORDER BY c.oid"
    )
}

fn columns_sql() -> String {
    format!(
        "{}
         SELECT a.attrelid::int8, a.attnum::int4, a.attname::text,
                format_type(a.atttypid, a.atttypmod),
                a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid),
                a.attidentity::text,
                a.attgenerated::text,
                CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                     THEN co.collname::text END,
                ds.description,
                t.typtype::text, tn.nspname::text, t.typname::text,
                et.typtype::text, etn.nspname::text, et.typname::text,
                idseq.seqstart, idseq.seqincrement
         FROM pg_attribute a
         JOIN tbl ON tbl.oid = a.attrelid
         JOIN pg_type t ON t.oid = a.atttypid
         JOIN pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
         LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass
                                    AND ds.objsubid = a.attnum
         LEFT JOIN LATERAL (SELECT sq.seqstart, sq.seqincrement FROM pg_depend dep
                            JOIN pg_sequence sq ON sq.seqrelid = dep.objid
                            WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass
                              AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
                              AND dep.deptype = 'i' LIMIT 1) idseq ON true
         WHERE a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attrelid, a.attnum",
        tables_cte()
    )
}

fn constraints_sql() -> String {
    format!(
        "{}
         SELECT co.conrelid::int8, co.conname::text, co.contype::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.conkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.num
                      ORDER BY k.ord),
                fn.nspname::text, fc.relname::text,
                ARRAY(SELECT a.attname::text
                      FROM unnest(co.confkey) WITH ORDINALITY AS k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.num
                      ORDER BY k.ord),
                co.confdeltype::text, co.confupdtype::text, co.condeferrable, co.condeferred,
                pg_get_constraintdef(co.oid)
         FROM pg_constraint co
         JOIN tbl ON tbl.oid = co.conrelid
         LEFT JOIN pg_class fc ON fc.oid = co.confrelid
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
         WHERE co.contype IN ('p', 'u', 'f', 'c') AND co.conparentid = 0
         ORDER BY co.conrelid, co.conname",
        tables_cte()
    )
}

fn indexes_sql() -> String {
    format!(
        "{}
         SELECT i.indrelid::int8, i.indexrelid::int8, ic.relname::text, i.indisunique,
                am.amname::text, i.indnkeyatts::int4, pg_get_expr(i.indpred, i.indrelid),
                k.pos, a.attname::text, pg_get_indexdef(i.indexrelid, k.pos, true),
                COALESCE(i.indoption[k.pos - 1], 0)::int4,
                opc.opcname::text, opc.opcdefault,
                CASE WHEN k.pos <= i.indnkeyatts AND i.indcollation[k.pos - 1] <> 0
                          AND i.indcollation[k.pos - 1] <> COALESCE(a.attcollation, 0)
                     THEN (SELECT c.collname::text FROM pg_collation c WHERE c.oid = i.indcollation[k.pos - 1])
                END
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_am am ON am.oid = ic.relam
         CROSS JOIN LATERAL generate_series(1, i.indnatts::int4) AS k(pos)
         LEFT JOIN pg_attribute a ON i.indkey[k.pos - 1] <> 0 AND a.attrelid = i.indrelid
                                 AND a.attnum = i.indkey[k.pos - 1]
         LEFT JOIN pg_opclass opc ON k.pos <= i.indnkeyatts AND opc.oid = i.indclass[k.pos - 1]
         WHERE NOT EXISTS (SELECT 1 FROM pg_constraint x
                           WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid
                             AND x.contype IN ('p', 'u', 'x'))
           AND (i.indrelid IN (SELECT oid FROM tbl)
                OR i.indrelid IN (SELECT c.oid FROM pg_class c
                                  JOIN pg_namespace n ON n.oid = c.relnamespace
                                  WHERE c.relkind = 'm' AND {USER_NAMESPACE}))
         ORDER BY i.indexrelid, k.pos",
        tables_cte()
    )
}

fn enums_sql() -> String {
    format!(
        "SELECT n.nspname::text, t.typname::text, ds.description,
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
                      ORDER BY e.enumsortorder)
         FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace
         LEFT JOIN pg_description ds ON ds.objoid = t.oid AND ds.classoid = 'pg_type'::regclass
                                    AND ds.objsubid = 0
         WHERE t.typtype = 'e' AND {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                           AND d.objid = t.oid AND d.deptype = 'e')"
    )
}

fn sequences_sql() -> String {
    format!(
        "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL),
                s.seqincrement::int8, s.seqmin::int8, s.seqmax::int8, s.seqstart::int8,
                s.seqcache::int8, s.seqcycle,
                d.deptype::text, d.refobjid::int8, d.refobjsubid::int4,
                tn.nspname::text, tc.relname::text, ta.attname::text
         FROM pg_sequence s
         JOIN pg_class c ON c.oid = s.seqrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                              AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_class tc ON tc.oid = d.refobjid
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
         LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
         WHERE {USER_NAMESPACE}
           AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass
                           AND x.objid = c.oid AND x.deptype = 'e')"
    )
}

fn schemas_sql() -> String {
    format!(
        "SELECT n.nspname::text
         FROM pg_namespace n
         WHERE {USER_NAMESPACE} AND n.nspname <> 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                           AND d.objid = n.oid AND d.deptype = 'e')"
    )
}

const EXTENSIONS_SQL: &str = "SELECT e.extname::text, n.nspname::text
     FROM pg_extension e
     JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname <> 'plpgsql'";

// ---------------------------------------------------------------------------
// introspection

fn qname(schema: &str, name: &str) -> QName {
    QName {
        schema: if normalize::is_default_schema(PG, schema) {
            None
        } else {
            Some(schema.to_string())
        },
        name: name.to_string(),
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// `CHECK ((price > 0)) NO INHERIT NOT VALID` → `(price > 0)`.
fn check_body(def: &str) -> &str {
    let mut text = def.trim();
    text = text.strip_suffix(" NOT VALID").unwrap_or(text).trim_end();
    text = text.strip_suffix(" NO INHERIT").unwrap_or(text).trim_end();
    if let Some(rest) = text.strip_prefix("CHECK ") {
        let rest = rest.trim();
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return inner.trim();
        }
        return rest;
    }
    text
}

/// Read the whole schema of the database a client is connected to.
pub fn introspect_client(client: &mut Client, url: &str) -> Result<Schema> {
    let fail = |what: &str, e: postgres::Error| {
        Error::database(
            url,
            format!("cannot read {what} from the catalog: {}", describe(&e)),
        )
    };
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| fail("the schema", e))?;
    // Deparsed expressions qualify every name outside the search path: with only `public`
    // on it, they name objects exactly the way the model does.
    // Constants folded into stored expressions (timestamptz, intervals, floats) print
    // through these settings; fix them so the text does not depend on the session.
    tx.batch_execute(
        "SET LOCAL search_path TO public; SET LOCAL TimeZone TO 'UTC'; \
         SET LOCAL DateStyle TO 'ISO, MDY'; SET LOCAL IntervalStyle TO 'postgres'; \
         SET LOCAL extra_float_digits TO 1",
    )
    .map_err(|e| fail("the schema", e))?;

    let mut schema = Schema::empty(PG);

    for row in tx
        .query(schemas_sql().as_str(), &[])
        .map_err(|e| fail("schemas", e))?
    {
        schema.schemas.insert(row.get(0));
    }

    for row in tx
        .query(EXTENSIONS_SQL, &[])
        .map_err(|e| fail("extensions", e))?
    {
        let name: String = row.get(0);
        let namespace: String = row.get(1);
        let ext = Extension {
            name: name.clone(),
            schema: qname(&namespace, "").schema,
        };
        schema.extensions.insert(name, ext);
    }

    // Tables and views.
    let mut table_names: HashMap<i64, QName> = HashMap::new();
    let mut views: Vec<View> = Vec::new();
    let mut view_oids: HashMap<i64, usize> = HashMap::new();
    let mut tables: HashMap<i64, Table> = HashMap::new();
    for row in tx
        .query(relations_sql().as_str(), &[])
        .map_err(|e| fail("tables", e))?
    {
        let oid: i64 = row.get(0);
        let namespace: String = row.get(1);
        let relname: String = row.get(2);
        let relkind: String = row.get(3);
        let comment = non_empty(row.get(4));
        let name = qname(&namespace, &relname);
        match relkind.as_str() {
            "v" | "m" => {
                let definition: Option<String> = row.get(5);
                view_oids.insert(oid, views.len());
                views.push(View {
                    name,
                    materialized: relkind == "m",
                    definition: definition.unwrap_or_default(),
                    columns: Vec::new(),
                    check_option: None,
                    indexes: Vec::new(),
                    comment,
                });
            }
            _ => {
                let mut table = Table::new(name.clone());
                table.comment = comment;
                table_names.insert(oid, name);
                tables.insert(oid, table);
            }
        }
    }

    // Columns. Remember which sequence each column's default draws from, to recognise serials.
    let mut nextval_of: HashMap<(i64, i32), QName> = HashMap::new();
    for row in tx
        .query(columns_sql().as_str(), &[])
        .map_err(|e| fail("columns", e))?
    {
        let oid: i64 = row.get(0);
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let attnum: i32 = row.get(1);
        let name: String = row.get(2);
        let type_text: String = row.get(3);
        let not_null: bool = row.get(4);
        let default_text: Option<String> = row.get(5);
        let identity: String = row.get(6);
        let generated: String = row.get(7);
        let collation: Option<String> = row.get(8);
        let comment = non_empty(row.get(9));
        let typtype: String = row.get(10);
        let type_namespace: String = row.get(11);
        let type_name: String = row.get(12);
        let elem_typtype: Option<String> = row.get(13);
        let elem_namespace: Option<String> = row.get(14);
        let elem_name: Option<String> = row.get(15);

        let ty = if typtype == "e" {
            Type::Enum {
                name: qname(&type_namespace, &type_name),
            }
        } else if let (Some("e"), Some(ns), Some(elem)) = (
            elem_typtype.as_deref(),
            elem_namespace.as_deref(),
            elem_name.as_deref(),
        ) {
            Type::Array {
                element: Box::new(Type::Enum {
                    name: qname(ns, elem),
                }),
            }
        } else {
            normalize::parse_type(PG, &type_text)
        };

        let mut column = Column::new(name, ty);
        column.nullable = !not_null;
        column.collation = collation;
        column.comment = comment;
        column.identity = match identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        if column.identity.is_some() {
            let start: Option<i64> = row.get(16);
            let increment: Option<i64> = row.get(17);
            column.identity_options = IdentityOptions::non_default(start, increment);
        }
        if generated == "s" {
            column.generated = default_text.as_deref().map(|text| Generated {
                expr: normalize::expr(PG, text),
                stored: true,
            });
        } else if column.identity.is_none() {
            if let Some(text) = default_text.as_deref() {
                match normalize::default_value(PG, text, &column.ty) {
                    DefaultValue::Null => {}
                    value => {
                        if let DefaultValue::Sequence(seq) = &value {
                            nextval_of.insert((oid, attnum), seq.clone());
                        }
                        column.default = Some(value);
                    }
                }
            }
        }
        table.columns.push(column);
    }

    // Constraints.
    for row in tx
        .query(constraints_sql().as_str(), &[])
        .map_err(|e| fail("constraints", e))?
    {
        let oid: i64 = row.get(0);
        let Some(table) = tables.get_mut(&oid) else {
            continue;
        };
        let name: String = row.get(1);
        let contype: String = row.get(2);
        let columns: Vec<String> = row.get(3);
        match contype.as_str() {
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                })
            }
            "u" => table.uniques.push(UniqueConstraint {
                name: Some(name),
                columns,
            }),
            "f" => {
                let ref_namespace: Option<String> = row.get(4);
                let ref_name: Option<String> = row.get(5);
                let ref_columns: Vec<String> = row.get(6);
                let on_delete: String = row.get(7);
                let on_update: String = row.get(8);
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns,
                    ref_table: qname(
                        ref_namespace.as_deref().unwrap_or("public"),
                        ref_name.as_deref().unwrap_or(""),
                    ),
                    ref_columns,
                    on_delete: fk_action(&on_delete),
                    on_update: fk_action(&on_update),
                    deferrable: row.get(9),
                    initially_deferred: row.get(10),
                });
            }
            "c" => {
                let def: String = row.get(11);
                table.checks.push(CheckConstraint {
                    name: Some(name),
                    expr: normalize::expr(PG, check_body(&def)),
                });
            }
            _ => {}
        }
    }

    // Indexes not backing a constraint, one row per index column.
    let mut index_order: Vec<(i64, i64)> = Vec::new();
    let mut indexes: HashMap<i64, Index> = HashMap::new();
    for row in tx
        .query(indexes_sql().as_str(), &[])
        .map_err(|e| fail("indexes", e))?
    {
        let table_oid: i64 = row.get(0);
        if !tables.contains_key(&table_oid) && !view_oids.contains_key(&table_oid) {
            continue;
        }
        let index_oid: i64 = row.get(1);
        let key_count: i32 = row.get(5);
        let index = indexes.entry(index_oid).or_insert_with(|| {
            index_order.push((table_oid, index_oid));
            let method: String = row.get(4);
            let predicate: Option<String> = row.get(6);
            Index {
                name: row.get(2),
                unique: row.get(3),
                keys: Vec::new(),
                method: (method != "btree").then_some(method),
                predicate: predicate.map(|p| normalize::expr(PG, &p)),
                include: Vec::new(),
            }
        });
        let position: i32 = row.get(7);
        let column: Option<String> = row.get(8);
        if position > key_count {
            if let Some(column) = column {
                index.include.push(column);
            }
            continue;
        }
        // A key collated differently from its column is written `col COLLATE "x"` in DDL.
        let key_collation: Option<String> = row.get(13);
        let part = match (column, key_collation) {
            (Some(column), Some(collation)) => IndexPart::Expr(normalize::expr(
                PG,
                &format!(
                    "{} COLLATE \"{}\"",
                    normalize::quote_ident(PG, &column),
                    collation.replace('"', "\"\"")
                ),
            )),
            (Some(column), None) => IndexPart::Column(column),
            (None, _) => {
                let text: String = row.get(9);
                IndexPart::Expr(normalize::expr(PG, &text))
            }
        };
        let option: i32 = row.get(10);
        let desc = option & 1 != 0;
        let nulls_first = option & 2 != 0;
        let opclass: Option<String> = row.get(11);
        let opclass_default: Option<bool> = row.get(12);
        index.keys.push(IndexKey {
            part,
            desc,
            nulls_first: (nulls_first != desc).then_some(nulls_first),
            length: None,
            opclass: opclass.filter(|_| opclass_default == Some(false)),
        });
    }
    for (table_oid, index_oid) in index_order {
        let Some(index) = indexes.remove(&index_oid) else {
            continue;
        };
        if let Some(table) = tables.get_mut(&table_oid) {
            table.indexes.push(index);
        } else if let Some(&view) = view_oids.get(&table_oid) {
            views[view].indexes.push(index);
        }
    }

    // Enums.
    for row in tx
        .query(enums_sql().as_str(), &[])
        .map_err(|e| fail("enum types", e))?
    {
        let namespace: String = row.get(0);
        let name = qname(&namespace, &row.get::<_, String>(1));
        schema.enums.insert(
            name.clone(),
            EnumType {
                name,
                values: row.get(3),
                comment: non_empty(row.get(2)),
            },
        );
    }

    // Sequences, except those behind serial and identity columns.
    for row in tx
        .query(sequences_sql().as_str(), &[])
        .map_err(|e| fail("sequences", e))?
    {
        let namespace: String = row.get(0);
        let name = qname(&namespace, &row.get::<_, String>(1));
        let type_text: String = row.get(2);
        let deptype: Option<String> = row.get(9);
        let owner_oid: Option<i64> = row.get(10);
        let owner_attnum: Option<i32> = row.get(11);
        let owner_namespace: Option<String> = row.get(12);
        let owner_table: Option<String> = row.get(13);
        let owner_column: Option<String> = row.get(14);
        match deptype.as_deref() {
            Some("i") => continue,
            Some("a") => {
                if let (Some(oid), Some(attnum)) = (owner_oid, owner_attnum) {
                    if nextval_of.get(&(oid, attnum)) == Some(&name) {
                        continue;
                    }
                }
            }
            _ => {}
        }
        let owned_by = match (
            deptype.as_deref(),
            owner_namespace,
            owner_table,
            owner_column,
        ) {
            (Some("a"), Some(ns), Some(table), Some(column)) => Some((qname(&ns, &table), column)),
            _ => None,
        };
        schema.sequences.insert(
            name.clone(),
            Sequence {
                name,
                data_type: normalize::parse_type(PG, &type_text),
                increment: row.get(3),
                min_value: row.get(4),
                max_value: row.get(5),
                start: row.get(6),
                cache: row.get(7),
                cycle: row.get(8),
                owned_by,
            },
        );
    }

    tx.commit().map_err(|e| fail("the schema", e))?;

    for (oid, mut table) in tables {
        table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        table.checks.sort_by(|a, b| a.name.cmp(&b.name));
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        let name = table_names
            .remove(&oid)
            .unwrap_or_else(|| table.name.clone());
        schema.tables.insert(name, table);
    }
    // The server expands `*` itself; `columns_of` only matters to DDL, but costs nothing here.
    for mut view in views {
        let tables = &schema.tables;
        view.definition = normalize::view_query(PG, &view.definition, &|name: &str| {
            tables
                .values()
                .find(|t| t.name.name == name || t.name.to_string() == name)
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
        });
        schema.views.insert(view.name.clone(), view);
    }
    schema.canonicalize();
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::LobSize;
    use crate::source::live::Database;

    const SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

    /// The test server, or `None` (test skipped) when it cannot be reached outside CI.
    fn server() -> Option<&'static str> {
        match PostgresDb::connect(SERVER) {
            Ok(_) => Some(SERVER),
            Err(e) => {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!("PostgreSQL test server unreachable: {e}");
                }
                eprintln!("skipping PostgreSQL test, server unreachable: {e}");
                None
            }
        }
    }

    /// Apply DDL to a fresh scratch database and introspect it.
    fn introspect_ddl(ddl: &str) -> Option<Schema> {
        let server = server()?;
        let scratch = create_scratch(server).expect("create scratch database");
        let mut db = PostgresDb::connect(&scratch.url).expect("connect to scratch database");
        db.execute(ddl).expect("apply DDL");
        let schema = db.introspect().expect("introspect");
        drop(db);
        drop(scratch);
        Some(schema)
    }

    fn extension_available(name: &str) -> bool {
        let Some(server) = server() else { return false };
        let mut client = open(server).unwrap();
        client
            .query_opt(
                "SELECT 1 FROM pg_available_extensions WHERE name = $1",
                &[&name],
            )
            .unwrap()
            .is_some()
    }

    fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
        schema
            .tables
            .get(&QName::new(name))
            .unwrap_or_else(|| panic!("table {name} missing: {:?}", schema.tables.keys()))
    }

    fn column<'a>(table: &'a Table, name: &str) -> &'a Column {
        table
            .column(name)
            .unwrap_or_else(|| panic!("column {name} missing from {}", table.name))
    }

    #[test]
    fn columns_types_and_defaults() {
        let Some(schema) = introspect_ddl(
            r#"
            CREATE TABLE items (
                id serial PRIMARY KEY,
                name varchar(20) NOT NULL DEFAULT 'x',
                code char(3) COLLATE "C",
                price numeric(10,2) DEFAULT 0.50,
                qty integer DEFAULT -1,
                ratio double precision,
                small smallint DEFAULT '7',
                created timestamptz DEFAULT now(),
                stamp timestamp(3) without time zone,
                flag boolean NOT NULL DEFAULT true,
                tags text[] DEFAULT '{}',
                data jsonb DEFAULT '{}'::jsonb,
                uid uuid,
                addr inet,
                nothing text DEFAULT NULL,
                total integer GENERATED ALWAYS AS (qty * 2) STORED
            );
            CREATE TABLE ident (
                a bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                b integer GENERATED BY DEFAULT AS IDENTITY,
                c bigserial
            );
            "#,
        ) else {
            return;
        };
        let items = table(&schema, "items");
        assert_eq!(items.name, QName::new("items"));
        let names: Vec<&str> = items.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id", "name", "code", "price", "qty", "ratio", "small", "created", "stamp", "flag",
                "tags", "data", "uid", "addr", "nothing", "total"
            ]
        );

        let id = column(items, "id");
        assert_eq!(
            id.ty,
            Type::Integer {
                bits: 32,
                unsigned: false
            }
        );
        assert!(!id.nullable);
        assert_eq!(
            id.default,
            Some(DefaultValue::Sequence(QName::new("items_id_seq")))
        );

        let name = column(items, "name");
        assert_eq!(name.ty, Type::Varchar { len: Some(20) });
        assert!(!name.nullable);
        assert_eq!(name.default, Some(DefaultValue::String("x".into())));
        assert_eq!(
            name.default,
            Some(normalize::default_value(PG, "'x'", &name.ty))
        );

        let code = column(items, "code");
        assert_eq!(code.ty, Type::Char { len: Some(3) });
        assert_eq!(code.collation.as_deref(), Some("C"));
        assert_eq!(name.collation, None);

        let price = column(items, "price");
        assert_eq!(
            price.ty,
            Type::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(price.default, Some(DefaultValue::Number("0.5".into())));
        assert_eq!(
            column(items, "qty").default,
            Some(DefaultValue::Number("-1".into()))
        );
        assert_eq!(column(items, "ratio").ty, Type::Float { bits: 64 });
        assert_eq!(
            column(items, "small").default,
            Some(DefaultValue::Number("7".into()))
        );
        assert_eq!(
            column(items, "created").ty,
            Type::Timestamp {
                tz: true,
                precision: None
            }
        );
        assert_eq!(
            column(items, "created").default,
            Some(DefaultValue::Function("now()".into()))
        );
        assert_eq!(
            column(items, "stamp").ty,
            Type::Timestamp {
                tz: false,
                precision: Some(3)
            }
        );
        assert_eq!(
            column(items, "flag").default,
            Some(DefaultValue::Bool(true))
        );
        assert_eq!(
            column(items, "tags").ty,
            Type::Array {
                element: Box::new(Type::Text {
                    size: LobSize::Regular
                })
            }
        );
        assert_eq!(
            column(items, "tags").default,
            Some(normalize::default_value(
                PG,
                "'{}'",
                &column(items, "tags").ty
            ))
        );
        assert_eq!(column(items, "data").ty, Type::Jsonb);
        assert_eq!(
            column(items, "data").default,
            Some(DefaultValue::String("{}".into()))
        );
        assert_eq!(column(items, "uid").ty, Type::Uuid);
        assert_eq!(
            column(items, "addr").ty,
            Type::Custom {
                name: "inet".into()
            }
        );
        assert_eq!(column(items, "nothing").default, None);

        let total = column(items, "total");
        assert_eq!(total.default, None);
        assert_eq!(
            total.generated,
            Some(Generated {
                expr: normalize::expr(PG, "qty * 2"),
                stored: true
            })
        );

        let ident = table(&schema, "ident");
        let a = column(ident, "a");
        assert_eq!(a.identity, Some(Identity::Always));
        assert_eq!(a.default, None);
        assert_eq!(
            a.ty,
            Type::Integer {
                bits: 64,
                unsigned: false
            }
        );
        assert_eq!(column(ident, "b").identity, Some(Identity::ByDefault));
        assert_eq!(
            column(ident, "c").default,
            Some(DefaultValue::Sequence(QName::new("ident_c_seq")))
        );

        // Serial and identity sequences are part of their columns.
        assert!(schema.sequences.is_empty(), "{:?}", schema.sequences);
        assert_eq!(
            items.primary_key,
            Some(PrimaryKey {
                name: Some("items_pkey".into()),
                columns: vec!["id".into()]
            })
        );
    }

    #[test]
    fn constraints() {
        let Some(schema) = introspect_ddl(
            r#"
            CREATE TABLE parents (a integer, b integer, code text UNIQUE, PRIMARY KEY (b, a));
            CREATE TABLE children (
                id integer PRIMARY KEY,
                pa integer,
                pb integer,
                code text,
                price numeric(8,2),
                status varchar(10),
                CONSTRAINT children_parent_fk FOREIGN KEY (pb, pa) REFERENCES parents (b, a)
                    ON DELETE CASCADE ON UPDATE SET NULL,
                CONSTRAINT children_code_fk FOREIGN KEY (code) REFERENCES parents (code)
                    ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
                CONSTRAINT z_unique UNIQUE (pa, pb),
                CONSTRAINT a_unique UNIQUE (code),
                CONSTRAINT price_positive CHECK (price > 0),
                CONSTRAINT a_status CHECK (status IN ('a', 'b') AND price BETWEEN 1 AND 10)
            );
            ALTER TABLE children ADD CONSTRAINT m_later CHECK (id > 0) NOT VALID;
            "#,
        ) else {
            return;
        };
        let parents = table(&schema, "parents");
        assert_eq!(
            parents.primary_key,
            Some(PrimaryKey {
                name: Some("parents_pkey".into()),
                columns: vec!["b".into(), "a".into()]
            })
        );
        assert_eq!(
            parents.uniques,
            vec![UniqueConstraint {
                name: Some("parents_code_key".into()),
                columns: vec!["code".into()]
            }]
        );
        assert!(parents.indexes.is_empty(), "{:?}", parents.indexes);

        let children = table(&schema, "children");
        assert_eq!(
            children.foreign_keys,
            vec![
                ForeignKey {
                    name: Some("children_code_fk".into()),
                    columns: vec!["code".into()],
                    ref_table: QName::new("parents"),
                    ref_columns: vec!["code".into()],
                    on_delete: FkAction::Restrict,
                    on_update: FkAction::NoAction,
                    deferrable: true,
                    initially_deferred: true,
                },
                ForeignKey {
                    name: Some("children_parent_fk".into()),
                    columns: vec!["pb".into(), "pa".into()],
                    ref_table: QName::new("parents"),
                    ref_columns: vec!["b".into(), "a".into()],
                    on_delete: FkAction::Cascade,
                    on_update: FkAction::SetNull,
                    deferrable: false,
                    initially_deferred: false,
                },
            ]
        );
        let uniques: Vec<(&str, Vec<&str>)> = children
            .uniques
            .iter()
            .map(|u| {
                (
                    u.name.as_deref().unwrap(),
                    u.columns.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            uniques,
            vec![("a_unique", vec!["code"]), ("z_unique", vec!["pa", "pb"])]
        );
        assert!(children.indexes.is_empty(), "{:?}", children.indexes);

        let checks: Vec<(&str, &str)> = children
            .checks
            .iter()
            .map(|c| (c.name.as_deref().unwrap(), c.expr.as_str()))
            .collect();
        let status = normalize::expr(PG, "status IN ('a', 'b') AND price BETWEEN 1 AND 10");
        let positive = normalize::expr(PG, "price > 0");
        let later = normalize::expr(PG, "id > 0");
        assert_eq!(
            checks,
            vec![
                ("a_status", status.as_str()),
                ("m_later", later.as_str()),
                ("price_positive", positive.as_str()),
            ]
        );
    }

    #[test]
    fn indexes() {
        let Some(schema) = introspect_ddl(
            r#"
            CREATE TABLE posts (
                id integer PRIMARY KEY,
                email text,
                title varchar(100),
                published_at timestamptz,
                score integer,
                body text,
                deleted boolean
            );
            CREATE INDEX posts_recent_idx ON posts (published_at DESC NULLS LAST, score DESC);
            CREATE INDEX posts_nulls_idx ON posts (score NULLS FIRST);
            CREATE UNIQUE INDEX posts_email_lower_idx ON posts (lower(email));
            CREATE INDEX posts_live_idx ON posts (score) WHERE deleted IS NOT TRUE AND score > 10;
            CREATE INDEX posts_cover_idx ON posts (score) INCLUDE (title, email);
            CREATE INDEX posts_hash_idx ON posts USING hash (email);
            CREATE INDEX posts_pattern_idx ON posts (title varchar_pattern_ops);
            CREATE INDEX posts_expr_idx ON posts ((score + 1), id);
            "#,
        ) else {
            return;
        };
        let posts = table(&schema, "posts");
        let names: Vec<&str> = posts.indexes.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "posts_cover_idx",
                "posts_email_lower_idx",
                "posts_expr_idx",
                "posts_hash_idx",
                "posts_live_idx",
                "posts_nulls_idx",
                "posts_pattern_idx",
                "posts_recent_idx"
            ]
        );
        let index = |name: &str| posts.indexes.iter().find(|i| i.name == name).unwrap();

        let recent = index("posts_recent_idx");
        assert!(!recent.unique);
        assert_eq!(recent.method, None);
        assert_eq!(
            recent.keys,
            vec![
                IndexKey {
                    desc: true,
                    nulls_first: Some(false),
                    ..IndexKey::column("published_at")
                },
                IndexKey {
                    desc: true,
                    ..IndexKey::column("score")
                },
            ]
        );
        assert_eq!(
            index("posts_nulls_idx").keys,
            vec![IndexKey {
                nulls_first: Some(true),
                ..IndexKey::column("score")
            }]
        );

        let lower = index("posts_email_lower_idx");
        assert!(lower.unique);
        assert_eq!(
            lower.keys,
            vec![IndexKey {
                part: IndexPart::Expr(normalize::expr(PG, "lower(email)")),
                ..IndexKey::column("")
            }]
        );

        let live = index("posts_live_idx");
        assert_eq!(
            live.predicate.as_deref(),
            Some(normalize::expr(PG, "deleted IS NOT TRUE AND score > 10").as_str())
        );

        let cover = index("posts_cover_idx");
        assert_eq!(cover.keys, vec![IndexKey::column("score")]);
        assert_eq!(
            cover.include,
            vec!["title".to_string(), "email".to_string()]
        );

        assert_eq!(index("posts_hash_idx").method.as_deref(), Some("hash"));
        assert_eq!(
            index("posts_pattern_idx").keys,
            vec![IndexKey {
                opclass: Some("varchar_pattern_ops".into()),
                ..IndexKey::column("title")
            }]
        );
        assert_eq!(
            index("posts_expr_idx").keys,
            vec![
                IndexKey {
                    part: IndexPart::Expr(normalize::expr(PG, "score + 1")),
                    ..IndexKey::column("")
                },
                IndexKey::column("id"),
            ]
        );
    }

    #[test]
    fn enums_sequences_comments_and_schemas() {
        let Some(schema) = introspect_ddl(
            r#"
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
            COMMENT ON TYPE mood IS 'How it feels';
            CREATE SCHEMA app;
            CREATE TYPE app.status AS ENUM ('new', 'done');
            CREATE SEQUENCE invoice_seq START WITH 1000;
            CREATE TABLE people (
                id integer PRIMARY KEY,
                feeling mood DEFAULT 'ok',
                history mood[],
                state app.status NOT NULL DEFAULT 'new',
                number bigint NOT NULL DEFAULT nextval('invoice_seq')
            );
            COMMENT ON TABLE people IS 'Everyone';
            COMMENT ON COLUMN people.feeling IS 'Current mood';
            COMMENT ON COLUMN people.history IS '';
            CREATE TABLE app.tasks (
                id bigserial PRIMARY KEY,
                person_id integer REFERENCES people (id),
                state app.status
            );
            CREATE INDEX tasks_person_idx ON app.tasks (person_id);
            CREATE SEQUENCE app.ticket_seq AS smallint INCREMENT BY -2 MINVALUE -100 MAXVALUE 10
                START WITH 5 CACHE 20 CYCLE;
            CREATE SEQUENCE owned_seq;
            ALTER SEQUENCE owned_seq OWNED BY people.id;
            CREATE VIEW happy_people AS SELECT id FROM people WHERE feeling = 'happy';
            COMMENT ON VIEW happy_people IS 'Only the happy ones';
            CREATE MATERIALIZED VIEW app.task_counts AS SELECT person_id, count(*) AS n FROM app.tasks GROUP BY person_id;
            CREATE INDEX task_counts_idx ON app.task_counts (person_id);
            "#,
        ) else {
            return;
        };
        assert_eq!(schema.schemas, BTreeSet::from(["app".to_string()]));

        let mood = &schema.enums[&QName::new("mood")];
        assert_eq!(mood.values, ["sad", "meh", "ok", "happy"]);
        assert_eq!(mood.comment.as_deref(), Some("How it feels"));
        let status_name = QName::qualified(Some("app".into()), "status");
        assert_eq!(schema.enums[&status_name].values, ["new", "done"]);

        let people = table(&schema, "people");
        assert_eq!(people.comment.as_deref(), Some("Everyone"));
        let feeling = column(people, "feeling");
        assert_eq!(
            feeling.ty,
            Type::Enum {
                name: QName::new("mood")
            }
        );
        assert_eq!(feeling.default, Some(DefaultValue::String("ok".into())));
        assert_eq!(feeling.comment.as_deref(), Some("Current mood"));
        let history = column(people, "history");
        assert_eq!(
            history.ty,
            Type::Array {
                element: Box::new(Type::Enum {
                    name: QName::new("mood")
                })
            }
        );
        assert_eq!(history.comment, None);
        assert_eq!(
            column(people, "state").ty,
            Type::Enum {
                name: status_name.clone()
            }
        );
        assert_eq!(
            column(people, "state").default,
            Some(DefaultValue::String("new".into()))
        );
        assert_eq!(
            column(people, "number").default,
            Some(DefaultValue::Sequence(QName::new("invoice_seq")))
        );

        let tasks_name = QName::qualified(Some("app".into()), "tasks");
        let tasks = &schema.tables[&tasks_name];
        assert_eq!(tasks.name, tasks_name);
        assert_eq!(
            column(tasks, "id").default,
            Some(DefaultValue::Sequence(QName::qualified(
                Some("app".into()),
                "tasks_id_seq"
            )))
        );
        assert_eq!(tasks.foreign_keys.len(), 1);
        assert_eq!(tasks.foreign_keys[0].ref_table, QName::new("people"));
        assert_eq!(tasks.indexes.len(), 1);
        assert_eq!(tasks.indexes[0].name, "tasks_person_idx");

        // Sequences: the serial one (app.tasks_id_seq) is not listed.
        let names: Vec<String> = schema.sequences.keys().map(|q| q.to_string()).collect();
        assert_eq!(names, ["invoice_seq", "owned_seq", "app.ticket_seq"]);
        let invoice = &schema.sequences[&QName::new("invoice_seq")];
        let mut expected = Sequence::with_defaults(
            QName::new("invoice_seq"),
            Type::Integer {
                bits: 64,
                unsigned: false,
            },
            1,
        );
        expected.start = 1000;
        assert_eq!(invoice, &expected);
        let ticket_name = QName::qualified(Some("app".into()), "ticket_seq");
        assert_eq!(
            schema.sequences[&ticket_name],
            Sequence {
                name: ticket_name.clone(),
                data_type: Type::Integer {
                    bits: 16,
                    unsigned: false
                },
                increment: -2,
                min_value: -100,
                max_value: 10,
                start: 5,
                cache: 20,
                cycle: true,
                owned_by: None,
            }
        );
        assert_eq!(
            schema.sequences[&QName::new("owned_seq")].owned_by,
            Some((QName::new("people"), "id".to_string()))
        );

        let view = &schema.views[&QName::new("happy_people")];
        assert!(!view.materialized);
        assert_eq!(view.comment.as_deref(), Some("Only the happy ones"));
        assert!(view.columns.is_empty());
        assert!(view.definition.starts_with("SELECT"), "{}", view.definition);
        assert!(!view.definition.ends_with(';'));
        let counts = &schema.views[&QName::qualified(Some("app".into()), "task_counts")];
        assert!(counts.materialized);
        assert!(
            counts.definition.contains("app.tasks"),
            "{}",
            counts.definition
        );
        assert!(schema.extensions.is_empty());
    }

    #[test]
    fn extensions_and_their_objects() {
        if !extension_available("citext") || !extension_available("pg_trgm") {
            eprintln!("skipping: citext or pg_trgm not available");
            return;
        }
        let Some(schema) = introspect_ddl(
            r#"
            CREATE SCHEMA ext;
            CREATE EXTENSION citext;
            CREATE EXTENSION pg_trgm SCHEMA ext;
            CREATE TABLE users (id integer PRIMARY KEY, email citext, name text);
            CREATE INDEX users_name_trgm_idx ON users USING gin (name ext.gin_trgm_ops);
            "#,
        ) else {
            return;
        };
        assert_eq!(
            schema.extensions.keys().collect::<Vec<_>>(),
            ["citext", "pg_trgm"]
        );
        assert_eq!(schema.extensions["citext"].schema, None);
        assert_eq!(schema.extensions["pg_trgm"].schema.as_deref(), Some("ext"));
        assert_eq!(schema.schemas, BTreeSet::from(["ext".to_string()]));
        assert_eq!(schema.tables.len(), 1);
        let users = table(&schema, "users");
        assert_eq!(
            column(users, "email").ty,
            Type::Custom {
                name: "citext".into()
            }
        );
        let trgm = &users.indexes[0];
        assert_eq!(trgm.method.as_deref(), Some("gin"));
        assert_eq!(trgm.keys[0].opclass.as_deref(), Some("gin_trgm_ops"));
    }

    #[test]
    fn scratch_database_is_dropped() {
        let Some(server) = server() else { return };
        let scratch = create_scratch(server).unwrap();
        let db_name = scratch.url.rsplit('/').next().unwrap().to_string();
        assert!(db_name.starts_with("migen_scratch_"));
        let mut db = PostgresDb::connect(&scratch.url).unwrap();
        db.execute("CREATE TABLE t (id integer); INSERT INTO t VALUES (1), (2), (3);")
            .unwrap();
        assert_eq!(db.row_count(&QName::new("t")).unwrap(), 3);
        let other_scheme = scratch.url.replacen("postgres://", "postgresql://", 1);
        let mut again = PostgresDb::connect(&other_scheme).expect("postgresql:// URL");
        assert_eq!(again.row_count(&QName::new("t")).unwrap(), 3);
        drop(again);
        let version = db.server_version().unwrap();
        assert!(
            version.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{version}"
        );
        assert_eq!(db.dialect(), Dialect::Postgres);
        let err = db.execute("SELECT * FROM missing_table").unwrap_err();
        assert!(matches!(err, Error::Database { .. }));
        assert!(err.to_string().contains("missing_table"), "{err}");
        drop(scratch);
        let mut client = open(server).unwrap();
        let left = client
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&db_name])
            .unwrap();
        assert!(left.is_none(), "scratch database {db_name} was not dropped");
    }

    #[test]
    fn bad_url_reports_database_error_without_password() {
        let url = "postgres://postgres:secret@127.0.0.1:1/x";
        let err = match PostgresDb::connect(url) {
            Err(err) => err,
            Ok(_) => panic!("connected to port 1"),
        };
        assert!(matches!(err, Error::Database { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 4);
        let text = err.to_string();
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("cannot connect"), "{text}");
        let debug = format!("{err:?}");
        assert!(!debug.contains("secret"), "{debug}");
    }

    /// What the DDL parser makes of a schema and what introspection reads back after applying
    /// it must be the same model.
    #[test]
    fn live_schema_matches_parsed_ddl() {
        let ddl = r#"
            CREATE SCHEMA app;
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            COMMENT ON TYPE mood IS 'How it feels';
            CREATE TYPE app.status AS ENUM ('new', 'done');
            CREATE SEQUENCE invoice_seq START WITH 1000;
            CREATE SEQUENCE app.ticket_seq AS smallint INCREMENT BY -2 MINVALUE -100 MAXVALUE 10
                START WITH 5 CACHE 20 CYCLE;
            CREATE TABLE items (
                id serial PRIMARY KEY,
                name varchar(20) NOT NULL DEFAULT 'x',
                code char(3) COLLATE "C",
                price numeric(10,2) DEFAULT 0.50 CHECK (price > 0),
                qty integer DEFAULT -1,
                ratio double precision DEFAULT 1.5,
                created timestamptz DEFAULT now(),
                day date DEFAULT CURRENT_DATE,
                flag boolean NOT NULL DEFAULT true,
                tags text[] DEFAULT '{}',
                data jsonb DEFAULT '{}'::jsonb,
                uid uuid DEFAULT gen_random_uuid(),
                nothing text DEFAULT NULL,
                feeling mood DEFAULT 'ok',
                history mood[],
                st app.status DEFAULT 'new',
                inv bigint DEFAULT nextval('invoice_seq'),
                doubled integer GENERATED ALWAYS AS (qty * 2) STORED,
                lname text GENERATED ALWAYS AS (lower(name)) STORED,
                "Order" text,
                CONSTRAINT name_in CHECK (name IN ('x', 'y') OR name LIKE 'z%'),
                CONSTRAINT qty_range CHECK (qty BETWEEN 0 AND 100),
                CONSTRAINT code_set CHECK (code IS NOT NULL AND NOT flag),
                CONSTRAINT feeling_ok CHECK (feeling <> 'sad'),
                CONSTRAINT items_name_key UNIQUE (name)
            );
            COMMENT ON TABLE items IS 'Items';
            COMMENT ON COLUMN items.name IS 'The name';
            CREATE TABLE ident (
                a bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                b integer GENERATED BY DEFAULT AS IDENTITY,
                c bigserial,
                item_id integer REFERENCES items (id) ON DELETE CASCADE,
                item_name varchar(20),
                FOREIGN KEY (item_name) REFERENCES items (name)
                    ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
            );
            CREATE TABLE app.tasks (
                id bigserial PRIMARY KEY,
                item_id integer REFERENCES items (id),
                state app.status,
                title text NOT NULL,
                done boolean DEFAULT false
            );
            CREATE INDEX tasks_item_idx ON app.tasks (item_id);
            CREATE INDEX tasks_title_idx ON app.tasks (lower(title)) WHERE NOT done;
            CREATE INDEX items_recent_idx ON items (created DESC NULLS LAST, qty DESC);
            CREATE INDEX items_nulls_idx ON items (qty NULLS FIRST);
            CREATE UNIQUE INDEX items_lower_idx ON items (lower(name));
            CREATE INDEX items_live_idx ON items (qty) WHERE flag IS NOT TRUE AND qty > 10;
            CREATE INDEX items_cover_idx ON items (qty) INCLUDE (name, code);
            CREATE INDEX items_hash_idx ON items USING hash (name);
            CREATE INDEX items_pattern_idx ON items (name varchar_pattern_ops);
            CREATE INDEX items_expr_idx ON items ((qty + 1), id);
            CREATE INDEX items_gin_idx ON items USING gin (data jsonb_path_ops);
            CREATE INDEX items_json_idx ON items ((data->>'k'));
            CREATE SEQUENCE owned_seq OWNED BY items.qty;
            CREATE VIEW cheap_items AS SELECT id, name FROM items WHERE price < 10;
            COMMENT ON VIEW cheap_items IS 'Cheap';
            CREATE VIEW joined AS SELECT i.id, t.title FROM items i JOIN app.tasks t
                ON t.item_id = i.id WHERE t.done ORDER BY i.id;
        "#;
        let Some(live) = introspect_ddl(ddl) else {
            return;
        };
        let parsed = crate::source::sql::parse(PG, ddl, "schema.sql").expect("parse DDL");
        for (name, table) in &parsed.tables {
            assert_eq!(live.tables.get(name), Some(table), "table {name}");
        }
        for (name, view) in &parsed.views {
            assert_eq!(live.views.get(name), Some(view), "view {name}");
        }
        assert_eq!(live, parsed);
    }
}
