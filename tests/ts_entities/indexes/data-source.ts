import { DataSource } from "typeorm";
import { Event } from "./entity/Event";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Event],
});
