//! The exact reading: the project's own Python imports the models and prints the DDL
//! SQLAlchemy compiles for the dialect, which migen then parses.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use crate::source::sql;

/// The exact reading: the project's own Python (`MIGEN_PYTHON`, else `python3`) imports the
/// models and prints the DDL SQLAlchemy compiles for the dialect, which migen then parses.
pub fn load_exact(path: &Path, dialect: Dialect) -> Result<Schema> {
    let text = exact_ddl(path, dialect)?;
    sql::parse(
        dialect,
        &text,
        &format!("{} (SQLAlchemy DDL)", path.display()),
    )
}

/// The DDL the project's SQLAlchemy compiles for its models (what `load_exact` parses).
pub fn exact_ddl(path: &Path, dialect: Dialect) -> Result<String> {
    let python = std::env::var("MIGEN_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = std::process::Command::new(&python)
        .arg("-c")
        .arg(EXACT_SCRIPT)
        .arg(path)
        .arg(dialect_url(dialect))
        .output()
        .map_err(|e| {
            Error::tool(
                &python,
                "--exact (importing the project's SQLAlchemy models)",
                "Python 3 with the project's packages (Debian: apt-get install python3), or name it with MIGEN_PYTHON",
                &e,
            )
        })?;
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "{python} could not import the SQLAlchemy models at {}:\n{}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).to_string())
}

fn dialect_url(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgresql://",
        // MariaDB's dialect, as SQLAlchemy picks it on a MariaDB server (native UUID).
        Dialect::Mysql => "mariadb://",
        Dialect::Sqlite => "sqlite://",
    }
}

/// Imports the models (a file, or the top-level modules of a directory or package), finds
/// every MetaData reachable from them and prints what `create_all` would execute, compiled by a
/// mock engine for the dialect (no database needed).
const EXACT_SCRIPT: &str = r#"
import importlib, os, sys
from sqlalchemy import MetaData, Table, create_mock_engine
path, url = os.path.abspath(sys.argv[1]), sys.argv[2]
if os.path.isdir(path):
    names = sorted(f[:-3] for f in os.listdir(path) if f.endswith(".py") and f not in ("env.py", "setup.py", "conftest.py"))
    if os.path.exists(os.path.join(path, "__init__.py")):
        root, prefix = os.path.dirname(path), os.path.basename(path) + "."
        names = [n for n in names if n != "__init__"]
    else:
        root, prefix = path, ""
else:
    root, prefix, names = os.path.dirname(path), "", [os.path.basename(path)[:-3]]
sys.path.insert(0, root)
metas = []
def add(m):
    if isinstance(m, MetaData) and all(m is not x for x in metas):
        metas.append(m)
for name in names:
    module = importlib.import_module(prefix + name)
    for value in list(vars(module).values()):
        add(value)
        if isinstance(value, (type, Table)):
            add(getattr(value, "metadata", None))
out = []
engine = create_mock_engine(url, lambda sql, *a, **k: out.append(str(sql.compile(dialect=engine.dialect)).strip()))
for m in metas:
    m.create_all(engine, checkfirst=False)
print(";\n\n".join(out) + (";" if out else ""))
"#;
