import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s02Defaults = sqliteTable("s02_defaults", {
  id: integer("id").primaryKey(),
  title: text("title").notNull().default("untitled"),
  quoted: text("quoted").default("it's"),
  count: integer("count").notNull().default(0),
  ratio: real("ratio").default(2.5),
  active: integer("active", { mode: "boolean" }).default(false),
  created: text("created").default(sql`CURRENT_TIMESTAMP`),
  stamp: integer("stamp").default(sql`(unixepoch())`),
  client: text("client").$defaultFn(() => "app"),
});
