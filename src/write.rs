//! Writing artifacts: all or nothing, never over an existing file. Each file is written to a
//! temporary name in its own folder, flushed, then linked to its final name (which fails when
//! the name exists, so a file someone wrote meanwhile is never replaced). When any file cannot
//! be written, the ones written before it are removed again.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::Artifact;

/// Write every artifact under `root`; returns the paths written, in order.
pub fn write_all(root: &Path, artifacts: &[Artifact]) -> Result<Vec<PathBuf>> {
    // Refuse before touching anything when a file is already there.
    for artifact in artifacts {
        let path = root.join(&artifact.path);
        if path.exists() {
            return Err(Error::Usage(format!(
                "{} exists already: migen never overwrites a migration (pick another --name, or remove the file)",
                path.display()
            )));
        }
    }
    let mut written: Vec<PathBuf> = Vec::new();
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for artifact in artifacts {
        let path = root.join(&artifact.path);
        if let Err(error) = write_one(&path, &artifact.contents, &mut created_dirs) {
            for done in written.iter().rev() {
                let _ = std::fs::remove_file(done);
            }
            for dir in created_dirs.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(error);
        }
        written.push(path);
    }
    Ok(written)
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
