// The next release: customers.name becomes full_name, customers get a phone, product SKUs
// become unique, and orders get their items.
exports.up = async function (knex) {
  await knex.schema.alterTable('customers', (table) => {
    table.renameColumn('name', 'full_name');
    table.text('phone');
  });
  await knex.raw('CREATE UNIQUE INDEX products_sku_key ON products (sku)');
  await knex.schema.createTable('order_items', (table) => {
    table.integer('order_id').unsigned().notNullable().references('orders.id').onDelete('CASCADE');
    table.integer('product_id').unsigned().notNullable().references('products.id');
    table.integer('quantity').notNullable().defaultTo(1);
    table.integer('price_cents').notNullable();
    table.primary(['order_id', 'product_id']);
  });
};

exports.down = async function (knex) {
  await knex.schema.dropTable('order_items');
  await knex.raw('DROP INDEX products_sku_key');
  await knex.schema.alterTable('customers', (table) => {
    table.dropColumn('phone');
    table.renameColumn('full_name', 'name');
  });
};
