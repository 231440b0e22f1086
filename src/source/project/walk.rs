//! The walk: a project's directories listed once, breadth first and within limits; files are
//! read later, and only at their head unless they are configuration.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Directories that hold dependencies, caches or build output, never the project's schema.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "venv",
    ".venv",
    "env",
    "__pycache__",
    "dist",
    "build",
    "site-packages",
    "vendor",
    "coverage",
];
/// Deeper than this a schema or migration folder is not looked for.
const MAX_DEPTH: usize = 12;
/// A repository with more directories than this is only partly walked (and a note says so).
const MAX_DIRS: usize = 50_000;
/// Source files read (at their head) to recognise models; past this, detection stops sniffing.
const MAX_SNIFFED_FILES: usize = 20_000;
/// How much of a source file is read to recognise it: imports and decorators sit at the top.
const HEAD_BYTES: usize = 4096;
/// Largest configuration file read whole (settings.py, package.json, a drizzle journal).
const CONFIG_BYTES: usize = 512 * 1024;

/// One directory's entries.
#[derive(Debug, Default)]
pub(super) struct Listing {
    pub(super) files: Vec<String>,
    pub(super) dirs: Vec<String>,
}

/// The directories of a project, walked once; files are read later only where needed.
pub(super) struct Tree {
    pub(super) root: PathBuf,
    /// Relative directory path → its listing; the root is the empty path.
    listings: HashMap<PathBuf, Listing>,
    /// Directories in walk order (parents before children, siblings by name).
    pub(super) order: Vec<PathBuf>,
    pub(super) notes: Vec<String>,
    sniffed: std::cell::Cell<usize>,
}

impl Tree {
    pub(super) fn walk(root: &Path) -> Tree {
        let mut tree = Tree {
            root: root.to_path_buf(),
            listings: HashMap::new(),
            order: Vec::new(),
            notes: Vec::new(),
            sniffed: std::cell::Cell::new(0),
        };
        // Breadth first, so shallow folders (the usual places) are seen before any limit.
        let mut queue = std::collections::VecDeque::from([(PathBuf::new(), 0usize)]);
        while let Some((relative, depth)) = queue.pop_front() {
            if tree.order.len() >= MAX_DIRS {
                tree.notes.push(format!(
                    "stopped looking after {MAX_DIRS} directories: set [schema] source and [migrations] dir in migen.toml"
                ));
                break;
            }
            let Ok(entries) = std::fs::read_dir(root.join(&relative)) else {
                continue;
            };
            let mut listing = Listing::default();
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                if kind.is_dir() {
                    listing.dirs.push(name);
                } else if kind.is_file() {
                    listing.files.push(name);
                }
            }
            listing.files.sort();
            listing.dirs.sort();
            if depth < MAX_DEPTH {
                for dir in &listing.dirs {
                    if !skipped_dir(dir) {
                        queue.push_back((relative.join(dir), depth + 1));
                    }
                }
            }
            tree.order.push(relative.clone());
            tree.listings.insert(relative, listing);
        }
        tree
    }

    pub(super) fn listing(&self, dir: &Path) -> Option<&Listing> {
        self.listings.get(dir)
    }

    pub(super) fn has_file(&self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        self.listing(parent)
            .is_some_and(|l| l.files.iter().any(|f| f.as_str() == name))
    }

    /// Every file as (directory, name), directories in walk order.
    pub(super) fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.order.iter().flat_map(move |dir| {
            self.listings[dir]
                .files
                .iter()
                .map(move |f| (dir.as_path(), f.as_str()))
        })
    }

    /// The first `HEAD_BYTES` of a file, or "" once the sniffing budget is spent.
    pub(super) fn head(&self, path: &Path) -> String {
        if self.sniffed.get() >= MAX_SNIFFED_FILES {
            return String::new();
        }
        self.sniffed.set(self.sniffed.get() + 1);
        read_head(&self.root.join(path), HEAD_BYTES)
    }

    pub(super) fn read(&self, path: &Path) -> Option<String> {
        let text = read_head(&self.root.join(path), CONFIG_BYTES);
        (!text.is_empty()).then_some(text)
    }
}

fn skipped_dir(name: &str) -> bool {
    // Hidden folders (.git, .next, .tox, .mypy_cache …) hold no project schema.
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Up to `limit` bytes of a file as text (a cut UTF-8 character is dropped).
fn read_head(path: &Path, limit: usize) -> String {
    let Ok(file) = std::fs::File::open(path) else {
        return String::new();
    };
    let mut bytes = Vec::new();
    if file.take(limit as u64).read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

impl Tree {
    /// A folder, its subfolders and theirs (enough for Prisma folders and drizzle's meta/).
    pub(super) fn walk_shallow(base: &Path) -> Tree {
        let mut tree = Tree {
            root: base.to_path_buf(),
            listings: HashMap::new(),
            order: Vec::new(),
            notes: Vec::new(),
            sniffed: std::cell::Cell::new(0),
        };
        let mut pending = vec![(PathBuf::new(), 0)];
        while let Some((relative, depth)) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(base.join(&relative)) else {
                continue;
            };
            let mut listing = Listing::default();
            for entry in entries.flatten() {
                let (Ok(kind), Some(name)) = (
                    entry.file_type(),
                    entry.file_name().to_str().map(String::from),
                ) else {
                    continue;
                };
                if kind.is_dir() {
                    listing.dirs.push(name);
                } else if kind.is_file() {
                    listing.files.push(name);
                }
            }
            listing.files.sort();
            listing.dirs.sort();
            if depth < 1 {
                for dir in &listing.dirs {
                    pending.push((relative.join(dir), depth + 1));
                }
            }
            tree.order.push(relative.clone());
            tree.listings.insert(relative, listing);
        }
        tree
    }
}

/// A relative path without its `./` parts, as migen.toml and tool configs often write them.
pub(super) fn strip_dot(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::source::project::tests::detect_files;

    #[test]
    fn dependency_and_hidden_folders_are_skipped() {
        let project = detect_files(&[
            (
                "node_modules/pkg/prisma/migrations/1_x/migration.sql",
                "SELECT 1;",
            ),
            ("node_modules/pkg/src/user.entity.ts", "@Entity()\n"),
            (
                ".venv/lib/site/models.py",
                "from sqlalchemy.orm import DeclarativeBase\n",
            ),
            (
                "venv/lib/db.py",
                "from sqlalchemy.orm import DeclarativeBase\n",
            ),
            ("target/migrations/001_a.sql", "SELECT 1;"),
            ("dist/migrations/001_a.sql", "SELECT 1;"),
            (".git/migrations/001_a.sql", "SELECT 1;"),
            ("build/x.entity.ts", ""),
            ("src/__pycache__/db.py", "DeclarativeBase"),
        ]);
        assert!(
            project.schema_sources.is_empty(),
            "{:?}",
            project.schema_sources
        );
        assert!(project.migrations.is_empty(), "{:?}", project.migrations);
    }
}
