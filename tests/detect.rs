//! One detection for every command, from the real binary: without `--to` and without
//! migen.toml's `[schema] source`, `status`, `diff`, `plan`, `verify` and `generate` read the
//! schema detection finds (with its migrations folder and tool as the target); several
//! schemas stop the run naming them (exit 3); a `--to` folder holding a project is read as that
//! project; `migen init` pins what detection found; one tool's files are refused in another's
//! folder; a missing external tool is exit 5; `lint` says when it cannot read a folder; every
//! command's `--help` lists the registries' readers and targets.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn show(&self) -> String {
        format!(
            "exit {}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn migen_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_migen"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("SOURCE_DATE_EPOCH", "1796000000")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the migen binary runs");
    Run {
        code: output.status.code().expect("migen exits with a code"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn migen(dir: &Path, args: &[&str]) -> Run {
    migen_with(dir, args, &[])
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// Every file under `dir` (outside .git and node_modules) with its text.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let name = entry.file_name();
            if name == ".git" || name == "node_modules" || name == "__pycache__" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else if entry.file_type().unwrap().is_file() {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What a run added to or changed in `dir`.
fn written(before: &BTreeMap<PathBuf, String>, dir: &Path) -> BTreeMap<PathBuf, String> {
    files(dir)
        .into_iter()
        .filter(|(path, text)| before.get(path) != Some(text))
        .collect()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/projects")
}

/// The example project `name` made by its setup script in `dest`; `false` when a JavaScript
/// project's packages are not to be had here (skipped locally, a failure under CI=true).
fn example_project(name: &str, dest: &Path) -> bool {
    let mut setup = Command::new("bash");
    setup
        .arg(examples().join("setup.sh"))
        .arg(name)
        .arg(dest)
        .env("MIGEN", env!("CARGO_BIN_EXE_migen"))
        .env("SOURCE_DATE_EPOCH", "1795000000");
    // Knex's schema is what the project's own Knex builds: it needs its node_modules.
    if name == "knex" {
        let Some(js) = common::node::js_oracle() else {
            return false;
        };
        setup.env("NODE_MODULES", js.join("node_modules"));
    }
    let output = setup.output().unwrap();
    assert!(
        output.status.success(),
        "setup {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    true
}

/// The answers a migen.toml holds (`[renames]`, `[fill]`) as the flags that give them.
fn answer_flags(config: &str) -> Vec<String> {
    let config: toml::Table = config.parse().unwrap();
    let section = |name: &str| {
        config
            .get(name)
            .and_then(|v| v.as_table())
            .cloned()
            .unwrap_or_default()
    };
    let mut flags = Vec::new();
    for (old, new) in section("renames") {
        flags.push(format!("--rename={old}={}", new.as_str().unwrap()));
    }
    for (column, value) in section("fill") {
        flags.push(format!("--fill={column}={}", value.as_str().unwrap()));
    }
    flags
}

/// The changes `migen diff` lists (its `  + `, `  - `, `  ~ ` lines).
fn diff_count(stdout: &str) -> usize {
    stdout
        .lines()
        .filter(|l| l.starts_with("  + ") || l.starts_with("  - ") || l.starts_with("  ~ "))
        .count()
}

/// Every example project with its migen.toml removed: `migen generate` alone (with the rename
/// answers migen.toml held) writes exactly the files it writes with migen.toml, and `status`,
/// `diff`, `plan`, `verify` and `generate` read the same detected schema and agree on its
/// changes.
#[test]
fn every_example_project_works_the_same_without_its_migen_toml() {
    let mut names: Vec<String> = std::fs::read_dir(examples())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("migen.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    for name in &names {
        let root = tempfile::tempdir().unwrap();
        let pinned = root.path().join("pinned");
        if !example_project(name, &pinned) {
            eprintln!("skipping {name}: its JavaScript packages are not installed here");
            continue;
        }
        let detected = root.path().join("detected");
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&pinned)
            .arg(&detected)
            .status()
            .unwrap();
        assert!(copied.success());
        let config = std::fs::read_to_string(detected.join("migen.toml")).unwrap();
        std::fs::remove_file(detected.join("migen.toml")).unwrap();
        let renames = answer_flags(&config);
        let with_renames = |command: &str, more: &[&str]| -> Vec<String> {
            let mut args = vec![command.to_string()];
            args.extend(renames.iter().cloned());
            args.extend(more.iter().map(|s| s.to_string()));
            args
        };
        let run = |dir: &Path, args: &[String]| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            migen(dir, &args)
        };

        // The commands agree on the detected schema and its changes.
        let status = migen(&detected, &["status", "--json"]);
        assert_eq!(status.code, 0, "{name}: {}", status.show());
        let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
        let counted = status["changes"].as_u64().unwrap_or_else(|| {
            panic!("{name}: status counts the changes: {status}");
        }) as usize;
        // Status leaves rename questions open (a drop and an add each); the others answer them.
        let changes = counted - status["questions"].as_u64().unwrap() as usize;
        assert!(changes > 0, "{name}: {status}");
        let schema = status["schema_sources"][0]["path"].as_str().unwrap();
        let diff = run(&detected, &with_renames("diff", &[]));
        assert_eq!(diff.code, 0, "{name}: {}", diff.show());
        let note = diff
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("note: schema: "))
            .unwrap_or_else(|| panic!("{name}: a note names the schema: {}", diff.show()));
        // The path status lists, or the project folder that stands for it.
        let read = note.split(", detected").next().unwrap();
        assert!(
            read == schema || Path::new(schema).starts_with(read) || read == ".",
            "{name}: status reads {schema}, diff {read}"
        );
        assert_eq!(diff_count(&diff.stdout), changes, "{name}: {}", diff.show());
        let plan = run(&detected, &with_renames("plan", &["--format", "json"]));
        assert_eq!(plan.code, 0, "{name}: {}", plan.show());
        let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
        assert_eq!(
            plan["changes"].as_array().map(Vec::len),
            Some(changes),
            "{name}: {plan}"
        );
        // verify judges the same pair as with migen.toml, step by step.
        let steps = |run: &Run| -> Vec<String> {
            run.stdout
                .lines()
                .map(|l| l.split("  ").take(2).collect::<Vec<_>>().join(" "))
                .collect()
        };
        let verify = run(&detected, &with_renames("verify", &[]));
        let pinned_verify = migen(&pinned, &["verify"]);
        assert_eq!(verify.code, pinned_verify.code, "{name}: {}", verify.show());
        assert_eq!(steps(&verify), steps(&pinned_verify), "{name}");
        assert!(steps(&verify).len() > 5, "{name}: {}", verify.show());

        // `migen generate` alone writes what it writes with migen.toml.
        let before = files(&pinned);
        let with_toml = migen(&pinned, &["generate"]);
        assert_eq!(with_toml.code, 0, "{name}: {}", with_toml.show());
        let expected = written(&before, &pinned);
        assert!(!expected.is_empty(), "{name}: {}", with_toml.show());
        let before = files(&detected);
        let alone = run(&detected, &with_renames("generate", &[]));
        assert_eq!(alone.code, 0, "{name}: {}", alone.show());
        let got = written(&before, &detected);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{name}: the same files"
        );
        for (path, text) in &expected {
            assert_eq!(&got[path], text, "{name}: {}", path.display());
        }
    }
}

/// A Prisma project in `dir/app` (`app` empty: `dir` itself), committed in a git repository at
/// `dir`, with a column added since.
fn prisma_project(dir: &Path, app: &str) {
    let schema = Path::new(app).join("prisma/schema.prisma");
    let schema = schema.to_str().unwrap();
    write(
        dir,
        schema,
        "datasource db {\n  provider = \"sqlite\"\n  url = \"file:dev.db\"\n}\n\nmodel User {\n  id   Int    @id @default(autoincrement())\n  name String\n}\n",
    );
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "init"]);
    write(
        dir,
        schema,
        "datasource db {\n  provider = \"sqlite\"\n  url = \"file:dev.db\"\n}\n\nmodel User {\n  id    Int     @id @default(autoincrement())\n  name  String\n  email String?\n}\n",
    );
}

/// A Prisma project with no migen.toml and no migrations yet: every command reads
/// prisma/schema.prisma, the target is Prisma's, and `--to .` reads the project, not an empty
/// folder of SQL.
#[test]
fn a_prisma_project_needs_no_settings_and_its_folder_is_the_project() {
    let repository = tempfile::tempdir().unwrap();
    prisma_project(repository.path(), "app");
    let dir = repository.path().join("app");
    let diff = migen(&dir, &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.show());
    assert!(
        diff.stdout.contains("add column User.email"),
        "{}",
        diff.show()
    );
    assert!(
        diff.stderr
            .contains("schema: prisma/schema.prisma, detected"),
        "{}",
        diff.show()
    );
    let dry = migen(&dir, &["generate", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.show());
    assert!(
        dry.stdout.contains("==> prisma/migrations/"),
        "the Prisma target in Prisma's folder: {}",
        dry.show()
    );
    let dot = migen(&dir, &["generate", "--dry-run", "--to", "."]);
    assert_eq!(dot.code, 0, "{}", dot.show());
    assert_eq!(dot.stdout, dry.stdout, "{}", dot.show());
    // From the folder above: the project folder is read as the project too.
    let named = migen(repository.path(), &["plan", "--to", "app"]);
    assert_eq!(named.code, 0, "{}", named.show());
    assert!(named.stdout.contains("email"), "{}", named.show());
    // A folder with nothing migen reads is an error, not an empty schema.
    std::fs::create_dir(dir.join("nothing")).unwrap();
    let empty = migen(&dir, &["plan", "--from", "empty", "--to", "nothing"]);
    assert_eq!(empty.code, 2, "{}", empty.show());
    assert!(empty.stderr.contains("no .sql files"), "{}", empty.show());
}

/// Two schemas and nothing to say which: every command that needs one stops with exit 3 and
/// names both with the flag that picks each; `--to` picks; `migen init` writes the first and
/// names the other, and never overwrites.
#[test]
fn several_schemas_stop_with_exit_3_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    prisma_project(dir.path(), "");
    write(
        dir.path(),
        "db/schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n",
    );
    for command in ["diff", "plan", "verify", "generate"] {
        let run = migen(dir.path(), &[command]);
        assert_eq!(run.code, 3, "{command}: {}", run.show());
        for wanted in [
            "several schemas found",
            "--to prisma/schema.prisma",
            "--to db/schema.sql",
            "[schema] source",
        ] {
            assert!(run.stderr.contains(wanted), "{command}: {}", run.show());
        }
    }
    let picked = migen(dir.path(), &["diff", "--to", "prisma/schema.prisma"]);
    assert_eq!(picked.code, 0, "{}", picked.show());
    let status = migen(dir.path(), &["status"]);
    assert_eq!(status.code, 0, "{}", status.show());
    assert!(
        status.stdout.contains("several schemas found"),
        "{}",
        status.show()
    );

    let init = migen(dir.path(), &["init"]);
    assert_eq!(init.code, 0, "{}", init.show());
    let written = std::fs::read_to_string(dir.path().join("migen.toml")).unwrap();
    assert!(
        written.contains("\nsource = \"prisma/schema.prisma\""),
        "{written}"
    );
    assert!(
        written.contains("# source = \"db/schema.sql\""),
        "{written}"
    );
    assert!(written.contains("target = \"prisma\""), "{written}");
    // Pinned: the commands read what migen.toml names.
    let diff = migen(dir.path(), &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.show());
    let again = migen(dir.path(), &["init"]);
    assert_eq!(again.code, 2, "{}", again.show());
    assert!(again.stderr.contains("exists already"), "{}", again.show());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("migen.toml")).unwrap(),
        written
    );
}

/// `migen init` in each example project (its migen.toml removed) writes settings that parse
/// and name what detection found.
#[test]
fn init_writes_what_detection_found_in_the_examples() {
    for (name, source, target) in [
        ("dbmate", "db/schema.sql", "dbmate"),
        ("django", ".", "django"),
        ("typeorm", ".", "typeorm"),
    ] {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join(name);
        assert!(example_project(name, &project));
        std::fs::remove_file(project.join("migen.toml")).unwrap();
        let init = migen(&project, &["init"]);
        assert_eq!(init.code, 0, "{name}: {}", init.show());
        let text = std::fs::read_to_string(project.join("migen.toml")).unwrap();
        assert!(
            text.contains(&format!("\nsource = \"{source}\"")),
            "{name}: {text}"
        );
        assert!(
            text.contains(&format!("\ntarget = \"{target}\"")),
            "{name}: {text}"
        );
        let status = migen(&project, &["status"]);
        assert_eq!(status.code, 0, "{name}: {}", status.show());
    }
}

/// One tool's files never go into a folder holding another tool's migrations: refused with the
/// reason, nothing written; the other tool's own folder takes them.
#[test]
fn generate_refuses_another_tool_s_folder() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("dbmate");
    assert!(example_project("dbmate", &project));
    let before = files(&project);
    let refused = migen(
        &project,
        &[
            "generate",
            "--target",
            "golang-migrate",
            "--dir",
            "db/migrations",
        ],
    );
    assert_eq!(refused.code, 2, "{}", refused.show());
    assert!(
        refused
            .stderr
            .contains("db/migrations holds dbmate migrations"),
        "{}",
        refused.show()
    );
    assert!(written(&before, &project).is_empty());
    // golang-migrate's usual folder is db/migrations too: refused there as well.
    let default = migen(&project, &["generate", "--target", "golang-migrate"]);
    assert_eq!(default.code, 2, "{}", default.show());
    let prisma = migen(&project, &["generate", "--target", "prisma"]);
    assert_eq!(prisma.code, 0, "{}", prisma.show());
    assert!(
        written(&before, &project)
            .keys()
            .all(|p| p.starts_with("prisma/migrations")),
        "{}",
        prisma.show()
    );
}

/// A program migen needs that is not there is exit 5 with what to install, not exit 2.
#[test]
fn a_missing_tool_is_its_own_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schema.sql",
        "CREATE TABLE a (id integer PRIMARY KEY);\n",
    );
    // No git on PATH: the default before is the file at git HEAD.
    let no_git = migen_with(dir.path(), &["diff", "--to", "schema.sql"], &[("PATH", "")]);
    assert_eq!(no_git.code, 5, "{}", no_git.show());
    assert!(no_git.stderr.contains("install git"), "{}", no_git.show());
    write(
        dir.path(),
        "models.py",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\nclass Base(DeclarativeBase):\n    pass\n\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
    );
    let no_python = migen_with(
        dir.path(),
        &["plan", "--from", "empty", "--to", "models.py", "--exact"],
        &[("MIGEN_PYTHON", "/nonexistent/python3")],
    );
    assert_eq!(no_python.code, 5, "{}", no_python.show());
    assert!(
        no_python.stderr.contains("install Python 3"),
        "{}",
        no_python.show()
    );
}

/// `migen lint` on a folder of migrations it cannot read says so (exit 2) instead of reporting
/// "0 findings in 0 files".
#[test]
fn lint_says_when_it_cannot_read_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "migrations/20250101000000-create-users.js",
        "module.exports = { up: async () => {}, down: async () => {} };\n",
    );
    let run = migen(dir.path(), &["lint", "migrations"]);
    assert_eq!(run.code, 2, "{}", run.show());
    assert!(
        run.stderr.contains("migen lint cannot read the files here"),
        "{}",
        run.show()
    );
    assert!(
        run.stderr.contains("sequelize migrations"),
        "{}",
        run.show()
    );
    assert!(!run.stdout.contains("0 findings"), "{}", run.show());
}

/// Every command's `--help` lists every reader, and the commands that write list every target,
/// from the registries.
#[test]
fn help_lists_every_reader_and_target_from_the_registries() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["plan", "diff", "generate", "verify", "tui"] {
        let help = migen(dir.path(), &[command, "--help"]);
        assert_eq!(help.code, 0, "{command}: {}", help.show());
        for reader in migen::source::READERS {
            let line = format!("{:<11} {}", reader.id(), reader.forms());
            assert!(
                help.stdout.contains(&line),
                "{command}: {line}\n{}",
                help.stdout
            );
        }
        if command == "generate" || command == "tui" {
            for target in migen::render::RENDERERS {
                let line = format!("- {}:", target.id());
                assert!(
                    help.stdout.contains(&line),
                    "{command}: {line}\n{}",
                    help.stdout
                );
                assert!(
                    help.stdout.contains(target.layout()),
                    "{command}: {}\n{}",
                    target.layout(),
                    help.stdout
                );
            }
            let short = migen(dir.path(), &[command, "-h"]);
            let ids: Vec<&str> = migen::render::RENDERERS.iter().map(|r| r.id()).collect();
            let listed = format!("[possible values: {}]", ids.join(", "));
            assert!(
                short.stdout.contains(&listed),
                "{command}: {}",
                short.stdout
            );
        }
    }
}
