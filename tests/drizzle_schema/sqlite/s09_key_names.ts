import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s09Accounts = sqliteTable("s09_accounts", {
  accountId: integer().primaryKey(),
  displayName: text().notNull().unique(),
  ownerId: integer().references((): any => s09Accounts.accountId),
});
