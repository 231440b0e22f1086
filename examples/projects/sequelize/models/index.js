'use strict';
// Loads every model file of this folder and wires their associations (the loader
// sequelize-cli's `init` writes, shortened).
const fs = require('fs');
const path = require('path');
const { Sequelize, DataTypes } = require('sequelize');

const env = process.env.NODE_ENV || 'development';
const config = require(path.join(__dirname, '..', 'config', 'config.json'))[env];
const sequelize = config.use_env_variable
  ? new Sequelize(process.env[config.use_env_variable], config)
  : new Sequelize(config.database, config.username, config.password, config);

const db = {};
for (const file of fs.readdirSync(__dirname)) {
  if (file !== path.basename(__filename) && file.endsWith('.js')) {
    const model = require(path.join(__dirname, file))(sequelize, DataTypes);
    db[model.name] = model;
  }
}
for (const model of Object.values(db)) {
  if (model.associate) model.associate(db);
}
db.sequelize = sequelize;
module.exports = db;
