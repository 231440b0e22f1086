import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s07People = sqliteTable("s07_people", {
  id: integer("id").primaryKey(),
  first: text("first").notNull(),
  last: text("last").notNull(),
  full: text("full").generatedAlwaysAs(sql`first || ' ' || last`),
  stored: text("stored").generatedAlwaysAs((): any => sql`upper(${s07People.first})`, { mode: "stored" }),
});
