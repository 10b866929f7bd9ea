"""What every admin page needs: the logged-in staff member, their scope, errors as pages."""
from __future__ import annotations

from functools import wraps

from flask import flash, g, redirect, render_template, request, url_for

from ..core.auth import UserBlocked, current_user
from ..core.scopes import scope_of
from ..core.errors import ApiError
from ..core.routing import MAX_ID


class PageError(Exception):
    """Stop a page with a Chinese explanation (rendered by ``error.html``)."""

    def __init__(self, status: int, message: str, title: str = "无法打开此页面"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


def error_page(status: int, message: str, title: str = "无法打开此页面", template: str = "admin/error.html"):
    return render_template(template, status=status, message=message, title=title), status


def login_url() -> str:
    return url_for("admin.login", next=request.full_path if request.query_string else request.path)


def staff_required(fn):
    """The page needs a logged-in staff member (or a deputy); sets ``g.scope``.

    Deputies use the same work queue for the opinions that summoned them or came to
    their stations (notes, urging, turning one into a suggestion): what they see and
    may do comes from the same visibility rule and state machine as the API.
    Not logged in: go to the login page. Logged in without any role: a page that
    says how to get one (an invitation from the station master or the NPC office).
    A blocked account: ``UserBlocked`` reaches the blueprint's page for it.
    """

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            user = current_user(optional=True)
        except UserBlocked:
            raise
        except ApiError:
            user = None
        if user is None:
            return redirect(login_url())
        scope = scope_of(user)
        if not scope.has_any_role:
            return render_template("admin/no_access.html", user=user), 403
        g.scope = scope
        return fn(*args, **kwargs)

    return wrapper


def form_text(name: str, max_len: int = 500) -> str:
    return (request.form.get(name) or "").strip()[:max_len]


def _id(value: str) -> int | None:
    """A non-negative number that fits an id column (larger ones name no row)."""
    value = value.strip()
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def form_int(name: str) -> int | None:
    return _id(request.form.get(name) or "")


def arg_int(name: str) -> int | None:
    return _id(request.args.get(name) or "")


def done(message: str, target: str):
    """Flash a success message and go back (POST-redirect-GET)."""
    flash(message, "success")
    return redirect(target)


def failed(message: str, target: str):
    flash(message, "error")
    return redirect(target)
