"""The README speaks of the repository only, and says how to make a subscribe tap on the fake."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_the_readme_names_is_in_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.(?:md|py|json|js))\b", text))
    assert "docs/API.md" in named
    named.discard("scripts/bench_NAME.py")  # a pattern (scripts/bench NAME), not a file
    missing = sorted(n for n in named if "/" in n and not any((base / n).exists() for base in (ROOT, ROOT / "server", ROOT / "server" / "liaison")))
    assert not missing, missing
    assert not re.search(r"MISSION\.md|ENGINEERING\.md|/work/", text)


def test_the_readme_shows_a_subscribe_tap_on_the_fake_and_the_consent_report():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "/_fake/subscribe" in text and "/api/v1/notifications/consents" in text
