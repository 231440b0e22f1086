'use strict';
// A shop customer. The table keeps the snake_case column names the shop has always had.
module.exports = (sequelize, DataTypes) => {
  const Customer = sequelize.define('Customer', {
    name: { type: DataTypes.STRING(120), allowNull: false },
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
  }, { tableName: 'customers', underscored: true });
  return Customer;
};
