//! Every pinned oracle the suites install, in one list, so that `tests/oracles.rs` can install
//! them all at once (in parallel, while the rest of the suite still compiles: see `.ci/run`)
//! and each suite then finds its tool ready. The pins of the tools that only one suite uses
//! live here too, beside the others, rather than in that suite.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{alembic, django, node, python_venv};

/// dbmate's own runner, from npm.
pub const DBMATE_VERSION: &str = "2.36.0";

/// Prisma's schema engine (WebAssembly, no download at run time) with the driver adapters: the
/// build ORACLES.md §4 was checked with; the adapters are Prisma 7.10's.
pub const PRISMA_ENGINE: &[(&str, &str)] = &[
    (
        "@prisma/schema-engine-wasm",
        "8.1.0-2.59be4fda12412a79eeb9c2ae727b6aa723593323",
    ),
    ("@prisma/adapter-pg", "7.10.1"),
    ("@prisma/adapter-better-sqlite3", "7.10.0"),
    ("@prisma/driver-adapter-utils", "7.10.1"),
    ("pg", "8.16.3"),
    ("better-sqlite3", "12.9.0"),
];

/// Prisma 6's CLI, for `prisma migrate deploy` (Prisma 7 insists on downloading its engine).
pub const PRISMA6_VERSION: &str = "6.19.3";

/// The npm package that ships Liquibase's distribution.
pub const LIQUIBASE: &[(&str, &str)] = &[("liquibase", "4.28.1")];

/// Liquibase's SQLite driver needs SLF4J's API (Debian's libslf4j-java).
pub const SLF4J: &[&str] = &[
    "/usr/share/java/slf4j-api.jar",
    "/usr/share/java/slf4j-nop.jar",
];

/// squawk, the PostgreSQL migration linter, from PyPI.
pub const SQUAWK_VERSION: &str = "2.70.0";

/// Installs one oracle (once); where it is, or `None` when it is skipped locally.
pub type Installer = fn() -> Option<PathBuf>;

/// Each oracle by the folder it installs into, with its installer.
pub const ALL: &[(&str, Installer)] = &[
    ("alembic", alembic::venv_bin),
    ("django", django::oracle_python),
    ("squawk", squawk),
    ("js", node::js_oracle),
    ("typeorm-naming", node::typeorm_naming),
    ("sequelize", node::sequelize_oracle),
    ("drizzle", node::drizzle_oracle),
    ("prisma", prisma_engine),
    ("prisma6", prisma6),
    ("dbmate", dbmate),
    ("liquibase", liquibase_home),
];

/// dbmate's binary.
pub fn dbmate() -> Option<PathBuf> {
    node::node_packages("dbmate", &[("dbmate", DBMATE_VERSION)], &[])
        .map(|root| root.join("node_modules/.bin/dbmate"))
}

/// The folder holding Prisma's schema engine and adapters.
pub fn prisma_engine() -> Option<PathBuf> {
    node::node_packages("prisma", PRISMA_ENGINE, &["better-sqlite3"])
}

/// The folder holding Prisma 6's CLI with the better-sqlite3 driver adapter, which runs offline.
pub fn prisma6() -> Option<PathBuf> {
    let packages = [
        ("prisma", PRISMA6_VERSION),
        ("@prisma/adapter-better-sqlite3", PRISMA6_VERSION),
    ];
    // The adapter asks for better-sqlite3 11; 12 works with it and shares the other oracles'
    // native build (compiling one takes minutes on two cores).
    node::node_packages_overriding(
        "prisma6",
        &packages,
        &[("better-sqlite3", "12.9.0")],
        &["better-sqlite3"],
    )
}

/// Liquibase's home (the distribution inside the npm package).
pub fn liquibase_home() -> Option<PathBuf> {
    if Command::new("java").arg("-version").output().is_err() {
        return node::unavailable("liquibase", "java is not installed");
    }
    if let Some(missing) = SLF4J.iter().find(|jar| !Path::new(jar).exists()) {
        return node::unavailable(
            "liquibase",
            &format!("{missing} is missing (apt-get install libslf4j-java)"),
        );
    }
    let dir = node::node_packages("liquibase", LIQUIBASE, &[])?;
    Some(dir.join("node_modules/liquibase/dist/liquibase"))
}

/// squawk's binary.
pub fn squawk() -> Option<PathBuf> {
    let package = format!("squawk-cli=={SQUAWK_VERSION}");
    python_venv("venv", &[package.as_str()]).map(|root| root.join("bin/squawk"))
}
