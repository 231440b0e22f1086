//! Renderers: a plan becomes the files a migration tool expects, named and chained the way
//! that tool does it. A zero-downtime plan becomes one migration per phase, so each can be
//! applied at its point in the deploy.

use std::fmt;

/// The migration tools migen writes files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// `<timestamp>_<name>/up.sql` and `down.sql`, run with psql, mysql or sqlite3.
    Sql,
    /// `<version>_<name>.up.sql` / `.down.sql`.
    GolangMigrate,
    /// `V<version>__<name>.sql` and `U<version>__<name>.sql`.
    Flyway,
    /// `<timestamp>_<name>.sql` with `-- migrate:up` and `-- migrate:down` blocks.
    Dbmate,
    /// `<timestamp>_<name>/migration.sql` folders beside `migration_lock.toml`.
    Prisma,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Sql,
        Target::GolangMigrate,
        Target::Flyway,
        Target::Dbmate,
        Target::Prisma,
    ];

    pub fn parse(text: &str) -> Result<Target, String> {
        let wanted = text.to_ascii_lowercase().replace('_', "-");
        let aliases: &[(&str, Target)] = &[
            ("plain", Target::Sql),
            ("migrate", Target::GolangMigrate),
            ("golang", Target::GolangMigrate),
        ];
        Target::ALL
            .into_iter()
            .find(|t| t.name() == wanted)
            .or_else(|| {
                aliases
                    .iter()
                    .find(|(alias, _)| *alias == wanted)
                    .map(|(_, t)| *t)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
                format!("unknown target `{text}` (use {})", names.join(", "))
            })
    }

    pub fn name(self) -> &'static str {
        match self {
            Target::Sql => "sql",
            Target::GolangMigrate => "golang-migrate",
            Target::Flyway => "flyway",
            Target::Dbmate => "dbmate",
            Target::Prisma => "prisma",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
