import { Entity, Column, OneToMany } from "typeorm";
import { Base } from "./base";
import { Order } from "./order.entity";

@Entity()
export class Customer extends Base {
  @Column({ length: 100 })
  fullName: string;

  @Column({ unique: true })
  email: string;

  @Column({ length: 20, default: "" })
  phone: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders: Order[];
}
