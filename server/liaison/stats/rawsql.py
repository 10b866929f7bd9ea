"""Fetch many plain rows fast: a SQLAlchemy statement run on the DB-API cursor.

A province-wide report reads ≈100,000 (deputy, station) pairs; SQLAlchemy's Row
objects cost three times the query itself there. ``rows`` compiles the statement
for the session's dialect and hands back the driver's tuples. Only for statements
whose parameters the driver adapts like SQLAlchemy would (ints, strings, dates,
booleans) and whose result columns need no conversion (ints, strings).
"""
from __future__ import annotations

from ..core.db import db


def rows(stmt) -> list[tuple]:
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[name] for name in compiled.positiontup) if compiled.positional else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return cursor.fetchall()
    finally:
        cursor.close()


def insert_rows(model, payload: list[dict]) -> None:
    """Insert many rows of ``model``: COPY on PostgreSQL, executemany elsewhere.

    Same transaction as the session; every dict must have the same keys.
    """
    if not payload:
        return
    conn = db.session.connection()
    table = model.__table__
    if conn.dialect.name != "postgresql":
        for i in range(0, len(payload), 5000):
            conn.execute(table.insert(), payload[i:i + 5000])
        return
    columns = list(payload[0])
    sql = f'COPY "{table.name}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN'
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in payload:
            copy.write_row([row[c] for c in columns])
