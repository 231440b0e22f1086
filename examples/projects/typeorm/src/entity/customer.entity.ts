import { Entity, Column, OneToMany } from "typeorm";
import { Base } from "./base";
import { Order } from "./order.entity";

@Entity()
export class Customer extends Base {
  @Column({ length: 100 })
  name: string;

  @Column({ unique: true })
  email: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders: Order[];
}
