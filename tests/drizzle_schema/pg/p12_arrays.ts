import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p12Matrix = pgTable("p12_matrix", {
  id: serial("id").primaryKey(),
  labels: text("labels").array().notNull(),
  grid: integer("grid").array().array(),
  codes: varchar("codes", { length: 5 }).array().default(["a", "b"]),
});
