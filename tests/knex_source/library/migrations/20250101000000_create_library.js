exports.up = (knex) => knex.schema
  .createTable('authors', (t) => {
    t.increments('id');
    t.string('name', 50).notNullable();
  })
  .createTable('books', (t) => {
    t.increments('id');
    t.string('title', 100).notNullable();
    t.integer('author_id').unsigned().notNullable().references('authors.id').onDelete('CASCADE');
    t.integer('pages').notNullable().defaultTo(0);
  });
exports.down = (knex) => knex.schema.dropTable('books').dropTable('authors');
