import { pgTable, index } from "drizzle-orm/pg-core";

// The columns as a callback of drizzle's builders (drizzle-orm 0.36+), nothing else imported.
export const p16Events = pgTable(
  "p16_events",
  (t) => ({
    id: t.integer().primaryKey().generatedByDefaultAsIdentity(),
    name: t.varchar({ length: 80 }).notNull(),
    at: t.timestamp({ withTimezone: true }).defaultNow(),
  }),
  (table) => [index("p16_name_idx").on(table.name)],
);
