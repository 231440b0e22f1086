import { DataSource } from "typeorm";
import { Ticket } from "./ticket.entity";

export const AppDataSource = new DataSource({
  type: "postgres",
  entities: [Ticket],
});
