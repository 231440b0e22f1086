import { PrimaryGeneratedColumn, CreateDateColumn } from "typeorm";

/** Every table's key and creation time. Not an entity: it has no table of its own. */
export abstract class Base {
  @PrimaryGeneratedColumn()
  id: number;

  @CreateDateColumn()
  createdAt: Date;
}
