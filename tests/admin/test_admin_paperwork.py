"""Paperwork on the pages: the lead unit attaches files to its reply, staff print the
交办单 and download the ledger, the resident reads the files with the reply."""
from __future__ import annotations

import io

from page_helpers import oauth_login, page_csrf
from PIL import Image


def _post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data}, **kwargs)


def _flashes(client):
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def _pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buf, "PDF")
    return buf.getvalue()


def test_the_unit_attaches_a_pdf_that_reaches_the_resident_with_the_reply(app, client, staff, places, opinion):
    op = opinion()
    unit = places["units"]["岳麓区住房和城乡建设局"]
    staff("liaison")
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "accept", "version": ""})
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "assign", "level": "district", "unit_ids": str(unit)})
    page = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "打印交办单（PDF）" in page and "答复附件" not in page  # staff print; only the unit attaches
    staff("unit")
    assert 'data-testid="reply-files"' in client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    fake = _post(client, f"/admin/opinions/{op['id']}/attachments",
                 {"file": (io.BytesIO(b"<html>not a pdf</html>" * 20), "答复函.pdf")},
                 content_type="multipart/form-data")
    assert fake.status_code == 302 and _flashes(client) == [("error", "文件不是有效的 PDF，请上传 PDF 文件或图片（JPG、PNG）")]
    _post(client, f"/admin/opinions/{op['id']}/attachments", {"file": (io.BytesIO(_pdf()), "答复函.pdf")},
          content_type="multipart/form-data")
    assert _flashes(client) == [("success", "已上传附件“答复函.pdf”，将随答复发给群众")]
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "draft_reply", "text": "路灯已更换，恢复照明。"})
    staff("liaison")
    assert "答复函.pdf" in client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "release_reply"})
    oauth_login(client, "oa-demo-resident", "/h5/")
    html = client.get(f"/h5/opinions/{op['id']}").get_data(as_text=True)
    assert "路灯已更换" in html and "答复函.pdf" in html and 'data-testid="reply-attachments"' in html


def test_the_queue_offers_the_ledger_with_its_filters(client, staff, places, opinion):
    opinion()
    staff("liaison")
    html = client.get("/admin/queue?state=submitted&q=路灯").get_data(as_text=True)
    assert 'href="/api/v1/opinions.xlsx?' in html and "state=submitted" in html and "导出台账（Excel）" in html
    staff("unit")
    assert "导出台账" not in client.get("/admin/queue").get_data(as_text=True)
