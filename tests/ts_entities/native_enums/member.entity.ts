import { Entity, Column, PrimaryGeneratedColumn } from "typeorm";

export enum Role {
  Admin = "admin",
  Editor = "editor",
  Viewer = "viewer",
}

@Entity()
export class Member {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "enum", enum: Role, default: Role.Viewer })
  role: Role;

  @Column({ type: "enum", enum: Role, enumName: "member_role", nullable: true })
  formerRole: Role;
}
