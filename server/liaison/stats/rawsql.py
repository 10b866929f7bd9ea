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
