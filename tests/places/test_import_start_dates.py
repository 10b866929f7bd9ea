"""The roster's optional 进站日期 column: when each seat began (default: the import date)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

IMPORTED_ON = date(2025, 3, 10)


def _row(n, name, started="", station="甲街道人大代表联络站", membership="驻站"):
    return {"_row": n, "区域": "长沙市/甲区/甲街道", "联络站": station, "代表姓名": name, "代表编号": f"S-{name}",
            "代表层级": "区", "进站方式": membership, "进站日期": started}


def _seats(app) -> dict[str, date | None]:
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership

    with app.app_context():
        return {name: started for name, started in db.session.query(Deputy.name, Membership.started_on)
                .join(Membership, Membership.deputy_id == Deputy.id)}


def test_a_new_seat_starts_on_the_import_date_unless_the_row_says_when(app):
    from liaison.places.importer import import_rows

    with app.app_context():
        import_rows([_row(2, "张一"), _row(3, "张二", "2024-06-01"), _row(4, "张三", "2023/9/5"),
                     _row(5, "张四", "2022年1月3日"), _row(6, "张五", "2021-11-30 00:00:00")], today=IMPORTED_ON)
    assert _seats(app) == {"张一": IMPORTED_ON, "张二": date(2024, 6, 1), "张三": date(2023, 9, 5),
                           "张四": date(2022, 1, 3), "张五": date(2021, 11, 30)}


def test_an_excel_date_cell_is_read_as_the_start_date(app, tmp_path):
    from liaison.places.importer import import_rows, read_rows

    wb = Workbook()
    ws = wb.active
    ws.append(["区域", "联络站", "代表姓名", "代表层级", "进站日期"])
    ws.append(["长沙市/甲区/甲街道", "甲街道人大代表联络站", "李一", "区", datetime(2024, 5, 20)])
    wb.save(tmp_path / "roster.xlsx")
    with app.app_context():
        import_rows(read_rows(tmp_path / "roster.xlsx"), today=IMPORTED_ON)
    assert _seats(app) == {"李一": date(2024, 5, 20)}


@pytest.mark.parametrize("value, message", [
    ("2025-13-01", "进站日期“2025-13-01”无法识别"),
    ("去年三月", "进站日期“去年三月”无法识别"),
    ("2025-03-11", "进站日期 2025-03-11 晚于今天"),
    ("1901-01-01", "太早"),
])
def test_a_start_date_that_cannot_be_right_stops_the_import(app, value, message):
    from liaison.places.importer import ImportFailed, import_rows

    with app.app_context(), pytest.raises(ImportFailed) as failed:
        import_rows([_row(2, "王一"), _row(3, "王二", value)], today=IMPORTED_ON)
    assert len(failed.value.errors) == 1 and failed.value.errors[0].startswith("第3行：")
    assert message in failed.value.errors[0]
    assert _seats(app) == {}


def test_reimporting_keeps_a_seats_date_unless_the_row_gives_one(app):
    from liaison.audit.models import AuditEntry
    from liaison.core.db import db
    from liaison.places.importer import import_rows

    with app.app_context():
        import_rows([_row(2, "赵一"), _row(3, "赵二")], today=date(2025, 1, 2))
        import_rows([_row(2, "赵一"), _row(3, "赵二", "2024-12-01")], today=IMPORTED_ON)
        changes = [(e.before, e.after) for e in db.session.query(AuditEntry).filter_by(action="membership.changed")]
    assert _seats(app) == {"赵一": date(2025, 1, 2), "赵二": date(2024, 12, 1)}
    assert changes == [({"started_on": "2025-01-02"}, {"started_on": "2024-12-01"})]
