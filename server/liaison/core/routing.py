"""URL converters: ``<int:...>`` in every route is a row id and never larger than one.

Werkzeug's own ``int`` converter accepts any number of digits; a path like
``/api/v1/stations/99999999999999999999`` then reached the database and failed
there (SQLite: OverflowError, PostgreSQL: integer out of range) as a 500. Ids are
32-bit INTEGER columns on both databases, so a larger number names no row: the
route does not match and the client gets the usual JSON 404.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every primary key


class IdConverter(IntegerConverter):
    """``int`` bounded to what an INTEGER id column can hold (0..2**31-1)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Install the converter; must run before any blueprint adds its routes."""
    app.url_map.converters["int"] = IdConverter
