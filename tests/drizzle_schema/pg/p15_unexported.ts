import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

// Not exported: drizzle-kit does not see this table, and neither does migen.
const p15Hidden = pgTable("p15_hidden", { id: serial("id").primaryKey() });

export const p15Shown = pgTable("p15_shown", {
  id: serial("id").primaryKey(),
  note: varchar("note", { length: 20 }),
});
