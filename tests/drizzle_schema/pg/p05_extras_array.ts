import { pgTable, pgSchema, pgEnum, integer, smallint, bigint, serial, bigserial, varchar, char, text, boolean, timestamp, date, time, numeric, decimal, real, doublePrecision, json, jsonb, uuid, index, uniqueIndex, unique, check, primaryKey, foreignKey } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const p05Posts = pgTable(
  "p05_posts",
  {
    id: serial("id").primaryKey(),
    slug: text("slug").notNull(),
    title: text("title").notNull(),
    score: integer("score"),
    deletedAt: timestamp("deleted_at"),
    tags: jsonb("tags"),
  },
  (t) => [
    index("p05_title_idx").on(t.title),
    index("p05_title_score_idx").on(t.title, t.score.desc()),
    uniqueIndex("p05_slug_idx").on(t.slug),
    index("p05_live_idx").on(t.slug).where(sql`${t.deletedAt} IS NULL`),
    index("p05_tags_idx").using("gin", t.tags),
    index().on(t.score),
    unique("p05_slug_title_unique").on(t.slug, t.title),
    check("p05_score_check", sql`${t.score} >= 0`),
  ],
);
