//! ORM model files read as schemas without running the ORM: Django and SQLAlchemy (Python,
//! through one shared Python-subset parser), Prisma schemas, TypeORM entities and drizzle schemas
//! (TypeScript, through the shared oxc layer in `typescript`).

pub mod django;
pub mod drizzle;
pub mod generated;
pub mod knex;
pub mod prisma;
pub mod python;
pub mod sequelize;
pub mod sqlalchemy;
pub mod typeorm;
pub mod typescript;
