"""The one login guard of the server-rendered pages (admin, H5, reports).

Each page family says what a visitor without a login gets (the admin login page,
WeChat's authorisation, a report page that asks to log in); everything else is the
same: a missing, expired or revoked login counts as no login, a blocked account is
refused with ``UserBlocked`` (shown by the page error handler in ``core.errors``),
and whatever the view itself raises is left to that handler too.
"""
from __future__ import annotations

from functools import wraps

from .auth import current_user
from .errors import DomainError


def page_user():
    """The logged-in person of this page request, or None.

    :raise UserBlocked: the login is valid but the account is blocked.
    """
    try:
        return current_user(optional=True)
    except DomainError as exc:
        if exc.status == 401:  # an expired, invalid or revoked login: nobody
            return None
        raise


def page_login(on_anonymous, *, pass_user: bool = False):
    """Decorator: the page needs a logged-in person.

    :param on_anonymous: ``on_anonymous()`` answers a visitor without a login.
    :param pass_user: call the view with the user as its first argument.
    """

    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            user = page_user()
            if user is None:
                return on_anonymous()
            return fn(user, *args, **kwargs) if pass_user else fn(*args, **kwargs)

        return wrapper

    return decorator
