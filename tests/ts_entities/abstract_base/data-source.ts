import { DataSource } from "typeorm";
import * as entities from "./src/entities";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: Object.values(entities),
});
