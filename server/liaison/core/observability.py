"""Request ids and logs: one id per request, in the answer's ``X-Request-Id``, in every
log line the request writes and in the jobs it enqueues (and their log lines).

nginx sends its ``$request_id`` (deploy/nginx/liaison-proxy.conf), so one id runs from
nginx's access log through the app into the worker; a request without one gets a fresh
id. ``LOG_FORMAT=json`` writes one JSON object per line (python-json-logger) with
``request_id`` and ``job_id``; ``text`` (the default, for `scripts/run`) stays readable.
"""
from __future__ import annotations

import logging
import os
import re
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("liaison_request_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("liaison_job_id", default=None)
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # nginx's $request_id is 32 hex digits
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(job_id)s"


def current_request_id() -> str | None:
    return REQUEST_ID.get()


class ContextFilter(logging.Filter):
    """Puts ``request_id`` and ``job_id`` on every record ("-" outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        record.job_id = JOB_ID.get() or "-"
        return True


def configure_logging(log_format: str) -> None:
    """The root logger's handler, once per process (create_app may run more than once)."""
    root = logging.getLogger()
    if any(getattr(h, "_liaison", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                                       "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(ContextFilter())
    handler._liaison = True
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def init_app(app) -> None:
    from flask import g, request

    configure_logging(app.config["LOG_FORMAT"])

    @app.before_request
    def _take_request_id():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _VALID.match(given) else os.urandom(16).hex()
        g._request_id_token = REQUEST_ID.set(g.request_id)

    @app.after_request
    def _answer_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response

    @app.teardown_request
    def _forget_request_id(_exc=None):
        token = g.pop("_request_id_token", None)
        if token is not None:
            REQUEST_ID.reset(token)


def job_meta() -> dict:
    """What ``core.jobs.enqueue`` stores on a job: the id of the request enqueuing it."""
    request_id = REQUEST_ID.get()
    return {"request_id": request_id} if request_id else {}


def enter_job(job) -> tuple:
    """In the worker, before a job runs: its request's id (and its own) for the log lines."""
    meta = getattr(job, "meta", None) or {}
    return REQUEST_ID.set(meta.get("request_id")), JOB_ID.set(getattr(job, "id", None))


def leave_job(tokens: tuple) -> None:
    REQUEST_ID.reset(tokens[0])
    JOB_ID.reset(tokens[1])
