// Reads rows for tests/sequelize.rs through Sequelize (the driver sequelize-cli runs the
// migrations with): one JSON request per line on stdin, one JSON reply per line on stdout.
//
//   {"dialect", "url" | "storage", "tables": [[schema | null, name], ...]}
//       -> {"rows": {"schema.name" | "name": [{column: text | null}, ...]}}
//   {"dialect", "url" | "storage", "insert": [["name", [{column: value}, ...]], ...]}
//       -> {"inserted": count} (queryInterface.bulkInsert, tables in the order given)
// Errors reply {"error": message}.
'use strict';

const readline = require('readline');
const { Sequelize, QueryTypes } = require('sequelize');

// Values as text, the same way on every side of a round trip.
function text(value) {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return 'x' + value.toString('hex');
  if (value instanceof Date) return isNaN(value) ? String(value) : value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function quote(dialect, name) {
  if (dialect === 'mysql') return '`' + name.replace(/`/g, '``') + '`';
  return '"' + name.replace(/"/g, '""') + '"';
}

async function handle(request) {
  const options = { dialect: request.dialect, logging: false };
  const sequelize = request.url
    ? new Sequelize(request.url, options)
    : new Sequelize({ ...options, storage: request.storage });
  try {
    if (request.insert) {
      let inserted = 0;
      for (const [table, rows] of request.insert) {
        await sequelize.getQueryInterface().bulkInsert(table, rows);
        inserted += rows.length;
      }
      return { inserted };
    }
    const rows = {};
    for (const [schema, name] of request.tables) {
      const table = [schema, name].filter((part) => part).map((part) => quote(request.dialect, part)).join('.');
      const found = await sequelize.query(`select * from ${table}`, { type: QueryTypes.SELECT });
      rows[schema ? `${schema}.${name}` : name] = found.map((row) =>
        Object.fromEntries(Object.entries(row).map(([column, value]) => [column, text(value)])));
    }
    return { rows };
  } finally {
    await sequelize.close();
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
