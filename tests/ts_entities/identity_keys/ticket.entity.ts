import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";

@Entity()
export class Ticket {
  @PrimaryGeneratedColumn("identity", { generatedIdentity: "ALWAYS" })
  id: number;

  @Column({ type: "timestamptz", default: () => "now()" })
  openedAt: Date;

  @Column({ type: "jsonb", nullable: true })
  payload: object;

  @Column("text", { array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ comment: "who opened it" })
  opener: string;
}
