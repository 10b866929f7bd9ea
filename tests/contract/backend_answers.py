"""The real backend answers the mini-program depends on, made with the demo data.

Everything goes through the HTTP API (the test client) except the code rotation and
revocation, which use ``liaison.codes.operations`` as the admin pages do, and the web
account whose link code the resident types (``liaison.users.linking``). Every answer
is recorded with its status code under a name the contract test maps to a fixture.
"""
from __future__ import annotations

import io
from datetime import timedelta
import uuid

import requests
from PIL import Image

from liaison.core import clock


def small_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def _demo_ids(app, fake_base: str) -> dict:
    from sqlalchemy import select

    from liaison.codes.models import Code
    from liaison.codes.operations import revoke_code, rotate_code
    from liaison.core.db import db
    from liaison.demo.opinions import load_demo_opinions
    from liaison.users.demo import DEMO_STATION, fake_wechat_setup
    from liaison.places.models import Deputy, Membership, Station

    with app.app_context():
        station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
        deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()

        def active(kind, target_id):
            column = Code.station_id if kind == "station" else Code.deputy_id
            return db.session.execute(select(Code).where(
                Code.kind == kind, column == target_id, Code.status == "active")).scalars().one()

        station_token, deputy_token = active("station", station.id).token, active("deputy", deputy.id).token
        # Another deputy of the demo station loses their code (left office);
        # another station's code is rotated, its replacement still in use.
        other = next(m.deputy_id for m in db.session.query(Membership).filter_by(station_id=station.id)
                     if m.deputy_id != deputy.id)
        revoked_token = revoke_code(active("deputy", other).id).token
        other_station = db.session.query(Station).filter(Station.id != station.id).order_by(Station.id).first()
        rotated = active("station", other_station.id)
        rotated_token = rotated.token
        rotated_to = rotate_code(rotated.id).token
        # The fake WeChat knows the demo people, as in scripts/run (content checks pass).
        for user in fake_wechat_setup()[1]:
            requests.post(f"{fake_base}/_fake/users", json=user, timeout=5).raise_for_status()
        made = load_demo_opinions()
        assert made, "the demo opinions were loaded into an empty database"
        return {"station_id": station.id, "deputy_id": deputy.id, "station_token": station_token,
                "deputy_token": deputy_token, "rotated_token": rotated_token, "rotated_to": rotated_to,
                "revoked_token": revoked_token}


def collect(app, client, phone) -> tuple[dict, dict]:
    """Returns ({name: (status, json)}, ids used)."""
    ids = _demo_ids(app, phone.base)
    out: dict[str, tuple[int, object]] = {}

    def record(name, response):
        out[name] = (response.status_code, response.get_json())
        return response.get_json()

    sid, did = ids["station_id"], ids["deputy_id"]
    login = record("login", client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-resident")}))
    resident = {"Authorization": f"Bearer {login['token']}"}
    staff_login = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")}).get_json()
    staff = {"Authorization": f"Bearer {staff_login['token']}"}

    # Reception days on every 15th with the demo deputy on the rota, this year and next.
    plan = {"monthly_days": [15], "weekdays": [], "market_days": [], "start": "09:00", "end": "11:30",
            "capacity": 10, "per_day": 1, "rota": [did]}
    r = client.put(f"/api/v1/stations/{sid}/reception-plan", json=plan, headers=staff)
    assert r.status_code == 200, r.get_json()
    year = clock.today().year
    for y in (year, year + 1):
        r = client.post(f"/api/v1/stations/{sid}/reception-days/generate", json={"year": y}, headers=staff)
        assert r.status_code == 200, r.get_json()
    record("code_station", client.get(f"/api/v1/codes/{ids['station_token']}"))
    record("code_deputy", client.get(f"/api/v1/codes/{ids['deputy_token']}"))
    record("code_rotated", client.get(f"/api/v1/codes/{ids['rotated_token']}"))
    record("code_revoked", client.get(f"/api/v1/codes/{ids['revoked_token']}"))
    record("code_unknown", client.get("/api/v1/codes/Unkn0wnUnkn0wnUnkn"))
    record("stations", client.get("/api/v1/stations"))
    record("station", client.get(f"/api/v1/stations/{sid}"))
    record("deputy", client.get(f"/api/v1/deputies/{did}"))
    record("categories", client.get("/api/v1/opinion-categories"))
    # As the mini-program asks: for a resident, at a moment (utils/subscribe.js createAsker).
    record("templates", client.get("/api/v1/notifications/templates?audience=resident&moment=progress"))
    record("templates_all", client.get("/api/v1/notifications/templates?audience=resident"))

    days = record("reception_days", client.get(f"/api/v1/stations/{sid}/reception-days"))
    day = days["items"][0]["date"] if days.get("items") else None
    record("appointment", client.post("/api/v1/appointments",
                                      json={"station_id": sid, "date": day, "note": "小区路灯不亮"},
                                      headers=resident))
    mine = record("appointments", client.get("/api/v1/appointments", headers=resident))
    booking = mine["items"][0]["id"] if mine.get("items") else 0
    record("appointment_cancel", client.post(f"/api/v1/appointments/{booking}/cancel", headers=resident))
    record("appointment_cancel_again", client.post(f"/api/v1/appointments/{booking}/cancel", headers=resident))

    # The demo deputy scans the demo station's code 3.2 km away (unverified), then at the station.
    from liaison.users.demo import DEMO_STATION_POINT

    deputy_login = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-deputy")}).get_json()
    deputy = {"Authorization": f"Bearer {deputy_login['token']}"}
    lat, lon = (float(v) for v in DEMO_STATION_POINT)
    record("check_in_far", client.post("/api/v1/check-ins", headers=deputy, json={
        "token": ids["station_token"], "latitude": lat + 3200 / 111_195.08, "longitude": lon}))
    record("check_in_again", client.post("/api/v1/check-ins", headers=deputy, json={
        "token": ids["station_token"], "latitude": lat, "longitude": lon}))

    upload = record("upload", client.post(
        "/api/v1/uploads", data={"file": (io.BytesIO(small_jpeg()), "photo.jpg", "image/jpeg")},
        headers=resident, content_type="multipart/form-data"))
    body = {"station_id": sid, "deputy_id": did, "category": "traffic",
            "text": "麓山南路与阜埠河路口的红绿灯时长太短，老人过马路来不及，希望延长行人绿灯时间。",
            "photo_ids": [upload["id"]] if upload and "id" in upload else [],
            "contact_phone": "13800001234", "phone_code": None, "anonymous": False}
    key = {**resident, "Idempotency-Key": str(uuid.uuid4())}
    record("opinion_created", client.post("/api/v1/opinions", json=body, headers=key))
    record("opinion_retried", client.post("/api/v1/opinions", json=body, headers=key))
    _intake_side(app, client, record, resident, sid, did)
    briefs = record("opinions", client.get("/api/v1/opinions", headers=resident))
    # The demo resident's closed sample opinion has a reply and a rating.
    closed = [o for o in (briefs or {}).get("items", []) if o["state"] == "closed"]
    assert closed, briefs
    record("opinion_closed", client.get(f"/api/v1/opinions/{closed[0]['id']}", headers=resident))
    record("messages", client.get("/api/v1/messages", headers=resident))
    # Another resident's sample opinion waits for their rating.
    other = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-resident2")}).get_json()
    other = {"Authorization": f"Bearer {other['token']}"}
    replied = [o for o in client.get("/api/v1/opinions", headers=other).get_json()["items"] if o["state"] == "replied"]
    assert replied
    record("opinion_replied", client.get(f"/api/v1/opinions/{replied[0]['id']}", headers=other))
    # A newcomer to the mini-program types the link code their web account (a liaison's) showed.
    newcomer = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("mp-contract-newcomer")}).get_json()
    newcomer = {"Authorization": f"Bearer {newcomer['token']}"}
    _deputy_side(app, client, phone, record, deputy, did)
    _duty_side(client, record, deputy, did, sid, day)
    _suggestion_side(client, phone, record, deputy, did)
    record("link_wrong", client.post("/api/v1/me/link", json={"code": "000000"}, headers=newcomer))
    record("linked", client.post("/api/v1/me/link", json={"code": _web_link_code(app, sid)}, headers=newcomer))
    _consultation_side(client, phone, record, resident, sid)
    return out, ids


def _intake_side(app, client, record, resident: dict, station_id: int, deputy_id: int) -> None:
    """A busy moment (every submit taken as an intake): taken, registered; and one the
    worker refuses (a station that does not exist)."""
    from liaison.opinions import intake

    app.config["OPINION_INLINE_PER_SECOND"] = 0
    body = {"station_id": station_id, "deputy_id": deputy_id, "category": "traffic",
            "text": "阜埠河路的人行道砖松动了好几块，下雨天踩上去溅一身泥水。"}
    taken = record("intake_taken", client.post("/api/v1/opinions", json=body,
                                               headers={**resident, "Idempotency-Key": str(uuid.uuid4())}))
    refused = client.post("/api/v1/opinions", json={**body, "station_id": 999_999, "deputy_id": None},
                          headers={**resident, "Idempotency-Key": str(uuid.uuid4())}).get_json()
    app.config["OPINION_INLINE_PER_SECOND"] = 1_000_000
    with app.app_context():
        intake.drain()
    record("intake_registered", client.get(f"/api/v1/opinion-intakes/{taken['intake']['id']}", headers=resident))
    record("intake_refused", client.get(f"/api/v1/opinion-intakes/{refused['intake']['id']}", headers=resident))


def _consultation_side(client, phone, record, resident: dict, station_id: int) -> None:
    """A consultation of the demo district at the demo station, a resident's comments (one hidden)."""
    office = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-office")}).get_json()
    office = {"Authorization": f"Bearer {office['token']}"}
    r = client.post("/api/v1/consultations", headers=office, json={
        "title": "契约条例（草案）", "summary": "请提意见。", "station_ids": [station_id],
        "text": "第一章 总则\n第一条 为了测试，制定本条例。\n第二条 本条例适用于本区。",
        "closes_on": (clock.today() + timedelta(days=20)).isoformat()})
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["consultation"]["id"]
    record("consultations", client.get(f"/api/v1/consultations?station_id={station_id}"))
    hidden = record("consultation_comment", client.post(f"/api/v1/consultations/{cid}/comments", headers=resident,
                                                        json={"article": 1, "text": "建议写明立法依据。"}))
    client.post(f"/api/v1/consultations/{cid}/comments", headers=resident, json={"article": None, "text": "整体很好。"})
    r = client.post(f"/api/v1/consultations/{cid}/comments/{hidden['comment']['id']}/hide", headers=office,
                    json={"reason": "与草案无关"})
    assert r.status_code == 200, r.get_json()
    record("consultation", client.get(f"/api/v1/consultations/{cid}", headers=resident))


def _deputy_side(app, client, phone, record, deputy: dict, deputy_id: int) -> None:
    """The deputy's pages: the 工作台 list, a summoned opinion, a note; and a binding."""
    record("deputy_me", client.get("/api/v1/me", headers=deputy))
    summoned = record("deputy_opinions", client.get(f"/api/v1/opinions?deputy_id={deputy_id}&sort=urgent",
                                                    headers=deputy))
    fresh = [o for o in summoned["items"] if o["state"] == "submitted"]
    assert fresh, summoned
    opinion = record("deputy_opinion", client.get(f"/api/v1/opinions/{fresh[0]['id']}", headers=deputy))
    record("deputy_noted", client.post(f"/api/v1/opinions/{fresh[0]['id']}/transitions", headers=deputy, json={
        "action": "note", "version": opinion["opinion"]["version"], "note": "已电话联系反映人，周五去现场看"}))
    # Another deputy of the roster binds from the mini-program: an invitation that asks for the
    # phone (as the home station's master's does), first with a phone that is not on the record.
    code, number = _deputy_invitation(app, exclude=deputy_id)
    newcomer = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("mp-contract-deputy")}).get_json()
    newcomer = {"Authorization": f"Bearer {newcomer['token']}"}
    record("phone_mismatch", client.post(f"/api/v1/invitations/{code}/accept", headers=newcomer, json={
        "phone_code": _phone_code(phone.base, "mp-contract-deputy", "13800000000")}))
    record("invitation_accepted", client.post(f"/api/v1/invitations/{code}/accept", headers=newcomer, json={
        "phone_code": _phone_code(phone.base, "mp-contract-deputy", number)}))


def _duty_side(client, record, deputy: dict, deputy_id: int, station_id: int, day: str | None) -> None:
    """The deputy's duty page: the rota days, who booked one, the year's duty record."""
    days = client.get(f"/api/v1/stations/{station_id}/reception-days", headers=deputy).get_json()
    booked = next(d for d in days["items"] if d["date"] == day)
    record("day_bookings", client.get(f"/api/v1/reception-days/{booked['id']}/appointments", headers=deputy))
    year = clock.today().year
    record("duty_record", client.get(f"/api/v1/stats/deputies/{deputy_id}/duty-record?year={year}", headers=deputy))
    record("my_check_ins", client.get("/api/v1/check-ins", headers=deputy))


def _suggestion_side(client, phone, record, deputy: dict, deputy_id: int) -> None:
    """我的建议: two opinions turned into suggestions, the liaison records the unit's answer to
    one; and whether the official account reaches the deputy (the duty page's reminder line)."""
    summoned = client.get(f"/api/v1/opinions?deputy_id={deputy_id}&per_page=100", headers=deputy).get_json()["items"]
    ready = [o["id"] for o in summoned
             if "to_suggestion" in client.get(f"/api/v1/opinions/{o['id']}", headers=deputy).get_json()["opinion"]["allowed_actions"]]
    assert len(ready) >= 2, summoned
    for opinion_id, title in zip(ready, ("关于完善老旧小区照明设施的建议", "关于增设社区停车位的建议")):
        r = client.post(f"/api/v1/opinions/{opinion_id}/transitions", headers=deputy,
                        json={"action": "to_suggestion", "title": title, "text": "建议统一排查、分批解决。"})
        assert r.status_code == 200, r.get_json()
    liaison = client.post("/api/v1/auth/wechat", json={"code": phone.login_code("demo-liaison")}).get_json()
    liaison = {"Authorization": f"Bearer {liaison['token']}"}
    # The older of the two just made (the demo's own two suggestions come after them).
    first = next(s for s in client.get("/api/v1/suggestions?mine=true", headers=deputy).get_json()["items"]
                 if s["title"] == "关于完善老旧小区照明设施的建议")
    record("suggestion_outcome", client.post(f"/api/v1/suggestions/{first['id']}/outcome", headers=liaison, json={
        "unit_name": "岳麓区住房和城乡建设局", "outcome": "已纳入明年老旧小区改造计划，统一更换路灯。"}))
    record("my_suggestions", client.get("/api/v1/suggestions?mine=true", headers=deputy))
    record("official_account", client.get("/api/v1/notifications/official-account", headers=deputy))


def _phone_code(fake_base: str, openid: str, number: str) -> str:
    r = requests.post(f"{fake_base}/_fake/phone-code", json={"openid": openid, "phone": number}, timeout=5)
    r.raise_for_status()
    return r.json()["code"]


def _deputy_invitation(app, exclude: int) -> tuple[str, str]:
    from liaison.core.db import db
    from liaison.places.models import Deputy
    from liaison.users import roles

    with app.app_context():
        deputy = next(d for d in db.session.query(Deputy).order_by(Deputy.id)
                      if d.id != exclude and d.user_id is None and d.active and d.phone)
        invitation = roles.create_invitation(None, None, "deputy", deputy_id=deputy.id)
        invitation.needs_phone = True
        db.session.commit()
        return invitation.code, deputy.phone


def _web_link_code(app, station_id: int) -> str:
    from liaison.core.db import db
    from liaison.users import linking, roles
    from liaison.users.models import User

    with app.app_context():
        web = User(oa_openid="oa-contract-newcomer", nickname="联络员小周")
        db.session.add(web)
        db.session.flush()
        roles.grant_role(web, "liaison", actor=None, station_id=station_id)
        db.session.commit()
        return linking.issue_code(web)["code"]
