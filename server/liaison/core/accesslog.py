"""Gunicorn's access log without secrets (selected by server/gunicorn.conf.py).

Only gunicorn imports this module; the app itself never needs gunicorn.
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from .logredact import MASK, redact

# Header atoms a custom access_log_format might name that are secrets whole.
SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{set-cookie}o")


class GunicornLogger(Logger):
    """Gunicorn's logger whose access-log values (request line, path, query, referer,
    any header or environ value a custom format names) go through ``redact``."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if key in SECRET_HEADERS:
                atoms[key] = MASK
            elif isinstance(value, str):
                atoms[key] = redact(value)
        return atoms
