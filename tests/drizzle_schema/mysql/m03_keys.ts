import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

export const m03Authors = mysqlTable("m03_authors", {
  id: int("id").autoincrement().primaryKey(),
  email: varchar("email", { length: 255 }).notNull().unique(),
  handle: varchar("handle", { length: 40 }).unique("m03_handle_key"),
});

export const m03Books = mysqlTable(
  "m03_books",
  {
    id: int("id").autoincrement().primaryKey(),
    authorId: int("author_id").notNull().references(() => m03Authors.id, { onDelete: "cascade" }),
    title: varchar("title", { length: 100 }).notNull(),
    year: int("year"),
  },
  (t) => [
    index("m03_title_idx").on(t.title),
    uniqueIndex("m03_title_year_idx").on(t.title, t.year),
    unique("m03_author_title").on(t.authorId, t.title),
    check("m03_year_check", sql`${t.year} > 1400`),
  ],
);
