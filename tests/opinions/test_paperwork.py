"""The case ledger (意见台账, Excel) with the queue's filters, and a case's 交办单 (PDF),
both read back: openpyxl for the ledger, pdftotext for the 交办单."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook


def _assigned(submit, act, world, text=None, **fields):
    body = {"text": text} if text else {}
    opinion = submit(**body, **fields).get_json()["opinion"]
    assert act("demo-liaison", opinion["id"], "accept").status_code == 200
    r = act("demo-liaison", opinion["id"], "assign", level="district", unit_ids=[world["unit_id"], world["unit2_id"]],
            lead_unit_id=world["unit_id"], deadline="2099-01-15", note="请一周内到现场查看")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["opinion"]


def _ledger(client, who, openid="demo-liaison", **query):
    r = client.get("/api/v1/opinions.xlsx", headers=who(openid), query_string=query)
    assert r.status_code == 200, r.get_json()
    assert r.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(r.data))["意见台账"].iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_ledger_lists_the_queues_cases_with_units_and_reads_back(client, who, submit, act, world):
    assigned = _assigned(submit, act, world, contact_phone="13800001234")
    waiting = submit(text="菜市场门口垃圾桶满了没人清理，气味很大。", category="environment").get_json()["opinion"]
    header, rows = _ledger(client, who)
    assert header[:3] == ("编号", "提交时间", "联络站") and "承办单位" in header
    assert [r["编号"] for r in rows] == [assigned["number"], waiting["number"]]  # oldest first
    first = rows[0]
    assert first["承办单位"] == "岳麓区住房和城乡建设局（主办）；岳麓区城市管理和综合执法局（协办）"
    assert first["办理期限"] == "2099-01-15" and first["状态"] == "已交办"
    assert first["联系电话"] == "13800001234"  # the station's own staff read the number in full
    assert first["意见内容"].startswith("小区北门的路灯")


def test_the_ledger_takes_the_queues_filters(client, who, submit, act, world):
    assigned = _assigned(submit, act, world)
    submit(text="菜市场门口垃圾桶满了没人清理，气味很大。", category="environment")
    _, open_ones = _ledger(client, who, state="assigned")
    assert [r["编号"] for r in open_ones] == [assigned["number"]]
    _, found = _ledger(client, who, q="垃圾桶")
    assert [r["意见内容"][:5] for r in found] == ["菜市场门口"]
    _, none = _ledger(client, who, **{"from": "2000-01-01", "to": "2000-12-31"})
    assert none == []
    bad = client.get("/api/v1/opinions.xlsx?from=2026-13-40", headers=who("demo-liaison"))
    assert bad.status_code == 422 and "日期格式" in bad.get_json()["error"]["message"]


def test_the_ledger_masks_phones_for_the_office_and_names_nobody_anonymous(client, who, submit, world):
    submit(contact_phone="13800001234", anonymous=True)
    submit(contact_phone="13900005678")
    _, rows = _ledger(client, who, "demo-office")
    assert [(r["反映人"], r["联系电话"]) for r in rows] == [("匿名", None), ("居民张阿姨", "139****5678")]


def test_the_ledger_is_staff_only_and_holds_only_what_the_caller_sees(client, who, submit, world):
    submit()
    for openid in ("demo-resident", "demo-deputy", "demo-unit"):
        assert client.get("/api/v1/opinions.xlsx", headers=who(openid)).status_code == 403
    _, rows = _ledger(client, who, "other-office")
    assert rows == []


def test_the_assignment_sheet_prints_number_units_deadline_and_signature_lines(client, who, submit, act, world,
                                                                               pdf_text):
    opinion = _assigned(submit, act, world)
    r = client.get(f"/api/v1/opinions/{opinion['id']}/assignment.pdf", headers=who("demo-liaison"))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert b"/FontFile3" in r.data or b"/FontFile2" in r.data  # a real font, so the text is text
    text = pdf_text(r.data)
    for expected in ("人大代表联络站意见建议交办单", opinion["number"], "长沙市岳麓区望月湖街道人大代表联络站",
                     "岳麓区住房和城乡建设局", "岳麓区城市管理和综合执法局", "主办", "协办", "2099-01-15",
                     "请一周内到现场查看", "交办人（签字）", "承办单位签收（签字）"):
        assert expected in text, expected
    assert "小区北门的路灯坏了两个星期" in "".join(text.split())


def test_the_assignment_sheet_is_for_staff_who_see_the_case(client, who, submit, act, world):
    opinion = _assigned(submit, act, world)
    url = f"/api/v1/opinions/{opinion['id']}/assignment.pdf"
    assert client.get(url, headers=who("demo-office")).status_code == 200
    assert client.get(url, headers=who("other-office")).status_code == 404
    assert client.get(url, headers=who("other-liaison")).status_code == 404
    for openid in ("demo-unit", "demo-resident", "demo-deputy"):
        r = client.get(url, headers=who(openid))
        assert r.status_code == 403, openid
    waiting = submit().get_json()["opinion"]
    r = client.get(f"/api/v1/opinions/{waiting['id']}/assignment.pdf", headers=who("demo-liaison"))
    assert r.status_code == 409 and "没有交办" in r.get_json()["error"]["message"]
