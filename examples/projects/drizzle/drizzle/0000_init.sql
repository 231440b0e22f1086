PRAGMA busy_timeout = 5000;
--> statement-breakpoint
CREATE TABLE customers (
  id integer NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  created_at text NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (id)
);
--> statement-breakpoint
CREATE UNIQUE INDEX customers_email_key ON customers (email);
--> statement-breakpoint
CREATE TABLE orders (
  id integer NOT NULL,
  customer_id integer NOT NULL,
  status text NOT NULL DEFAULT 'new',
  placed_at text,
  PRIMARY KEY (id)
);
--> statement-breakpoint
CREATE TABLE products (
  id integer NOT NULL,
  sku text NOT NULL,
  title text NOT NULL,
  price_cents integer NOT NULL,
  description text,
  PRIMARY KEY (id)
);