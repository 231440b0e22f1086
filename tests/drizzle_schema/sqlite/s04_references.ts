import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s04Authors = sqliteTable("s04_authors", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
});

export const s04Books = sqliteTable("s04_books", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  authorId: integer("author_id").notNull().references(() => s04Authors.id, { onDelete: "cascade" }),
  editorId: integer("editor_id").references(() => s04Authors.id, { onDelete: "set null", onUpdate: "cascade" }),
  parentId: integer("parent_id").references((): any => s04Books.id),
});
