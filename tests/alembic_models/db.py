"""Seeds and reads rows for tests/alembic_models.rs through SQLAlchemy (any of the dialects).

    python db.py URL seed    < statements   (each ends with ';' and a newline)
    python db.py URL dump TABLE...          (prints {table: [[column values as text], ...]})
"""
import json
import sys

from sqlalchemy import create_engine, text

url, command, *tables = sys.argv[1:]
engine = create_engine(url)
with engine.begin() as connection:
    if command == "seed":
        for statement in sys.stdin.read().split(";\n"):
            if statement.strip():
                connection.execute(text(statement))
    elif command == "dump":
        rows = {}
        for table in tables:
            result = connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            rows[table] = [[None if v is None else str(v) for v in row] for row in result]
        print(json.dumps(rows))
    else:
        sys.exit(f"unknown command {command}")
