import { Entity, Column, PrimaryGeneratedColumn, ManyToOne } from "typeorm";
import { User } from "../users/user.entity";

@Entity("invoices")
export class Invoice {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "decimal", precision: 12, scale: 2 })
  total: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  user: User;
}
