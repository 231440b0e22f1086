-- What the library migrations build on MySQL/MariaDB: increments() is an unsigned
-- auto-increment key, tables are InnoDB in the server's utf8mb4 collation, and InnoDB indexes the foreign key column under the constraint's name.
CREATE TABLE authors (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(50) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
CREATE TABLE books (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title varchar(100) NOT NULL,
  author_id int unsigned NOT NULL,
  pages int NOT NULL DEFAULT 0,
  summary text,
  KEY books_author_id_foreign (author_id),
  KEY books_title_idx (title),
  CONSTRAINT books_author_id_foreign FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
