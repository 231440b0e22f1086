import { DataSource } from "typeorm";
import { Person } from "./person.entity";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Person],
});
