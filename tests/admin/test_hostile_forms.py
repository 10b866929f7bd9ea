"""The admin and H5 form posts get the API fuzzer's hostile corpus: every form found on
the pages a logged-in liaison, office and resident see, each field in turn given NUL, 10,000
characters, invalid UTF-8, a huge number and a value of the wrong type (the other fields
keep what the page filled in). No answer is a 5xx; a refusal (4xx) says why in Chinese."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from page_helpers import oauth_login

CORPUS = {
    "nul": "前\x00后".encode(),
    "10k": ("长" * 10_000).encode(),
    "invalid-utf8": b"\xff\xfe\xc3\x28",
    "huge-number": b"9" * 400,
    "wrong-type": b"[{}]",
}
SKIP_ACTIONS = ("logout",)  # would end the session the rest of the run needs
SKIP_LINKS = re.compile(r"export|download|\.pdf|\.xlsx|\.csv|print|logout|/files/|poster", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_PAGES = 40


class _Forms(HTMLParser):
    """POST forms (action, fields with the values the page filled in) and same-site links."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = (a.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form["fields"].setdefault(a["name"], None)
                return
            if kind != "file":
                self._form["fields"][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client, starts: list[str], prefix: str) -> dict:
    """The POST forms on pages reachable from ``starts`` under ``prefix``, one per kind
    (``/admin/codes/7/rotate`` stands for every code's; each opinion action its own):
    {(page, action, its "action" field): fields}."""
    seen, queue, forms, kinds = set(), list(starts), {}, set()
    while queue and len(seen) < MAX_PAGES:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        r = client.get(page, follow_redirects=True)
        if r.status_code != 200 or "text/html" not in r.content_type:
            continue
        page = r.request.path + (f"?{r.request.query_string.decode()}" if r.request.query_string else "")
        parser = _Forms()
        parser.feed(r.get_data(as_text=True))
        for form in parser.forms:
            action = urlsplit(urljoin(page, form["action"] or page)).path
            kind = (_shape(action), tuple(sorted(form["fields"])), form["fields"].get("action"))
            if not any(s in action for s in SKIP_ACTIONS) and kind not in kinds:
                kinds.add(kind)
                forms[(page, action, form["fields"].get("action"))] = form["fields"]
        for href in parser.links:
            target = urlsplit(urljoin(page, href))
            path = target.path + (f"?{target.query}" if target.query else "")
            if (target.path.startswith(prefix) and not SKIP_LINKS.search(path) and path not in seen
                    and _shape(path) not in {_shape(p) for p in seen | set(queue)}):
                queue.append(path)
    return forms


def _body(fields: dict, hostile: str, value: bytes) -> bytes:
    pairs = [(k, (value if k == hostile else (v or "").encode())) for k, v in fields.items()
             if v is not None or k == hostile]
    return b"&".join(quote_from_bytes(k.encode()).encode() + b"=" + quote_from_bytes(v).encode()
                     for k, v in pairs)


def _attack(client, forms: dict, value: bytes) -> tuple[int, list]:
    problems, sent = [], 0
    for (page, action, step), fields in forms.items():
        for name in fields:
            if name == "csrf_token":
                continue
            client.get(page)  # a fresh page: its CSRF token and the current version
            parser = _Forms()
            parser.feed(client.get(page).get_data(as_text=True))
            fresh = next((f["fields"] for f in parser.forms
                          if urlsplit(urljoin(page, f["action"] or page)).path == action
                          and f["fields"].get("action") == step), fields)
            r = client.post(action, data=_body(fresh, name, value),
                            content_type="application/x-www-form-urlencoded")
            sent += 1
            text = r.get_data(as_text=True)
            if r.status_code >= 500:
                problems.append((action, name, r.status_code, text[:200]))
            elif 400 <= r.status_code < 500 and not CJK.search(text):
                problems.append((action, name, r.status_code, "refusal without a Chinese message"))
    return sent, problems


def _replied(app, opinion_id: int) -> None:
    """The opinion as it stands once its unit replied (set on the row, as factories do)."""
    from liaison.core import clock
    from liaison.core.db import db
    from liaison.opinions.models import Opinion

    with app.app_context():
        row = db.session.get(Opinion, opinion_id)
        row.state, row.replied_at, row.reply_text = "replied", clock.now(), "已安排物业更换灯泡。"
        db.session.commit()


def _reception_day(app, station_id: int) -> None:
    from datetime import timedelta

    from liaison.core import clock
    from liaison.core.db import db
    from liaison.reception.models import ReceptionDay

    with app.app_context():
        db.session.add(ReceptionDay(station_id=station_id, date=clock.today() + timedelta(days=5)))
        db.session.commit()


@pytest.fixture
def logged_in(app, places, opinion, fake_wechat):
    """Three clients: a liaison (with an opinion to act on) and a district office on the
    admin pages, a resident on the H5 pages, and the forms each of them sees."""
    op = opinion()
    opinion(resident="demo-resident")
    answered = opinion(resident="demo-resident", text="楼道的灯不亮了，晚上上下楼很不方便，请尽快修理。")
    _replied(app, answered["id"])  # the resident's page shows the rating form
    _reception_day(app, places["station_id"])  # ... and the booking page its form
    staff, office, resident = app.test_client(), app.test_client(), app.test_client()
    assert oauth_login(staff, "oa-demo-liaison", "/admin/").status_code == 302
    assert oauth_login(office, "oa-demo-office", "/admin/").status_code == 302
    assert oauth_login(resident, "oa-demo-resident", "/h5/opinions").status_code == 302
    sid = places["station_id"]
    admin_forms = _crawl(staff, [f"/admin/opinions/{op['id']}", "/admin/"], "/admin/")
    office_forms = _crawl(office, ["/admin/"], "/admin/")
    h5_forms = _crawl(resident, ["/h5/", f"/h5/submit?station_id={sid}", f"/h5/stations/{sid}/book",
                                 f"/h5/opinions/{answered['id']}", "/h5/opinions", "/h5/messages",
                                 "/h5/account"], "/h5/")
    return {"liaison": (staff, admin_forms), "office": (office, office_forms), "h5": (resident, h5_forms)}


# Invalid UTF-8 and a JSON-looking value are settled by the form parsing (refused, or plain
# text by the time any database sees them): proven once, on SQLite. NUL, 10,000 characters
# and a 400-digit number reach the engine, where PostgreSQL is the stricter one (no NUL in
# text, varchar lengths, integer ranges): those run on both.
ENGINE_FREE = ("invalid-utf8", "wrong-type")


@pytest.fixture
def engine_relevant(kind, database_url):
    """Skips (before the crawl is built) an engine-free value on PostgreSQL."""
    if kind in ENGINE_FREE and not database_url.startswith("sqlite"):
        pytest.skip("settled by the form parsing, whatever the engine: run once, on SQLite")


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_hostile_values_in_every_admin_and_h5_form_field_never_answer_5xx(engine_relevant, logged_in, kind):
    total = 0
    for side, (client, forms) in logged_in.items():
        assert forms, f"no {side} forms found"
        sent, problems = _attack(client, forms, CORPUS[kind])
        assert not problems, problems
        total += sent
    assert total > 20


def test_the_h5_crawl_reaches_the_rating_and_booking_forms(logged_in):
    """The resident's forms that write: submit, book a reception and rate a reply."""
    _, forms = logged_in["h5"]
    actions = {_shape(action) for _, action, _ in forms}
    assert "/hN/opinions/N/rate" in actions, sorted(actions)  # (_shape: every number is N)
    assert "/hN/stations/N/book" in actions, sorted(actions)
    assert "/hN/submit" in actions, sorted(actions)
