// Prisma's own `migrate diff --script`, offline: the schema engine compiled to wasm
// (@prisma/schema-engine-wasm), driven through JS driver adapters. One process serves many diffs:
// each stdin line is a JSON request {"provider": "postgresql"|"sqlite", "from": TEXT|null,
// "to": TEXT|null} (schema.prisma texts; null = empty) and gets one stdout line back,
// {"sql": "..."} or {"error": "..."}.
// Usage: node engine.mjs POSTGRES_URL   (run with the oracle's node_modules as cwd or NODE_PATH).
// The engine connects even for datamodel-only diffs, so PostgreSQL needs a reachable database;
// SQLite uses an in-memory one.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(path.join(process.cwd(), 'package.json'));
globalThis.PRISMA_WASM_PANIC_REGISTRY = {
  message: '',
  set_message(m) { this.message = m; },
};
const runtimePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
const runtime = await import(runtimePath);
const wasm = fs.readFileSync(path.join(path.dirname(runtimePath), 'schema_engine_bg.wasm'));
const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { './schema_engine_bg.js': runtime });
runtime.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();
const { bindMigrationAwareSqlAdapterFactory } = await import(require.resolve('@prisma/driver-adapter-utils'));
const { PrismaPg } = await import(require.resolve('@prisma/adapter-pg'));
const { PrismaBetterSqlite3 } = await import(require.resolve('@prisma/adapter-better-sqlite3'));

const postgresUrl = process.argv[2] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const factories = {
  postgresql: () => new PrismaPg({ connectionString: postgresUrl, allowExitOnIdle: true }),
  sqlite: () => new PrismaBetterSqlite3({ url: ':memory:' }),
};

// The engine opens its own connections through the factory and never closes them; a test
// that diffs many schemas would run out of PostgreSQL connections. Track and dispose them.
function tracked(factory) {
  const opened = [];
  const remember = async (adapter) => { opened.push(await adapter); return opened.at(-1); };
  const wrapper = Object.create(factory);
  wrapper.connect = (...args) => remember(factory.connect(...args));
  wrapper.connectToShadowDb = (...args) => remember(factory.connectToShadowDb(...args));
  const close = async () => { for (const adapter of opened) await adapter.dispose?.(); };
  return { wrapper, close };
}

async function diff({ provider, from, to }) {
  const files = [['from.prisma', from], ['to.prisma', to]].filter(([, text]) => text !== null);
  const target = (name, text) => text === null
    ? { tag: 'empty' }
    : { tag: 'schemaDatamodel', files: [{ path: name, content: text }] };
  const connections = tracked(factories[provider]());
  try {
    const engine = await runtime.SchemaEngine.new(
      { datamodels: files },
      () => {},
      bindMigrationAwareSqlAdapterFactory(connections.wrapper),
    );
    try {
      const result = await engine.diff({
        from: target('from.prisma', from),
        to: target('to.prisma', to),
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.stdout ?? '';
    } finally {
      engine.free();
    }
  } finally {
    await connections.close();
  }
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let reply;
  try {
    reply = { sql: await diff(JSON.parse(line)) };
  } catch (error) {
    const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY.message;
    reply = { error: panic ? `panic: ${panic}` : String(error?.message ?? error) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
process.exit(0);
