import { pgTableCreator, pgSchema, pgSequence, customType, integer, text, varchar, index } from "drizzle-orm/pg-core";

export const p18Counter = pgSequence("p18_counter", { startWith: 10, increment: 2, cache: 5 });
export const p18Plain = pgSequence("p18_plain");
export const p18Down = pgSequence("p18_down", { increment: -3, cycle: true });
export const p18Ops = pgSchema("p18_ops");
export const p18Batch = p18Ops.sequence("p18_batch", { minValue: 100, maxValue: 5000 });

// Table names made by a creator, a custom column type, an operator class.
const appTable = pgTableCreator((name) => `p18_app_${name}`);
const macAddress = customType<{ data: string }>({
  dataType() {
    return "macaddr";
  },
});

export const p18Devices = appTable(
  "devices",
  {
    id: integer("id").primaryKey(),
    mac: macAddress("mac").notNull(),
    label: varchar("label", { length: 40 }),
    note: text("note"),
  },
  (t) => [
    index("p18_label_pattern_idx").on(t.label.op("varchar_pattern_ops")),
    index("p18_note_idx").using("btree", t.note.op("text_pattern_ops").desc()),
  ],
);
