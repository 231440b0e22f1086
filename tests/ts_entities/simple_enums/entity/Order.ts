import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";
import { Status } from "./status";

@Entity()
export class Order {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "simple-enum", enum: Status, default: Status.Pending })
  status: Status;

  @Column({ type: "simple-enum", enum: ["low", "high"], nullable: true })
  priority: string;
}
