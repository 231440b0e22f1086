# SQLAlchemy itself builds each case's database: one JSON request per line on stdin,
# {"dir": folder holding models.py, "module": unique module name, "url": database URL};
# one JSON reply per line: {"ok": true} or {"error": "..."}.
import importlib.util, json, sys, traceback
from sqlalchemy import MetaData, Table, create_engine

for line in sys.stdin:
    request = json.loads(line)
    try:
        spec = importlib.util.spec_from_file_location(request["module"], request["dir"] + "/models.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        metas = []
        for value in list(vars(module).values()):
            for m in (value, getattr(value, "metadata", None) if isinstance(value, (type, Table)) else None):
                if isinstance(m, MetaData) and all(m is not x for x in metas):
                    metas.append(m)
        engine = create_engine(request["url"])
        for m in metas:
            m.create_all(engine)
        engine.dispose()
        reply = {"ok": True}
    except Exception as e:
        reply = {"error": "".join(traceback.format_exception_only(type(e), e)).strip()}
    print(json.dumps(reply), flush=True)
