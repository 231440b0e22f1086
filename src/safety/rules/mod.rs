//! The registry: every `RuleId` mapped to its file. All matches are exhaustive and `ALL` is
//! sized by `RuleId::ALL`, so a new id does not compile until its rule file is wired in here.

use super::{Ctx, Gate, Lock, RuleId, RuleMeta};
use crate::model::{Dialect, Engine, Release};

/// The columns a change brings in that `wanted` picks: each column of a created table, an
/// added column, and, with `retyped`, a column whose type or collation changes to one it picks.
/// For the rules that judge a column's declared type.
pub(super) fn columns_brought_in(
    change: &crate::diff::Change,
    retyped: bool,
    wanted: impl Fn(&crate::model::Column) -> bool,
) -> Vec<(&crate::model::QName, &crate::model::Column)> {
    use crate::diff::Change;
    match change {
        Change::CreateTable { table } => table
            .columns
            .iter()
            .filter(|c| wanted(c))
            .map(|c| (&table.name, c))
            .collect(),
        Change::AddColumn { table, column } if wanted(column) => vec![(table, column)],
        Change::AlterColumn { table, from, to }
            if retyped && wanted(to) && (from.ty != to.ty || from.collation != to.collation) =>
        {
            vec![(table, to)]
        }
        _ => Vec::new(),
    }
}

mod add_check_constraint_validating;
mod add_column_auto_increment;
mod add_column_default_rewrite;
mod add_column_volatile_default;
mod add_enum_value_in_transaction;
mod add_foreign_key_validating;
mod add_not_null_without_default;
mod add_unique_constraint_locking;
mod alter_identity_breaks_inserts;
mod alter_primary_key;
pub(crate) mod change_column_type_rewrite;
mod create_index_non_concurrently;
mod ddl_not_transactional;
mod drop_column;
mod drop_constraint;
mod drop_default_breaks_inserts;
mod drop_extension;
mod drop_index_non_concurrently;
mod drop_not_null;
mod drop_schema;
mod drop_sequence;
mod drop_table;
mod drop_view_breaks_readers;
mod enum_value_removed;
mod enum_values_reordered;
mod identifier_too_long;
mod mixed_expand_contract;
mod mysql_table_copy;
mod mysql_table_rebuild;
mod prefer_bigint_key;
pub(crate) mod prefer_text_field;
mod prefer_text_over_char;
mod prefer_timestamptz;
mod rename_column_breaks_clients;
mod rename_table_breaks_clients;
mod require_algorithm_lock;
mod require_lock_timeout;
mod set_not_null_scan;
mod sqlite_table_rebuild;
mod stored_generated_column_rewrite;
mod trigger_changed;

const ALL_DIALECTS: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];
const POSTGRES: &[Dialect] = &[Dialect::Postgres];
const MYSQL: &[Dialect] = &[Dialect::Mysql];
const SQLITE: &[Dialect] = &[Dialect::Sqlite];
const POSTGRES_MYSQL: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql];

const fn lock(engine: Engine, text: &'static str) -> Lock {
    Lock { engine, text }
}

/// The rule applies on `engine` from `since` on.
const fn since(engine: Engine, major: u32, minor: u32, patch: u32) -> Gate {
    Gate {
        engine,
        since: Some(Release::new(major, minor, patch)),
        until: None,
    }
}

/// The rule applies on `engine` before `until` only.
const fn until(engine: Engine, major: u32, minor: u32, patch: u32) -> Gate {
    Gate {
        engine,
        since: None,
        until: Some(Release::new(major, minor, patch)),
    }
}

/// Every rule's metadata, in `RuleId::ALL` order.
pub(super) static ALL: [RuleMeta; RuleId::ALL.len()] = [
    drop_table::META,
    rename_table_breaks_clients::META,
    add_not_null_without_default::META,
    add_column_volatile_default::META,
    add_column_default_rewrite::META,
    add_column_auto_increment::META,
    stored_generated_column_rewrite::META,
    drop_column::META,
    rename_column_breaks_clients::META,
    change_column_type_rewrite::META,
    drop_default_breaks_inserts::META,
    alter_identity_breaks_inserts::META,
    set_not_null_scan::META,
    drop_not_null::META,
    alter_primary_key::META,
    add_unique_constraint_locking::META,
    add_foreign_key_validating::META,
    add_check_constraint_validating::META,
    drop_constraint::META,
    create_index_non_concurrently::META,
    drop_index_non_concurrently::META,
    add_enum_value_in_transaction::META,
    enum_value_removed::META,
    enum_values_reordered::META,
    trigger_changed::META,
    drop_view_breaks_readers::META,
    drop_sequence::META,
    drop_extension::META,
    drop_schema::META,
    prefer_bigint_key::META,
    prefer_timestamptz::META,
    prefer_text_field::META,
    prefer_text_over_char::META,
    identifier_too_long::META,
    mysql_table_copy::META,
    mysql_table_rebuild::META,
    sqlite_table_rebuild::META,
    require_lock_timeout::META,
    require_algorithm_lock::META,
    ddl_not_transactional::META,
    mixed_expand_contract::META,
];

pub(super) fn meta(rule: RuleId) -> &'static RuleMeta {
    match rule {
        RuleId::DropTable => &drop_table::META,
        RuleId::RenameTableBreaksClients => &rename_table_breaks_clients::META,
        RuleId::AddNotNullWithoutDefault => &add_not_null_without_default::META,
        RuleId::AddColumnVolatileDefault => &add_column_volatile_default::META,
        RuleId::AddColumnDefaultRewrite => &add_column_default_rewrite::META,
        RuleId::AddColumnAutoIncrement => &add_column_auto_increment::META,
        RuleId::StoredGeneratedColumnRewrite => &stored_generated_column_rewrite::META,
        RuleId::DropColumn => &drop_column::META,
        RuleId::RenameColumnBreaksClients => &rename_column_breaks_clients::META,
        RuleId::ChangeColumnTypeRewrite => &change_column_type_rewrite::META,
        RuleId::DropDefaultBreaksInserts => &drop_default_breaks_inserts::META,
        RuleId::AlterIdentityBreaksInserts => &alter_identity_breaks_inserts::META,
        RuleId::SetNotNullScan => &set_not_null_scan::META,
        RuleId::DropNotNull => &drop_not_null::META,
        RuleId::AlterPrimaryKey => &alter_primary_key::META,
        RuleId::AddUniqueConstraintLocking => &add_unique_constraint_locking::META,
        RuleId::AddForeignKeyValidating => &add_foreign_key_validating::META,
        RuleId::AddCheckConstraintValidating => &add_check_constraint_validating::META,
        RuleId::DropConstraint => &drop_constraint::META,
        RuleId::CreateIndexNonConcurrently => &create_index_non_concurrently::META,
        RuleId::DropIndexNonConcurrently => &drop_index_non_concurrently::META,
        RuleId::AddEnumValueInTransaction => &add_enum_value_in_transaction::META,
        RuleId::EnumValueRemoved => &enum_value_removed::META,
        RuleId::EnumValuesReordered => &enum_values_reordered::META,
        RuleId::TriggerChanged => &trigger_changed::META,
        RuleId::DropViewBreaksReaders => &drop_view_breaks_readers::META,
        RuleId::DropSequence => &drop_sequence::META,
        RuleId::DropExtension => &drop_extension::META,
        RuleId::DropSchema => &drop_schema::META,
        RuleId::PreferBigintKey => &prefer_bigint_key::META,
        RuleId::PreferTimestamptz => &prefer_timestamptz::META,
        RuleId::PreferTextField => &prefer_text_field::META,
        RuleId::PreferTextOverChar => &prefer_text_over_char::META,
        RuleId::IdentifierTooLong => &identifier_too_long::META,
        RuleId::MysqlTableCopy => &mysql_table_copy::META,
        RuleId::MysqlTableRebuild => &mysql_table_rebuild::META,
        RuleId::SqliteTableRebuild => &sqlite_table_rebuild::META,
        RuleId::RequireLockTimeout => &require_lock_timeout::META,
        RuleId::RequireAlgorithmLock => &require_algorithm_lock::META,
        RuleId::DdlNotTransactional => &ddl_not_transactional::META,
        RuleId::MixedExpandContract => &mixed_expand_contract::META,
    }
}

pub(super) fn check(rule: RuleId, ctx: &mut Ctx) {
    match rule {
        RuleId::DropTable => drop_table::check(ctx),
        RuleId::RenameTableBreaksClients => rename_table_breaks_clients::check(ctx),
        RuleId::AddNotNullWithoutDefault => add_not_null_without_default::check(ctx),
        RuleId::AddColumnVolatileDefault => add_column_volatile_default::check(ctx),
        RuleId::AddColumnDefaultRewrite => add_column_default_rewrite::check(ctx),
        RuleId::AddColumnAutoIncrement => add_column_auto_increment::check(ctx),
        RuleId::StoredGeneratedColumnRewrite => stored_generated_column_rewrite::check(ctx),
        RuleId::DropColumn => drop_column::check(ctx),
        RuleId::RenameColumnBreaksClients => rename_column_breaks_clients::check(ctx),
        RuleId::ChangeColumnTypeRewrite => change_column_type_rewrite::check(ctx),
        RuleId::DropDefaultBreaksInserts => drop_default_breaks_inserts::check(ctx),
        RuleId::AlterIdentityBreaksInserts => alter_identity_breaks_inserts::check(ctx),
        RuleId::SetNotNullScan => set_not_null_scan::check(ctx),
        RuleId::DropNotNull => drop_not_null::check(ctx),
        RuleId::AlterPrimaryKey => alter_primary_key::check(ctx),
        RuleId::AddUniqueConstraintLocking => add_unique_constraint_locking::check(ctx),
        RuleId::AddForeignKeyValidating => add_foreign_key_validating::check(ctx),
        RuleId::AddCheckConstraintValidating => add_check_constraint_validating::check(ctx),
        RuleId::DropConstraint => drop_constraint::check(ctx),
        RuleId::CreateIndexNonConcurrently => create_index_non_concurrently::check(ctx),
        RuleId::DropIndexNonConcurrently => drop_index_non_concurrently::check(ctx),
        RuleId::AddEnumValueInTransaction => add_enum_value_in_transaction::check(ctx),
        RuleId::EnumValueRemoved => enum_value_removed::check(ctx),
        RuleId::EnumValuesReordered => enum_values_reordered::check(ctx),
        RuleId::TriggerChanged => trigger_changed::check(ctx),
        RuleId::DropViewBreaksReaders => drop_view_breaks_readers::check(ctx),
        RuleId::DropSequence => drop_sequence::check(ctx),
        RuleId::DropExtension => drop_extension::check(ctx),
        RuleId::DropSchema => drop_schema::check(ctx),
        RuleId::PreferBigintKey => prefer_bigint_key::check(ctx),
        RuleId::PreferTimestamptz => prefer_timestamptz::check(ctx),
        RuleId::PreferTextField => prefer_text_field::check(ctx),
        RuleId::PreferTextOverChar => prefer_text_over_char::check(ctx),
        RuleId::IdentifierTooLong => identifier_too_long::check(ctx),
        RuleId::MysqlTableCopy => mysql_table_copy::check(ctx),
        RuleId::MysqlTableRebuild => mysql_table_rebuild::check(ctx),
        RuleId::SqliteTableRebuild => sqlite_table_rebuild::check(ctx),
        RuleId::RequireLockTimeout => require_lock_timeout::check(ctx),
        RuleId::RequireAlgorithmLock => require_algorithm_lock::check(ctx),
        RuleId::DdlNotTransactional => ddl_not_transactional::check(ctx),
        RuleId::MixedExpandContract => mixed_expand_contract::check(ctx),
    }
}
