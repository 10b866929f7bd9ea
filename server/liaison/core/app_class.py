"""The app class: APIFlask with the per-request work a scan rush notices trimmed.

A scan answered from Redis costs one round trip; what else it costs is Flask's own
work per request, and two pieces of it are repeated for nothing:

- ``ensure_sync`` asks ``inspect.iscoroutinefunction`` of every hook and view on
  every request (15 hooks here); the answer never changes for a function, so it is
  kept (weakly: a request's own ``after_this_request`` closure goes with it).
- The cookie session builds its signing serializer (key derivation and all) on every
  request, even one that carries no session cookie, as every scan from the
  mini-program does. ``SessionInterface`` opens an empty session without it and keeps
  one serializer per key.

Nothing else differs from APIFlask and Flask's ``SecureCookieSessionInterface``
(``tests/core/test_app_class.py``).
"""
from __future__ import annotations

from weakref import WeakSet

from apiflask import APIFlask
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, without the serializer for a request with no cookie."""

    def __init__(self):
        self._serializers: dict = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = app.secret_key  # (Flask's key fallbacks are read when one is built; none are set here)
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {key: serializer}  # a changed key replaces the old one
        return serializer

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class LiaisonApp(APIFlask):
    """APIFlask with ``ensure_sync`` remembered per function and the session above."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_interface = SessionInterface()  # one per app: its own key
        # The functions known to be plain (not coroutines), held weakly: a request's own
        # after_this_request closure goes with it. A coroutine is wrapped each time, as in Flask.
        self._sync: WeakSet = WeakSet()

    def ensure_sync(self, func):
        try:
            if func in self._sync:
                return func
        except TypeError:  # a callable that takes no weak reference: asked each time
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if made is func:
            self._sync.add(func)
        return made
