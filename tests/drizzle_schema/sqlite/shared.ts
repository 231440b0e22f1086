import { integer } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

// Reused columns: a spread object and a helper function.
export const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp" }).notNull().default(sql`(unixepoch())`),
  updatedAt: integer("updated_at", { mode: "timestamp" }).$onUpdate(() => new Date()),
};

export const idColumn = () => integer("id").primaryKey({ autoIncrement: true });
