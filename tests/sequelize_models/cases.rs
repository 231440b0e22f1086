//! The model sets of tests/sequelize_models.rs: each case is the files of a `models/` folder
//! (sequelize-cli factories, `init` classes, ESM/TypeScript modules or sequelize-typescript
//! classes) and the dialects it is for.

use migen::model::Dialect;

pub struct Case {
    pub name: &'static str,
    pub files: Vec<(&'static str, &'static str)>,
    pub only: &'static [Dialect],
}

const ALL: &[Dialect] = &[Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];
const POSTGRES: &[Dialect] = &[Dialect::Postgres];
const SERVERS: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql];

fn case(name: &'static str, files: &[(&'static str, &'static str)]) -> Case {
    Case {
        name,
        files: files.to_vec(),
        only: ALL,
    }
}

fn only(dialects: &'static [Dialect], mut case: Case) -> Case {
    case.only = dialects;
    case
}

const USER_DEFINE: &str = r#"module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define("User", {
    name: DataTypes.STRING,
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
  });
  return User;
};
"#;

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "define_basic_types",
            &[(
                "thing.js",
                r#"module.exports = (sequelize, DataTypes) => {
  return sequelize.define("Thing", {
    title: DataTypes.STRING,
    body: DataTypes.TEXT,
    count: DataTypes.INTEGER,
    active: DataTypes.BOOLEAN,
    seenAt: DataTypes.DATE,
    born: DataTypes.DATEONLY,
  });
};
"#,
            )],
        ),
        case(
            "init_class_cli_template",
            &[(
                "user.js",
                r#"'use strict';
const { Model } = require('sequelize');
module.exports = (sequelize, DataTypes) => {
  class User extends Model {
    static associate(models) {
      // define association here
    }
  }
  User.init({
    firstName: DataTypes.STRING,
    lastName: DataTypes.STRING,
    email: DataTypes.STRING
  }, {
    sequelize,
    modelName: 'User',
  });
  return User;
};
"#,
            )],
        ),
        case(
            "string_lengths",
            &[(
                "code.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Code", {
    short: DataTypes.STRING(50),
    fixed: DataTypes.CHAR(10),
    plain: { type: DataTypes.STRING },
    long: { type: DataTypes.STRING(1000), allowNull: false },
  });
"#,
            )],
        ),
        case(
            "numeric_types",
            &[(
                "price.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Price", {
    big: DataTypes.BIGINT,
    amount: DataTypes.DECIMAL(10, 2),
    ratio: DataTypes.FLOAT,
    precise: DataTypes.DOUBLE,
    small: DataTypes.SMALLINT,
  });
"#,
            )],
        ),
        only(
            &[Dialect::Sqlite, Dialect::Mysql],
            case(
                "unsigned_integers",
                &[(
                    "counter.js",
                    r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Counter", {
    hits: DataTypes.INTEGER.UNSIGNED,
    total: { type: DataTypes.BIGINT.UNSIGNED, allowNull: false, defaultValue: 0 },
  });
"#,
                )],
            ),
        ),
        case(
            "json_column",
            &[(
                "setting.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Setting", { data: DataTypes.JSON, key: { type: DataTypes.STRING(64), allowNull: false } });
"#,
            )],
        ),
        only(
            POSTGRES,
            case(
                "jsonb_and_arrays",
                &[(
                    "doc.js",
                    r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Doc", {
    meta: DataTypes.JSONB,
    tags: DataTypes.ARRAY(DataTypes.TEXT),
    scores: DataTypes.ARRAY(DataTypes.INTEGER),
  });
"#,
                )],
            ),
        ),
        case(
            "uuid_primary_key",
            &[(
                "token.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Token", {
    id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
    value: { type: DataTypes.STRING, allowNull: false },
  });
"#,
            )],
        ),
        case(
            "enum_column",
            &[(
                "order.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Order", {
    status: { type: DataTypes.ENUM("pending", "paid", "shipped"), allowNull: false, defaultValue: "pending" },
    kind: DataTypes.ENUM(["a", "b"]),
  });
"#,
            )],
        ),
        case(
            "blob_column",
            &[(
                "file.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("File", { content: DataTypes.BLOB, name: DataTypes.STRING });
"#,
            )],
        ),
        case(
            "literal_defaults",
            &[(
                "account.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Account", {
    plan: { type: DataTypes.STRING, defaultValue: "free" },
    credits: { type: DataTypes.INTEGER, defaultValue: 10 },
    verified: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    joinedAt: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
    ref: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4 },
    code: { type: DataTypes.STRING, defaultValue: () => "x" },
  });
"#,
            )],
        ),
        case(
            "sql_defaults",
            &[(
                "event.js",
                r#"const { Sequelize } = require("sequelize");
module.exports = (sequelize, DataTypes) =>
  sequelize.define("Event", {
    happenedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal("CURRENT_TIMESTAMP") },
  });
"#,
            )],
        ),
        only(
            POSTGRES,
            case(
                "fn_default",
                &[(
                    "event.js",
                    r#"const { Sequelize } = require("sequelize");
module.exports = (sequelize, DataTypes) =>
  sequelize.define("Event", { at: { type: DataTypes.DATE, defaultValue: Sequelize.fn("now") } });
"#,
                )],
            ),
        ),
        case(
            "field_names",
            &[(
                "person.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Person", {
    email: { type: DataTypes.STRING, field: "email_address" },
    fullName: { type: DataTypes.STRING(120), field: "full_name", allowNull: false },
  });
"#,
            )],
        ),
        only(
            SERVERS,
            case(
                "column_comments",
                &[(
                    "note.js",
                    r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Note", { body: { type: DataTypes.TEXT, comment: "the note's text" } });
"#,
                )],
            ),
        ),
        case(
            "underscored_with_keys",
            &[
                (
                    "author.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const BookAuthor = sequelize.define("BookAuthor", { firstName: DataTypes.STRING }, { underscored: true });
  BookAuthor.associate = (models) => { BookAuthor.hasMany(models.Book); };
  return BookAuthor;
};
"#,
                ),
                (
                    "book.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Book = sequelize.define("Book", { pageCount: DataTypes.INTEGER }, { underscored: true });
  return Book;
};
"#,
                ),
            ],
        ),
        case(
            "freeze_and_table_name",
            &[(
                "models.js",
                r#"module.exports = (sequelize, DataTypes) => {
  sequelize.define("Person", { name: DataTypes.STRING }, { freezeTableName: true });
  sequelize.define("Category", { name: DataTypes.STRING });
  sequelize.define("Address", { line: DataTypes.STRING }, { tableName: "postal_addresses" });
  return sequelize.define("Status", { label: DataTypes.STRING });
};
"#,
            )],
        ),
        case(
            "timestamps_off_and_renamed",
            &[(
                "log.js",
                r#"module.exports = (sequelize, DataTypes) => {
  sequelize.define("Log", { line: DataTypes.TEXT }, { timestamps: false });
  return sequelize.define("Entry", { line: DataTypes.TEXT }, { createdAt: "created", updatedAt: false });
};
"#,
            )],
        ),
        case(
            "paranoid_and_version",
            &[(
                "post.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Post", { title: DataTypes.STRING }, { paranoid: true, version: true, underscored: true });
"#,
            )],
        ),
        case(
            "named_composite_unique",
            &[(
                "seat.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Seat", {
    row: { type: DataTypes.STRING(4), unique: "seat_position" },
    number: { type: DataTypes.INTEGER, unique: "seat_position" },
    code: { type: DataTypes.STRING(12), unique: true },
  });
"#,
            )],
        ),
        case(
            "indexes",
            &[(
                "member.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Member", {
    name: DataTypes.STRING,
    active: DataTypes.BOOLEAN,
    email: DataTypes.STRING,
  }, {
    indexes: [
      { fields: ["name", "active"] },
      { unique: true, fields: ["email"], name: "members_email_idx" },
    ],
  });
"#,
            )],
        ),
        case(
            "belongs_to_with_alias",
            &[
                ("user.js", USER_DEFINE),
                (
                    "post.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Post = sequelize.define("Post", { title: DataTypes.STRING });
  Post.associate = function (models) {
    Post.belongsTo(models.User, { as: "author" });
    Post.belongsTo(models.User, { as: "editor", onDelete: "CASCADE" });
  };
  return Post;
};
"#,
                ),
            ],
        ),
        case(
            "has_many_with_foreign_key",
            &[
                (
                    "user.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define("User", { name: DataTypes.STRING });
  User.associate = (models) => {
    User.hasMany(models.Task, { foreignKey: "ownerId" });
    User.hasMany(models.Comment);
  };
  return User;
};
"#,
                ),
                (
                    "task.js",
                    r#"module.exports = (sequelize, DataTypes) => sequelize.define("Task", { title: DataTypes.STRING });
"#,
                ),
                (
                    "comment.js",
                    r#"module.exports = (sequelize, DataTypes) => sequelize.define("Comment", { body: DataTypes.TEXT });
"#,
                ),
            ],
        ),
        case(
            "has_one",
            &[
                (
                    "user.js",
                    r#"const { Model } = require("sequelize");
module.exports = (sequelize, DataTypes) => {
  class User extends Model {
    static associate(models) {
      this.hasOne(models.Profile);
    }
  }
  User.init({ name: DataTypes.STRING }, { sequelize, modelName: "User" });
  return User;
};
"#,
                ),
                (
                    "profile.js",
                    r#"const { Model } = require("sequelize");
module.exports = (sequelize, DataTypes) => {
  class Profile extends Model {}
  Profile.init({ bio: DataTypes.TEXT }, { sequelize, modelName: "Profile" });
  return Profile;
};
"#,
                ),
            ],
        ),
        case(
            "foreign_key_object_not_null",
            &[
                ("user.js", USER_DEFINE),
                (
                    "invoice.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Invoice = sequelize.define("Invoice", { total: DataTypes.DECIMAL(12, 2) });
  Invoice.associate = (models) => {
    Invoice.belongsTo(models.User, { foreignKey: { name: "customerId", allowNull: false } });
    models.User.hasMany(Invoice, { foreignKey: { name: "customerId", allowNull: false } });
  };
  return Invoice;
};
"#,
                ),
            ],
        ),
        case(
            "belongs_to_many_through_name",
            &[
                (
                    "user.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define("User", { name: DataTypes.STRING });
  User.associate = (models) => { User.belongsToMany(models.Tag, { through: "UserTags" }); };
  return User;
};
"#,
                ),
                (
                    "tag.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Tag = sequelize.define("Tag", { label: DataTypes.STRING });
  Tag.associate = (models) => { Tag.belongsToMany(models.User, { through: "UserTags" }); };
  return Tag;
};
"#,
                ),
            ],
        ),
        case(
            "belongs_to_many_through_model",
            &[
                (
                    "student.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Student = sequelize.define("Student", { name: DataTypes.STRING });
  Student.associate = (models) => {
    Student.belongsToMany(models.Course, { through: models.Enrollment });
    models.Course.belongsToMany(Student, { through: models.Enrollment });
  };
  return Student;
};
"#,
                ),
                (
                    "course.js",
                    r#"module.exports = (sequelize, DataTypes) => sequelize.define("Course", { title: DataTypes.STRING });
"#,
                ),
                (
                    "enrollment.js",
                    r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Enrollment", { grade: DataTypes.STRING(2) }, { timestamps: false });
"#,
                ),
            ],
        ),
        case(
            "target_key_and_source_key",
            &[
                ("user.js", USER_DEFINE),
                (
                    "login.js",
                    r#"module.exports = (sequelize, DataTypes) => {
  const Login = sequelize.define("Login", { at: DataTypes.DATE });
  Login.associate = (models) => {
    Login.belongsTo(models.User, { foreignKey: "userEmail", targetKey: "email" });
    models.User.hasMany(models.Login, { foreignKey: "ownerEmail", sourceKey: "email" });
  };
  return Login;
};
"#,
                ),
            ],
        ),
        case(
            "references_attribute",
            &[
                ("user.js", USER_DEFINE),
                (
                    "session.js",
                    r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Session", {
    userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: "Users", key: "id" }, onDelete: "CASCADE", onUpdate: "CASCADE" },
  });
"#,
                ),
            ],
        ),
        case(
            "self_association",
            &[(
                "employee.js",
                r#"module.exports = (sequelize, DataTypes) => {
  const Employee = sequelize.define("Employee", { name: DataTypes.STRING });
  Employee.associate = () => {
    Employee.belongsTo(Employee, { as: "manager" });
    Employee.hasMany(Employee, { as: "reports", foreignKey: "managerId" });
  };
  return Employee;
};
"#,
            )],
        ),
        case(
            "typescript_init_modules",
            &[
                (
                    "db.ts",
                    r#"import { Sequelize } from "sequelize";
export const sequelize = new Sequelize("sqlite::memory:", { logging: false });
"#,
                ),
                (
                    "user.ts",
                    r#"import { DataTypes, Model } from "sequelize";
import { sequelize } from "./db";

export class User extends Model {
  declare id: number;
  declare name: string;
}

User.init(
  {
    name: { type: DataTypes.STRING(80), allowNull: false },
    role: { type: DataTypes.ENUM("admin", "member"), defaultValue: "member" },
  },
  { sequelize, tableName: "users", underscored: true },
);
"#,
                ),
                (
                    "post.ts",
                    r#"import { DataTypes, Model } from "sequelize";
import { sequelize } from "./db";
import { User } from "./user";

export class Post extends Model {}

Post.init({ title: DataTypes.STRING, publishedAt: DataTypes.DATE }, { sequelize, modelName: "post", underscored: true });

Post.belongsTo(User);
User.hasMany(Post);
"#,
                ),
            ],
        ),
        case(
            "typescript_decorators",
            &[
                (
                    "user.ts",
                    r#"import { Table, Column, Model, DataType, PrimaryKey, AutoIncrement, AllowNull, Unique, Default, HasMany, CreatedAt, UpdatedAt, DeletedAt } from "sequelize-typescript";
import { Post } from "./post";

@Table({ tableName: "people", paranoid: true })
export class User extends Model {
  @PrimaryKey
  @AutoIncrement
  @Column
  id!: number;

  @AllowNull(false)
  @Unique
  @Column(DataType.STRING(100))
  email!: string;

  @Default(true)
  @Column
  active!: boolean;

  @Column({ type: DataType.TEXT, comment: undefined })
  bio?: string;

  @CreatedAt
  joined!: Date;

  @UpdatedAt
  changed!: Date;

  @DeletedAt
  removed?: Date;

  @HasMany(() => Post)
  posts!: Post[];
}
"#,
                ),
                (
                    "post.ts",
                    r#"import { Table, Column, Model, DataType, ForeignKey, BelongsTo, AllowNull } from "sequelize-typescript";
import { User } from "./user";

@Table
export class Post extends Model {
  @Column(DataType.STRING)
  title!: string;

  @AllowNull(false)
  @ForeignKey(() => User)
  @Column
  userId!: number;

  @BelongsTo(() => User)
  user!: User;
}
"#,
                ),
            ],
        ),
        case(
            "typescript_decorators_many_to_many",
            &[
                (
                    "book.ts",
                    r#"import { Table, Column, Model, BelongsToMany } from "sequelize-typescript";
import { Genre } from "./genre";
import { BookGenre } from "./book-genre";

@Table({ timestamps: false })
export class Book extends Model {
  @Column
  title!: string;

  @BelongsToMany(() => Genre, () => BookGenre)
  genres!: Genre[];
}
"#,
                ),
                (
                    "genre.ts",
                    r#"import { Table, Column, Model, BelongsToMany } from "sequelize-typescript";
import { Book } from "./book";
import { BookGenre } from "./book-genre";

@Table({ timestamps: false })
export class Genre extends Model {
  @Column
  name!: string;

  @BelongsToMany(() => Book, () => BookGenre)
  books!: Book[];
}
"#,
                ),
                (
                    "book-genre.ts",
                    r#"import { Table, Column, Model, ForeignKey } from "sequelize-typescript";
import { Book } from "./book";
import { Genre } from "./genre";

@Table({ timestamps: false })
export class BookGenre extends Model {
  @ForeignKey(() => Book)
  @Column
  bookId!: number;

  @ForeignKey(() => Genre)
  @Column
  genreId!: number;
}
"#,
                ),
            ],
        ),
        case(
            "spread_shared_attributes",
            &[(
                "audit.js",
                r#"const audited = (DataTypes) => ({ createdBy: { type: DataTypes.STRING(40), allowNull: false } });
module.exports = (sequelize, DataTypes) => {
  const common = { note: DataTypes.TEXT };
  return sequelize.define("Audit", { ...common, action: DataTypes.STRING }, { timestamps: false });
};
"#,
            )],
        ),
        // Sequelize 6 writes `fn()` defaults as SQL calls (SQLite refuses a call there
        // without parentheses, so sync() cannot build this there).
        only(
            SERVERS,
            case(
                "function_defaults_with_arguments",
                &[(
                    "slug.js",
                    r#"const { Sequelize } = require("sequelize");
module.exports = (sequelize, DataTypes) =>
  sequelize.define("Slug", {
    code: { type: DataTypes.STRING(20), defaultValue: Sequelize.fn("lower", "ABC") },
    label: { type: DataTypes.STRING, defaultValue: Sequelize.fn("concat", "it's ", Sequelize.fn("upper", "y")) },
    size: { type: DataTypes.INTEGER, defaultValue: Sequelize.fn("abs", -5) },
  }, { timestamps: false });
"#,
                )],
            ),
        ),
        // Sequelize 6 makes no index of an attribute's `index: true` and no foreign key of
        // `onDelete`/`onUpdate` without `references`.
        case(
            "attribute_options_sync_ignores",
            &[(
                "probe.js",
                r#"module.exports = (sequelize, DataTypes) =>
  sequelize.define("Probe", {
    code: { type: DataTypes.STRING, index: true },
    ownerId: { type: DataTypes.INTEGER, onDelete: "CASCADE", onUpdate: "CASCADE" },
  });
"#,
            )],
        ),
    ]
}
