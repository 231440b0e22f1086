//! Engine benchmark: parse, diff and plan on a large generated schema.
//!
//! Generates a schema of 2,000 tables (20 columns of mixed types, 3 indexes and 2 foreign keys
//! each) and a copy in which 5% of the tables changed, then times each stage of the pipeline
//! in every dialect. Figures are the median of 5 runs, in milliseconds. Nothing is asserted:
//! this is a measurement, not a test.
//!
//! Run with `cargo bench --bench engine`. Environment knobs:
//! `MIGEN_BENCH_TABLES` (default 2000), `MIGEN_BENCH_RUNS` (default 5) and
//! `MIGEN_BENCH_DIALECTS` (comma-separated, default `postgres,mysql,sqlite`).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use migen::diff::RenameAnswers;
use migen::model::Dialect;

/// Target for the whole pipeline (parse both + diff + plan) in a release build.
const TARGET: Duration = Duration::from_secs(1);

/// The column types a generated table cycles through, per dialect.
fn column_types(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgres => &[
            "bigint",
            "integer",
            "smallint",
            "text",
            "varchar(120)",
            "boolean",
            "numeric(12,2)",
            "timestamptz",
            "date",
            "jsonb",
            "uuid",
            "double precision",
            "bytea",
        ],
        Dialect::Mysql => &[
            "BIGINT",
            "INT",
            "SMALLINT",
            "TEXT",
            "VARCHAR(120)",
            "TINYINT(1)",
            "DECIMAL(12,2)",
            "DATETIME",
            "DATE",
            "JSON",
            "CHAR(36)",
            "DOUBLE",
            "BLOB",
        ],
        Dialect::Sqlite => &["INTEGER", "TEXT", "REAL", "NUMERIC", "BLOB"],
    }
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// How table `i` differs in the changed copy; `None` for the 95% that stay the same.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    AddColumn,
    ChangeType,
    DropIndex,
    AddCheck,
    SetNotNull,
    AddDefault,
}

fn edit_for(table: usize) -> Option<Edit> {
    // Every 20th table changes: 5%.
    if table % 20 != 7 {
        return None;
    }
    Some(match (table / 20) % 6 {
        0 => Edit::AddColumn,
        1 => Edit::ChangeType,
        2 => Edit::DropIndex,
        3 => Edit::AddCheck,
        4 => Edit::SetNotNull,
        _ => Edit::AddDefault,
    })
}

/// A schema of `tables` tables. With `changed`, 5% of them carry one edit each.
fn generate(dialect: Dialect, tables: usize, changed: bool) -> String {
    let types = column_types(dialect);
    let integer = match dialect {
        Dialect::Postgres => "bigint",
        Dialect::Mysql => "BIGINT",
        Dialect::Sqlite => "INTEGER",
    };
    let mut sql = String::with_capacity(tables * 1500);
    for i in 0..tables {
        let edit = if changed { edit_for(i) } else { None };
        let table = format!("t{i:04}");
        let q = |name: &str| quote(dialect, name);
        // Two foreign keys to tables declared earlier (table 0 refers to itself).
        let parents = [i / 2, i / 3];
        let _ = writeln!(sql, "CREATE TABLE {} (", q(&table));
        let _ = writeln!(sql, "  {} {integer} NOT NULL,", q("id"));
        let _ = writeln!(sql, "  {} {integer} NOT NULL,", q("parent_a"));
        let default = if edit == Some(Edit::AddDefault) {
            " DEFAULT 0"
        } else {
            ""
        };
        let _ = writeln!(sql, "  {} {integer}{default},", q("parent_b"));
        // 17 more columns of mixed types: 20 in all.
        for c in 0..17 {
            let mut ty = types[(i + c) % types.len()];
            if edit == Some(Edit::ChangeType) && c == 4 {
                ty = match dialect {
                    Dialect::Postgres => "varchar(255)",
                    Dialect::Mysql => "VARCHAR(255)",
                    Dialect::Sqlite => "TEXT",
                };
            }
            let mut column = format!("  {} {ty}", q(&format!("c{c:02}")));
            if c % 5 == 0 || (edit == Some(Edit::SetNotNull) && c == 1) {
                column.push_str(" NOT NULL");
            }
            let _ = writeln!(sql, "{column},");
        }
        if edit == Some(Edit::AddColumn) {
            let text = match dialect {
                Dialect::Postgres => "text",
                _ => "TEXT",
            };
            let _ = writeln!(sql, "  {} {text},", q("added_note"));
        }
        let _ = writeln!(
            sql,
            "  CONSTRAINT {} PRIMARY KEY ({}),",
            q(&format!("{table}_pkey")),
            q("id")
        );
        if edit == Some(Edit::AddCheck) {
            let _ = writeln!(
                sql,
                "  CONSTRAINT {} CHECK ({} >= 0),",
                q(&format!("{table}_parent_a_check")),
                q("parent_a")
            );
        }
        for (n, parent) in parents.iter().enumerate() {
            let column = if n == 0 { "parent_a" } else { "parent_b" };
            let comma = if n == 0 { "," } else { "" };
            let _ = writeln!(
                sql,
                "  CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){comma}",
                q(&format!("{table}_{column}_fkey")),
                q(column),
                q(&format!("t{parent:04}")),
                q("id")
            );
        }
        let _ = writeln!(sql, ");");
        // Three indexes: one on each foreign key column and one on a pair of data columns.
        let indexes = [
            (format!("{table}_parent_a_idx"), vec!["parent_a"]),
            (format!("{table}_parent_b_idx"), vec!["parent_b"]),
            (format!("{table}_c00_c03_idx"), vec!["c00", "c03"]),
        ];
        for (n, (name, columns)) in indexes.iter().enumerate() {
            if edit == Some(Edit::DropIndex) && n == 2 {
                continue;
            }
            // TEXT and BLOB columns need a prefix length in a MySQL index.
            let keys: Vec<String> = columns
                .iter()
                .map(|c| {
                    let column_type = c
                        .strip_prefix('c')
                        .and_then(|n| n.parse::<usize>().ok())
                        .map(|n| types[(i + n) % types.len()]);
                    match (dialect, column_type) {
                        (Dialect::Mysql, Some("TEXT" | "BLOB" | "JSON")) => {
                            format!("{}(32)", q(c))
                        }
                        _ => q(c),
                    }
                })
                .collect();
            let _ = writeln!(
                sql,
                "CREATE INDEX {} ON {} ({});",
                q(name),
                q(&table),
                keys.join(", ")
            );
        }
        sql.push('\n');
    }
    sql
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:>9.1}", d.as_secs_f64() * 1000.0)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// Where parse time goes: sqlparser's tokenizer alone, sqlparser's tokenizer + parser (the AST),
/// and migen's whole `parse` (which also runs its own compatibility pass and builds the model).
/// Also a diff of the schema against itself: the cost of comparing tables that did not change.
fn breakdown(dialect: Dialect, tables: usize, runs: usize) {
    use sqlparser::parser::Parser;
    use sqlparser::tokenizer::Tokenizer;
    let sides = [
        generate(dialect, tables, false),
        generate(dialect, tables, true),
    ];
    let sql_dialect = migen::normalize::sql_dialect(dialect);
    let answers = RenameAnswers::default();
    let mut tokenize = Vec::new();
    let mut ast = Vec::new();
    let mut parse = Vec::new();
    let mut same = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        for text in &sides {
            let tokens = Tokenizer::new(sql_dialect.as_ref(), text)
                .tokenize_with_location()
                .expect("generated DDL tokenizes");
            black_box(tokens);
        }
        tokenize.push(start.elapsed());

        let start = Instant::now();
        for text in &sides {
            let statements = Parser::parse_sql(sql_dialect.as_ref(), text)
                .expect("generated DDL parses with sqlparser");
            black_box(statements);
        }
        ast.push(start.elapsed());

        let start = Instant::now();
        let schemas: Vec<_> = sides
            .iter()
            .map(|text| migen::source::sql::parse(dialect, text, "bench.sql").expect("parses"))
            .collect();
        parse.push(start.elapsed());

        let start = Instant::now();
        black_box(migen::diff::diff(&schemas[0], &schemas[0], &answers));
        same.push(start.elapsed());
    }
    let tokenize = median(tokenize);
    let ast = median(ast);
    let parse = median(parse);
    println!(
        "{:<9} {} {} {} {} {}",
        dialect.name(),
        ms(tokenize),
        ms(ast),
        ms(parse),
        ms(parse.saturating_sub(ast)),
        ms(median(same)),
    );
}

fn bench(dialect: Dialect, tables: usize, runs: usize) -> Duration {
    let before_sql = generate(dialect, tables, false);
    let after_sql = generate(dialect, tables, true);
    let answers = RenameAnswers::default();
    let mut parse_times = Vec::new();
    let mut diff_times = Vec::new();
    let mut plan_times = Vec::new();
    let mut total_times = Vec::new();
    let mut counts = (0, 0, 0);
    for _ in 0..runs {
        let start = Instant::now();
        let before = migen::source::sql::parse(dialect, &before_sql, "before.sql")
            .unwrap_or_else(|e| panic!("generated {dialect} schema does not parse: {e}"));
        let after = migen::source::sql::parse(dialect, &after_sql, "after.sql")
            .unwrap_or_else(|e| panic!("generated {dialect} schema does not parse: {e}"));
        let parsed = start.elapsed();

        let start = Instant::now();
        let diff = migen::diff::diff(&before, &after, &answers);
        let diffed = start.elapsed();

        let start = Instant::now();
        let plan = migen::plan::plan(&before, &after, &answers);
        let planned = start.elapsed();

        counts = (diff.changes.len(), plan.up.len(), plan.down.len());
        black_box((&diff, &plan));
        parse_times.push(parsed);
        diff_times.push(diffed);
        plan_times.push(planned);
        total_times.push(parsed + diffed + planned);
    }
    let total = median(total_times);
    println!(
        "{:<9} {} {} {} {}   {:>5} changes, {:>4} up / {:>4} down statements",
        dialect.name(),
        ms(median(parse_times)),
        ms(median(diff_times)),
        ms(median(plan_times)),
        ms(total),
        counts.0,
        counts.1,
        counts.2
    );
    total
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is ignored.
    let tables = env_number("MIGEN_BENCH_TABLES", 2000);
    let runs = env_number("MIGEN_BENCH_RUNS", 5);
    let dialects: Vec<Dialect> = std::env::var("MIGEN_BENCH_DIALECTS")
        .unwrap_or_else(|_| "postgres,mysql,sqlite".into())
        .split(',')
        .filter_map(|d| Dialect::parse(d.trim()))
        .collect();
    let sample = generate(Dialect::Postgres, tables, false);
    println!(
        "migen engine benchmark: {tables} tables (20 columns, 3 indexes, 2 foreign keys each), \
         {} changed; {} KiB of DDL per side (postgres); median of {runs} runs",
        (0..tables).filter(|i| edit_for(*i).is_some()).count(),
        sample.len() / 1024
    );
    if cfg!(debug_assertions) {
        println!("note: debug build; figures are only meaningful from `cargo bench` (release)");
    }
    println!(
        "{:<9} {:>9} {:>9} {:>9} {:>9}   (ms; parse = both sides; plan = diff both ways + SQL)",
        "dialect", "parse", "diff", "plan", "total"
    );
    let mut over = Vec::new();
    for dialect in &dialects {
        let total = bench(*dialect, tables, runs);
        if total > TARGET {
            over.push(dialect.name());
        }
    }
    if !over.is_empty() {
        println!(
            "over the {} ms target: {}",
            TARGET.as_millis(),
            over.join(", ")
        );
    }
    println!();
    println!("breakdown of parse (both sides) and of an unchanged diff, ms:");
    println!(
        "{:<9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "dialect", "tokenize", "sql ast", "parse", "- ast", "diff A,A"
    );
    for dialect in &dialects {
        breakdown(*dialect, tables, runs);
    }
    println!(
        "(tokenize: sqlparser's tokenizer alone; sql ast: sqlparser tokenize + parse; parse: \
         migen's parse; - ast: what migen adds on top of sqlparser; diff A,A: a schema against itself)"
    );
}
