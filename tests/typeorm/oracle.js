// What the judge asks of TypeORM besides its CLI, on the DataSource of data-source.js:
//   node oracle.js sync              TypeORM builds the entities' schema (synchronize)
//   node oracle.js seed FILE.json    insert [{table: [row, ...]}, ...] in the file's order
//   node oracle.js dump TABLE...     print {table: [row, ...]} as JSON, rows sorted, values as text
//   node oracle.js clear TABLE...    delete every row of the tables that exist, in that order
const dataSource = require("./data-source");

function text(value) {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value.toISOString();
    if (Buffer.isBuffer(value)) return value.toString("hex");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
}

async function seed(file) {
    const seeds = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const driver = dataSource.driver;
    for (const [table, rows] of seeds.flatMap((tables) => Object.entries(tables))) {
        for (const row of rows) {
            const columns = Object.keys(row);
            const marks = columns.map((_, index) => driver.createParameter(`p${index}`, index));
            const sql = `INSERT INTO ${driver.escape(table)} (${columns
                .map((c) => driver.escape(c))
                .join(", ")}) VALUES (${marks.join(", ")})`;
            await dataSource.query(sql, Object.values(row));
        }
    }
}

async function dump(tables) {
    const out = {};
    for (const table of tables) {
        const rows = await dataSource.query(`SELECT * FROM ${dataSource.driver.escape(table)}`);
        out[table] = rows
            .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, text(v)])))
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    process.stdout.write(JSON.stringify(out));
}

async function clear(tables) {
    const runner = dataSource.createQueryRunner();
    for (const table of tables) {
        if (await runner.hasTable(table)) {
            await dataSource.query(`DELETE FROM ${dataSource.driver.escape(table)}`);
        }
    }
    await runner.release();
}

async function main() {
    const [command, ...rest] = process.argv.slice(2);
    await dataSource.initialize();
    try {
        if (command === "sync") await dataSource.synchronize();
        else if (command === "seed") await seed(rest[0]);
        else if (command === "dump") await dump(rest);
        else if (command === "clear") await clear(rest);
        else throw new Error(`unknown command ${command}`);
    } finally {
        await dataSource.destroy();
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
