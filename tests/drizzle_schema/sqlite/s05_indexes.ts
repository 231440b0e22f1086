import { sqliteTable, integer, text, real, numeric, blob, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const s05Posts = sqliteTable(
  "s05_posts",
  {
    id: integer("id").primaryKey(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    score: integer("score"),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    index("s05_title_idx").on(t.title),
    index("s05_title_score_idx").on(t.title, t.score),
    uniqueIndex("s05_slug_idx").on(t.slug),
    index("s05_live_idx").on(t.slug).where(sql`${t.deletedAt} IS NULL`),
    check("s05_score_check", sql`${t.score} >= 0`),
  ],
);
