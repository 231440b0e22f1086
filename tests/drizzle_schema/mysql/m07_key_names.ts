import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

export const m07Accounts = mysqlTable("m07_accounts", {
  accountId: int().autoincrement().primaryKey(),
  displayName: varchar({ length: 60 }).notNull(),
});
