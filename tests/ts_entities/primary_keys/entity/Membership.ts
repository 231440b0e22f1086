import { Entity, Column, PrimaryColumn } from "typeorm";

@Entity()
export class Membership {
  @PrimaryColumn()
  userId: number;

  @PrimaryColumn()
  groupId: number;

  @Column({ default: "member" })
  role: string;
}
