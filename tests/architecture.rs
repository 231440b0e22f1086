//! The house rules of the layout, read from the sources: each stage of the pipeline imports only
//! the stages before it (so no import cycle can form), the front ends call the pipeline alone,
//! and neither front end names a particular target or ORM. A change that breaks a rule fails
//! here with the file and the import.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules of `src/`, lowest first. A module may import those before it.
const LAYERS: &[&[&str]] = &[
    // Leaves every stage may use.
    &["error", "text", "interrupt"],
    &["model"],
    &["normalize"],
    // Settings read from migen.toml; detection reads them.
    &["config"],
    &["source"],
    &["diff"],
    &["dialect"],
    &["safety"],
    &["plan"],
    &["lint"],
    &["render"],
    &["verify"],
    &["write"],
    &["pipeline"],
    // Front ends: the wizard, then the command line that starts it.
    &["tui"],
    &["cli"],
];

/// What the front ends may import: the pipeline (which re-exports the types they name), the
/// model, errors, and (for the command line) the wizard.
const FRONT_ENDS: &[(&str, &[&str])] = &[
    ("tui", &["pipeline", "model", "error"]),
    ("cli", &["pipeline", "model", "error", "tui"]),
];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("src/{module} is in no layer of tests/architecture.rs: add it"))
}

struct Source {
    /// Relative to `src/`.
    path: PathBuf,
    /// The top-level module the file belongs to.
    module: String,
    /// The code without test-only modules and comments.
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let test_only = test_only_files(&files, &root);
    files
        .into_iter()
        .filter(|path| !test_only.contains(path))
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).unwrap().to_path_buf();
            let first = relative.components().next()?.as_os_str().to_string_lossy();
            let module = first.trim_end_matches(".rs").to_string();
            if module == "lib" || module == "main" {
                return None;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Some(Source {
                path: relative,
                module,
                code: without_tests_and_comments(&text),
            })
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Files declared as `#[cfg(test)] mod name;`: they hold tests only.
fn test_only_files(files: &[PathBuf], root: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let declared = without_visibility(pair[1])
                .strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'));
            if let (true, Some(name)) = (pair[0] == "#[cfg(test)]", declared) {
                // `foo.rs` and `foo/mod.rs` declare children in `foo/`; `mod.rs` beside them.
                let dir = match path.file_name().unwrap().to_str().unwrap() {
                    "mod.rs" | "lib.rs" => path.parent().unwrap().to_path_buf(),
                    file => path.parent().unwrap().join(file.trim_end_matches(".rs")),
                };
                found.insert(dir.join(format!("{name}.rs")));
                found.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    assert!(found.iter().all(|p| p.starts_with(root)));
    found
}

/// The code up to the first inline `#[cfg(test)] mod … {` (test modules close a file), with
/// comment lines left out.
fn without_tests_and_comments(text: &str) -> String {
    let mut out = String::new();
    let mut previous = "";
    for line in text.lines() {
        let trimmed = line.trim();
        let declared = without_visibility(trimmed);
        if previous == "#[cfg(test)]" && declared.starts_with("mod ") && declared.ends_with('{') {
            break;
        }
        previous = trimmed;
        if trimmed.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A declaration without its `pub`, `pub(crate)`, `pub(super)` or `pub(in path)`: a test module
/// that shares fixtures with its siblings is still test-only.
fn without_visibility(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("pub") else {
        return line;
    };
    let rest = match rest.strip_prefix('(') {
        Some(inner) => inner.split_once(')').map_or(rest, |(_, after)| after),
        None => rest,
    };
    rest.trim_start()
}

/// The top-level modules a file names as `crate::X`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // `crate::{a, b}` names several at once.
        if name.is_empty() && after.starts_with('{') {
            let group = &after[1..after.find('}').unwrap_or(after.len())];
            for part in group.split(',') {
                let part = part.trim().split("::").next().unwrap_or("").trim();
                if !part.is_empty() {
                    found.insert(part.to_string());
                }
            }
        } else if !name.is_empty() {
            found.insert(name);
        }
        rest = after;
    }
    found
}

#[test]
fn every_stage_imports_only_the_stages_before_it() {
    let mut broken = Vec::new();
    for source in sources() {
        let own = layer_of(&source.module);
        for imported in imports(&source.code) {
            if imported == source.module {
                continue;
            }
            if layer_of(&imported) >= own {
                broken.push(format!(
                    "src/{} ({}) imports crate::{imported}, which is not below it",
                    source.path.display(),
                    source.module
                ));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn the_front_ends_call_the_pipeline_alone() {
    let mut broken = Vec::new();
    for source in sources() {
        let Some((_, allowed)) = FRONT_ENDS.iter().find(|(m, _)| *m == source.module) else {
            continue;
        };
        for imported in imports(&source.code) {
            if imported != source.module && !allowed.contains(&imported.as_str()) {
                broken.push(format!(
                    "src/{} imports crate::{imported}: front ends go through crate::pipeline",
                    source.path.display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn render_imports_neither_the_command_line_nor_the_sources() {
    for source in sources().iter().filter(|s| s.module == "render") {
        let imported = imports(&source.code);
        for forbidden in ["cli", "source", "tui", "pipeline"] {
            assert!(
                !imported.contains(forbidden),
                "src/{} imports crate::{forbidden}",
                source.path.display()
            );
        }
    }
}

#[test]
fn the_front_ends_name_no_particular_target_or_orm() {
    const ORMS: &[&str] = &[
        "django",
        "sqlalchemy",
        "prisma",
        "alembic",
        "typeorm",
        "knex",
        "sequelize",
        "drizzle",
    ];
    let mut broken = Vec::new();
    for source in sources() {
        if !["cli", "tui"].contains(&source.module.as_str()) {
            continue;
        }
        for (number, line) in source.code.lines().enumerate() {
            let at = format!("src/{}:{}", source.path.display(), number + 1);
            // A target variant (`Target::Django`); the registry's own functions are fine.
            if let Some(rest) = line.split("Target::").nth(1)
                && rest.starts_with(|c: char| c.is_ascii_uppercase())
            {
                broken.push(format!("{at}: names a target variant: {}", line.trim()));
            }
            for orm in ORMS {
                let path = format!("{orm}::");
                let compared = format!("== \"{orm}\"");
                if line.contains(&path) || line.contains(&compared) {
                    broken.push(format!("{at}: names {orm}: {}", line.trim()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn the_check_sees_imports_of_every_form() {
    let code = "use crate::model::Schema;\nuse crate::{diff, plan::Plan};\nlet x = crate::render::slug(\"a\");\n";
    let found: Vec<String> = imports(code).into_iter().collect();
    assert_eq!(found, ["diff", "model", "plan", "render"]);
    let text = "// crate::cli in a comment\nfn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    assert!(imports(&without_tests_and_comments(text)).is_empty());
    let shared = "fn f() {}\n#[cfg(test)]\npub(super) mod tests {\n    use crate::source;\n}\n";
    assert!(imports(&without_tests_and_comments(shared)).is_empty());
    let public = "pub mod tests {\n    use crate::source;\n}\n";
    assert_eq!(imports(&without_tests_and_comments(public)).len(), 1);
}
