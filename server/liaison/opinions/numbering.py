"""Human-readable opinion numbers: ``LL-2026-000123``, one sequence per (local) year.

The counter is one row per year in ``opinion_counters``, bumped with a single
``UPDATE ... SET value = value + 1 RETURNING value``. On PostgreSQL the row lock
serialises concurrent submits until the submitting transaction ends; on SQLite the
UPDATE takes the database write lock (and waits out ``busy_timeout``). Either way
two transactions can never read the same value, and a rolled-back submit gives its
number back. The year's row is created with ``INSERT .. ON CONFLICT DO NOTHING`` so
the first submits of a year may race harmlessly.

Call ``next_number`` as the first write of the submitting transaction (SQLite:
a transaction that read first and writes later could fail on a stale snapshot).
"""
from __future__ import annotations

from sqlalchemy import update

from ..core.db import db, dialect_insert
from .models import OpinionCounter

PREFIX = "LL"


def format_number(year: int, value: int) -> str:
    return f"{PREFIX}-{year}-{value:06d}"


def _insert_ignore(year: int):
    return dialect_insert(OpinionCounter).values(year=year, value=0).on_conflict_do_nothing(
        index_elements=["year"])


def next_number(year: int) -> str:
    """Allocate the next number of ``year`` inside the caller's transaction (no commit)."""
    bump = (update(OpinionCounter).where(OpinionCounter.year == year)
            .values(value=OpinionCounter.value + 1).returning(OpinionCounter.value)
            .execution_options(synchronize_session=False))
    value = db.session.execute(bump).scalar()
    if value is None:
        db.session.execute(_insert_ignore(year))
        value = db.session.execute(bump).scalar_one()
    return format_number(year, value)
