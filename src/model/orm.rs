//! What an ORM's own tools know of the models beyond the schema the database holds: read by
//! the ORM's reader, written from by the renderer of the same ORM.

pub mod django;

use super::DefaultValue;

/// A default the application fills in (a Python `default=`, not a database default) on a NOT
/// NULL column: existing rows need it as a database value when the column is added online.
#[derive(Debug, Clone, PartialEq)]
pub struct AppDefault {
    pub table: String,
    pub column: String,
    /// The value as a database literal; `None` when the application computes it (a callable,
    /// an object).
    pub value: Option<DefaultValue>,
    /// Where the default is written (file, line, column), for errors.
    pub file: String,
    pub at: (u64, u64),
}

/// The ORM's state on both sides of a change.
#[derive(Debug, Clone)]
pub enum OrmSides {
    Django {
        before: Box<django::ProjectState>,
        after: Box<django::ProjectState>,
        /// The after side's application-side defaults.
        app_defaults: Vec<AppDefault>,
    },
    /// drizzle-kit keeps the whole after-schema as a snapshot beside each migration.
    Drizzle { after: Box<DrizzleState> },
}

/// The after side as drizzle-kit's snapshot holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrizzleState {
    /// The journal's `dialect` (`postgresql`, `mysql`, `sqlite`).
    pub dialect: &'static str,
    /// The snapshot without `id` and `prevId` (the renderer chains those).
    pub snapshot: serde_json::Map<String, serde_json::Value>,
}

impl OrmSides {
    /// The after side's application-side defaults.
    pub fn app_defaults(&self) -> &[AppDefault] {
        match self {
            OrmSides::Django { app_defaults, .. } => app_defaults,
            // drizzle's `$defaultFn` values are not read; only database defaults are kept.
            OrmSides::Drizzle { .. } => &[],
        }
    }
}
