import { DataSource } from "typeorm";
import { Product } from "./entity/Product";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Product],
  synchronize: false,
});
