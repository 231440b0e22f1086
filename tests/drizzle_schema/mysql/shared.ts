import { int, timestamp } from "drizzle-orm/mysql-core";

// Reused columns: a spread object and a helper function.
export const timestamps = {
  createdAt: timestamp("created_at").defaultNow().notNull(),
  updatedAt: timestamp("updated_at").defaultNow().onUpdateNow(),
};

export function idColumn() {
  return int("id").autoincrement().primaryKey();
}
