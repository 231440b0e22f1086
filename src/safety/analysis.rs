//! The analysis driver: every applicable rule over the changes, with the context a rule's
//! check reads (the before-schema, renames, created tables, table sizes) and reports into.

use std::collections::{BTreeMap, BTreeSet};

use super::{Finding, RuleId, rules};
use crate::diff::Change;
use crate::model::{Engine, QName, Schema, Table, TableStats, Version};

/// Below both limits a full scan or rewrite takes well under a second on any server we target,
/// so the lock it holds is not an outage: such findings are graded one level lower. The limits
/// are deliberately low; a busy small table still queues behind the lock (see require-lock-timeout).
pub const SMALL_TABLE_ROWS: u64 = 10_000;
/// See `SMALL_TABLE_ROWS`; bytes include indexes where the source reports them.
pub const SMALL_TABLE_BYTES: u64 = 10 * 1024 * 1024;

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
    pub(super) fn new(
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
        if meta.graded_by_size
            && let Some(table) = finding.table.clone()
        {
            self.grade(&mut finding, &table);
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

pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn human_bytes(bytes: u64) -> String {
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
