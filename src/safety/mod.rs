//! Safety rules: typed changes → findings about locks, rewrites, data loss and broken clients.
//!
//! The catalog of risks (`SAFETY-RULES.md`) lives here as code. Each rule is one file under
//! `rules/` holding its metadata (`RuleMeta`: severity, the why, the safe alternative, per-engine
//! locks, version gates), its `check` over the `Change` values, and its tests. `rules/mod.rs` maps
//! every `RuleId` to its file with exhaustive matches, so a new id does not compile until its rule
//! exists. Rules never look at SQL text: they read the typed changes, the before-schema, the
//! server `Version` and, when given, `TableStats`.
//!
//! Two kinds of rules share the registry, so a change gets one cost finding per engine:
//! - Operation rules name the hazard of one kind of change (`drop-column`, `set-not-null-scan`).
//!   Compatibility and data hazards fire on every dialect; lock and rewrite costs are described
//!   per engine where the engine's mechanism is specific to the operation (mostly PostgreSQL).
//! - Engine rules name a mechanism: `mysql-table-copy` and `mysql-table-rebuild` grade every
//!   MySQL/MariaDB change by the ALGORITHM the server picks, `sqlite-table-rebuild` every change
//!   SQLite's ALTER TABLE cannot make. On those engines they carry the cost; operation rules carry
//!   only what the mechanism does not say (data loss, clients breaking).
//!
//! `analyze` runs every rule, drops findings on tables created in the same migration (nothing
//! reads them yet), grades size-sensitive findings one level lower on small tables, and sorts.
//! Findings are data: the planner reads `safe_pattern`, the CLI prints `message`, `explain` prints
//! a rule's page.

mod mysql;
mod rules;
mod sqlite;
#[cfg(test)]
pub(crate) mod test_support;
mod types;

pub(crate) use mysql::Algorithm as MysqlAlgorithm;
pub(crate) use rules::change_column_type_rewrite::rewrites as postgres_type_change_rewrites;
pub(crate) use types::narrows as narrows_type;

/// How MySQL or MariaDB `version` performs each change (`None`: not an ALTER of a table that
/// existed before).
pub(crate) fn mysql_algorithms(
    changes: &[Change],
    before: &Schema,
    version: &Version,
) -> Vec<Option<(MysqlAlgorithm, String)>> {
    let ctx = Ctx::new(changes, before, version, None);
    (0..changes.len())
        .map(|i| mysql::classify(&ctx, i))
        .collect()
}

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::diff::Change;
use crate::model::{Dialect, QName, Schema, Table};

// ---------------------------------------------------------------------------
// Severity

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// One level lower (Info stays Info).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Severity, String> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!(
                "unknown severity `{text}` (expected info, warning or error)"
            )),
        }
    }
}

// ---------------------------------------------------------------------------
// Rule ids

macro_rules! rule_ids {
    ($($variant:ident => $name:literal,)*) => {
        /// Stable kebab-case rule ids, used in config, `--allow`, JSON output, docs and the TUI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in the order rules run and `rules()` lists them.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $name,)*
                }
            }
        }

        impl FromStr for RuleId {
            type Err = String;

            fn from_str(text: &str) -> Result<RuleId, String> {
                match text {
                    $($name => Ok(RuleId::$variant),)*
                    _ => Err(format!("unknown rule `{text}` (see `migen explain` for the list)")),
                }
            }
        }
    };
}

rule_ids! {
    DropTable => "drop-table",
    RenameTableBreaksClients => "rename-table-breaks-clients",
    AddNotNullWithoutDefault => "add-not-null-without-default",
    AddColumnVolatileDefault => "add-column-volatile-default",
    AddColumnDefaultRewrite => "add-column-default-rewrite",
    AddColumnAutoIncrement => "add-column-auto-increment",
    StoredGeneratedColumnRewrite => "stored-generated-column-rewrite",
    DropColumn => "drop-column",
    RenameColumnBreaksClients => "rename-column-breaks-clients",
    ChangeColumnTypeRewrite => "change-column-type-rewrite",
    DropDefaultBreaksInserts => "drop-default-breaks-inserts",
    AlterIdentityBreaksInserts => "alter-identity-breaks-inserts",
    SetNotNullScan => "set-not-null-scan",
    DropNotNull => "drop-not-null",
    AlterPrimaryKey => "alter-primary-key",
    AddUniqueConstraintLocking => "add-unique-constraint-locking",
    AddForeignKeyValidating => "add-foreign-key-validating",
    AddCheckConstraintValidating => "add-check-constraint-validating",
    DropConstraint => "drop-constraint",
    CreateIndexNonConcurrently => "create-index-non-concurrently",
    DropIndexNonConcurrently => "drop-index-non-concurrently",
    AddEnumValueInTransaction => "add-enum-value-in-transaction",
    EnumValueRemoved => "enum-value-removed",
    EnumValuesReordered => "enum-values-reordered",
    TriggerChanged => "trigger-changed",
    DropViewBreaksReaders => "drop-view-breaks-readers",
    DropSequence => "drop-sequence",
    DropExtension => "drop-extension",
    DropSchema => "drop-schema",
    PreferBigintKey => "prefer-bigint-key",
    PreferTimestamptz => "prefer-timestamptz",
    IdentifierTooLong => "identifier-too-long",
    MysqlTableCopy => "mysql-table-copy",
    MysqlTableRebuild => "mysql-table-rebuild",
    SqliteTableRebuild => "sqlite-table-rebuild",
    RequireLockTimeout => "require-lock-timeout",
    RequireAlgorithmLock => "require-algorithm-lock",
    DdlNotTransactional => "ddl-not-transactional",
    MixedExpandContract => "mixed-expand-contract",
}

impl RuleId {
    pub fn meta(self) -> &'static RuleMeta {
        rules::meta(self)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RuleId, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Safe patterns

/// The multi-step alternative a finding points to, as a key the planner acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SafePattern {
    /// Add the column nullable (or without the costly default), backfill in batches, then enforce.
    ExpandBackfillContract,
    /// `CREATE INDEX CONCURRENTLY` in its own step outside a transaction; check validity after.
    ConcurrentIndex,
    /// `DROP INDEX CONCURRENTLY` in its own step outside a transaction.
    ConcurrentDropIndex,
    /// Add the constraint `NOT VALID`, then `VALIDATE CONSTRAINT` in a later transaction.
    NotValidThenValidate,
    /// `CHECK (col IS NOT NULL) NOT VALID` → `VALIDATE` → `SET NOT NULL` → drop the check.
    CheckThenSetNotNull,
    /// `CREATE UNIQUE INDEX CONCURRENTLY`, then attach it with `ADD CONSTRAINT … USING INDEX`.
    UniqueIndexThenConstraint,
    /// A new column kept in sync by a trigger, backfilled, then swapped in for the old one.
    NewColumnAndSwap,
    /// Rename, and keep a view under the old name until every client uses the new one.
    CompatView,
    /// Stop using the object in code, deploy, keep a backup, drop it in a later release.
    DeferredDrop,
    /// Run the statement as its own step outside any transaction block.
    OutsideTransaction,
    /// Commit the change in one migration before a later migration uses it.
    SeparateMigration,
    /// Move rows off a value, stop writing it, then remove it from the type.
    RetireEnumValue,
    /// Copy the table in chunks with gh-ost or pt-online-schema-change and swap it in.
    OnlineSchemaChange,
    /// Spell out `ALGORITHM=INSTANT|INPLACE, LOCK=NONE` so the server errors instead of copying.
    ExplicitAlgorithmLock,
    /// Add the foreign key with `foreign_key_checks=0` after a query proves there are no orphans.
    UncheckedForeignKey,
    /// SQLite's 12-step rebuild with foreign keys switched off and `foreign_key_check` after.
    SqliteRebuild,
    /// Short `lock_timeout` (or `lock_wait_timeout`) with retries.
    LockTimeout,
    /// Expand changes before the code deploy, contract changes after it, as separate migrations.
    SplitDeployPhases,
    /// Ship the code that tolerates (or stops relying on) the change first.
    DeployCodeFirst,
    /// Steps that can be re-run after a partial failure (`IF [NOT] EXISTS`).
    IdempotentSteps,
}

impl SafePattern {
    pub fn as_str(self) -> &'static str {
        match self {
            SafePattern::ExpandBackfillContract => "expand-backfill-contract",
            SafePattern::ConcurrentIndex => "concurrent-index",
            SafePattern::ConcurrentDropIndex => "concurrent-drop-index",
            SafePattern::NotValidThenValidate => "not-valid-then-validate",
            SafePattern::CheckThenSetNotNull => "check-then-set-not-null",
            SafePattern::UniqueIndexThenConstraint => "unique-index-then-constraint",
            SafePattern::NewColumnAndSwap => "new-column-and-swap",
            SafePattern::CompatView => "compat-view",
            SafePattern::DeferredDrop => "deferred-drop",
            SafePattern::OutsideTransaction => "outside-transaction",
            SafePattern::SeparateMigration => "separate-migration",
            SafePattern::RetireEnumValue => "retire-enum-value",
            SafePattern::OnlineSchemaChange => "online-schema-change",
            SafePattern::ExplicitAlgorithmLock => "explicit-algorithm-lock",
            SafePattern::UncheckedForeignKey => "unchecked-foreign-key",
            SafePattern::SqliteRebuild => "sqlite-rebuild",
            SafePattern::LockTimeout => "lock-timeout",
            SafePattern::SplitDeployPhases => "split-deploy-phases",
            SafePattern::DeployCodeFirst => "deploy-code-first",
            SafePattern::IdempotentSteps => "idempotent-steps",
        }
    }

    /// One line for people, used by `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            SafePattern::ExpandBackfillContract => {
                "add the column in its cheap form, fill existing rows in small batches, then enforce the constraint"
            }
            SafePattern::ConcurrentIndex => {
                "build the index with CONCURRENTLY in a step of its own, outside a transaction, and check it is valid afterwards"
            }
            SafePattern::ConcurrentDropIndex => {
                "drop the index with CONCURRENTLY in a step of its own, outside a transaction"
            }
            SafePattern::NotValidThenValidate => {
                "add the constraint as NOT VALID (new rows are checked at once), then VALIDATE it in a separate transaction"
            }
            SafePattern::CheckThenSetNotNull => {
                "add CHECK (col IS NOT NULL) NOT VALID, validate it, set NOT NULL (PostgreSQL 12+ skips the scan), drop the check"
            }
            SafePattern::UniqueIndexThenConstraint => {
                "build a unique index concurrently, then turn it into the constraint with USING INDEX"
            }
            SafePattern::NewColumnAndSwap => {
                "add a new column, keep it in sync with a trigger, backfill it, move readers over, then retire the old column"
            }
            SafePattern::CompatView => {
                "rename, and leave a view under the old name until every client uses the new one"
            }
            SafePattern::DeferredDrop => {
                "remove every use in code first, deploy, take a backup, and drop in a later release"
            }
            SafePattern::OutsideTransaction => {
                "run the statement on its own, outside a transaction block"
            }
            SafePattern::SeparateMigration => {
                "commit the change in one migration and use it from the next"
            }
            SafePattern::RetireEnumValue => {
                "move rows off the value and stop writing it before removing it from the type"
            }
            SafePattern::OnlineSchemaChange => {
                "let gh-ost or pt-online-schema-change copy the table in chunks and swap it in"
            }
            SafePattern::ExplicitAlgorithmLock => {
                "name ALGORITHM and LOCK=NONE so the server refuses instead of silently copying"
            }
            SafePattern::UncheckedForeignKey => {
                "prove there are no orphan rows with a query, then add the key with foreign_key_checks=0"
            }
            SafePattern::SqliteRebuild => {
                "rebuild the table: foreign keys off, copy into the new shape, swap, check foreign keys, foreign keys on"
            }
            SafePattern::LockTimeout => {
                "set a short lock timeout and retry with backoff instead of queueing behind long transactions"
            }
            SafePattern::SplitDeployPhases => {
                "ship additive changes before the code deploy and removals after it, as separate migrations"
            }
            SafePattern::DeployCodeFirst => {
                "deploy application code that copes with the new shape before applying the change"
            }
            SafePattern::IdempotentSteps => {
                "write each step so it can be re-run after a partial failure"
            }
        }
    }
}

impl fmt::Display for SafePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------
// Versions

/// A database server product. `Dialect::Mysql` covers both MySQL and MariaDB, whose online DDL differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Postgres,
    Mysql,
    Mariadb,
    Sqlite,
}

impl Engine {
    pub fn dialect(self) -> Dialect {
        match self {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql | Engine::Mariadb => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        }
    }

    /// The product name for people.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Mariadb => "MariaDB",
            Engine::Sqlite => "SQLite",
        }
    }

    /// The spelling `Version::parse` accepts.
    pub fn key(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mariadb => "mariadb",
            Engine::Sqlite => "sqlite",
        }
    }

    /// The engines of a dialect.
    pub fn of(dialect: Dialect) -> &'static [Engine] {
        match dialect {
            Dialect::Postgres => &[Engine::Postgres],
            Dialect::Mysql => &[Engine::Mysql, Engine::Mariadb],
            Dialect::Sqlite => &[Engine::Sqlite],
        }
    }
}

impl From<Dialect> for Engine {
    /// MySQL stands for the MySQL dialect; MariaDB must be named explicitly.
    fn from(dialect: Dialect) -> Engine {
        match dialect {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Mysql => Engine::Mysql,
            Dialect::Sqlite => Engine::Sqlite,
        }
    }
}

/// A release number, compared as (major, minor, patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Release {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Release {
        Release {
            major,
            minor,
            patch,
        }
    }
}

impl Release {
    /// How the engine itself names the release: PostgreSQL 10+ counts majors alone (`15`, `15.4`).
    pub fn text(self, engine: Engine) -> String {
        if engine == Engine::Postgres && self.major >= 10 && self.patch == 0 {
            if self.minor == 0 {
                return self.major.to_string();
            }
            return format!("{}.{}", self.major, self.minor);
        }
        self.to_string()
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// The server a migration will run on, e.g. `postgres:15.4`, `mysql:8.0.35`, `mariadb:10.11`, `sqlite:3.45`.
///
/// Missing parts count as zero, so `mysql:8.0` means 8.0.0: rules assume the oldest release the
/// text allows, and a more precise version can only remove findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    /// Always `engine.dialect()`; build versions with `new` or `parse` to keep the two in step.
    pub dialect: Dialect,
    pub engine: Engine,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(engine: Engine, major: u32, minor: u32, patch: u32) -> Version {
        let dialect = match engine {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql | Engine::Mariadb => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        };
        Version {
            dialect,
            engine,
            major,
            minor,
            patch,
        }
    }

    /// The oldest release migen writes SQL for; used when no version is given.
    ///
    /// PostgreSQL 11 (the oldest the catalog covers, and where non-volatile defaults stopped
    /// rewriting), MySQL 8.0.0 and MariaDB 10.5 (what `dialect/mysql.rs` writes for: RENAME
    /// COLUMN, RENAME INDEX, CHECK), SQLite 3.35 (the SQLite writer uses native DROP COLUMN).
    pub fn oldest_supported(engine: impl Into<Engine>) -> Version {
        match engine.into() {
            Engine::Postgres => Version::new(Engine::Postgres, 11, 0, 0),
            Engine::Mysql => Version::new(Engine::Mysql, 8, 0, 0),
            Engine::Mariadb => Version::new(Engine::Mariadb, 10, 5, 0),
            Engine::Sqlite => Version::new(Engine::Sqlite, 3, 35, 0),
        }
    }

    /// The version a server reports about itself (`15.4 (Debian …)`, `10.11.6-MariaDB-0+deb12u1`,
    /// `3.45.1`), for a database of `dialect`.
    pub fn from_server_report(dialect: Dialect, reported: &str) -> Option<Version> {
        let engine = match dialect {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Sqlite => Engine::Sqlite,
            Dialect::Mysql if reported.to_ascii_lowercase().contains("mariadb") => Engine::Mariadb,
            Dialect::Mysql => Engine::Mysql,
        };
        let number: String = reported
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Version::parse(&format!(
            "{}:{}",
            engine.key(),
            number.trim_end_matches('.')
        ))
        .ok()
    }

    /// Parse `engine[:major[.minor[.patch]]]`; a bare engine means its oldest supported release.
    pub fn parse(text: &str) -> Result<Version, String> {
        let text = text.trim();
        let (name, number) = match text.split_once(':') {
            Some((name, number)) => (name, Some(number)),
            None => (text, None),
        };
        let engine = match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Engine::Postgres,
            "mysql" => Engine::Mysql,
            "mariadb" => Engine::Mariadb,
            "sqlite" | "sqlite3" => Engine::Sqlite,
            _ => {
                return Err(format!(
                    "unknown database `{name}` in version `{text}` (expected postgres, mysql, mariadb or sqlite)"
                ));
            }
        };
        let Some(number) = number else {
            return Ok(Version::oldest_supported(engine));
        };
        let parts: Vec<&str> = number.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("version `{text}`: expected major[.minor[.patch]]"));
        }
        let mut numbers = [0u32; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            *slot = part
                .parse()
                .map_err(|_| format!("version `{text}`: `{part}` is not a number"))?;
        }
        Ok(Version::new(engine, numbers[0], numbers[1], numbers[2]))
    }

    pub fn release(&self) -> Release {
        Release::new(self.major, self.minor, self.patch)
    }

    /// Whether this is `major.minor.patch` or later.
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.release() >= Release::new(major, minor, patch)
    }

    pub fn is_mariadb(&self) -> bool {
        self.engine == Engine::Mariadb
    }

    /// `PostgreSQL 15.4` for people; `Display` gives the parseable `postgres:15.4`.
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.engine.label(),
            self.release().text(self.engine)
        )
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.engine.key(),
            self.release().text(self.engine)
        )
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Version, String> {
        Version::parse(text)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Version, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// Table statistics

/// Row counts and on-disk sizes of the before-database's tables, by their name there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStats {
    #[serde(default)]
    pub rows: BTreeMap<QName, u64>,
    #[serde(default)]
    pub bytes: BTreeMap<QName, u64>,
}

/// Below both limits a full scan or rewrite takes well under a second on any server we target,
/// so the lock it holds is not an outage: such findings are graded one level lower. The limits
/// are deliberately low; a busy small table still queues behind the lock (see require-lock-timeout).
pub const SMALL_TABLE_ROWS: u64 = 10_000;
/// See `SMALL_TABLE_ROWS`; bytes include indexes where the source reports them.
pub const SMALL_TABLE_BYTES: u64 = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Rule metadata

/// Versions of one engine a rule applies to: `since <= version < until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    pub engine: Engine,
    pub since: Option<Release>,
    pub until: Option<Release>,
}

impl Gate {
    fn admits(&self, version: &Version) -> bool {
        self.since.is_none_or(|s| version.release() >= s)
            && self.until.is_none_or(|u| version.release() < u)
    }
}

/// What a rule's operation locks on one engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lock {
    pub engine: Engine,
    pub text: &'static str,
}

/// A rule's page: shown by `migen explain`, the TUI's "why?" and generated docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: RuleId,
    /// The grade on a large, busy table; a finding may be graded differently per engine or case.
    pub severity: Severity,
    /// One line: what the rule is about.
    pub summary: &'static str,
    /// Why it is risky.
    pub why: &'static str,
    /// What to do instead.
    pub instead: &'static str,
    /// The default alternative its findings point to.
    pub safe_pattern: Option<SafePattern>,
    pub dialects: &'static [Dialect],
    /// Version limits per engine; an engine of `dialects` without a gate is always checked.
    pub gates: &'static [Gate],
    pub lock: &'static [Lock],
    /// Documentation and other tools' ids for the same hazard.
    pub references: &'static [&'static str],
    /// Rows of SAFETY-RULES.md this rule expresses.
    pub catalog: &'static [&'static str],
    /// Whether a small table lowers the grade (cost hazards); compatibility hazards do not shrink with the table.
    pub graded_by_size: bool,
}

impl RuleMeta {
    /// Whether the rule runs for this server.
    pub fn applies_to(&self, version: &Version) -> bool {
        if !self.dialects.contains(&version.dialect) {
            return false;
        }
        let gates: Vec<&Gate> = self
            .gates
            .iter()
            .filter(|g| g.engine == version.engine)
            .collect();
        gates.is_empty() || gates.iter().any(|g| g.admits(version))
    }

    /// The lock on `engine`; MariaDB falls back to the MySQL text where they behave alike.
    pub fn lock_for(&self, engine: Engine) -> Option<&'static str> {
        let find = |e: Engine| self.lock.iter().find(|l| l.engine == e).map(|l| l.text);
        find(engine).or_else(|| {
            if engine == Engine::Mariadb {
                find(Engine::Mysql)
            } else {
                None
            }
        })
    }
}

/// Every rule, in `RuleId::ALL` order.
pub fn rules() -> &'static [RuleMeta] {
    &rules::ALL
}

// ---------------------------------------------------------------------------
// Findings

/// One risk found in one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// Index into the analysed changes.
    pub change: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<QName>,
    pub message: String,
    /// The lock taken, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// The table (or its indexes) is copied or rewritten.
    pub rewrite: bool,
    /// Data is deleted or may be changed irreversibly.
    pub data_loss: bool,
    /// What the planner can do instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_pattern: Option<SafePattern>,
}

impl Finding {
    /// A finding with the rule's default severity and safe pattern.
    pub fn new(rule: RuleId, change: usize, message: impl Into<String>) -> Finding {
        let meta = rule.meta();
        Finding {
            rule,
            severity: meta.severity,
            change,
            table: None,
            message: message.into(),
            lock: None,
            rewrite: false,
            data_loss: false,
            safe_pattern: meta.safe_pattern,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn table(mut self, table: &QName) -> Finding {
        self.table = Some(table.clone());
        self
    }

    pub fn lock(mut self, lock: impl Into<String>) -> Finding {
        self.lock = Some(lock.into());
        self
    }

    pub fn rewrite(mut self, rewrite: bool) -> Finding {
        self.rewrite = rewrite;
        self
    }

    pub fn data_loss(mut self, data_loss: bool) -> Finding {
        self.data_loss = data_loss;
        self
    }

    pub fn pattern(mut self, pattern: Option<SafePattern>) -> Finding {
        self.safe_pattern = pattern;
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] change #{}: {}",
            self.severity, self.rule, self.change, self.message
        )?;
        if let Some(pattern) = self.safe_pattern {
            write!(f, " (safe pattern: {pattern})")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Analysis

/// Run every rule over `changes` (computed from `before`) for a server `version`.
///
/// Findings come sorted by change index, then by severity, worst first.
pub fn analyze(
    changes: &[Change],
    before: &Schema,
    version: &Version,
    stats: Option<&TableStats>,
) -> Vec<Finding> {
    analyze_rules(RuleId::ALL, changes, before, version, stats)
}

/// `analyze` restricted to some rules (tests run one rule at a time).
pub(crate) fn analyze_rules(
    rule_ids: &[RuleId],
    changes: &[Change],
    before: &Schema,
    version: &Version,
    stats: Option<&TableStats>,
) -> Vec<Finding> {
    let mut ctx = Ctx::new(changes, before, version, stats);
    for &rule in rule_ids {
        if rule.meta().applies_to(version) {
            ctx.rule = rule;
            rules::check(rule, &mut ctx);
        }
    }
    let mut findings = ctx.findings;
    // Stable: equal findings keep rule order.
    findings.sort_by(|a, b| a.change.cmp(&b.change).then(b.severity.cmp(&a.severity)));
    findings
}

/// What a rule's check sees, and where it reports.
pub(crate) struct Ctx<'a> {
    changes: &'a [Change],
    before: &'a Schema,
    version: &'a Version,
    stats: Option<&'a TableStats>,
    /// Tables and views created by this migration.
    created: BTreeSet<QName>,
    /// Renamed tables: new name → name in `before`.
    renamed: BTreeMap<QName, QName>,
    rule: RuleId,
    findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    fn new(
        changes: &'a [Change],
        before: &'a Schema,
        version: &'a Version,
        stats: Option<&'a TableStats>,
    ) -> Ctx<'a> {
        let mut created = BTreeSet::new();
        let mut renamed = BTreeMap::new();
        for change in changes {
            match change {
                Change::CreateTable { table } => {
                    created.insert(table.name.clone());
                }
                Change::CreateView { view } if !before.views.contains_key(&view.name) => {
                    created.insert(view.name.clone());
                }
                Change::RenameTable { from, to } => {
                    renamed.insert(to.clone(), from.clone());
                }
                _ => {}
            }
        }
        Ctx {
            changes,
            before,
            version,
            stats,
            created,
            renamed,
            rule: RuleId::ALL[0],
            findings: Vec::new(),
        }
    }

    /// The changes; the slice borrows the input, not the context, so `report` works inside a loop over it.
    pub(crate) fn changes(&self) -> &'a [Change] {
        self.changes
    }

    pub(crate) fn before(&self) -> &'a Schema {
        self.before
    }

    pub(crate) fn version(&self) -> &'a Version {
        self.version
    }

    pub(crate) fn engine(&self) -> Engine {
        self.version.engine
    }

    /// Whether this migration creates the table or view (so nothing reads it yet).
    pub(crate) fn created(&self, name: &QName) -> bool {
        self.created.contains(name)
    }

    /// The table's name in the before-schema, following a rename in this migration.
    pub(crate) fn original_name(&self, name: &QName) -> QName {
        self.renamed
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.clone())
    }

    /// Whether the table or view holds data that running code already uses.
    pub(crate) fn existed_before(&self, name: &QName) -> bool {
        if self.created(name) {
            return false;
        }
        let original = self.original_name(name);
        self.before.tables.contains_key(&original) || self.before.views.contains_key(&original)
    }

    /// The table as it stands before, under its new name and with this migration's column
    /// renames applied, so it can be compared with the changes' names.
    pub(crate) fn before_table(&self, name: &QName) -> Option<Table> {
        if self.created(name) {
            return None;
        }
        crate::diff::table_after_renames(self.changes, self.before, name)
    }

    /// Known row count of a table, by its current or before name.
    pub(crate) fn rows(&self, name: &QName) -> Option<u64> {
        let stats = self.stats?;
        stats
            .rows
            .get(&self.original_name(name))
            .or_else(|| stats.rows.get(name))
            .copied()
    }

    fn bytes(&self, name: &QName) -> Option<u64> {
        let stats = self.stats?;
        stats
            .bytes
            .get(&self.original_name(name))
            .or_else(|| stats.bytes.get(name))
            .copied()
    }

    /// Of several tables, the one with the most rows (the first when nothing is known).
    pub(crate) fn largest<'t>(
        &self,
        tables: impl IntoIterator<Item = &'t QName>,
    ) -> Option<&'t QName> {
        let mut best: Option<(&QName, Option<u64>)> = None;
        for table in tables {
            let rows = self.rows(table);
            if best.is_none_or(|(_, r)| rows > r) {
                best = Some((table, rows));
            }
        }
        best.map(|(t, _)| t)
    }

    /// A finding of the running rule, with its default severity and safe pattern.
    pub(crate) fn finding(&self, change: usize, message: impl Into<String>) -> Finding {
        Finding::new(self.rule, change, message)
    }

    /// Record a finding: drops it when it is about a table this migration creates, fills in the
    /// engine's lock from the rule's metadata, and grades it by table size.
    pub(crate) fn report(&mut self, mut finding: Finding) {
        let meta = self.rule.meta();
        let on_create = matches!(
            self.changes.get(finding.change),
            Some(Change::CreateTable { .. } | Change::CreateView { .. })
        );
        if !on_create && finding.table.as_ref().is_some_and(|t| self.created(t)) {
            return;
        }
        if finding.lock.is_none() {
            finding.lock = meta.lock_for(self.engine()).map(str::to_string);
        }
        if meta.graded_by_size {
            if let Some(table) = finding.table.clone() {
                self.grade(&mut finding, &table);
            }
        }
        self.findings.push(finding);
    }

    fn grade(&self, finding: &mut Finding, table: &QName) {
        let rows = self.rows(table);
        let bytes = self.bytes(table);
        if rows.is_none() && bytes.is_none() {
            let what = if self.stats.is_some() {
                format!("no statistics for {table}")
            } else {
                "no table statistics".to_string()
            };
            finding.message.push_str(&format!(
                " ({what}: graded as if {table} were large and busy)"
            ));
            return;
        }
        let mut size = Vec::new();
        if let Some(rows) = rows {
            size.push(format!("{} rows", thousands(rows)));
        }
        if let Some(bytes) = bytes {
            size.push(human_bytes(bytes));
        }
        let small = rows.is_none_or(|r| r < SMALL_TABLE_ROWS)
            && bytes.is_none_or(|b| b < SMALL_TABLE_BYTES);
        if small {
            finding.severity = finding.severity.lower();
            finding.message.push_str(&format!(
                " ({table}: {}; graded one level lower as a small table)",
                size.join(", ")
            ));
        } else {
            finding
                .message
                .push_str(&format!(" ({table}: {})", size.join(", ")));
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        let text = format!("{value:.1}");
        format!("{} {}", text.trim_end_matches(".0"), UNITS[unit])
    }
}

// ---------------------------------------------------------------------------
// Explain

/// A rule's page in plain words, or `None` for an unknown id.
pub fn explain(id: &str) -> Option<String> {
    let rule: RuleId = id.trim().parse().ok()?;
    let meta = rule.meta();
    let mut page = String::new();
    page.push_str(&format!("{} — {}\n\n", meta.id, meta.summary));
    let grading = if meta.graded_by_size {
        format!(
            " (one level lower on tables known to hold under {} rows and {})",
            thousands(SMALL_TABLE_ROWS),
            human_bytes(SMALL_TABLE_BYTES)
        )
    } else {
        String::new()
    };
    page.push_str(&format!("Severity:   {}{grading}\n", meta.severity));
    page.push_str(&format!("Applies to: {}\n", applies_text(meta)));
    if !meta.catalog.is_empty() {
        page.push_str(&format!("Catalog:    {}\n", meta.catalog.join(", ")));
    }
    page.push_str("\nWhy\n");
    page.push_str(&wrap(meta.why, 2));
    page.push_str("\nInstead\n");
    page.push_str(&wrap(meta.instead, 2));
    if let Some(pattern) = meta.safe_pattern {
        page.push_str(&wrap(
            &format!("Safe pattern `{pattern}`: {}.", pattern.describe()),
            2,
        ));
    }
    if !meta.lock.is_empty() {
        page.push_str("\nLocks\n");
        let own_mariadb = meta.lock.iter().any(|l| l.engine == Engine::Mariadb);
        for lock in meta.lock {
            let label = if lock.engine == Engine::Mysql
                && !own_mariadb
                && meta.dialects.contains(&Dialect::Mysql)
            {
                "MySQL and MariaDB"
            } else {
                lock.engine.label()
            };
            page.push_str(&wrap(&format!("{label}: {}", lock.text), 2));
        }
    }
    if !meta.references.is_empty() {
        page.push_str("\nReferences\n");
        for reference in meta.references {
            page.push_str(&format!("  {reference}\n"));
        }
    }
    Some(page)
}

fn applies_text(meta: &RuleMeta) -> String {
    let mut parts = Vec::new();
    for dialect in meta.dialects {
        for &engine in Engine::of(*dialect) {
            let gates: Vec<String> = meta
                .gates
                .iter()
                .filter(|g| g.engine == engine)
                .map(|g| {
                    match (
                        g.since.map(|r| r.text(engine)),
                        g.until.map(|r| r.text(engine)),
                    ) {
                        (Some(s), Some(u)) => format!("{s} up to {u}"),
                        (Some(s), None) => format!("{s} and later"),
                        (None, Some(u)) => format!("before {u}"),
                        (None, None) => "all versions".to_string(),
                    }
                })
                .collect();
            if gates.is_empty() {
                parts.push(engine.label().to_string());
            } else {
                parts.push(format!("{} {}", engine.label(), gates.join(" or ")));
            }
        }
    }
    parts.join(", ")
}

/// Word-wrap a paragraph to 78 columns with an indent.
fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > 78 {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{pad}{line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_lowers() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!(Severity::Error.lower(), Severity::Warning);
        assert_eq!(Severity::Info.lower(), Severity::Info);
        assert_eq!(
            serde_json::to_string(&Severity::Warning).unwrap(),
            "\"warning\""
        );
    }

    #[test]
    fn rule_ids_round_trip() {
        for &rule in RuleId::ALL {
            assert_eq!(rule.as_str().parse::<RuleId>(), Ok(rule));
            assert_eq!(
                serde_json::to_string(&rule).unwrap(),
                format!("\"{}\"", rule.as_str())
            );
            let back: RuleId = serde_json::from_str(&format!("\"{rule}\"")).unwrap();
            assert_eq!(back, rule);
            assert!(
                rule.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
        assert!("no-such-rule".parse::<RuleId>().is_err());
    }

    #[test]
    fn registry_is_in_id_order_and_complete() {
        assert_eq!(rules().len(), RuleId::ALL.len());
        for (meta, &rule) in rules().iter().zip(RuleId::ALL) {
            assert_eq!(meta.id, rule);
            assert_eq!(rule.meta().id, rule);
            assert!(!meta.dialects.is_empty(), "{rule} applies nowhere");
            assert!(!meta.summary.is_empty() && !meta.why.is_empty() && !meta.instead.is_empty());
            for lock in meta.lock {
                assert!(
                    meta.dialects.contains(&lock.engine.dialect()),
                    "{rule} describes a lock for an engine it does not check"
                );
            }
        }
    }

    #[test]
    fn versions_parse() {
        let v = Version::parse("postgres:15.4").unwrap();
        assert_eq!(
            (v.engine, v.major, v.minor, v.patch),
            (Engine::Postgres, 15, 4, 0)
        );
        assert_eq!(v.dialect, Dialect::Postgres);
        assert_eq!(v.to_string(), "postgres:15.4");
        let v = Version::parse("mariadb:10.11").unwrap();
        assert_eq!(
            (v.engine, v.dialect, v.major, v.minor),
            (Engine::Mariadb, Dialect::Mysql, 10, 11)
        );
        let v = Version::parse("mysql:8.0.29").unwrap();
        assert!(v.at_least(8, 0, 29) && !v.at_least(8, 0, 30));
        assert_eq!(
            Version::parse("sqlite:3.45").unwrap().release(),
            Release::new(3, 45, 0)
        );
        assert_eq!(
            Version::parse("postgres:15").unwrap().release(),
            Release::new(15, 0, 0)
        );
        assert_eq!(
            Version::parse("pg").unwrap(),
            Version::oldest_supported(Dialect::Postgres)
        );
        assert_eq!(
            Version::oldest_supported(Engine::Mariadb).release(),
            Release::new(10, 5, 0)
        );
        assert!(Version::parse("oracle:19").is_err());
        assert!(Version::parse("postgres:x").is_err());
        assert!(Version::parse("postgres:1.2.3.4").is_err());
        let json = serde_json::to_string(&Version::parse("mysql:8.0.35").unwrap()).unwrap();
        assert_eq!(json, "\"mysql:8.0.35\"");
    }

    #[test]
    fn explain_pages() {
        for meta in rules() {
            let page = explain(meta.id.as_str()).unwrap();
            assert!(page.starts_with(meta.id.as_str()));
            assert!(page.contains("Why") && page.contains("Instead"));
        }
        let page = explain("set-not-null-scan").unwrap();
        assert!(page.contains("PostgreSQL"), "{page}");
        assert!(page.contains("check-then-set-not-null"), "{page}");
        assert!(explain("nope").is_none());
    }

    fn plan(
        version: &str,
        before: &str,
        after: &str,
        renames: &[&str],
    ) -> (Vec<Change>, Schema, Version) {
        let version = Version::parse(version).unwrap();
        let from = crate::source::sql::parse(version.dialect, before, "before.sql").unwrap();
        let to = crate::source::sql::parse(version.dialect, after, "after.sql").unwrap();
        let renames: Vec<String> = renames.iter().map(|s| s.to_string()).collect();
        let answers = crate::diff::RenameAnswers::parse(&renames, true).unwrap();
        let changes = crate::diff::diff(&from, &to, &answers).changes;
        (changes, from, version)
    }

    #[test]
    fn findings_are_sorted_by_change_then_severity() {
        let (changes, before, version) = plan(
            "postgres:15",
            "CREATE TABLE users (id int, email text, legacy text);",
            "CREATE TABLE users (id int, email text NOT NULL, name text); CREATE INDEX users_email ON users (email);",
            &[],
        );
        let found = analyze(&changes, &before, &version, None);
        assert!(found.len() > 3);
        for pair in found.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(a.change < b.change || (a.change == b.change && a.severity >= b.severity));
        }
        assert!(found.iter().all(|f| f.change < changes.len()));
    }

    #[test]
    fn changes_on_tables_created_together_are_exempt() {
        let (mut changes, before, version) = plan(
            "postgres:15",
            "",
            "CREATE TABLE t (id serial PRIMARY KEY, v text);",
            &[],
        );
        // A table created and changed in one migration (as when foreign keys in a cycle are deferred).
        changes.push(Change::AddIndex {
            table: QName::new("t"),
            index: crate::model::Index {
                name: "t_v".into(),
                unique: false,
                keys: vec![crate::model::IndexKey::column("v")],
                method: None,
                predicate: None,
                include: Vec::new(),
            },
        });
        let found = analyze(&changes, &before, &version, None);
        assert!(
            found.iter().all(|f| f.severity == Severity::Info),
            "{found:#?}"
        );
        // Hygiene lints still look at the new table itself.
        assert!(found.iter().any(|f| f.rule == RuleId::PreferBigintKey));
    }

    #[test]
    fn stats_follow_a_renamed_table_and_bytes_count_too() {
        let (changes, before, version) = plan(
            "postgres:15",
            "CREATE TABLE users (id int, email text);",
            "CREATE TABLE accounts (id int, email text); CREATE INDEX accounts_email ON accounts (email);",
            &["users=accounts"],
        );
        let mut stats = TableStats::default();
        stats.rows.insert(QName::new("users"), 5);
        let index = |found: &[Finding]| {
            found
                .iter()
                .find(|f| f.rule == RuleId::CreateIndexNonConcurrently)
                .cloned()
                .expect("index finding")
        };
        let found = index(&analyze(&changes, &before, &version, Some(&stats)));
        assert_eq!(found.severity, Severity::Warning);
        assert!(
            found.message.contains("accounts: 5 rows"),
            "{}",
            found.message
        );
        // Few rows but many bytes is not small.
        stats
            .bytes
            .insert(QName::new("users"), 50 * 1024 * 1024 * 1024);
        let found = index(&analyze(&changes, &before, &version, Some(&stats)));
        assert_eq!(found.severity, Severity::Error);
        assert!(found.message.contains("50 GB"), "{}", found.message);
        // Stats present, but not for this table.
        let found = index(&analyze(
            &changes,
            &before,
            &version,
            Some(&TableStats::default()),
        ));
        assert!(
            found.message.contains("no statistics for accounts"),
            "{}",
            found.message
        );
    }

    #[test]
    fn version_gates() {
        let meta = RuleId::AddColumnDefaultRewrite.meta();
        assert!(meta.applies_to(&Version::parse("postgres:10").unwrap()));
        assert!(!meta.applies_to(&Version::parse("postgres:11").unwrap()));
        assert!(!meta.applies_to(&Version::parse("mysql:5.7").unwrap()));
        let mysql_only = RuleId::MysqlTableCopy.meta();
        assert!(mysql_only.applies_to(&Version::parse("mariadb:10.11").unwrap()));
        assert_eq!(
            RuleId::DropColumn.meta().lock_for(Engine::Mariadb),
            Some("INSTANT from 10.4, before that a table rebuild")
        );
        assert_eq!(
            RuleId::DropTable.meta().lock_for(Engine::Mariadb),
            RuleId::DropTable.meta().lock_for(Engine::Mysql)
        );
    }

    #[test]
    fn size_formatting() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(human_bytes(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(12), "12 B");
    }
}
