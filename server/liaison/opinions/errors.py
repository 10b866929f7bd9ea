"""Why the workflow refused an action: one class per HTTP meaning.

Each error is a ``core.errors.DomainError``: ``status``, a machine ``code``, a Chinese
``message`` and optional ``details``, answered by the app's one error handler as the
JSON error shape (or as a page). Nothing here imports Flask.
"""
from __future__ import annotations

from ..core.errors import DomainError


class WorkflowError(DomainError):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(None, message, **(details or {}))


class NotAllowed(WorkflowError):
    """The caller's role may not take this action on this opinion (403)."""

    status = 403
    code = "forbidden"


class InvalidTransition(WorkflowError):
    """The action is not valid in the opinion's current state (409)."""

    status = 409
    code = "invalid_transition"


class PayloadError(WorkflowError):
    """The action's fields are missing or wrong (422).

    ``details`` is ``{"fields": {name: [message, ...]}}`` as in docs/API.md.
    """

    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]], message: str | None = None):
        first = next(iter(fields.values()))[0] if fields else "填写的内容有误，请检查后重试"
        super().__init__(message or first, {"fields": fields})
        self.fields = fields


class MissingField(PayloadError):
    """A required field is absent or empty (422)."""


class InvalidField(PayloadError):
    """A field is present but its value is not acceptable (422)."""


class UnknownAction(PayloadError):
    """The action name is not one the workflow knows (422)."""

    def __init__(self, action: object):
        super().__init__({"action": [f"未知的操作：{action}"]})
