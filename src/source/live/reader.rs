//! The reader of live databases: `postgres://`, `mysql://`, `mariadb://`, `sqlite://` URLs,
//! introspected.

use crate::error::{Error, Result};
use crate::model::Dialect;
use crate::source::SourceSpec;
use crate::source::reader::{Read, SchemaReader, not_claimed};

/// A live database, introspected.
pub struct Database;

impl SchemaReader for Database {
    fn id(&self) -> &'static str {
        "database"
    }

    fn forms(&self) -> &'static str {
        "a database URL (postgres://, postgresql://, mysql://, mariadb://, sqlite://FILE), read through its catalog"
    }

    fn claims(&self, spec: &SourceSpec) -> bool {
        matches!(spec, SourceSpec::Database(_))
    }

    fn implied_dialect(&self, spec: &SourceSpec) -> Option<Dialect> {
        match spec {
            SourceSpec::Database(url) => super::url_dialect(url),
            _ => None,
        }
    }

    fn read(&self, spec: &SourceSpec, dialect: Dialect) -> Result<Read> {
        let SourceSpec::Database(url) = spec else {
            return Err(not_claimed(self.id(), spec));
        };
        let mut db = super::connect(url)?;
        if db.dialect() != dialect {
            return Err(Error::Usage(format!(
                "{} is a {} database but the dialect is {dialect}",
                db.display_url(),
                db.dialect()
            )));
        }
        Ok((db.introspect()?, Vec::new()))
    }
}
