//! `migen init`: the migen.toml detection implies, written out commented for users who want to
//! pin what every command would detect anyway.

use std::path::Path;

use super::print;
use crate::error::Result;
use crate::pipeline;

pub fn run() -> Result<i32> {
    let (path, project) = pipeline::init(Path::new("."))?;
    let schema = project
        .candidates()
        .first()
        .map(|c| format!("{} ({})", c.path.display(), c.orm.name()))
        .unwrap_or_else(|| "none found: set [schema] source".to_string());
    print(&format!(
        "wrote {}: schema {schema}; every setting says where it came from\n",
        path.display()
    ));
    Ok(0)
}
