import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s01Types = sqliteTable("s01_types", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  count: integer("count"),
  flag: integer("flag", { mode: "boolean" }),
  at: integer("at", { mode: "timestamp" }),
  atMs: integer("at_ms", { mode: "timestamp_ms" }),
  name: text("name", { length: 40 }),
  body: text("body"),
  kind: text("kind", { enum: ["a", "b"] }),
  doc: text("doc", { mode: "json" }),
  ratio: real("ratio"),
  price: numeric("price"),
  data: blob("data"),
  big: blob("big", { mode: "bigint" }),
});
