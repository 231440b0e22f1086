import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p07Parents = pgTable(
  "p07_parents",
  {
    a: integer("a").notNull(),
    b: integer("b").notNull(),
  },
  (t) => [primaryKey({ name: "p07_parents_key", columns: [t.a, t.b] })],
);

export const p07Children = pgTable(
  "p07_children",
  {
    id: serial("id").primaryKey(),
    pa: integer("pa"),
    pb: integer("pb"),
  },
  (t) => [
    foreignKey({ columns: [t.pa, t.pb], foreignColumns: [p07Parents.a, p07Parents.b] }).onDelete("cascade"),
  ],
);

export const p07Nodes = pgTable(
  "p07_nodes",
  {
    id: integer("id").primaryKey(),
    parent: integer("parent"),
  },
  (t) => [foreignKey({ name: "p07_nodes_parent_fk", columns: [t.parent], foreignColumns: [t.id] }).onUpdate("restrict")],
);
