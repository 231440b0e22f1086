import { DataSource } from "typeorm";
import { User } from "./entity/User";
import { Profile } from "./entity/Profile";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [User, Profile],
});
