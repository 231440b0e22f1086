import { mysqlTable, mysqlEnum, int, tinyint, smallint, mediumint, bigint, serial, varchar, char, text, boolean, timestamp, datetime, date, time, decimal, float, double, json, binary, varbinary, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/mysql-core";
import { sql } from "drizzle-orm";

// No `serial`: drizzle-kit writes `serial AUTO_INCREMENT`, which MariaDB refuses.
export const m01Types = mysqlTable("m01_types", {
  id: int("id").autoincrement().primaryKey(),
  tiny: tinyint("tiny"),
  small: smallint("small", { unsigned: true }),
  medium: mediumint("medium"),
  count: int("count"),
  big: bigint("big", { mode: "number", unsigned: true }),
  name: varchar("name", { length: 40 }),
  code: char("code", { length: 3 }),
  body: text("body"),
  flag: boolean("flag"),
  at: timestamp("at", { fsp: 3 }),
  seen: datetime("seen"),
  day: date("day"),
  clock: time("clock"),
  price: decimal("price", { precision: 10, scale: 2 }),
  ratio: float("ratio"),
  score: double("score"),
  doc: json("doc"),
  hash: binary("hash", { length: 16 }),
  raw: varbinary("raw", { length: 64 }),
  kind: mysqlEnum("kind", ["small", "large"]),
});
