import { sqliteTable, integer, text, index, uniqueIndex, primaryKey, check } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const customers = sqliteTable(
  "customers",
  {
    id: integer("id").primaryKey(),
    fullName: text("full_name").notNull(),
    email: text("email").notNull(),
    createdAt: text("created_at").notNull().default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [uniqueIndex("customers_email_key").on(t.email)],
);

export const products = sqliteTable(
  "products",
  {
    id: integer("id").primaryKey(),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    priceCents: integer("price_cents").notNull(),
    description: text("description"),
  },
  (t) => [uniqueIndex("products_sku_key").on(t.sku)],
);

export const orders = sqliteTable(
  "orders",
  {
    id: integer("id").primaryKey(),
    customerId: integer("customer_id").notNull().references(() => customers.id),
    status: text("status").notNull().default("new"),
    placedAt: text("placed_at").notNull().default(sql`CURRENT_TIMESTAMP`),
  },
  (t) => [index("orders_customer_id_idx").on(t.customerId)],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    orderId: integer("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    productId: integer("product_id").notNull().references(() => products.id),
    quantity: integer("quantity").notNull().default(1),
    priceCents: integer("price_cents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.productId] }), check("order_items_quantity_check", sql`${t.quantity} > 0`)],
);
