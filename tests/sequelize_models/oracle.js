// The judge of tests/sequelize_models.rs: Sequelize itself builds each case's models into a
// scratch database. One JSON request a line on stdin ({ files, dialect, target }), one reply a
// line on stdout ({ ok: true } or { error }), so node and ts-node start once for every case.
// Models built on the case's own Sequelize instance (a `db.ts` it imports) are moved onto the
// request's instance, as `migen --exact` does.
const fs = require("fs");
const readline = require("readline");

require("ts-node").register({
  transpileOnly: true,
  compilerOptions: { module: "commonjs", target: "es2019", experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true },
});
require("reflect-metadata");
const Seq = require("sequelize");
const SeqTs = require("sequelize-typescript");

let current = null;
const init = Seq.Model.init;
Seq.Model.init = function (attributes, options) {
  return init.call(this, attributes, { ...(options || {}), sequelize: current });
};

async function build({ files, dialect, target }) {
  for (const key of Object.keys(require.cache)) {
    if (files.some((f) => key.startsWith(f.slice(0, f.lastIndexOf("/"))))) delete require.cache[key];
  }
  const texts = files.map((f) => fs.readFileSync(f, "utf8"));
  const decorated = texts.some((t) => t.includes("sequelize-typescript"));
  const options = { dialect, logging: false, ...(dialect === "sqlite" ? { storage: target } : {}) };
  const Base = decorated ? SeqTs.Sequelize : Seq.Sequelize;
  current = dialect === "sqlite" ? new Base(options) : new Base(target, options);
  const sequelize = current;
  const classes = [];
  for (const file of files) {
    const mod = require(file);
    const values = [mod, mod && mod.default, ...(mod && typeof mod === "object" ? Object.values(mod) : [])];
    for (const value of values) {
      if (typeof value !== "function") continue;
      if (value.prototype instanceof Seq.Model) {
        if (decorated && !classes.includes(value) && !Object.values(sequelize.models).includes(value)) classes.push(value);
        continue;
      }
      if (/\.define\(|\.init\(/.test(value.toString())) value(sequelize, Seq.DataTypes);
    }
  }
  if (classes.length) sequelize.addModels(classes);
  for (const model of Object.values(sequelize.models)) {
    if (typeof model.associate === "function") model.associate(sequelize.models);
  }
  await sequelize.sync();
  await sequelize.close();
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      await build(JSON.parse(line));
      reply = { ok: true };
    } catch (e) {
      reply = { error: String((e && e.stack) || e) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  });
});
