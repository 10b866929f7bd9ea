"""Code tokens and the URLs printed in plain-URL QR codes. Pure: no Flask, no database.

A token is 16 characters from ``[A-Za-z0-9_-]`` (96 random bits from ``secrets``):
URL-safe, legal in a wxacode ``scene`` (at most 32 visible characters) and never
derived from a row id, so codes cannot be enumerated.
"""
from __future__ import annotations

import re
import secrets

TOKEN_LENGTH = 16
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
URL_PREFIX = {"station": "s", "deputy": "d"}
KIND_BY_PREFIX = {v: k for k, v in URL_PREFIX.items()}


def new_token() -> str:
    """A fresh random token (``secrets.token_urlsafe(12)`` is exactly 16 characters).

    Never one starting with ``-``: ``flask codes rotate -abc…`` would read it as an option.
    """
    while True:
        token = secrets.token_urlsafe(TOKEN_LENGTH * 3 // 4)
        assert len(token) == TOKEN_LENGTH
        if not token.startswith("-"):
            return token


def looks_like_token(value: str) -> bool:
    """Cheap syntax check before touching the database."""
    return bool(value) and TOKEN_RE.match(value) is not None


def code_url(public_base_url: str, kind: str, token: str) -> str:
    """The URL printed in the plain QR code: ``<base>/s/<token>`` or ``<base>/d/<token>``."""
    return f"{public_base_url.rstrip('/')}/{URL_PREFIX[kind]}/{token}"
