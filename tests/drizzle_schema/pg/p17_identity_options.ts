import { pgTable, integer, smallint, bigint, text } from "drizzle-orm/pg-core";

// Identity start and increment (the sequence's other options left to PostgreSQL), and array
// sizes, which drizzle-kit's snapshot keeps and PostgreSQL does not.
export const p17Tickets = pgTable("p17_tickets", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity({ startWith: 1000, increment: 5 }),
  countdown: smallint("countdown").generatedByDefaultAsIdentity({ increment: -1 }),
  big: bigint("big", { mode: "number" }).generatedByDefaultAsIdentity({ startWith: 7 }),
  grid: integer("grid").array(3),
  board: text("board").array().array(2),
});
