"""No secret reaches a log line: signed photo links, OAuth codes, invitation codes.

Some secrets travel in URLs by necessity: ``/uploads/<id>?t=<signed token>`` (the
mini-program's ``<image>`` cannot send headers), the OAuth callback's ``code`` and
``state``, an invitation's code in ``/admin/invite/<code>`` and ``/admin/invites?new=``,
and WeChat's ``access_token``, ``secret`` and ``js_code`` on outgoing calls. ``redact``
replaces their values with ``***`` in any text (also inside an URL-encoded ``next=``);
``RedactingFilter`` applies it to log records (werkzeug's request log under
``flask run``, urllib3's debug lines, the app's own loggers); ``accesslog.GunicornLogger``
to every value of gunicorn's access log (server/gunicorn.conf.py selects it).
"""
from __future__ import annotations

import logging
import re

MASK = "***"
SECRET_PARAMS = ("code", "state", "t", "new", "access_token", "secret", "js_code")
_NAMES = "|".join(SECRET_PARAMS)
# ``?code=…``, also URL-encoded whole or in part inside another parameter (``next=``).
_PARAM = re.compile(rf"((?:[?&;]|%3F|%26)(?:{_NAMES})(?:=|%3D))(?:(?!%26)[^&;\s\"'#])*",
                    re.IGNORECASE)
_INVITE_PATH = re.compile(r"((?:/|%2F)admin(?:/|%2F)invite(?:/|%2F))(?!\*\*\*)[^/?\s\"'#%&]+",
                          re.IGNORECASE)
LOGGERS = ("werkzeug", "urllib3.connectionpool", "gunicorn.error", "liaison")


def redact(text: str) -> str:
    """``text`` with the values of secret URL parameters and invitation paths masked."""
    if not text or ("=" not in text and "%3" not in text.upper() and "invite" not in text):
        return text
    text = _PARAM.sub(rf"\g<1>{MASK}", text)
    return _INVITE_PATH.sub(rf"\g<1>{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message through ``redact`` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def install(logger_names=LOGGERS) -> None:
    """Put one ``RedactingFilter`` on each named logger (idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
