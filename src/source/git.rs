//! `git:REV:path`: a schema file (or a directory of `.sql` or `.prisma` files) as it was at a revision.
//! The path is relative to the current directory, as on the command line. A path that did
//! not exist at the revision is an empty schema: the file is new since then. Python sources
//! (Django projects, SQLAlchemy models) are read from a `Checkout` of the files near the path.

use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// What `git:REV:path` holds: each file's name and text (a directory's `.sql` files in name
/// order), or `None` when the path did not exist at `rev`.
pub fn files_at(rev: &str, path: &Path) -> Result<Option<Vec<(String, String)>>> {
    let spec = format!("git:{rev}:{}", path.display());
    let relative = format!("./{}", path.display());
    verify_revision(Path::new("."), rev, &spec)?;
    let kind =
        git(&["cat-file", "-t", &format!("{rev}:{relative}")]).map_err(|e| no_git(&spec, &e))?;
    if !kind.status.success() {
        let why = String::from_utf8_lossy(&kind.stderr);
        if why.contains("not a git repository") {
            return Err(Error::Usage(format!(
                "{spec}: the current directory is not in a git repository"
            )));
        }
        // Only a path missing at the revision is an empty schema; one outside the repository
        // names nothing git keeps.
        if why.contains("outside repository") {
            return Err(Error::Usage(format!(
                "{spec}: the path is outside the git repository"
            )));
        }
        return Ok(None);
    }
    let names: Vec<String> = match String::from_utf8_lossy(&kind.stdout).trim() {
        "tree" => {
            let listing = git(&["ls-tree", "--name-only", &format!("{rev}:{relative}")])
                .map_err(|e| no_git(&spec, &e))?;
            let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
            let listed: Vec<&str> = listing.lines().collect();
            // A directory holding `.prisma` files is a Prisma schema; otherwise its `.sql` files.
            let extension = if listed.iter().any(|n| n.ends_with(".prisma")) {
                ".prisma"
            } else {
                ".sql"
            };
            let mut names: Vec<String> = listed
                .iter()
                .filter(|n| n.ends_with(extension))
                .map(|n| format!("{relative}/{n}"))
                .collect();
            names.sort();
            names
        }
        _ => vec![relative.clone()],
    };
    let mut files = Vec::new();
    for name in names {
        let shown = git(&["show", &format!("{rev}:{name}")]).map_err(|e| no_git(&spec, &e))?;
        if !shown.status.success() {
            return Err(Error::Usage(format!(
                "{spec}: git show failed: {}",
                String::from_utf8_lossy(&shown.stderr).trim()
            )));
        }
        let label = format!("git:{rev}:{}", name.trim_start_matches("./"));
        let text = super::text_of(&label, shown.stdout)?;
        files.push((label, text));
    }
    Ok(Some(files))
}

/// git could not be started: the machine lacks it (exit 5), the spec is fine.
fn no_git(spec: &str, error: &std::io::Error) -> Error {
    Error::tool(
        "git",
        &format!("reading {spec}"),
        "git (Debian: apt-get install git)",
        error,
    )
}

fn git(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("git").args(args).output()
}

/// How far above the spec's path a checkout reaches: `alembic.ini` sits up to three folders above
/// the models (`sqlalchemy::alembic_dialect` looks that far), a Django app's `models.py` imports
/// from its project.
const SCOPE_LEVELS: usize = 3;

/// `git:REV:path` checked out into a temporary folder, for readers that need a real directory
/// (Django projects, SQLAlchemy models, which import across files). The folder is removed when
/// this is dropped. Only the part of the repository near the path is written: the path (a file,
/// or a directory with everything in it), plus the Python and config files up to
/// `SCOPE_LEVELS` folders above it.
#[derive(Debug)]
pub struct Checkout {
    /// The temporary folder (removed on drop).
    temp: PathBuf,
    /// Where the scope folder was written: `temp/<the scope folder's own name>`, so a reader that
    /// names things after a folder (a Django app label) sees the same name as in the working tree.
    scope: PathBuf,
    /// The spec's path inside the checkout.
    path: PathBuf,
    /// `git:REV:path` as given.
    spec: String,
    /// `git:REV:`, how messages name the revision.
    rev_label: String,
    /// The scope relative to the current directory (empty when it is the current directory).
    label: String,
}

impl Checkout {
    /// The spec's path as a local file or directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `text` with the checkout's temporary paths named as `git:REV:path` instead.
    pub fn relabel(&self, text: &str) -> String {
        let scope = self.scope.display().to_string();
        // The spec's own path as the user wrote it; other files by their place in the scope.
        let text = text.replace(&self.path.display().to_string(), &self.spec);
        let (inside, itself) = if self.label.is_empty() {
            (self.rev_label.clone(), format!("{}.", self.rev_label))
        } else {
            (
                format!("{}{}/", self.rev_label, self.label),
                format!("{}{}", self.rev_label, self.label),
            )
        };
        text.replace(&format!("{scope}/"), &inside)
            .replace(&scope, &itself)
    }

    /// An error from reading the checkout, naming `git:REV:path` instead of the temporary folder.
    pub fn relabel_error(&self, error: Error) -> Error {
        match error {
            Error::Parse {
                mut location,
                message,
            } => {
                location.file = self.relabel(&location.file);
                Error::Parse {
                    location,
                    message: self.relabel(&message),
                }
            }
            Error::Io { path, source } => Error::Usage(format!(
                "{}: {source}",
                self.relabel(&path.display().to_string())
            )),
            Error::Usage(message) => Error::Usage(self.relabel(&message)),
            Error::Question(message) => Error::Question(self.relabel(&message)),
            other => other,
        }
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

/// Write `git:REV:path` into a temporary folder; `None` when the path did not exist at `rev`.
pub fn checkout(rev: &str, path: &Path) -> Result<Option<Checkout>> {
    checkout_from(Path::new("."), rev, path)
}

/// `checkout` with `path` relative to `here` rather than the current directory.
fn checkout_from(here: &Path, rev: &str, path: &Path) -> Result<Option<Checkout>> {
    let spec = format!("git:{rev}:{}", path.display());
    verify_revision(here, rev, &spec)?;
    let cannot_run = |e: std::io::Error| no_git(&spec, &e);
    let top = git_text(here, &["rev-parse", "--show-toplevel"], &spec)?;
    let prefix = git_text(here, &["rev-parse", "--show-prefix"], &spec)?;
    let in_repo = normalize(&Path::new(&prefix).join(path))
        .ok_or_else(|| Error::Usage(format!("{spec}: the path is outside the git repository")))?;
    let object = format!("{rev}:{}", slashed(&in_repo));
    let kind = Command::new("git")
        .args(["-C", &top, "cat-file", "-t", &object])
        .output()
        .map_err(cannot_run)?;
    if !kind.status.success() {
        return Ok(None);
    }
    let is_tree = String::from_utf8_lossy(&kind.stdout).trim() == "tree";
    let own_folder = if is_tree {
        in_repo.clone()
    } else {
        in_repo.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let mut scope = own_folder.clone();
    for _ in 0..SCOPE_LEVELS {
        if !scope.pop() {
            break;
        }
    }
    // The spec's own path within the scope: a directory is written whole, a file alone.
    let own = in_repo.strip_prefix(&scope).unwrap_or(Path::new(""));
    let scope_name = Path::new(&top)
        .join(&scope)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repository".into());
    let temp = unique_temp_dir().map_err(|e| Error::Usage(format!("{spec}: {e}")))?;
    let local_scope = temp.join(&scope_name);
    let checkout = Checkout {
        temp,
        scope: local_scope.clone(),
        path: local_scope.join(in_repo.strip_prefix(&scope).unwrap_or(&in_repo)),
        spec: spec.clone(),
        rev_label: format!("git:{rev}:"),
        label: slashed(&relative_to(&prefix, &scope)),
    };
    std::fs::create_dir_all(&local_scope).map_err(|e| {
        Error::Usage(format!(
            "{spec}: cannot create {}: {e}",
            local_scope.display()
        ))
    })?;
    let listing = Command::new("git")
        .args(["-C", &top, "ls-tree", "-r", "-z"])
        .arg(format!("{rev}:{}", slashed(&scope)))
        .output()
        .map_err(cannot_run)?;
    if !listing.status.success() {
        return Err(Error::Usage(format!(
            "{spec}: git ls-tree failed: {}",
            String::from_utf8_lossy(&listing.stderr).trim()
        )));
    }
    // (object, path in the scope) of the files to write: the path's own (all of a directory),
    // the Python and config files elsewhere in the scope.
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    for entry in listing.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, object) = (meta.next(), meta.next(), meta.next());
        // Regular files only: not submodules, not symbolic links.
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        let name = PathBuf::from(name);
        let nearby = ["py", "ini", "cfg", "toml"]
            .iter()
            .any(|ext| name.extension().is_some_and(|e| e == *ext));
        let own_files = if is_tree {
            name.starts_with(own)
        } else {
            name == own
        };
        if own_files || nearby {
            wanted.push((object.unwrap_or_default().to_string(), name));
        }
    }
    write_objects(&top, &wanted, &local_scope)
        .map_err(|e| Error::Usage(format!("{spec}: could not write the files at {rev}: {e}")))?;
    Ok(Some(checkout))
}

/// Write each (object, path) to `dir/path`, read with one `git cat-file --batch`.
fn write_objects(top: &str, wanted: &[(String, PathBuf)], dir: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut batch = Command::new("git")
        .args(["-C", top, "cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut stdin = batch.stdin.take().expect("piped");
    let names: String = wanted
        .iter()
        .map(|(object, _)| format!("{object}\n"))
        .collect();
    // Written from a thread: git answers while it reads, and a full pipe would stall both.
    let feeder = std::thread::spawn(move || stdin.write_all(names.as_bytes()));
    let mut out = BufReader::new(batch.stdout.take().expect("piped"));
    for (object, path) in wanted {
        let mut header = String::new();
        out.read_line(&mut header)?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("git cat-file: {object}: {header}")))?;
        let mut content = vec![0; size + 1];
        out.read_exact(&mut content)?;
        content.pop();
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, content)?;
    }
    feeder.join().expect("the feeding thread does not panic")?;
    batch.wait()?;
    Ok(())
}

fn verify_revision(here: &Path, rev: &str, spec: &str) -> Result<()> {
    // Whether the revision exists at all (a typo must not read as "the file is new").
    let verified = Command::new("git")
        .arg("-C")
        .arg(here)
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .output();
    match verified {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("not a git repository") => {
            Err(Error::Usage(format!(
                "{spec}: the current directory is not in a git repository"
            )))
        }
        Ok(_) => Err(Error::Usage(format!(
            "{spec}: `{rev}` is not a revision of this git repository"
        ))),
        Err(e) => Err(no_git(spec, &e)),
    }
}

/// One line git prints for `args` (a path, a prefix), trimmed.
fn git_text(here: &Path, args: &[&str], spec: &str) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(here)
        .args(args)
        .output()
        .map_err(|e| no_git(spec, &e))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "{spec}: git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `path` without `.` and with `a/..` folded; `None` when it climbs above its start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => parts.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// How to reach `target` (relative to the repository's root) from `prefix` (the current
/// directory, relative to the same root).
fn relative_to(prefix: &str, target: &Path) -> PathBuf {
    let here: Vec<&str> = prefix.split('/').filter(|p| !p.is_empty()).collect();
    let there: Vec<String> = target
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let shared = here
        .iter()
        .zip(&there)
        .take_while(|(a, b)| **a == b.as_str())
        .count();
    let mut path = PathBuf::new();
    for _ in shared..here.len() {
        path.push("..");
    }
    for part in &there[shared..] {
        path.push(part);
    }
    path
}

/// A path with `/` separators, as git names tree entries.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn unique_temp_dir() -> std::io::Result<PathBuf> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!("migen-git-{}-{n}-{nanos}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=migen",
                "-c",
                "user.email=migen@example.com",
            ])
            .args(args)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    fn put(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A repository `shop/` with models two folders deep and its config at the top.
    fn repository() -> PathBuf {
        let repo = unique_temp_dir().unwrap().join("shop");
        std::fs::create_dir_all(&repo).unwrap();
        run_git(&repo, &["init", "-q"]);
        put(&repo, "alembic.ini", "sqlalchemy.url = sqlite://\n");
        put(&repo, "src/app/models.py", "v1\n");
        put(&repo, "src/app/data.json", "{}\n");
        put(&repo, "src/other/big.bin", "not needed\n");
        put(&repo, "docs/conf.py", "nearby python\n");
        run_git(&repo, &["add", "."]);
        run_git(&repo, &["commit", "-q", "-m", "first"]);
        put(&repo, "src/app/models.py", "v2\n");
        repo
    }

    #[test]
    fn a_checkout_holds_the_path_as_it_was_and_the_python_near_it() {
        let repo = repository();
        let tree = checkout_from(&repo, "HEAD", Path::new("src/app/models.py"))
            .unwrap()
            .expect("the file exists at HEAD");
        assert_eq!(std::fs::read_to_string(tree.path()).unwrap(), "v1\n");
        assert!(tree.path().ends_with("shop/src/app/models.py"));
        let scope = tree
            .path()
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .parent()
            .unwrap();
        assert!(scope.join("alembic.ini").is_file());
        // A file spec brings the file, not its folder's other data.
        assert!(!scope.join("src/app/data.json").exists());
        assert!(scope.join("docs/conf.py").is_file());
        assert!(!scope.join("src/other/big.bin").exists());
        // Messages name the spec, relative to where the command runs.
        let shown = tree.relabel(&format!("{}:3:1: bad", tree.path().display()));
        assert_eq!(shown, "git:HEAD:src/app/models.py:3:1: bad");
        let temp = tree.temp.clone();
        drop(tree);
        assert!(!temp.exists(), "the checkout is removed when dropped");

        let from_below = checkout_from(&repo.join("src"), "HEAD", Path::new("app"))
            .unwrap()
            .unwrap();
        assert!(from_below.path().join("models.py").is_file());
        assert!(from_below.path().join("data.json").is_file());
        assert_eq!(
            from_below.relabel(&from_below.path().join("models.py").display().to_string()),
            "git:HEAD:app/models.py"
        );
        assert!(
            checkout_from(&repo, "HEAD", Path::new("src/app/new.py"))
                .unwrap()
                .is_none()
        );
        let typo = checkout_from(&repo, "HEAD~7", Path::new("src")).unwrap_err();
        assert!(typo.to_string().contains("is not a revision"), "{typo}");
        let outside = checkout_from(&repo, "HEAD", Path::new("../../x")).unwrap_err();
        assert!(
            outside.to_string().contains("outside the git repository"),
            "{outside}"
        );
        std::fs::remove_dir_all(repo.parent().unwrap()).unwrap();
    }
}
