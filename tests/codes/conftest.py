"""Fixtures for codes: a small region tree imported through the real importer, staff roles."""
from __future__ import annotations

import factories
import pytest

from codes_helpers import JUZIZHOU, POZIJIE, WANGYUEHU


def _row(n, region, station, name, ext, levels, membership="驻站", kind="中心站"):
    return {"_row": n, "区域": region, "联络站": station, "站点类型": kind, "地址": "综合服务中心一楼",
            "代表姓名": name, "代表编号": ext, "代表层级": levels, "职务代表": "否",
            "县级以上领导干部": "否", "工作单位": "社区居委会", "职务": "主任", "电话": "",
            "进站方式": membership}


ROWS = [
    ("长沙市/岳麓区/望月湖街道", WANGYUEHU, "王明", "A1", "市,区"),
    ("长沙市/岳麓区/望月湖街道", WANGYUEHU, "李华", "A2", "区"),
    ("长沙市/岳麓区/橘子洲街道", JUZIZHOU, "赵敏", "A3", "区,乡"),
    ("长沙市/天心区/坡子街街道", POZIJIE, "钱进", "B1", "省"),
]


@pytest.fixture
def storage_backend():
    """The file store of ``app``: "local", or "s3" / "s3-signed" (a test parametrizes it)."""
    return "local"


@pytest.fixture
def app(make_app, tmp_path, storage_backend, request):
    """Each test stores its codes and posters in a store of its own: a folder, or a fresh
    bucket of the S3 server (with signed download URLs for "s3-signed")."""
    from liaison.core.db import db

    if storage_backend == "local":
        overrides = {"STORAGE_PATH": str(tmp_path / "files")}
    else:
        overrides = dict(request.getfixturevalue("s3_config"), S3_SIGNED_URLS=storage_backend == "s3-signed")
    app = make_app(**overrides)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def places(app):
    """Two districts, three stations, four deputies (王明 also cross-station at 橘子洲)."""
    from liaison.core.db import db
    from liaison.places.importer import import_rows
    from liaison.places.models import Deputy, Region, Station

    rows = [_row(i + 2, *r) for i, r in enumerate(ROWS)]
    rows.append(_row(9, "长沙市/岳麓区/橘子洲街道", JUZIZHOU, "王明", "A1", "市,区", membership="交叉进站"))
    with app.app_context():
        import_rows(rows)
        station = {s.name: s.id for s in db.session.query(Station)}
        deputy = {d.name: d.id for d in db.session.query(Deputy)}
        region = {r.name: r.id for r in db.session.query(Region)}
        wang = db.session.get(Station, station[WANGYUEHU])
        wang.reception_plan = {"monthly_days": [15], "start": "09:00", "end": "11:30"}
        db.session.commit()
    return {"station": station, "deputy": deputy, "region": region}


@pytest.fixture
def staff(app, login):
    """Log an openid in and give it a staff role; returns its auth headers."""

    def _staff(openid: str, role: str, station_id=None, region_id=None) -> dict:
        headers = login(openid)
        from liaison.core.db import db
        from liaison.users.models import User

        with app.app_context():
            user = db.session.query(User).filter_by(mp_openid=openid).one()
            factories.staff(db.session, user, role, station_id=station_id, region_id=region_id)
            db.session.commit()
        return headers

    return _staff
