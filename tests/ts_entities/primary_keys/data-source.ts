import { DataSource } from "typeorm";
import { Country } from "./entity/Country";
import { Membership } from "./entity/Membership";

export default new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Country, Membership],
});
