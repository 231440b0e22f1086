import { Entity, Column, ManyToOne } from "typeorm";
import { Named } from "../common/base.entity";
import { Shop } from "./shop.entity";

@Entity("products")
export class Product extends Named {
  @Column({ length: 100 })
  name: string;

  @Column({ type: "int", default: 0 })
  stock: number;

  @ManyToOne(() => Shop, (shop) => shop.products)
  shop: Shop;
}
