//! migen: safe, reversible migrations from schema changes.
//!
//! The pipeline is a chain of plain functions over plain data:
//! `source` → [`model::Schema`] → `diff` → `Vec<Change>` → `sql` → up/down statements → `verify`.

pub mod cli;
pub mod config;
pub mod dialect;
pub mod diff;
pub mod error;
pub mod lint;
pub mod model;
pub mod normalize;
pub mod plan;
pub mod render;
pub mod safety;
pub mod source;
pub mod tui;
pub mod verify;
pub mod write;
