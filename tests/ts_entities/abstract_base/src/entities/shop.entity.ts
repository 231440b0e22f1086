import { Entity, Column, OneToMany } from "typeorm";
import { Named } from "../common/base.entity";
import { Product } from "./product.entity";

@Entity("shops")
export class Shop extends Named {
  @Column({ nullable: true })
  city: string;

  @OneToMany(() => Product, (p) => p.shop)
  products: Product[];
}
