import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p04Authors = pgTable("p04_authors", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
});

export const p04Books = pgTable("p04_books", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => p04Authors.id, { onDelete: "cascade" }),
  editorId: integer("editor_id").references(() => p04Authors.id, { onDelete: "set null", onUpdate: "cascade" }),
  parentId: integer("parent_id").references((): any => p04Books.id),
});
