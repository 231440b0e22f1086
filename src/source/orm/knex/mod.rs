//! Knex projects as a source. Knex has no models: a project's schema is what its migrations
//! build. `migrations:DIR` of a Knex folder (or the folder, or the project holding its
//! knexfile, as a path) runs the project's own Knex (from its node_modules) over every
//! migration on a scratch database, SQLite by default or the server the dialect needs, reads
//! the result back and drops the scratch. The same run records the SQL each migration executed,
//! which `migen lint` judges (`lint_sql`).
//!
//! The knexfile is read statically (`knexfile`): its `client` gives the dialect, its
//! `migrations` settings the folder, extension and tracking table.

pub mod knexfile;
pub(crate) mod reader;
mod run;

use std::path::{Path, PathBuf};

pub use knexfile::{Knexfile, client_dialect};
pub use run::{Applied, Context, MigrationSql, NODE_VAR, apply, context, folder_dialect};

use crate::source::project::{MigrationTool, classify_dir};

/// The file endings of Knex migrations migen recognises.
const CODE_ENDINGS: [&str; 6] = [".js", ".cjs", ".mjs", ".ts", ".cts", ".mts"];

/// Whether `path` is a folder of Knex migrations: `<14 digits>_<name>.js` files (as `knex
/// migrate:make` names them), or code files in the folder a knexfile up to three folders above
/// names as its migrations directory.
pub fn is_knex_folder(path: &Path) -> bool {
    if !path.is_dir() {
        return false;
    }
    if classify_dir(Path::new(""), path).is_some_and(|f| f.tool == MigrationTool::Knex) {
        return true;
    }
    let has_code = std::fs::read_dir(path).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| is_migration_name(&e.path()))
    });
    let Ok(absolute) = std::path::absolute(path) else {
        return false;
    };
    has_code
        && absolute.ancestors().skip(1).take(3).any(|dir| {
            knexfile::find_in(dir)
                .and_then(|file| knexfile::read(&file).ok())
                .is_some_and(|settings| {
                    settings
                        .migration_dirs()
                        .iter()
                        .any(|named| normalized(&dir.join(named)) == normalized(&absolute))
                })
        })
}

/// A path with `.` and `..` steps resolved by name (the folder may be named either way).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether `path` is a Knex migration file: code in a Knex folder.
pub fn is_knex_migration(path: &Path) -> bool {
    is_migration_name(path) && path.parent().is_some_and(is_knex_folder)
}

/// Whether a file's name is that of code Knex loads as a migration (`.js`, `.ts`, … but not
/// type declarations).
pub fn is_migration_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    CODE_ENDINGS.iter().any(|e| name.ends_with(e)) && !name.ends_with(".d.ts")
}

/// The Knex migrations folder a path stands for: a Knex folder itself, or the first
/// migrations directory of the knexfile in a project folder (which may not exist yet).
pub fn migrations_folder(path: &Path) -> Option<PathBuf> {
    if is_knex_folder(path) {
        return Some(path.to_path_buf());
    }
    let knexfile = knexfile::find_in(path)?;
    let settings = knexfile::read(&knexfile).ok()?;
    let first = settings.migration_dirs().into_iter().next()?;
    Some(path.join(first))
}

/// Where a statement a migration ran stands in its file: where the SQL is written out (a
/// `knex.raw`), else where `up` is defined, else the top. 1-based line and column.
pub fn locate(source: &str, sql: &str) -> (u64, u64) {
    let head: String = sql.lines().next().unwrap_or("").chars().take(40).collect();
    let written = (head.len() >= 8)
        .then(|| source.find(head.trim()))
        .flatten();
    let up = || {
        [
            "exports.up",
            "export async function up",
            "export function up",
            "export const up",
            "async up(",
            "up:",
        ]
        .iter()
        .find_map(|marker| source.find(marker))
    };
    match written.or_else(up) {
        Some(at) => line_column(source, at),
        None => (1, 1),
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_the_knexfile_names_holds_knex_migrations_whatever_their_names() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("db/knex/001_init.js", "exports.up = () => {};\n");
        write("other/001_init.js", "exports.up = () => {};\n");
        assert!(!is_knex_folder(&dir.path().join("db/knex")));
        write(
            "knexfile.js",
            "module.exports = { client: 'pg', migrations: { directory: './db/knex' } };\n",
        );
        assert!(is_knex_folder(&dir.path().join("db/knex")));
        assert!(is_knex_folder(&dir.path().join("db/./knex")));
        assert!(!is_knex_folder(&dir.path().join("other")));
        assert!(is_knex_migration(&dir.path().join("db/knex/001_init.js")));
    }

    #[test]
    fn statements_are_placed_where_written_else_at_up() {
        let source = "// add an index\nexports.up = async (knex) => {\n  await knex.raw('CREATE INDEX users_email_idx ON users (email)');\n  await knex.schema.alterTable('users', (t) => t.text('bio'));\n};\n";
        assert_eq!(
            locate(source, "CREATE INDEX users_email_idx ON users (email)"),
            (3, 19)
        );
        assert_eq!(
            locate(source, "alter table `users` add column `bio` text"),
            (2, 1)
        );
        assert_eq!(locate("", "x"), (1, 1));
    }
}
