//! How `--with-tests` runs the migration: drizzle-kit's own `migrate` applies the new journal
//! entries to the test's scratch database (a config and a journal of their own, holding only
//! the new entries: the scratch database starts from the schema as it was, not from the
//! project's older migrations); drizzle-kit has no down, so the down files run with the
//! database's client.

use std::fmt::Write as _;

use serde_json::json;

use crate::model::Dialect;
use crate::render::ArtifactKind;
use crate::render::extras::test_script::relative;
use crate::render::layout::Rendered;
use crate::render::renderer::RunnerSteps;

pub(super) fn steps(rendered: &Rendered, dialect: Dialect) -> RunnerSteps {
    let mut setup = String::from(
        "# drizzle-kit runs the new entries: the project's own (found from this folder) or the package\n# DRIZZLE_KIT_PATH names, beside drizzle-orm and the dialect's driver.\ndrizzle_kit_module=\"${DRIZZLE_KIT_PATH:-$(dirname \"$(cd \"$here\" && node -p \"require.resolve('drizzle-kit')\")\")}\"\ndrizzle_dir=\"$work/drizzle\"\nmkdir -p \"$drizzle_dir/meta\"\n",
    );
    for artifact in &rendered.artifacts {
        if artifact.kind == ArtifactKind::Migration {
            let path = relative(&artifact.path, &rendered.extras_dir);
            let _ = writeln!(setup, "cp \"$here/{path}\" \"$drizzle_dir/\"");
        }
    }
    let (kit_dialect, url) = match dialect {
        Dialect::Postgres => ("postgresql", "$url"),
        // The server URL with the scratch database as its path (mysql2 also serves MariaDB).
        Dialect::Mysql => ("mysql", "mysql://${BASH_REMATCH[1]}/$db"),
        Dialect::Sqlite => ("sqlite", "$db"),
    };
    // The migrator applies the entries in the journal's order, each newer than the last.
    let entries: Vec<serde_json::Value> = rendered
        .versions
        .iter()
        .enumerate()
        .map(|(idx, tag)| json!({ "idx": idx, "version": "7", "when": idx + 1, "tag": tag, "breakpoints": true }))
        .collect();
    let journal = json!({ "version": "7", "dialect": kit_dialect, "entries": entries });
    let _ = writeln!(
        setup,
        "cat > \"$drizzle_dir/meta/_journal.json\" <<'MIGEN_EOF'\n{journal}\nMIGEN_EOF"
    );
    if dialect == Dialect::Mysql {
        setup.push_str("[[ \"$server\" =~ ^[a-z]+://([^/]*) ]]\n");
    }
    let _ = writeln!(
        setup,
        "cat > \"$drizzle_dir/drizzle.config.ts\" <<MIGEN_EOF\nexport default {{ dialect: \"{kit_dialect}\", out: \"$drizzle_dir\", dbCredentials: {{ url: \"{url}\" }} }};\nMIGEN_EOF"
    );
    setup.push_str(
        "# Run beside the node_modules holding drizzle-kit, so it finds drizzle-orm and the driver there.\ndrizzle_kit() {\n  (cd \"$drizzle_kit_module/../..\" && node \"$drizzle_kit_module/bin.cjs\" \"$@\" --config \"$drizzle_dir/drizzle.config.ts\")\n}\n",
    );
    let mut down = String::new();
    for apply in &rendered.down {
        let path = relative(&apply.path, &rendered.extras_dir);
        let _ = writeln!(down, "echo \"run {path}\"; statements \"$here/{path}\"");
    }
    RunnerSteps {
        setup,
        up: "echo \"run drizzle-kit migrate\"; drizzle_kit migrate\n".into(),
        down,
        // drizzle's bookkeeping table (in the `drizzle` schema on PostgreSQL).
        own_tables: "(^|\\.)__drizzle_migrations\\.".into(),
    }
}
