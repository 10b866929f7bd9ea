"""The world of the authorization matrix (test_authorization_matrix.py), built once per
module: the demo's Changsha, one opinion "here" and one "elsewhere", and thirteen
identities logged in the way real clients do.

"Here" is the demo station in 岳麓区 (望月湖街道); "elsewhere" is the central station of
天心区坡子街街道. Resident A's opinion is here: it summons the demo deputy, carries a
photo and is assigned to the "assigned" unit (after an assignment to the "other" unit
was withdrawn). Resident B's opinion is elsewhere. The elsewhere deputy sat here once
(a membership that ended in 2001).

Each identity has two clients: ``bearer`` (the mini-program: a token from
``/api/v1/auth/wechat``, no cookies) and ``cookie`` (a browser inside WeChat: the
official-account OAuth round trip through the fake WeChat, the session cookie, the
page's CSRF token). Every identity comes from its own address, as phones do.
"""
from __future__ import annotations

import io
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import factories
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "admin"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "opinions"))

from opinion_helpers import jpeg  # noqa: E402
from page_helpers import WECHAT_UA, csrf_of, oauth_login  # noqa: E402

ELSEWHERE_STATION = "长沙市天心区坡子街街道人大代表联络站"
# identity -> (mini-program openid, role on a place); demo accounts exist already.
IDENTITIES = {
    "anonymous": (None, None),
    "resident_a": ("demo-resident", None),
    "resident_b": ("demo-resident2", None),
    "deputy_here": ("demo-deputy", None),
    "deputy_elsewhere": ("mx-deputy-elsewhere", None),
    "liaison_here": ("demo-liaison", None),
    "liaison_elsewhere": ("mx-liaison-elsewhere", ("liaison", "station", ELSEWHERE_STATION)),
    "master_here": ("demo-master", None),
    "unit_assigned": ("demo-unit", None),
    "unit_other": ("mx-unit-other", ("unit", "unit", "岳麓区教育局")),
    "office_district": ("demo-office", None),
    "office_other": ("mx-office-other", ("office", "region", "天心区")),
    "office_city": ("mx-office-city", ("office", "region", "长沙市")),
}


@dataclass
class Caller:
    """One identity's two clients and the CSRF token of its browser session."""

    name: str
    bearer: object
    cookie: object
    csrf: str
    token: str | None = None

    def log_in_again(self, openid: str | None) -> None:
        """Log the browser in again: a logout ends every browser session of the person
        on the server (``users.operations.log_out``), so the next rows need a new one."""
        if openid:
            r = oauth_login(self.cookie, "oa-" + openid, "/h5/")
            assert r.status_code == 302, (self.name, r.status_code)
            self.csrf = csrf_of(self.cookie.get("/h5/").get_data(as_text=True))

    def clone_cookie(self, app):
        """A second browser with the same session (for logout)."""
        other = app.test_client()
        other.environ_base.update(self.cookie.environ_base)
        session = self.cookie.get_cookie("session")
        if session is not None:
            other.set_cookie("session", session.value)
        return other


@dataclass
class World:
    ids: dict = field(default_factory=dict)  # name -> id (or token, code, URL) the rows fill in
    callers: dict = field(default_factory=dict)  # identity -> Caller
    digest: dict = field(default_factory=dict)  # what the tables held before the matrix ran


def _user(db, openid: str):
    from liaison.users.models import User

    user = db.session.query(User).filter_by(mp_openid=openid).first()
    if user is None:
        user = factories.user(db.session, openid, oa_openid="oa-" + openid, unionid="u-" + openid)
    return user


def _places(db) -> dict:
    """Ids of the places and people the rows name."""
    from liaison.places.models import Membership, Region, Station

    demo = factories.demo_ids(db.session)
    elsewhere = db.session.query(Station).filter_by(name=ELSEWHERE_STATION).one()
    tianxin = db.session.query(Region).filter_by(name="天心区").one()
    # Deputies who sit only in 天心区 (no cross membership into 岳麓区).
    only_tianxin = [m.deputy_id for m in db.session.query(Membership).filter_by(station_id=elsewhere.id)
                    if all(o.station.region.path.startswith(tianxin.path) for o in m.deputy.memberships)]
    unit = demo["units"]
    return {"here": demo["station_id"], "elsewhere": elsewhere.id, "deputy": demo["deputy_id"],
            "unit": unit["岳麓区住房和城乡建设局"], "unit_other": unit[IDENTITIES["unit_other"][1][2]],
            "deputy_elsewhere": only_tianxin[0], "colleague_elsewhere": only_tianxin[1],
            "yuelu": demo["region_id"], "tianxin": tianxin.id,
            "city": db.session.query(Region).filter_by(name="长沙市", parent_id=None).one().id}


def _people(db, ids: dict) -> None:
    """The identities the demo lacks, and a past seat of the elsewhere deputy here."""
    from liaison.places.models import Deputy, HandlingUnit, Region, Station

    models = {"station": (Station, "station_id"), "unit": (HandlingUnit, "unit_id"),
              "region": (Region, "region_id")}
    for openid, role in IDENTITIES.values():
        if openid and openid.startswith("mx-"):
            user = _user(db, openid)
            if role:
                model, column = models[role[1]]
                target = db.session.query(model).filter_by(name=role[2]).first()
                factories.staff(db.session, user, role[0], **{column: target.id})
    elsewhere = db.session.get(Deputy, ids["deputy_elsewhere"])
    elsewhere.user_id = _user(db, "mx-deputy-elsewhere").id
    # Sat here once, long ago: a former seat gives no sight of the station's opinions.
    factories.membership(db.session, elsewhere, db.session.get(Station, ids["here"]), "cross",
                         date(2000, 1, 1), ended_on=date(2001, 1, 1))
    db.session.commit()


def _fake_wechat(fake_base: str) -> None:
    """Every identity on the fake's OAuth picker and known by unionid (like the demo's)."""
    from liaison.users.demo import fake_wechat_setup

    accounts, users = fake_wechat_setup()
    for openid, _ in IDENTITIES.values():
        if openid and openid.startswith("mx-"):
            accounts.append({"openid": "oa-" + openid, "nickname": openid, "label": openid,
                             "unionid": "u-" + openid, "follows_oa": True})
            users += [{"openid": openid, "unionid": "u-" + openid, "nickname": openid},
                      {"openid": "oa-" + openid, "unionid": "u-" + openid, "follows_oa": True}]
    requests.post(f"{fake_base}/_fake/accounts", json={"accounts": accounts}, timeout=5).raise_for_status()
    for user in users:
        requests.post(f"{fake_base}/_fake/users", json=user, timeout=5).raise_for_status()


def _login(app, fake_base: str, name: str, openid: str | None, number: int) -> Caller:
    address = {"REMOTE_ADDR": f"10.20.0.{number + 1}"}
    bearer = app.test_client(use_cookies=False)
    bearer.environ_base.update(address)
    cookie = app.test_client()
    cookie.environ_base.update(address, HTTP_USER_AGENT=WECHAT_UA)
    token = None
    if openid:
        code = requests.post(f"{fake_base}/_fake/login-code", json={"openid": openid}, timeout=5).json()["code"]
        r = bearer.post("/api/v1/auth/wechat", json={"code": code})
        assert r.status_code == 200, (name, r.get_json())
        token = r.get_json()["token"]
        bearer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        r = oauth_login(cookie, "oa-" + openid, "/h5/")
        assert r.status_code == 302 and r.headers["Location"] == "/h5/", (name, r.status_code)
    return Caller(name, bearer, cookie, csrf_of(cookie.get("/h5/").get_data(as_text=True)), token)


def _opinions(callers: dict, ids: dict) -> dict:
    """Resident A's opinion here (photo, summons the deputy, assigned); B's elsewhere."""
    a, liaison = callers["resident_a"].bearer, callers["liaison_here"].bearer
    photo = a.post("/api/v1/uploads", data={"file": (io.BytesIO(jpeg()), "p.jpg")},
                   content_type="multipart/form-data")
    assert photo.status_code == 201, photo.get_json()
    text = "小区北门的路灯坏了两个星期，晚上出行很不安全，希望尽快修复。"

    def submit(client, **body):
        r = client.post("/api/v1/opinions", json={"category": "housing", "text": text, **body},
                        headers={"Idempotency-Key": str(uuid.uuid4())})
        assert r.status_code == 201, r.get_json()
        return r.get_json()["opinion"]["id"]

    op_a = submit(a, station_id=ids["here"], deputy_id=ids["deputy"], photo_ids=[photo.get_json()["id"]])
    steps = ({"action": "accept"}, {"action": "assign", "level": "district", "unit_ids": [ids["unit_other"]]},
             {"action": "assign", "level": "district", "unit_ids": [ids["unit"]]})  # the first one withdrawn
    for body in steps:
        r = liaison.post(f"/api/v1/opinions/{op_a}/transitions", json=body)
        assert r.status_code == 200, r.get_json()
    op_b = submit(callers["resident_b"].bearer, station_id=ids["elsewhere"])
    return {"opinion_a": op_a, "opinion_b": op_b, "photo": photo.get_json()["id"]}


def _extras(db, ids: dict, users: dict) -> dict:
    """What no route can make without the wall clock or a side effect we avoid later:
    revoked codes, a past reception day with a cancelled booking, a read message,
    invitations, a queued poster batch, the deputy's photo."""
    from liaison.users import roles as invitations
    from liaison.codes.batches import open_batch
    from liaison.codes.models import Code
    from liaison.codes.tokens import new_token
    from liaison.places.scopes import scope_of
    from liaison.notifications.models import Message, Notification
    from liaison.places.models import Deputy
    from liaison.places.photos import store_deputy_photo
    from liaison.reception.models import Appointment, CheckIn, ReceptionDay

    def code(kind, status, **target):
        row = Code(token=new_token(), kind=kind, status=status, **target)
        db.session.add(row)
        return row

    def active(kind, **target):
        return db.session.query(Code).filter_by(kind=kind, status="active", **target).one().token

    revoked_station = code("station", "revoked", station_id=ids["here"])
    revoked_deputy = code("deputy", "revoked", deputy_id=ids["deputy"])
    day = ReceptionDay(station_id=ids["here"], date=date(2000, 1, 15), status="planned", capacity=10)
    db.session.add(day)
    db.session.flush()
    booking = Appointment(reception_day_id=day.id, user_id=users["resident_a"].id, state="cancelled")
    message = Message(user_id=users["resident_a"].id, title="意见已受理", opinion_id=ids["opinion_a"], read=True)
    check_in = CheckIn(deputy_id=ids["deputy"], station_id=ids["here"], day=date(2000, 1, 15), verified=True,
                       at=datetime(2000, 1, 15, 2, 0, tzinfo=timezone.utc))  # confirming it again changes nothing
    from liaison.opinions.models import Suggestion

    suggestion = Suggestion(opinion_id=ids["opinion_a"], deputy_id=ids["deputy"], title="关于完善照明设施的建议")
    from liaison.opinions.models import OpinionIntake

    # resident A's submit taken in a busy moment and registered as opinion A
    intake = OpinionIntake(user_id=users["resident_a"].id, key="matrix-intake", status="registered",
                           opinion_id=ids["opinion_a"], attempts=1)
    db.session.add_all([booking, message, check_in, suggestion, intake])
    db.session.query(Message).filter_by(user_id=users["resident_a"].id).update({"read": True})
    db.session.commit()
    store_deputy_photo(db.session.get(Deputy, ids["deputy"]), jpeg(300, 400))
    master = users["master_here"]
    invite = lambda: invitations.create_invitation(master, scope_of(master), "liaison",  # noqa: E731
                                                   station_id=ids["here"])
    shown, to_revoke = invite(), invite()
    invitations.revoke_invitation(to_revoke.id, master, scope_of(master))  # revoking it again changes nothing
    batch = open_batch(ids["yuelu"], "pdf", users["office_district"])
    reply_file = _reply_file(db, ids["opinion_a"])
    notification = db.session.query(Notification).filter(
        Notification.opinion_id == ids["opinion_a"], Notification.status != "failed").order_by(Notification.id).first()
    assert notification is not None, "the assignment wrote no outbox rows"
    return {
        "code_here": active("station", station_id=ids["here"]),
        "code_elsewhere": active("station", station_id=ids["elsewhere"]),
        "code_deputy": active("deputy", deputy_id=ids["deputy"]),
        "revoked_station_code": revoked_station.token, "revoked_station_code_id": revoked_station.id,
        "revoked_deputy_code": revoked_deputy.token, "revoked_deputy_code_id": revoked_deputy.id,
        "day": day.id, "booking": booking.id, "message": message.id,
        "invite_code": shown.code, "invite_to_revoke": to_revoke.id, "batch": batch.id,
        "notification": notification.id, "check_in": check_in.id, "reply_file": reply_file,
        "suggestion": suggestion.id, "intake": intake.id,
    }


def _reply_file(db, opinion_id: int) -> int:
    """A file the assigned unit sent with its reply, released (so deleting it is refused)."""
    from liaison.core.storage import get_storage
    from liaison.opinions.models import Assignment, ReplyAttachment

    lead = db.session.query(Assignment).filter_by(opinion_id=opinion_id, status="pending").one()
    get_storage().put("reply-attachments/matrix.pdf", b"%PDF-1.4\n%%EOF\n")
    item = ReplyAttachment(opinion_id=opinion_id, assignment_id=lead.id, storage_key="reply-attachments/matrix.pdf",
                           content_type="application/pdf", file_name="答复函.pdf", size=15,
                           released_at=datetime(2000, 1, 15, tzinfo=timezone.utc))
    db.session.add(item)
    db.session.commit()
    return item.id


def _consultations(db, ids: dict, users: dict) -> dict:
    """An open consultation of 岳麓区 at the station here, and a closed one with a hidden comment."""
    from liaison.consultations.models import Consultation, ConsultationArticle, ConsultationComment

    made = {}
    for key, closed in (("consultation", None), ("consultation_closed", datetime(2001, 2, 1, tzinfo=timezone.utc))):
        row = Consultation(region_id=ids["yuelu"], title=f"矩阵条例（草案）{key}", opens_on=date(2001, 1, 1),
                           closes_on=date(2099, 12, 31), closed_at=closed, station_ids=[ids["here"]],
                           target_region_ids=[], deputies_notified_at=datetime(2001, 1, 1, tzinfo=timezone.utc))
        row.articles = [ConsultationArticle(number=1, label="第一条", text="为了测试，制定本条例。")]
        db.session.add(row)
        db.session.flush()
        made[key] = row.id
    comment = ConsultationComment(consultation_id=made["consultation_closed"], article_number=1,
                                  user_id=users["resident_a"].id, text="一条已隐藏的意见", sec_check="pass",
                                  hidden_at=datetime(2001, 1, 20, tzinfo=timezone.utc), hidden_reason="与草案无关")
    db.session.add(comment)
    db.session.commit()
    return {**made, "consultation_comment": comment.id}


def build_world(app, fake_base: str) -> World:
    """The demo, the missing people and objects, and every identity logged in.

    Requests are sent outside any app context: inside one, Flask would reuse the
    context (and its cached ``g.user``) for every request.
    """
    from liaison.core.db import db
    from liaison.opinions.attachments import url_for_attachment
    from liaison.opinions.models import ReplyAttachment
    from liaison.opinions.uploads import url_for_upload
    from liaison.users.demo import load_demo

    world = World()
    with app.app_context():
        load_demo()
        ids = _places(db)
        _people(db, ids)
    _fake_wechat(fake_base)
    for number, (name, (openid, _)) in enumerate(IDENTITIES.items()):
        world.callers[name] = _login(app, fake_base, name, openid, number)
    ids.update(_opinions(world.callers, ids))
    with app.app_context():
        users = {name: _user(db, openid) for name, (openid, _) in IDENTITIES.items() if openid}
        ids.update(_extras(db, ids, users))
        ids.update(_consultations(db, ids, users))
        ids["photo_url"] = url_for_upload(ids["photo"])
        ids["reply_file_url"] = url_for_attachment(db.session.get(ReplyAttachment, ids["reply_file"]))
    world.ids = ids
    return world
