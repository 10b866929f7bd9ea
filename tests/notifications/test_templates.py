"""Template configuration and message texts: pure, no app."""
import pytest

from liaison.notifications import templates, texts
from liaison.notifications.fields import build_data, build_template_data


def test_defaults_are_consistent_and_use_ids_the_fake_accepts():
    config = templates.merge(None)
    for name, entry in config["templates"].items():
        assert entry["template_id"].startswith("tmpl-"), name
        for source in entry["fields"].values():
            assert source.startswith("=") or source in templates.CONTEXT_KEYS, (name, source)
    for audience, table in config["events"].items():
        for event, name in table.items():
            assert config["templates"][name]["channel"] == templates.CHANNEL_OF[audience]


def test_one_tap_requests_at_most_three_distinct_templates():
    items = templates.subscribe_items(templates.merge(None), "resident")
    ids = templates.request_ids(items)
    assert len(ids) == 3 == len(set(ids))
    assert ids[0] == "tmpl-resident-reply"  # 答复 (with 请评价) matters most


@pytest.mark.parametrize("override", [
    '{"templates": {"resident_reply": {"kind": "forever"}}}',
    '{"templates": {"new_one": {"template_id": "x", "channel": "sms"}}}',
    '{"events": {"resident": {"accepted": "no_such_template"}}}',
    '{not json',
])
def test_a_bad_override_is_refused(override):
    with pytest.raises(ValueError):
        templates.merge(override)


def test_an_override_adds_a_template_and_points_an_event_at_it():
    config = templates.merge({
        "templates": {"resident_rate": {"template_id": "tmpl-rate", "channel": "subscribe",
                                        "kind": "one_time", "title": "评价提醒",
                                        "fields": {"character_string1": "number"}}},
        "events": {"resident": {"rate_request": "resident_rate"}}})
    entry = templates.template_for(config, "resident", "rate_request")
    assert entry["template_id"] == "tmpl-rate" and entry["name"] == "resident_rate"
    assert templates.kind_of_template(config, "tmpl-rate") == "one_time"
    assert templates.template_for(templates.merge(None), "resident", "nope") is None


def test_every_default_template_builds_valid_data_from_a_full_context():
    from datetime import date, datetime, timezone

    context = {"number": "LL-2026-000123", "summary": "路灯坏了" * 20, "state_label": "重新办理",
               "station": "望月湖街道人大代表联络站（岳麓区）", "deputy": "王明",
               "category": "城市管理", "deadline": date(2026, 12, 31),
               "reply": "已安排维修\n预计下周完成" * 5, "time": datetime(2026, 12, 31, 8, 30, tzinfo=timezone.utc),
               "title": "意见重新办理", "body": "正文" * 30, "reason": "", "rating": "满意"}
    for name, entry in templates.TEMPLATES.items():
        values = templates.field_values(entry, context)
        data = (build_data(values) if entry["channel"] == "subscribe"
                else build_template_data(values))
        assert set(data) == set(entry["fields"]), name
        assert all(v["value"] and "\n" not in v["value"] for v in data.values()), name


def test_message_bodies_read_well_when_values_are_missing():
    title, body = texts.render("staff", "held", {"number": "LL-2026-000001"})
    assert title == "意见待审核"
    assert body == "意见（编号LL-2026-000001）需要审核后才能受理。"
    title, body = texts.render("units", "brand_new_event", {"number": "LL-2026-000002"}, "新事件")
    assert title == "新事件" and "LL-2026-000002" in body
