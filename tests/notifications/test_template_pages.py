"""The pages subscribe messages open are pages of the mini-program (pure, no app).

miniprogram/config/pages.js is the one list of pages and query keys; the backend's
templates name pages from it, and WeChat refuses (41030) a page that app.json lacks.
"""
import json
from pathlib import Path

import pytest

from liaison.notifications import pages, templates

MINIPROGRAM = Path(__file__).resolve().parents[2] / "miniprogram"
APP_JSON = json.loads((MINIPROGRAM / "app.json").read_text(encoding="utf-8"))


def test_pages_js_lists_exactly_the_pages_of_app_json():
    listed = [p["path"] for p in pages.load().values()]
    assert sorted(listed) == sorted(APP_JSON["pages"])
    assert pages.app_json_pages() == APP_JSON["pages"]


def test_every_page_a_template_names_exists_in_app_json_with_the_keys_it_reads():
    """Every mini-program page a backend message can open (a subscribe message's page, or a
    template message's mini-program page) is a page of app.json, read here from the file."""
    config = templates.merge(None)
    context = {"opinion_id": 12, "station_id": 3, "consultation_id": 5}
    named = {}
    for name, entry in config["templates"].items():
        if entry["channel"] == templates.SUBSCRIBE:
            assert entry.get("page"), f"{name}: a subscribe message should open a page"
        if not entry.get("page"):
            continue
        link = templates.page_link(config, entry, context)
        path, _, query = link.partition("?")
        assert path in APP_JSON["pages"], (name, link)
        page_name, _ = pages.parse(entry["page"])
        keys = {pair.split("=")[0] for pair in query.split("&") if pair}
        assert keys <= set(config["pages"][page_name]["query"]), (name, link)
        # A page that shows one record must be told which (a bare link would open it empty).
        assert keys or not config["pages"][page_name]["query"] or page_name == "index", (name, link)
        named[name] = link
    assert named["resident_reply"] == "pages/opinion/opinion?id=12"
    assert named["resident_consultation"] == "pages/consultation/consultation?id=5"
    # The reminder and the cancel of a booking open 我的预约.
    assert named["resident_appointment"] == "pages/appointments/appointments"
    # A deputy's duty reminder opens 值班与履职; a suggestion's recorded outcome opens 我的建议.
    assert named["deputy_reception"] == "pages/duty/duty"
    assert named["deputy_suggestion"] == "pages/suggestions/suggestions"


@pytest.mark.parametrize("page", ["opinion/detail?id={opinion_id}", "appointments?id={x}",
                                  "opinion?opinion_id={opinion_id}"])
def test_a_template_page_that_pages_js_lacks_stops_the_configuration(page):
    with pytest.raises(ValueError, match="pages.js|query key"):
        templates.merge({"templates": {"resident_accept": {"page": page}}})


def test_a_link_without_the_value_it_needs_opens_the_home_page_instead():
    config = templates.merge(None)
    assert pages.link(config["pages"], "station?id={station_id}", {"station_id": None}) == ""
    assert pages.link(config["pages"], "messages", {}) == "pages/messages/messages"
    assert pages.link(config["pages"], "opinion?id={opinion_id}&created=1", {"opinion_id": 5}) == \
        "pages/opinion/opinion?id=5&created=1"


def test_pages_js_must_stay_json_after_module_exports(tmp_path):
    broken = tmp_path / "pages.js"
    broken.write_text("// note\nmodule.exports = {opinion: {path: 'pages/o/o', query: []}}\n", encoding="utf-8")
    with pytest.raises(ValueError):
        pages.load(broken)
    fine = tmp_path / "fine.js"
    fine.write_text('// note\nmodule.exports = {"o": {"path": "pages/o/o", "query": []}}\n', encoding="utf-8")
    assert pages.load(fine) == {"o": {"path": "pages/o/o", "query": []}}


def test_a_deputys_message_opens_the_deputys_page_of_the_opinion_in_the_miniprogram():
    config = templates.merge(None)
    for name in ("deputy_summon", "deputy_progress"):
        entry = config["templates"][name]
        assert entry["channel"] == templates.TEMPLATE and entry["url"]  # the web page stays the fallback
        link = templates.page_link(config, entry, {"opinion_id": 12})
        assert link == "pages/deputy-opinion/deputy-opinion?id=12"
        assert link.split("?")[0] in APP_JSON["pages"]
    with pytest.raises(ValueError, match="pages.js"):
        templates.merge({"templates": {"deputy_summon": {"page": "workbench/detail?id={opinion_id}"}}})
