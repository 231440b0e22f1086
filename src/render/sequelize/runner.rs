//! How `--with-tests` runs the migrations: sequelize-cli itself (`db:migrate`, then
//! `db:migrate:undo` once per file) against the test's scratch database, with a config of its
//! own and a folder holding only the new files (the scratch database starts from the schema as
//! it was, not from the project's older migrations).

use std::fmt::Write as _;

use crate::model::Dialect;
use crate::render::ArtifactKind;
use crate::render::layout::{Rendered, Run};
use crate::render::renderer::RunnerSteps;

pub(super) fn steps(rendered: &Rendered, dialect: Dialect) -> RunnerSteps {
    let mut setup = String::from(
        "# sequelize-cli runs the files: the project's own (found from this folder) or the package\n# SEQUELIZE_CLI_PATH names, beside sequelize and the dialect's driver.\nsequelize_cli_module=\"${SEQUELIZE_CLI_PATH:-$(dirname \"$(cd \"$here\" && node -p \"require.resolve('sequelize-cli/package.json')\")\")}\"\nsequelize_dir=\"$work/sequelize\"\nmkdir -p \"$sequelize_dir/migrations\"\n",
    );
    let base = rendered.extras_dir.parent().unwrap_or(&rendered.extras_dir);
    for artifact in &rendered.artifacts {
        if artifact.kind != ArtifactKind::Migration {
            continue;
        }
        if let Ok(rest) = artifact.path.strip_prefix(base) {
            let _ = writeln!(
                setup,
                "cp \"$here/../{}\" \"$sequelize_dir/migrations/\"",
                rest.display()
            );
        }
    }
    setup.push_str(match dialect {
        Dialect::Postgres => {
            "config=\"{\\\"migen\\\": {\\\"url\\\": \\\"$url\\\", \\\"dialect\\\": \\\"postgres\\\", \\\"logging\\\": false}}\"\n"
        }
        // The server URL with the scratch database as its path; Sequelize's `mysql` dialect
        // (mysql2) also serves MariaDB.
        Dialect::Mysql => {
            "[[ \"$server\" =~ ^[a-z]+://([^/]*) ]]\nconfig=\"{\\\"migen\\\": {\\\"url\\\": \\\"mysql://${BASH_REMATCH[1]}/$db\\\", \\\"dialect\\\": \\\"mysql\\\", \\\"logging\\\": false}}\"\n"
        }
        Dialect::Sqlite => {
            "config=\"{\\\"migen\\\": {\\\"dialect\\\": \\\"sqlite\\\", \\\"storage\\\": \\\"$db\\\", \\\"logging\\\": false}}\"\n"
        }
    });
    setup.push_str(
        "printf '%s\\n' \"$config\" > \"$sequelize_dir/config.json\"\n# Run beside the node_modules holding sequelize-cli, so it finds sequelize and the driver there.\nsequelize_cli() {\n  (cd \"$sequelize_cli_module/../..\" && node \"$sequelize_cli_module/lib/sequelize\" \"$@\" --env migen --config \"$sequelize_dir/config.json\" --migrations-path \"$sequelize_dir/migrations\")\n}\n",
    );
    let files = rendered.up.len();
    let mut down = String::new();
    for _ in 0..files {
        down.push_str(
            "echo \"run sequelize-cli db:migrate:undo\"; sequelize_cli db:migrate:undo\n",
        );
    }
    RunnerSteps {
        setup,
        up: "echo \"run sequelize-cli db:migrate\"; sequelize_cli db:migrate\n".into(),
        down,
        own_tables: "^SequelizeMeta\\.".into(),
    }
}

/// sequelize-cli reverts one file per `db:migrate:undo`, and runs no file in a transaction of
/// its own: the guide says how many undos the change takes and which files hold their own.
pub(super) fn guide_notes(rendered: &Rendered) -> Option<String> {
    let files = rendered.up.len();
    if files == 0 {
        return None;
    }
    let own: Vec<String> = rendered
        .up
        .iter()
        .filter(|apply| matches!(apply.run, Run::Tool { transaction: false }))
        .map(|apply| format!("`{}`", apply.path.display()))
        .collect();
    let mut text = format!(
        "sequelize-cli's `db:migrate:undo` reverts the newest file only: undoing this change takes {files} call{}, newest first.",
        if files == 1 { "" } else { "s" }
    );
    if own.is_empty() {
        text.push_str(" Each file runs its statements in one transaction of its own (`queryInterface.sequelize.transaction`).");
    } else {
        let _ = write!(
            text,
            " {} run{} {} statements on one connection rather than in one `sequelize.transaction` (MySQL commits DDL on its own; PostgreSQL's concurrent index builds and SQLite's foreign-key switch cannot run inside a transaction), with BEGIN/COMMIT around the groups migen planned as one transaction.",
            own.join(", "),
            if own.len() == 1 { "s" } else { "" },
            if own.len() == 1 { "its" } else { "their" },
        );
    }
    text.push_str("\n\n");
    Some(text)
}
