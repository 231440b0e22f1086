import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";
import { timestamps, idColumn } from "./shared";

export const m05Notes = mysqlTable("m05_notes", {
  id: idColumn(),
  body: text("body"),
  ...timestamps,
});
