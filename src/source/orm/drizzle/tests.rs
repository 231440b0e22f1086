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
