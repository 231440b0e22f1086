# env.py for tests/alembic_models.rs: the target metadata is every MetaData the project's
# models.py defines (the cases use three declarative bases), compared with types and server
# defaults.
import decimal
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



def numbers_by_value(
    context, inspected_column, metadata_column, inspected_default, metadata_default, rendered
):
    """Numeric server defaults compare by value, other defaults as Alembic compares them.

    MariaDB reports `DEFAULT 0` on a DECIMAL(12,2) as `0.00` (Alembic then flags even
    metadata.create_all's own tables), and migen writes numbers canonically (`0.00` as `0`).
    """

    def number(text):
        try:
            return decimal.Decimal(str(text).strip("'\"() "))
        except (decimal.InvalidOperation, ValueError):
            return None

    found, wanted = number(inspected_default), number(rendered)
    if found is not None and wanted is not None:
        return found != wanted
    return None


connectable = engine_from_config(
    context.config.get_section(context.config.config_ini_section, {}),
    prefix="sqlalchemy.",
    poolclass=pool.NullPool,
)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=numbers_by_value,
    )
    with context.begin_transaction():
        context.run_migrations()
