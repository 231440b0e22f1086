// The judge's DataSource: everything from the environment, so one file serves every dialect,
// both entity sides and the migrations migen writes.
//   MIGEN_TO_TYPE        postgres | mariadb | better-sqlite3
//   MIGEN_TO_URL         the database URL (postgres, mariadb), or the file (better-sqlite3)
//   MIGEN_TO_ENTITIES    folder of the entity .ts files
//   MIGEN_TO_MIGRATIONS  folder of the migration files (optional)
//   MIGEN_TO_NAMING      `snake` for the snake-case naming strategy (optional)
require("reflect-metadata");
const { DataSource } = require("typeorm");
const { SnakeNamingStrategy } = require("./snake-naming");

const type = process.env.MIGEN_TO_TYPE;
const target = process.env.MIGEN_TO_URL;
const connection =
    type === "better-sqlite3" ? { type, database: target } : { type, url: target };
const migrations = process.env.MIGEN_TO_MIGRATIONS;

module.exports = new DataSource({
    ...connection,
    entities: [process.env.MIGEN_TO_ENTITIES + "/*.ts"],
    migrations: migrations ? [migrations + "/*.ts", migrations + "/*.js"] : [],
    namingStrategy:
        process.env.MIGEN_TO_NAMING === "snake" ? new SnakeNamingStrategy() : undefined,
    logging: false,
});
