import { DataSource } from "typeorm";
import { Order } from "./entity/Order";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Order],
});
