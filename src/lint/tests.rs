use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn statements_split_at_top_level_semicolons_with_positions() {
    let text = "CREATE TABLE t (id int);\n-- a comment; with a semicolon\n  DO $$ BEGIN PERFORM 1; END $$;\nINSERT INTO t VALUES (';')";
    let statements = split_statements(Dialect::Postgres, text, "f.sql").unwrap();
    let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sql,
        [
            "CREATE TABLE t (id int)",
            "DO $$ BEGIN PERFORM 1; END $$",
            "INSERT INTO t VALUES (';')"
        ]
    );
    assert_eq!((statements[1].line, statements[1].column), (3, 3));
    assert_eq!((statements[2].line, statements[2].column), (4, 1));
}

/// SQLite's rebuild (create, copy, drop, rename) is one change to the table: the rebuild
/// rule speaks, at the CREATE, and nothing says the table's rows are dropped.
#[test]
fn a_sqlite_table_rebuild_is_judged_as_the_change_it_makes() {
    let dir = tempfile::tempdir().unwrap();
    let base = sql::parse(
        Dialect::Sqlite,
        "CREATE TABLE orders (id integer PRIMARY KEY, placed_at text);",
        "schema.sql",
    )
    .unwrap();
    let rebuild = write(
        dir.path(),
        "001_rebuild.sql",
        "PRAGMA foreign_keys = OFF;
CREATE TABLE \"_new_orders\" (id integer PRIMARY KEY, placed_at text NOT NULL);
INSERT INTO _new_orders (id, placed_at) SELECT id, placed_at FROM orders;
DROP TABLE orders;
ALTER TABLE _new_orders RENAME TO orders;
PRAGMA foreign_keys = ON;
",
    );
    let version = Version::parse("sqlite:3.45").unwrap();
    let found = lint(&[rebuild], &base, &version).unwrap();
    let rules: Vec<(RuleId, u64)> = found.iter().map(|f| (f.rule, f.line)).collect();
    assert!(
        rules.contains(&(RuleId::SqliteTableRebuild, 2)),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| matches!(f.rule, RuleId::DropTable | RuleId::RenameTableBreaksClients)),
        "{found:#?}"
    );
}

#[test]
fn findings_point_at_the_statement_and_respect_how_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let base = sql::parse(
        Dialect::Postgres,
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint);\nCREATE TABLE orgs (id bigint PRIMARY KEY);",
        "schema.sql",
    )
    .unwrap();
    let careless = write(
        dir.path(),
        "001_careless.sql",
        "CREATE INDEX users_email_idx ON users (email);\n\nALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n",
    );
    let version = Version::parse("postgres:15").unwrap();
    let found = lint(&[careless], &base, &version).unwrap();
    let at = |rule: RuleId| found.iter().find(|f| f.rule == rule).map(|f| f.line);
    assert_eq!(
        at(RuleId::CreateIndexNonConcurrently),
        Some(1),
        "{found:#?}"
    );
    assert_eq!(at(RuleId::AddForeignKeyValidating), Some(3), "{found:#?}");
    assert!(at(RuleId::RequireLockTimeout).is_some(), "{found:#?}");

    let careful = write(
        dir.path(),
        "002_careful.sql",
        "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_org_fk;\n",
    );
    let found = lint(&[careful], &base, &version).unwrap();
    assert!(
        !found.iter().any(|f| matches!(
            f.rule,
            RuleId::CreateIndexNonConcurrently
                | RuleId::AddForeignKeyValidating
                | RuleId::RequireLockTimeout
        )),
        "{found:#?}"
    );
}

#[test]
fn files_build_on_each_other_and_renames_are_renames() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(
        dir.path(),
        "001.sql",
        "CREATE TABLE accounts (id integer PRIMARY KEY, name text);",
    );
    let second = write(
        dir.path(),
        "002.sql",
        "ALTER TABLE accounts RENAME COLUMN name TO full_name;\nALTER TABLE accounts DROP COLUMN full_name;",
    );
    let version = Version::parse("postgres:15").unwrap();
    let found = lint(
        &[first, second],
        &Schema::empty(Dialect::Postgres),
        &version,
    )
    .unwrap();
    let rename = found
        .iter()
        .find(|f| f.rule == RuleId::RenameColumnBreaksClients)
        .expect("the rename is a rename");
    assert_eq!((rename.line, rename.file.ends_with("002.sql")), (1, true));
    let drop = found
        .iter()
        .find(|f| f.rule == RuleId::DropColumn)
        .expect("the drop");
    assert_eq!(drop.line, 2);
    assert!(drop.change.contains("accounts.full_name"), "{drop:?}");
}

#[test]
fn a_table_made_in_the_same_file_is_not_judged_as_live() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "001.sql",
        "CREATE TABLE t (id bigint PRIMARY KEY, a int);\nUPDATE t SET a = 1;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\nCREATE INDEX t_a_idx ON t (a);",
    );
    let later = write(
        dir.path(),
        "002.sql",
        "CREATE INDEX t_id_a_idx ON t (id, a);",
    );
    let version = Version::parse("postgres:15").unwrap();
    let found = lint(&[file, later], &Schema::empty(Dialect::Postgres), &version).unwrap();
    let rules: Vec<(String, RuleId)> = found
        .iter()
        .map(|f| (f.file.rsplit('/').next().unwrap().to_string(), f.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("002.sql".to_string(), RuleId::CreateIndexNonConcurrently),
            ("002.sql".to_string(), RuleId::RequireLockTimeout),
        ],
        "{found:#?}"
    );
}

#[test]
fn an_unreadable_statement_names_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "003.sql",
        "CREATE TABLE a (id int);\n\n  ALTER TABLE missing ADD COLUMN x int;",
    );
    let version = Version::parse("postgres:15").unwrap();
    let error = lint(&[bad], &Schema::empty(Dialect::Postgres), &version).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("003.sql:3:3"), "{text}");
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn algorithm_clauses_and_concurrently_are_read_past() {
    assert_eq!(
        model_text("ALTER TABLE `t` ADD COLUMN `x` int, ALGORITHM=INSTANT"),
        "ALTER TABLE `t` ADD COLUMN `x` int"
    );
    assert_eq!(
        model_text("CREATE INDEX `i` ON `t` (`x`) ALGORITHM=INPLACE LOCK=NONE"),
        "CREATE INDEX `i` ON `t` (`x`)"
    );
    assert_eq!(
        model_text("ALTER TABLE t DROP INDEX i, ALGORITHM = INPLACE, LOCK = NONE"),
        "ALTER TABLE t DROP INDEX i"
    );
    assert_eq!(
        model_text("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (lock_algorithm)"),
        "CREATE INDEX IF NOT EXISTS i ON t (lock_algorithm)"
    );
}

/// A `-- squawk-ignore` right above a statement silences the migen rules that report the
/// same risk as the squawk rules it names, and only those; lint says what it left out.
#[test]
fn squawk_ignore_annotations_silence_the_same_risk() {
    let dir = tempfile::tempdir().unwrap();
    let base = sql::parse(
        Dialect::Postgres,
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, nick text, bio text);",
        "schema.sql",
    )
    .unwrap();
    let file = write(
        dir.path(),
        "001.sql",
        "SET lock_timeout = '2s';
-- squawk-ignore ban-drop-column -- the recipe's old column
ALTER TABLE users DROP COLUMN email;
-- squawk-ignore renaming-column -- names a rule about another risk
ALTER TABLE users DROP COLUMN nick;
-- squawk-ignore ban-drop-column
-- a second comment line: the ignore no longer sits right above the statement
ALTER TABLE users DROP COLUMN bio;
",
    );
    let version = Version::parse("postgres:15").unwrap();
    let report = lint_report(&[file], &base, &version).unwrap();
    let dropped: Vec<u64> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::DropColumn)
        .map(|f| f.line)
        .collect();
    assert_eq!(dropped, [5, 8], "{report:#?}");
    assert_eq!(report.skipped.len(), 1, "{report:#?}");
    assert_eq!(
        (report.skipped[0].line, report.skipped[0].rule),
        (3, RuleId::DropColumn)
    );
    assert_eq!(
        report.skipped_summary().as_deref(),
        Some(
            "1 finding skipped for squawk-ignore annotations on their statements: drop-column (ban-drop-column)"
        )
    );
}

#[test]
fn github_annotations_escape_their_fields() {
    let finding = LintFinding {
        file: "db/001, init.sql".into(),
        line: 4,
        column: 2,
        rule: RuleId::DropTable,
        severity: Severity::Error,
        message: "50% of it\nis gone".into(),
        change: String::new(),
        table: None,
        lock: None,
        rewrite: false,
    };
    assert_eq!(
        github_annotations(&[finding]),
        "::error file=db/001%2C init.sql,line=4,col=2,title=drop-table::50%25 of it%0Ais gone\n"
    );
}

/// The CREATE TABLE shortcut finds what reading every statement on top of the whole schema text
/// finds, over scripts that mix plain tables with what it must not take (names that clash with
/// implicit ones, enums, foreign keys, tables dropped and made again, renames, rebuilds).
#[test]
fn the_create_table_shortcut_finds_what_the_exact_reading_finds() {
    let cases: &[(Dialect, &str, &[&str])] = &[
        (
            Dialect::Postgres,
            "postgres:15",
            &[
                "CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE a (id bigint PRIMARY KEY, name text);
CREATE INDEX b_pkey ON a (name);
CREATE TABLE b (id bigint PRIMARY KEY, note text);
CREATE TABLE h (id bigint PRIMARY KEY, feeling mood);
CREATE TABLE c (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id), UNIQUE (a_id));
CREATE TABLE d (id serial PRIMARY KEY, note varchar(20));
CREATE TABLE e (id bigint PRIMARY KEY);",
                "CREATE TABLE f (id bigint PRIMARY KEY, score int CHECK (score > 0));
ALTER TABLE a ADD COLUMN flag boolean NOT NULL DEFAULT false;
ALTER TABLE a ALTER COLUMN name SET NOT NULL;
CREATE INDEX a_name_idx ON a (name);
DROP TABLE d;
CREATE TABLE d (id bigint PRIMARY KEY, note text);
ALTER TABLE b RENAME TO b2;
CREATE TABLE b (id bigint PRIMARY KEY);
ALTER TABLE f ALTER COLUMN score TYPE bigint;
CREATE TABLE g (id bigint PRIMARY KEY, f_id bigint);
ALTER TABLE g ADD CONSTRAINT g_f_fk FOREIGN KEY (f_id) REFERENCES f (id);
ALTER TABLE c DROP COLUMN a_id;
ALTER TABLE h ALTER COLUMN feeling SET NOT NULL;
CREATE INDEX z_pkey ON f (score);
CREATE TABLE z (id bigint PRIMARY KEY, note text);",
            ],
        ),
        (
            Dialect::Mysql,
            "mysql:8.0",
            &[
                "CREATE TABLE a (id bigint PRIMARY KEY, name varchar(50), KEY (name));
CREATE TABLE b (id bigint PRIMARY KEY AUTO_INCREMENT, a_id bigint, UNIQUE KEY (a_id));",
                "ALTER TABLE a ADD COLUMN score int NOT NULL DEFAULT 0;
CREATE TABLE c (id bigint PRIMARY KEY, kind ENUM('x', 'y'));
ALTER TABLE b MODIFY a_id bigint NOT NULL;
CREATE INDEX a_score ON a (score);
DROP TABLE c;
CREATE TABLE c (id bigint PRIMARY KEY);
ALTER TABLE a DROP COLUMN name;
CREATE TABLE z (id bigint PRIMARY KEY, note text, KEY (note));
DROP TABLE IF EXISTS gone;
CREATE TABLE gone (id bigint PRIMARY KEY);",
            ],
        ),
        (
            Dialect::Sqlite,
            "sqlite:3.45",
            &[
                "CREATE TABLE orders (id integer PRIMARY KEY, placed_at text);
CREATE TABLE items (id integer PRIMARY KEY, order_id integer REFERENCES orders (id));",
                "CREATE TABLE notes (id integer PRIMARY KEY, body text);
CREATE TABLE \"_new_orders\" (id integer PRIMARY KEY, placed_at text NOT NULL);
INSERT INTO _new_orders (id, placed_at) SELECT id, placed_at FROM orders;
DROP TABLE orders;
ALTER TABLE _new_orders RENAME TO orders;
ALTER TABLE items ADD COLUMN qty integer NOT NULL DEFAULT 1;
CREATE INDEX items_qty ON items (qty);
DROP TABLE notes;
CREATE TABLE notes (id integer PRIMARY KEY);
CREATE TABLE z (id integer PRIMARY KEY, note text UNIQUE);",
            ],
        ),
    ];
    for (dialect, version, texts) in cases {
        let version = Version::parse(version).unwrap();
        let base = Schema::empty(*dialect);
        let scripts: Vec<Script> = texts
            .iter()
            .enumerate()
            .map(|(n, text)| {
                let file = format!("00{n}.sql");
                Script {
                    statements: split_statements(*dialect, text, &file).unwrap(),
                    file,
                    judged: true,
                }
            })
            .collect();
        let shown = |shortcut| {
            let (report, schema) = read_statements(&scripts, &base, &version, shortcut).unwrap();
            (
                serde_json::to_string_pretty(&report.findings).unwrap(),
                schema,
            )
        };
        let (exact, exact_schema) = shown(false);
        assert!(
            exact.contains("\"rule\""),
            "{dialect:?}: no findings to compare"
        );
        let (found, schema) = shown(true);
        assert_eq!(found, exact, "{dialect:?}");
        // The schema the statements leave, so that a difference later findings do not show
        // (a constraint named otherwise) still counts.
        assert_eq!(schema, exact_schema, "{dialect:?}");
    }
}
