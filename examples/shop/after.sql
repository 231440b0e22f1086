-- The shop schema after the next release (SQLite).
--
-- Changes against before.sql:
--   customers.name is renamed to full_name      (needs --rename customers.name=full_name)
--   customers gets a phone column               (add a column)
--   products gets an index on sku               (add an index)
--   orders.placed_at becomes NOT NULL           (a NOT NULL change, with a default)
--   orders.customer_id references customers     (add a foreign key)
--   order_items is new                          (a new table)
--   customer_order_counts is new                (a view)

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE UNIQUE INDEX customers_email_key ON customers (email);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  title TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  description TEXT
);

CREATE UNIQUE INDEX products_sku_key ON products (sku);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  status TEXT NOT NULL DEFAULT 'new',
  placed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products (id),
  quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
  price_cents INTEGER NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

CREATE VIEW customer_order_counts AS
  SELECT c.id AS customer_id, c.full_name, count(o.id) AS orders
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.full_name;
