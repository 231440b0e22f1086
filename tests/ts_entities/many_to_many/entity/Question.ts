import { Entity, Column, PrimaryGeneratedColumn, ManyToMany, JoinTable } from "typeorm";
import { Category } from "./Category";
import { Tag } from "./Tag";

@Entity()
export class Question {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;

  @ManyToMany(() => Category, (category) => category.questions)
  @JoinTable()
  categories: Category[];

  @ManyToMany(() => Tag, { onDelete: "NO ACTION" })
  @JoinTable({
    name: "question_tags",
    joinColumn: { name: "question_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "tag_code", referencedColumnName: "code" },
  })
  tags: Tag[];
}
