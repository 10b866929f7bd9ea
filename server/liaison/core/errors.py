"""The one JSON error shape: {"error": {"code", "message", "details"?}}.

Every 4xx/5xx leaves the app through here; a 500 never carries a stack trace.
"""
from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

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


class ApiError(Exception):
    """An error meant for the client: status, machine code, Chinese message."""

    def __init__(self, status: int, code: str | None = None, message: str | None = None,
                 details: dict | None = None):
        default_code, default_message = DEFAULT_MESSAGES.get(status, ("error", "请求失败"))
        super().__init__(message or default_message)
        self.status = status
        self.code = code or default_code
        self.message = message or default_message
        self.details = details


def error_response(status: int, code: str, message: str, details: dict | None = None):
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    resp = jsonify(body)
    resp.status_code = status
    return resp


def register_error_handlers(app) -> None:
    from flask import request

    @app.before_request
    def _limit_json_size():
        """JSON bodies are small; files have their own (larger) MAX_CONTENT_LENGTH."""
        if request.is_json and (request.content_length or 0) > app.config["MAX_JSON_BYTES"]:
            raise ApiError(413, "payload_too_large", "提交的内容太长了")

    @app.before_request
    def _refuse_nul_characters():
        """PostgreSQL text cannot hold NUL (U+0000), and no real input has one: refuse
        it in the query and JSON bodies before it reaches a query as a 500 (a path
        segment is an int id or a code token, which codes/ checks itself: 404).
        The JSON body is parsed here first (and cached for the views)."""
        if request.is_json:
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # nested deeper than the parser's stack: never a real form
                raise ApiError(400, "bad_request", DEFAULT_MESSAGES[400][1]) from None
        else:
            body = None
        if (_scan_json(body)
                or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True))):
            raise ApiError(400, "bad_request", "内容中含有无法识别的字符，请检查后重试")

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return error_response(err.status, err.code, err.message, err.details)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        status = err.code or 500
        code, message = DEFAULT_MESSAGES.get(status, ("error", "请求失败"))
        return error_response(status, code, message)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):  # pragma: no cover - handled above
            return _http_error(err)
        log.exception("unhandled error")
        from .db import db
        try:
            db.session.rollback()
        except Exception:  # pragma: no cover
            pass
        code, message = DEFAULT_MESSAGES[500]
        return error_response(500, code, message)

    def _validation_processor(error):
        """APIFlask validation errors (and its HTTPError) in our shape."""
        status = error.status_code
        if status in (400, 422) and error.detail:
            fields = {}
            for location, errs in error.detail.items():
                if isinstance(errs, dict):
                    fields.update(errs)
            return error_response(422, "validation_error", DEFAULT_MESSAGES[422][1],
                                  {"fields": fields})
        code, message = DEFAULT_MESSAGES.get(status, ("error", "请求失败"))
        return error_response(status, code, error.message if _is_chinese(error.message) else message)

    app.error_processor(_validation_processor)


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
