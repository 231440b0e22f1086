-- The shop schema as it is in production today (PostgreSQL).

CREATE TABLE customers (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
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

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  status varchar(16) NOT NULL DEFAULT 'new',
  placed_at timestamptz
);
