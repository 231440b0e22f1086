import { DataSource } from "typeorm";
import { Author } from "./entity/author.entity";
import { Book } from "./entity/book.entity";
import { Review } from "./entity/review.entity";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Author, Book, Review],
});
