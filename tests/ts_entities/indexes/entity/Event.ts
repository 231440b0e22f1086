import { Entity, Column, PrimaryGeneratedColumn, Index } from "typeorm";

@Entity()
@Index(["kind", "happenedAt"])
@Index("event_source_ref", ["source", "ref"], { unique: true })
export class Event {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column()
  kind: string;

  @Column()
  happenedAt: Date;

  @Column()
  source: string;

  @Column()
  ref: number;

  @Index({ unique: true })
  @Column({ length: 64 })
  fingerprint: string;

  @Index("event_named")
  @Column({ nullable: true })
  note: string;
}
