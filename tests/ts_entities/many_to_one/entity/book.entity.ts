import { Entity, Column, PrimaryGeneratedColumn, ManyToOne, JoinColumn } from "typeorm";
import { Author } from "./author.entity";

@Entity()
export class Book {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ length: 50 })
  title: string;

  @ManyToOne(() => Author, (author) => author.books, { onDelete: "CASCADE" })
  author: Author;

  @ManyToOne(() => Author, { nullable: false, onDelete: "RESTRICT", onUpdate: "CASCADE" })
  @JoinColumn({ name: "editor_id" })
  editor: Author;
}
