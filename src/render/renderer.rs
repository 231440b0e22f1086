//! What a renderer is (`Renderer`) and how the rest of migen names one (`Target`, a handle on
//! an entry of `super::RENDERERS`). Everything that lists targets (clap's `--target`,
//! migen.toml's validation, detection's tool → target mapping, the wizard's target list, the
//! guide and the test script) reads the registry.

use std::fmt;

use super::layout::Rendered;
use super::{Context, Facts, RENDERERS};
use crate::error::Result;
use crate::model::Dialect;
use crate::model::orm::OrmSides;
use crate::plan::Plan;

/// What a renderer writes its files from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The plan alone (its statements per phase).
    Plan,
    /// The plan and the ORM's own model state on both sides, read by the source of that ORM;
    /// the value names the source kind (`SchemaReader::id`) that supplies it.
    OrmState(&'static str),
}

/// Everything a renderer needs for one migration.
pub struct Job<'a> {
    pub plan: &'a Plan,
    pub context: &'a Context,
    pub facts: &'a Facts<'a>,
    /// Set when the renderer's `Input` is `OrmState` and the sources supplied it.
    pub orm: Option<&'a OrmSides>,
}

/// Shell lines of the `--with-tests` script for a tool that runs its own files. The script's
/// prelude has made the scratch database (`$url` on PostgreSQL, `$db` on MySQL and SQLite,
/// `$server`) and `$work`, `$here`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerSteps {
    /// Once, before up: the tool's settings and its copy of the files.
    pub setup: String,
    /// Every migration up, in the tool's order.
    pub up: String,
    /// Every migration back down.
    pub down: String,
    /// An extended regular expression for the `table.column` lines of the tool's own
    /// bookkeeping tables, left out of the schema checks.
    pub own_tables: String,
}

/// A migration tool's way of naming, chaining and running files.
pub trait Renderer: Sync {
    /// The name `--target` and migen.toml take, and detection's name for the tool.
    fn id(&self) -> &'static str;
    /// Other names `--target` accepts.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// One line: what the files look like.
    fn layout(&self) -> &'static str;
    /// Where the tool keeps its migrations when nobody says.
    fn default_dir(&self) -> &'static str;
    /// How the tool applies the files (for the guide and the wizard's last screen).
    fn apply_command(&self) -> &'static str;
    /// How the tool rolls them back.
    fn rollback_command(&self) -> &'static str;
    /// Why `--with-tests` is not available for this tool, where it is not.
    fn tests_unavailable(&self) -> Option<&'static str> {
        None
    }
    fn input(&self) -> Input {
        Input::Plan
    }
    /// For a tool whose files only its own runner applies (code rather than SQL), how the
    /// `--with-tests` script runs it; `None` runs the files with the database's client.
    fn runner_steps(&self, _rendered: &Rendered, _dialect: Dialect) -> Option<RunnerSteps> {
        None
    }
    /// What the deployment guide must add about running these files with the tool (flags a
    /// file needs, say), after the deploy order.
    fn guide_notes(&self, _rendered: &Rendered) -> Option<String> {
        None
    }
    /// Where the tool computes the SQL of its own operations (and fills rows from
    /// application-side defaults) instead of running migen's SQL as planned: how to try the
    /// files instead. A round trip of migen's SQL would judge something else there.
    fn own_sql(&self) -> Option<&'static str> {
        None
    }
    /// Whether an empty migration name leaves the naming to the tool's own rules.
    fn names_its_migrations(&self) -> bool {
        false
    }
    /// Whether the files are worth writing when the schemas show no change (the tool's state
    /// may hold more than the database does).
    fn writes_without_changes(&self) -> bool {
        false
    }
    /// Whether the zero-downtime plan should fill existing rows from the models' application
    /// side defaults through a temporary database default (the tool fills them itself when it
    /// applies its own operations).
    fn stages_app_defaults(&self) -> bool {
        false
    }
    fn render(&self, job: &Job) -> Result<Rendered>;
}

/// A target: one entry of the registry.
#[derive(Clone, Copy)]
pub struct Target(&'static dyn Renderer);

impl Target {
    /// Every target, in the registry's order.
    pub fn all() -> Vec<Target> {
        RENDERERS.iter().map(|r| Target(*r)).collect()
    }

    /// The default target: plain SQL files.
    pub fn sql() -> Target {
        Target(RENDERERS[0])
    }

    /// A target by its id or an alias (case, `_` for `-` ignored).
    pub fn parse(text: &str) -> std::result::Result<Target, String> {
        let wanted = text.to_ascii_lowercase().replace('_', "-");
        RENDERERS
            .iter()
            .find(|r| r.id() == wanted)
            .or_else(|| RENDERERS.iter().find(|r| r.aliases().contains(&&*wanted)))
            .map(|r| Target(*r))
            .ok_or_else(|| format!("unknown target `{text}` (use {})", Target::names()))
    }

    /// The ids, comma separated, for messages and help.
    pub fn names() -> String {
        RENDERERS
            .iter()
            .map(|r| r.id())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn name(self) -> &'static str {
        self.0.id()
    }
}

impl std::ops::Deref for Target {
    type Target = dyn Renderer;
    fn deref(&self) -> &(dyn Renderer + 'static) {
        self.0
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        self.0.id() == other.0.id()
    }
}

impl Eq for Target {}

impl std::hash::Hash for Target {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id().hash(state);
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.0.id())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id())
    }
}

impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id())
    }
}

/// `--target`'s values for clap: the registry's ids, with their layouts as help.
#[derive(Clone, Copy, Debug, Default)]
pub struct TargetParser;

impl clap::builder::TypedValueParser for TargetParser {
    type Value = Target;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<Target, clap::Error> {
        // clap words the error (`invalid value 'x' for '--target <TARGET>': …`).
        clap::builder::StringValueParser::new()
            .try_map(|text| Target::parse(&text))
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(RENDERERS.iter().map(|r| {
            clap::builder::PossibleValue::new(r.id())
                .aliases(r.aliases().iter().copied())
                .help(r.layout())
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_by_name_and_alias() {
        assert_eq!(
            Target::parse("golang-migrate").unwrap().name(),
            "golang-migrate"
        );
        assert_eq!(
            Target::parse("golang_migrate").unwrap().name(),
            "golang-migrate"
        );
        assert_eq!(Target::parse("migrate").unwrap().name(), "golang-migrate");
        assert_eq!(Target::parse("Flyway").unwrap().name(), "flyway");
        assert_eq!(Target::parse("Liquibase").unwrap().name(), "liquibase");
        assert!(Target::parse("rails").unwrap_err().contains("dbmate"));
    }

    #[test]
    fn ids_and_aliases_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for renderer in RENDERERS {
            for name in std::iter::once(renderer.id()).chain(renderer.aliases().iter().copied()) {
                assert!(seen.insert(name), "`{name}` names two targets");
            }
        }
    }
}
