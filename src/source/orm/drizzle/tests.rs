use super::*;

fn ddl(dialect: Dialect, text: &str) -> String {
    let settings = Settings {
        dialect,
        casing: Casing::Preserve,
    };
    ddl_of_files(&[("schema.ts", text)], &settings).unwrap_or_else(|e| panic!("{e}"))
}

fn error(dialect: Dialect, text: &str) -> String {
    let settings = Settings {
        dialect,
        casing: Casing::Preserve,
    };
    schema_of_files(&[("schema.ts", text)], &settings)
        .map(|_| String::new())
        .unwrap_or_else(|e| e.to_string())
}

#[test]
fn casing_splits_words_as_drizzle_does() {
    assert_eq!(Casing::Snake.apply("createdAt"), "created_at");
    assert_eq!(Casing::Snake.apply("userID"), "user_id");
    assert_eq!(Casing::Snake.apply("HTTPServer2"), "http_server2");
    assert_eq!(Casing::Camel.apply("created_at"), "createdAt");
}

#[test]
fn names_follow_drizzle_kit() {
    let text = ddl(
        Dialect::Postgres,
        r#"import { pgTable, serial, integer, varchar } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: serial().primaryKey(), email: varchar({ length: 255 }).notNull().unique() });
export const posts = pgTable("posts", { id: serial("id").primaryKey(), authorId: integer("author_id").references(() => users.id, { onDelete: "cascade" }) });
"#,
    );
    assert!(
        text.contains("CONSTRAINT \"users_email_unique\" UNIQUE(\"email\")"),
        "{text}"
    );
    assert!(
        text.contains("ADD CONSTRAINT \"posts_author_id_users_id_fk\" FOREIGN KEY (\"author_id\") REFERENCES \"public\".\"users\"(\"id\") ON DELETE cascade ON UPDATE no action;"),
        "{text}"
    );
}

#[test]
fn spreads_and_helpers_are_inlined() {
    let text = ddl(
        Dialect::Sqlite,
        r#"import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
const timestamps = { createdAt: integer("created_at", { mode: "timestamp" }).notNull().default(sql`(unixepoch())`) };
function idColumn() { return integer().primaryKey({ autoIncrement: true }); }
export const notes = sqliteTable("notes", { id: idColumn(), body: text(), ...timestamps }, (t) => [index("notes_body_idx").on(t.body)]);
"#,
    );
    assert!(
        text.contains("`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL"),
        "{text}"
    );
    assert!(
        text.contains("`created_at` integer DEFAULT (unixepoch()) NOT NULL"),
        "{text}"
    );
}

#[test]
fn bad_input_names_its_position() {
    let head = "import { pgTable, serial, integer } from \"drizzle-orm/pg-core\";\n";
    let unknown = error(
        Dialect::Postgres,
        &format!(
            "{head}export const t = pgTable(\"t\", {{ id: serial().primaryKey(), n: intger() }});\n"
        ),
    );
    assert!(
        unknown.starts_with("schema.ts:2:63: unknown column builder `intger`"),
        "{unknown}"
    );
    let missing = error(
        Dialect::Postgres,
        &format!(
            "{head}export const t = pgTable(\"t\", {{ id: serial().primaryKey(), n: integer().references(() => folders.id) }});\n"
        ),
    );
    assert!(missing.starts_with("schema.ts:2:"), "{missing}");
    assert!(missing.contains("folders"), "{missing}");
}

#[test]
fn the_config_names_dialect_schema_files_and_casing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let table = |name: &str| {
        format!(
            "import {{ sqliteTable, integer }} from \"drizzle-orm/sqlite-core\";\nexport const {name} = sqliteTable(\"{name}\", {{ rowId: integer().primaryKey() }});\n"
        )
    };
    write(
        "drizzle.config.ts",
        "import type { Config } from \"drizzle-kit\";\nconst config = {\n  dialect: \"turso\",\n  schema: [\"./src/db/*.schema.ts\", \"./src/auth\"],\n  casing: \"snake_case\",\n} satisfies Config;\nexport default config;\n",
    );
    write("src/db/users.schema.ts", &table("users"));
    write("src/db/helpers.ts", &table("not_listed"));
    write("src/auth/sessions.ts", &table("sessions"));
    write("src/auth/nested/keys.ts", &table("keys"));
    assert!(is_drizzle_path(root));
    assert_eq!(implied_dialect(root), Some(Dialect::Sqlite));
    let (schema, _) = load(root, Dialect::Sqlite).unwrap();
    let names: Vec<String> = schema.tables.keys().map(|q| q.name.clone()).collect();
    assert_eq!(names, ["keys", "sessions", "users"]);
    let users = &schema.tables[&crate::model::QName::new("users")];
    assert!(users.column("row_id").is_some(), "{users:?}");
    // A file of the project reads alone, with the config's casing.
    let file = root.join("src/db/helpers.ts");
    assert_eq!(implied_dialect(&file), Some(Dialect::Sqlite));
    let (schema, _) = load(&file, Dialect::Sqlite).unwrap();
    let table = &schema.tables[&crate::model::QName::new("not_listed")];
    assert!(table.column("row_id").is_some(), "{table:?}");
}

#[test]
fn a_schema_read_for_another_dialect_is_an_error() {
    let message = error(
        Dialect::Sqlite,
        "import { pgTable, serial } from \"drizzle-orm/pg-core\";\nexport const t = pgTable(\"t\", { id: serial().primaryKey() });\n",
    );
    assert!(message.starts_with("schema.ts:2:18: "), "{message}");
    assert!(message.contains("drizzle-orm/pg-core"), "{message}");
}

fn ddl_cased(dialect: Dialect, text: &str) -> String {
    let settings = Settings {
        dialect,
        casing: Casing::Snake,
    };
    ddl_of_files(&[("schema.ts", text)], &settings).unwrap_or_else(|e| panic!("{e}"))
}

/// drizzle-kit replaces the first occurrence of each column's written name with its cased
/// one, so a table named after a column gets its own part of the key's name cased.
#[test]
fn key_names_are_cased_as_drizzle_kit_cases_them() {
    let text = ddl_cased(
        Dialect::Postgres,
        r#"import { pgTable, integer, primaryKey, foreignKey } from "drizzle-orm/pg-core";
export const links = pgTable("tagId_links", { tagId: integer().notNull(), userId: integer().notNull() }, (t) => [primaryKey({ columns: [t.tagId, t.userId] })]);
export const refs = pgTable("userId_refs", { id: integer().primaryKey(), tagId: integer(), userId: integer() }, (t) => [foreignKey({ columns: [t.tagId, t.userId], foreignColumns: [links.tagId, links.userId] })]);
export const one = pgTable("tagId_one", { id: integer().primaryKey(), tagId: integer().references(() => links.tagId) });
"#,
    );
    for name in [
        "\"tag_id_links_tagId_user_id_pk\"",
        "\"user_id_refs_tag_id_user_id_tag_id_links_tagId_userId_fk\"",
        "\"tag_id_one_tag_id_tagId_links_tagId_fk\"",
    ] {
        assert!(text.contains(name), "no {name} in {text}");
    }
}

#[test]
fn mysql_enum_values_with_commas_are_refused_where_written() {
    let message = error(
        Dialect::Mysql,
        "import { mysqlTable, mysqlEnum, int } from \"drizzle-orm/mysql-core\";\nexport const a = mysqlTable(\"a\", {\n  id: int().primaryKey(),\n  size: mysqlEnum([\"s\", \"m,l\"]),\n});\n",
    );
    assert!(message.starts_with("schema.ts:4:25: "), "{message}");
    assert!(message.contains("comma"), "{message}");
}

#[test]
fn identities_keep_their_start_and_increment() {
    let text = ddl(
        Dialect::Postgres,
        r#"import { pgTable, integer, smallint } from "drizzle-orm/pg-core";
export const a = pgTable("a", { id: integer().generatedAlwaysAsIdentity({ startWith: 100, increment: 5 }), down: smallint().generatedByDefaultAsIdentity({ increment: -1 }), grid: integer().array(3) });
"#,
    );
    assert!(
        text.contains(
            "\"id\" integer NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5)"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"down\" smallint NOT NULL GENERATED BY DEFAULT AS IDENTITY (START WITH -1 INCREMENT BY -1)"),
        "{text}"
    );
    assert!(text.contains("\"grid\" integer[]"), "{text}");
    for (options, at) in [
        ("{ cache: 20 }", "schema.ts:2:73: "),
        ("{ name: \"other_seq\" }", "schema.ts:2:"),
    ] {
        let message = error(
            Dialect::Postgres,
            &format!(
                "import {{ pgTable, integer }} from \"drizzle-orm/pg-core\";\nexport const a = pgTable(\"a\", {{ id: integer().generatedAlwaysAsIdentity({options}) }});\n"
            ),
        );
        assert!(message.starts_with(at), "{message}");
        assert!(
            message.contains("startWith and increment only"),
            "{message}"
        );
    }
}

#[test]
fn creators_custom_types_operator_classes_and_sequences_are_read() {
    let text = ddl(
        Dialect::Postgres,
        r#"import { pgTableCreator, pgSequence, customType, integer, text, index } from "drizzle-orm/pg-core";
const table = pgTableCreator((name) => `app_${name}`);
const mac = customType<{ data: string }>({ dataType() { return "macaddr"; } });
export const counter = pgSequence("counter", { startWith: 10, increment: 2 });
export const devices = table("devices", { id: integer().primaryKey(), mac: mac("mac"), note: text() }, (t) => [index("note_idx").on(t.note.op("text_pattern_ops").desc())]);
"#,
    );
    for expected in [
        "CREATE SEQUENCE \"counter\" INCREMENT BY 2 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 10 CACHE 1;",
        "CREATE TABLE \"app_devices\" (",
        "\"mac\" macaddr",
        // drizzle-kit writes no order after an operator class.
        "CREATE INDEX \"note_idx\" ON \"app_devices\" USING btree (\"note\" text_pattern_ops);",
    ] {
        assert!(text.contains(expected), "no {expected} in {text}");
    }
    let with = error(
        Dialect::Postgres,
        "import { pgTable, integer, index } from \"drizzle-orm/pg-core\";\nexport const a = pgTable(\"a\", { id: integer() }, (t) => [index(\"i\").on(t.id).with({ fillfactor: 70 })]);\n",
    );
    assert!(with.starts_with("schema.ts:2:"), "{with}");
    assert!(with.contains("storage parameters"), "{with}");
    let custom = error(
        Dialect::Postgres,
        "import { pgTable, customType } from \"drizzle-orm/pg-core\";\nconst money = customType<{ data: number; config: { p: number } }>({ dataType(c) { return `numeric(${c.p}, 2)`; } });\nexport const a = pgTable(\"a\", { amount: money(\"amount\", { p: 12 }) });\n",
    );
    assert!(custom.starts_with("schema.ts:2:"), "{custom}");
    assert!(
        custom.contains("dataType() must return a string literal"),
        "{custom}"
    );
}

#[test]
fn views_with_their_query_in_sql_are_read() {
    let text = ddl(
        Dialect::Postgres,
        r#"import { pgTable, pgView, pgMaterializedView, integer, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
export const tasks = pgTable("tasks", { id: integer().primaryKey(), title: text() });
export const open = pgView("open", { id: integer() }).as(sql`select id from tasks`);
export const titles = pgMaterializedView("titles", { title: text() }).as(sql`select title from tasks`);
"#,
    );
    assert!(
        text.contains("CREATE VIEW \"open\" AS select id from tasks;"),
        "{text}"
    );
    assert!(
        text.contains("CREATE MATERIALIZED VIEW \"titles\" AS select title from tasks;"),
        "{text}"
    );
    let built = error(
        Dialect::Postgres,
        "import { pgTable, pgView, integer } from \"drizzle-orm/pg-core\";\nexport const a = pgTable(\"a\", { id: integer() });\nexport const v = pgView(\"v\").as((qb) => qb.select().from(a));\n",
    );
    assert!(built.starts_with("schema.ts:3:33: "), "{built}");
    assert!(built.contains("query builder"), "{built}");
}

#[test]
fn a_created_table_with_row_level_security_is_not_passed_over() {
    let settings = Settings {
        dialect: Dialect::Postgres,
        casing: Casing::Preserve,
    };
    let mut sources = Sources::new();
    let module = sources
        .add(
            Path::new("schema.ts"),
            "import { pgTable, pgTableCreator, integer } from \"drizzle-orm/pg-core\";\nconst table = pgTableCreator((name) => `app_${name}`);\nexport const a = pgTable(\"a\", { id: integer() });\nexport const b = table(\"b\", { id: integer() }).enableRLS();\n",
        )
        .unwrap();
    let model = model_of(&sources, &settings, &[module]).unwrap();
    assert_eq!(model.unread.len(), 1, "{:?}", model.unread);
    assert_eq!(model.unread[0].1.line, 4);
}
