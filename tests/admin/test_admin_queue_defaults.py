"""The work queue opens on what is still to do; 办结 offers only the reasons that fit."""
from __future__ import annotations

import re

from page_helpers import page_csrf


def _items(html: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', html)


def _act(client, opinion_id, action, **fields):
    page = client.get(f"/admin/opinions/{opinion_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return client.post(f"/admin/opinions/{opinion_id}/act",
                       data={"csrf_token": page_csrf(client, f"/admin/opinions/{opinion_id}"),
                             "action": action, "version": version, **fields})


def _chips(html: str) -> str:
    start = html.index('data-testid="state-counts"')
    return html[start:html.index("</div>", start)]


def test_the_queue_opens_on_cases_not_yet_closed_and_all_shows_the_closed_ones(client, staff, opinion):
    open_case = opinion("望月湖小区三栋楼道灯坏了，晚上老人上下楼很危险。")
    declined = opinion("我和原单位有工资纠纷，希望代表帮我把工资要回来。", resident="demo-resident2")
    staff("liaison")
    assert _act(client, declined["id"], "decline", reason="个人劳动争议", channel="arbitration").status_code == 302
    assert _act(client, declined["id"], "close").status_code == 302
    html = client.get("/admin/queue").get_data(as_text=True)
    assert _items(html) == [open_case["number"]]
    chips = _chips(html)
    assert 'is-active" data-state="active"' in chips and "未办结 <b>1</b>" in chips and "全部 <b>2</b>" in chips
    everything = client.get("/admin/queue?state=all").get_data(as_text=True)
    assert set(_items(everything)) == {open_case["number"], declined["number"]}
    assert _items(client.get("/admin/queue?state=closed").get_data(as_text=True)) == [declined["number"]]


def test_closing_a_case_rated_satisfied_offers_only_satisfied_or_resolved(app, client, staff, opinion):
    from liaison.core.db import db
    from liaison.opinions.access import viewer_for
    from liaison.opinions.operations import transition
    from liaison.users.models import User

    op = opinion()
    staff("liaison")
    _act(client, op["id"], "accept")
    assert _act(client, op["id"], "reply_directly", text="路灯已修复。", method="phone").status_code == 302
    with app.app_context():
        resident = db.session.query(User).filter_by(mp_openid="demo-resident").one()
        transition(viewer_for(resident), op["id"], "rate", {"rating": "satisfied"})
    page = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    form = page[page.index('data-action="close"'):]
    select = form[form.index('name="close_reason"'):form.index("</select>")]
    assert re.findall(r'<option value="([a-z_]*)"', select) == ["satisfied", "resolved"]
    assert 'value="satisfied" selected' in select
    assert _act(client, op["id"], "close", close_reason="satisfied").status_code == 302
    assert "群众满意" in client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
