import { Entity, Column, PrimaryColumn } from "typeorm";

@Entity()
export class Country {
  @PrimaryColumn({ length: 2 })
  code: string;

  @Column({ length: 80 })
  name: string;
}
