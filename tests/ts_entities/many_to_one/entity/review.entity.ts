import { Entity, Column, PrimaryGeneratedColumn, ManyToOne, JoinColumn } from "typeorm";
import { Book } from "./book.entity";

@Entity()
export class Review {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ nullable: true })
  bookId: number;

  @ManyToOne("Book", { onDelete: "SET NULL" })
  @JoinColumn({ name: "bookId" })
  book: Book;
}
