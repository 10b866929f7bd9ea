"""Domain errors and the one place they become answers.

Every refusal meant for a person is a ``DomainError``: an HTTP status, a machine
``code`` and a Chinese message (plus optional ``details``). Capabilities raise it, or
a subclass of it (``opinions.errors.WorkflowError``, ``users.errors.RoleError``,
``places.importer.ImportFailed`` ...); nobody converts one type into another.

``register_error_handlers`` (called once by ``create_app``) turns them into answers:

- API requests get the one JSON shape ``{"error": {"code", "message", "details"?}}``;
- page requests (routes of a blueprint declared with ``page_layout``) get the page's
  own layout showing the Chinese message, with the error's status;
- ``HTTPException`` (404, 405, 413 ...) and APIFlask's validation errors take the same
  two paths; anything unexpected is logged and answers 500 without a stack trace.

This module imports Flask only inside the functions that answer requests, so the
pure domain modules (``opinions.workflow``) can raise these errors without it.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

DEFAULT_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "您没有权限进行此操作"),
    404: ("not_found", "您要找的内容不存在"),
    405: ("method_not_allowed", "不支持该请求方式"),
    409: ("conflict", "内容已被他人更新，请刷新后重试"),
    410: ("gone", "该内容已失效"),
    413: ("payload_too_large", "提交的内容太大了"),
    415: ("unsupported_media_type", "不支持的文件类型"),
    422: ("validation_error", "填写的内容有误，请检查后重试"),
    429: ("rate_limited", "操作太频繁，请稍后再试"),
    500: ("internal_error", "系统开小差了，请稍后再试"),
    503: ("unavailable", "服务暂时不可用，请稍后再试"),
}
PAGE_TITLE = "无法完成"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PAGE_LAYOUTS = "liaison_page_layouts"  # app.extensions key: blueprint name -> (template, context)


class DomainError(Exception):
    """A refusal meant for a person: machine ``code``, Chinese message, HTTP ``status``.

    :param code: the machine code (default: the subclass's ``code``, else the status's).
    :param message_zh: what the person reads (default: the status's message).
    :param status: the HTTP status (default: the subclass's ``status``, 400).
    :param details: extra JSON, e.g. ``fields={"text": ["必填"]}`` (422 forms).

    ``title`` is the heading of the error page when the refusal stops a page.
    """

    status: int = 400
    code: str | None = None
    title: str = PAGE_TITLE

    def __init__(self, code: str | None = None, message_zh: str | None = None,
                 status: int | None = None, **details):
        status = status or type(self).status
        default_code, default_message = DEFAULT_MESSAGES.get(status, ("error", "请求失败"))
        message = message_zh or default_message
        super().__init__(message)
        self.status = status
        self.code = code or type(self).code or default_code
        self.message = message
        self.details = details

    def to_dict(self) -> dict:
        """The JSON error body."""
        body = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ApiError(DomainError):
    """A ``DomainError`` spelt status first: ``ApiError(404, "not_found", "…", details)``."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 details: dict | None = None):
        super().__init__(code, message, status, **(details or {}))


def error_response(status: int, code: str, message: str, details: dict | None = None):
    from flask import jsonify

    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    resp = jsonify(body)
    resp.status_code = status
    return resp


def page_layout(app, blueprint: str, template: str, context=None) -> None:
    """Declare ``blueprint``'s routes as pages: a ``DomainError`` (or HTTP error) raised in
    them renders ``template`` with ``status``, ``code``, ``title`` and ``message``.

    :param context: optional ``context(error) -> dict`` of further template values.
    """
    app.extensions.setdefault(PAGE_LAYOUTS, {})[blueprint] = (template, context)


def _wants_json() -> bool:
    """API paths, JSON bodies and page scripts (they send the CSRF header) read JSON."""
    from flask import request

    return (request.path.startswith("/api/") or request.is_json
            or bool(request.headers.get("X-CSRF-Token")))


def _layout():
    """The page layout of this request's route, or None for an API answer."""
    from flask import current_app, request

    if _wants_json():
        return None
    return current_app.extensions.get(PAGE_LAYOUTS, {}).get(request.blueprint)


def answer(err: DomainError):
    """The response for ``err``: the route's page layout, or the JSON shape."""
    layout = _layout()
    if layout is None:
        return error_response(err.status, err.code, err.message, err.details)
    from flask import render_template

    template, context = layout
    values = {"status": err.status, "code": err.code, "title": err.title, "message": err.message}
    if context is not None:
        values.update(context(err))
    return render_template(template, **values), err.status


def _http_error(status: int, message: str | None = None, details: dict | None = None):
    code, default = DEFAULT_MESSAGES.get(status, ("error", "请求失败"))
    return answer(ApiError(status, code, message or default, details))


def _database_unreachable(err: Exception) -> bool:
    """A lost or refused database connection (not a bug in a statement)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    return isinstance(err, (OperationalError, InterfaceError)) or (
        isinstance(err, DBAPIError) and err.connection_invalidated)


def register_error_handlers(app) -> None:
    """Install the app's error handling: the request checks and the one conversion."""
    from flask import request
    from werkzeug.exceptions import HTTPException

    @app.before_request
    def _limit_json_size():
        """JSON bodies are small; files have their own (larger) MAX_CONTENT_LENGTH."""
        if request.is_json and (request.content_length or 0) > app.config["MAX_JSON_BYTES"]:
            raise ApiError(413, "payload_too_large", "提交的内容太长了")

    @app.before_request
    def _refuse_nul_characters():
        """PostgreSQL text cannot hold NUL (U+0000), and no real input has one: refuse
        it in the query, form fields and JSON bodies before it reaches a query as a 500 (a path
        segment is an int id or a code token, which codes/ checks itself: 404).
        The JSON body is parsed here first (and cached for the views)."""
        if not request.query_string and not request.content_type:
            return  # no query and no body to parse (a scan): nothing to look at
        if request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # nested deeper than the parser's stack: never a real form
                raise ApiError(400, "bad_request", DEFAULT_MESSAGES[400][1]) from None
        else:
            body = None
        form = request.form.items(multi=True) if request.mimetype in FORM_TYPES else ()
        if (_scan_json(body)
                or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True))
                or any("\x00" in k or "\x00" in v for k, v in form)):
            raise ApiError(400, "bad_request", "内容中含有无法识别的字符，请检查后重试")

    app.register_error_handler(DomainError, answer)

    def _lost_race(err: Exception):
        """A stale version or a taken unique key at a flush: the one 409 (core/transaction)."""
        from . import transaction

        transaction.rollback()
        if not transaction.is_conflict(err):
            return _unexpected(err)
        return answer(transaction.Conflict())

    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    app.register_error_handler(StaleDataError, _lost_race)
    app.register_error_handler(IntegrityError, _lost_race)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):  # pragma: no cover - the processor below answers
            return _http_error(err.code or 500)
        from .db import db
        try:
            db.session.rollback()
        except Exception:  # pragma: no cover
            pass
        if _database_unreachable(err):
            # The connection died under the request (server restarted, backend terminated)
            # or SQLite stayed locked past its timeout:
            # the transaction is gone, nothing was written; the pool replaces the connection.
            log.warning("database connection lost during the request: %s", err)
            return _http_error(503, "数据库暂时不可用，本次操作未保存，请稍后重试")
        log.exception("unhandled error")
        return _http_error(500)

    def _http_processor(error):
        """Werkzeug's HTTP errors and APIFlask's (validation among them), in our shape.

        APIFlask routes every ``HTTPException`` through its error processor, so this is
        where a 404 or 405 is answered."""
        status = error.status_code
        if status in (400, 422) and error.detail:
            fields = {}
            for location, errs in error.detail.items():
                if isinstance(errs, dict):
                    fields.update(errs)
            return _http_error(422, details={"fields": fields})
        return _http_error(status, error.message if _is_chinese(error.message) else None)

    app.error_processor(_http_processor)


MAX_JSON_DEPTH = 32  # real bodies nest two or three levels
INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1


def _scan_json(value) -> bool:
    """Check a parsed JSON body: whether any string (keys too) holds U+0000. No recursion, so
    a body nested as deep as the parser allows cannot overflow the stack here.

    :raise ApiError: 400 when the value nests deeper than MAX_JSON_DEPTH (a parse in the
        views, a few frames further down the stack, could hit the recursion limit);
        422 naming the top-level field for an integer outside the database's 32-bit range.
    """
    stack = [(value, 0, None)]  # (item, depth, the top-level field it sits under)
    while stack:
        item, depth, field = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, int) and not isinstance(item, bool) and not INT_MIN <= item <= INT_MAX:
            # Every number in our API is an id, a count or a version: a database integer.
            raise ApiError(422, "validation_error", DEFAULT_MESSAGES[422][1],
                           {"fields": {field or "_": ["数字超出范围"]}})
        elif isinstance(item, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                raise ApiError(400, "bad_request", DEFAULT_MESSAGES[400][1])
            if isinstance(item, dict):
                stack.extend((k, depth + 1, field or str(k)) for k in item.keys())
                stack.extend((v, depth + 1, field or str(k)) for k, v in item.items())
            else:
                stack.extend((child, depth + 1, field) for child in item)
    return False


def _is_chinese(text) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in str(text))
