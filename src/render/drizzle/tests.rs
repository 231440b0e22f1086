use super::journal::NO_PREVIOUS;
use super::*;

#[test]
fn a_new_journal_starts_at_zero_for_the_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::read(&dir.path().join("meta/_journal.json"), "sqlite").unwrap();
    assert_eq!(journal.next_idx(), 0);
    assert_eq!(journal.last_snapshot_id(dir.path()).unwrap(), NO_PREVIOUS);
    journal.append("0000_init", 1_700_000_000);
    let json = journal.to_json();
    assert_eq!(json["version"], "7");
    assert_eq!(json["dialect"], "sqlite");
    assert_eq!(json["entries"][0]["idx"], 0);
    assert_eq!(json["entries"][0]["when"], 1_700_000_000_000u64);
    assert_eq!(json["entries"][0]["tag"], "0000_init");
    assert_eq!(json["entries"][0]["breakpoints"], true);
}

#[test]
fn an_entry_follows_the_last_one_and_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("meta")).unwrap();
    // drizzle-kit's own journal for a first migration, `when` far in the future.
    let text = r#"{"version":"7","dialect":"sqlite","entries":[{"idx":0,"version":"6","when":1796657333332,"tag":"0000_medical_viper","breakpoints":true}]}"#;
    std::fs::write(dir.path().join("meta/_journal.json"), text).unwrap();
    std::fs::write(
        dir.path().join("meta/0000_snapshot.json"),
        r#"{"id":"8407bc0d-7f63-4d12-b5e5-8b5e93d9e441","prevId":"00000000-0000-0000-0000-000000000000"}"#,
    )
    .unwrap();
    let mut journal = Journal::read(&dir.path().join("meta/_journal.json"), "sqlite").unwrap();
    assert_eq!(journal.next_idx(), 1);
    assert_eq!(
        journal.last_snapshot_id(dir.path()).unwrap(),
        "8407bc0d-7f63-4d12-b5e5-8b5e93d9e441"
    );
    journal.append("0001_add_bio", 1_700_000_000);
    let entry = &journal.to_json()["entries"][1];
    assert_eq!(entry["idx"], 1);
    assert_eq!(entry["version"], "6");
    assert_eq!(entry["when"], 1_796_657_333_333u64);
}

#[test]
fn a_journal_of_another_dialect_is_refused() {
    let error = Journal::parse(
        r#"{"version":"7","dialect":"postgresql","entries":[]}"#,
        "sqlite",
    )
    .unwrap_err();
    assert!(error.contains("postgresql"), "{error}");
    assert!(Journal::parse("{}", "sqlite").is_err());
}

#[test]
fn snapshot_ids_are_version_4_uuids_distinct_per_seed() {
    let (a, b) = (new_snapshot_id("0000 a"), new_snapshot_id("0000 b"));
    assert_ne!(a, b);
    assert_eq!(a, new_snapshot_id("0000 a"));
    assert_eq!(a.len(), 36);
    assert_eq!(&a[14..15], "4");
    assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
}

#[test]
fn statements_are_split_by_breakpoints_without_a_final_newline() {
    let statement = |sql: &str| PlannedStatement {
        sql: sql.into(),
        transactional: true,
        own_transaction: false,
        phase: crate::plan::Phase::Direct,
        note: None,
        lint_ignores: Vec::new(),
        tag: None,
    };
    let text = breakpoints(&[
        statement("ALTER TABLE `a` ADD `b` text"),
        statement("CREATE INDEX `i` ON `a` (`b`);\n"),
    ]);
    assert_eq!(
        text,
        "ALTER TABLE `a` ADD `b` text;\n--> statement-breakpoint\nCREATE INDEX `i` ON `a` (`b`);"
    );
}

#[test]
fn a_new_journals_entries_carry_the_dialects_snapshot_version() {
    let dir = tempfile::tempdir().unwrap();
    for (dialect, version) in [("sqlite", "6"), ("mysql", "5"), ("postgresql", "7")] {
        let mut journal = Journal::read(&dir.path().join("meta/_journal.json"), dialect).unwrap();
        journal.append("0000_init", 1_700_000_000);
        assert_eq!(
            journal.to_json()["entries"][0]["version"],
            version,
            "{dialect}"
        );
    }
}
