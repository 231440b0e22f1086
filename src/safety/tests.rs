//! The registry, the analysis driver and the rule pages, across the rules (each rule's own tests
//! live in its file).

use super::analysis::{human_bytes, thousands};
use super::*;
use crate::model::{Engine, QName, TableStats};

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
