"""Sample opinions for the embedded demo (``flask demo opinions``, run by ``scripts/run``).

A handful of opinions at the demo station in every stage of the handling chain, made
through the same operations as the API (submit, accept, assign, reply, rate, decline),
so the queue, the timelines and the messages have something to show (王明 turned two
into closed-session suggestions, one already answered); then the weeks
before today (``demo.history``), so the reports and the league table do too.
Runs only when the database has no opinion yet.
"""
from __future__ import annotations

from ..core.db import db
from ..opinions import operations, submission, suggestions
from ..opinions.access import viewer_for
from ..opinions.models import Opinion
from ..places.models import Deputy, HandlingUnit, Station
from ..users.demo import DEMO_STATION
from ..users.models import User
from .history import demo_category, load_history

# (resident, summon 王明?, category, text, steps); a step is (who, action, payload).
SAMPLES = [
    ("demo-resident", True, "urban", "望月湖小区三栋楼道灯坏了两个星期，晚上老人上下楼很危险，希望尽快修好。", []),
    ("demo-resident2", False, "traffic", "望月湖路与桐梓坡路路口早高峰拥堵严重，希望优化红绿灯配时。",
     [("demo-liaison", "accept", {"note": "已电话联系居民，了解拥堵时段"})]),
    ("demo-resident", True, "housing", "老旧小区加装电梯推进缓慢，低楼层住户意见不一，希望街道牵头协调。",
     [("demo-liaison", "accept", {}),
      ("demo-liaison", "assign", {"unit": "岳麓区住房和城乡建设局", "level": "district"}),
      ("demo-deputy", "to_suggestion", {"title": "关于加快推进老旧小区加装电梯的建议",
                                        "text": "建议由街道牵头建立加装电梯协调机制，对低楼层住户给予合理补偿，简化审批流程。"}),
      ("demo-liaison", "suggestion_outcome", {"unit_name": "岳麓区住房和城乡建设局",
                                              "outcome": "已将望月湖片区纳入今年加装电梯重点推进范围，街道设立协调专班，审批由并联办理缩短至15个工作日。"})]),
    ("demo-resident2", False, "education", "小学门口放学时段家长车辆乱停，孩子过马路不安全，建议设置临时停车区。",
     [("demo-liaison", "accept", {}),
      ("demo-liaison", "assign", {"unit": "岳麓区住房和城乡建设局", "level": "district"}),
      ("demo-unit", "unit_accept", {}),
      ("demo-unit", "draft_reply", {"text": "已会同交警在校门东侧划设临时停车区，放学时段安排协管员疏导。"}),
      ("demo-liaison", "release_reply", {"method": "phone"}),
      ("demo-deputy", "to_suggestion", {"title": "关于在中小学校门口统一设置临时停车区的建议",
                                        "text": "建议全区推广校门口临时停车区和放学时段协管员疏导的做法。"})]),
    ("demo-resident", False, "environment", "小区垃圾分类站夏天异味很大，希望增加清运次数并定期消杀。",
     [("demo-liaison", "accept", {}),
      ("demo-liaison", "reply_directly", {"text": "已协调环卫公司每日清运两次，每周消杀一次。", "method": "phone"}),
      ("demo-resident", "rate", {"rating": "satisfied", "comment": "处理很快，谢谢！"}),
      ("demo-liaison", "close", {})]),
    ("demo-resident2", False, "other", "我和原单位有工资纠纷，希望代表帮我把工资要回来。",
     [("demo-liaison", "decline", {"reason": "个人劳动争议不属于联络站受理范围",
                                   "channel": "arbitration",
                                   "guidance": "可向岳麓区劳动人事争议仲裁委员会申请仲裁，联络员可协助准备材料。"})]),
]


def load_demo_opinions() -> int:
    """Create the sample opinions and the recent weeks' cases (``demo.history``) once;
    returns how many were made (0 when some exist)."""
    if db.session.query(Opinion.id).first() is not None:
        return 0
    station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
    deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").one()
    users = {u.mp_openid: u for u in db.session.query(User).filter(User.mp_openid.like("demo-%"))}
    units = {u.name: u.id for u in db.session.query(HandlingUnit)}
    made = 0
    for n, (resident, summon, category, text, steps) in enumerate(SAMPLES):
        data = {"station_id": station.id, "deputy_id": deputy.id if summon else None,
                "category": demo_category(category), "text": text, "photo_ids": [], "anonymous": False}
        result = submission.submit(viewer_for(users[resident]), data,
                                   idempotency_key=f"demo-{n}", ip=None, source="demo")
        for who, action, payload in steps:
            payload = dict(payload)
            if action == "suggestion_outcome":  # not a workflow step: the suggestion's own way
                made_from = suggestions.for_opinion(viewer_for(users[who]), result.opinion.id)
                suggestions.record_outcome(viewer_for(users[who]), made_from.id, payload)
                continue
            if "unit" in payload:
                payload["unit_ids"] = [units[payload.pop("unit")]]
            operations.transition(viewer_for(users[who]), result.opinion.id, action, payload)
        made += 1
    return made + load_history()
