//! Writing artifacts: all or nothing, never over an existing file. Each file is written to a
//! temporary name in its own folder, flushed, then linked to its final name (which fails when
//! the name exists, so a file someone wrote meanwhile is never replaced). When any file cannot
//! be written, the ones written before it are removed again. A `Replacement` artifact is the
//! one exception: it rewrites a file that must exist (renamed over it from a temporary file in
//! the same folder), and only once every new file is in place; undone, it gets its old text back.
//! An interruption (Ctrl-C, SIGTERM) undoes a write the same way.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::interrupt::{Cleanup, lock};
use crate::render::{Artifact, ArtifactKind};

/// Write every artifact under `root`; returns the paths written, in order.
pub fn write_all(root: &Path, artifacts: &[Artifact]) -> Result<Vec<PathBuf>> {
    // Refuse before touching anything when a file is already there.
    for artifact in artifacts {
        let path = root.join(&artifact.path);
        let replaces = artifact.kind == ArtifactKind::Replacement;
        if replaces && !path.is_file() {
            return Err(Error::Usage(format!(
                "{} is gone: migen meant to edit it",
                path.display()
            )));
        }
        if !replaces && path.exists() {
            return Err(Error::Usage(format!(
                "{} exists already: migen never overwrites a migration (pick another --name, or remove the file)",
                path.display()
            )));
        }
    }
    let (replacements, new_files): (Vec<&Artifact>, Vec<&Artifact>) = artifacts
        .iter()
        .partition(|a| a.kind == ArtifactKind::Replacement);
    let progress = Arc::new(Mutex::new(Progress::default()));
    // An interruption (Ctrl-C, SIGTERM) undoes what is written so far, as a failure does.
    let undo = {
        let progress = Arc::clone(&progress);
        Cleanup::new(move || lock(&progress).undo())
    };
    let result = (|| {
        for artifact in new_files {
            pause_between_files();
            let path = root.join(&artifact.path);
            // Held while the file is written: an interruption waits for it, then removes it.
            let mut done = lock(&progress);
            done.check()?;
            write_one(&path, &artifact.contents, &mut done.dirs)?;
            done.files.push(path);
        }
        // Edits last: a failure before here leaves the existing files as they were.
        for artifact in replacements {
            pause_between_files();
            let path = root.join(&artifact.path);
            let mut done = lock(&progress);
            done.check()?;
            let previous = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            replace_one(&path, &artifact.contents)?;
            done.replaced.push((path, previous));
        }
        Ok(())
    })();
    if let Err(error) = result {
        undo.run();
        return Err(error);
    }
    undo.dismiss();
    let done = lock(&progress);
    Ok(done
        .files
        .iter()
        .chain(done.replaced.iter().map(|(path, _)| path))
        .cloned()
        .collect())
}

/// What a write has done so far, to be undone on a failure or an interruption.
#[derive(Default)]
struct Progress {
    files: Vec<PathBuf>,
    /// Folders the write made, outermost first.
    dirs: Vec<PathBuf>,
    /// Files rewritten, with the text they had.
    replaced: Vec<(PathBuf, String)>,
    /// Set once undone: nothing more may be written.
    undone: bool,
}

impl Progress {
    fn check(&self) -> Result<()> {
        if self.undone {
            return Err(Error::Usage("interrupted: nothing was written".into()));
        }
        Ok(())
    }

    fn undo(&mut self) {
        self.undone = true;
        for (path, previous) in self.replaced.drain(..).rev() {
            let _ = replace_one(&path, &previous);
        }
        for file in self.files.drain(..).rev() {
            let _ = std::fs::remove_file(file);
        }
        for dir in self.dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// For the interruption tests: `MIGEN_TEST_WRITE_PAUSE_MS` waits that long before each file,
/// so a signal can arrive between two of them.
fn pause_between_files() {
    if let Some(ms) = std::env::var("MIGEN_TEST_WRITE_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Rewrite an existing file: the new text goes to a temporary file beside it, which is then
/// renamed over it, so a reader sees the old file or the new one, never half of one.
fn replace_one(path: &Path, contents: &str) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.migen-{}.tmp", std::process::id()));
    let result = (|| {
        let permissions = std::fs::metadata(path).map_err(io(path))?.permissions();
        let mut file = std::fs::File::create(&temporary).map_err(io(&temporary))?;
        file.write_all(contents.as_bytes())
            .map_err(io(&temporary))?;
        file.sync_all().map_err(io(&temporary))?;
        std::fs::set_permissions(&temporary, permissions).map_err(io(&temporary))?;
        std::fs::rename(&temporary, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn write_one(path: &Path, contents: &str, created_dirs: &mut Vec<PathBuf>) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    // Remember which folders this run makes, so a failure can take them away again.
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(d) = cursor {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cursor = d.parent();
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    created_dirs.extend(missing.into_iter().rev());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.migen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary).map_err(io(&temporary))?;
        file.write_all(contents.as_bytes())
            .map_err(io(&temporary))?;
        file.sync_all().map_err(io(&temporary))?;
        if name.ends_with(".sh") {
            set_executable(&temporary)?;
        }
        std::fs::hard_link(&temporary, path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Usage(format!(
                    "{} appeared while migen was writing: left as it is",
                    path.display()
                ))
            } else {
                Error::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })
    })();
    let _ = std::fs::remove_file(&temporary);
    result
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::ArtifactKind;

    fn artifact(path: &str, contents: &str) -> Artifact {
        Artifact {
            path: PathBuf::from(path),
            kind: ArtifactKind::Migration,
            phase: None,
            contents: contents.to_string(),
        }
    }

    fn replacement(path: &str, contents: &str) -> Artifact {
        Artifact {
            kind: ArtifactKind::Replacement,
            ..artifact(path, contents)
        }
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_replacement_rewrites_its_file_after_the_new_ones() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("c")).unwrap();
        std::fs::write(root.path().join("c/master.xml"), "old").unwrap();
        let written = write_all(
            root.path(),
            &[
                replacement("c/master.xml", "new"),
                artifact("c/changes/2.sql", "two"),
            ],
        )
        .unwrap();
        assert_eq!(
            written,
            [
                root.path().join("c/changes/2.sql"),
                root.path().join("c/master.xml")
            ]
        );
        assert_eq!(
            std::fs::read_to_string(root.path().join("c/master.xml")).unwrap(),
            "new"
        );
        assert_eq!(names_in(&root.path().join("c")), ["changes", "master.xml"]);
    }

    #[test]
    fn a_replacement_needs_its_file_and_a_migration_still_never_overwrites() {
        let root = tempfile::tempdir().unwrap();
        let error = write_all(root.path(), &[replacement("master.xml", "new")]).unwrap_err();
        assert!(error.to_string().contains("is gone"), "{error}");
        assert!(!root.path().join("master.xml").exists());
        // A migration beside a replacement is still refused over an existing file, and the
        // file to edit is left alone then.
        std::fs::write(root.path().join("master.xml"), "old").unwrap();
        std::fs::write(root.path().join("1.sql"), "mine").unwrap();
        let error = write_all(
            root.path(),
            &[artifact("1.sql", "new"), replacement("master.xml", "new")],
        )
        .unwrap_err();
        assert!(error.to_string().contains("never overwrites"), "{error}");
        assert_eq!(
            std::fs::read_to_string(root.path().join("1.sql")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(root.path().join("master.xml")).unwrap(),
            "old"
        );
    }

    #[test]
    fn a_failed_new_file_leaves_the_file_to_edit_untouched() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("master.xml"), "old").unwrap();
        std::fs::write(root.path().join("blocker"), "").unwrap();
        let error = write_all(
            root.path(),
            &[
                replacement("master.xml", "new"),
                artifact("blocker/2.sql", "b"),
            ],
        );
        assert!(error.is_err());
        assert_eq!(
            std::fs::read_to_string(root.path().join("master.xml")).unwrap(),
            "old"
        );
        assert_eq!(names_in(root.path()), ["blocker", "master.xml"]);
    }

    #[test]
    fn writes_everything_and_leaves_no_temporary_files() {
        let root = tempfile::tempdir().unwrap();
        let written = write_all(
            root.path(),
            &[
                artifact("db/m/1_a/up.sql", "up"),
                artifact("db/m/1_a/down.sql", "down"),
            ],
        )
        .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), "up");
        let names: Vec<_> = std::fs::read_dir(root.path().join("db/m/1_a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn never_overwrites_and_writes_nothing_then() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("m")).unwrap();
        std::fs::write(root.path().join("m/2_b.sql"), "mine").unwrap();
        let error = write_all(
            root.path(),
            &[artifact("m/1_a.sql", "new"), artifact("m/2_b.sql", "new")],
        )
        .unwrap_err();
        assert!(error.to_string().contains("never overwrites"), "{error}");
        assert_eq!(
            std::fs::read_to_string(root.path().join("m/2_b.sql")).unwrap(),
            "mine"
        );
        assert!(!root.path().join("m/1_a.sql").exists());
    }

    #[test]
    fn a_failure_midway_removes_what_was_written() {
        let root = tempfile::tempdir().unwrap();
        // A file where the second artifact needs a folder: creating it fails.
        std::fs::write(root.path().join("blocker"), "").unwrap();
        let error = write_all(
            root.path(),
            &[
                artifact("new/1_a.sql", "a"),
                artifact("blocker/2_b.sql", "b"),
            ],
        );
        assert!(error.is_err());
        assert!(!root.path().join("new").exists());
    }
}
