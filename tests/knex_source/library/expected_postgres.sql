-- What the library migrations build on PostgreSQL: increments() is a serial primary key,
-- references() a constraint named <table>_<column>_foreign.
CREATE TABLE authors (
  id serial PRIMARY KEY,
  name varchar(50) NOT NULL
);
CREATE TABLE books (
  id serial PRIMARY KEY,
  title varchar(100) NOT NULL,
  author_id integer NOT NULL,
  pages integer NOT NULL DEFAULT 0,
  summary text,
  CONSTRAINT books_author_id_foreign FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE
);
CREATE INDEX books_title_idx ON books (title);
