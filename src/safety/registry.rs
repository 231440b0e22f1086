//! The registry: every rule's stable id, the safe patterns findings point to, and each rule's
//! metadata (severity, the why, per-engine locks, version gates).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Severity;
use crate::model::{Dialect, Engine, Release, Version};

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
    PreferTextField => "prefer-text-field",
    PreferTextOverChar => "prefer-text-over-char",
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
        super::rules::meta(self)
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
    &super::rules::ALL
}
