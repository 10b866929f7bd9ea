"""Sections other packages add to the region report (page, Excel and PDF), through an event.

``region_sections.send(region=..., month=...)`` asks every receiver (connected in
``liaison/wiring.py``; ``insight`` adds 民意研判) for one section or ``None``::

    {"key": "topics", "title": "三、民意研判", "sheet": "民意研判", "note": "…",
     "columns": ["话题", …], "rows": [["路灯、晚上", 12, …], …], "widths": [16, 8, …],
     "link": "/reports/…" or None, "link_text": "…",
     "pdf_columns": [0, 1, 2, 4], "pdf_widths": [3, 1, 1.5, 6]}   # optional

The page shows each as a table with its note and link; the Excel export adds the sheet
``sheet``; the PDF a table of the columns ``pdf_columns`` names (all when absent). The report does not know who answers.
"""
from __future__ import annotations

from ..core.events import Event

region_sections = Event("stats.region_sections")


def sections_for(region, month) -> list[dict]:
    return [s for s in region_sections.send(region=region, month=month) if s]
