//! `git:REV:path`: a schema file (or a directory of `.sql` or `.prisma` files) as it was at a revision.
//! The path is relative to the current directory, as on the command line. A path that did
//! not exist at the revision is an empty schema: the file is new since then.

use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};

/// What `git:REV:path` holds: each file's name and text (a directory's `.sql` files in name
/// order), or `None` when the path did not exist at `rev`.
pub fn files_at(rev: &str, path: &Path) -> Result<Option<Vec<(String, String)>>> {
    let spec = format!("git:{rev}:{}", path.display());
    let relative = format!("./{}", path.display());
    // Whether the revision exists at all (a typo must not read as "the file is new").
    let verified = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ]);
    match verified {
        Ok(out) if out.status.success() => {}
        Ok(out) if String::from_utf8_lossy(&out.stderr).contains("not a git repository") => {
            return Err(Error::Usage(format!(
                "{spec}: the current directory is not in a git repository"
            )));
        }
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{spec}: `{rev}` is not a revision of this git repository"
            )));
        }
        Err(e) => return Err(Error::Usage(format!("{spec}: cannot run git: {e}"))),
    }
    let kind = git(&["cat-file", "-t", &format!("{rev}:{relative}")])
        .map_err(|e| Error::Usage(format!("{spec}: cannot run git: {e}")))?;
    if !kind.status.success() {
        let why = String::from_utf8_lossy(&kind.stderr);
        if why.contains("not a git repository") {
            return Err(Error::Usage(format!(
                "{spec}: the current directory is not in a git repository"
            )));
        }
        return Ok(None);
    }
    let names: Vec<String> = match String::from_utf8_lossy(&kind.stdout).trim() {
        "tree" => {
            let listing = git(&["ls-tree", "--name-only", &format!("{rev}:{relative}")])
                .map_err(|e| Error::Usage(format!("{spec}: cannot run git: {e}")))?;
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
        let shown = git(&["show", &format!("{rev}:{name}")])
            .map_err(|e| Error::Usage(format!("{spec}: cannot run git: {e}")))?;
        if !shown.status.success() {
            return Err(Error::Usage(format!(
                "{spec}: git show failed: {}",
                String::from_utf8_lossy(&shown.stderr).trim()
            )));
        }
        let text = String::from_utf8(shown.stdout)
            .map_err(|_| Error::Usage(format!("{spec}: {name} is not UTF-8 text")))?;
        let label = format!("git:{rev}:{}", name.trim_start_matches("./"));
        files.push((label, text));
    }
    Ok(Some(files))
}

fn git(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("git").args(args).output()
}
