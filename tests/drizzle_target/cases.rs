//! The schema-change pairs tests/drizzle_target.rs judges: per dialect, each pair's tables
//! (named after the pair, so that every pair of a dialect fits one drizzle-kit project) before
//! and after, and the rows seeded into the before tables.

use migen::model::Dialect;

pub struct Pair {
    pub name: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    /// SQL run on the database drizzle-kit built from the before schema.
    pub seed: &'static str,
}

/// The imports every schema file of the dialect starts with.
pub fn header(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            "import { pgTable, pgTableCreator, pgSchema, pgEnum, pgSequence, pgView, pgMaterializedView, customType, serial, integer, smallint, bigint, varchar, text, boolean, timestamp, numeric, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from \"drizzle-orm/pg-core\";\nimport { sql } from \"drizzle-orm\";\n\n"
        }
        Dialect::Mysql => {
            "import { mysqlTable, mysqlSchema, mysqlEnum, int, bigint, varchar, text, boolean, timestamp, decimal, index, uniqueIndex, unique, check, primaryKey, foreignKey } from \"drizzle-orm/mysql-core\";\nimport { sql } from \"drizzle-orm\";\n\n"
        }
        Dialect::Sqlite => {
            "import { sqliteTable, sqliteView, integer, text, real, index, uniqueIndex, unique, check, primaryKey, foreignKey } from \"drizzle-orm/sqlite-core\";\nimport { sql } from \"drizzle-orm\";\n\n"
        }
    }
}

pub fn pairs(dialect: Dialect) -> &'static [Pair] {
    match dialect {
        Dialect::Postgres => PG,
        Dialect::Mysql => MYSQL,
        Dialect::Sqlite => SQLITE,
    }
}

const PG: &[Pair] = &[
    Pair {
        name: "add_column",
        before: r#"export const p01 = pgTable("p01_notes", { id: serial("id").primaryKey(), title: text("title").notNull() });"#,
        after: r#"export const p01 = pgTable("p01_notes", { id: serial("id").primaryKey(), title: text("title").notNull(), body: text("body"), stars: integer("stars").notNull().default(0) });"#,
        seed: "INSERT INTO p01_notes (id, title) VALUES (1, 'a'), (2, 'b');",
    },
    Pair {
        name: "drop_column",
        before: r#"export const p02 = pgTable("p02_users", { id: serial("id").primaryKey(), name: text("name"), legacy: varchar("legacy", { length: 10 }) });"#,
        after: r#"export const p02 = pgTable("p02_users", { id: serial("id").primaryKey(), name: text("name") });"#,
        seed: "INSERT INTO p02_users (id, name, legacy) VALUES (1, 'Ada', 'x');",
    },
    Pair {
        name: "widen_types",
        before: r#"export const p03 = pgTable("p03_items", { id: serial("id").primaryKey(), name: varchar("name", { length: 20 }), count: integer("count"), price: numeric("price", { precision: 8, scale: 2 }) });"#,
        after: r#"export const p03 = pgTable("p03_items", { id: serial("id").primaryKey(), name: varchar("name", { length: 60 }), count: bigint("count", { mode: "number" }), price: numeric("price", { precision: 12, scale: 2 }) });"#,
        seed: "INSERT INTO p03_items (id, name, count, price) VALUES (1, 'abc', 5, 1.50);",
    },
    Pair {
        name: "set_not_null",
        before: r#"export const p04 = pgTable("p04_codes", { id: serial("id").primaryKey(), code: text("code") });"#,
        after: r#"export const p04 = pgTable("p04_codes", { id: serial("id").primaryKey(), code: text("code").notNull() });"#,
        seed: "INSERT INTO p04_codes (id, code) VALUES (1, 'a1'), (2, 'b2');",
    },
    Pair {
        name: "drop_not_null",
        before: r#"export const p05 = pgTable("p05_codes", { id: serial("id").primaryKey(), code: text("code").notNull() });"#,
        after: r#"export const p05 = pgTable("p05_codes", { id: serial("id").primaryKey(), code: text("code") });"#,
        seed: "INSERT INTO p05_codes (id, code) VALUES (1, 'a1');",
    },
    Pair {
        name: "defaults",
        before: r#"export const p06 = pgTable("p06_tasks", { id: serial("id").primaryKey(), status: text("status").default("new"), level: integer("level"), flag: boolean("flag").default(true) });"#,
        after: r#"export const p06 = pgTable("p06_tasks", { id: serial("id").primaryKey(), status: text("status").default("it's open"), level: integer("level").default(3), flag: boolean("flag") });"#,
        seed: "INSERT INTO p06_tasks (id, status, level, flag) VALUES (1, 'new', 1, false);",
    },
    Pair {
        name: "add_indexes",
        before: r#"export const p07 = pgTable("p07_posts", { id: serial("id").primaryKey(), slug: text("slug").notNull(), title: text("title"), score: integer("score") });"#,
        after: r#"export const p07 = pgTable("p07_posts", { id: serial("id").primaryKey(), slug: text("slug").notNull(), title: text("title"), score: integer("score") }, (t) => [index("p07_title_idx").on(t.title), uniqueIndex("p07_slug_idx").on(t.slug), index("p07_multi_idx").on(t.title, t.score.desc()), index().on(t.score)]);"#,
        seed: "INSERT INTO p07_posts (id, slug, title, score) VALUES (1, 'a', 'A', 1), (2, 'b', 'B', 2);",
    },
    Pair {
        name: "drop_indexes",
        before: r#"export const p08 = pgTable("p08_posts", { id: serial("id").primaryKey(), slug: text("slug").notNull(), title: text("title") }, (t) => [index("p08_title_idx").on(t.title), uniqueIndex("p08_slug_idx").on(t.slug)]);"#,
        after: r#"export const p08 = pgTable("p08_posts", { id: serial("id").primaryKey(), slug: text("slug").notNull(), title: text("title") });"#,
        seed: "INSERT INTO p08_posts (id, slug, title) VALUES (1, 'a', 'A');",
    },
    Pair {
        name: "foreign_key_actions",
        before: r#"export const p09a = pgTable("p09_authors", { id: serial("id").primaryKey() });
export const p09b = pgTable("p09_books", { id: serial("id").primaryKey(), authorId: integer("author_id") });"#,
        after: r#"export const p09a = pgTable("p09_authors", { id: serial("id").primaryKey() });
export const p09b = pgTable("p09_books", { id: serial("id").primaryKey(), authorId: integer("author_id").references(() => p09a.id, { onDelete: "cascade", onUpdate: "set null" }) });"#,
        seed: "INSERT INTO p09_authors (id) VALUES (1); INSERT INTO p09_books (id, author_id) VALUES (1, 1);",
    },
    Pair {
        name: "composite_keys",
        before: r#"export const p10g = pgTable("p10_groups", { id: serial("id").primaryKey() });"#,
        after: r#"export const p10g = pgTable("p10_groups", { id: serial("id").primaryKey() });
export const p10m = pgTable("p10_members", { groupId: integer("group_id").notNull().references(() => p10g.id), userId: integer("user_id").notNull() }, (t) => [primaryKey({ columns: [t.groupId, t.userId] })]);
export const p10r = pgTable("p10_grants", { id: serial("id").primaryKey(), groupId: integer("group_id"), userId: integer("user_id") }, (t) => [foreignKey({ name: "p10_grants_member_fk", columns: [t.groupId, t.userId], foreignColumns: [p10m.groupId, p10m.userId] }).onDelete("cascade")]);"#,
        seed: "INSERT INTO p10_groups (id) VALUES (1), (2);",
    },
    Pair {
        name: "unique_constraints",
        before: r#"export const p11 = pgTable("p11_accounts", { id: serial("id").primaryKey(), email: text("email"), a: integer("a"), b: integer("b") });"#,
        after: r#"export const p11 = pgTable("p11_accounts", { id: serial("id").primaryKey(), email: text("email").unique(), a: integer("a"), b: integer("b") }, (t) => [unique("p11_pair_unique").on(t.a, t.b), unique().on(t.b, t.email).nullsNotDistinct()]);"#,
        seed: "INSERT INTO p11_accounts (id, email, a, b) VALUES (1, 'x@y', 1, 2), (2, 'z@y', 1, 3);",
    },
    Pair {
        name: "check_constraint",
        before: r#"export const p12 = pgTable("p12_stock", { id: serial("id").primaryKey(), qty: integer("qty") });"#,
        after: r#"export const p12 = pgTable("p12_stock", { id: serial("id").primaryKey(), qty: integer("qty") }, (t) => [check("p12_qty_check", sql`${t.qty} >= 0`)]);"#,
        seed: "INSERT INTO p12_stock (id, qty) VALUES (1, 5);",
    },
    Pair {
        name: "new_enum",
        before: r#"export const p13 = pgTable("p13_people", { id: serial("id").primaryKey() });"#,
        after: r#"export const p13Mood = pgEnum("p13_mood", ["happy", "sad"]);
export const p13 = pgTable("p13_people", { id: serial("id").primaryKey(), mood: p13Mood("mood").default("happy"), past: p13Mood("past").array() });"#,
        seed: "INSERT INTO p13_people (id) VALUES (1);",
    },
    Pair {
        name: "enum_add_value",
        before: r#"export const p14State = pgEnum("p14_state", ["draft", "live"]);
export const p14 = pgTable("p14_docs", { id: serial("id").primaryKey(), state: p14State("state").notNull() });"#,
        after: r#"export const p14State = pgEnum("p14_state", ["draft", "live", "gone"]);
export const p14 = pgTable("p14_docs", { id: serial("id").primaryKey(), state: p14State("state").notNull() });"#,
        seed: "INSERT INTO p14_docs (id, state) VALUES (1, 'live');",
    },
    Pair {
        name: "pg_schema_tables",
        before: r#"export const p15Shop = pgSchema("p15_shop");
export const p15 = p15Shop.table("p15_items", { id: serial("id").primaryKey(), name: text("name") });"#,
        after: r#"export const p15Shop = pgSchema("p15_shop");
export const p15Kind = p15Shop.enum("p15_kind", ["a", "b"]);
export const p15 = p15Shop.table("p15_items", { id: serial("id").primaryKey(), name: text("name"), price: integer("price"), kind: p15Kind("kind") }, (t) => [check("p15_price_check", sql`${t.price} > 0`)]);
export const p15o = p15Shop.table("p15_orders", { id: serial("id").primaryKey(), itemId: integer("item_id").references(() => p15.id) }, (t) => [index("p15_item_idx").on(t.itemId)]);"#,
        seed: "INSERT INTO p15_shop.p15_items (id, name) VALUES (1, 'pen');",
    },
    Pair {
        name: "identity",
        before: r#"export const p16 = pgTable("p16_events", { id: integer("id").primaryKey().generatedAlwaysAsIdentity(), name: text("name") });"#,
        after: r#"export const p16 = pgTable("p16_events", { id: integer("id").primaryKey().generatedAlwaysAsIdentity(), name: text("name"), note: text("note") });
export const p16l = pgTable("p16_logs", { id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(), line: text("line").notNull() });"#,
        seed: "INSERT INTO p16_events (name) VALUES ('boot');",
    },
    Pair {
        name: "arrays",
        before: r#"export const p17 = pgTable("p17_posts", { id: serial("id").primaryKey() });"#,
        after: r#"export const p17 = pgTable("p17_posts", { id: serial("id").primaryKey(), tags: text("tags").array().notNull().default([]), codes: varchar("codes", { length: 5 }).array().default(["a", "b"]), grid: integer("grid").array().array() });"#,
        seed: "INSERT INTO p17_posts (id) VALUES (1);",
    },
    Pair {
        name: "create_and_drop_tables",
        before: r#"export const p18old = pgTable("p18_old", { id: serial("id").primaryKey() });
export const p18keep = pgTable("p18_keep", { id: serial("id").primaryKey(), label: text("label") });"#,
        after: r#"export const p18keep = pgTable("p18_keep", { id: serial("id").primaryKey(), label: text("label") });
export const p18new = pgTable("p18_new", { id: serial("id").primaryKey(), label: varchar("label", { length: 30 }).notNull().unique(), keepId: integer("keep_id").references(() => p18keep.id, { onDelete: "set null" }) });"#,
        seed: "INSERT INTO p18_old (id) VALUES (1); INSERT INTO p18_keep (id, label) VALUES (1, 'k');",
    },
    Pair {
        name: "json_time_uuid_defaults",
        before: r#"export const p19 = pgTable("p19_docs", { id: serial("id").primaryKey() });"#,
        after: r#"export const p19 = pgTable("p19_docs", { id: serial("id").primaryKey(), meta: jsonb("meta").default({ b: [1, "x"], a: true }), created: timestamp("created", { withTimezone: true, precision: 3 }).notNull().defaultNow(), token: uuid("token").defaultRandom(), ratio: numeric("ratio").default(sql`0.5`) });"#,
        seed: "INSERT INTO p19_docs (id) VALUES (1);",
    },
    Pair {
        name: "partial_index_and_nulls",
        before: r#"export const p20 = pgTable("p20_slots", { id: serial("id").primaryKey(), room: integer("room"), gone: boolean("gone") });"#,
        after: r#"export const p20 = pgTable("p20_slots", { id: serial("id").primaryKey(), room: integer("room"), gone: boolean("gone") }, (t) => [index("p20_live_idx").on(t.room.desc().nullsFirst()).where(sql`${t.gone} IS NOT TRUE`), index("p20_expr_idx").on(sql`(${t.room} + 1)`)]);"#,
        seed: "INSERT INTO p20_slots (id, room, gone) VALUES (1, 4, false);",
    },
    Pair {
        name: "generated_columns",
        before: r#"export const p21 = pgTable("p21_people", { id: serial("id").primaryKey(), first: text("first").notNull(), last: text("last").notNull() });"#,
        after: r#"export const p21 = pgTable("p21_people", { id: serial("id").primaryKey(), first: text("first").notNull(), last: text("last").notNull(), full: text("full").generatedAlwaysAs(sql`first || ' ' || last`) });
export const p21b = pgTable("p21_boxes", { id: serial("id").primaryKey(), w: integer("w").notNull(), h: integer("h").notNull(), area: integer("area").generatedAlwaysAs((): any => sql`${p21b.w} * ${p21b.h}`) });"#,
        seed: "INSERT INTO p21_people (id, first, last) VALUES (1, 'Ada', 'Lovelace');",
    },
    Pair {
        name: "identity_options_and_array_sizes",
        before: r#"export const p22 = pgTable("p22_tickets", { id: integer("id").primaryKey().generatedAlwaysAsIdentity({ startWith: 1000, increment: 5 }), label: text("label") });"#,
        after: r#"export const p22 = pgTable("p22_tickets", { id: integer("id").primaryKey().generatedAlwaysAsIdentity({ startWith: 1000, increment: 5 }), label: text("label"), grid: integer("grid").array(3), board: text("board").array().array(2) });
export const p22c = pgTable("p22_countdowns", { id: smallint("id").primaryKey().generatedByDefaultAsIdentity({ increment: -1 }), big: bigint("big", { mode: "number" }).generatedByDefaultAsIdentity({ startWith: 7 }) });"#,
        seed: "INSERT INTO p22_tickets (label) VALUES ('first');",
    },
    Pair {
        name: "sequences",
        before: r#"export const p23 = pgTable("p23_jobs", { id: serial("id").primaryKey() });
export const p23Old = pgSequence("p23_old");"#,
        after: r#"export const p23 = pgTable("p23_jobs", { id: serial("id").primaryKey() });
export const p23Counter = pgSequence("p23_counter", { startWith: 10, increment: 2, cache: 5 });
export const p23Down = pgSequence("p23_down", { increment: -3, cycle: true });"#,
        seed: "INSERT INTO p23_jobs (id) VALUES (1);",
    },
    Pair {
        name: "table_creator_custom_type_opclass",
        before: r#"const p24Table = pgTableCreator((name) => `p24_app_${name}`);
export const p24 = p24Table("devices", { id: integer("id").primaryKey(), label: varchar("label", { length: 40 }) });"#,
        after: r#"const p24Table = pgTableCreator((name) => `p24_app_${name}`);
const p24Mac = customType<{ data: string }>({ dataType() { return "macaddr"; } });
export const p24 = p24Table("devices", { id: integer("id").primaryKey(), label: varchar("label", { length: 40 }), mac: p24Mac("mac") }, (t) => [index("p24_label_pattern_idx").on(t.label.op("varchar_pattern_ops"))]);"#,
        seed: "INSERT INTO p24_app_devices (id, label) VALUES (1, 'router');",
    },
    Pair {
        name: "views",
        before: r#"export const p25 = pgTable("p25_tasks", { id: integer("id").primaryKey(), title: text("title").notNull(), done: boolean("done").notNull().default(false) });
export const p25Old = pgView("p25_old", { id: integer("id") }).as(sql`select id from p25_tasks`);"#,
        after: r#"export const p25 = pgTable("p25_tasks", { id: integer("id").primaryKey(), title: text("title").notNull(), done: boolean("done").notNull().default(false) });
export const p25Open = pgView("p25_open", { id: integer("id"), title: text("title") }).as(sql`select id, title from p25_tasks where not done`);
export const p25Counts = pgMaterializedView("p25_counts", { done: boolean("done"), total: integer("total") }).as(sql`select done, count(*)::integer as total from p25_tasks group by done`);"#,
        seed: "INSERT INTO p25_tasks (id, title, done) VALUES (1, 'a', false), (2, 'b', true);",
    },
];

const SQLITE: &[Pair] = &[
    Pair {
        name: "add_column_and_index",
        before: r#"export const s01 = sqliteTable("s01_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name", { length: 50 }).notNull().default("x") });"#,
        after: r#"export const s01 = sqliteTable("s01_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name", { length: 50 }).notNull().default("x"), bio: text("bio"), score: real("score").default(1.5) }, (t) => [index("s01_bio_idx").on(t.bio)]);"#,
        seed: "INSERT INTO s01_authors (id, name) VALUES (7, 'Ada');",
    },
    Pair {
        name: "create_table_with_references",
        before: r#"export const s02a = sqliteTable("s02_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name").notNull() });"#,
        after: r#"export const s02a = sqliteTable("s02_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name").notNull(), email: text("email").unique() });
export const s02b = sqliteTable("s02_books", { id: integer("id").primaryKey(), authorId: integer("author_id").notNull().references(() => s02a.id, { onDelete: "cascade" }), title: text("title").notNull() }, (t) => [uniqueIndex("s02_title_author").on(t.title, t.authorId)]);"#,
        seed: "INSERT INTO s02_authors (id, name) VALUES (7, 'Ada');",
    },
    Pair {
        name: "drop_column",
        before: r#"export const s03 = sqliteTable("s03_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name").notNull(), legacy: integer("legacy") });"#,
        after: r#"export const s03 = sqliteTable("s03_authors", { id: integer("id").primaryKey({ autoIncrement: true }), name: text("name").notNull() });"#,
        seed: "INSERT INTO s03_authors (id, name, legacy) VALUES (7, 'Ada', 1);",
    },
    Pair {
        name: "set_not_null",
        before: r#"export const s04 = sqliteTable("s04_notes", { id: integer("id").primaryKey(), note: text("note") });"#,
        after: r#"export const s04 = sqliteTable("s04_notes", { id: integer("id").primaryKey(), note: text("note").notNull().default("") });"#,
        seed: "INSERT INTO s04_notes (id, note) VALUES (1, 'n');",
    },
    Pair {
        name: "defaults",
        before: r#"export const s05 = sqliteTable("s05_tasks", { id: integer("id").primaryKey(), status: text("status").default("new"), level: integer("level"), done: integer("done", { mode: "boolean" }).default(false) });"#,
        after: r#"export const s05 = sqliteTable("s05_tasks", { id: integer("id").primaryKey(), status: text("status").default("it's open"), level: integer("level").default(3), done: integer("done", { mode: "boolean" }).default(true) });"#,
        seed: "INSERT INTO s05_tasks (id, status, level, done) VALUES (1, 'new', 1, 0);",
    },
    Pair {
        name: "foreign_key_actions",
        before: r#"export const s06a = sqliteTable("s06_authors", { id: integer("id").primaryKey() });
export const s06b = sqliteTable("s06_books", { id: integer("id").primaryKey(), authorId: integer("author_id") });"#,
        after: r#"export const s06a = sqliteTable("s06_authors", { id: integer("id").primaryKey() });
export const s06b = sqliteTable("s06_books", { id: integer("id").primaryKey(), authorId: integer("author_id").references(() => s06a.id, { onDelete: "set null", onUpdate: "cascade" }) });"#,
        seed: "INSERT INTO s06_authors (id) VALUES (1); INSERT INTO s06_books (id, author_id) VALUES (1, 1);",
    },
    Pair {
        name: "composite_key_table",
        before: r#"export const s07g = sqliteTable("s07_groups", { id: integer("id").primaryKey() });"#,
        after: r#"export const s07g = sqliteTable("s07_groups", { id: integer("id").primaryKey() });
export const s07m = sqliteTable("s07_members", { groupId: integer("group_id").notNull().references(() => s07g.id), userId: integer("user_id").notNull(), role: text("role") }, (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("s07_role_idx").on(t.role, t.userId)]);"#,
        seed: "INSERT INTO s07_groups (id) VALUES (1);",
    },
    Pair {
        name: "check_constraint",
        before: r#"export const s08 = sqliteTable("s08_stock", { id: integer("id").primaryKey(), qty: integer("qty") });"#,
        after: r#"export const s08 = sqliteTable("s08_stock", { id: integer("id").primaryKey(), qty: integer("qty") }, (t) => [check("s08_qty_check", sql`${t.qty} >= 0`)]);"#,
        seed: "INSERT INTO s08_stock (id, qty) VALUES (1, 5);",
    },
    Pair {
        name: "drop_table_and_unique",
        before: r#"export const s09old = sqliteTable("s09_old", { id: integer("id").primaryKey() });
export const s09 = sqliteTable("s09_pairs", { id: integer("id").primaryKey(), a: integer("a"), b: integer("b") });"#,
        after: r#"export const s09 = sqliteTable("s09_pairs", { id: integer("id").primaryKey(), a: integer("a"), b: integer("b") }, (t) => [unique("s09_ab_unique").on(t.a, t.b)]);"#,
        seed: "INSERT INTO s09_old (id) VALUES (1); INSERT INTO s09_pairs (id, a, b) VALUES (1, 1, 2);",
    },
    Pair {
        name: "drop_index_and_change_type",
        before: r#"export const s10 = sqliteTable("s10_posts", { id: integer("id").primaryKey(), title: text("title"), rank: integer("rank") }, (t) => [index("s10_title_idx").on(t.title)]);"#,
        after: r#"export const s10 = sqliteTable("s10_posts", { id: integer("id").primaryKey(), title: text("title"), rank: real("rank") });"#,
        seed: "INSERT INTO s10_posts (id, title, rank) VALUES (1, 'T', 2.5);",
    },
    Pair {
        name: "rebuild_a_referenced_table",
        before: r#"export const s11a = sqliteTable("s11_authors", { id: integer("id").primaryKey(), name: text("name") });
export const s11b = sqliteTable("s11_books", { id: integer("id").primaryKey(), authorId: integer("author_id").references(() => s11a.id, { onDelete: "cascade" }) });"#,
        after: r#"export const s11a = sqliteTable("s11_authors", { id: integer("id").primaryKey(), name: text("name").notNull().default("") });
export const s11b = sqliteTable("s11_books", { id: integer("id").primaryKey(), authorId: integer("author_id").references(() => s11a.id, { onDelete: "cascade" }) });"#,
        seed: "INSERT INTO s11_authors (id, name) VALUES (1, 'Ada'); INSERT INTO s11_books (id, author_id) VALUES (1, 1), (2, 1);",
    },
    Pair {
        name: "generated_columns",
        before: r#"export const s12 = sqliteTable("s12_people", { id: integer("id").primaryKey(), first: text("first").notNull(), last: text("last").notNull() });"#,
        after: r#"export const s12 = sqliteTable("s12_people", { id: integer("id").primaryKey(), first: text("first").notNull(), last: text("last").notNull(), full: text("full").generatedAlwaysAs(sql`first || ' ' || last`) });
export const s12b = sqliteTable("s12_boxes", { id: integer("id").primaryKey(), w: integer("w").notNull(), h: integer("h").notNull(), area: integer("area").generatedAlwaysAs((): any => sql`${s12b.w} * ${s12b.h}`, { mode: "stored" }) });"#,
        seed: "INSERT INTO s12_people (id, first, last) VALUES (1, 'Ada', 'Lovelace');",
    },
    Pair {
        name: "partial_and_expression_indexes",
        before: r#"export const s13 = sqliteTable("s13_posts", { id: integer("id").primaryKey(), slug: text("slug").notNull(), gone: integer("gone") });"#,
        after: r#"export const s13 = sqliteTable("s13_posts", { id: integer("id").primaryKey(), slug: text("slug").notNull(), gone: integer("gone") }, (t) => [index("s13_live_idx").on(t.slug).where(sql`${t.gone} IS NULL`), uniqueIndex("s13_lower_slug_idx").on(sql`lower(${t.slug})`)]);"#,
        seed: "INSERT INTO s13_posts (id, slug, gone) VALUES (1, 'A', NULL), (2, 'b', 1);",
    },
    Pair {
        name: "views",
        before: r#"export const s14 = sqliteTable("s14_tasks", { id: integer("id").primaryKey(), title: text("title").notNull(), done: integer("done").notNull().default(0) });
export const s14Old = sqliteView("s14_old", { id: integer("id") }).as(sql`select id from s14_tasks`);"#,
        after: r#"export const s14 = sqliteTable("s14_tasks", { id: integer("id").primaryKey(), title: text("title").notNull(), done: integer("done").notNull().default(0) });
export const s14Open = sqliteView("s14_open", { id: integer("id"), title: text("title") }).as(sql`select id, title from s14_tasks where done = 0`);"#,
        seed: "INSERT INTO s14_tasks (id, title, done) VALUES (1, 'a', 0), (2, 'b', 1);",
    },
];

const MYSQL: &[Pair] = &[
    Pair {
        name: "add_column",
        before: r#"export const m01 = mysqlTable("m01_notes", { id: int("id").autoincrement().primaryKey(), title: varchar("title", { length: 50 }).notNull() });"#,
        after: r#"export const m01 = mysqlTable("m01_notes", { id: int("id").autoincrement().primaryKey(), title: varchar("title", { length: 50 }).notNull(), body: text("body"), stars: int("stars").notNull().default(0) });"#,
        seed: "INSERT INTO m01_notes (id, title) VALUES (1, 'a'), (2, 'b');",
    },
    Pair {
        name: "drop_column",
        before: r#"export const m02 = mysqlTable("m02_users", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 40 }), legacy: int("legacy") });"#,
        after: r#"export const m02 = mysqlTable("m02_users", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 40 }) });"#,
        seed: "INSERT INTO m02_users (id, name, legacy) VALUES (1, 'Ada', 3);",
    },
    Pair {
        name: "widen_types",
        before: r#"export const m03 = mysqlTable("m03_items", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 20 }), count: int("count"), price: decimal("price", { precision: 8, scale: 2 }) });"#,
        after: r#"export const m03 = mysqlTable("m03_items", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 60 }), count: bigint("count", { mode: "number" }), price: decimal("price", { precision: 12, scale: 2 }) });"#,
        seed: "INSERT INTO m03_items (id, name, count, price) VALUES (1, 'abc', 5, 1.50);",
    },
    Pair {
        name: "not_null",
        before: r#"export const m04 = mysqlTable("m04_codes", { id: int("id").autoincrement().primaryKey(), code: varchar("code", { length: 10 }), note: varchar("note", { length: 10 }).notNull() });"#,
        after: r#"export const m04 = mysqlTable("m04_codes", { id: int("id").autoincrement().primaryKey(), code: varchar("code", { length: 10 }).notNull(), note: varchar("note", { length: 10 }) });"#,
        seed: "INSERT INTO m04_codes (id, code, note) VALUES (1, 'a1', 'n');",
    },
    Pair {
        name: "defaults",
        before: r#"export const m05 = mysqlTable("m05_tasks", { id: int("id").autoincrement().primaryKey(), status: varchar("status", { length: 20 }).default("new"), level: int("level"), flag: boolean("flag").default(true), body: text("body") });"#,
        after: r#"export const m05 = mysqlTable("m05_tasks", { id: int("id").autoincrement().primaryKey(), status: varchar("status", { length: 20 }).default("it's open"), level: int("level").default(3), flag: boolean("flag"), body: text("body").default("none") });"#,
        seed: "INSERT INTO m05_tasks (id, status, level, flag) VALUES (1, 'new', 1, false);",
    },
    Pair {
        name: "indexes",
        before: r#"export const m06 = mysqlTable("m06_posts", { id: int("id").autoincrement().primaryKey(), slug: varchar("slug", { length: 40 }).notNull(), title: varchar("title", { length: 40 }), year: int("year") }, (t) => [index("m06_old_idx").on(t.year)]);"#,
        after: r#"export const m06 = mysqlTable("m06_posts", { id: int("id").autoincrement().primaryKey(), slug: varchar("slug", { length: 40 }).notNull(), title: varchar("title", { length: 40 }), year: int("year") }, (t) => [index("m06_title_idx").on(t.title), uniqueIndex("m06_slug_year_idx").on(t.slug, t.year)]);"#,
        seed: "INSERT INTO m06_posts (id, slug, title, year) VALUES (1, 'a', 'A', 2001);",
    },
    Pair {
        name: "foreign_key_actions",
        before: r#"export const m07a = mysqlTable("m07_authors", { id: int("id").autoincrement().primaryKey() });"#,
        after: r#"export const m07a = mysqlTable("m07_authors", { id: int("id").autoincrement().primaryKey() });
export const m07b = mysqlTable("m07_books", { id: int("id").autoincrement().primaryKey(), authorId: int("author_id").references(() => m07a.id, { onDelete: "cascade", onUpdate: "set null" }) });"#,
        seed: "INSERT INTO m07_authors (id) VALUES (1);",
    },
    Pair {
        name: "composite_keys",
        before: r#"export const m08g = mysqlTable("m08_groups", { id: int("id").autoincrement().primaryKey() });"#,
        after: r#"export const m08g = mysqlTable("m08_groups", { id: int("id").autoincrement().primaryKey() });
export const m08m = mysqlTable("m08_members", { groupId: int("group_id").notNull(), userId: int("user_id").notNull() }, (t) => [primaryKey({ columns: [t.groupId, t.userId] })]);
export const m08r = mysqlTable("m08_grants", { id: int("id").autoincrement().primaryKey(), groupId: int("group_id"), userId: int("user_id") }, (t) => [foreignKey({ name: "m08_grants_member_fk", columns: [t.groupId, t.userId], foreignColumns: [m08m.groupId, m08m.userId] }).onDelete("cascade")]);"#,
        seed: "INSERT INTO m08_groups (id) VALUES (1);",
    },
    Pair {
        name: "unique_and_check",
        before: r#"export const m09 = mysqlTable("m09_accounts", { id: int("id").autoincrement().primaryKey(), email: varchar("email", { length: 80 }), qty: int("qty"), a: int("a") });"#,
        after: r#"export const m09 = mysqlTable("m09_accounts", { id: int("id").autoincrement().primaryKey(), email: varchar("email", { length: 80 }).unique(), qty: int("qty"), a: int("a") }, (t) => [unique("m09_pair_unique").on(t.a, t.qty), check("m09_qty_check", sql`${t.qty} >= 0`)]);"#,
        seed: "INSERT INTO m09_accounts (id, email, qty, a) VALUES (1, 'x@y', 5, 1);",
    },
    Pair {
        name: "enum_and_on_update",
        before: r#"export const m10 = mysqlTable("m10_docs", { id: int("id").autoincrement().primaryKey(), state: mysqlEnum("state", ["draft", "live"]).notNull() });"#,
        after: r#"export const m10 = mysqlTable("m10_docs", { id: int("id").autoincrement().primaryKey(), state: mysqlEnum("state", ["draft", "live", "gone"]).notNull(), touched: timestamp("touched").defaultNow().onUpdateNow() });"#,
        seed: "INSERT INTO m10_docs (id, state) VALUES (1, 'live');",
    },
    Pair {
        name: "create_and_drop_tables",
        before: r#"export const m11old = mysqlTable("m11_old", { id: int("id").autoincrement().primaryKey() });
export const m11keep = mysqlTable("m11_keep", { id: int("id").autoincrement().primaryKey(), label: varchar("label", { length: 20 }) });"#,
        after: r#"export const m11keep = mysqlTable("m11_keep", { id: int("id").autoincrement().primaryKey(), label: varchar("label", { length: 20 }) });
export const m11new = mysqlTable("m11_new", { id: int("id").autoincrement().primaryKey(), label: varchar("label", { length: 30 }).notNull().unique(), keepId: int("keep_id").references(() => m11keep.id, { onDelete: "set null" }) });"#,
        seed: "INSERT INTO m11_old (id) VALUES (1); INSERT INTO m11_keep (id, label) VALUES (1, 'k');",
    },
    Pair {
        name: "generated_columns",
        before: r#"export const m12 = mysqlTable("m12_people", { id: int("id").autoincrement().primaryKey(), first: varchar("first", { length: 40 }).notNull(), last: varchar("last", { length: 40 }).notNull() });"#,
        after: r#"export const m12 = mysqlTable("m12_people", { id: int("id").autoincrement().primaryKey(), first: varchar("first", { length: 40 }).notNull(), last: varchar("last", { length: 40 }).notNull(), full: varchar("full", { length: 81 }).generatedAlwaysAs(sql`concat(first, ' ', last)`, { mode: "virtual" }) });
export const m12b = mysqlTable("m12_boxes", { id: int("id").autoincrement().primaryKey(), w: int("w").notNull(), h: int("h").notNull(), area: int("area").generatedAlwaysAs((): any => sql`${m12b.w} * ${m12b.h}`, { mode: "stored" }) });"#,
        seed: "INSERT INTO m12_people (id, first, last) VALUES (1, 'Ada', 'Lovelace');",
    },
    Pair {
        name: "index_methods_and_schema_tables",
        before: r#"export const m13 = mysqlTable("m13_tags", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 40 }).notNull(), rank: int("rank") });"#,
        after: r#"export const m13 = mysqlTable("m13_tags", { id: int("id").autoincrement().primaryKey(), name: varchar("name", { length: 40 }).notNull(), rank: int("rank") }, (t) => [index("m13_name_idx").on(t.name).using("btree"), uniqueIndex("m13_name_rank_idx").on(t.name, t.rank).using("hash")]);
export const m13Other = mysqlSchema("m13_other");
export const m13Elsewhere = m13Other.table("m13_elsewhere", { id: int("id").primaryKey() });"#,
        seed: "INSERT INTO m13_tags (id, name, rank) VALUES (1, 'a', 1), (2, 'b', 2);",
    },
];
