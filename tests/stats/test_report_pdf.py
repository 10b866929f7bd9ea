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


def test_region_report_pdf_has_the_recurring_topics_section(app, client, region, office, pdf_text):
    from datetime import datetime, timezone

    import factories
    from liaison.core.clock import CHINA
    from liaison.core.db import db
    from liaison.places.models import Station

    lights = ["小区门口的路灯坏了好几个月，晚上出门黑漆漆的", "我们这条路的路灯晚上不亮，走夜路很危险",
              "路灯坏了没人修，晚上黑乎乎的，老人不敢出门", "巷子里的路灯一直不亮，晚上回家要摸黑"]
    with app.app_context():
        station = db.session.get(Station, region.A)
        for n, text in enumerate(lights):
            factories.opinion(db.session, station, text, created_at=datetime(2025, 3, 7 + n, 10, tzinfo=CHINA).astimezone(timezone.utc))
        db.session.commit()
    r = client.get(f"/api/v1/stats/regions/{region.city}/report.pdf?month=2025-03", headers=office)
    assert r.status_code == 200
    flat = "".join(pdf_text(r.data).split())
    assert "三、民意研判（反复出现的话题）" in flat and "附：2025年逐月情况" in flat
    assert "意见数" in flat and "与上月相比" in flat and "涉及联络站（条）" in flat
    assert "示例意见" not in flat  # the paper keeps label, size, trend and stations
    assert "路灯" in flat and "新出现" in flat and "一街道人大代表联络站（4）" in flat
    assert "个反复出现的话题" in flat  # the section's note
    assert "分办建议采纳情况" in flat  # every added section is printed, not only 民意研判

