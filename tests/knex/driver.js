// Drives Knex for tests/knex.rs: one JSON request per line on stdin, one JSON reply per line
// on stdout. Each request opens its own Knex instance (the client and database differ from
// case to case) and closes it again.
//
//   {"op": "latest" | "rollback", "client", "connection", "directory"}
//       -> {"queries": [sql, ...]}: what Knex sent for the migrations (its own bookkeeping
//          on knex_migrations and the transactions around it left out)
//   {"op": "dump", "client", "connection", "tables": [[schema | null, name], ...]}
//       -> {"rows": {"schema.name" | "name": [{column: text | null}, ...]}}
// Errors reply {"error": message}.
'use strict';

const readline = require('readline');

// Knex logs to the console; stdout carries the replies alone.
console.log = console.error;
console.warn = console.error;
console.info = console.error;
const knexFactory = require('knex');

function open(request) {
  return knexFactory({
    client: request.client,
    connection: request.connection,
    useNullAsDefault: true,
    migrations: { directory: request.directory, loadExtensions: ['.js', '.ts'] },
  });
}

const BOOKKEEPING = /^(begin|commit|rollback)\b|^(savepoint|release savepoint|rollback to savepoint)\b/i;

function own(query) {
  const text = [query.sql, ...(query.bindings || [])].join(' ');
  return text.includes('knex_migrations') || BOOKKEEPING.test(query.sql.trim());
}

// Values as text, the same way on every side of a round trip.
function text(value) {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return 'x' + value.toString('hex');
  if (value instanceof Date) return isNaN(value) ? String(value) : value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// A quoted name, written out rather than left to Knex: its PostgreSQL client would read a `?`
// in a name as a parameter marker (`\?` keeps it).
function quote(client, name) {
  if (client === 'mysql2') return '`' + name.replace(/`/g, '``') + '`';
  const quoted = '"' + name.replace(/"/g, '""') + '"';
  return client === 'pg' ? quoted.replace(/\?/g, '\\?') : quoted;
}

// The rows of a knex.raw select, whose result each client shapes its own way.
function rowsOf(client, result) {
  if (client === 'pg') return result.rows;
  if (client === 'mysql2') return result[0];
  return result;
}

async function handle(request) {
  const knex = open(request);
  try {
    if (request.op === 'dump') {
      const rows = {};
      for (const [schema, name] of request.tables) {
        const table = [schema, name].filter((part) => part).map((part) => quote(request.client, part)).join('.');
        const found = await knex.raw(`select * from ${table}`).then((result) => rowsOf(request.client, result));
        rows[schema ? `${schema}.${name}` : name] = found.map((row) =>
          Object.fromEntries(Object.entries(row).map(([column, value]) => [column, text(value)])));
      }
      return { rows };
    }
    const queries = [];
    knex.on('query', (query) => {
      if (!own(query)) queries.push(query.sql);
    });
    if (request.op === 'latest') {
      await knex.migrate.latest();
    } else if (request.op === 'rollback') {
      await knex.migrate.rollback(undefined, true);
    } else {
      throw new Error(`unknown op ${request.op}`);
    }
    return { queries };
  } finally {
    await knex.destroy();
  }
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await handle(JSON.parse(line));
    } catch (error) {
      reply = { error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
});
