'use strict';
module.exports = (sequelize, DataTypes) => {
  const Order = sequelize.define('Order', {
    status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'new' },
    placedAt: { type: DataTypes.DATE },
  }, { underscored: true });
  Order.associate = (models) => {
    Order.belongsTo(models.Customer, { foreignKey: { name: 'customer_id', allowNull: false } });
  };
  return Order;
};
