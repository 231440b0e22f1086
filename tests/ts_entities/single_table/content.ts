import { Entity, Column, PrimaryGeneratedColumn, TableInheritance, ChildEntity } from "typeorm";

@Entity()
@TableInheritance({ column: { type: "varchar", name: "type" } })
export class Content {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;
}

@ChildEntity()
export class Photo extends Content {
  @Column()
  size: number;
}

@ChildEntity()
export class Video extends Content {
  @Column()
  length: number;
}
