//! Batched, resumable backfills.
//!
//! A backfill walks the table in primary-key order, a batch of rows at a time, each batch its own
//! transaction, and only touches rows that still need it (the `pending` condition), so an
//! interrupted backfill is simply run again. PostgreSQL runs it as a `DO` block that commits as
//! it goes; MySQL as a temporary procedure; SQLite, where a writer locks the whole database
//! anyway, as one UPDATE.

use crate::dialect::Statement;
use crate::model::{Column, Dialect, QName, Table};
use crate::normalize::{quote_ident, quote_qname, quote_string, type_sql};

use super::PlanOptions;

/// One backfill: `SET assignments WHERE pending` over the rows of `table`.
pub(crate) struct Backfill<'a> {
    /// The table as it stands when the backfill runs (for its primary key).
    pub table: &'a Table,
    /// `column = expression` pairs, already quoted.
    pub assignments: Vec<String>,
    /// SQL that is true for rows that still need the backfill.
    pub pending: String,
    /// For progress messages: `orders.total`.
    pub label: String,
}

impl Backfill<'_> {
    /// The batched update, then an ANALYZE of the table (the values it wrote are new to the
    /// query planner's statistics).
    pub fn statements(&self, dialect: Dialect, options: &PlanOptions) -> Vec<Statement> {
        let mut statements = self.update(dialect, options);
        statements.extend(super::statistics::analyze(
            dialect,
            &self.table.name,
            &format!("on the values the backfill of {} wrote", self.label),
        ));
        statements
    }

    fn update(&self, dialect: Dialect, options: &PlanOptions) -> Vec<Statement> {
        let single_key = self
            .table
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .and_then(|pk| self.table.column(&pk.columns[0]));
        match (dialect, single_key) {
            (Dialect::Postgres, Some(key)) => vec![self.postgres_keyset(&key.name, options)],
            (Dialect::Postgres, None) => vec![self.postgres_by_ctid(options)],
            (Dialect::Mysql, Some(key)) => self.mysql_keyset(key, options),
            (Dialect::Mysql, None) => vec![self.one_statement(
                dialect,
                "one statement: without a single-column primary key MySQL has no stable order to batch by",
            )],
            (Dialect::Sqlite, _) => vec![self.one_statement(
                dialect,
                "one statement, since a SQLite writer holds the whole database either way",
            )],
        }
    }

    fn one_statement(&self, dialect: Dialect, why: &str) -> Statement {
        Statement::new(format!(
            "UPDATE {} SET {} WHERE {}",
            quote_qname(dialect, &self.table.name),
            self.assignments.join(", "),
            self.pending
        ))
        .with_note(format!(
            "backfill {}: {why}; only rows still needing it are touched, so it is safe to re-run",
            self.label
        ))
    }

    fn note(&self, options: &PlanOptions) -> String {
        format!(
            "backfill {}: {} rows per batch in primary-key order, each batch committed on its own, {} ms pause between batches, progress reported as it goes; only rows still needing it are touched, so after an interruption just run it again",
            self.label, options.batch_size, options.batch_pause_ms
        )
    }

    /// The loop's own variables carry a `_migen_` prefix so they cannot shadow a column, and
    /// PL/pgSQL is told that a name that is both means the column.
    fn postgres_keyset(&self, key: &str, options: &PlanOptions) -> Statement {
        let d = Dialect::Postgres;
        let table = quote_qname(d, &self.table.name);
        let k = quote_ident(d, key);
        let key_type = format!("{table}.{k}%TYPE");
        // min()/max() do not exist for every key type (uuid): ORDER BY … LIMIT 1 does.
        let body = format!(
            "#variable_conflict use_column
DECLARE
  _migen_next {key_type};
  _migen_end {key_type};
  _migen_total bigint;
  _migen_done bigint := 0;
  _migen_touched bigint;
BEGIN
  SELECT count(*) INTO _migen_total FROM {table} WHERE {pending};
  SELECT {k} INTO _migen_next FROM {table} ORDER BY {k} LIMIT 1;
  WHILE _migen_next IS NOT NULL LOOP
    SELECT _migen_batch.{k} INTO _migen_end
      FROM (SELECT {k} FROM {table} WHERE {k} >= _migen_next ORDER BY {k} LIMIT {size}) AS _migen_batch
      ORDER BY _migen_batch.{k} DESC LIMIT 1;
    UPDATE {table} SET {assignments}
      WHERE {k} >= _migen_next AND {k} <= _migen_end AND ({pending});
    GET DIAGNOSTICS _migen_touched = ROW_COUNT;
    _migen_done := _migen_done + _migen_touched;
    COMMIT;
    RAISE NOTICE 'migen backfill %: % of % rows', {label}, _migen_done, _migen_total;
    _migen_next := NULL;
    SELECT {k} INTO _migen_next FROM {table} WHERE {k} > _migen_end ORDER BY {k} LIMIT 1;
    PERFORM pg_sleep({pause});
  END LOOP;
END",
            pending = self.pending,
            size = options.batch_size.max(1),
            assignments = self.assignments.join(", "),
            label = quote_string(d, &self.label),
            pause = seconds(options.batch_pause_ms),
        );
        Statement::outside_transaction(do_block(&body)).with_note(self.note(options))
    }

    /// Without a single-column primary key: batches of pending rows by physical position.
    fn postgres_by_ctid(&self, options: &PlanOptions) -> Statement {
        let d = Dialect::Postgres;
        let table = quote_qname(d, &self.table.name);
        let body = format!(
            "#variable_conflict use_column
DECLARE
  _migen_total bigint;
  _migen_done bigint := 0;
  _migen_touched bigint;
BEGIN
  SELECT count(*) INTO _migen_total FROM {table} WHERE {pending};
  LOOP
    UPDATE {table} SET {assignments}
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {pending} LIMIT {size}));
    GET DIAGNOSTICS _migen_touched = ROW_COUNT;
    EXIT WHEN _migen_touched = 0;
    _migen_done := _migen_done + _migen_touched;
    COMMIT;
    RAISE NOTICE 'migen backfill %: % of % rows', {label}, _migen_done, _migen_total;
    PERFORM pg_sleep({pause});
  END LOOP;
END",
            pending = self.pending,
            size = options.batch_size.max(1),
            assignments = self.assignments.join(", "),
            label = quote_string(d, &self.label),
            pause = seconds(options.batch_pause_ms),
        );
        Statement::outside_transaction(do_block(&body)).with_note(format!(
            "{} (no single-column primary key: batches are picked among the rows still pending)",
            self.note(options)
        ))
    }

    /// A temporary procedure walks the key. Its variables carry a `_migen_` prefix: in MySQL a
    /// local variable wins over a column of the same name, even a quoted one.
    fn mysql_keyset(&self, key: &Column, options: &PlanOptions) -> Vec<Statement> {
        let d = Dialect::Mysql;
        let table = quote_qname(d, &self.table.name);
        let procedure = quote_qname(
            d,
            &QName {
                schema: self.table.name.schema.clone(),
                name: procedure_name(&self.table.name, &self.label),
            },
        );
        let size = options.batch_size.max(1);
        let pause = seconds(options.batch_pause_ms);
        let k = quote_ident(d, &key.name);
        let mut key_type = type_sql(d, &key.ty);
        if let Some(collation) = &key.collation {
            // A string variable takes the database's collation unless told the key's.
            key_type.push_str(&format!(" COLLATE {collation}"));
        }
        let body = format!(
            "BEGIN
  DECLARE _migen_next {key_type};
  DECLARE _migen_end {key_type};
  DECLARE _migen_total BIGINT;
  DECLARE _migen_done BIGINT DEFAULT 0;
  SELECT COUNT(*) INTO _migen_total FROM {table} WHERE {pending};
  SELECT MIN({k}) INTO _migen_next FROM {table};
  WHILE _migen_next IS NOT NULL DO
    SELECT MAX(_migen_batch.{k}) INTO _migen_end
      FROM (SELECT {k} FROM {table} WHERE {k} >= _migen_next ORDER BY {k} LIMIT {size}) AS _migen_batch;
    UPDATE {table} SET {assignments}
      WHERE {k} >= _migen_next AND {k} <= _migen_end AND ({pending});
    SET _migen_done = _migen_done + ROW_COUNT();
    COMMIT;
    SELECT CONCAT({label}, _migen_done, ' of ', _migen_total, ' rows') AS migen_progress;
    SET _migen_next = NULL;
    SELECT MIN({k}) INTO _migen_next FROM {table} WHERE {k} > _migen_end;
    DO SLEEP({pause});
  END WHILE;
END",
            pending = self.pending,
            assignments = self.assignments.join(", "),
            label = quote_string(d, &format!("migen backfill {}: ", self.label)),
        );
        vec![
            Statement::new(format!("DROP PROCEDURE IF EXISTS {procedure}"))
                .with_note(self.note(options)),
            Statement::new(format!("CREATE PROCEDURE {procedure}()\n{body}")),
            Statement::outside_transaction(format!("CALL {procedure}()")),
            Statement::new(format!("DROP PROCEDURE {procedure}")),
        ]
    }
}

/// `DO $tag$ body $tag$` with a dollar-quote tag the body does not contain.
pub(crate) fn do_block(body: &str) -> String {
    format!("DO {}", dollar_quoted(body))
}

/// `body` between dollar quotes whose tag does not occur in it.
pub(crate) fn dollar_quoted(body: &str) -> String {
    let mut tag = "$migen$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$migen{n}$");
    }
    format!("{tag}\n{body}\n{tag}")
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// A procedure name for the backfill of `label`, within MySQL's 64 characters.
fn procedure_name(table: &QName, label: &str) -> String {
    let column = label.rsplit('.').next().unwrap_or(label);
    let mut name = format!("migen_backfill_{}_{}", table.name, column);
    while name.len() > 64 {
        name.pop();
    }
    name
}
