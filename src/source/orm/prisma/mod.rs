//! Prisma schema files (`schema.prisma`, or a directory of `*.prisma` files) → `Schema`.
//!
//! The datasource's provider fixes the dialect. The reader renders the DDL Prisma Migrate
//! itself emits for an empty database (same types, defaults and constraint/index names, checked
//! against Prisma's own schema engine in `tests/prisma.rs`) and reads that DDL with migen's SQL
//! parser, so a Prisma schema normalises exactly like the database Prisma creates. Every
//! generated line remembers the `.prisma` position it came from, so errors point at the input.

mod columns;
mod parse;
pub(crate) mod reader;
mod relations;
mod render;
mod tables;

use crate::error::{Error, Result};
use crate::model::{Dialect, Schema};
use parse::{Tok, tokenize};
use render::render;

/// The dialect a Prisma schema's `datasource` block names, if its provider is one migen reads.
/// A cheap look for project detection: only the tokens of the datasource block matter, so a
/// mistake elsewhere in the file does not hide the provider.
pub fn datasource_provider(text: &str) -> Option<Dialect> {
    let files = [("schema.prisma".to_string(), text.to_string())];
    let tokens: Vec<Tok> = tokenize(&files, 0)
        .ok()?
        .into_iter()
        .map(|t| t.tok)
        .collect();
    let start = tokens.windows(3).position(|w| {
        w[0] == Tok::Ident("datasource".into())
            && matches!(w[1], Tok::Ident(_))
            && w[2] == Tok::Punct('{')
    })?;
    let block = &tokens[start + 3..];
    let end = block
        .iter()
        .position(|t| *t == Tok::Punct('}'))
        .unwrap_or(block.len());
    block[..end].windows(3).find_map(|w| match w {
        [Tok::Ident(key), Tok::Punct('='), Tok::Str(provider)] if key == "provider" => {
            provider_dialect(provider)
        }
        _ => None,
    })
}

fn provider_dialect(provider: &str) -> Option<Dialect> {
    match provider {
        "postgresql" | "postgres" => Some(Dialect::Postgres),
        "mysql" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

/// Read Prisma schema files (name, text) as one schema. `expected` is the dialect the caller
/// settled on, which must be the provider's.
pub fn parse_with_notes(
    files: &[(String, String)],
    expected: Option<Dialect>,
) -> Result<(Schema, Vec<String>)> {
    let rendered = render(files)?;
    if let Some(expected) = expected
        && expected != rendered.dialect
    {
        return Err(Error::Usage(format!(
            "{}: the Prisma datasource's provider is {}, but the dialect is {expected}",
            files
                .first()
                .map(|(name, _)| name.as_str())
                .unwrap_or("prisma"),
            rendered.dialect
        )));
    }
    let label = files
        .first()
        .map(|(name, _)| name.as_str())
        .unwrap_or_default();
    // A generated statement the SQL reader refuses is reported where its source is.
    let schema = rendered.ddl.parse(rendered.dialect, "Prisma", label)?;
    Ok((schema, rendered.notes))
}

/// The DDL Prisma Migrate would run to create the schema from an empty database.
pub fn ddl(files: &[(String, String)]) -> Result<(Dialect, String)> {
    let rendered = render(files)?;
    Ok((rendered.dialect, rendered.ddl.text()))
}

#[cfg(test)]
mod tests {
    use super::columns::rfc3339_to_sql;
    use super::*;
    use crate::model::{DefaultValue, FkAction, QName, Table, Type};

    fn schema_text(provider: &str, body: &str) -> String {
        format!("datasource db {{\n  provider = \"{provider}\"\n}}\n\n{body}")
    }

    fn read(provider: &str, body: &str) -> Schema {
        let files = [("schema.prisma".to_string(), schema_text(provider, body))];
        match parse_with_notes(&files, None) {
            Ok((schema, _)) => schema,
            Err(e) => panic!("{e}\n{}", ddl(&files).map(|d| d.1).unwrap_or_default()),
        }
    }

    fn generated(provider: &str, body: &str) -> String {
        let files = [("schema.prisma".to_string(), schema_text(provider, body))];
        ddl(&files).unwrap().1
    }

    /// The error for a whole file, as `line:column: message`.
    fn error(text: &str) -> String {
        let files = [("s.prisma".to_string(), text.to_string())];
        match parse_with_notes(&files, None) {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(Error::Parse { location, message }) => {
                assert_eq!(location.file, "s.prisma");
                format!("{}:{}: {message}", location.line, location.column)
            }
            Err(other) => panic!("not a parse error: {other}"),
        }
    }

    fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
        schema
            .table(&QName::new(name))
            .unwrap_or_else(|| panic!("no table {name}: {:?}", schema.tables.keys()))
    }

    fn index_names(table: &Table) -> Vec<&str> {
        table.indexes.iter().map(|i| i.name.as_str()).collect()
    }

    const BLOG: &str = r#"
/// Users of the blog.
model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique // login
  name      String?  @map("display_name")
  createdAt DateTime @default(now()) @map("created_at")
  updatedAt DateTime @updatedAt
  posts     Post[]
  @@map("users")
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  authorId Int?
  author   User?  @relation(fields: [authorId], references: [id])
  tags     Tag[]
  @@index([title(sort: Desc)])
}

model Tag {
  id    String @id @default(uuid())
  posts Post[]
}
"#;

    #[test]
    fn provider_names_the_dialect() {
        let pg = "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n";
        assert_eq!(datasource_provider(pg), Some(Dialect::Postgres));
        assert_eq!(
            datasource_provider("datasource x {\n provider = \"mysql\"\n}\n"),
            Some(Dialect::Mysql)
        );
        assert_eq!(
            datasource_provider("datasource db {\n provider = \"sqlite\"\n}\n"),
            Some(Dialect::Sqlite)
        );
        assert_eq!(
            datasource_provider("datasource db {\n provider = \"mongodb\"\n}\n"),
            None
        );
        assert_eq!(datasource_provider("model A {\n id Int @id\n}\n"), None);
    }

    #[test]
    fn postgres_blog_has_prismas_names_and_types() {
        let schema = read("postgresql", BLOG);
        assert_eq!(schema.dialect, Dialect::Postgres);
        let users = table(&schema, "users");
        let names: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["id", "email", "display_name", "created_at", "updatedAt"]
        );
        assert_eq!(
            users.primary_key.as_ref().unwrap().name.as_deref(),
            Some("users_pkey")
        );
        assert_eq!(index_names(users), ["users_email_key"]);
        let created = users.column("created_at").unwrap();
        assert_eq!(
            created.ty,
            Type::Timestamp {
                tz: false,
                precision: Some(3)
            }
        );
        assert!(matches!(created.default, Some(DefaultValue::Function(_))));
        // @updatedAt and uuid() are filled in by Prisma Client: no database default.
        assert_eq!(users.column("updatedAt").unwrap().default, None);
        assert_eq!(table(&schema, "Tag").column("id").unwrap().default, None);
        assert!(users.column("display_name").unwrap().nullable);
        assert!(!users.column("email").unwrap().nullable);

        let post = table(&schema, "Post");
        assert_eq!(index_names(post), ["Post_title_idx"]);
        assert!(post.indexes[0].keys[0].desc);
        let fk = &post.foreign_keys[0];
        assert_eq!(fk.name.as_deref(), Some("Post_authorId_fkey"));
        assert_eq!(fk.ref_table, QName::new("users"));
        // Optional relation: SET NULL on delete; CASCADE on update.
        assert_eq!(
            (fk.on_delete, fk.on_update),
            (FkAction::SetNull, FkAction::Cascade)
        );

        let join = table(&schema, "_PostToTag");
        assert_eq!(
            join.primary_key.as_ref().unwrap().name.as_deref(),
            Some("_PostToTag_AB_pkey")
        );
        assert_eq!(join.primary_key.as_ref().unwrap().columns, ["A", "B"]);
        assert_eq!(index_names(join), ["_PostToTag_B_index"]);
        assert!(matches!(
            join.column("A").unwrap().ty,
            Type::Integer { bits: 32, .. }
        ));
        assert!(matches!(join.column("B").unwrap().ty, Type::Text { .. }));
        for fk in &join.foreign_keys {
            assert_eq!(
                (fk.on_delete, fk.on_update),
                (FkAction::Cascade, FkAction::Cascade)
            );
        }
        let fk_names: Vec<_> = join
            .foreign_keys
            .iter()
            .map(|f| f.name.clone().unwrap())
            .collect();
        assert_eq!(fk_names, ["_PostToTag_A_fkey", "_PostToTag_B_fkey"]);
    }

    #[test]
    fn sqlite_join_table_has_a_unique_index_and_int_ids_autoincrement() {
        let schema = read("sqlite", BLOG);
        let join = table(&schema, "_PostToTag");
        assert!(join.primary_key.is_none());
        assert_eq!(
            index_names(join),
            ["_PostToTag_AB_unique", "_PostToTag_B_index"]
        );
        assert!(join.indexes[0].unique);
        assert!(table(&schema, "users").column("id").unwrap().auto_increment);
        let text = generated("sqlite", "model A {\n  id Int @id\n}\n");
        assert!(
            text.contains("\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT"),
            "{text}"
        );
    }

    #[test]
    fn required_relation_restricts_delete_and_actions_override() {
        let body = r#"
model User {
  id    Int    @id
  posts Post[]
  notes Note[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Note {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade, onUpdate: NoAction, map: "note_user")
}
"#;
        let schema = read("postgresql", body);
        let post_fk = &table(&schema, "Post").foreign_keys[0];
        assert_eq!(
            (post_fk.on_delete, post_fk.on_update),
            (FkAction::Restrict, FkAction::Cascade)
        );
        let note_fk = &table(&schema, "Note").foreign_keys[0];
        assert_eq!(note_fk.name.as_deref(), Some("note_user"));
        assert_eq!(
            (note_fk.on_delete, note_fk.on_update),
            (FkAction::Cascade, FkAction::NoAction)
        );
        // No index for foreign key columns on PostgreSQL.
        assert!(table(&schema, "Post").indexes.is_empty());
    }

    #[test]
    fn compound_keys_and_their_names() {
        let body = r#"
model Slot {
  day  Int
  hour Int
  room String
  @@id([day, hour], name: "when", map: "slot_pk")
  @@unique([room, day])
  @@unique([room, hour], name: "roomHour", map: "room_hour")
  @@index([hour, room], map: "by_hour", type: Hash)
}
"#;
        let schema = read("postgresql", body);
        let slot = table(&schema, "Slot");
        let pk = slot.primary_key.as_ref().unwrap();
        assert_eq!(
            (pk.name.as_deref(), pk.columns.clone()),
            (Some("slot_pk"), vec!["day".to_string(), "hour".to_string()])
        );
        assert_eq!(
            index_names(slot),
            ["Slot_room_day_key", "by_hour", "room_hour"]
        );
        let by_hour = slot.indexes.iter().find(|i| i.name == "by_hour").unwrap();
        assert_eq!(by_hour.method.as_deref(), Some("hash"));
    }

    #[test]
    fn long_default_names_are_cut_to_fit_postgres() {
        let model = "AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndMore";
        let body = format!(
            "model {model} {{\n  id Int @id\n  someExtremelyLongColumnNameNumberTwo Int\n  @@index([someExtremelyLongColumnNameNumberTwo])\n}}\n"
        );
        let schema = read("postgresql", &body);
        let t = table(&schema, model);
        // As Prisma's engine names them: the prefix is cut, the suffix kept, 63 bytes in all.
        assert_eq!(
            t.primary_key.as_ref().unwrap().name.as_deref(),
            Some("AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndM_pkey")
        );
        assert_eq!(
            index_names(t),
            ["AVeryLongModelNameThatGoesOnAndOnForeverAndEverAndEverAndMo_idx"]
        );
    }

    #[test]
    fn defaults_render_like_prisma() {
        let body = r#"
enum Role {
  USER
  ADMIN @map("admin")
}
model A {
  id    Int      @id @default(autoincrement())
  big   BigInt   @default(autoincrement())
  role  Role     @default(ADMIN)
  s     String   @default("it's")
  n     Int      @default(-3)
  f     Float    @default(1.5)
  b     Boolean  @default(true)
  t     DateTime @default("2020-01-01T00:00:00.5Z")
  g     String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  c     String   @default(cuid())
  list  Int[]    @default([1, 2])
  roles Role[]   @default([USER])
}
"#;
        let text = generated("postgresql", body);
        for expected in [
            "CREATE TYPE \"Role\" AS ENUM ('USER', 'admin');",
            "\"id\" SERIAL NOT NULL",
            "\"big\" BIGSERIAL NOT NULL",
            "\"role\" \"Role\" NOT NULL DEFAULT 'admin'",
            "\"s\" TEXT NOT NULL DEFAULT 'it''s'",
            "\"n\" INTEGER NOT NULL DEFAULT -3",
            "\"f\" DOUBLE PRECISION NOT NULL DEFAULT 1.5",
            "\"b\" BOOLEAN NOT NULL DEFAULT true",
            "\"t\" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-01 00:00:00.500 +00:00'",
            "\"g\" UUID NOT NULL DEFAULT gen_random_uuid()",
            "\"c\" TEXT NOT NULL,",
            "\"list\" INTEGER[] DEFAULT ARRAY[1, 2]::INTEGER[]",
            "\"roles\" \"Role\"[] DEFAULT ARRAY['USER']::\"Role\"[]",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        read("postgresql", body);
    }

    #[test]
    fn mysql_mapping() {
        let body = r#"
enum Role {
  USER
  ADMIN
}
model User {
  id      Int      @id @default(autoincrement())
  email   String   @unique
  bio     String?  @db.Text
  role    Role     @default(USER)
  at      DateTime @default(now())
  at0     DateTime @default(now()) @db.DateTime(0)
  amount  Decimal
  score   Float
  data    Json
  raw     Bytes
  tiny    Int      @db.UnsignedTinyInt
  code    String   @db.VarChar(20)
  posts   Post[]
}
model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
  tags     Tag[]
}
model Tag {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
"#;
        let text = generated("mysql", body);
        for expected in [
            "`id` INTEGER NOT NULL AUTO_INCREMENT",
            "`email` VARCHAR(191) NOT NULL",
            "`bio` TEXT NULL",
            "`role` ENUM('USER', 'ADMIN') NOT NULL DEFAULT 'USER'",
            "`at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
            "`at0` DATETIME(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "`amount` DECIMAL(65,30) NOT NULL",
            "`score` DOUBLE NOT NULL",
            "`data` JSON NOT NULL",
            "`raw` LONGBLOB NOT NULL",
            "`tiny` TINYINT UNSIGNED NOT NULL",
            "`code` VARCHAR(20) NOT NULL",
            "PRIMARY KEY (`id`)",
            ") DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;",
            "CREATE UNIQUE INDEX `User_email_key` ON `User`(`email`);",
            "CREATE UNIQUE INDEX `_PostToTag_AB_unique` ON `_PostToTag`(`A`, `B`);",
            "CREATE INDEX `_PostToTag_B_index` ON `_PostToTag`(`B`);",
            "ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        let schema = read("mysql", body);
        assert_eq!(schema.dialect, Dialect::Mysql);
        let user = table(&schema, "User");
        assert!(user.column("id").unwrap().auto_increment);
        assert_eq!(
            user.column("email").unwrap().ty,
            Type::Varchar { len: Some(191) }
        );
        assert_eq!(
            user.column("role").unwrap().ty,
            Type::InlineEnum {
                values: vec!["USER".into(), "ADMIN".into()]
            }
        );
        // MySQL indexes a foreign key's columns itself.
        assert!(!table(&schema, "Post").indexes.is_empty());
    }

    #[test]
    fn multi_schema_qualifies_tables_and_types() {
        let text = r#"datasource db {
  provider = "postgresql"
  schemas  = ["public", "auth"]
}

enum Role {
  A
  @@schema("auth")
}

model Account {
  id   Int  @id
  role Role
  @@schema("auth")
}

model Post {
  id Int @id
  @@schema("public")
}
"#;
        let files = [("s.prisma".to_string(), text.to_string())];
        let (schema, _) = parse_with_notes(&files, Some(Dialect::Postgres)).unwrap();
        assert!(schema.schemas.contains("auth"));
        assert!(
            schema
                .table(&QName::qualified(Some("auth".into()), "Account"))
                .is_some()
        );
        assert!(schema.table(&QName::new("Post")).is_some());
        assert_eq!(
            error(&text.replace("  @@schema(\"public\")\n", "")),
            "17:1: `Post` needs @@schema: the datasource lists `schemas`"
        );
    }

    #[test]
    fn multi_file_schema_and_ignored_views() {
        let files = [
            (
                "a.prisma".to_string(),
                "datasource db {\n  provider = \"sqlite\"\n}\n".to_string(),
            ),
            (
                "b.prisma".to_string(),
                "model A {\n  id Int @id\n  bs B[]\n}\nview V {\n  id Int @unique\n}\n".to_string(),
            ),
            (
                "c.prisma".to_string(),
                "model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n}\n"
                    .to_string(),
            ),
        ];
        let (schema, notes) = parse_with_notes(&files, Some(Dialect::Sqlite)).unwrap();
        assert_eq!(schema.tables.len(), 2);
        assert_eq!(table(&schema, "B").foreign_keys.len(), 1);
        assert!(notes[0].starts_with("b.prisma:5: view `V`"), "{notes:?}");
        // An error in the third file names it.
        let mut broken = files.clone();
        broken[2].1 = broken[2].1.replace("aId Int", "aId Integer");
        match parse_with_notes(&broken, None) {
            Err(Error::Parse { location, .. }) => {
                assert_eq!(
                    (location.file.as_str(), location.line, location.column),
                    ("c.prisma", 3, 7)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn relation_mode_prisma_makes_no_foreign_keys() {
        let text = "datasource db {\n  provider = \"postgresql\"\n  relationMode = \"prisma\"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n";
        let files = [("s.prisma".to_string(), text.to_string())];
        let (schema, _) = parse_with_notes(&files, None).unwrap();
        assert!(table(&schema, "B").foreign_keys.is_empty());
    }

    #[test]
    fn dialect_must_match_the_provider() {
        let files = [(
            "s.prisma".to_string(),
            schema_text("sqlite", "model A {\n  id Int @id\n}\n"),
        )];
        match parse_with_notes(&files, Some(Dialect::Postgres)) {
            Err(Error::Usage(message)) => {
                assert!(message.contains("provider is sqlite"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_point_at_the_input() {
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error("model A {\n  id Int @id\n}\n"),
            "1:1: no datasource block: add `datasource db { provider = \"postgresql\" }` (or mysql, sqlite)"
        );
        assert_eq!(
            error("datasource db {\n  provider = \"mongodb\"\n}\n"),
            "2:14: provider `mongodb` is not one migen reads (postgresql, mysql, sqlite)"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id @primary\n}}\n")),
            "5:14: unknown field attribute @primary"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id\n  b Strin\n}}\n")),
            "6:5: unknown type `Strin`: not a scalar type, enum or model"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  @@indexx([id])\n}}\n"
            )),
            "6:3: unknown model attribute @@indexx"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bId Int\n  b Ghost @relation(fields: [bId], references: [id])\n}}\n"
            )),
            "7:5: unknown type `Ghost`: not a scalar type, enum or model"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  @@index([nope])\n}}\n"
            )),
            "6:12: model `A` has no field `nope`"
        );
        assert_eq!(
            error(&format!(
                "{ds}enum E {{\n  X\n}}\nmodel A {{\n  id Int @id\n  e E @default(Y)\n}}\n"
            )),
            "9:16: `Y` is not a value of enum E"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s String @db.VarChar(\"x\")\n}}\n"
            )),
            "6:24: @db.VarChar takes whole numbers"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s Int @db.VarChar(3)\n}}\n"
            )),
            "6:9: native type @db.VarChar does not fit a Int field"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  s String @default(\"x)\n}}\n"
            )),
            "6:21: unterminated string"
        );
        assert_eq!(
            error(&format!("{ds}model A {{ id Int @id\n}}\n")),
            "4:11: unexpected text: each definition goes on a line of its own"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id\n")),
            "4:1: `model A` is never closed"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  x Int\n}}\n")),
            "4:1: model `A` needs an @id, @@id or a unique field (or @@ignore)"
        );
        assert_eq!(
            error(
                "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n  id Int @id\n  tags String[]\n}\n"
            ),
            "6:8: scalar lists (`String[]`) exist on PostgreSQL only"
        );
        assert_eq!(
            error(
                "datasource db {\n  provider = \"sqlite\"\n}\nmodel A {\n  id String @id @db.Uuid\n}\n"
            ),
            "5:17: native type @db.Uuid is not available on SQLite"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bs B[]\n}}\nmodel B {{\n  id Int @id\n}}\n"
            )),
            "6:3: relation field `bs` has no opposite relation field in model `B`"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id @default(now())\n}}\n"
            )),
            "5:23: now() applies to DateTime fields"
        );
    }

    #[test]
    fn relations_need_a_side_with_fields() {
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  b B?\n}}\nmodel B {{\n  id Int @id\n  a A\n}}\n"
            )),
            "6:3: relation field `b` needs @relation(fields: [...], references: [...]), or its opposite in `B` does"
        );
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  bs B[]\n}}\nmodel B {{\n  id Int @id\n  a A\n}}\n"
            )),
            "10:3: relation field `a` needs @relation(fields: [...], references: [...])"
        );
    }

    #[test]
    fn key_length_is_mysql_only_and_sort_is_checked() {
        let text = generated(
            "mysql",
            "model A {\n  id Int @id\n  t String @unique(length: 10) @db.Text\n  @@index([t(length: 5, sort: Desc)])\n}\n",
        );
        assert!(
            text.contains("CREATE UNIQUE INDEX `A_t_key` ON `A`(`t`(10));"),
            "{text}"
        );
        assert!(
            text.contains("CREATE INDEX `A_t_idx` ON `A`(`t`(5) DESC);"),
            "{text}"
        );
        let ds = "datasource db {\n  provider = \"postgresql\"\n}\n";
        assert_eq!(
            error(&format!(
                "{ds}model A {{\n  id Int @id\n  t String @unique(length: 10)\n}}\n"
            )),
            "6:28: index prefix `length` is MySQL only"
        );
        assert_eq!(
            error(&format!("{ds}model A {{\n  id Int @id(sort: Up)\n}}\n")),
            "5:20: sort is Asc or Desc"
        );
    }

    #[test]
    fn provider_survives_mistakes_elsewhere() {
        let text = "model A {\n  id Int @id @@@\n}\ndatasource db {\n  url = env(\"X\")\n  provider = \"sqlite\"\n}\n";
        assert_eq!(datasource_provider(text), Some(Dialect::Sqlite));
    }

    #[test]
    fn datetime_literals_become_prismas_sql_text() {
        assert_eq!(
            rfc3339_to_sql("2020-01-01T00:00:00Z").as_deref(),
            Some("2020-01-01 00:00:00 +00:00")
        );
        assert_eq!(
            rfc3339_to_sql("2021-06-07T08:09:10.5+02:00").as_deref(),
            Some("2021-06-07 08:09:10.500 +02:00")
        );
        assert_eq!(
            rfc3339_to_sql("2021-06-07T08:09:10.1234-05:30").as_deref(),
            Some("2021-06-07 08:09:10.123400 -05:30")
        );
        assert_eq!(rfc3339_to_sql("yesterday"), None);
    }

    #[test]
    fn sql_the_sql_reader_refuses_is_reported_at_the_field() {
        let text = schema_text(
            "postgresql",
            "model T {\n  id Int @id\n  x  Int @default(dbgenerated(\"(((\"))\n}\n",
        );
        let message = error(&text);
        assert!(
            message.starts_with("7:3: migen cannot read the SQL Prisma makes of this: "),
            "{message}"
        );
    }
}
