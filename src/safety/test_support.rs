//! Test helpers: DDL before and after → diff → one rule. They fail loudly when misused:
//! `findings` panics if nothing fired, `no_findings` if anything did.

use super::{Finding, RuleId, analyze_rules};
use crate::diff::{self, RenameAnswers};
use crate::model::{QName, TableStats, Version};
use crate::source::sql;

/// Optional inputs of a case.
#[derive(Default)]
pub(crate) struct Extra<'a> {
    /// `--rename` answers: `old=new` (table) or `table.old=new` (column).
    pub renames: &'a [&'a str],
    pub stats: Option<TableStats>,
}

/// Run one rule over the diff of two DDL scripts on `version` (`postgres:15`, `mysql:8.0.35`…).
pub(crate) fn run(
    rule: RuleId,
    version: &str,
    before: &str,
    after: &str,
    extra: &Extra,
) -> Vec<Finding> {
    let version = Version::parse(version).expect("test version");
    let from = sql::parse(version.dialect, before, "before.sql").expect("before DDL parses");
    let to = sql::parse(version.dialect, after, "after.sql").expect("after DDL parses");
    let answers = RenameAnswers::parse(
        &extra
            .renames
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
        true,
    )
    .expect("rename answers");
    let diff = diff::diff(&from, &to, &answers);
    analyze_rules(
        &[rule],
        &diff.changes,
        &from,
        &version,
        extra.stats.as_ref(),
    )
}

/// The findings of `rule`; panics if there are none.
pub(crate) fn findings(rule: RuleId, version: &str, before: &str, after: &str) -> Vec<Finding> {
    findings_with(rule, version, before, after, &Extra::default())
}

pub(crate) fn findings_with(
    rule: RuleId,
    version: &str,
    before: &str,
    after: &str,
    extra: &Extra,
) -> Vec<Finding> {
    let found = run(rule, version, before, after, extra);
    assert!(
        !found.is_empty(),
        "{rule} did not fire on {version}\nbefore: {before}\nafter:  {after}"
    );
    assert!(found.iter().all(|f| f.rule == rule));
    found
}

/// Panics if `rule` reports anything.
pub(crate) fn no_findings(rule: RuleId, version: &str, before: &str, after: &str) {
    no_findings_with(rule, version, before, after, &Extra::default())
}

pub(crate) fn no_findings_with(
    rule: RuleId,
    version: &str,
    before: &str,
    after: &str,
    extra: &Extra,
) {
    let found = run(rule, version, before, after, extra);
    assert!(
        found.is_empty(),
        "{rule} fired on {version}:\n{}",
        found
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Statistics saying `table` (unqualified) holds `rows` rows.
pub(crate) fn rows(table: &str, rows: u64) -> TableStats {
    let mut stats = TableStats::default();
    stats.rows.insert(QName::new(table), rows);
    stats
}
