import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

export const m06People = mysqlTable("m06_people", {
  id: int("id").autoincrement().primaryKey(),
  first: varchar("first", { length: 40 }).notNull(),
  last: varchar("last", { length: 40 }).notNull(),
  full: varchar("full", { length: 81 }).generatedAlwaysAs(sql`concat(first, ' ', last)`, { mode: "virtual" }),
  initials: varchar("initials", { length: 2 }).generatedAlwaysAs(sql`concat(left(first, 1), left(last, 1))`, { mode: "stored" }),
});
