import { sqliteTable, integer, text, index, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

// Tables named after their columns: drizzle-kit cases the first occurrence of each column's
// name in a key's name, the table's part included.
export const s10Links = sqliteTable(
  "tagId_links",
  { tagId: integer().notNull(), userId: integer().notNull() },
  (t) => [primaryKey({ columns: [t.tagId, t.userId] })],
);

export const s10Refs = sqliteTable(
  "userId_refs",
  { id: integer().primaryKey(), tagId: integer(), userId: integer(), label: text() },
  (t) => [
    foreignKey({ columns: [t.tagId, t.userId], foreignColumns: [s10Links.tagId, s10Links.userId] }),
    index("s10_lower_label_idx").on(sql`lower(${t.label})`),
  ],
);

export const s10One = sqliteTable("tagId_one", {
  id: integer().primaryKey(),
  tagId: integer().references((): any => s10Links.tagId),
});
