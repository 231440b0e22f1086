-- The shop schema after the next release (MySQL / MariaDB). Same change as ../after.sql:
--   customers.name is renamed to full_name      (needs --rename customers.name=full_name)
--   customers gets a phone column               (add a column)
--   products gets an index on sku               (add an index)
--   orders.placed_at becomes NOT NULL           (a NOT NULL change, with a default)
--   orders.customer_id references customers     (add a foreign key)
--   order_items is new                          (a new table)
--   customer_order_counts is new                (a view)

CREATE TABLE customers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  full_name VARCHAR(200) NOT NULL,
  email VARCHAR(255) NOT NULL,
  phone VARCHAR(32) NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY customers_email_key (email)
);

CREATE TABLE products (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sku VARCHAR(32) NOT NULL,
  title VARCHAR(200) NOT NULL,
  price_cents INT NOT NULL,
  description TEXT,
  UNIQUE KEY products_sku_key (sku)
);

CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'new',
  placed_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY orders_customer_id_idx (customer_id),
  CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
);

CREATE TABLE order_items (
  order_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  quantity INT NOT NULL DEFAULT 1,
  price_cents INT NOT NULL,
  PRIMARY KEY (order_id, product_id),
  KEY order_items_product_id_idx (product_id),
  CONSTRAINT order_items_quantity_check CHECK (quantity > 0),
  CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);

CREATE VIEW customer_order_counts AS
  SELECT c.id AS customer_id, c.full_name, count(o.id) AS orders
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.full_name;
