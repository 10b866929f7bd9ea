"""The demo district (岳麓区, ``flask demo opinions``) shows a few topics on the office's page."""
from __future__ import annotations

import factories


def test_the_demo_district_has_a_few_topics(app, runner, client, login):
    from liaison.core.db import db

    for command in (["demo", "load"], ["demo", "opinions"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        region_id = factories.demo_ids(db.session)["region_id"]
    r = client.get(f"/api/v1/stats/regions/{region_id}/topics", headers=login("demo-office"))
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert 3 <= len(data["topics"]) <= 12
    assert data["unclustered"] > 0
