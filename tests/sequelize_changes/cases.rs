//! The model changes of tests/sequelize_changes.rs: a before and an after models folder as
//! sequelize-cli projects write them (`sequelize.define` factories, `class … extends Model` with
//! `Model.init` and `static associate`), the rows seeded into the before state, the rename
//! answers the change needs and the values its down cannot give back.

use migen::model::Dialect;
use serde_json::{Value, json};

pub struct Case {
    pub name: &'static str,
    pub before: Vec<(&'static str, String)>,
    pub after: Vec<(&'static str, String)>,
    /// `[[table, [row, …]], …]`, inserted in order with `queryInterface.bulkInsert`.
    pub seed: Value,
    /// `--rename` answers (`table.old=new`, `old=new`).
    pub renames: Vec<&'static str>,
    /// `table.column` (or `table`) whose seeded values the down cannot restore: the files must
    /// say so in a `// Cannot restore (…)` line naming it, and only those values are skipped.
    /// When that line says the down fails on a non-empty table, the judge empties the table
    /// before the undo and expects it empty after.
    pub lost: Vec<&'static str>,
    pub only: &'static [Dialect],
}

const ALL: &[Dialect] = &[Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];
const SERVERS: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql];

/// A sequelize-cli factory: `sequelize.define('User', …)`.
const USER: &str = "'use strict';
module.exports = (sequelize, DataTypes) => {
  const User = sequelize.define('User', {
    name: { type: DataTypes.STRING(100), allowNull: false },
    email: DataTypes.STRING,
    age: DataTypes.INTEGER,
    score: { type: DataTypes.DECIMAL(10, 2), defaultValue: 0 },
  }, {});
  return User;
};
";

/// `class Post extends Model` with `Post.init` and `static associate`, as `model:generate`
/// writes it.
const POST: &str = "'use strict';
const { Model } = require('sequelize');
module.exports = (sequelize, DataTypes) => {
  class Post extends Model {
    static associate(models) {
    }
  }
  Post.init({
    title: { type: DataTypes.STRING, allowNull: false },
    body: DataTypes.TEXT,
  }, {
    sequelize,
    modelName: 'Post',
  });
  return Post;
};
";

const TAG: &str = "'use strict';
module.exports = (sequelize, DataTypes) => {
  const Tag = sequelize.define('Tag', {
    label: { type: DataTypes.STRING(40), allowNull: false, unique: true },
  }, { timestamps: false });
  return Tag;
};
";

const STAMP: &str = "2024-01-02 03:04:05";

fn users() -> Value {
    json!(["Users", [
        { "id": 1, "name": "Ada", "email": "ada@example.com", "age": 36, "score": "12.50",
          "createdAt": STAMP, "updatedAt": STAMP },
        { "id": 2, "name": "Grace O'Hara", "email": null, "age": null, "score": "0.00",
          "createdAt": STAMP, "updatedAt": STAMP },
    ]])
}

fn posts() -> Value {
    json!(["Posts", [
        { "id": 1, "title": "Hello", "body": "first\nline", "createdAt": STAMP, "updatedAt": STAMP },
        { "id": 2, "title": "Again", "body": null, "createdAt": STAMP, "updatedAt": STAMP },
    ]])
}

/// A change to the User model alone: `edit` makes the after text from `USER`.
fn user(name: &'static str, edit: impl Fn(&str) -> String) -> Case {
    Case {
        name,
        before: vec![("user.js", USER.to_string())],
        after: vec![("user.js", edit(USER))],
        seed: json!([users()]),
        renames: vec![],
        lost: vec![],
        only: ALL,
    }
}

/// `POST` with `body` in `associate(models)`.
fn post_associating(body: &str) -> String {
    POST.replace(
        "    static associate(models) {\n    }",
        &format!("    static associate(models) {{\n      {body}\n    }}"),
    )
}

fn two(name: &'static str, after_user: String, after_post: String) -> Case {
    Case {
        name,
        before: vec![("post.js", POST.to_string()), ("user.js", USER.to_string())],
        after: vec![("post.js", after_post), ("user.js", after_user)],
        seed: json!([users(), posts()]),
        renames: vec![],
        lost: vec![],
        only: ALL,
    }
}

pub fn cases() -> Vec<Case> {
    let mut cases = vec![
        user("add_nullable_attribute", |t| {
            t.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    bio: { type: DataTypes.TEXT, allowNull: true },\n")
        }),
        user("add_not_null_attribute_with_default", |t| {
            t.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },\n")
        }),
        Case {
            lost: vec!["Users.age"],
            ..user("drop_attribute", |t| t.replace("    age: DataTypes.INTEGER,\n", ""))
        },
        Case {
            renames: vec!["Users.email=contact"],
            ..user("rename_attribute", |t| t.replace("    email: DataTypes.STRING,", "    contact: DataTypes.STRING,"))
        },
        Case {
            renames: vec!["Users.email=email_address"],
            ..user("rename_through_field", |t| {
                t.replace("    email: DataTypes.STRING,", "    email: { type: DataTypes.STRING, field: 'email_address' },")
            })
        },
        user("widen_string", |t| t.replace("STRING(100)", "STRING(200)")),
        user("integer_to_bigint", |t| t.replace("age: DataTypes.INTEGER", "age: DataTypes.BIGINT")),
        user("string_to_text", |t| t.replace("email: DataTypes.STRING,", "email: DataTypes.TEXT,")),
        user("decimal_precision", |t| t.replace("DECIMAL(10, 2)", "DECIMAL(12, 2)")),
        user("allow_null_flip_to_nullable", |t| {
            t.replace("{ type: DataTypes.STRING(100), allowNull: false }", "{ type: DataTypes.STRING(100), allowNull: true }")
        }),
        Case {
            seed: json!([["Users", [
                { "id": 1, "name": "Ada", "email": "ada@example.com", "age": 36, "score": "1.00",
                  "createdAt": STAMP, "updatedAt": STAMP },
            ]]]),
            ..user("allow_null_flip_to_required", |t| {
                t.replace("    email: DataTypes.STRING,", "    email: { type: DataTypes.STRING, allowNull: false },")
            })
        },
        user("add_default", |t| t.replace("age: DataTypes.INTEGER,", "age: { type: DataTypes.INTEGER, defaultValue: 18 },")),
        user("change_default", |t| t.replace("defaultValue: 0 }", "defaultValue: 1.5 }")),
        user("drop_default", |t| t.replace("{ type: DataTypes.DECIMAL(10, 2), defaultValue: 0 }", "DataTypes.DECIMAL(10, 2)")),
        user("unique_attribute", |t| t.replace("email: DataTypes.STRING,", "email: { type: DataTypes.STRING, unique: true },")),
        Case {
            before: vec![("user.js", USER.replace("email: DataTypes.STRING,", "email: { type: DataTypes.STRING, unique: true },"))],
            ..user("drop_unique", |t| t.to_string())
        },
        user("named_index", |t| user_options_of(t, "{ indexes: [{ name: 'users_name_idx', fields: ['name'] }] }")),
        user("multi_column_index", |t| user_options_of(t, "{ indexes: [{ fields: ['name', 'age'] }] }")),
        user("unique_index", |t| {
            user_options_of(t, "{ indexes: [{ unique: true, name: 'users_email_unique', fields: ['email'] }] }")
        }),
        Case {
            before: vec![("user.js", user_options_of(USER, "{ indexes: [{ name: 'users_name_idx', fields: ['name'] }] }"))],
            ..user("drop_index", |t| t.to_string())
        },
        user("add_enum_attribute", |t| {
            t.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    role: { type: DataTypes.ENUM('reader', 'editor'), allowNull: false, defaultValue: 'reader' },\n")
        }),
        Case {
            before: vec![("user.js", USER.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    role: DataTypes.ENUM('reader', 'editor'),\n"))],
            seed: json!([["Users", [
                { "id": 1, "name": "Ada", "role": "editor", "createdAt": STAMP, "updatedAt": STAMP },
                { "id": 2, "name": "Bob", "role": null, "createdAt": STAMP, "updatedAt": STAMP },
            ]]]),
            // SQLite's ENUM is TEXT: no change there.
            only: SERVERS,
            ..user("enum_value_added", |t| {
                t.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    role: DataTypes.ENUM('reader', 'editor', 'admin'),\n")
            })
        },
        Case {
            before: vec![("user.js", USER.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    role: DataTypes.ENUM('reader', 'editor', 'admin'),\n"))],
            seed: json!([["Users", [
                { "id": 1, "name": "Ada", "role": "editor", "createdAt": STAMP, "updatedAt": STAMP },
                { "id": 2, "name": "Bob", "role": "reader", "createdAt": STAMP, "updatedAt": STAMP },
            ]]]),
            only: SERVERS,
            ..user("enum_value_removed", |t| {
                t.replace("    age: DataTypes.INTEGER,\n", "    age: DataTypes.INTEGER,\n    role: DataTypes.ENUM('reader', 'editor'),\n")
            })
        },
        Case {
            lost: vec!["Users.createdAt", "Users.updatedAt"],
            ..user("timestamps_off", |t| user_options_of(t, "{ timestamps: false }"))
        },
        user("paranoid_on", |t| user_options_of(t, "{ paranoid: true }")),
        Case {
            renames: vec!["Users=users", "users.createdAt=created_at", "users.updatedAt=updated_at"],
            ..user("underscored_on", |t| user_options_of(t, "{ underscored: true }"))
        },
        Case {
            renames: vec!["Users=people"],
            ..user("table_name_change", |t| user_options_of(t, "{ tableName: 'people' }"))
        },
        Case {
            renames: vec!["Users=User"],
            ..user("freeze_table_name", |t| user_options_of(t, "{ freezeTableName: true }"))
        },
        Case {
            after: vec![("tag.js", TAG.to_string()), ("user.js", USER.to_string())],
            ..user("new_model", |t| t.to_string())
        },
        Case {
            before: vec![("tag.js", TAG.to_string()), ("user.js", USER.to_string())],
            seed: json!([users(), ["Tags", [{ "id": 1, "label": "rust" }]]]),
            lost: vec!["Tags"],
            ..user("drop_model", |t| t.to_string())
        },
        Case {
            lost: vec!["Users.id"],
            ..user("primary_key_change", |t| {
                t.replace("    name: { type: DataTypes.STRING(100), allowNull: false },", "    name: { type: DataTypes.STRING(100), allowNull: false, primaryKey: true },")
            })
        },
        two(
            "belongs_to_existing_model",
            USER.to_string(),
            post_associating("Post.belongsTo(models.User);"),
        ),
        two(
            "has_many_with_actions",
            USER.replace(
                "  return User;",
                "  User.associate = (models) => {\n    User.hasMany(models.Post, { as: 'posts', foreignKey: { name: 'authorId', allowNull: true }, onDelete: 'CASCADE', onUpdate: 'CASCADE' });\n  };\n  return User;",
            ),
            POST.to_string(),
        ),
        Case {
            before: vec![
                ("post.js", post_associating("Post.belongsTo(models.User, { onDelete: 'CASCADE' });")),
                ("user.js", USER.to_string()),
            ],
            seed: json!([users(), ["Posts", [
                { "id": 1, "title": "Hello", "UserId": 1, "createdAt": STAMP, "updatedAt": STAMP },
                { "id": 2, "title": "Again", "UserId": null, "createdAt": STAMP, "updatedAt": STAMP },
            ]]]),
            ..two(
                "foreign_key_action_change",
                USER.to_string(),
                post_associating("Post.belongsTo(models.User, { onDelete: 'RESTRICT' });"),
            )
        },
        Case {
            before: vec![("user.js", USER.to_string())],
            seed: json!([users()]),
            ..two(
                "new_model_belongs_to",
                USER.to_string(),
                post_associating("Post.belongsTo(models.User, { foreignKey: { name: 'authorId', allowNull: false } });"),
            )
        },
        Case {
            before: vec![("tag.js", TAG.to_string()), ("user.js", USER.to_string())],
            after: vec![
                ("tag.js", TAG.replace("  return Tag;", "  Tag.associate = (models) => {\n    Tag.belongsToMany(models.User, { through: 'UserTags' });\n  };\n  return Tag;")),
                ("user.js", USER.replace("  return User;", "  User.associate = (models) => {\n    User.belongsToMany(models.Tag, { through: 'UserTags' });\n  };\n  return User;")),
            ],
            seed: json!([users(), ["Tags", [{ "id": 1, "label": "rust" }]]]),
            ..user("belongs_to_many_join_table", |t| t.to_string())
        },
    ];
    cases.sort_by_key(|c| c.name);
    cases
}

/// `text` (a `USER`) with `options` as define's third argument.
fn user_options_of(text: &str, options: &str) -> String {
    text.replace("  }, {});", &format!("  }}, {options});"))
}
