//! Batched, resumable backfills.
//!
//! A backfill walks the table in primary-key order, a batch of rows at a time, each batch its own
//! transaction, and only touches rows that still need it (the `pending` condition), so an
//! interrupted backfill is simply run again. PostgreSQL runs it as a `DO` block that commits as
//! it goes; MySQL as a temporary procedure; SQLite, where a writer locks the whole database
//! anyway, as one UPDATE.

use crate::dialect::Statement;
use crate::model::{Dialect, QName, Table};
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
    pub fn statements(&self, dialect: Dialect, options: &PlanOptions) -> Vec<Statement> {
        let single_key = self
            .table
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1)
            .and_then(|pk| self.table.column(&pk.columns[0]));
        match (dialect, single_key) {
            (Dialect::Postgres, Some(key)) => vec![self.postgres_keyset(&key.name, options)],
            (Dialect::Postgres, None) => vec![self.postgres_by_ctid(options)],
            (Dialect::Mysql, key) => self.mysql(key.map(|k| (k.name.as_str(), &k.ty)), options),
            (Dialect::Sqlite, _) => vec![
                Statement::new(format!(
                    "UPDATE {} SET {} WHERE {}",
                    quote_qname(dialect, &self.table.name),
                    self.assignments.join(", "),
                    self.pending
                ))
                .with_note(format!(
                    "backfill {}: one statement, since a SQLite writer holds the whole database either way; safe to re-run",
                    self.label
                )),
            ],
        }
    }

    fn note(&self, options: &PlanOptions) -> String {
        format!(
            "backfill {}: {} rows per batch in primary-key order, each batch committed on its own, {} ms pause between batches, progress reported as it goes; only rows still needing it are touched, so after an interruption just run it again",
            self.label, options.batch_size, options.batch_pause_ms
        )
    }

    fn postgres_keyset(&self, key: &str, options: &PlanOptions) -> Statement {
        let d = Dialect::Postgres;
        let table = quote_qname(d, &self.table.name);
        let k = quote_ident(d, key);
        let key_type = format!("{table}.{k}%TYPE");
        let sql = format!(
            "DO $migen$
DECLARE
  next_key {key_type};
  batch_end {key_type};
  total bigint;
  done bigint := 0;
  touched bigint;
BEGIN
  SELECT count(*) INTO total FROM {table} WHERE {pending};
  SELECT min({k}) INTO next_key FROM {table};
  WHILE next_key IS NOT NULL LOOP
    SELECT max(batch.key) INTO batch_end
      FROM (SELECT {k} AS key FROM {table} WHERE {k} >= next_key ORDER BY {k} LIMIT {size}) AS batch;
    UPDATE {table} SET {assignments}
      WHERE {k} >= next_key AND {k} <= batch_end AND ({pending});
    GET DIAGNOSTICS touched = ROW_COUNT;
    done := done + touched;
    COMMIT;
    RAISE NOTICE 'migen backfill {label}: % of % rows', done, total;
    SELECT min({k}) INTO next_key FROM {table} WHERE {k} > batch_end;
    PERFORM pg_sleep({pause});
  END LOOP;
END
$migen$",
            pending = self.pending,
            size = options.batch_size.max(1),
            assignments = self.assignments.join(", "),
            label = self.label.replace('\'', "''").replace('%', "%%"),
            pause = seconds(options.batch_pause_ms),
        );
        Statement::outside_transaction(sql).with_note(self.note(options))
    }

    /// Without a single-column primary key: batches of pending rows by physical position.
    fn postgres_by_ctid(&self, options: &PlanOptions) -> Statement {
        let d = Dialect::Postgres;
        let table = quote_qname(d, &self.table.name);
        let sql = format!(
            "DO $migen$
DECLARE
  total bigint;
  done bigint := 0;
  touched bigint;
BEGIN
  SELECT count(*) INTO total FROM {table} WHERE {pending};
  LOOP
    UPDATE {table} SET {assignments}
      WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {pending} LIMIT {size}));
    GET DIAGNOSTICS touched = ROW_COUNT;
    EXIT WHEN touched = 0;
    done := done + touched;
    COMMIT;
    RAISE NOTICE 'migen backfill {label}: % of % rows', done, total;
    PERFORM pg_sleep({pause});
  END LOOP;
END
$migen$",
            pending = self.pending,
            size = options.batch_size.max(1),
            assignments = self.assignments.join(", "),
            label = self.label.replace('\'', "''").replace('%', "%%"),
            pause = seconds(options.batch_pause_ms),
        );
        Statement::outside_transaction(sql).with_note(format!(
            "{} (no single-column primary key: batches are picked among the rows still pending)",
            self.note(options)
        ))
    }

    fn mysql(
        &self,
        key: Option<(&str, &crate::model::Type)>,
        options: &PlanOptions,
    ) -> Vec<Statement> {
        let d = Dialect::Mysql;
        let table = quote_qname(d, &self.table.name);
        let procedure = quote_ident(d, &procedure_name(&self.table.name, &self.label));
        let size = options.batch_size.max(1);
        let pause = seconds(options.batch_pause_ms);
        let progress = |done: &str| {
            format!(
                "SELECT CONCAT({}, {done}, ' of ', total, ' rows') AS migen_progress;",
                quote_string(d, &format!("migen backfill {}: ", self.label))
            )
        };
        let body = match key {
            Some((key, ty)) => {
                let k = quote_ident(d, key);
                let key_type = type_sql(d, ty);
                format!(
                    "BEGIN
  DECLARE next_key {key_type};
  DECLARE batch_end {key_type};
  DECLARE total BIGINT;
  DECLARE done BIGINT DEFAULT 0;
  SELECT COUNT(*) INTO total FROM {table} WHERE {pending};
  SELECT MIN({k}) INTO next_key FROM {table};
  WHILE next_key IS NOT NULL DO
    SELECT MAX(batch.batch_key) INTO batch_end
      FROM (SELECT {k} AS batch_key FROM {table} WHERE {k} >= next_key ORDER BY {k} LIMIT {size}) AS batch;
    UPDATE {table} SET {assignments}
      WHERE {k} >= next_key AND {k} <= batch_end AND ({pending});
    SET done = done + ROW_COUNT();
    COMMIT;
    {progress}
    SET next_key = NULL;
    SELECT MIN({k}) INTO next_key FROM {table} WHERE {k} > batch_end;
    DO SLEEP({pause});
  END WHILE;
END",
                    pending = self.pending,
                    assignments = self.assignments.join(", "),
                    progress = progress("done"),
                )
            }
            None => format!(
                "BEGIN
  DECLARE total BIGINT;
  DECLARE done BIGINT DEFAULT 0;
  DECLARE touched BIGINT DEFAULT 1;
  SELECT COUNT(*) INTO total FROM {table} WHERE {pending};
  WHILE touched > 0 DO
    UPDATE {table} SET {assignments} WHERE {pending} LIMIT {size};
    SET touched = ROW_COUNT();
    SET done = done + touched;
    COMMIT;
    {progress}
    DO SLEEP({pause});
  END WHILE;
END",
                pending = self.pending,
                assignments = self.assignments.join(", "),
                progress = progress("done"),
            ),
        };
        vec![
            Statement::new(format!("DROP PROCEDURE IF EXISTS {procedure}"))
                .with_note(self.note(options)),
            Statement::new(format!("CREATE PROCEDURE {procedure}()\n{body}")),
            Statement::new(format!("CALL {procedure}()")),
            Statement::new(format!("DROP PROCEDURE {procedure}")),
        ]
    }
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
