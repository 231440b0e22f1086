import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "products" })
export class Product {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @Column({ length: 120, nullable: true })
  subtitle: string;

  @Column("text")
  description: string;

  @Column()
  stock: number;

  @Column({ default: true })
  active: boolean;

  @Column()
  releasedAt: Date;

  @Column({ type: "decimal", precision: 10, scale: 2, default: 0 })
  price: string;

  @Column({ type: "bigint", nullable: true })
  views: string;

  @Column({ type: "varchar", length: 3, default: "EUR" })
  currency: string;

  @Column({ type: "int", default: 7 })
  rank: number;

  @Column({ type: "date", nullable: true })
  launchDay: string;
}
