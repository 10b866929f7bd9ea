"""A refused action on the opinion page comes back as the page itself: the refusal's
status, that action's form open and filled with what was posted, the message inside
it and beside the field it names; the form posts to its own #fragment so the browser
opens the answer there. Staff forms separate 说明（群众可见） from 内部备注（仅工作人员）."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from page_helpers import page_csrf

from liaison.opinions import deadlines
from liaison.core import clock


def _post(client, opinion_id, action, **fields):
    html = client.get(f"/admin/opinions/{opinion_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = {"csrf_token": page_csrf(client, f"/admin/opinions/{opinion_id}"), "action": action,
            "version": version, **fields}
    return client.post(f"/admin/opinions/{opinion_id}/act", data=data)


def _form(html: str, action: str) -> str:
    start = html.index(f'data-action="{action}"')
    return html[html.rindex("<details", 0, start):html.index("</details>", start)]


@pytest.fixture
def extension_asked(app, phone, opinion, places, staff, client):
    """An opinion assigned to the housing bureau, which asked for a later deadline."""
    op = opinion()
    api = app.test_client()
    heads = {}
    for who in ("demo-liaison", "demo-unit"):
        token = api.post("/api/v1/auth/wechat", json={"code": phone.login_code(who)}).get_json()["token"]
        heads[who] = {"Authorization": "Bearer " + token}
    later = deadlines.add_working_days(clock.today(), 40).isoformat()
    unit = places["units"]["岳麓区住房和城乡建设局"]
    for who, body in (("demo-liaison", {"action": "accept"}),
                      ("demo-liaison", {"action": "assign", "unit_ids": [unit], "level": "district"}),
                      ("demo-unit", {"action": "request_extension", "deadline": later, "reason": "需协调供电公司"})):
        r = api.post(f"/api/v1/opinions/{op['id']}/transitions", json=body, headers=heads[who])
        assert r.status_code == 200, r.get_json()
    staff("liaison")
    return op


def test_a_blank_reason_brings_the_reject_form_back_open_with_the_note_typed(client, extension_asked):
    op_id = extension_asked["id"]
    r = _post(client, op_id, "reject_extension", reason="   ", note="已电话告知承办单位")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    form = _form(html, "reject_extension")
    assert form.startswith('<details class="action action--warn" data-action="reject_extension"')
    assert 'id="act-reject_extension" open>' in form
    assert f'action="/admin/opinions/{op_id}/act#act-reject_extension"' in form
    assert 'data-testid="form-error-reject_extension">请填写不同意的原因</div>' in form
    assert ">已电话告知承办单位</textarea>" in form
    assert 'aria-invalid="true" aria-describedby="reject_extension-reason-error"' in form
    assert "不同意的原因<em class=\"req\">（必填）</em>" in form
    assert "flash-error" not in html  # the message is in the form, not at the top
    assert " open>" not in _form(html, "approve_extension")  # the other forms stay folded


def test_an_early_date_keeps_the_date_and_says_why(client, extension_asked):
    today = clock.today().isoformat()
    r = _post(client, extension_asked["id"], "approve_extension", deadline=today,
              public_note="期限延长至下月底", note="分管领导同意")
    assert r.status_code == 422
    form = _form(r.get_data(as_text=True), "approve_extension")
    assert "办理期限应晚于今天" in form and f'value="{today}"' in form
    assert ">期限延长至下月底</textarea>" in form and ">分管领导同意</textarea>" in form
    assert f'min="{(clock.today() + timedelta(days=1)).isoformat()}"' in form


def test_a_blank_note_and_a_stale_page_come_back_where_they_were_posted(client, staff, opinion):
    op = opinion()
    staff("liaison")
    r = _post(client, op["id"], "note", note="")
    assert r.status_code == 422 and "请填写内部备注" in _form(r.get_data(as_text=True), "note")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert _post(client, op["id"], "note", note="先记一笔").status_code == 302  # someone else meanwhile
    r = client.post(f"/admin/opinions/{op['id']}/act", data={
        "csrf_token": page_csrf(client, f"/admin/opinions/{op['id']}"), "action": "accept",
        "version": version, "public_note": "已受理", "note": "转住建条线"})
    assert r.status_code == 409
    form = _form(r.get_data(as_text=True), "accept")
    assert "刚刚被他人处理过" in form and ">已受理</textarea>" in form and ">转住建条线</textarea>" in form


def test_a_refused_action_no_longer_offered_is_told_at_the_top(client, staff, opinion):
    op = opinion()
    staff("liaison")
    r = _post(client, op["id"], "release_reply")  # never offered before an answer exists
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert 'data-testid="stray-error">这条意见当前为“已提交”，不能进行“答复”操作' in html


def test_staff_forms_say_who_reads_each_text(client, staff, opinion):
    op = opinion()
    staff("liaison")
    html = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    accept = _form(html, "accept")
    assert "说明（群众可见）" in accept and "内部备注（仅工作人员）" in accept
    assert 'name="public_note"' in accept and 'name="note"' in accept
    decline = _form(html, "decline")
    assert re.search(r"不予受理的原因<em[^>]*>（必填）</em> <span class=\"readers\" data-readers>群众可见</span>",
                     decline)
    assert "内部备注（仅工作人员）" in decline and 'name="public_note"' not in decline
    assert _post(client, op["id"], "accept", public_note="已受理，三日内交办。", note="居民很着急").status_code == 302
    timeline = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "说明（群众可见）：已受理，三日内交办。" in timeline and "内部备注（仅工作人员）：居民很着急" in timeline
