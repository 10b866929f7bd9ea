"""What every admin page needs: the logged-in staff member, their scope, form values."""
from __future__ import annotations

from functools import wraps

from flask import flash, g, redirect, render_template, request, url_for

from ..core.errors import DomainError
from ..core.pagelogin import page_login
from ..core.pages import keep_refused
from ..core.routing import MAX_ID
from ..places.scopes import scope_of
from ..core.transaction import rollback_request


class PageError(DomainError):
    """Stop a page with a Chinese explanation (rendered by the page error handler)."""

    title = "无法打开此页面"

    def __init__(self, status: int, message: str, title: str | None = None):
        super().__init__(None, message, status)
        if title:
            self.title = title


def login_url() -> str:
    return url_for("admin.login", next=request.full_path if request.query_string else request.path)


def _to_login():
    return redirect(login_url())


def staff_required(fn):
    """The page needs a logged-in staff member (or a deputy); sets ``g.scope``.

    Deputies use the same work queue for the opinions that summoned them or came to
    their stations (notes, urging, turning one into a suggestion): what they see and
    may do comes from the same visibility rule and state machine as the API.
    Not logged in: go to the login page. Logged in without any role: a page that
    says how to get one (an invitation from the station master or the NPC office).
    A blocked account: ``UserBlocked`` reaches the page error handler.
    """

    @page_login(_to_login, pass_user=True)
    @wraps(fn)
    def wrapper(user, *args, **kwargs):
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
    """Refuse a form: flash the message and go back (POST-redirect-GET).

    The session also carries the refused form for the next page (``refused_form()``):
    the path it was posted to, what was typed and the message, so the page's script
    puts the message beside that form, open and filled in again. Without JavaScript
    the flash at the top of the page stays.
    """
    rollback_request()  # a redirect answers, but nothing the refused form began is kept
    flash(message, "error")
    keep_refused(message, target)
    return redirect(target)
