import { sqliteTable, integer, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const customers = sqliteTable(
  "customers",
  {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    createdAt: text("created_at").notNull().default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [uniqueIndex("customers_email_key").on(t.email)],
);

export const products = sqliteTable("products", {
  id: integer("id").primaryKey(),
  sku: text("sku").notNull(),
  title: text("title").notNull(),
  priceCents: integer("price_cents").notNull(),
  description: text("description"),
});

export const orders = sqliteTable("orders", {
  id: integer("id").primaryKey(),
  customerId: integer("customer_id").notNull(),
  status: text("status").notNull().default("new"),
  placedAt: text("placed_at"),
});
