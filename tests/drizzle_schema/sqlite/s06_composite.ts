import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s06Parents = sqliteTable(
  "s06_parents",
  {
    a: integer("a").notNull(),
    b: integer("b").notNull(),
  },
  (t) => ({ pk: primaryKey({ columns: [t.a, t.b] }) }),
);

export const s06Children = sqliteTable(
  "s06_children",
  {
    id: integer("id").primaryKey(),
    pa: integer("pa"),
    pb: integer("pb"),
  },
  (t) => ({
    parent: foreignKey({ columns: [t.pa, t.pb], foreignColumns: [s06Parents.a, s06Parents.b] }).onDelete("cascade"),
  }),
);
