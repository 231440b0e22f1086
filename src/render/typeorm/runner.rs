//! How `--with-tests` runs the migrations: the project's own TypeORM CLI, one class at a time,
//! with the transaction mode each class needs.

use std::fmt::Write as _;

use crate::model::Dialect;
use crate::render::extras::test_script::relative;
use crate::render::layout::{Apply, Rendered, Run};
use crate::render::renderer::RunnerSteps;

pub(super) fn steps(rendered: &Rendered, dialect: Dialect) -> RunnerSteps {
    RunnerSteps {
        setup: prelude(dialect),
        up: calls(&rendered.up, rendered, "up"),
        down: calls(&rendered.down, rendered, "down"),
        own_tables: "^migrations\\.".into(),
    }
}

/// One CLI call per class. TypeORM honours a class's `transaction = false` only outside its
/// `all` mode, and reverts in a transaction unless told `-t none`.
fn calls(applies: &[Apply], rendered: &Rendered, direction: &str) -> String {
    let mut s = String::new();
    for apply in applies {
        let path = relative(&apply.path, &rendered.extras_dir);
        let mode = match (apply.run, direction) {
            (Run::Tool { transaction: false }, "up") => "each",
            (Run::Tool { transaction: false }, _) => "none",
            _ => "all",
        };
        let _ = writeln!(
            s,
            "echo \"{direction} {path}\"; typeorm_{direction} \"$here/{path}\" {mode}"
        );
    }
    s
}

/// The TypeORM runner: the project's own TypeORM CLI (ts-node for `.ts` files) with a
/// DataSource on the scratch database that lists the migrations run so far.
fn prelude(dialect: Dialect) -> String {
    let connection = match dialect {
        Dialect::Postgres => r#"connection="{\"type\": \"postgres\", \"url\": \"$url\"}""#,
        Dialect::Mysql => {
            r#"[[ "$server" =~ ^[a-z]+://([^/]*) ]]
connection="{\"type\": \"mysql\", \"url\": \"mysql://${BASH_REMATCH[1]}/$db\"}""#
        }
        Dialect::Sqlite => r#"connection="{\"type\": \"better-sqlite3\", \"database\": \"$db\"}""#,
    };
    format!("{connection}\n{TYPEORM}")
}

const TYPEORM: &str = r#"# Run from the project's root (TypeORM in its node_modules), or name it in MIGEN_TYPEORM_PROJECT.
project="$(cd "${MIGEN_TYPEORM_PROJECT:-$PWD}" && pwd)"
if [[ ! -f "$project/node_modules/typeorm/cli.js" ]]; then
  echo "no TypeORM in $project/node_modules: run from the project's root or set MIGEN_TYPEORM_PROJECT" >&2; exit 2
fi
export MIGEN_TYPEORM_PROJECT="$project" MIGEN_TYPEORM_CONNECTION="$connection" MIGEN_TYPEORM_MIGRATIONS="" TS_NODE_TRANSPILE_ONLY=true
# TypeORM's CLI requires the migrations, so ts-node compiles them to CommonJS unless told otherwise.
if [[ -z "${TS_NODE_COMPILER_OPTIONS:-}" ]]; then export TS_NODE_COMPILER_OPTIONS='{"module": "commonjs"}'; fi
cat > "$work/data-source.js" <<'MIGEN_EOF'
const { DataSource } = require(require.resolve("typeorm", { paths: [process.env.MIGEN_TYPEORM_PROJECT] }));
module.exports = new DataSource({
  ...JSON.parse(process.env.MIGEN_TYPEORM_CONNECTION),
  migrations: process.env.MIGEN_TYPEORM_MIGRATIONS.split("\n").filter(Boolean),
});
MIGEN_EOF
# typeorm FILE COMMAND MODE: TypeORM's CLI, loading TypeScript migrations through ts-node.
typeorm() {
  local loader=()
  if [[ "$1" == *.ts ]]; then loader=(-r ts-node/register); fi
  if ! (cd "$project" && node "${loader[@]}" node_modules/typeorm/cli.js "$2" -d "$work/data-source.js" -t "$3") > "$work/typeorm.log" 2>&1; then
    cat "$work/typeorm.log" >&2; fail "typeorm $2 ($1)"
  fi
}
# Each step lists one more migration, so migration:run runs just that one; a revert undoes the newest.
typeorm_up() { MIGEN_TYPEORM_MIGRATIONS+="$1"$'\n'; typeorm "$1" migration:run "$2"; }
typeorm_down() { typeorm "$1" migration:revert "$2"; }
"#;
