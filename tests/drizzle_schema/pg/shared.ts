import { integer, serial, timestamp } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

// Reused columns: a spread object and helper functions, as real schemas share them.
export const timestamps = {
  createdAt: timestamp("created_at").defaultNow().notNull(),
  updatedAt: timestamp("updated_at").$onUpdate(() => new Date()),
};

export function idColumn() {
  return serial("id").primaryKey();
}

export const counter = (name: string) => integer(name).notNull().default(sql`0`);
