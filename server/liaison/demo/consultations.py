"""The demo's open consultation (``flask demo opinions``, run by ``scripts/run``): a draft
of 岳麓区 sent to the stations of 望月湖街道, published by the demo NPC office through the
same operation as the API (its deputies are told), with two residents' comments.
Runs only when there is no consultation yet."""
from __future__ import annotations

from datetime import timedelta

from ..consultations import operations
from ..consultations.models import Consultation, ConsultationComment
from ..core import clock
from ..core.db import db
from ..places.models import Region
from ..places.scopes import scope_of
from ..users.models import User

TITLE = "岳麓区养犬管理若干规定（草案征求意见稿）"
SUMMARY = ("为规范养犬行为，保障居民身体健康和人身安全，维护社区环境和公共秩序，区人大常委会拟制定本规定。"
           "现通过各人大代表联络站公开征求意见，欢迎您对草案整体或具体条文提出意见和建议。")
DRAFT = """岳麓区养犬管理若干规定（草案征求意见稿）
第一章　总则
第一条　为了规范养犬行为，保障公民身体健康和人身安全，维护社区环境和公共秩序，根据有关法律法规，结合本区实际，制定本规定。
第二条　本规定适用于本区行政区域内的养犬及其相关管理活动。
第三条　养犬管理实行政府主导、部门协同、基层组织参与、养犬人自律、社会监督的原则。
第二章　养犬规范
第四条　养犬人应当依法为犬只办理登记，定期接种狂犬病疫苗，并为犬只佩戴犬牌。
第五条　携犬出户时，应当为犬只束犬链，犬链长度不超过一点五米，并主动避让老人、残疾人、孕妇和儿童。
第六条　携犬出户时，应当及时清除犬只在户外排泄的粪便。
第七条　居民委员会、村民委员会、业主委员会可以依法制定养犬管理公约，并组织实施。
第三章　法律责任
第八条　违反本规定第五条、第六条规定的，由有关部门责令改正；拒不改正的，依法予以处罚。
第四章　附则
第九条　本规定自公布之日起施行。
"""
COMMENTS = [
    ("demo-resident3", 5, "建议明确晚上遛狗的时间段，小区里晚上十点后还有很多人遛大型犬，不拴绳很吓人。"),
    ("demo-resident4", None, "总体支持。建议在小区设置宠物便便箱，光靠养犬人自觉不够。"),
]


def load_demo_consultation() -> int:
    """Publish the demo consultation once; returns 1 when it was made, else 0."""
    if db.session.query(Consultation.id).first() is not None:
        return 0
    office = db.session.query(User).filter_by(mp_openid="demo-office").one()
    yuelu = db.session.query(Region).filter_by(name="岳麓区").one()
    street = db.session.query(Region).filter_by(name="望月湖街道", parent_id=yuelu.id).one()
    today = clock.today()
    consultation = operations.publish(office, scope_of(office), {
        "title": TITLE, "summary": SUMMARY, "text": DRAFT, "opens_on": today - timedelta(days=3),
        "closes_on": today + timedelta(days=27), "region_id": yuelu.id, "region_ids": [street.id]})
    users = {u.mp_openid: u.id for u in db.session.query(User).filter(User.mp_openid.like("demo-resident%"))}
    for n, (openid, article, text) in enumerate(COMMENTS):
        if openid in users:  # our own sample texts: no content check
            db.session.add(ConsultationComment(consultation_id=consultation.id, article_number=article,
                                               user_id=users[openid], text=text, sec_check="",
                                               created_at=clock.now() - timedelta(days=2 - n)))
    db.session.flush()
    return 1
