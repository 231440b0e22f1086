import { Entity, Column, ManyToOne, Index } from "typeorm";
import { Base } from "./base";
import { Customer } from "./customer.entity";

export enum OrderStatus {
  Pending = "pending",
  Paid = "paid",
  Shipped = "shipped",
  Cancelled = "cancelled",
}

@Entity()
export class Order extends Base {
  @ManyToOne(() => Customer, (customer) => customer.orders, { onDelete: "CASCADE", nullable: false })
  customer: Customer;

  @Index()
  @Column({ type: "simple-enum", enum: OrderStatus, default: OrderStatus.Pending })
  status: OrderStatus;

  @Column({ type: "int", default: 0 })
  totalCents: number;

  @Index()
  @Column({ nullable: true })
  shippedAt: Date;
}
