import { sqliteTable, sqliteView, integer, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s11Tasks = sqliteTable("s11_tasks", {
  id: integer("id").primaryKey(),
  title: text("title").notNull(),
  done: integer("done", { mode: "boolean" }).notNull().default(false),
});

// A view with its columns and its query in SQL.
export const s11Open = sqliteView("s11_open", { id: integer("id"), title: text("title") }).as(
  sql`select id, title from s11_tasks where done = 0`,
);
