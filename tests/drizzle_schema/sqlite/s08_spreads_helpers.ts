import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { timestamps, idColumn } from "./shared";

export const s08Notes = sqliteTable("s08_notes", {
  id: idColumn(),
  body: text("body"),
  ...timestamps,
});
