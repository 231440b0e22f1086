//! migen: safe, reversible migrations from schema changes.
//!
//! # The pipeline
//!
//! Every front end (the `migen` commands in [`cli`], the wizard in [`tui`]) calls
//! [`pipeline`], the one orchestration; each stage is a plain function over plain data and
//! imports only the stages before it and the model (`tests/architecture.rs` holds the order):
//!
//! ```text
//! Request ─ source ─▶ Schema before, Schema after        (readers: source::READERS)
//!         ─ diff ───▶ Vec<Change> + rename questions
//!         ─ safety ─▶ Vec<Finding>                        (per dialect, version, table sizes)
//!         ─ plan ───▶ Plan: migrations per phase, up and down statements (dialect writes SQL)
//!         ─ render ─▶ Vec<Artifact>                       (renderers: render::RENDERERS)
//!         ─ verify ─▶ Verification                        (a scratch database, up and down)
//!         ─ write ──▶ files, all or none
//! ```
//!
//! [`model`] holds the schema, the server facts (`Version`, `TableStats`) and the ORM state a
//! reader hands to the renderer of the same ORM (`model::orm`); [`normalize`] spells names,
//! types, expressions and defaults canonically, so a schema read from DDL and one introspected
//! from a database compare equal.
//!
//! # Adding a source
//!
//! A reader is a type implementing [`source::SchemaReader`] in its own folder under `source/`
//! (an ORM's under `source/orm/<orm>/reader.rs`) plus one line in `source::READERS` (before
//! `Sql`, which takes any path). It says which specs
//! and `git:REV:path` files it claims, whether it needs a checkout, the dialect a project of its
//! kind names, how it reads (and with `--exact`, if it can run the ORM), the name detection
//! gives its sources and, for an ORM whose renderer writes from the ORM's own state, that
//! state (`orm_sides`). Routing, `git:REV:path`, `--exact`, detection's readable source and
//! `tests/registry.rs` pick it up.
//!
//! # Adding a target
//!
//! A renderer is a type implementing [`render::Renderer`] in one file (or folder) under
//! `render/` plus its `mod` line and one line in `render::RENDERERS`, side by side in
//! `render/mod.rs`. It names and chains the tool's files from a
//! plan (`render`), and says its id and aliases, its default folder, how the tool applies and
//! rolls back, which extras it supports and what it writes from (`Input`). `--target`, migen.toml,
//! detection's tool mapping, the wizard's list, the guide, the test script and
//! `tests/registry.rs` (a snapshot per dialect and strategy) pick it up.

pub mod cli;
pub mod config;
pub mod dialect;
pub mod diff;
pub mod error;
pub mod interrupt;
pub mod lint;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod safety;
pub mod source;
pub mod text;
pub mod tui;
pub mod verify;
pub mod write;
