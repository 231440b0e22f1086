import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";

@Entity()
export class BlogAuthor {
  @PrimaryGeneratedColumn()
  authorId: number;

  @Column()
  displayName: string;
}
