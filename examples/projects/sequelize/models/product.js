'use strict';
const { Model } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class Product extends Model {}
  Product.init({
    sku: { type: DataTypes.STRING(40), allowNull: false },
    title: { type: DataTypes.STRING, allowNull: false },
    priceCents: { type: DataTypes.INTEGER, allowNull: false },
    description: DataTypes.TEXT,
  }, { sequelize, modelName: 'Product', underscored: true, timestamps: false });
  return Product;
};
