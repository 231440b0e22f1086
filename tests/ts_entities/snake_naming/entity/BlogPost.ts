import { Entity, Column, PrimaryGeneratedColumn, ManyToOne, ManyToMany, JoinTable, Index, CreateDateColumn } from "typeorm";
import { BlogAuthor } from "./BlogAuthor";

class Seo {
  @Column({ nullable: true })
  metaTitle: string;
}

@Entity()
export class BlogPost {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column()
  headLine: string;

  @CreateDateColumn()
  publishedAt: Date;

  @Column(() => Seo)
  seoData: Seo;

  @ManyToOne(() => BlogAuthor)
  mainAuthor: BlogAuthor;

  @ManyToMany(() => BlogAuthor)
  @JoinTable()
  coAuthors: BlogAuthor[];
}
