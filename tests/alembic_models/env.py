# env.py for tests/alembic_models.rs: the target metadata is every MetaData the project's
# models.py defines (the cases use three declarative bases), compared with compare_type on.
import os
import sys

from alembic import context
from sqlalchemy import MetaData, engine_from_config, pool

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import models  # noqa: E402

found = {}
for value in vars(models).values():
    metadata = value if isinstance(value, MetaData) else getattr(value, "metadata", None)
    if isinstance(metadata, MetaData):
        found[id(metadata)] = metadata
target_metadata = list(found.values())

connectable = engine_from_config(
    context.config.get_section(context.config.config_ini_section, {}),
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
