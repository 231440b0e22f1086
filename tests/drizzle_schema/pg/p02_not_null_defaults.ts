import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p02Defaults = pgTable("p02_defaults", {
  id: integer("id").primaryKey(),
  title: text("title").notNull().default("untitled"),
  quoted: text("quoted").default("it's"),
  count: integer("count").notNull().default(0),
  ratio: real("ratio").default(1.5),
  active: boolean("active").default(true),
  created: timestamp("created").defaultNow(),
  stamp: timestamp("stamp", { withTimezone: true }).default(sql`now()`),
  meta: jsonb("meta").default({ a: 1, b: ["x"] }),
  tags: text("tags").array().default([]),
  token: uuid("token").defaultRandom(),
  client: text("client").$defaultFn(() => "app"),
  touched: timestamp("touched").$onUpdate(() => new Date()),
});
