import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

export const m04Members = mysqlTable(
  "m04_members",
  {
    groupId: int("group_id").notNull(),
    userId: int("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

export const m04Grants = mysqlTable(
  "m04_grants",
  {
    id: int("id").autoincrement().primaryKey(),
    groupId: int("group_id"),
    userId: int("user_id"),
  },
  (t) => [
    foreignKey({ name: "m04_grants_member_fk", columns: [t.groupId, t.userId], foreignColumns: [m04Members.groupId, m04Members.userId] }).onDelete("cascade"),
  ],
);
