import { DataSource } from "typeorm";
import { Member } from "./member.entity";

export const AppDataSource = new DataSource({
  type: "postgres",
  entities: [Member],
});
