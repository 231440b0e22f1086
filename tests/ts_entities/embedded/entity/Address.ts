import { Column } from "typeorm";

export class Address {
  @Column()
  street: string;

  @Column({ length: 10, nullable: true })
  postalCode: string;
}
