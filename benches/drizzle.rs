//! drizzle reading benchmark: the static reader (`source::drizzle::load`) on a generated
//! project of 500 tables in 50 schema files (the config's folder), each table with a few
//! columns, spread shared timestamps from another file, a reference to the table before it, an
//! index and a unique constraint, on PostgreSQL. Figures are the median and worst of 15 runs after
//! one warm-up, in milliseconds. Only the table count is checked: this is a measurement, not a
//! test. The goal is under 100 ms.
//!
//! Run with `cargo bench --bench drizzle`. `MIGEN_BENCH_MODELS` (default 500) and
//! `MIGEN_BENCH_RUNS` (default 15) change the size and the number of runs.

use std::fmt::Write as _;
use std::path::Path;

use migen::model::Dialect;
use migen::source::drizzle;

mod reading;
use reading::{env_number, time_reads, write};

const TABLES_PER_FILE: usize = 10;

const IMPORTS: &str = "import { pgTable, serial, integer, varchar, text, boolean, timestamp, index, unique } from \"drizzle-orm/pg-core\";\nimport { timestamps } from \"./shared\";\n";

fn project(root: &Path, tables: usize) {
    write(
        root,
        "drizzle.config.ts",
        "import { defineConfig } from \"drizzle-kit\";\n\nexport default defineConfig({\n  dialect: \"postgresql\",\n  schema: \"./src/db\",\n  out: \"./drizzle\",\n});\n",
    );
    write(
        root,
        "src/db/shared.ts",
        "import { timestamp } from \"drizzle-orm/pg-core\";\n\nexport const timestamps = {\n  createdAt: timestamp(\"created_at\").defaultNow().notNull(),\n  updatedAt: timestamp(\"updated_at\"),\n};\n",
    );
    let files = tables.div_ceil(TABLES_PER_FILE);
    for file in 0..files {
        let mut text = String::from(IMPORTS);
        if file > 0 {
            let last = file * TABLES_PER_FILE - 1;
            writeln!(
                text,
                "import {{ thing{last} }} from \"./things{}\";",
                file - 1
            )
            .unwrap();
        }
        for table in file * TABLES_PER_FILE..((file + 1) * TABLES_PER_FILE).min(tables) {
            let parent = match table {
                0 => String::new(),
                _ => format!(
                    "  parentId: integer(\"parent_id\").references(() => thing{}.id, {{ onDelete: \"cascade\" }}),\n",
                    table - 1
                ),
            };
            write!(
                text,
                "\nexport const thing{table} = pgTable(\n  \"thing{table}\",\n  {{\n    id: serial(\"id\").primaryKey(),\n    name: varchar(\"name\", {{ length: 100 }}).notNull(),\n    notes: text(\"notes\"),\n    rank: integer(\"rank\").notNull().default(0),\n    active: boolean(\"active\").default(true),\n  {parent}    ...timestamps,\n  }},\n  (t) => [index(\"thing{table}_name_idx\").on(t.name), unique().on(t.name, t.rank)],\n);\n"
            )
            .unwrap();
        }
        write(root, &format!("src/db/things{file}.ts"), &text);
    }
}

fn main() {
    let tables = env_number("MIGEN_BENCH_MODELS", 500);
    let dir = tempfile::tempdir().expect("a temporary directory");
    project(dir.path(), tables);
    let (first, _) = drizzle::load(dir.path(), Dialect::Postgres).expect("reads");
    assert_eq!(first.tables.len(), tables, "every table read");
    time_reads(
        &format!(
            "drizzle  {} schema files, {} tables",
            tables.div_ceil(TABLES_PER_FILE) + 1,
            first.tables.len()
        ),
        || drizzle::load(dir.path(), Dialect::Postgres).expect("reads"),
    );
}
