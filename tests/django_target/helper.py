"""Seeds and dumps the case apps' tables for tests/django_target.rs.

python helper.py seed APP...   two rows in every table of the apps (ORM, generic values)
python helper.py dump APP...   every row of those apps' tables as JSON (raw SQL, sorted)
python helper.py back APP...   migrate each app back to its 0001_initial (one process for all:
                               starting Django once per app was most of the suite's time)
Run from the project directory with the DJ_* environment of its settings.
"""
import datetime
import decimal
import json
import os
import sys
import uuid

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
import django  # noqa: E402

django.setup()
from django.apps import apps  # noqa: E402
from django.db import connection, models  # noqa: E402


def value(field, i):
    kind = field.get_internal_type()
    if field.choices:
        return field.choices[i % len(field.choices)][0]
    if kind in ("CharField", "SlugField"):
        if isinstance(field, models.EmailField):
            return f"u{i}@example.com"
        return f"v{i}"[: field.max_length or 10]
    if kind == "TextField":
        return f"text {i}"
    if kind in ("IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                "PositiveSmallIntegerField", "PositiveBigIntegerField"):
        return i + 1
    if kind == "BooleanField":
        return i % 2 == 0
    if kind == "DateField":
        return datetime.date(2024, 1, i + 1)
    if kind == "DateTimeField":
        return datetime.datetime(2024, 1, i + 1, 12, 30, tzinfo=datetime.timezone.utc)
    if kind == "TimeField":
        return datetime.time(8, i)
    if kind == "DurationField":
        return datetime.timedelta(minutes=i + 1)
    if kind == "DecimalField":
        return decimal.Decimal("1.25") + i
    if kind == "FloatField":
        return 1.5 + i
    if kind == "BinaryField":
        return bytes([65 + i])
    if kind == "UUIDField":
        return uuid.UUID(int=i + 1)
    if kind == "JSONField":
        return {"k": i}
    if kind == "GenericIPAddressField":
        return f"10.0.0.{i + 1}"
    if kind == "FileField":
        return f"f{i}.txt"
    return None


def app_models(labels):
    found = []
    for label in labels:
        found.extend(apps.get_app_config(label).get_models())
    # Referred-to models first.
    ordered = []
    while found:
        for m in found:
            targets = [f.related_model for f in m._meta.concrete_fields if f.is_relation]
            if all(t is m or t not in found for t in targets):
                ordered.append(m)
                found.remove(m)
                break
        else:
            ordered.extend(found)
            break
    return ordered


def seed(labels):
    for model in app_models(labels):
        for i in range(2):
            values = {}
            for f in model._meta.concrete_fields:
                if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    continue
                if f.is_relation:
                    target = f.related_model
                    rows = list(target._default_manager.order_by("pk")) if target._meta.app_label in labels else []
                    values[f.name] = rows[i] if len(rows) > i else None
                    if values[f.name] is None and not f.null:
                        raise SystemExit(f"{model.__name__}.{f.name}: no row to refer to")
                    continue
                values[f.name] = value(f, i)
            model._default_manager.create(**values)


def dump(labels):
    out = {}
    tables = [t for t in connection.introspection.table_names()
              if any(t.startswith(label.split("_")[0] + "_") for label in labels)]
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
            columns = [d[0] for d in cursor.description]
            rows = []
            for row in cursor.fetchall():
                rows.append({c: (bytes(v).hex() if isinstance(v, (bytes, memoryview)) else str(v))
                             for c, v in zip(columns, row)})
            rows.sort(key=lambda r: json.dumps(r, sort_keys=True))
            out[table] = rows
    print(json.dumps(out))


def back(labels):
    from django.core.management import call_command

    for label in labels:
        call_command("migrate", label, "0001_initial", verbosity=0)


if __name__ == "__main__":
    {"seed": seed, "dump": dump, "back": back}[sys.argv[1]](sys.argv[2:])
