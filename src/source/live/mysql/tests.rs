//! Introspection against the local MariaDB server (skipped when it cannot be reached outside
//! CI), and the normalising helpers on their own.

use super::cells::{column_default, on_update, strip_outside_strings};
use super::*;
use crate::model::{
    Column, DefaultValue, FkAction, Generated, Index, IndexKey, IndexPart, LobSize, PrimaryKey,
    Table, Type,
};
use crate::source::live::{Database, Scratch};

const SERVER: &str = "mysql://root@127.0.0.1:3306/";

/// The test server's URL, or `None` (reason printed) when it cannot be reached outside CI.
fn server() -> Option<&'static str> {
    match MysqlDb::connect(SERVER) {
        Ok(_) => Some(SERVER),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("MySQL/MariaDB test server unreachable: {e}");
            }
            eprintln!("skipping: MySQL/MariaDB test server unreachable: {e}");
            None
        }
    }
}

/// A scratch database with the DDL applied, and its introspected schema.
fn introspect(ddl: &str) -> Option<(Scratch, MysqlDb, Schema)> {
    let server = server()?;
    let scratch = create_scratch(server).expect("create scratch database");
    let mut db = MysqlDb::connect(&scratch.url).expect("connect to scratch database");
    db.execute(ddl).expect("apply DDL");
    let schema = db.introspect().expect("introspect");
    Some((scratch, db, schema))
}

fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
    schema
        .table(&QName::new(name))
        .unwrap_or_else(|| panic!("table {name} missing"))
}

fn col<'a>(table: &'a Table, name: &str) -> &'a Column {
    table
        .column(name)
        .unwrap_or_else(|| panic!("column {name} missing"))
}

fn index<'a>(table: &'a Table, name: &str) -> &'a Index {
    table
        .indexes
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("index {name} missing in {:?}", table.indexes))
}

fn names<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    items.collect()
}

fn string(s: &str) -> Option<DefaultValue> {
    Some(DefaultValue::String(s.into()))
}

fn num(s: &str) -> Option<DefaultValue> {
    Some(DefaultValue::Number(s.into()))
}

fn function(s: &str) -> Option<DefaultValue> {
    Some(DefaultValue::Function(s.into()))
}

const COLUMNS_DDL: &str = r#"
        CREATE TABLE items (
            id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            big BIGINT NOT NULL DEFAULT -5,
            small TINYINT UNSIGNED DEFAULT 3,
            flag BOOLEAN NOT NULL DEFAULT TRUE,
            off_flag BOOL DEFAULT FALSE,
            name VARCHAR(40) NOT NULL DEFAULT 'it''s' COMMENT 'display name',
            empty_default VARCHAR(10) NOT NULL DEFAULT '',
            null_text VARCHAR(10) DEFAULT 'NULL',
            backslash VARCHAR(10) DEFAULT 'a\\b',
            plain VARCHAR(10),
            binned VARCHAR(10) COLLATE utf8mb4_bin,
            code CHAR(3),
            body MEDIUMTEXT,
            price DECIMAL(10,2) NOT NULL DEFAULT 0,
            ratio DECIMAL(5,2) DEFAULT -1.5,
            weight FLOAT DEFAULT 1.50,
            amount DOUBLE,
            qty INT NOT NULL DEFAULT 1,
            status ENUM('new','it''s','done') NOT NULL DEFAULT 'new',
            perms SET('r','w','x') DEFAULT 'r,w',
            doc JSON,
            doc2 JSON DEFAULT ('{}'),
            created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
            touched TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
            maybe TIMESTAMP NULL DEFAULT NULL,
            day DATE DEFAULT (CURRENT_DATE),
            fixed_at DATETIME DEFAULT '2020-01-01 00:00:00',
            token CHAR(36) DEFAULT (uuid()),
            sum3 INT DEFAULT (1 + 2),
            yr YEAR DEFAULT 2020,
            total DECIMAL(12,2) AS (price * qty) STORED,
            total_plus DECIMAL(12,2) GENERATED ALWAYS AS (price * qty + 1) VIRTUAL,
            raw BLOB,
            bin VARBINARY(16)
        ) ENGINE=InnoDB COMMENT 'all the columns';
    "#;

#[test]
fn columns_types_defaults_and_options() {
    let Some((_scratch, _db, schema)) = introspect(COLUMNS_DDL) else {
        return;
    };
    let t = table(&schema, "items");
    let order: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(&order[..4], ["id", "big", "small", "flag"]);
    assert_eq!(order.len(), 34);

    let id = col(t, "id");
    assert_eq!(
        id.ty,
        Type::Integer {
            bits: 32,
            unsigned: true
        }
    );
    assert!(id.auto_increment && !id.nullable && id.default.is_none());
    assert_eq!(
        t.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()]
        })
    );

    assert_eq!(col(t, "big").default, num("-5"));
    assert_eq!(
        col(t, "small").ty,
        Type::Integer {
            bits: 8,
            unsigned: true
        }
    );
    assert_eq!(col(t, "flag").ty, Type::Boolean);
    assert_eq!(col(t, "flag").default, Some(DefaultValue::Bool(true)));
    assert_eq!(col(t, "off_flag").default, Some(DefaultValue::Bool(false)));

    let name = col(t, "name");
    assert_eq!(name.ty, Type::Varchar { len: Some(40) });
    assert_eq!(name.default, string("it's"));
    assert_eq!(name.comment.as_deref(), Some("display name"));
    assert_eq!(name.collation.as_deref(), Some("utf8mb4_general_ci"));
    assert_eq!(col(t, "empty_default").default, string(""));
    assert_eq!(col(t, "null_text").default, string("NULL"));
    assert_eq!(col(t, "backslash").default, string("a\\b"));
    let plain = col(t, "plain");
    assert!(plain.nullable && plain.default.is_none() && plain.comment.is_none());
    assert_eq!(col(t, "binned").collation.as_deref(), Some("utf8mb4_bin"));
    assert_eq!(col(t, "code").ty, Type::Char { len: Some(3) });
    assert_eq!(
        col(t, "body").ty,
        Type::Text {
            size: LobSize::Medium
        }
    );

    assert_eq!(
        col(t, "price").ty,
        Type::Decimal {
            precision: Some(10),
            scale: Some(2)
        }
    );
    assert_eq!(col(t, "price").default, num("0"));
    assert_eq!(col(t, "price").collation, None);
    assert_eq!(col(t, "ratio").default, num("-1.5"));
    assert_eq!(col(t, "weight").ty, Type::Float { bits: 32 });
    assert_eq!(col(t, "weight").default, num("1.5"));
    assert_eq!(col(t, "amount").ty, Type::Float { bits: 64 });

    let status = col(t, "status");
    assert_eq!(
        status.ty,
        Type::InlineEnum {
            values: vec!["new".into(), "it's".into(), "done".into()]
        }
    );
    assert_eq!(status.default, string("new"));
    assert_eq!(
        col(t, "perms").ty,
        Type::Set {
            values: vec!["r".into(), "w".into(), "x".into()]
        }
    );
    assert_eq!(col(t, "perms").default, string("r,w"));

    let doc = col(t, "doc");
    assert_eq!(doc.ty, Type::Json);
    assert_eq!(doc.collation, None);
    assert_eq!(col(t, "doc2").ty, Type::Json);
    assert_eq!(col(t, "doc2").default, string("{}"));
    assert!(
        t.checks.is_empty(),
        "json_valid checks dropped: {:?}",
        t.checks
    );

    let created = col(t, "created");
    assert_eq!(created.ty, Type::Datetime { precision: Some(3) });
    assert_eq!(created.default, function("current_timestamp(3)"));
    assert_eq!(created.on_update.as_deref(), Some("current_timestamp(3)"));
    let touched = col(t, "touched");
    assert_eq!(touched.default, function("current_timestamp()"));
    assert_eq!(touched.on_update.as_deref(), Some("current_timestamp()"));
    assert_eq!(
        touched.default,
        Some(normalize::default_value(
            D,
            "CURRENT_TIMESTAMP",
            &touched.ty
        ))
    );
    assert_eq!(col(t, "maybe").default, None);
    assert!(col(t, "maybe").nullable);
    assert_eq!(col(t, "day").default, function("curdate()"));
    assert_eq!(col(t, "fixed_at").default, string("2020-01-01 00:00:00"));
    assert_eq!(col(t, "token").default, function("uuid()"));
    let sum3 = col(t, "sum3");
    assert_eq!(
        sum3.default,
        Some(normalize::default_value(D, "(1 + 2)", &sum3.ty))
    );
    assert_eq!(col(t, "yr").ty, Type::Year);
    assert_eq!(col(t, "yr").default, num("2020"));

    let total = col(t, "total");
    assert_eq!(
        total.generated,
        Some(Generated {
            expr: normalize::expr(D, "price * qty"),
            stored: true
        })
    );
    assert_eq!(total.default, None);
    assert_eq!(
        col(t, "total_plus").generated,
        Some(Generated {
            expr: normalize::expr(D, "price * qty + 1"),
            stored: false
        })
    );
    assert_eq!(
        col(t, "raw").ty,
        Type::Blob {
            size: LobSize::Regular
        }
    );
    assert_eq!(col(t, "bin").ty, Type::Varbinary { len: Some(16) });

    assert_eq!(t.comment.as_deref(), Some("all the columns"));
    assert_eq!(t.options.engine.as_deref(), Some("innodb"));
    assert_eq!(t.options.charset.as_deref(), Some("utf8mb4"));
    assert_eq!(t.options.collation.as_deref(), Some("utf8mb4_general_ci"));
    assert!(schema.enums.is_empty() && schema.sequences.is_empty());
    assert!(schema.schemas.is_empty() && schema.extensions.is_empty());
}

const KEYS_DDL: &str = r#"
        CREATE TABLE parents (
            id INT PRIMARY KEY,
            a INT NOT NULL,
            b INT NOT NULL,
            UNIQUE KEY uq_ab (a, b)
        ) DEFAULT CHARSET=latin1;
        CREATE TABLE children (
            id INT NOT NULL,
            part INT NOT NULL,
            parent_id INT,
            pa INT,
            pb INT,
            email VARCHAR(100),
            bio TEXT,
            score INT,
            status VARCHAR(5) CHECK (status IN ('a','b')),
            PRIMARY KEY (part, id),
            UNIQUE KEY uq_email (email),
            KEY prefix_idx (email(10), score DESC),
            FULLTEXT KEY ft_bio (bio),
            CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parents (id)
                ON DELETE CASCADE ON UPDATE SET NULL,
            FOREIGN KEY (pa, pb) REFERENCES parents (a, b) ON DELETE NO ACTION,
            CONSTRAINT positive_score CHECK (score > 0),
            CHECK (score < 100)
        );
        CREATE TABLE loose (id INT, note VARCHAR(10)) ENGINE=MyISAM;
    "#;

#[test]
fn keys_indexes_foreign_keys_and_checks() {
    let Some((_scratch, _db, schema)) = introspect(KEYS_DDL) else {
        return;
    };
    let parents = table(&schema, "parents");
    assert_eq!(parents.options.charset.as_deref(), Some("latin1"));
    assert_eq!(
        parents.options.collation.as_deref(),
        Some("latin1_swedish_ci")
    );
    let uq = index(parents, "uq_ab");
    assert!(uq.unique && uq.method.is_none());
    assert_eq!(uq.keys, vec![IndexKey::column("a"), IndexKey::column("b")]);
    assert!(parents.uniques.is_empty());

    let t = table(&schema, "children");
    assert_eq!(
        t.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: vec!["part".into(), "id".into()]
        })
    );
    // Sorted by name; the FK indexes MariaDB/MySQL add are reported as they are.
    let index_names = names(t.indexes.iter().map(|i| i.name.as_str()));
    let mut sorted = index_names.clone();
    sorted.sort();
    assert_eq!(index_names, sorted);
    assert!(index_names.contains(&"fk_parent"), "{index_names:?}");
    assert!(index_names.contains(&"pa"), "{index_names:?}");

    let email = index(t, "uq_email");
    assert!(email.unique);
    assert_eq!(email.keys, vec![IndexKey::column("email")]);
    let prefix = index(t, "prefix_idx");
    assert!(!prefix.unique && prefix.method.is_none());
    assert_eq!(prefix.keys[0].length, Some(10));
    assert!(!prefix.keys[0].desc);
    assert_eq!(prefix.keys[1].part, IndexPart::Column("score".into()));
    assert_eq!(prefix.keys[1].length, None);
    assert!(prefix.keys[1].desc);
    assert_eq!(index(t, "ft_bio").method.as_deref(), Some("fulltext"));
    assert!(t.uniques.is_empty());

    let fk_names = names(t.foreign_keys.iter().filter_map(|f| f.name.as_deref()));
    assert_eq!(fk_names, ["children_ibfk_1", "fk_parent"]);
    let composite = &t.foreign_keys[0];
    assert_eq!(composite.columns, ["pa", "pb"]);
    assert_eq!(composite.ref_table, QName::new("parents"));
    assert_eq!(composite.ref_columns, ["a", "b"]);
    // As written (MariaDB reports it); the diff takes NO ACTION and RESTRICT as one.
    assert_eq!(composite.on_delete, FkAction::NoAction);
    assert_eq!(composite.on_update, FkAction::Restrict);
    let parent = &t.foreign_keys[1];
    assert_eq!(parent.columns, ["parent_id"]);
    assert_eq!(parent.ref_columns, ["id"]);
    assert_eq!(parent.on_delete, FkAction::Cascade);
    assert_eq!(parent.on_update, FkAction::SetNull);

    let checks: Vec<(Option<&str>, &str)> = t
        .checks
        .iter()
        .map(|c| (c.name.as_deref(), c.expr.as_str()))
        .collect();
    let written = |e: &str| normalize::expr(D, e);
    assert_eq!(
        checks,
        [
            (Some("CONSTRAINT_1"), written("score < 100").as_str()),
            (Some("positive_score"), written("score > 0").as_str()),
            (Some("status"), written("status IN ('a', 'b')").as_str()),
        ]
    );

    let loose = table(&schema, "loose");
    assert_eq!(loose.primary_key, None);
    assert!(loose.indexes.is_empty());
    assert_eq!(loose.options.engine.as_deref(), Some("myisam"));
}

#[test]
fn views_lose_database_qualifiers() {
    let ddl = "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10), qty INT);
                   CREATE VIEW v AS SELECT id, name AS label FROM t WHERE qty > 0;
                   CREATE VIEW star AS SELECT * FROM t;";
    let Some((scratch, _db, schema)) = introspect(ddl) else {
        return;
    };
    let none = |_: &str| None;
    let v = &schema.views[&QName::new("v")];
    assert!(!v.materialized);
    assert_eq!(
        v.definition,
        normalize::view_query(D, "SELECT id, name AS label FROM t WHERE qty > 0", &none)
    );
    let db_name = scratch.url.rsplit('/').next().unwrap().to_string();
    assert!(!v.definition.contains(&db_name), "{}", v.definition);
    let star = &schema.views[&QName::new("star")];
    assert_eq!(
        star.definition,
        normalize::view_query(D, "SELECT id, name, qty FROM t", &none)
    );
    assert!(!schema.tables.contains_key(&QName::new("v")));
}

#[test]
fn row_count_version_and_scratch_lifecycle() {
    let Some(server) = server() else {
        return;
    };
    let scratch = create_scratch(server).expect("create scratch");
    let name = scratch.url.rsplit('/').next().unwrap().to_string();
    assert!(name.starts_with("migen_scratch_"));
    // The mariadb:// scheme works as well.
    let url = scratch.url.replacen("mysql://", "mariadb://", 1);
    let mut db = MysqlDb::connect(&url).expect("connect via mariadb://");
    assert_eq!(db.dialect(), Dialect::Mysql);
    db.execute("CREATE TABLE `we``ird` (id INT); INSERT INTO `we``ird` VALUES (1), (2), (3);")
        .unwrap();
    assert_eq!(db.row_count(&QName::new("we`ird")).unwrap(), 3);
    let version = db.server_version().unwrap();
    assert!(
        version.chars().next().unwrap().is_ascii_digit(),
        "{version}"
    );
    let err = db.execute("SELECT * FROM missing_table").unwrap_err();
    assert!(matches!(err, Error::Database { .. }), "{err}");
    drop(db);
    drop(scratch);
    let mut server_db = MysqlDb::connect(server).unwrap();
    let left: Option<String> = server_db
        .conn
        .exec_first(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
            (name,),
        )
        .unwrap();
    assert_eq!(left, None, "scratch database dropped");
}

#[test]
fn introspection_needs_a_database_in_the_url() {
    let Some(server) = server() else {
        return;
    };
    let mut db = MysqlDb::connect(server).unwrap();
    let err = db.introspect().unwrap_err();
    assert!(matches!(err, Error::Database { .. }));
    assert!(err.to_string().contains("names no database"), "{err}");
}

#[test]
fn connection_failure_is_a_redacted_database_error() {
    let url = "mysql://root:secret@127.0.0.1:1/x";
    let err = match MysqlDb::connect(url) {
        Ok(_) => panic!("connected to port 1"),
        Err(e) => e,
    };
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("secret"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(create_scratch(url).is_err());
}

/// The names MariaDB gives unnamed constraints and indexes, which the DDL parser emulates.
#[test]
fn mariadb_implicit_names() {
    let ddl = r#"
            CREATE TABLE p (id INT PRIMARY KEY, a INT, b INT, UNIQUE KEY (a, b));
            CREATE TABLE c (
                id INT PRIMARY KEY, pid INT, pa INT, pb INT,
                x INT CHECK (x > 0), y INT,
                FOREIGN KEY (pid) REFERENCES p (id),
                FOREIGN KEY (pa, pb) REFERENCES p (a, b),
                CHECK (y < 10), CHECK (y > -10),
                UNIQUE (y), KEY (y), INDEX (x, y), UNIQUE KEY (x)
            );
            CREATE TABLE covered (
                id INT PRIMARY KEY, pid INT, z INT,
                CONSTRAINT fk_cov FOREIGN KEY (pid) REFERENCES p (id),
                KEY k (pid, z)
            );
            CREATE TABLE clash (id INT PRIMARY KEY, pid INT, z INT, KEY pid (z),
                FOREIGN KEY (pid) REFERENCES p (id));
            ALTER TABLE c ADD CHECK (x < 1000), ADD FOREIGN KEY (x) REFERENCES p (id),
                ADD UNIQUE (pid);
        "#;
    let Some((_scratch, mut db, schema)) = introspect(ddl) else {
        return;
    };
    if !db.server_version().unwrap().contains("MariaDB") {
        return;
    }
    let c = table(&schema, "c");
    assert_eq!(
        names(c.indexes.iter().map(|i| i.name.as_str())),
        ["pa", "pid", "x", "x_2", "y", "y_2"]
    );
    assert_eq!(index(c, "x").keys.len(), 2);
    assert!(index(c, "x_2").unique && index(c, "y").unique && !index(c, "y_2").unique);
    // ADD UNIQUE (pid) replaced the index generated for the FK on pid, and took its name.
    assert!(index(c, "pid").unique);
    assert_eq!(
        names(c.foreign_keys.iter().filter_map(|f| f.name.as_deref())),
        ["c_ibfk_1", "c_ibfk_2", "c_ibfk_3"]
    );
    assert_eq!(
        names(c.checks.iter().filter_map(|f| f.name.as_deref())),
        ["CONSTRAINT_1", "CONSTRAINT_2", "CONSTRAINT_3", "x"]
    );
    let covered = table(&schema, "covered");
    assert_eq!(
        names(covered.indexes.iter().map(|i| i.name.as_str())),
        ["k"]
    );
    let clash = table(&schema, "clash");
    assert_eq!(
        names(clash.indexes.iter().map(|i| i.name.as_str())),
        ["pid", "pid_2"]
    );
}

#[test]
fn mysql8_style_defaults() {
    let varchar = Type::Varchar { len: Some(10) };
    let dec = Type::Decimal {
        precision: Some(10),
        scale: Some(2),
    };
    let ts = Type::Timestamp {
        tz: false,
        precision: None,
    };
    let enum_ty = Type::InlineEnum {
        values: vec!["1".into(), "b".into()],
    };
    let d = |raw: &str, extra: &str, ty: &Type| column_default(Some(raw.into()), extra, ty, false);
    assert_eq!(d("it's", "", &varchar), string("it's"));
    assert_eq!(d("", "", &varchar), string(""));
    assert_eq!(d("5", "", &varchar), string("5"));
    assert_eq!(d("0.00", "", &dec), num("0"));
    assert_eq!(d("1", "", &Type::Boolean), Some(DefaultValue::Bool(true)));
    assert_eq!(d("1", "", &enum_ty), string("1"));
    assert_eq!(
        d("CURRENT_TIMESTAMP", "DEFAULT_GENERATED", &ts),
        function("current_timestamp()")
    );
    assert_eq!(
        d("uuid()", "DEFAULT_GENERATED", &varchar),
        function("uuid()")
    );
    assert_eq!(column_default(None, "", &varchar, false), None);
    // MariaDB spelling of the same defaults.
    let m = |raw: &str, ty: &Type| column_default(Some(raw.into()), "", ty, true);
    assert_eq!(m("'it''s'", &varchar), string("it's"));
    assert_eq!(m("NULL", &varchar), None);
    assert_eq!(m("'NULL'", &varchar), string("NULL"));
    assert_eq!(
        m("current_timestamp()", &ts),
        function("current_timestamp()")
    );
}

#[test]
fn on_update_from_extra() {
    let ts = Type::Timestamp {
        tz: false,
        precision: None,
    };
    let dt3 = Type::Datetime { precision: Some(3) };
    assert_eq!(
        on_update("on update current_timestamp()", &ts).as_deref(),
        Some("current_timestamp()")
    );
    assert_eq!(
        on_update("DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)", &dt3).as_deref(),
        Some("current_timestamp(3)")
    );
    assert_eq!(
        on_update("on update CURRENT_TIMESTAMP INVISIBLE", &ts).as_deref(),
        Some("current_timestamp()")
    );
    assert_eq!(on_update("auto_increment", &ts), None);
}

#[test]
fn view_qualifiers_stripped_outside_literals() {
    assert_eq!(
        strip_outside_strings(
            "select `db`.`t`.`a` from `db`.`t` where x = '`db`.'",
            "`db`."
        ),
        "select `t`.`a` from `t` where x = '`db`.'"
    );
    assert_eq!(
        strip_outside_strings("select `x``db`.`a`", "`db`."),
        "select `x``db`.`a`"
    );
}
