// Reads rows for tests/drizzle_target.rs through the drivers drizzle-kit migrates with (pg,
// mysql2, better-sqlite3): one JSON request per line on stdin, one JSON reply per line on stdout.
//
//   {"dialect": "postgres" | "mysql" | "sqlite", "url", "tables": [[schema | null, name], ...]}
//       -> {"rows": {"schema.name" | "name": [{column: text | null}, ...]}}
// Errors reply {"error": message}.
'use strict';

const readline = require('readline');

// Values as text, the same way before and after a migration.
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

async function select(request, sql) {
  if (request.dialect === 'postgres') {
    const { Client } = require('pg');
    const client = new Client({ connectionString: request.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }
  if (request.dialect === 'mysql') {
    const mysql = require('mysql2/promise');
    const connection = await mysql.createConnection(request.url);
    try {
      return (await connection.query(sql))[0];
    } finally {
      await connection.end();
    }
  }
  const Database = require('better-sqlite3');
  const db = new Database(request.url.replace(/^sqlite:\/\//, ''), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

async function handle(request) {
  const rows = {};
  for (const [schema, name] of request.tables) {
    const table = [schema, name].filter((part) => part).map((part) => quote(request.dialect, part)).join('.');
    const found = await select(request, `select * from ${table}`);
    rows[schema ? `${schema}.${name}` : name] = found.map((row) =>
      Object.fromEntries(Object.entries(row).map(([column, value]) => [column, text(value)])));
  }
  return { rows };
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
