-- The down of 0000_init, written by migen: drizzle-kit has no down migrations, so this
-- file is outside the journal. Run it with the database's client, then remove the
-- journal entry, 0000_init.sql and its snapshot, if it has one.
PRAGMA busy_timeout = 5000;
--> statement-breakpoint
DROP TABLE products;
--> statement-breakpoint
DROP TABLE orders;
--> statement-breakpoint
DROP TABLE customers;
