import { DataSource } from "typeorm";
import { Post } from "./entity/Post";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Post],
});
