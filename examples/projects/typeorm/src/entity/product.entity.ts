import { Entity, Column, ManyToMany, JoinTable } from "typeorm";
import { Base } from "./base";
import { Tag } from "./tag.entity";

@Entity()
export class Product extends Base {
  @Column({ length: 200 })
  title: string;

  @Column({ type: "decimal", precision: 10, scale: 2 })
  price: string;

  @ManyToMany(() => Tag)
  @JoinTable()
  tags: Tag[];
}
