//! Pinned npm packages for the JavaScript tools that judge migen's output, installed once into
//! `.cache/oracles/<name>` (ignored by git) and shared by every test crate and worktree that
//! asks for the same folder.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The JavaScript ORMs and migration runners (TypeORM, Knex) with their three drivers and the
/// TypeScript toolchain TypeORM's CLI loads `.ts` entities with. better-sqlite3 stays on 12:
/// 13 needs Node 22 and crashes on the machine's Node 20.
pub const JS_ORACLE: &[(&str, &str)] = &[
    ("typeorm", "1.1.4"),
    ("reflect-metadata", "0.2.2"),
    ("knex", "3.3.0"),
    ("pg", "8.23.1"),
    ("mysql2", "3.26.1"),
    ("better-sqlite3", "12.9.0"),
    ("typescript", "5.9.3"),
    ("ts-node", "10.9.2"),
];

/// `typeorm-naming-strategies`, for TypeORM projects with `SnakeNamingStrategy`, in a folder of
/// its own: its `typeorm` peer (0.3) conflicts with the oracle's 1.x, so npm installs it without
/// peers and node finds the oracle's `typeorm` through `NODE_PATH` (`js_node_path`).
pub fn typeorm_naming() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/oracles/typeorm-naming");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".npmrc"), "legacy-peer-deps=true\n").unwrap();
    node_packages(
        "typeorm-naming",
        &[("typeorm-naming-strategies", "4.1.0")],
        &[],
    )
}

/// `NODE_PATH` for scripts that need the JS oracle and, when given, the naming strategies.
pub fn js_node_path(js: &Path, naming: Option<&Path>) -> String {
    let mut paths = vec![js.join("node_modules")];
    if let Some(naming) = naming {
        paths.push(naming.join("node_modules"));
    }
    std::env::join_paths(paths)
        .unwrap()
        .to_string_lossy()
        .to_string()
}

/// Sequelize v6 with sequelize-cli (its migration runner), sequelize-typescript for decorator
/// models, the drivers Sequelize loads for its three dialects (`pg` needs `pg-hstore`; SQLite
/// is `sqlite3`, a native package) and the TypeScript toolchain for `.ts` models.
pub const SEQUELIZE_ORACLE: &[(&str, &str)] = &[
    ("sequelize", "6.37.8"),
    ("sequelize-cli", "6.6.5"),
    ("sequelize-typescript", "2.1.6"),
    ("reflect-metadata", "0.2.2"),
    ("pg", "8.23.1"),
    ("pg-hstore", "2.3.4"),
    ("mysql2", "3.26.1"),
    ("sqlite3", "5.1.7"),
    ("typescript", "5.9.3"),
    ("ts-node", "10.9.2"),
];

/// drizzle-kit (generate, migrate, check) with drizzle-orm and the drivers it picks for its
/// three dialects.
pub const DRIZZLE_ORACLE: &[(&str, &str)] = &[
    ("drizzle-kit", "0.31.11"),
    ("drizzle-orm", "0.45.4"),
    ("pg", "8.23.1"),
    ("mysql2", "3.26.1"),
    ("better-sqlite3", "12.9.0"),
];

/// The folder holding the Sequelize oracle's `node_modules`, installing it on first use.
pub fn sequelize_oracle() -> Option<PathBuf> {
    node_packages("sequelize", SEQUELIZE_ORACLE, &["sqlite3"])
}

/// The folder holding the drizzle oracle's `node_modules`, installing it on first use.
pub fn drizzle_oracle() -> Option<PathBuf> {
    node_packages("drizzle", DRIZZLE_ORACLE, &["better-sqlite3"])
}

/// The folder holding the JS oracle's `node_modules`, installing it on first use.
pub fn js_oracle() -> Option<PathBuf> {
    node_packages("js", JS_ORACLE, &["better-sqlite3"])
}

/// `.cache/oracles/<name>` with exactly `packages` installed (`native`: packages whose install
/// scripts must run, which npm 11 holds back). `None` (skip) without node/npm or the registry,
/// a panic under `CI=true`. A stamp records the manifest, so a changed pin reinstalls; a file
/// lock keeps parallel test processes from installing into the same folder at once.
pub fn node_packages(name: &str, packages: &[(&str, &str)], native: &[&str]) -> Option<PathBuf> {
    node_packages_overriding(name, packages, &[], native)
}

/// `node_packages` with npm `overrides`: a dependency's dependency pinned to another version
/// (one native build shared by every folder instead of one per version).
pub fn node_packages_overriding(
    name: &str,
    packages: &[(&str, &str)],
    overrides: &[(&str, &str)],
    native: &[&str],
) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".cache/oracles")
        .join(name);
    let entries = |pins: &[(&str, &str)]| -> String {
        pins.iter()
            .map(|(package, version)| format!("    \"{package}\": \"{version}\""))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let overrides = if overrides.is_empty() {
        String::new()
    } else {
        format!(",\n  \"overrides\": {{\n{}\n  }}", entries(overrides))
    };
    let manifest = format!(
        "{{\n  \"name\": \"migen-oracle-{name}\",\n  \"private\": true,\n  \"dependencies\": {{\n{}\n  }}{overrides}\n}}\n",
        entries(packages)
    );
    if Command::new("node").arg("--version").output().is_err() {
        return unavailable(name, "node is not installed");
    }
    std::fs::create_dir_all(&dir).unwrap();
    let lock = std::fs::File::create(dir.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    let stamp = dir.join("installed-manifest.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(manifest.as_str()) {
        return Some(dir);
    }
    std::fs::write(dir.join("package.json"), &manifest).unwrap();
    let npm = |args: &[&str]| {
        Command::new("npm")
            .args(args)
            .current_dir(&dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !npm(&["install", "--no-audit", "--no-fund", "--save-exact"]) {
        return unavailable(name, "npm could not install the pinned packages");
    }
    for package in native {
        if !build_native(&dir, package, &npm) {
            return unavailable(name, &format!("{package}'s native part did not build"));
        }
    }
    std::fs::write(&stamp, &manifest).unwrap();
    Some(dir)
}

pub fn unavailable(name: &str, why: &str) -> Option<PathBuf> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the {name} oracle is unavailable under CI=true: {why}");
    }
    eprintln!("skipping the {name} oracle: {why}");
    None
}

/// Builds a package's native part, or reuses the build another oracle folder made of the same
/// version with the same node (compiling better-sqlite3 takes minutes on two cores).
fn build_native(dir: &Path, package: &str, npm: &dyn Fn(&[&str]) -> bool) -> bool {
    let installed = dir.join("node_modules").join(package);
    let version = std::fs::read_to_string(installed.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|manifest| manifest["version"].as_str().map(str::to_string));
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let shared = version.map(|version| {
        dir.parent()
            .unwrap()
            .join("native")
            .join(format!("{package}@{version}-node{node}"))
    });
    let loads = || {
        Command::new("node")
            .args(["-e", &format!("require('{package}')")])
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success())
    };
    let copy = |from: &Path, to: &Path| {
        let _ = std::fs::remove_dir_all(to);
        Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .is_ok_and(|s| s.success())
    };
    // One build at a time per version: a folder installing beside another waits, then copies.
    let _building = shared.as_ref().map(|shared| {
        std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
        let lock = std::fs::File::create(shared.with_extension("lock")).unwrap();
        lock.lock().unwrap();
        lock
    });
    if let Some(shared) = &shared
        && shared.is_dir()
        && copy(shared, &installed.join("build"))
        && loads()
    {
        return true;
    }
    if !npm(&["rebuild", package]) || !loads() {
        return false;
    }
    if let Some(shared) = &shared {
        // Copied aside, then renamed: another folder may be reading the shared build.
        let staging = shared.with_extension(format!("partial-{}", std::process::id()));
        std::fs::create_dir_all(shared.parent().unwrap()).unwrap();
        if copy(&installed.join("build"), &staging) && std::fs::rename(&staging, shared).is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
    }
    true
}

/// A node script that answers each JSON line on its stdin with one JSON line on its stdout,
/// kept running across requests (starting node costs more than most requests).
pub struct NodeScript {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl NodeScript {
    /// Start `command` (node and its script, arguments and environment set) with pipes.
    pub fn start(mut command: Command) -> NodeScript {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start node");
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        NodeScript {
            child,
            input,
            output,
        }
    }

    /// Send one request and read its reply.
    pub fn ask(&mut self, request: &serde_json::Value) -> Result<serde_json::Value, String> {
        writeln!(self.input, "{request}").map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        serde_json::from_str(&line).map_err(|e| format!("reply {line:?}: {e}"))
    }
}

impl Drop for NodeScript {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
