import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p13Slots = pgTable(
  "p13_slots",
  {
    id: serial("id").primaryKey(),
    room: integer("room"),
    day: date("day"),
    code: text("code").unique("p13_code_key", { nulls: "not distinct" }),
  },
  (t) => [unique("p13_room_day").on(t.room, t.day).nullsNotDistinct()],
);
