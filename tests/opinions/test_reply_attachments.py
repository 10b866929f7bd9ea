"""Reply attachments: the lead unit sends photos and PDFs with its reply; images are
re-encoded, PDFs checked by their content; staff see them with the draft, the resident
with the released reply; nothing that is not a real PDF gets in under a .pdf name."""
from __future__ import annotations

import io

import factories
import pytest
from opinion_helpers import jpeg
from PIL import Image


def real_pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 80), (250, 250, 250)).save(buf, "PDF")
    return buf.getvalue()


@pytest.fixture
def case(submit, act, world):
    """A case assigned to the demo unit (lead) and a co-handling unit."""
    opinion = submit().get_json()["opinion"]["id"]
    assert act("demo-liaison", opinion, "accept").status_code == 200
    r = act("demo-liaison", opinion, "assign", level="district", unit_ids=[world["unit_id"], world["unit2_id"]],
            lead_unit_id=world["unit_id"])
    assert r.status_code == 200, r.get_json()
    return opinion


def _upload(client, who, opinion, data, name, openid="demo-unit"):
    return client.post(f"/api/v1/opinions/{opinion}/reply-attachments", headers=who(openid),
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _detail(client, who, opinion, openid):
    return client.get(f"/api/v1/opinions/{opinion}", headers=who(openid)).get_json()["opinion"]


def test_files_go_to_staff_with_the_draft_and_to_the_resident_with_the_released_reply(client, who, act, case):
    photo = _upload(client, who, case, jpeg(fmt="PNG"), "现场照片.png")
    letter = _upload(client, who, case, real_pdf(), "答复函.pdf")
    assert photo.status_code == 201 and letter.status_code == 201, (photo.get_json(), letter.get_json())
    assert photo.get_json()["content_type"] == "image/jpeg" and photo.get_json()["name"] == "现场照片.jpg"
    assert letter.get_json()["content_type"] == "application/pdf" and letter.get_json()["released"] is False
    staff_view = _detail(client, who, case, "demo-liaison")["assignments"]
    assert [f["name"] for f in staff_view[0]["attachments"]] == ["现场照片.jpg", "答复函.pdf"]
    assert _detail(client, who, case, "demo-resident")["reply"] is None
    anonymous = client.get(f"/api/v1/reply-attachments/{letter.get_json()['id']}", headers=who("demo-resident"))
    assert anonymous.status_code == 404  # not released yet: the resident cannot fetch it either
    assert act("demo-unit", case, "draft_reply", text="路灯已于本周更换，经现场检查恢复照明。").status_code == 200
    assert act("demo-liaison", case, "release_reply").status_code == 200
    reply = _detail(client, who, case, "demo-resident")["reply"]
    assert [(f["name"], f["released"]) for f in reply["attachments"]] == [("现场照片.jpg", True), ("答复函.pdf", True)]
    got = client.get(reply["attachments"][0]["url"])  # the signed link, as the mini-program's <image>
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(got.data)).format == "JPEG"
    pdf = client.get(f"/api/v1/reply-attachments/{reply['attachments'][1]['id']}", headers=who("demo-resident"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in pdf.headers["Content-Security-Policy"]
    late = client.delete(f"/api/v1/reply-attachments/{reply['attachments'][1]['id']}", headers=who("demo-unit"))
    assert late.status_code == 409 and "已随答复" in late.get_json()["error"]["message"]


def test_a_file_that_is_not_a_pdf_renamed_pdf_is_refused_in_chinese(client, who, case):
    r = _upload(client, who, case, b"MZ\x90\x00 this is an .exe, not a PDF" * 10, "答复函.pdf")
    assert r.status_code == 415 and r.get_json()["error"]["message"].startswith("文件不是有效的 PDF")
    text = _upload(client, who, case, "这不是图片".encode() * 20, "说明.txt")
    assert text.status_code == 415 and "PDF" in text.get_json()["error"]["message"]
    assert _detail(client, who, case, "demo-liaison")["assignments"][0]["attachments"] == []


def test_broken_scripted_or_oversized_pdfs_are_refused(app, client, who, case):
    good = real_pdf()
    cut = _upload(client, who, case, good[: len(good) // 2], "半截.pdf")
    assert cut.status_code == 422 and "不完整" in cut.get_json()["error"]["message"]
    scripted = good.replace(b"%%EOF", b"<< /S /JavaScript /JS (app.alert(1)) >>\n%%EOF")
    js = _upload(client, who, case, scripted, "带脚本.pdf")
    assert js.status_code == 422 and "脚本" in js.get_json()["error"]["message"]
    app.config["REPLY_PDF_MAX_BYTES"] = len(good) - 1
    big = _upload(client, who, case, good, "太大.pdf")
    assert big.status_code == 413 and big.get_json()["error"]["message"].startswith("PDF 文件不能超过")


@pytest.mark.parametrize("openid,status", [("demo-liaison", 403), ("other-unit", 404), ("demo-resident", 403)])
def test_only_the_lead_unit_uploads(client, who, case, openid, status):
    r = _upload(client, who, case, jpeg(), "p.jpg", openid)
    assert r.status_code == status, r.get_json()


def test_a_co_handling_unit_cannot_upload_and_the_unit_may_remove_an_unsent_file(app, client, who, case, world):
    from liaison.core.db import db

    with app.app_context():
        factories.staff(db.session, factories.user(db.session, "co-unit", "城管局办理员"), "unit",
                        unit_id=world["unit2_id"])
        db.session.commit()
    co = _upload(client, who, case, jpeg(), "p.jpg", "co-unit")
    assert co.status_code == 403 and "主办单位" in co.get_json()["error"]["message"]
    item = _upload(client, who, case, jpeg(), "p.jpg").get_json()
    assert client.delete(f"/api/v1/reply-attachments/{item['id']}", headers=who("co-unit")).status_code == 404
    assert client.delete(f"/api/v1/reply-attachments/{item['id']}", headers=who("demo-unit")).status_code == 204
    assert client.get(item["url"]).status_code == 404


def test_a_scrub_deletes_the_reply_files_with_the_rest_of_the_personal_data(app, client, who, act, case):
    from liaison.core.db import db
    from liaison.core.storage import get_storage
    from liaison.opinions.models import ReplyAttachment
    from liaison.opinions.retention import scrub

    item = _upload(client, who, case, real_pdf(), "答复函.pdf").get_json()
    with app.app_context():
        key = db.session.get(ReplyAttachment, item["id"]).storage_key
        assert get_storage().exists(key)
        assert scrub(case) is True
        assert db.session.query(ReplyAttachment).count() == 0 and not get_storage().exists(key)
