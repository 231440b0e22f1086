exports.up = async (knex) => {
  await knex.schema.alterTable('books', (t) => {
    t.text('summary');
  });
  await knex.raw('CREATE INDEX books_title_idx ON books (title)');
};
exports.down = async (knex) => {
  await knex.raw('DROP INDEX books_title_idx');
  await knex.schema.alterTable('books', (t) => t.dropColumn('summary'));
};
