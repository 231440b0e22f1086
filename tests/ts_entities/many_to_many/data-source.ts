import { DataSource } from "typeorm";
import { Question } from "./entity/Question";
import { Category } from "./entity/Category";
import { Tag } from "./entity/Tag";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Question, Category, Tag],
});
