"""The demo data has one open consultation in the demo district, so ``scripts/run`` shows it."""
from __future__ import annotations


def test_the_demo_has_an_open_consultation_at_the_demo_station_once(app, client, runner):
    import factories
    from liaison.core.db import db
    from liaison.notifications.models import Message
    from liaison.places.models import Deputy

    for command in (["demo", "load"], ["demo", "opinions"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    assert "已发布一个示例立法意见征集" in result.output
    with app.app_context():
        ids = factories.demo_ids(db.session)
        wang = db.session.get(Deputy, ids["deputy_id"]).user_id
        told = db.session.query(Message).filter_by(user_id=wang, event="consultation_opened").count()
    items = client.get(f"/api/v1/consultations?station_id={ids['station_id']}").get_json()["items"]
    assert [(c["title"], c["state"], c["articles_count"]) for c in items] == [
        ("岳麓区养犬管理若干规定（草案征求意见稿）", "open", 9)]
    c = client.get(f"/api/v1/consultations/{items[0]['id']}").get_json()["consultation"]
    assert c["counts"]["shown"] == 2 and c["articles"][4]["comments"] == 1
    assert sorted({a["chapter"] for a in c["articles"]}) == ["第一章 总则", "第三章 法律责任", "第二章 养犬规范",
                                                             "第四章 附则"]
    assert told == 1  # 王明 sits at the demo station
    assert runner.invoke(args=["demo", "opinions"]).output.count("立法意见征集") == 0
