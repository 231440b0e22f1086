import { pgTable, pgSchema, pgView, pgMaterializedView, integer, text, boolean } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p19Tasks = pgTable("p19_tasks", {
  id: integer("id").primaryKey(),
  title: text("title").notNull(),
  done: boolean("done").notNull().default(false),
});

// Views with their columns and their query in SQL.
export const p19Open = pgView("p19_open", { id: integer("id"), title: text("title") }).as(
  sql`select id, title from p19_tasks where not done`,
);
export const p19Counts = pgMaterializedView("p19_counts", { done: boolean("done"), total: integer("total") }).as(
  sql`select done, count(*)::integer as total from p19_tasks group by done`,
);
export const p19Reports = pgSchema("p19_reports");
export const p19Titles = p19Reports.view("p19_titles", { title: text("title") }).as(sql`select title from p19_tasks`);
