import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p06Members = pgTable(
  "p06_members",
  {
    groupId: integer("group_id").notNull(),
    userId: integer("user_id").notNull(),
    role: text("role"),
  },
  (table) => ({
    pk: primaryKey({ columns: [table.groupId, table.userId] }),
    roleIdx: index("p06_role_idx").on(table.role),
    roleUnique: unique().on(table.role, table.groupId),
  }),
);
