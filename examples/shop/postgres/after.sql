-- The shop schema after the next release (PostgreSQL). Same change as ../after.sql:
--   customers.name is renamed to full_name      (needs --rename customers.name=full_name)
--   customers gets a phone column               (add a column)
--   products gets an index on sku               (add an index)
--   orders.placed_at becomes NOT NULL           (a NOT NULL change, with a default)
--   orders.customer_id references customers     (add a foreign key)
--   order_items is new                          (a new table)
--   customer_order_counts is new                (a view)

CREATE TABLE customers (
  id bigserial PRIMARY KEY,
  full_name text NOT NULL,
  email text NOT NULL,
  phone varchar(32),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX customers_email_key ON customers (email);

CREATE TABLE products (
  id bigserial PRIMARY KEY,
  sku varchar(32) NOT NULL,
  title text NOT NULL,
  price_cents integer NOT NULL,
  description text
);

CREATE UNIQUE INDEX products_sku_key ON products (sku);

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status varchar(16) NOT NULL DEFAULT 'new',
  placed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
  price_cents integer NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

CREATE VIEW customer_order_counts AS
  SELECT c.id AS customer_id, c.full_name, count(o.id) AS orders
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.full_name;
