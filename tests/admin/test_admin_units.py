"""The NPC office's handling-unit pages (list, add, edit, deactivate, merge, import), the
import templates, and the 交办 form's unit list by level and search."""
from __future__ import annotations

import io

from page_helpers import page_csrf


def _post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": page_csrf(client, "/admin/me"), **data}, **kwargs)


def _flash(client):
    with client.session_transaction() as session:
        return session.pop("_flashes", [])


def _xlsx(header, rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _unit(app, name):
    from liaison.core.db import db
    from liaison.places.models import HandlingUnit

    with app.app_context():
        return db.session.query(HandlingUnit).filter_by(name=name).first()


def test_the_office_adds_edits_and_deactivates_a_unit_on_the_pages(app, client, staff, places):
    staff("office")
    listed = client.get("/admin/units").get_data(as_text=True)
    assert "岳麓区住房和城乡建设局" in listed and "新增承办单位" in listed
    r = _post(client, "/admin/units", {"name": "岳麓区发展和改革局", "level": "district",
                                       "region_id": str(places["region_id"]), "contact": "张科长"})
    unit = _unit(app, "岳麓区发展和改革局")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/units/{unit.id}")
    assert unit.contact == "张科长" and unit.level == "district"
    _post(client, f"/admin/units/{unit.id}", {"name": "岳麓区发展和改革局", "level": "district",
                                              "region_id": str(places["region_id"]), "contact": "王科长 88888888"})
    assert _unit(app, "岳麓区发展和改革局").contact == "王科长 88888888"
    _post(client, f"/admin/units/{unit.id}", {"active": "0"})
    assert ("success", "已停用，交办时不再列出") in _flash(client)
    assert _unit(app, "岳麓区发展和改革局").active is False
    assert "已停用" in client.get(f"/admin/units/{unit.id}").get_data(as_text=True)


def test_a_duplicate_name_is_refused_with_a_chinese_flash(client, staff, places):
    staff("office")
    r = _post(client, "/admin/units", {"name": "岳麓区教育局", "level": "district",
                                       "region_id": str(places["region_id"])})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/units#new")
    assert ("error", "已有同名的承办单位“岳麓区教育局”") in _flash(client)


def test_merging_on_the_page_moves_the_case_and_deactivates_the_source(app, client, staff, places, opinion):
    from liaison.core.db import db
    from liaison.opinions.models import Assignment

    units = places["units"]
    source, target = units["岳麓区教育局"], units["岳麓区民政局"]
    op = opinion()
    staff("liaison")
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "accept", "version": ""})
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "assign", "level": "district",
                                                      "unit_ids": str(source)})
    staff("office")
    page = client.get(f"/admin/units/{source}").get_data(as_text=True)
    assert "并入另一个单位" in page and "岳麓区民政局" in page
    r = _post(client, f"/admin/units/{source}/merge", {"into": str(target)})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/admin/units/{target}")
    [(kind, message)] = _flash(client)
    assert kind == "success" and "转移交办 1 条" in message
    with app.app_context():
        assert [a.unit_id for a in db.session.query(Assignment)] == [target]
    assert _unit(app, "岳麓区教育局").active is False


def test_unit_pages_are_for_the_npc_office_only(client, staff, places):
    staff("liaison")
    assert client.get("/admin/units").status_code == 403
    assert client.get(f"/admin/units/{places['units']['岳麓区教育局']}").status_code == 403
    assert client.get("/admin/units/import/template.xlsx").status_code == 403


def test_the_unit_import_writes_all_rows_or_none_with_chinese_row_errors(app, client, staff, places):
    staff("office")
    header = ["单位名称", "层级", "所属区域", "联系人"]
    bad = _xlsx(header, [["岳麓区发展和改革局", "区（县）", "长沙市/岳麓区", ""],
                         ["天心区教育局", "区县", "长沙市/天心区", ""],
                         ["某某局", "省部级", "长沙市/岳麓区", ""],
                         ["岳麓区发展和改革局", "区", "长沙市/岳麓区/不存在街道", ""]])
    r = _post(client, "/admin/units/import", {"file": (io.BytesIO(bad), "units.xlsx")},
              content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "没有导入任何数据" in html
    assert "第3行：区域“长沙市/天心区”不在您负责的范围内" in html
    assert "第4行：层级“省部级”无法识别" in html
    assert "第5行：单位“岳麓区发展和改革局”在第2行已经出现过" in html and "“不存在街道”这一级没有找到" in html
    assert _unit(app, "岳麓区发展和改革局") is None
    good = _xlsx(header, [["岳麓区发展和改革局", "区（县）", "长沙市/岳麓区", "张科长"],
                          ["岳麓区教育局", "区", "长沙市/岳麓区", "李老师"],
                          ["望月湖街道城管中队", "乡镇（街道）", "长沙市/岳麓区/望月湖街道", ""]])
    r = _post(client, "/admin/units/import", {"file": (io.BytesIO(good), "units.xlsx")},
              content_type="multipart/form-data")
    assert r.status_code == 200 and "新增单位 2 个，更新 1 个" in r.get_data(as_text=True)
    assert _unit(app, "岳麓区教育局").contact == "李老师"
    assert _unit(app, "望月湖街道城管中队").region_id == places["street_id"]


def test_the_import_templates_hold_the_importers_columns_and_an_example_that_imports(app, client, staff):
    from openpyxl import load_workbook

    from liaison.places.importer import COLUMNS

    staff("office")
    roster = client.get("/admin/import/template.xlsx")
    assert roster.status_code == 200 and roster.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(roster.data)).active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == 2 and rows[1][COLUMNS.index("进站方式")] == "驻站"
    assert "下载导入模板" in client.get("/admin/import").get_data(as_text=True)
    units = client.get("/admin/units/import/template.xlsx")
    assert list(load_workbook(io.BytesIO(units.data)).active.iter_rows(values_only=True))[0] == (
        "单位名称", "层级", "所属区域", "联系人")
    r = _post(client, "/admin/units/import", {"file": (io.BytesIO(units.data), "模板.xlsx")},
              content_type="multipart/form-data")
    assert r.status_code == 200 and "新增单位 1 个" in r.get_data(as_text=True)
    imported = _post(client, "/admin/import", {"file": (io.BytesIO(roster.data), "名册.xlsx")},
                     content_type="multipart/form-data")
    assert imported.status_code == 200, imported.get_data(as_text=True)[:2000]


def test_the_assign_form_lists_units_by_level_and_search(app, client, staff, places, opinion):
    op = opinion()
    staff("liaison")
    _post(client, f"/admin/opinions/{op['id']}/act", {"action": "accept", "version": ""})
    every = client.get(f"/admin/opinions/{op['id']}").get_data(as_text=True)
    assert "长沙市交通运输局" in every and "望月湖街道办事处" in every
    town = client.get(f"/admin/opinions/{op['id']}?unit_for=assign&unit_level=town").get_data(as_text=True)
    assert "望月湖街道办事处" in town and "岳麓区教育局" not in town and "长沙市交通运输局" not in town
    found = client.get(f"/admin/opinions/{op['id']}?unit_for=assign&unit_level=all&unit_q=教育").get_data(as_text=True)
    assert "岳麓区教育局" in found and "岳麓区民政局" not in found and "共 1 个" in found
