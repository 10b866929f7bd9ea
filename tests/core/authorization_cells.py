"""The vocabulary of the authorization matrix: who is in which group, what an answer
may be expected to be, and how one cell (route × identity × client) is called.

Expected answers are plain statuses (``200``, ``404``…) or, for answers whose status
alone says nothing, a redirect to the login (``LOGIN``, ``WECHAT_LOGIN``), a redirect
elsewhere (``To``) or the flash message a form's redirect carries (``Flash``): a
refused and an accepted form post both answer 302, the message tells them apart. A
form that is rendered again when refused (the opinion pages' actions) is ``Shown``:
its status and the message in the page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authorization_world import IDENTITIES

ANON = "anonymous"
EVERYONE = frozenset(IDENTITIES)
LOGGED_IN = EVERYONE - {ANON}
RESIDENTS = frozenset({"resident_a", "resident_b"})
DEPUTIES = frozenset({"deputy_here", "deputy_elsewhere"})
UNITS = frozenset({"unit_assigned", "unit_other"})
OFFICES = frozenset({"office_district", "office_other", "office_city"})
STAFF = frozenset({"liaison_here", "liaison_elsewhere", "master_here"}) | OFFICES  # Scope.is_staff
WITH_ROLE = STAFF | DEPUTIES | UNITS  # may open the admin pages at all
RUNS_HERE = frozenset({"liaison_here", "master_here", "office_district", "office_city"})
RUNS_ELSEWHERE = frozenset({"liaison_elsewhere", "office_other", "office_city"})
OVER_YUELU = frozenset({"office_district", "office_city"})
OVER_TIANXIN = frozenset({"office_other", "office_city"})
INVITES_HERE = frozenset({"master_here", "office_district", "office_city"})
SEES_A = frozenset({"resident_a", "deputy_here", "unit_assigned"}) | RUNS_HERE
SEES_B = frozenset({"resident_b", "deputy_elsewhere"}) | RUNS_ELSEWHERE
READS_DEPUTY_HERE = frozenset({"deputy_here"}) | RUNS_HERE  # the demo deputy's duty record


@dataclass(frozen=True)
class Got:
    status: int
    location: str = ""
    flashes: tuple = ()
    body: str = ""  # a page answered over the cookie (not a redirect)

    def __str__(self):
        text = str(self.status)
        if self.location:
            text += f" → {self.location}"
        for category, message in self.flashes:
            text += f" [{category}: {message}]"
        return text


@dataclass(frozen=True)
class To:
    """A redirect to ``path`` (the query aside), or to any path under it with ``under``."""

    path: str
    under: bool = False

    def matches(self, got: Got) -> bool:
        target = urlsplit(got.location).path
        return got.status in (301, 302, 303, 307, 308) and (
            target.startswith(self.path) if self.under else target == self.path)

    def __str__(self):
        return f"redirect → {self.path}" + ("…" if self.under else "")


@dataclass(frozen=True)
class Flash:
    """A form post's redirect carrying a flash of ``category`` that contains ``text``."""

    category: str
    text: str

    def matches(self, got: Got) -> bool:
        return got.status == 302 and any(c == self.category and self.text in m for c, m in got.flashes)

    def __str__(self):
        return f"302 [{self.category}: …{self.text}…]"


@dataclass(frozen=True)
class Shown:
    """A page answered with ``status`` that says ``text`` (a refused form shown again)."""

    status: int
    text: str

    def matches(self, got: Got) -> bool:
        return got.status == self.status and self.text in got.body

    def __str__(self):
        return f"{self.status} page […{self.text}…]"


@dataclass(frozen=True)
class Status:
    code: int

    def matches(self, got: Got) -> bool:
        return got.status == self.code

    def __str__(self):
        return str(self.code)


class _Any4xx:
    def matches(self, got: Got) -> bool:
        return 400 <= got.status < 500

    def __str__(self):
        return "4xx"


# API routes the admin and H5 pages fetch with the session cookie (images, poster batches).
BROWSER_FETCHES = ("/api/v1/codes/", "/api/v1/deputies/", "/api/v1/poster-batches/", "/api/v1/regions/",
                   "/uploads/", "/api/v1/reply-attachments/", "/api/v1/opinions.xlsx", "/api/v1/opinions/<int:opinion_id>/assignment.pdf",
                   "/api/v1/stats/regions/<int:region_id>/report.pdf",
                   "/api/v1/consultations/<int:consultation_id>/comments.")
LOGIN = To("/admin/login")
WECHAT_LOGIN = To("/oauth/wechat")
ANY_4XX = _Any4xx()


def expect(default, *groups, anon=None) -> dict:
    """identity -> expected answer: ``default``, then each (identities, answer) in order,
    then ``anon`` for the anonymous caller (when given)."""
    wrap = lambda value: Status(value) if isinstance(value, int) else value  # noqa: E731
    table = {name: wrap(default) for name in EVERYONE}
    for names, value in groups:
        assert names <= EVERYONE, names - EVERYONE
        table.update({name: wrap(value) for name in names})
    if anon is not None:
        table[ANON] = wrap(anon)
    return table


@dataclass
class Row:
    """One route (``rule`` as in ``app.url_map``) called with concrete arguments.

    ``url`` and string values of ``json``/``form`` are formatted with the world's ids;
    ``files`` are (name, bytes) pairs sent with the form; ``fresh`` calls from a copy
    of the browser (for logout, which would end the session the other cells use).
    """

    method: str
    rule: str
    url: str
    expect: dict
    label: str = ""
    json: dict | None = None
    form: dict | None = None
    files: dict = field(default_factory=dict)
    fresh: bool = False

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule}" + (f" [{self.label}]" if self.label else "")

    @property
    def transports(self) -> tuple[str, ...]:
        """Pages: the browser's cookie. API and files: the mini-program's token, and the
        cookie too where a browser session reaches them (what the pages' images and
        scripts fetch, and every state-changing request) and the answer depends on who
        asks."""
        if not self.rule.startswith(("/api/", "/uploads/")):
            return ("cookie",)
        browser = self.method != "GET" or self.rule.startswith(BROWSER_FETCHES)
        return ("bearer", "cookie") if browser and len({str(v) for v in self.expect.values()}) > 1 else ("bearer",)


def _fill(value, ids: dict):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def call(app, world, row: Row, transport: str, identity: str) -> Got:
    """Send ``row``'s request as ``identity`` over ``transport``; what came back."""
    caller = world.callers[identity]
    cookie = transport == "cookie"
    client = caller.cookie if cookie else caller.bearer
    if cookie and row.fresh:
        client = caller.clone_cookie(app)
    kwargs, unsafe = {}, row.method not in ("GET", "HEAD")
    if row.json is not None:
        kwargs["json"] = _fill(row.json, world.ids)
    if row.form is not None or row.files:
        data = _fill(row.form or {}, world.ids)
        data.update({k: (io.BytesIO(content), name) for k, (name, content) in row.files.items()})
        if cookie and unsafe:
            data["csrf_token"] = caller.csrf
        kwargs["data"] = data
    headers = {"X-CSRF-Token": caller.csrf} if cookie and unsafe and "data" not in kwargs else {}  # as pages.js
    r = client.open(_fill(row.url, world.ids), method=row.method, headers=headers, **kwargs)
    flashes = ()
    if cookie and r.status_code == 302:
        with client.session_transaction() as session:
            flashes = tuple(tuple(f) for f in session.pop("_flashes", []))
    if cookie and row.fresh:
        caller.log_in_again(IDENTITIES[identity][0])
    html = cookie and r.mimetype == "text/html"
    return Got(r.status_code, r.headers.get("Location", ""), flashes, r.get_data(as_text=True) if html else "")
