import { DataSource } from "typeorm";
import { Customer } from "./entity/Customer";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Customer],
});
