"""Stats API (filled in below)."""
from __future__ import annotations

from . import models  # noqa: F401  (the summary tables)


def register(app) -> None:
    pass
