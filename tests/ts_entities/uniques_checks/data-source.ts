import { DataSource } from "typeorm";
import { Item } from "./entity/Item";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Item],
});
