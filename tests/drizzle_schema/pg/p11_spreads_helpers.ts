import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { timestamps, idColumn, counter } from "./shared";

export const p11Notes = pgTable("p11_notes", {
  id: idColumn(),
  body: text("body"),
  views: counter("views"),
  ...timestamps,
});

export const p11Tags = pgTable("p11_tags", {
  id: idColumn(),
  label: text("label").notNull(),
  ...timestamps,
});
