import { Entity, Column, PrimaryGeneratedColumn, ManyToMany, ManyToOne, JoinTable } from "typeorm";

@Entity()
export class Person {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  name: string;

  @ManyToOne(() => Person, { nullable: true })
  manager: Person;

  @ManyToMany(() => Person)
  @JoinTable()
  friends: Person[];
}
