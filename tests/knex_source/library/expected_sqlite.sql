-- What the library migrations build on SQLite, written from Knex's documented mapping:
-- increments() is an autoincrementing integer key, string(n) varchar(n), references() an
-- inline foreign key.
CREATE TABLE authors (
  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  name varchar(50) NOT NULL
);
CREATE TABLE books (
  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  title varchar(100) NOT NULL,
  author_id integer NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
  pages integer NOT NULL DEFAULT '0',
  summary text
);
CREATE INDEX books_title_idx ON books (title);
