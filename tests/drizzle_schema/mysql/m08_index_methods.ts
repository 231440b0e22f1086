import { mysqlTable, mysqlSchema, int, varchar, index, uniqueIndex } from "drizzle-orm/mysql-core";

// Index methods: kept in drizzle-kit's snapshot, left out of its statements.
export const m08Tags = mysqlTable(
  "m08_tags",
  {
    id: int("id").primaryKey(),
    name: varchar("name", { length: 40 }).notNull(),
    rank: int("rank"),
  },
  (t) => [
    index("m08_name_idx").on(t.name).using("btree"),
    index("m08_rank_idx").on(t.rank).using("hash"),
    uniqueIndex("m08_name_rank_idx").on(t.name, t.rank).using("btree"),
  ],
);

// drizzle-kit leaves tables of a mysqlSchema out of its migrations.
export const m08Other = mysqlSchema("m08_other");
export const m08Elsewhere = m08Other.table("m08_elsewhere", { id: int("id").primaryKey() });
