import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s03Users = sqliteTable(
  "s03_users",
  {
    id: integer().primaryKey(),
    email: text().notNull().unique(),
    handle: text().unique("s03_handle_key"),
    first: text(),
    last: text(),
  },
  (t) => [unique("s03_name_unique").on(t.first, t.last)],
);
