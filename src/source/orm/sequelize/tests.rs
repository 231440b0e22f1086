use super::*;

fn ddl(files: &[(&str, &str)], dialect: Dialect) -> String {
    ddl_of_files(files, dialect).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_cli_factory_with_define_and_associate_gives_tables_and_keys() {
    let user = "module.exports = (sequelize, DataTypes) => {\n  const User = sequelize.define('User', {\n    email: { type: DataTypes.STRING, allowNull: false, unique: true },\n  });\n  User.associate = function (models) {\n    User.hasMany(models.Post);\n  };\n  return User;\n};\n";
    let post = "'use strict';\nconst { Model } = require('sequelize');\nmodule.exports = (sequelize, DataTypes) => {\n  class Post extends Model {\n    static associate(models) {\n      this.belongsTo(models.User);\n    }\n  }\n  Post.init({ title: DataTypes.STRING(100) }, { sequelize, modelName: 'Post' });\n  return Post;\n};\n";
    let text = ddl(
        &[("models/user.js", user), ("models/post.js", post)],
        Dialect::Postgres,
    );
    assert!(text.contains("CREATE TABLE \"Users\" (\"id\" SERIAL NOT NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL"), "{text}");
    assert!(text.contains("\"title\" VARCHAR(100)"), "{text}");
    assert!(
        text.contains(
            "\"UserId\" INTEGER REFERENCES \"Users\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE"
        ),
        "{text}"
    );
}

#[test]
fn an_unknown_data_type_is_reported_at_its_position() {
    let user = "module.exports = (sequelize, DataTypes) =>\n  sequelize.define('User', {\n    name: DataTypes.STRNG,\n  });\n";
    let error = ddl_of_files(&[("user.js", user)], Dialect::Sqlite).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("user.js:3:11: unknown Sequelize data type DataTypes.STRNG"),
        "{error}"
    );
}

#[test]
fn sequelizerc_paths_and_the_config_dialect_locate_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("db/models")).unwrap();
    std::fs::create_dir_all(root.join("db/config")).unwrap();
    std::fs::write(
        root.join(".sequelizerc"),
        "const path = require('path');\nmodule.exports = {\n  'config': path.resolve('db', 'config', 'database.json'),\n  'models-path': path.resolve('db', 'models'),\n  'migrations-path': path.resolve('db', 'migrations'),\n};\n",
    )
    .unwrap();
    std::fs::write(
        root.join("db/config/database.json"),
        "{\"development\": {\"dialect\": \"mariadb\"}, \"test\": {\"dialect\": \"sqlite\"}}",
    )
    .unwrap();
    std::fs::write(
        root.join("db/models/user.js"),
        "module.exports = (sequelize, DataTypes) => sequelize.define('User', { name: DataTypes.STRING });\n",
    )
    .unwrap();
    let config = config::find(root).unwrap();
    assert_eq!(config.models_dir, Some(root.join("db/models")));
    assert_eq!(config.migrations_dir, Some(root.join("db/migrations")));
    assert_eq!(config.dialect, Some(Dialect::Mysql));
    assert!(is_sequelize_path(root));
    let (schema, notes) = load(root, Dialect::Sqlite).unwrap();
    assert!(
        schema.tables.keys().any(|t| t.name == "Users"),
        "{schema:?}"
    );
    assert_eq!(notes.len(), 1, "the config is for MySQL: {notes:?}");
}

#[test]
fn hasone_names_its_key_after_the_alias_and_sqlite_keeps_an_integer_key_inline() {
    let text = ddl(
        &[(
            "models.js",
            "module.exports = (sequelize, DataTypes) => {\n  const User = sequelize.define('User', {});\n  const Post = sequelize.define('Post', {}, { timestamps: false });\n  User.hasOne(Post, { as: 'Featured' });\n  return User;\n};\n",
        )],
        Dialect::Sqlite,
    );
    assert!(
        text.contains("CREATE TABLE `Posts` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `FeaturedId` INTEGER REFERENCES `Users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE);"),
        "{text}"
    );
}

#[test]
fn fn_defaults_with_arguments_are_the_calls_sequelize_writes() {
    let slug = "module.exports = (sequelize, DataTypes) =>\n  sequelize.define('Slug', {\n    label: { type: DataTypes.STRING, defaultValue: sequelize.fn('concat', \"it's \", sequelize.fn('upper', 'y'), 2) },\n    size: { type: DataTypes.INTEGER, defaultValue: sequelize.fn('abs', sequelize.col('size')) },\n  });\n";
    let error = ddl_of_files(&[("slug.js", slug)], Dialect::Postgres).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("slug.js:4:72: fn() argument sequelize.col(...) is not read"),
        "{error}"
    );
    let text = ddl(
        &[("slug.js", &slug.replace("sequelize.col('size')", "-5"))],
        Dialect::Postgres,
    );
    assert!(
        text.contains("DEFAULT concat('it''s ', upper('y'), 2)"),
        "{text}"
    );
    assert!(text.contains("DEFAULT abs(-5)"), "{text}");
}
