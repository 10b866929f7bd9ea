"""The admin opinion page shows a closed-session suggestion made from the opinion, and
there staff write down what became of it (the handling unit's answer)."""
from __future__ import annotations

from page_helpers import csrf_of, oauth_login

TITLE = "关于完善老旧小区照明设施的建议"


def _suggested(app, phone, places, opinion):
    op = opinion(deputy_id=places["deputy_id"])
    api = app.test_client()

    def token(openid):
        r = api.post("/api/v1/auth/wechat", json={"code": phone.login_code(openid)})
        return {"Authorization": f"Bearer {r.get_json()['token']}"}

    r = api.post(f"/api/v1/opinions/{op['id']}/transitions", json={"action": "accept"}, headers=token("demo-liaison"))
    assert r.status_code == 200, r.get_json()
    deputy = token("demo-deputy")
    r = api.post(f"/api/v1/opinions/{op['id']}/transitions", headers=deputy,
                 json={"action": "to_suggestion", "title": TITLE, "text": "建议统一排查更换。"})
    assert r.status_code == 200, r.get_json()
    listed = api.get("/api/v1/suggestions?mine=true", headers=deputy).get_json()["items"]
    return op, listed[0]["id"], (api, deputy)


def test_staff_record_the_outcome_on_the_opinion_page_and_the_deputy_reads_it(app, client, phone, places, opinion, staff):
    op, sid, (api, deputy) = _suggested(app, phone, places, opinion)
    staff("liaison")
    page = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "闭会期间代表建议：已提出，待答复" in page and TITLE in page and 'data-testid="suggestion-form"' in page
    r = client.post(f"/admin/suggestions/{sid}/outcome", data={
        "csrf_token": csrf_of(page), "opinion_id": op["id"], "unit_name": "", "outcome": "x"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/opinions/{op['id']}#suggestion")
    assert "请填写答复这条建议的承办单位" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = client.post(f"/admin/suggestions/{sid}/outcome", data={
        "csrf_token": csrf_of(page), "opinion_id": op["id"], "unit_name": "岳麓区住房和城乡建设局",
        "outcome": "已纳入明年改造计划。"})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已登记代表建议的办理结果" in page
    assert "闭会期间代表建议：已答复" in page and "已纳入明年改造计划。" in page and "更正办理结果" in page
    item = api.get("/api/v1/suggestions?mine=true", headers=deputy).get_json()["items"][0]
    assert item["outcome"]["unit_name"] == "岳麓区住房和城乡建设局"
    # The deputy reads it on the same page, without the form.
    browser = app.test_client()
    assert oauth_login(browser, "oa-demo-deputy", "/admin/").status_code == 302
    page = browser.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "已纳入明年改造计划。" in page and 'data-testid="suggestion-form"' not in page
    # The office's audit page names the step.
    office = app.test_client()
    assert oauth_login(office, "oa-demo-office", "/admin/").status_code == 302
    audit = office.get("/admin/audit").get_data(as_text=True)
    assert "登记代表建议办理结果" in audit and "已纳入明年改造计划。" in audit
