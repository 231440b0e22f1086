//! What the Knex judge compares: the statements Knex sent with those migen planned, and the
//! seeded rows before and after with the names the change gives them.

use std::collections::{BTreeMap, BTreeSet};

use migen::diff::Change;
use migen::model::{Dialect, QName, Schema};
use migen::plan::{Plan, PlannedStatement};

pub(crate) type Row = BTreeMap<String, Option<String>>;
pub(crate) type Rows = BTreeMap<String, Vec<Row>>;

pub(crate) fn key(name: &QName) -> String {
    match &name.schema {
        Some(schema) => format!("{schema}.{}", name.name),
        None => name.name.clone(),
    }
}

/// How the change names each kept table and column: before name → after name.
pub(crate) struct Renames {
    tables: BTreeMap<QName, QName>,
    /// (after table, before column) → after column.
    columns: BTreeMap<(QName, String), String>,
}

impl Renames {
    pub(crate) fn of(plan: &Plan) -> Renames {
        let mut renames = Renames {
            tables: BTreeMap::new(),
            columns: BTreeMap::new(),
        };
        for change in &plan.changes {
            match change {
                Change::RenameTable { from, to } => {
                    renames.tables.insert(from.clone(), to.clone());
                }
                Change::RenameColumn { table, from, to } => {
                    renames
                        .columns
                        .insert((table.clone(), from.clone()), to.clone());
                }
                _ => {}
            }
        }
        renames
    }

    pub(crate) fn table(&self, before: &QName) -> QName {
        self.tables.get(before).cloned().unwrap_or(before.clone())
    }

    pub(crate) fn column(&self, before_table: &QName, after_table: &QName, column: &str) -> String {
        [after_table, before_table]
            .iter()
            .find_map(|t| self.columns.get(&((*t).clone(), column.to_string())))
            .cloned()
            .unwrap_or(column.to_string())
    }
}

/// The seeded rows of the tables the change keeps, in the columns the change keeps (with
/// `same_type`: only those whose type stays too, whose values must not even be re-spelled),
/// sorted; each column under its after name when `after_names`.
pub(crate) fn kept(
    rows: &Rows,
    before: &Schema,
    after: &Schema,
    renames: &Renames,
    same_type: bool,
    after_names: bool,
) -> Rows {
    let mut out = Rows::new();
    for (name, table) in &before.tables {
        let Some(seeded) = rows.get(&key(name)) else {
            continue;
        };
        let renamed = renames.table(name);
        let Some(target) = after.tables.get(&renamed) else {
            continue;
        };
        let columns: Vec<(String, String)> = table
            .columns
            .iter()
            .filter_map(|column| {
                let to = renames.column(name, &renamed, &column.name);
                let kept = target.column(&to)?;
                // A generated column whose expression changes holds other values.
                let same = kept.ty == column.ty && kept.generated == column.generated;
                (!same_type || same).then(|| (column.name.clone(), to))
            })
            .collect();
        let mut projected: Vec<Row> = seeded
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|(from, to)| {
                        let label = if after_names { to } else { from };
                        (label.clone(), row.get(from).cloned().flatten())
                    })
                    .collect()
            })
            .collect();
        projected.sort();
        out.insert(key(if after_names { &renamed } else { name }), projected);
    }
    out
}

/// The rows read back hold the expected rows, in the expected rows' columns.
pub(crate) fn same_rows(expected: &Rows, got: &Rows, when: &str) -> Result<(), String> {
    for (table, rows) in expected {
        let wanted: BTreeSet<&String> = rows.iter().flat_map(|r| r.keys()).collect();
        let mut found: Vec<Row> = got
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|row| {
                row.iter()
                    .filter(|(column, _)| wanted.contains(column))
                    .map(|(column, value)| (column.clone(), value.clone()))
                    .collect()
            })
            .collect();
        found.sort();
        if &found != rows {
            return Err(format!(
                "{when}: the seeded rows of {table} differ\n  seeded: {rows:?}\n  found:  {found:?}"
            ));
        }
    }
    Ok(())
}

/// A statement's tokens: a quoted name is one token as written (quotes off), a bare word is
/// lower case (the database folds it), parentheses and commas stand alone.
pub(crate) fn tokens(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = sql.trim().trim_end_matches(';').chars().peekable();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word).to_lowercase());
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                flush(&mut word, &mut out);
                let mut name = String::new();
                while let Some(n) = chars.next() {
                    if n == c {
                        // A doubled quote is one quote character of the name.
                        if chars.peek() == Some(&c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    name.push(n);
                }
                out.push(name);
            }
            '(' | ')' | ',' | '.' => {
                flush(&mut word, &mut out);
                out.push(c.to_string());
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A statement as tokens to compare the SQL Knex sent with the planned SQL, Knex's MySQL
/// spellings of the statements its builder writes (`alter table t add index n(…)`,
/// `alter table t drop index n`, `drop c`, `rename table`) put in the planned statement's
/// terms, and PostgreSQL's optional COLUMN of a column rename dropped.
pub(crate) fn canonical(dialect: Dialect, sql: &str) -> Vec<String> {
    let mut tokens = tokens(sql);
    // MySQL and SQLite match names without regard to case (the schema check after up sees
    // the case a name is stored with).
    if dialect != Dialect::Postgres {
        tokens = tokens.iter().map(|t| t.to_lowercase()).collect();
    }
    let t: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let rewritten: Vec<&str> = match (dialect, t.as_slice()) {
        (Dialect::Mysql, ["create", "index", name, "on", table, rest @ ..]) => {
            [&["alter", "table", table, "add", "index", name], rest].concat()
        }
        (Dialect::Mysql, ["drop", "index", name, "on", table]) => {
            vec!["alter", "table", table, "drop", "index", name]
        }
        (Dialect::Mysql, ["alter", "table", table, "drop", "column", column]) => {
            vec!["alter", "table", table, "drop", column]
        }
        (Dialect::Mysql, ["alter", "table", from, "rename", "to", to]) => {
            vec!["rename", "table", from, "to", to]
        }
        (_, ["alter", "table", table, "rename", "column", from, "to", to]) => {
            vec!["alter", "table", table, "rename", from, "to", to]
        }
        (_, t) => t.to_vec(),
    };
    rewritten.into_iter().map(String::from).collect()
}

pub(crate) fn same_statements(
    dialect: Dialect,
    sent: &[String],
    planned: &[&PlannedStatement],
    when: &str,
) -> Result<(), String> {
    let matches = sent.len() == planned.len()
        && sent.iter().zip(planned).all(|(sent, planned)| {
            sent.trim() == planned.sql.trim()
                || canonical(dialect, sent) == canonical(dialect, &planned.sql)
        });
    if matches {
        Ok(())
    } else {
        Err(format!(
            "{when}: Knex sent other statements than migen planned\n  sent:    {sent:#?}\n  planned: {:#?}",
            planned.iter().map(|s| &s.sql).collect::<Vec<_>>()
        ))
    }
}
