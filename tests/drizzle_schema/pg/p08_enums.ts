import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p08Mood = pgEnum("p08_mood", ["happy", "sad", "it's ok"]);

export const p08People = pgTable("p08_people", {
  id: serial("id").primaryKey(),
  mood: p08Mood("mood").notNull().default("happy"),
  history: p08Mood("history").array(),
});
