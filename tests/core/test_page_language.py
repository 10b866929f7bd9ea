"""Every page a person reads is in Chinese (file-type names excepted), and has an icon."""
from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "liaison"
TEMPLATES = [PACKAGE / "admin" / "templates", PACKAGE / "h5" / "templates", PACKAGE / "stats" / "templates"]
# Names of file types, encodings and sizes, written this way on Chinese government software
# too, and the file name WeChat prescribes for its verification files (MP_verify_….txt).
ALLOWED = {"Excel", "PDF", "PNG", "JPG", "ZIP", "CSV", "xlsx", "csv", "txt", "UTF-8", "GBK", "KB", "MB",
           "Word", "docx", "MP_verify"}
VISIBLE_ATTRIBUTES = re.compile(r'(?:placeholder|title|aria-label|alt)="([^"]*)"')


def visible_words(source: str) -> set[str]:
    """Latin words a reader sees in a template (markup, code and expressions removed)."""
    source = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    # {% set attrs %}…{% endset %} holds attributes for a tag: markup, read as a tag.
    source = re.sub(r"\{%-?\s*set\s+\w+\s*-?%\}(.*?)\{%-?\s*endset\s*-?%\}", r"<_ \1>", source, flags=re.S)
    source = re.sub(r"\{%\s*block\s+body_class\s*%\}.*?\{%\s*endblock\s*%\}", " ", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    shown = " ".join(VISIBLE_ATTRIBUTES.findall(source))
    text = re.sub(r"<[^>]*>", " ", source)
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]", f"{text} {shown}"))


def test_the_check_sees_english_in_text_and_attributes_but_not_in_markup():
    sample = ('<p class="note" data-x="Health">统计 {{ t.value }} {% if x %}Wilson{% endif %}</p>'
              '<input placeholder="Search"><p>STATS_DUTY_POINTS 决定</p>')
    assert visible_words(sample) == {"Wilson", "Search", "STATS_DUTY_POINTS"}
    attrs = '{% set a %}{% if r %} required aria-required="true"{% endif %}{% endset %}<input{{ a }}>'
    assert visible_words(attrs) == set()


def test_no_template_of_the_admin_h5_or_report_pages_shows_english():
    found = {}
    for folder in TEMPLATES:
        for path in folder.rglob("*.html"):
            words = visible_words(path.read_text(encoding="utf-8")) - ALLOWED
            if words:
                found[str(path.relative_to(PACKAGE))] = sorted(words)
    assert not found, found


def test_the_api_docs_group_their_operations_under_chinese_names(client):
    tags = [t["name"] for t in client.get("/api/openapi.json").get_json()["tags"]]
    assert tags and all(re.search(r"[\u4e00-\u9fff]", name) for name in tags), tags
    assert len(tags) == len(set(tags))


def test_pages_link_an_icon_that_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for page in ("/admin/login", "/h5/", "/reports/"):
        html = client.get(page).get_data(as_text=True)
        href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
        assert client.get(href).status_code == 200, page
