"""Every page writes a date one way: 2026年11月25日 (16:00), report months 2026年10月."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "server" / "liaison"


def test_times_dates_and_months_share_one_chinese_format():
    from liaison.core.formatting import local_time, short_date, short_month

    at = datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)  # 16:00 in China
    assert local_time(at) == "2026年11月25日 16:00"
    assert local_time("2026-11-25T16:00:00+08:00") == "2026年11月25日 16:00"
    assert short_date(date(2026, 11, 25)) == "2026年11月25日" and local_time(at).startswith(short_date(at))
    assert short_month("2026-10") == "2026年10月"


def test_no_page_template_prints_a_date_or_month_without_the_shared_filters():
    """A date field printed raw ({{ x.date }}, {{ data.month }}) would show 2026-11-25 beside 2026年11月25日."""
    raw = re.compile(r"\{\{\s*[\w.]*(?:date|month|_at|\.at)\s*\}\}")
    found = {}
    for folder in ("admin/templates", "h5/templates", "stats/templates"):
        for path in (TEMPLATES / folder).rglob("*.html"):
            text = re.sub(r'<input[^>]*>|<option[^>]*>|(?:value|href|action|data-[\w-]+)="[^"]*"', " ",
                          path.read_text(encoding="utf-8"))
            hits = raw.findall(text)
            if hits:
                found[str(path.relative_to(TEMPLATES))] = hits
    assert not found, found
