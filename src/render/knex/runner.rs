//! How `--with-tests` runs the migrations: Knex's own CLI (`knex migrate:latest`, then
//! `knex migrate:rollback --all`) against the test's scratch database, with a knexfile of its
//! own whose folder holds only the new files (the scratch database starts from the schema as
//! it was, not from the project's older migrations). TypeScript migrations load through the
//! project's ts-node, as Knex loads them in a TypeScript project.

use std::fmt::Write as _;

use crate::model::Dialect;
use crate::render::ArtifactKind;
use crate::render::layout::Rendered;
use crate::render::renderer::RunnerSteps;

/// Where a package resolves from the test's folder (the project's node_modules).
fn resolve(what: &str) -> String {
    format!("$(cd \"$here\" && node -p \"require.resolve('{what}')\")")
}

pub(super) fn steps(rendered: &Rendered, dialect: Dialect) -> RunnerSteps {
    let mut setup = format!(
        "# Knex runs the files: the project's own (found from this folder) or the package KNEX_PATH\n# names, with its drivers.\nknex_module=\"${{KNEX_PATH:-$(dirname \"{}\")}}\"\nknex_dir=\"$work/knex\"\nmkdir -p \"$knex_dir/migrations\"\n",
        resolve("knex/package.json")
    );
    let base = rendered.extras_dir.parent().unwrap_or(&rendered.extras_dir);
    let mut typescript = false;
    for artifact in &rendered.artifacts {
        if artifact.kind != ArtifactKind::Migration {
            continue;
        }
        typescript |= artifact.path.extension().is_some_and(|e| e == "ts");
        if let Ok(rest) = artifact.path.strip_prefix(base) {
            let _ = writeln!(
                setup,
                "cp \"$here/../{}\" \"$knex_dir/migrations/\"",
                rest.display()
            );
        }
    }
    let node = if typescript {
        let _ = writeln!(
            setup,
            "# TypeScript: compiled by the project's ts-node (types are the project build's job).\nts_node=\"{}\"\nexport TS_NODE_COMPILER_OPTIONS='{{\"module\":\"commonjs\"}}'",
            resolve("ts-node/register/transpile-only")
        );
        "node -r \"$ts_node\""
    } else {
        "node"
    };
    let (client, connection) = match dialect {
        Dialect::Postgres => ("pg", "process.env.MIGEN_KNEX_URL"),
        Dialect::Mysql => ("mysql2", "process.env.MIGEN_KNEX_URL"),
        Dialect::Sqlite => ("better-sqlite3", "{ filename: process.env.MIGEN_KNEX_URL }"),
    };
    setup.push_str(match dialect {
        Dialect::Postgres => "knex_url=\"$url\"\n",
        // The server URL with the scratch database as its path.
        Dialect::Mysql => {
            "[[ \"$server\" =~ ^[a-z]+://([^/]*) ]]\nknex_url=\"mysql://${BASH_REMATCH[1]}/$db\"\n"
        }
        Dialect::Sqlite => "knex_url=\"$db\"\n",
    });
    let _ = write!(
        setup,
        "cat > \"$knex_dir/knexfile.js\" <<'MIGEN_EOF'\n// MIGEN_KNEX_CLIENT names another driver package (sqlite3 instead of better-sqlite3).\nmodule.exports = {{\n  client: process.env.MIGEN_KNEX_CLIENT || '{client}',\n  connection: {connection},\n  useNullAsDefault: true,\n  migrations: {{ directory: __dirname + '/migrations' }},\n}};\nMIGEN_EOF\n"
    );
    let _ = write!(
        setup,
        "knex() {{\n  MIGEN_KNEX_URL=\"$knex_url\" KNEX_PATH=\"$knex_module\" {node} \"$knex_module/bin/cli.js\" --knexfile \"$knex_dir/knexfile.js\" \"$@\"\n}}\n"
    );
    RunnerSteps {
        setup,
        up: "echo \"run knex migrate:latest\"; knex migrate:latest\n".into(),
        down: "echo \"run knex migrate:rollback --all\"; knex migrate:rollback --all\n".into(),
        own_tables: "^knex_migrations(_lock)?\\.".into(),
    }
}
