"""A draft's text split into articles (第一条…, 第十一条, 第二十条, 第一百零一条) and chapters,
pasted or uploaded (.docx, .txt), with Chinese refusals."""
from __future__ import annotations

from io import BytesIO

import pytest

from liaison.consultations import articles


@pytest.mark.parametrize("text,number", [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十一", 21),
                                         ("一百", 100), ("一百零一", 101), ("一百一十", 110), ("一千零二十", 1020),
                                         ("两百", 200), ("12", 12)])
def test_chinese_numerals_read_and_written(text, number):
    assert articles.parse_number(text) == number
    if not text.isdigit() and "两" not in text:
        assert articles.chinese_number(number) == text


@pytest.mark.parametrize("bad", ["二三", "条", "零"])
def test_not_a_numeral(bad):
    with pytest.raises(ValueError):
        articles.parse_number(bad)


def _long_draft(n: int) -> str:
    lines = ["第一章 总则"]
    for k in range(1, n + 1):
        if k == 100:
            lines.append("第五章　附则")
        lines.append(f"第{articles.chinese_number(k)}条　第{k}条的内容。")
    return "\n".join(lines)


def test_a_long_draft_keeps_its_numbers_and_chapters():
    draft = articles.split(_long_draft(101))
    assert len(draft.articles) == 101 and not draft.warnings
    assert [a.label for a in draft.articles[9:11]] == ["第十条", "第十一条"]
    assert draft.articles[19].label == "第二十条" and draft.articles[19].text == "第20条的内容。"
    assert draft.articles[100].label == "第一百零一条" and draft.articles[100].chapter == "第五章 附则"
    assert draft.articles[98].chapter == "第一章 总则"


def test_a_reference_to_an_article_inside_one_is_not_a_new_article():
    draft = articles.split("第一条　本条例所称文明行为。\n第三条规定的情形除外。\n第二条　其他。")
    assert [(a.number, a.text) for a in draft.articles] == [
        (1, "本条例所称文明行为。\n第三条规定的情形除外。"), (2, "其他。")]


def test_sections_and_skipped_numbers():
    draft = articles.split("第一章 总则\n第一节 一般规定\n第一条 甲。\n第三条 乙。")
    assert draft.articles[0].chapter == "第一章 总则 第一节 一般规定"
    assert draft.warnings == ["第一条之后是第三条，中间的条文编号不连续"]


def test_refusals_in_chinese():
    with pytest.raises(articles.DraftError, match="第二条出现了两次"):
        articles.split("第一条 甲。\n第二条 乙。\n第二条 丙。")
    with pytest.raises(articles.DraftError, match="第一条没有内容"):
        articles.split("第一条\n第二条 乙。")
    with pytest.raises(articles.DraftError, match="草案全文太长"):
        articles.split("字" * (articles.MAX_TEXT + 1))
    assert articles.split("只有一段说明，没有条文。").warnings == ["没有识别出条文（如“第一条”），群众只能对草案整体提意见"]


def _docx(lines) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_preview_reads_word_and_gbk_text_files(client, world, as_):
    office = as_("office-d")
    r = client.post("/api/v1/consultations/preview", headers=office, content_type="multipart/form-data",
                    data={"file": (BytesIO(_docx(["第一章 总则", "第一条　为了规范。", "第二条　适用范围。"])), "草案.docx")})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert [(a["label"], a["chapter"], a["text"]) for a in body["articles"]] == [
        ("第一条", "第一章 总则", "为了规范。"), ("第二条", "第一章 总则", "适用范围。")]
    assert "第二条　适用范围。" in body["text"]
    r = client.post("/api/v1/consultations/preview", headers=office, content_type="multipart/form-data",
                    data={"file": (BytesIO("第一条　甲。\r\n第二条　乙。".encode("gbk")), "draft.txt")})
    assert [a["text"] for a in r.get_json()["articles"]] == ["甲。", "乙。"]
    r = client.post("/api/v1/consultations/preview", headers=office, data={"text": "第一条 甲。"})
    assert r.status_code == 200 and r.get_json()["articles"][0]["label"] == "第一条"


@pytest.mark.parametrize("name,data,status,message", [
    ("草案.doc", b"\xd0\xcf\x11\xe0old word", 415, "另存为 .docx"),
    ("草案.pdf", b"%PDF-1.4", 415, "只能上传 Word（.docx）或纯文本（.txt）文件"),
    ("草案.docx", b"not a zip file at all", 422, "无法读取这个 Word 文件"),
    ("草案.txt", b"", 422, "上传的文件是空的"),
    ("草案.txt", b"x" * (5 * 1024 * 1024 + 1), 413, "文件不能超过 5 MB"),
])
def test_preview_refuses_what_it_cannot_read(client, world, as_, name, data, status, message):
    r = client.post("/api/v1/consultations/preview", headers=as_("office-d"), content_type="multipart/form-data",
                    data={"file": (BytesIO(data), name)})
    assert r.status_code == status and message in r.get_json()["error"]["message"]


def test_only_an_office_previews(client, world, as_):
    assert client.post("/api/v1/consultations/preview", headers=as_("res-a"), data={"text": "第一条 甲。"}).status_code == 403
