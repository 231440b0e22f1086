import { DataSource } from "typeorm";
import path from "path";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [path.join(__dirname, "modules", "**", "*.entity.{ts,js}")],
  migrations: [__dirname + "/migrations/*.ts"],
});
