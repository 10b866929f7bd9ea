"""Copy a generated data set from the embedded PostgreSQL into a SQLite file.

Used by ``scripts/gen_province.py --sqlite``: the same rows (and the summary tables
built there), so ``scripts/bench reports --db sqlite`` reads what PostgreSQL reads.
Opinion events are left out: no report reads them.
"""
from __future__ import annotations

import time
from pathlib import Path

SKIP = {"opinion_events", "alembic_version"}
CHUNK = 20_000


def copy_to_sqlite(source_app, target: Path, directory: Path) -> float:
    """Create ``target`` from the migrations and copy every table into it; returns seconds."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, select

    from gen_province import app_for_sqlite
    from liaison.core.db import db

    began = time.monotonic()
    target.unlink(missing_ok=True)
    sqlite_app = app_for_sqlite(target, directory)
    with sqlite_app.app_context():
        upgrade()
    dest = create_engine(f"sqlite:///{target}")
    with source_app.app_context():
        src = db.engine
        with src.connect() as read, dest.begin() as write:
            write.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in db.metadata.sorted_tables:
                if table.name in SKIP:
                    continue
                result = read.execution_options(stream_results=True, yield_per=CHUNK).execute(select(table))
                n = 0
                for part in result.mappings().partitions(CHUNK):
                    write.execute(table.insert(), [dict(r) for r in part])
                    n += len(part)
                if n:
                    print(f"  {table.name}: {n}", flush=True)
    with dest.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    dest.dispose()
    return round(time.monotonic() - began, 1)
