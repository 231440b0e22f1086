//! Sequelize reading benchmark: the static reader (`source::sequelize::load`) on a generated
//! sequelize-cli project of 500 model files (`module.exports = (sequelize, DataTypes) => …`),
//! each with a few attributes, an index and an `associate` that makes it belong to the model
//! before it. Figures are the median and worst of 15 runs after one warm-up, in milliseconds.
//! Nothing is asserted: this is a measurement, not a test. The goal is under 100 ms.
//!
//! Run with `cargo bench --bench sequelize`. `MIGEN_BENCH_MODELS` (default 500) and
//! `MIGEN_BENCH_RUNS` (default 15) change the size and the number of runs.

use std::path::Path;

use migen::model::Dialect;
use migen::source::sequelize;

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
        "config/config.json",
        r#"{"development": {"dialect": "postgres", "database": "bench"}}"#,
    );
    for model in 0..models {
        let associate = if model == 0 {
            String::new()
        } else {
            format!(
                "  Thing{model}.associate = (models) => {{\n    Thing{model}.belongsTo(models.Thing{}, {{ onDelete: 'CASCADE' }});\n  }};\n",
                model - 1
            )
        };
        write(
            root,
            &format!("models/thing{model}.js"),
            &format!(
                "'use strict';\nmodule.exports = (sequelize, DataTypes) => {{\n  const Thing{model} = sequelize.define('Thing{model}', {{\n    name: {{ type: DataTypes.STRING(100), allowNull: false }},\n    notes: DataTypes.TEXT,\n    rank: {{ type: DataTypes.INTEGER, defaultValue: 0 }},\n    active: {{ type: DataTypes.BOOLEAN, defaultValue: true }},\n    status: DataTypes.ENUM('new', 'done'),\n  }}, {{\n    indexes: [{{ fields: ['name'] }}],\n  }});\n{associate}  return Thing{model};\n}};\n"
            ),
        );
    }
}

fn main() {
    let models = env_number("MIGEN_BENCH_MODELS", 500);
    let dir = tempfile::tempdir().expect("a temporary directory");
    project(dir.path(), models);
    let (first, _) = sequelize::load(dir.path(), Dialect::Postgres).expect("reads");
    time_reads(
        &format!(
            "sequelize  {models} model files, {} tables",
            first.tables.len()
        ),
        || sequelize::load(dir.path(), Dialect::Postgres).expect("reads"),
    );
}
