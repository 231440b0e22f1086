import { DataSource } from "typeorm";
import { SnakeNamingStrategy } from "typeorm-naming-strategies";
import { BlogPost } from "./entity/BlogPost";
import { BlogAuthor } from "./entity/BlogAuthor";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [BlogPost, BlogAuthor],
  namingStrategy: new SnakeNamingStrategy(),
});
