//! The registries, enumerated: every renderer writes the shop example for every dialect in both
//! strategies (snapshots in `snapshots/registry__*.snap`), and every reader's claims hold on the
//! example projects. A new renderer or reader is covered here without editing this file; one
//! that writes from an ORM's state needs an example project named after that ORM's reader
//! (`examples/projects/<reader>/` with a `changed/` folder), as the Django one has.

mod common;

use std::path::{Path, PathBuf};

use migen::model::Dialect;
use migen::pipeline::{self, Config, OutputRequest, PlanOptions, Request, Strategy, Target};
use migen::render::Input;
use migen::source::{READERS, SourceSpec, reader_for};

/// `insta::assert_snapshot!` with the snapshot in `<crate>/snapshots/`.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => true },
            { insta::assert_snapshot!($name, $value); }
        )
    };
}

/// 2026-11-15 00:00:00 UTC: file names carry it.
const NOW: u64 = 1_794_700_800;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The shop's before and after for a dialect.
fn shop(dialect: Dialect) -> (PathBuf, PathBuf) {
    let dir = match dialect {
        Dialect::Sqlite => examples().join("shop"),
        other => examples().join("shop").join(other.name()),
    };
    (dir.join("before.sql"), dir.join("after.sql"))
}

/// Load, plan and render one side pair for a target, as `migen generate` does; the files as
/// one text, their paths relative to `base`.
fn rendered(
    request: &Request,
    config: Config,
    target: Target,
    strategy: Strategy,
    base: &Path,
) -> String {
    let loaded = pipeline::load(request, config).unwrap();
    let server = pipeline::server_facts(&loaded, request).unwrap();
    let options = PlanOptions {
        strategy,
        version: Some(server.version),
        ..PlanOptions::default()
    };
    let plan = pipeline::plan(&loaded, &loaded.answers, &options);
    assert!(
        plan.questions.is_empty(),
        "unanswered: {:?}",
        plan.questions
    );
    let findings = pipeline::findings(&loaded.before, &plan, &server);
    let output = OutputRequest {
        target: Some(target),
        strategy: Some(strategy),
        name: Some("shop".into()),
        dir: Some(base.join(target.default_dir())),
        ..OutputRequest::default()
    };
    let choices = pipeline::choices(&output, &loaded.config, None).unwrap();
    let rendering = pipeline::render(
        &loaded,
        &server,
        &plan,
        &findings,
        &loaded.answers,
        &options,
        &choices,
        NOW,
    )
    .unwrap();
    assert!(!rendering.artifacts.is_empty(), "{target}: no files");
    let mut text = String::new();
    for artifact in &rendering.artifacts {
        let path = artifact.path.strip_prefix(base).unwrap_or(&artifact.path);
        text.push_str(&format!(
            "==> {} ({:?}) <==\n",
            path.display(),
            artifact.kind
        ));
        text.push_str(&artifact.contents);
        text.push('\n');
    }
    text
}

/// Copy a directory's files (without `skip`) into `dest`.
fn copy_tree(from: &Path, dest: &Path, skip: &str) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        if name == skip || name == "__pycache__" {
            continue;
        }
        let target = dest.join(name);
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target, skip);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn every_renderer_writes_the_shop_example() {
    let renames = vec!["customers.name=full_name".to_string()];
    for target in Target::all() {
        for strategy in [Strategy::Direct, Strategy::ZeroDowntime] {
            match target.input() {
                Input::Plan => {
                    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
                        let (before, after) = shop(dialect);
                        let request = Request {
                            from: Some(before.display().to_string()),
                            to: Some(after.display().to_string()),
                            dialect: Some(dialect),
                            renames: renames.clone(),
                            ..Request::default()
                        };
                        let work = tempfile::tempdir().unwrap();
                        let text =
                            rendered(&request, Config::default(), target, strategy, work.path());
                        snapshot!(
                            format!("{}__{}__{}", target.name(), dialect.name(), strategy.name()),
                            text
                        );
                    }
                }
                Input::OrmState(kind) => {
                    // The ORM's example project, as committed (before) and with its changed/
                    // files laid over it (after).
                    let project = examples().join("projects").join(kind);
                    assert!(
                        project.join("changed").is_dir(),
                        "{target} writes from {kind} state: it needs examples/projects/{kind}/ with a changed/ folder"
                    );
                    let work = tempfile::tempdir().unwrap();
                    let (before, after) = (work.path().join("before"), work.path().join("after"));
                    for side in [&before, &after] {
                        std::fs::create_dir_all(side).unwrap();
                        copy_tree(&project, side, "changed");
                    }
                    copy_tree(&project.join("changed"), &after, "");
                    let config = Config::load(&project).unwrap();
                    let request = Request {
                        from: Some(before.display().to_string()),
                        to: Some(after.display().to_string()),
                        ..Request::default()
                    };
                    let text = rendered(&request, config.clone(), target, strategy, &after);
                    let dialect = config.dialect.unwrap_or(Dialect::Sqlite);
                    snapshot!(
                        format!("{}__{}__{}", target.name(), dialect.name(), strategy.name()),
                        text
                    );
                }
            }
        }
    }
}

#[test]
fn every_reader_claims_the_example_projects_of_its_kind() {
    let projects = examples().join("projects");
    // Each example names its source in migen.toml; the reader that claims it reads it, in the
    // dialect the settings say (and the source implies, where it does).
    let mut claimed = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&projects).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("migen.toml").is_file() {
            continue;
        }
        let config = Config::load(&dir).unwrap();
        let source = config.source.clone().unwrap();
        // The SQL projects' schema is made by setup.sh from the shop example.
        let path = match dir.join(&source) {
            path if path.exists() => path,
            _ => shop(config.dialect.unwrap_or(Dialect::Sqlite)).0,
        };
        let spec = SourceSpec::SqlFile(path.clone());
        let reader = reader_for(&spec).unwrap();
        // A JavaScript project (Knex) runs its own packages: read from a copy of it that has the
        // pinned JS oracle's node_modules (claimed only, where that cannot be installed).
        let _copy;
        let spec = if dir.join("package.json").is_file() {
            let Some(oracle) = common::node::js_oracle() else {
                claimed.insert(reader.id());
                continue;
            };
            let copy = tempfile::tempdir().unwrap();
            copy_tree(&dir, copy.path(), "changed");
            std::os::unix::fs::symlink(
                oracle.join("node_modules"),
                copy.path().join("node_modules"),
            )
            .unwrap();
            let spec = SourceSpec::SqlFile(copy.path().join(&source));
            _copy = copy;
            spec
        } else {
            spec
        };
        let dialect = config.dialect.unwrap_or(Dialect::Sqlite);
        if let Some(implied) = spec.implied_dialect() {
            assert_eq!(implied, dialect, "{}", dir.display());
        }
        let (schema, _) = reader
            .read(&spec, dialect)
            .unwrap_or_else(|e| panic!("{} ({}): {e}", dir.display(), reader.id()));
        assert!(!schema.tables.is_empty(), "{}: no tables", dir.display());
        claimed.insert(reader.id());
    }
    // The shop's own files: the SQL of each dialect, and the Prisma schema.
    let mut files = Vec::new();
    let mut dirs = vec![examples().join("shop")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        let dialect = match path.parent().and_then(|p| p.file_name()) {
            Some(name) if name == "postgres" => Dialect::Postgres,
            Some(name) if name == "mysql" => Dialect::Mysql,
            _ => Dialect::Sqlite,
        };
        let spec = SourceSpec::SqlFile(path.clone());
        let reader = reader_for(&spec).unwrap();
        let (schema, _) = reader
            .read(&spec, dialect)
            .unwrap_or_else(|e| panic!("{} ({}): {e}", path.display(), reader.id()));
        assert!(!schema.tables.is_empty(), "{}: no tables", path.display());
        claimed.insert(reader.id());
    }
    // The readers of specs other than paths.
    for spec in [
        "empty",
        "migrations:db/migrations",
        "postgres://localhost/app",
    ] {
        claimed.insert(reader_for(&SourceSpec::parse(spec)).unwrap().id());
    }
    let missing: Vec<&str> = READERS
        .iter()
        .map(|r| r.id())
        .filter(|id| !claimed.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "readers no example exercises (add one under examples/): {missing:?}"
    );
}
