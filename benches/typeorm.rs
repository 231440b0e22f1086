//! TypeORM reading benchmark: the static reader (`source::typeorm::load`) on a generated project
//! of 500 entity files, each with a few columns, an index, a many-to-one to the entity before it
//! and a shared abstract base in another file, listed by a DataSource glob. Figures are the
//! median and worst of 15 runs after one warm-up, in milliseconds. Nothing is asserted: this is a
//! measurement, not a test. The goal is under 100 ms.
//!
//! Run with `cargo bench --bench typeorm`. `MIGEN_BENCH_MODELS` (default 500) and
//! `MIGEN_BENCH_RUNS` (default 15) change the size and the number of runs.

use std::path::Path;

use migen::model::Dialect;
use migen::source::typeorm;

mod reading;
use reading::{env_number, time_reads, write};

fn project(root: &Path, models: usize) {
    write(
        root,
        "package.json",
        r#"{"name": "bench", "private": true}"#,
    );
    write(
        root,
        "src/data-source.ts",
        "import { DataSource } from 'typeorm';\n\nexport const AppDataSource = new DataSource({\n  type: 'postgres',\n  entities: ['src/entity/**/*.entity.ts'],\n  migrations: ['src/migrations/*.ts'],\n});\n",
    );
    write(
        root,
        "src/common/base.ts",
        "import { PrimaryGeneratedColumn, CreateDateColumn, UpdateDateColumn } from 'typeorm';\n\nexport abstract class Base {\n  @PrimaryGeneratedColumn() id: number;\n  @CreateDateColumn() createdAt: Date;\n  @UpdateDateColumn() updatedAt: Date;\n}\n",
    );
    for entity in 0..models {
        let relation = if entity == 0 {
            String::new()
        } else {
            let previous = entity - 1;
            format!("import {{ Thing{previous} }} from './thing{previous}.entity';\n")
        };
        let field = if entity == 0 {
            String::new()
        } else {
            format!(
                "  @ManyToOne(() => Thing{}, {{ onDelete: 'CASCADE' }}) parent: Thing{};\n",
                entity - 1,
                entity - 1
            )
        };
        write(
            root,
            &format!("src/entity/thing{entity}.entity.ts"),
            &format!(
                "import {{ Entity, Column, Index, ManyToOne }} from 'typeorm';\nimport {{ Base }} from '../common/base';\n{relation}\n@Entity()\nexport class Thing{entity} extends Base {{\n  @Index() @Column({{ length: 100 }}) name: string;\n  @Column({{ type: 'text', nullable: true }}) notes: string;\n  @Column({{ default: 0 }}) rank: number;\n  @Column({{ default: true }}) active: boolean;\n{field}}}\n"
            ),
        );
    }
}

fn main() {
    let models = env_number("MIGEN_BENCH_MODELS", 500);
    let dir = tempfile::tempdir().expect("a temporary directory");
    project(dir.path(), models);
    let (first, _) = typeorm::load(dir.path(), Dialect::Postgres).expect("reads");
    time_reads(
        &format!(
            "typeorm  {models} entity files, {} tables",
            first.tables.len()
        ),
        || typeorm::load(dir.path(), Dialect::Postgres).expect("reads"),
    );
}
