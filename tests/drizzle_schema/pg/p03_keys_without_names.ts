import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p03Users = pgTable("p03_users", {
  id: serial().primaryKey(),
  email: varchar({ length: 255 }).notNull().unique(),
  handle: text().unique("p03_handle_key"),
  fullName: text(),
});
