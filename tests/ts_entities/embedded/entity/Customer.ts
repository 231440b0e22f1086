import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";
import { Address } from "./Address";

class Name {
  @Column()
  first: string;

  @Column()
  last: string;
}

@Entity()
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  @Column(() => Name)
  name: Name;

  @Column(() => Address, { prefix: "ship" })
  shipping: Address;

  @Column(() => Address, { prefix: false })
  billing: Address;
}
