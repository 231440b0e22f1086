//! squawk, the PostgreSQL migration linter many teams run in CI, and migen's rules: which of
//! squawk's rules report the same risk as which of migen's. `migen lint` reads squawk's
//! `-- squawk-ignore` annotations through this table (a statement annotated for a squawk rule
//! is not reported by that rule's counterparts), and the squawk oracle test explains squawk's
//! warnings on migen's own plans with it.

use super::RuleId::{self, *};

/// Each squawk rule (2.70's names) with the migen rules that report the same risk.
pub const SAME_RISK: &[(&str, &[RuleId])] = &[
    (
        "ban-drop-column",
        &[DropColumn, StoredGeneratedColumnRewrite],
    ),
    ("ban-drop-table", &[DropTable]),
    ("ban-drop-constraint", &[DropConstraint, AlterPrimaryKey]),
    ("ban-drop-not-null", &[DropNotNull]),
    ("ban-drop-default", &[DropDefaultBreaksInserts]),
    ("ban-drop-schema", &[DropSchema]),
    ("ban-drop-extension", &[DropExtension]),
    ("ban-drop-sequence", &[DropSequence]),
    ("ban-drop-view", &[DropViewBreaksReaders]),
    ("ban-drop-type", &[EnumValueRemoved, EnumValuesReordered]),
    ("renaming-column", &[RenameColumnBreaksClients]),
    ("renaming-table", &[RenameTableBreaksClients]),
    (
        "changing-column-type",
        &[
            ChangeColumnTypeRewrite,
            EnumValueRemoved,
            EnumValuesReordered,
        ],
    ),
    (
        "adding-required-field",
        &[
            AddNotNullWithoutDefault,
            SetNotNullScan,
            AddColumnAutoIncrement,
        ],
    ),
    (
        "adding-not-nullable-field",
        &[AddNotNullWithoutDefault, SetNotNullScan],
    ),
    (
        "adding-field-with-default",
        &[
            AddColumnVolatileDefault,
            AddColumnDefaultRewrite,
            AddColumnAutoIncrement,
            StoredGeneratedColumnRewrite,
        ],
    ),
    ("adding-foreign-key-constraint", &[AddForeignKeyValidating]),
    (
        "constraint-missing-not-valid",
        &[
            AddForeignKeyValidating,
            AddCheckConstraintValidating,
            AddUniqueConstraintLocking,
            AlterPrimaryKey,
        ],
    ),
    (
        "disallowed-unique-constraint",
        &[AddUniqueConstraintLocking],
    ),
    (
        "adding-serial-primary-key-field",
        &[AlterPrimaryKey, AddColumnAutoIncrement],
    ),
    ("identifier-too-long", &[IdentifierTooLong]),
    ("ban-alter-identity", &[AlterIdentityBreaksInserts]),
    (
        "require-concurrent-index-creation",
        &[CreateIndexNonConcurrently],
    ),
    (
        "require-concurrent-index-deletion",
        &[DropIndexNonConcurrently],
    ),
    ("require-lock-timeout", &[RequireLockTimeout]),
    ("require-timeout-settings", &[RequireLockTimeout]),
    ("prefer-text-field", &[PreferTextField]),
    ("ban-char-field", &[PreferTextOverChar]),
    ("prefer-timestamp-tz", &[PreferTimestamptz]),
    ("prefer-bigint-over-int", &[PreferBigintKey]),
    ("prefer-bigint-over-smallint", &[PreferBigintKey]),
    (
        "prefer-identity",
        &[PreferBigintKey, AddColumnAutoIncrement],
    ),
    (
        "require-enum-value-ordering",
        &[AddEnumValueInTransaction, EnumValuesReordered],
    ),
    ("require-statement-timeout", &[RequireLockTimeout]),
    ("transaction-nesting", &[DdlNotTransactional]),
];

/// The migen rules that report the risk squawk's `rule` names (none for a rule migen has no
/// counterpart of).
pub fn counterparts(rule: &str) -> &'static [RuleId] {
    SAME_RISK
        .iter()
        .find(|(name, _)| *name == rule)
        .map_or(&[], |(_, ours)| ours)
}

/// The squawk rules of a `squawk-ignore` comment (`comment` without its `--` or `/* */`): the
/// comma-separated names after `squawk-ignore`, up to a `--` that starts the reason. `None`
/// when the comment is not an ignore; `Some((true, rules))` for `squawk-ignore-file`.
pub fn ignore_comment(comment: &str) -> Option<(bool, Vec<String>)> {
    let text = comment.trim();
    let (whole_file, rest) = if let Some(rest) = text.strip_prefix("squawk-ignore-file") {
        (true, rest)
    } else {
        (false, text.strip_prefix("squawk-ignore")?)
    };
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let names = rest.split("--").next().unwrap_or("");
    let rules = names
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect();
    Some((whole_file, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_comments_name_their_rules_before_the_reason() {
        assert_eq!(
            ignore_comment(" squawk-ignore ban-drop-column, renaming-column -- why, and more"),
            Some((
                false,
                vec!["ban-drop-column".to_string(), "renaming-column".to_string()]
            ))
        );
        assert_eq!(
            ignore_comment("squawk-ignore-file prefer-text-field"),
            Some((true, vec!["prefer-text-field".to_string()]))
        );
        assert_eq!(ignore_comment("squawk-ignored nothing"), None);
        assert_eq!(ignore_comment("a plain comment"), None);
    }

    /// Every migen rule that names a squawk counterpart in its references is in the table.
    #[test]
    fn references_agree_with_the_table() {
        for rule in RuleId::ALL {
            for reference in rule.meta().references {
                let Some(names) = reference.strip_prefix("squawk: ") else {
                    continue;
                };
                // A name may be followed by a remark in parentheses.
                for name in names.split(',').filter_map(|n| n.split_whitespace().next()) {
                    assert!(
                        counterparts(name).contains(rule),
                        "{rule} names squawk's {name}, which SAME_RISK does not map to it"
                    );
                }
            }
        }
    }
}
