import { Entity, Column, PrimaryGeneratedColumn, ManyToOne } from "typeorm";

@Entity()
export class Account {
  @PrimaryGeneratedColumn("uuid")
  id: string;

  @Column({ unique: true })
  email: string;
}

@Entity()
export class Session {
  @PrimaryGeneratedColumn("increment")
  id: number;

  @ManyToOne(() => Account, { onDelete: "CASCADE", nullable: false })
  account: Account;
}
