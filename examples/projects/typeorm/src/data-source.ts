import "reflect-metadata";
import { DataSource } from "typeorm";
import { Customer } from "./entity/customer.entity";
import { Order } from "./entity/order.entity";
import { Product } from "./entity/product.entity";
import { Tag } from "./entity/tag.entity";

export const AppDataSource = new DataSource({
  type: "better-sqlite3",
  database: "shop.sqlite",
  entities: [Customer, Order, Product, Tag],
  migrations: ["db/migrations/*.ts"],
  synchronize: false,
});
