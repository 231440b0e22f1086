//! The exact SQL migen writes for representative changes, per dialect. Reviewed with
//! `cargo insta review`; stored in the top-level `snapshots/` folder. A change to any emitted
//! statement shows up here.

use migen::diff::RenameAnswers;
use migen::model::Dialect;
use migen::plan::{plan, script};
use migen::source::sql::parse;

/// `insta::assert_snapshot!` with the snapshot in `<crate>/snapshots/`.
macro_rules! assert_snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => true },
            { insta::assert_snapshot!($name, $value); }
        )
    };
}

fn migration(dialect: Dialect, before: &str, after: &str, renames: &[&str]) -> String {
    let before = parse(dialect, before, "before.sql").expect("before parses");
    let after = parse(dialect, after, "after.sql").expect("after parses");
    let renames: Vec<String> = renames.iter().map(|r| r.to_string()).collect();
    let answers = RenameAnswers::parse(&renames, false).expect("answers parse");
    let plan = plan(&before, &after, &answers);
    assert!(
        plan.questions.is_empty(),
        "unexpected questions: {:?}",
        plan.questions
    );
    let changes: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("-- {}", c.describe()))
        .collect();
    format!(
        "{}\n-- up\n{}\n-- down\n{}",
        changes.join("\n"),
        script(&plan.up),
        script(&plan.down)
    )
}

const SHOP_BEFORE: &str = "
CREATE TABLE customers (id integer PRIMARY KEY, email varchar(100) NOT NULL, name text);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), total numeric(10,2), status text DEFAULT 'new');
CREATE INDEX orders_status ON orders (status);
";

#[test]
fn postgres_shop_migration() {
    let after = "
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE customers (id integer PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, full_name text, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE, total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0), status order_status DEFAULT 'new');
CREATE INDEX orders_open ON orders (customer_id) WHERE status <> 'shipped';
CREATE VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
";
    assert_snap!(
        "postgres_shop",
        migration(
            Dialect::Postgres,
            SHOP_BEFORE,
            after,
            &["customers.name=full_name"]
        )
    );
}

#[test]
fn mysql_shop_migration() {
    let after = "
CREATE TABLE customers (id int PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, full_name text, created_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total decimal(12,2) NOT NULL DEFAULT 0, status enum('new','paid','shipped') DEFAULT 'new',
  CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, CHECK (total >= 0));
CREATE INDEX orders_status ON orders (status);
";
    assert_snap!(
        "mysql_shop",
        migration(
            Dialect::Mysql,
            SHOP_BEFORE,
            after,
            &["customers.name=full_name"]
        )
    );
}

#[test]
fn sqlite_shop_migration_rebuilds_what_alter_table_cannot_change() {
    let after = "
CREATE TABLE customers (id integer PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, full_name text, created_at text NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE, total numeric(12,2) NOT NULL DEFAULT 0 CHECK (total >= 0), status text DEFAULT 'new', note text);
CREATE INDEX orders_status ON orders (status);
";
    assert_snap!(
        "sqlite_shop",
        migration(
            Dialect::Sqlite,
            SHOP_BEFORE,
            after,
            &["customers.name=full_name"]
        )
    );
}

#[test]
fn identifiers_that_need_quoting() {
    let before =
        r#"CREATE TABLE "User Accounts" ("Id" integer PRIMARY KEY, "order" text, "we""ird" int);"#;
    let after = r#"CREATE TABLE "User Accounts" ("Id" integer PRIMARY KEY, "order" text NOT NULL DEFAULT '', "we""ird" bigint, "café" text);
CREATE INDEX "select" ON "User Accounts" ("order");"#;
    assert_snap!(
        "postgres_quoting",
        migration(Dialect::Postgres, before, after, &[])
    );
    assert_snap!(
        "sqlite_quoting",
        migration(Dialect::Sqlite, before, after, &[])
    );
    let mysql_before =
        "CREATE TABLE `User Accounts` (`Id` int PRIMARY KEY, `order` text, `we``ird` int);";
    let mysql_after = "CREATE TABLE `User Accounts` (`Id` int PRIMARY KEY, `order` varchar(20) NOT NULL DEFAULT '', `we``ird` bigint, `café` text);
CREATE INDEX `select` ON `User Accounts` (`order`);";
    assert_snap!(
        "mysql_quoting",
        migration(Dialect::Mysql, mysql_before, mysql_after, &[])
    );
}
