"""The audit log page: each office reads its own region's subtree, station staff their
stations, newest first, a page at a time, before → after readable."""
from __future__ import annotations

import re

from page_helpers import page_csrf

STATION_FORM = {"name": "长沙市岳麓区望月湖街道人大代表联络站", "kind": "central", "address": "望月湖街道综合楼二楼",
                "open_hours": "工作日 8:30-17:30", "master_name": "刘姐", "phone": "0731-88886666",
                "notice": "本月15日接待"}


def _post(client, path, data):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data})


def _station_id(app, like):
    from liaison.core.db import db
    from liaison.places.models import Station

    with app.app_context():
        return db.session.query(Station).filter(Station.name.like(like)).one().id


def _tianxin_invitation(runner):
    result = runner.invoke(args=["roles", "invite", "liaison", "--station", "长沙市天心区坡子街街道人大代表联络站"])
    assert result.exit_code == 0, result.output


def _row_ids(html):
    return [int(i) for i in re.findall(r'data-id="(\d+)"', html)]


def _all_visible(app, name):
    """Every audit row the demo person ``name`` may read, through every page."""
    from liaison.admin import audit_queries as queries
    from liaison.places.scopes import scope_of
    from liaison.core.db import db
    from liaison.places.models import Region
    from liaison.users.models import User

    with app.app_context():
        scope = scope_of(db.session.query(User).filter_by(oa_openid=f"oa-demo-{name}").one())
        rows, before = [], None
        while True:
            batch, before = queries.page(scope, before)
            rows += [(r.action, r.subject, db.session.get(Region, r.region_id).full_name() if r.region_id else "",
                      r.station_id) for r in batch]
            if before is None:
                return rows


def test_the_office_reads_its_districts_rows_and_not_another_districts(app, client, runner, staff, places):
    _tianxin_invitation(runner)
    staff("office")
    r = _post(client, f"/admin/stations/{places['station_id']}", {**STATION_FORM, "address": "望月湖新址"})
    assert r.status_code == 302
    assert 'data-testid="audit-link"' in client.get("/admin/me").get_data(as_text=True)
    page = client.get("/admin/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "操作记录" in html
    assert "修改联络站" in html and "区人大工委老周" in html
    first = html[html.index('data-action="station.updated"'):]
    assert re.search(r"地址：<span class=\"audit__old\">[^<]+</span> → <span class=\"audit__new\">望月湖新址</span>", first)
    assert "坡子街" not in html
    visible = _all_visible(app, "office")
    assert visible and all(region.startswith("长沙市/岳麓区") for _, _, region, _ in visible)
    assert not [row for row in visible if "天心区" in row[1]]


def test_station_staff_read_their_stations_rows_only(app, client, runner, staff, places):
    _tianxin_invitation(runner)
    staff("office")
    other = _station_id(app, "%橘子洲街道人大代表联络站")
    _post(client, f"/admin/stations/{other}", {**STATION_FORM, "name": "长沙市岳麓区橘子洲街道人大代表联络站",
                                               "address": "橘子洲新址"})
    _post(client, f"/admin/stations/{places['station_id']}", {**STATION_FORM, "address": "望月湖新址"})
    client.post("/admin/logout", data={"csrf_token": page_csrf(client, "/admin/me")})
    staff("master")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "望月湖新址" in html and "橘子洲新址" not in html and "坡子街" not in html
    assert {station for *_, station in _all_visible(app, "master")} == {places["station_id"]}


def test_a_handling_unit_has_no_audit_log(client, staff):
    staff("unit")
    r = client.get("/admin/audit")
    assert r.status_code == 403 and "人大工委" in r.get_data(as_text=True)


def test_the_log_pages_back_in_time_newest_first(client, staff):
    staff("office")  # the demo import alone leaves far more than one page in 岳麓区
    first = client.get("/admin/audit").get_data(as_text=True)
    ids = _row_ids(first)
    assert len(ids) == 30 and ids == sorted(ids, reverse=True)
    more = re.search(r'href="([^"]+)" data-testid="audit-more"', first).group(1).replace("&amp;", "&")
    older = _row_ids(client.get(more).get_data(as_text=True))
    assert older and max(older) < min(ids)


def test_a_refused_edit_leaves_no_trace_and_a_move_leaves_one_per_membership(app, client, staff, places):
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db

    staff("office")
    with app.app_context():
        start = db.session.query(AuditEntry).count()
    _post(client, f"/admin/stations/{places['station_id']}", {**STATION_FORM, "phone": "12345"})
    with app.app_context():
        assert db.session.query(AuditEntry).count() == start
    target = _station_id(app, "%橘子洲街道人大代表联络站")
    _post(client, f"/admin/deputies/{places['deputy_id']}/move",
          {"from_station_id": places["station_id"], "to_station_id": target, "kind": "home"})
    with app.app_context():
        rows = db.session.query(AuditEntry).filter(AuditEntry.id > start).order_by(AuditEntry.id).all()
        assert [(r.action, r.station_id) for r in rows] == [("membership.ended", places["station_id"]),
                                                             ("membership.started", target)]
        assert rows[0].before == {"ended_on": None} and rows[0].after["ended_on"]
        assert rows[1].after["kind"] == "home" and rows[1].actor_label.startswith("区人大工委老周")
