"""The one place the database session commits.

Operations only ``db.session.flush()``; the unit of work around them commits:

- a request: ``install(app)`` (called by ``create_app``) commits when the view's answer
  is below 400 and rolls back on an error answer or an exception (a view may call
  ``rollback_request()`` to discard its writes while answering 2xx/3xx);
- a job: ``core.jobs.with_app`` runs each job inside ``unit_of_work()``;
- a CLI command or any other app context (a script, a test block): the app context's
  end commits, or rolls back when it ends with an exception;
- ``checkpoint()`` commits in the middle where that is the point: a delivery lease taken
  before the HTTP call to WeChat, a job's progress that must stay visible while it runs.

A lost race is one policy: a stale version (``StaleDataError``) or a unique violation
(``IntegrityError`` on a unique key) becomes ``Conflict`` (409, code ``conflict``),
whether it shows at a flush in the view or at the request's commit.
``retry_on_race(write)`` re-runs a write once (in a savepoint) when a unique key shows
another request created the same row first.

``after_commit(fn)`` registers a callback run only after the next successful commit
(the outbox kick, cache invalidation); a rollback discards it.

(The fake WeChat server in ``wechat/fake`` is a separate program with its own store.)
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .db import db
from .errors import DomainError

log = logging.getLogger(__name__)

HOOKS = "liaison_after_commit"  # session.info key: callbacks for the next commit
DISCARD = "liaison_rollback_request"  # flask.g key: the view asked for a rollback


class Conflict(DomainError):
    """Another request changed or created the same thing first."""

    status = 409
    code = "conflict"

    def __init__(self, message_zh: str | None = None, code: str | None = None):
        super().__init__(code, message_zh or "操作冲突，请刷新后重试")


def is_unique_violation(exc: BaseException) -> bool:
    """Whether ``exc`` is an ``IntegrityError`` on a unique key (PostgreSQL or SQLite)."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None):
        return (getattr(orig, "sqlstate", None) or orig.pgcode) == "23505"
    text = str(orig)
    return "UNIQUE constraint failed" in text or "duplicate key" in text


def is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, StaleDataError) or is_unique_violation(exc)


def after_commit(fn) -> None:
    """Run ``fn()`` after the session's next successful commit (never after a rollback)."""
    db.session.info.setdefault(HOOKS, []).append(fn)


def _run_hooks(hooks) -> None:
    for fn in hooks:
        try:
            fn()
        except Exception:  # a hook is best effort: the data is already committed
            log.exception("after-commit hook failed")


def checkpoint(expire: bool = True) -> None:
    """Commit what the session holds now, then run the after-commit hooks.

    A failed commit is rolled back and re-raised as it came (a request answers a lost
    race with ``Conflict``; a job may catch ``StaleDataError`` and try the next run).

    :param expire: False keeps what the session loaded and wrote readable without
        loading it again (for a caller that answers with the rows it just wrote).
    """
    session = db.session()
    hooks = session.info.pop(HOOKS, [])
    kept = session.expire_on_commit
    session.expire_on_commit = kept and expire
    try:
        session.commit()
    except BaseException:
        rollback()
        raise
    finally:
        session.expire_on_commit = kept
    _run_hooks(hooks)


def _holds_work(session) -> bool:
    """The session has begun a transaction, holds changes or has after-commit hooks."""
    return bool(session.info.get(HOOKS) or session.new or session.dirty or session.deleted
                or session.in_transaction())


def rollback() -> None:
    """Discard the session's uncommitted writes (and its after-commit hooks)."""
    db.session.rollback()
    db.session.info.pop(HOOKS, None)


@contextmanager
def unit_of_work():
    """Commit at the end of the block; roll back when it raises."""
    try:
        yield db.session
    except BaseException:
        rollback()
        raise
    checkpoint()


def transactional(fn):
    """Run ``fn`` as one unit of work (a job or a command)."""
    from functools import wraps

    @wraps(fn)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper


@contextmanager
def savepoint():
    """Undo only this block's writes when it raises (earlier writes of the unit stay).

    SQLite's driver opens its transaction at the first write, and a SAVEPOINT opened
    before that would commit at its release; with nothing written yet a full rollback
    loses nothing, so that case needs no savepoint."""
    session = db.session
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        try:
            yield
            session.flush()
        except BaseException:
            rollback()
            raise
        return
    with session.begin_nested():
        yield
        session.flush()


def guarded(write=None, message_zh: str | None = None):
    """Run ``write()`` and flush; a lost race (a stale version or a taken unique key)
    undoes just this write and is ``Conflict`` with ``message_zh``."""
    try:
        with savepoint():
            return write() if write is not None else None
    except (StaleDataError, IntegrityError) as exc:
        if not is_conflict(exc):
            raise
        raise Conflict(message_zh) from exc


def retry_on_race(write, message_zh: str | None = None, code: str | None = None):
    """Run ``write()`` (undone alone when it fails); when a unique key shows a concurrent
    request made the same row first, run it once more (it now finds that row). A second
    collision is ``Conflict`` (409), never a 500."""
    for attempt in range(2):
        try:
            with savepoint():
                return write()
        except IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
            if attempt:
                log.warning("a write collided twice with a concurrent request")
                raise Conflict(message_zh, code) from exc
    raise AssertionError("unreachable")


def rollback_request() -> None:
    """Answer this request without keeping its writes."""
    from flask import g

    setattr(g, DISCARD, True)


@event.listens_for(Session, "after_soft_rollback")
def _discard_hooks(session, previous_transaction):
    if previous_transaction.parent is None:  # the outer transaction: its hooks are void
        session.info.pop(HOOKS, None)


def install(app) -> None:
    """The request's unit of work (``create_app`` calls it last, so its ``after_request``
    runs before the others see the final answer). A lost race raised in a view is
    answered by ``core.errors`` with ``Conflict`` too."""
    from flask import g

    from .errors import answer

    @app.after_request
    def _commit_request(response):
        if not db.session.registry.has():
            return response  # no session was opened (a scan answered from Redis): nothing to end
        if response.status_code >= 400 or g.pop(DISCARD, False):
            rollback()
            return response
        if not _holds_work(db.session()):
            return response  # nothing read or written: no commit
        try:
            checkpoint()
        except (StaleDataError, IntegrityError) as exc:
            if not is_conflict(exc):
                raise
            return app.make_response(answer(Conflict()))
        return response

    @app.teardown_request
    def _rollback_failed_request(exc):
        if exc is not None and db.session.registry.has():
            rollback()

    @app.teardown_appcontext
    def _end_of_context(exc):
        """A command, a script or a test block: its end commits (or rolls back)."""
        if not db.session.registry.has():
            return  # the context never opened a session
        if exc is not None:
            rollback()
            return
        session = db.session()
        if _holds_work(session):
            # The session ends here: what it loaded stays readable, as it did before.
            session.expire_on_commit = False
            checkpoint()
