import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p09Billing = pgSchema("p09_billing");
export const p09Status = p09Billing.enum("p09_status", ["open", "paid"]);

export const p09Invoices = p09Billing.table("p09_invoices", {
  id: serial("id").primaryKey(),
  status: p09Status("status").default("open"),
  total: numeric("total", { precision: 12, scale: 2 }).notNull(),
});

export const p09Lines = p09Billing.table("p09_lines", {
  id: serial("id").primaryKey(),
  invoiceId: integer("invoice_id").references(() => p09Invoices.id),
});
