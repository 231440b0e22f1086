// The shop as it is in production today.
exports.up = function (knex) {
  return knex.schema
    .createTable('customers', (table) => {
      table.increments('id');
      table.text('name').notNullable();
      table.text('email').notNullable();
      table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
      table.unique(['email'], { indexName: 'customers_email_key' });
    })
    .createTable('products', (table) => {
      table.increments('id');
      table.text('sku').notNullable();
      table.text('title').notNullable();
      table.integer('price_cents').notNullable();
      table.text('description');
    })
    .createTable('orders', (table) => {
      table.increments('id');
      table.integer('customer_id').notNullable();
      table.text('status').notNullable().defaultTo('new');
      table.timestamp('placed_at');
    });
};

exports.down = function (knex) {
  return knex.schema.dropTable('orders').dropTable('products').dropTable('customers');
};
