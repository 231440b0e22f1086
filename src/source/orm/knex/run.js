// migen's driver for a project's own Knex: applies every pending migration of one folder to a
// scratch database, one migration at a time, and records the SQL each one ran.
//
// Input (the environment variable MIGEN_KNEX_INPUT, JSON): { knex, tsNode, client, connection, directory, tableName,
// loadExtensions, out }. `knex` and `tsNode` are absolute paths resolved by migen in the
// project's node_modules. The result is written to `out` as JSON, never to stdout, which the
// migrations themselves may print to:
//   { applied: [file], queries: [{ file, sql }] }
//   { applied: [file], failed: file, error: text, line?: n, column?: n }
'use strict';
const fs = require('fs');
const path = require('path');

const input = JSON.parse(process.env.MIGEN_KNEX_INPUT);

function finish(result) {
  fs.writeFileSync(input.out, JSON.stringify(result));
}

// Where in the migration file an error was thrown, from its stack (a syntax error names the
// file first; a runtime error has a frame in it).
function place(error, file) {
  const stack = String((error && error.stack) || '');
  const full = path.join(input.directory, file);
  const escaped = full.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = stack.match(new RegExp(escaped + ':(\\d+)(?::(\\d+))?'));
  return match ? { line: Number(match[1]), column: Number(match[2] || 1) } : {};
}

async function main() {
  if (input.tsNode) {
    // TypeScript migrations load through the project's ts-node, types unchecked.
    require(input.tsNode).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  }
  const knex = require(input.knex);
  const migrations = { directory: input.directory, tableName: input.tableName };
  // Knex's own list of extensions unless the knexfile names its own.
  if (Array.isArray(input.loadExtensions)) migrations.loadExtensions = input.loadExtensions;
  const db = knex({
    client: input.client,
    connection: input.connection,
    useNullAsDefault: true,
    migrations,
  });
  const queries = [];
  const applied = [];
  let current = null;
  db.on('query', (query) => {
    if (current === null) return;
    let sql = query.sql;
    if (query.bindings && query.bindings.length > 0) {
      try {
        sql = db.raw(query.sql, query.bindings).toQuery();
      } catch (_) {
        // Left with its placeholders: the bindings are values, not schema.
      }
    }
    queries.push({ file: current, sql });
  });
  try {
    const [, pending] = await db.migrate.list();
    for (const migration of pending) {
      current = migration.file;
      try {
        await db.migrate.up({ name: migration.file });
      } catch (error) {
        finish({
          applied,
          failed: migration.file,
          error: String((error && error.message) || error),
          ...place(error, migration.file),
        });
        return;
      }
      applied.push(migration.file);
    }
    finish({ applied, queries });
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  finish({ applied: [], failed: '', error: String((error && error.message) || error) });
});
