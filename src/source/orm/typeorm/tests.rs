//! The DDL per dialect against what TypeORM itself generated (../shared/fixtures/typeorm: the
//! same entities as EntitySchema objects there, written here as decorated classes).

use super::*;

fn settings(dialect: Dialect) -> Settings {
    Settings {
        dialect,
        mariadb: dialect == Dialect::Mysql,
        naming: Naming::Default,
        pgcrypto: false,
    }
}

fn ddl(dialect: Dialect, files: &[(&str, &str)]) -> String {
    ddl_of_files(files, &settings(dialect)).unwrap_or_else(|e| panic!("{e}"))
}

const AUTHOR: &str = "import { Entity, Column, PrimaryGeneratedColumn, OneToMany } from 'typeorm';\n\
    import { Book } from './book';\n\
    @Entity('author')\n\
    export class Author {\n\
      @PrimaryGeneratedColumn() id: number;\n\
      @Column({ length: 50, unique: true }) name: string;\n\
      @OneToMany(() => Book, (b) => b.author) books: Book[];\n\
    }\n";

const BOOK: &str = "import { Entity, Column, PrimaryGeneratedColumn, ManyToOne, JoinColumn, Index } from 'typeorm';\n\
    import { Author } from './author';\n\
    @Entity('book')\n\
    export class Book {\n\
      @PrimaryGeneratedColumn() id: number;\n\
      @Index('book_title_idx') @Column({ type: 'varchar', length: 50 }) title: string;\n\
      @Column('int') pages: number;\n\
      @ManyToOne(() => Author, (a) => a.books, { onDelete: 'CASCADE' })\n\
      @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'book_author_id_fkey' })\n\
      author: Author;\n\
    }\n";

#[test]
fn postgres_ddl_matches_the_fixture_statements() {
    let sql = ddl(
        Dialect::Postgres,
        &[("author.ts", AUTHOR), ("book.ts", BOOK)],
    );
    // 07_add_unique and the base table of every fixture.
    assert!(
        sql.contains("CONSTRAINT \"UQ_d3962fd11a54d87f927e84d1080\" UNIQUE (\"name\")"),
        "{sql}"
    );
    assert!(sql.contains("\"id\" SERIAL NOT NULL"), "{sql}");
    assert!(
        sql.contains("\"name\" character varying(50) NOT NULL"),
        "{sql}"
    );
    // 08_add_foreign_key: a nullable integer column, the given constraint name.
    assert!(
        sql.contains("\"author_id\" integer, ") || sql.contains("\"author_id\" integer)"),
        "{sql}"
    );
    assert!(sql.contains(
        "CONSTRAINT \"book_author_id_fkey\" FOREIGN KEY (\"author_id\") REFERENCES \"author\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION"
    ), "{sql}");
    // 06_add_index.
    assert!(
        sql.contains("CREATE INDEX \"book_title_idx\" ON \"book\" (\"title\")"),
        "{sql}"
    );
    let pk = naming::primary_key_name("author", &["id".to_string()]);
    assert!(
        sql.contains(&format!("CONSTRAINT \"{pk}\" PRIMARY KEY (\"id\")")),
        "{sql}"
    );
}

#[test]
fn mysql_ddl_keeps_uniques_as_indexes_named_like_the_fixture() {
    let sql = ddl(Dialect::Mysql, &[("author.ts", AUTHOR), ("book.ts", BOOK)]);
    assert!(
        sql.contains("CREATE UNIQUE INDEX `IDX_d3962fd11a54d87f927e84d108` ON `author` (`name`)"),
        "{sql}"
    );
    assert!(sql.contains("`id` int NOT NULL AUTO_INCREMENT"), "{sql}");
    assert!(sql.contains("`author_id` int NULL"), "{sql}");
    assert!(sql.contains("ENGINE=InnoDB"), "{sql}");
}

#[test]
fn sqlite_ddl_matches_the_fixture_table() {
    let sql = ddl(Dialect::Sqlite, &[("author.ts", AUTHOR), ("book.ts", BOOK)]);
    // The rebuilt table of 08_add_foreign_key, in TypeORM's own words.
    assert!(sql.contains("\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL, \"title\" varchar(50) NOT NULL, \"pages\" integer NOT NULL, \"author_id\" integer"), "{sql}");
    assert!(sql.contains("CONSTRAINT \"book_author_id_fkey\" FOREIGN KEY (\"author_id\") REFERENCES \"author\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION"), "{sql}");
}

#[test]
fn many_to_many_enums_embedded_and_inheritance() {
    let base = "import { PrimaryGeneratedColumn, CreateDateColumn } from 'typeorm';\n\
        export abstract class Base {\n  @PrimaryGeneratedColumn() id: number;\n  @CreateDateColumn() createdAt: Date;\n}\n";
    let name = "import { Column } from 'typeorm';\nexport class Name {\n  @Column() first: string;\n  @Column({ nullable: true }) lastName: string;\n}\n";
    let question = "import { Entity, Column, ManyToMany, JoinTable } from 'typeorm';\n\
        import { Base } from './base';\nimport { Name } from './name';\nimport { Category } from './category';\n\
        export enum Level { Low = 'low', High = 'high' }\n\
        @Entity()\nexport class Question extends Base {\n\
          @Column({ type: 'enum', enum: Level, default: Level.Low }) level: Level;\n\
          @Column(() => Name) author: Name;\n\
          @ManyToMany(() => Category) @JoinTable() categories: Category[];\n}\n";
    let category = "import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\
        @Entity()\nexport class Category { @PrimaryGeneratedColumn() id: number; }\n";
    let files = [
        ("base.ts", base),
        ("name.ts", name),
        ("question.ts", question),
        ("category.ts", category),
    ];
    let sql = ddl(Dialect::Postgres, &files);
    assert!(
        sql.contains("CREATE TYPE \"question_level_enum\" AS ENUM ('low', 'high');"),
        "{sql}"
    );
    assert!(
        sql.contains("\"createdAt\" TIMESTAMP NOT NULL DEFAULT now()"),
        "{sql}"
    );
    assert!(
        sql.contains("\"authorFirst\" character varying NOT NULL"),
        "{sql}"
    );
    assert!(
        sql.contains("\"authorLastname\" character varying,"),
        "{sql}"
    );
    assert!(sql.contains("CREATE TABLE \"question_categories_category\" (\"questionId\" integer NOT NULL, \"categoryId\" integer NOT NULL"), "{sql}");
    let idx = naming::index_name(
        "question_categories_category",
        &["questionId".to_string()],
        None,
    );
    assert!(sql.contains(&format!("CREATE INDEX \"{idx}\"")), "{sql}");
    assert!(
        sql.contains("REFERENCES \"question\" (\"id\") ON DELETE CASCADE ON UPDATE CASCADE"),
        "{sql}"
    );
    // TypeORM's SQLite driver has no `enum` (only `simple-enum`): the validator refuses it.
    let error = ddl_of_files(&files, &settings(Dialect::Sqlite))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("question.ts:8:17: unknown column type \"enum\""),
        "{error}"
    );
    let simple = question.replace("type: 'enum'", "type: 'simple-enum'");
    let files = [
        ("base.ts", base),
        ("name.ts", name),
        ("question.ts", &simple),
        ("category.ts", category),
    ];
    let sql = ddl(Dialect::Sqlite, &files);
    assert!(
        sql.contains(
            "\"level\" varchar CHECK( \"level\" IN ('low','high') ) NOT NULL DEFAULT ('low')"
        ),
        "{sql}"
    );
    let sql = ddl(Dialect::Mysql, &files);
    assert!(
        sql.contains("`level` enum ('low', 'high') NOT NULL DEFAULT 'low'"),
        "{sql}"
    );
    assert!(
        sql.contains("`createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"),
        "{sql}"
    );
}

#[test]
fn bad_input_is_reported_at_the_entity() {
    let unknown = "import { Entity, Column, PrimaryGeneratedColumn } from 'typeorm';\n\
        @Entity()\nexport class T {\n  @PrimaryGeneratedColumn() id: number;\n  @Column({ type: 'varchr' }) name: string;\n}\n";
    let error = ddl_of_files(&[("t.ts", unknown)], &settings(Dialect::Postgres))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("t.ts:5:19: unknown column type \"varchr\""),
        "{error}"
    );
    let missing = "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\n\
        @Entity()\nexport class T {\n  @PrimaryGeneratedColumn() id: number;\n  @ManyToOne(() => Ghost) ghost: Ghost;\n}\n";
    let error = ddl_of_files(&[("t.ts", missing)], &settings(Dialect::Sqlite))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("t.ts:5:14: relation `ghost` points at `Ghost`"),
        "{error}"
    );
    let union = "import { Entity, Column, PrimaryColumn } from 'typeorm';\n\
        @Entity()\nexport class T {\n  @PrimaryColumn() id: number;\n  @Column() name: string | null;\n}\n";
    let error = ddl_of_files(&[("t.ts", union)], &settings(Dialect::Sqlite))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("t.ts:5:13: ") && error.contains("--exact"),
        "{error}"
    );
}
