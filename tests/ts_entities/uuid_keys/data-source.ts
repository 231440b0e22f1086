import { DataSource } from "typeorm";
import { Account, Session } from "./entities";

export const dataSource = new DataSource({
  type: "better-sqlite3",
  database: ":memory:",
  entities: [Account, Session],
});
