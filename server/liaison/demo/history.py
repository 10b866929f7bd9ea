"""The demo's recent weeks in 岳麓区 (``flask demo opinions``, after the samples).

Enough cases for every report page to have something to show: four deputies with
10–14 finished cases each (the league table ranks them), answers in time and late,
declines, a case re-handled after an unsatisfied rating, open cases past their
deadline, an extension, and reception records with the deputies who came.

Every case goes through the real operations (submit, accept, assign, reply, rate ...);
then its history is moved back in time: the submission to ``days_ago`` days before
today and each step to its own day after it. Its messages are kept in the residents'
and staff's lists at those times; the WeChat deliveries of that past are marked
``skipped`` (nobody is sent a message about a demo case of last month).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select, update

from ..core import clock
from ..core.db import db
from ..notifications.models import Message, Notification
from ..opinions import abuse, operations, submission
from ..opinions.access import viewer_for
from ..opinions.models import Assignment, Opinion, OpinionEvent
from ..places.models import Deputy, HandlingUnit, Membership, Station
from ..reception.attendance import record_reception
from ..settings import DEFAULT_CATEGORIES
from ..users.demo import DEMO_RESIDENTS, DEMO_STATION
from ..users.models import User

DEFAULT_LABELS = dict(DEFAULT_CATEGORIES)


def demo_category(key: str) -> str:
    """The deployment's category for a demo case written with the built-in ``key``: the
    same key, else the entry with the built-in label, else one of the list picked by the
    built-in key's place (so a list of other names still gets varied demo cases)."""
    cats = list(operations.categories())
    found = operations.category_for(key, DEFAULT_LABELS.get(key))
    if found == key or operations.categories().get(found) == DEFAULT_LABELS.get(key):
        return found
    return cats[list(DEFAULT_LABELS).index(key) % len(cats)] if key in DEFAULT_LABELS else found


SECOND_STATION = "长沙市岳麓区橘子洲街道人大代表联络站"
UNIT = "岳麓区住房和城乡建设局"
PLACES = ["望月湖小区", "桐梓坡路", "望岳路", "枫林一路", "潇湘中路", "咸嘉湖路", "银盆南路", "阜埠河路"]
ISSUES = [
    ("urban", "有好几盏路灯不亮，晚上出行很不方便，希望尽快维修。"),
    ("traffic", "早晚高峰车辆拥堵，建议优化红绿灯配时。"),
    ("environment", "的垃圾站夏天异味大，希望增加清运次数并定期消杀。"),
    ("housing", "一带老旧小区外墙瓷砖脱落，存在安全隐患，希望尽快处理。"),
    ("urban", "的人行道被共享单车占满，行人只能走机动车道。"),
    ("traffic", "的公交站没有遮雨棚，雨天候车很不方便。"),
    ("education", "附近小学放学时段家长车辆乱停，孩子过马路不安全。"),
    ("health", "的社区卫生服务站周末不开门，老人看病不方便。"),
    ("social", "的老年食堂饭菜涨价，希望给高龄老人更多补贴。"),
    ("environment", "夜间施工噪音很大，影响居民休息。"),
    ("urban", "的下水道经常堵塞，下雨天污水漫到路面。"),
    ("housing", "有栋楼加装电梯的申请提交半年了，一直没有进展。"),
    ("safety", "的小区监控坏了很久，最近发生了几起电动车被盗。"),
    ("urban", "路边摊占道经营，早上买菜的人把路堵死了。"),
    ("traffic", "路口没有斑马线，老人过马路很危险。"),
    ("environment", "沿线的垃圾桶太少，周末垃圾随处可见。"),
    ("social", "一带独居老人多，希望社区多组织防诈骗宣传。"),
    ("housing", "的物业费上涨后服务没有改善，希望街道协调。"),
    ("urban", "的窨井盖松动，车开过去响声很大，怕出事故。"),
    ("economy", "农贸市场改造后摊位费太高，部分老商户经营不下去。"),
    ("education", "的社区图书室开放时间太短，学生放学后借不到书。"),
    ("health", "附近药店医保刷卡经常故障，希望相关部门督促。"),
]
REPLY = "已会同相关部门现场查看并处理，后续将定期巡查，感谢您的监督。"
UNIT_REPLY = "我局已安排专人现场核实，问题已整改完毕，并建立了定期巡查机制。"

# A step: (who, action, payload, day after the submission). who: staff | unit | resident.
ACCEPT = ("staff", "accept", {"note": "已电话联系居民，了解具体情况"}, 1)
ASSIGN = ("staff", "assign", {"unit": UNIT, "level": "town"}, 1.1)
UNIT_ACCEPT = ("unit", "unit_accept", {}, 2)
PLANS = {
    "satisfied": [ACCEPT, ("staff", "reply_directly", {"text": REPLY, "method": "phone"}, 5),
                  ("resident", "rate", {"rating": "satisfied", "comment": "处理及时，谢谢！"}, 6),
                  ("staff", "close", {}, 7)],
    "basic": [ACCEPT, ASSIGN, UNIT_ACCEPT, ("unit", "draft_reply", {"text": UNIT_REPLY}, 9),
              ("staff", "release_reply", {"method": "wechat"}, 10),
              ("resident", "rate", {"rating": "basically_satisfied", "comment": "基本解决了"}, 12),
              ("staff", "close", {"close_reason": "resolved"}, 13)],
    "late": [ACCEPT, ASSIGN, UNIT_ACCEPT, ("staff", "urge", {"method": "phone", "note": "已电话催办"}, 16),
             ("unit", "draft_reply", {"text": UNIT_REPLY}, 27), ("staff", "release_reply", {"method": "phone"}, 28)],
    "unrated": [ACCEPT, ("staff", "reply_directly", {"text": REPLY, "method": "wechat"}, 4)],
    "declined": [("staff", "decline", {"reason": "该事项属于物业服务合同纠纷，不属于联络站受理范围",
                                       "channel": "hotline_12345",
                                       "guidance": "可拨打12345热线反映，联络员可协助联系物业。"}, 1)],
    "rehandled": [ACCEPT, ("staff", "reply_directly", {"text": REPLY, "method": "phone"}, 4),
                  ("resident", "rate", {"rating": "unsatisfied", "comment": "只处理了一半，问题还在"}, 6),
                  ("staff", "reopen", {"reason": "群众反映问题未彻底解决，重新交办"}, 7),
                  ("staff", "assign", {"unit": UNIT, "level": "town"}, 7.1), ("unit", "unit_accept", {}, 8),
                  ("unit", "draft_reply", {"text": "已再次组织整改，并请居民现场确认。"}, 14),
                  ("staff", "release_reply", {"method": "phone"}, 15),
                  ("resident", "rate", {"rating": "satisfied", "comment": "这次彻底解决了"}, 17),
                  ("staff", "close", {}, 18)],
    "overdue": [ACCEPT, ASSIGN, UNIT_ACCEPT, ("staff", "urge", {"method": "letter", "note": "已发函提醒"}, 20)],
    "extended": [ACCEPT, ASSIGN, UNIT_ACCEPT,
                 ("unit", "request_extension", {"deadline": 70, "reason": "需协调供电部门迁改线路"}, 8),
                 ("staff", "approve_extension", {}, 9)],
}
# (station, summoned deputy index or None, outcomes); deputies 0–2 sit at the demo
# station (0 is 王明), 3 at 橘子洲.
CASES = [
    (DEMO_STATION, 0, ["satisfied"] * 7 + ["basic"] * 2 + ["late", "declined", "rehandled", "unrated", "overdue"]),
    (DEMO_STATION, 1, ["satisfied"] * 5 + ["basic"] * 2 + ["late", "late", "declined", "unrated", "rehandled"]),
    (DEMO_STATION, 2, ["satisfied"] * 4 + ["basic", "late", "late", "late", "declined", "declined", "unrated"]),
    (SECOND_STATION, 3, ["satisfied"] * 6 + ["basic", "basic", "late", "declined"]),
    (DEMO_STATION, None, ["overdue", "overdue", "extended", "satisfied"]),
    (SECOND_STATION, None, ["overdue", "unrated"]),
]
FIXED_AGE = {"overdue": 38, "extended": 24}  # open cases: old enough for their state


def _deputies() -> list[Deputy]:
    first = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()
    out = [first]
    for name in (DEMO_STATION, SECOND_STATION):
        station = db.session.query(Station).filter_by(name=name).one()
        ids = db.session.scalars(select(Membership.deputy_id).where(
            Membership.station_id == station.id, Membership.kind == "home",
            Membership.deputy_id != first.id).order_by(Membership.id)).all()
        out += [db.session.get(Deputy, i) for i in ids[:2 if name == DEMO_STATION else 1]]
    return out


def _residents() -> list[User]:
    users = []
    for openid, nickname in DEMO_RESIDENTS:
        user = db.session.query(User).filter_by(mp_openid=openid).first()
        if user is None:
            user = User(mp_openid=openid, unionid="u-" + openid, nickname=nickname)
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def load_history(now: datetime | None = None) -> int:
    """Create the history cases and receptions; returns how many cases were made."""
    now = now or clock.now()
    today = now.astimezone(clock.CHINA).date()
    span = max(0, min(75, (today - date(today.year, 1, 1)).days))  # this year: the league's period
    deputies, residents = _deputies(), _residents()
    people = {u.mp_openid: u for u in db.session.query(User).filter(User.mp_openid.in_(
        ["demo-liaison", "demo-office", "demo-unit"]))}
    unit_id = db.session.query(HandlingUnit).filter_by(name=UNIT).one().id
    made = 0
    for station_name, deputy_index, outcomes in CASES:
        station = db.session.query(Station).filter_by(name=station_name).one()
        staff = people["demo-liaison" if station_name == DEMO_STATION else "demo-office"]
        for k, outcome in enumerate(outcomes):
            age = FIXED_AGE[outcome] + 3 * k if outcome in FIXED_AGE else round(span * (k + 0.5) / len(outcomes))
            resident = residents[made % len(residents)]
            category, issue = ISSUES[made % len(ISSUES)]
            text = PLACES[(made // len(ISSUES) + made) % len(PLACES)] + issue
            who = {"staff": staff, "unit": people["demo-unit"], "resident": resident}
            _case(station, deputies[deputy_index] if deputy_index is not None else None, category, text,
                  outcome, age, who, unit_id, now, made)
            made += 1
    _receptions(people, now, today)
    return made


def _case(station, deputy, category, text, outcome, age, who, unit_id, now, n: int) -> None:
    data = {"station_id": station.id, "deputy_id": deputy.id if deputy else None,
            "category": demo_category(category),
            "text": text, "photo_ids": [], "anonymous": False}
    opinion = submission.submit(viewer_for(who["resident"]), data, idempotency_key=f"demo-history-{n}", ip=None,
                                source="demo", slot=abuse.Slot()).opinion
    days = [0.0]
    for actor, action, payload, day in PLANS[outcome]:
        payload = dict(payload)
        if "unit" in payload:
            payload["unit_ids"] = [unit_id]
            del payload["unit"]
        if action == "request_extension":
            payload["deadline"] = (now.astimezone(clock.CHINA).date() + timedelta(days=payload["deadline"])).isoformat()
        operations.transition(viewer_for(who[actor]), opinion.id, action, payload)
        days.append(day)
    _move_back(opinion.id, outcome, age, days, now, time(8 + n % 10, 7 * n % 60))


def _move_back(opinion_id: int, outcome: str, age: int, days: list[float], now: datetime, at: time) -> None:
    """Put the case's submission ``age`` days ago and each step on its own day after it."""
    local_now = now.astimezone(clock.CHINA)
    start_day = local_now.date() - timedelta(days=age)
    start = min(datetime.combine(start_day, at, clock.CHINA).astimezone(timezone.utc), now - timedelta(hours=2))
    scale = min(1.0, (now - start).total_seconds() / 86400 / (days[-1] + 0.1))  # no step in the future
    events = db.session.scalars(select(OpinionEvent).where(OpinionEvent.opinion_id == opinion_id)
                                .order_by(OpinionEvent.id)).all()
    when = {}
    for i, event in enumerate(events):
        offset = days[min(i, len(days) - 1)] * scale
        when[event.id] = start + timedelta(days=offset, minutes=i)
        db.session.execute(update(OpinionEvent).where(OpinionEvent.id == event.id).values(at=when[event.id]))
    last = {e.action: when[e.id] for e in events}  # the latest of each action
    replied = max([last[a] for a in ("reply_directly", "release_reply") if a in last], default=None)
    opinion = db.session.get(Opinion, opinion_id)
    deadline = None
    if opinion.deadline and "assign" in last:  # the deadline ran from the (last) assignment's day
        deadline = opinion.deadline + (last["assign"].astimezone(clock.CHINA).date() - local_now.date())
    if outcome == "late" and replied is not None:
        deadline = min(deadline, replied.astimezone(clock.CHINA).date() - timedelta(days=2))
    closed = last.get("close") or last.get("decline")
    db.session.execute(update(Opinion).where(Opinion.id == opinion_id).values(
        created_at=start, updated_at=when[events[-1].id], replied_at=replied, rated_at=last.get("rate"),
        closed_at=closed if opinion.state in ("closed", "declined") else None, deadline=deadline))
    for a in db.session.scalars(select(Assignment).where(Assignment.opinion_id == opinion_id)).all():
        db.session.execute(update(Assignment).where(Assignment.id == a.id).values(
            created_at=last.get("assign", start), deadline=deadline if a.deadline else None,
            answered_at=replied if a.answered_at else None,
            extension_requested_to=None))
    for event_id, at in when.items():
        prefix = f"{event_id}:%"
        db.session.execute(update(Message).where(Message.opinion_id == opinion_id,
                                                 Message.dedupe_key.like(prefix)).values(created_at=at))
        db.session.execute(update(Notification).where(
            Notification.opinion_id == opinion_id, Notification.dedupe_key.like(prefix),
            Notification.status == "pending").values(created_at=at, status="skipped",
                                                      last_error="演示数据中的历史记录，未发送"))
    db.session.flush()


def _receptions(people: dict, now: datetime, today: date) -> None:
    """Receptions on the 15th of this month (if past) and the two before, and one today at
    the demo station, with the deputies taking turns; 银盆岭's station stays idle (空转)."""
    days = sorted({(today.replace(day=1) - timedelta(days=31 * back)).replace(day=15) for back in range(3)}
                  | {today})
    days = [d for d in days if d <= today and d.year == today.year]
    stations = db.session.scalars(select(Station).where(Station.name.in_(
        [DEMO_STATION, SECOND_STATION, DEMO_STATION.replace("人大代表联络站", "望月湖社区人大代表联络站")]))
        .order_by(Station.id)).all()
    demo_deputy = db.session.scalar(select(Deputy.id).join(User, User.id == Deputy.user_id).where(
        User.mp_openid == "demo-deputy"))
    for i, station in enumerate(stations):
        members = db.session.scalars(select(Membership.deputy_id).where(
            Membership.station_id == station.id).order_by(Membership.id)).all()
        staff = people["demo-liaison" if station.name == DEMO_STATION else "demo-office"]
        for n, day in enumerate(days):
            if day == today and station.name != DEMO_STATION:
                continue
            present = [members[(4 * n + j) % len(members)] for j in range(min(4, len(members)))]
            if day == today:  # whoever logs in as the demo deputy can still scan in today
                present = [d for d in present if d != demo_deputy] or present
            record_reception(station, staff, {"date": day, "residents": 6 + 2 * n + i,
                                              "opinions_registered": 1 + n % 3, "deputy_ids": present,
                                              "note": "代表轮流接待，现场解答群众咨询"}, now)
