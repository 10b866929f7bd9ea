"""The region report as a PDF: printable, with the report's own words as selectable text."""
from __future__ import annotations


def test_region_report_pdf_carries_the_reports_text_and_figures(client, region, office, pdf_text):
    r = client.get(f"/api/v1/stats/regions/{region.city}/report.pdf?month=2025-03", headers=office)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF-")
    assert b"/FontFile3" in r.data or b"/FontFile2" in r.data  # the CJK font is embedded, not drawn as a picture
    report = client.get(f"/api/v1/stats/regions/{region.city}/report?month=2025-03", headers=office).get_json()
    text = pdf_text(r.data)
    assert "测试市人大代表联络站数据分析" in text and "统计月份 2025-03" in text
    assert "甲区" in text and "乙区" in text
    flat = "".join(text.split())
    assert "".join(report["text"][0].split())[:30] in flat  # part one's first sentence, as text
    assert f"{report['totals']['stations']}个" in flat


def test_region_report_pdf_is_for_the_office_over_the_region(client, region, login):
    r = client.get(f"/api/v1/stats/regions/{region.city}/report.pdf?month=2025-03", headers=login("nobody"))
    assert r.status_code == 403
