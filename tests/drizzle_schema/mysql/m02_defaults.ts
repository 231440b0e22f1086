import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

export const m02Defaults = mysqlTable("m02_defaults", {
  id: int("id").autoincrement().primaryKey(),
  title: varchar("title", { length: 50 }).notNull().default("untitled"),
  quoted: varchar("quoted", { length: 50 }).default("it's"),
  count: int("count").notNull().default(0),
  active: boolean("active").default(true),
  created: timestamp("created").defaultNow(),
  note: text("note").default("none"),
  client: varchar("client", { length: 10 }).$defaultFn(() => "app"),
});
