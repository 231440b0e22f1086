// sequelize-cli's configuration for tests/sequelize.rs: the scratch database config.json names,
// with every statement Sequelize sends appended to sent.jsonl (what migen's files made it send),
// with the kind of query Sequelize says it is (sequelize-cli lists the tables: SHOWTABLES).
'use strict';

const fs = require('fs');
const path = require('path');

const database = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8'));
const sent = path.join(__dirname, 'sent.jsonl');
module.exports = {
  migen: {
    ...database.migen,
    logging: (sql, options) =>
      fs.appendFileSync(sent, JSON.stringify({ sql, type: (options && options.type) || null }) + '\n'),
  },
};
