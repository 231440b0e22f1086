import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p10Items = pgTable("p10_items", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  alt: integer("alt").generatedByDefaultAsIdentity(),
  first: text("first").notNull(),
  last: text("last").notNull(),
  full: text("full").generatedAlwaysAs(sql`first || ' ' || last`),
  twice: integer("twice").generatedAlwaysAs((): any => sql`${p10Items.alt} * 2`),
});
