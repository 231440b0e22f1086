import { DataSource } from "typeorm";
import { Content, Photo, Video } from "./content";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "app.sqlite",
  entities: [Content, Photo, Video],
});
