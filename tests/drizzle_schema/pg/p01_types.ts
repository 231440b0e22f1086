import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p01Types = pgTable("p01_types", {
  id: serial("id").primaryKey(),
  small: smallint("small"),
  big: bigint("big", { mode: "number" }),
  bigs: bigserial("bigs", { mode: "bigint" }),
  name: varchar("name", { length: 40 }),
  free: varchar("free"),
  code: char("code", { length: 3 }),
  body: text("body"),
  flag: boolean("flag"),
  at: timestamp("at"),
  atTz: timestamp("at_tz", { withTimezone: true, precision: 3 }),
  day: date("day"),
  clock: time("clock"),
  clockTz: time("clock_tz", { withTimezone: true }),
  price: numeric("price", { precision: 10, scale: 2 }),
  amount: decimal("amount", { precision: 8 }),
  plain: numeric("plain"),
  ratio: real("ratio"),
  score: doublePrecision("score"),
  doc: json("doc"),
  docb: jsonb("docb"),
  uid: uuid("uid"),
});
