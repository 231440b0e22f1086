// The judge: TypeORM itself synchronizes a case's entities into a scratch database.
// argv: the case folder (a copy with its DataSource's driver set), the driver type, and the
// database (a file for better-sqlite3, else a URL). Packages resolve through NODE_PATH.
const path = require("path");
const [dir, driver, target] = process.argv.slice(2);
process.chdir(dir);
require("ts-node").register({
  transpileOnly: true,
  compilerOptions: { module: "commonjs", experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true },
});
require("reflect-metadata");
const typeorm = require("typeorm");
(async () => {
  const mod = require(path.join(dir, "data-source.ts"));
  const found = [mod, mod.default, ...Object.values(mod)].find((v) => v instanceof typeorm.DataSource);
  if (!found) throw new Error("data-source.ts exports no DataSource");
  const place = driver === "better-sqlite3" ? { database: target } : { url: target };
  const ds = new typeorm.DataSource({ ...found.options, type: driver, ...place, synchronize: false, logging: false });
  await ds.initialize();
  await ds.synchronize();
  await ds.destroy();
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
