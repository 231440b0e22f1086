import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p14Pairs = pgTable(
  "p14_pairs",
  {
    left: integer("left").notNull(),
    right: integer("right").notNull(),
  },
  (t) => ({ pk: primaryKey(t.left, t.right) }),
);
