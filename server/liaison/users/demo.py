"""The demo data set: Changsha's structure from the seeds, and the demo accounts.

Nine districts/counties, a few streets and towns each, a central station per street
or town plus some feature stations, deputies of several levels (some in two
stations), handling units, and one demo account per role. Loading is idempotent.
"""
from __future__ import annotations

import random

from ..core.db import db
from ..places.importer import import_rows
from ..places.models import Deputy, HandlingUnit, Region, Station
from .models import User
from .roles import bind_deputy, grant_role

DISTRICTS = {
    "芙蓉区": ["五里牌街道", "火星街道", "定王台街道"],
    "天心区": ["坡子街街道", "城南路街道", "青园街道"],
    "岳麓区": ["望月湖街道", "橘子洲街道", "银盆岭街道"],
    "开福区": ["四方坪街道", "东风路街道"],
    "雨花区": ["侯家塘街道", "雨花亭街道", "左家塘街道"],
    "望城区": ["高塘岭街道", "乔口镇"],
    "长沙县": ["星沙街道", "黄花镇"],
    "浏阳市": ["淮川街道", "大瑶镇"],
    "宁乡市": ["玉潭街道", "花明楼镇"],
}
FEATURE = {"望月湖街道": ["望月湖社区", "特色站"], "星沙街道": ["星沙产业园", "园区站"],
           "高塘岭街道": ["高塘岭小区", "小区联络点"]}
# (work unit, post) pairs; {district} and {street} are filled in. Row 0 of a station
# is a county-level official (县级以上领导干部), row 1 the street's or town's own.
LEADERS = {"区": "副区长", "县": "副县长", "市": "副市长"}
LOCAL_OFFICIALS = {"街道": ("党工委书记", "人大工委主任"), "镇": ("党委书记", "人大主席")}
JOBS = [("{street}社区居委会", "党总支书记、主任"), ("长沙市第一医院", "主任医师"),
        ("{district}实验小学", "校长"), ("{district}第一中学", "高级教师"),
        ("湖南一家软件企业", "高级工程师"), ("长沙银行{district}支行", "行长"),
        ("{district}法律援助中心", "律师"), ("{street}社区卫生服务中心", "全科医生"),
        ("长沙市公交集团", "驾驶员"), ("{district}一家物业服务企业", "项目经理"),
        ("中南大学", "教授"), ("{street}个体工商户", "经营者")]
TOWN_JOBS = [("{street}农业专业合作社", "理事长"), ("{street}中心学校", "教师"),
             ("{street}卫生院", "院长"), ("{street}一家家庭农场", "负责人")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = ("明华 建国 志强 秀英 丽娟 海涛 伟 军 红梅 小平 德胜 文静 春燕 立新 玉兰 卫东 晓东 国庆 桂芳 "
         "建军 金凤 丽 静 敏 强 磊 艳 勇 杰 娟 涛 超 秀兰 霞 平 刚 桂英 志明 海燕 俊 建华 淑珍 丹 芳 "
         "婷 雪梅 湘云 湘平 卫国 永红 爱民 新民 利军 芙蓉 岳林 湘南 国华 跃进 慧 颖 佳 浩 宇 欣").split()
UNITS = [("岳麓区住房和城乡建设局", "district"), ("岳麓区城市管理和综合执法局", "district"),
         ("岳麓区教育局", "district"), ("望月湖街道办事处", "town"), ("长沙市交通运输局", "city_and_above"),
         ("岳麓区卫生健康局", "district"), ("岳麓区民政局", "district")]
DEMO_ACCOUNTS = [
    # openid, nickname, role, scope description
    ("demo-resident", "居民张阿姨", None, "群众"),
    ("demo-resident2", "居民李师傅", None, "群众"),
    ("demo-deputy", "王明代表", "deputy", "望月湖街道人大代表联络站的代表"),
    ("demo-liaison", "联络员小陈", "liaison", "望月湖街道人大代表联络站联络员"),
    ("demo-master", "站长刘姐", "station_master", "望月湖街道人大代表联络站站长"),
    ("demo-unit", "住建局办理员", "unit", "岳麓区住房和城乡建设局"),
    ("demo-office", "区人大工委老周", "office", "岳麓区人大常委会代表工委"),
]
# Residents whose cases fill the demo's recent weeks (demo/history.py).
DEMO_RESIDENTS = [("demo-resident3", "居民王奶奶"), ("demo-resident4", "居民赵先生"), ("demo-resident5", "居民刘女士"),
                  ("demo-resident6", "居民孙大爷"), ("demo-resident7", "居民周同学"), ("demo-resident8", "居民吴师傅")]
DEMO_STATION = "长沙市岳麓区望月湖街道人大代表联络站"
DEMO_STATION_POINT = ("28.1963", "112.9535")  # GCJ-02, near 望月湖 (check-ins there are verified)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _job(rng: random.Random, i: int, district: str, street: str, national: bool) -> dict:
    """A work unit and post that go together (a doctor at a hospital, not a lawyer there)."""
    if i == 0 and not national:
        unit, post = f"{district}人民政府", LEADERS[district[-1]]
    elif i == 1:
        unit = street + ("办事处" if street.endswith("街道") else "人民政府")
        post = rng.choice(LOCAL_OFFICIALS["街道" if street.endswith("街道") else "镇"])
    else:
        unit, post = rng.choice(TOWN_JOBS + JOBS[:3] if street.endswith("镇") else JOBS)
    return {"工作单位": unit.format(district=district, street=street),
            "职务": post.format(district=district, street=street)}


DEMO_SEATED_SINCE = "2022-01-01"  # the demo deputies took their seats at the start of the term


def demo_rows(seed: int = 20261125) -> list[dict]:
    rng = random.Random(seed)
    rows, row = [], 2
    level_sets = [("区",), ("区",), ("区",), ("市", "区"), ("市",), ("省",), ("区", "乡"), ("全国", "省")]
    cross_candidates: list[dict] = []
    for district, streets in DISTRICTS.items():
        for street in streets:
            stations = [(f"长沙市{district}{street}人大代表联络站", "中心站", f"长沙市/{district}/{street}")]
            if street in FEATURE:
                place, kind = FEATURE[street]
                stations.append((f"长沙市{district}{street}{place}人大代表联络站", kind,
                                 f"长沙市/{district}/{street}/{place}"))
            for sname, kind, region in stations:
                count = 12 if kind == "中心站" else 6
                for i in range(count):
                    levels = rng.choice(level_sets)
                    deputy = {"_row": row, "区域": region, "联络站": sname, "站点类型": kind,
                              "地址": f"{district}{street}综合服务中心一楼",
                              "代表姓名": (_name(rng) if not (sname == DEMO_STATION and i == 0) else "王明"),
                              "代表编号": "CS-WANGMING" if (sname == DEMO_STATION and i == 0) else f"CS-{row:05d}", "代表层级": ",".join(levels),
                              "职务代表": "是" if i < 2 else "否",
                              "县级以上领导干部": "是" if i == 0 and "全国" not in levels else "否",
                              **_job(rng, i, district, street, "全国" in levels),
                              "电话": f"139{rng.randrange(10**7, 10**8)}", "进站方式": "驻站",
                              "进站日期": DEMO_SEATED_SINCE}
                    if sname == DEMO_STATION:
                        deputy["纬度"], deputy["经度"] = DEMO_STATION_POINT
                    rows.append(deputy)
                    row += 1
                    if i == 3:
                        cross_candidates.append(deputy)
    # Cross-station membership (交叉进站): a few deputies also sit in a neighbouring station.
    central = [r for r in rows if r["站点类型"] == "中心站"]
    for i, d in enumerate(cross_candidates[:6]):
        other = central[(central.index(d) + 40) % len(central)]
        rows.append({**d, "_row": row, "区域": other["区域"], "联络站": other["联络站"],
                     "站点类型": other["站点类型"], "地址": other["地址"], "进站方式": "交叉进站",
                     "纬度": other.get("纬度", ""), "经度": other.get("经度", "")})
        row += 1
    return rows


def load_demo() -> dict:
    """Load the demo data set and accounts (safe to run again)."""
    result = import_rows(demo_rows())
    region = db.session.query(Region).filter_by(name="岳麓区").one()
    for name, level in UNITS:
        if not db.session.query(HandlingUnit).filter_by(name=name).first():
            db.session.add(HandlingUnit(name=name, level=level, region_id=region.id))
    db.session.flush()
    station = db.session.query(Station).filter_by(name=DEMO_STATION).one()
    unit = db.session.query(HandlingUnit).filter_by(name=UNITS[0][0]).one()
    for st in db.session.query(Station):
        if not st.reception_plan:
            st.reception_plan = {"monthly_days": [15], "weekdays": [], "market_days": [],
                                 "start": "09:00", "end": "11:30"}
            st.open_hours = "工作日 9:00-17:00"
            st.notice = "每月15日为固定接待日，代表轮流进站接待群众。"
    for openid, nickname, role, _ in DEMO_ACCOUNTS:
        user = db.session.query(User).filter_by(mp_openid=openid).first()
        if user is None:
            user = User(mp_openid=openid, oa_openid="oa-" + openid, unionid="u-" + openid,
                        nickname=nickname)
            db.session.add(user)
            db.session.flush()
        scope = {"station_id": None, "region_id": None, "unit_id": None}
        if role in ("liaison", "station_master"):
            scope["station_id"] = station.id
        elif role == "office":
            scope["region_id"] = region.id
        elif role == "unit":
            scope["unit_id"] = unit.id
        if role == "deputy":
            deputy = db.session.query(Deputy).filter_by(external_id="CS-WANGMING").first()
            if deputy is not None and deputy.user_id is None:
                bind_deputy(deputy, user, actor=None, proof="demo")
        elif role:
            grant_role(user, role, actor=None, **scope)
    db.session.flush()
    return {"stations": db.session.query(Station).count(), "deputies": db.session.query(Deputy).count(),
            "new_rows": result.rows}


def fake_wechat_setup() -> tuple[list[dict], list[dict]]:
    """What the demo's fake WeChat should know: the OAuth picker accounts and the people.

    Returns (accounts for POST /_fake/accounts, users for POST /_fake/users).
    Each demo person has a mini-program openid, an official-account openid
    ("oa-" + openid, following the account) and the unionid that ties both.
    """
    accounts, users = [], []
    for openid, nickname, _role, label in DEMO_ACCOUNTS:
        accounts.append({"openid": "oa-" + openid, "nickname": nickname, "label": label,
                         "unionid": "u-" + openid, "follows_oa": True})
        users.append({"openid": openid, "unionid": "u-" + openid, "nickname": nickname})
        users.append({"openid": "oa-" + openid, "unionid": "u-" + openid, "nickname": nickname,
                      "follows_oa": True})
    users += [{"openid": openid, "unionid": "u-" + openid, "nickname": nickname} for openid, nickname in DEMO_RESIDENTS]
    return accounts, users
