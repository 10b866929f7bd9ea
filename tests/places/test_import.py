"""Importing regions, stations, deputies and memberships from .xlsx / .csv."""
import csv

from openpyxl import Workbook

HEADER = ["区域", "联络站", "站点类型", "地址", "代表姓名", "代表编号", "代表层级", "职务代表",
          "县级以上领导干部", "工作单位", "职务", "电话", "进站方式"]
GOOD = [
    ["长沙市/岳麓区/望月湖街道", "望月湖街道人大代表联络站", "中心站", "望月湖路1号", "王明", "A1", "市,区", "是", "否", "社区", "主任", "13900000001", "驻站"],
    ["长沙市/岳麓区/望月湖街道", "望月湖街道人大代表联络站", "", "", "李华", "A2", "区", "否", "否", "", "", "", "驻站"],
    ["长沙市/岳麓区/橘子洲街道", "橘子洲街道人大代表联络站", "中心站", "", "王明", "A1", "市,区", "是", "否", "", "", "13900000001", "交叉进站"],
    ["长沙市/岳麓区/橘子洲街道/某社区", "某社区人大代表联络站", "特色站", "", "", "", "", "", "", "", "", "", ""],
]


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _counts(app):
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership, Region, Station

    with app.app_context():
        return tuple(db.session.query(m).count() for m in (Region, Station, Deputy, Membership))


def test_import_xlsx_builds_tree_stations_deputies_and_cross_membership(app, runner, tmp_path):
    path = _xlsx(tmp_path / "ok.xlsx", GOOD)
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入成功" in result.output
    # regions: 长沙市, 岳麓区, 望月湖街道, 橘子洲街道, 某社区
    assert _counts(app) == (5, 3, 2, 3)
    from liaison.core.db import db
    from liaison.places.models import Deputy, Membership, Region

    with app.app_context():
        wang = db.session.query(Deputy).filter_by(external_id="A1").one()
        assert wang.levels == ["municipal", "county"] and wang.is_official
        kinds = sorted(m.kind for m in db.session.query(Membership).filter_by(deputy_id=wang.id))
        assert kinds == ["cross", "home"]
        community = db.session.query(Region).filter_by(name="某社区").one()
        assert community.level == "community"
        assert community.full_name() == "长沙市/岳麓区/橘子洲街道/某社区"


def test_import_is_idempotent(app, runner, tmp_path):
    path = _xlsx(tmp_path / "ok.xlsx", GOOD)
    runner.invoke(args=["import", "places", str(path)])
    again = runner.invoke(args=["import", "places", str(path)])
    assert again.exit_code == 0
    assert _counts(app) == (5, 3, 2, 3)


def test_malformed_spreadsheet_changes_nothing_and_lists_bad_rows(app, runner, tmp_path):
    bad = [GOOD[0],
           ["长沙市/岳麓区/望月湖街道", "", "中心站", "", "赵六", "", "区", "否", "否", "", "", "", ""],
           ["长沙市/岳麓区/望月湖街道", "望月湖街道人大代表联络站", "超级站", "", "钱七", "", "火星", "也许", "否", "", "", "12345", "驻站"]]
    path = _xlsx(tmp_path / "bad.xlsx", bad)
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "数据库未做任何修改" in out
    assert "第3行：缺少“联络站”名称" in out
    assert "第4行：站点类型“超级站”无法识别" in out
    assert "第4行：代表层级“火星”无法识别" in out
    assert "第4行：“职务代表”应填“是”或“否”" in out
    assert "第4行：电话“12345”格式不正确" in out
    assert _counts(app) == (0, 0, 0, 0)  # the good first row was not imported either


def test_import_csv_in_gbk(app, runner, tmp_path):
    path = tmp_path / "gbk.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(GOOD[:2])
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 0, result.output
    assert _counts(app)[1:] == (1, 2, 2)


def test_missing_header_and_wrong_file_type_are_explained(app, runner, tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("名称,地址\nx,y\n", encoding="utf-8")
    result = runner.invoke(args=["import", "places", str(path)])
    assert result.exit_code == 1 and "表头缺少必填列：区域、联络站" in result.output
    other = tmp_path / "x.txt"
    other.write_text("hello")
    result = runner.invoke(args=["import", "places", str(other)])
    assert result.exit_code == 1 and "只支持 .xlsx 或 .csv" in result.output


def test_demo_data_has_changsha_structure_and_accounts(app, demo):
    from liaison.core.db import db
    from liaison.places.models import Region
    from liaison.users.models import StaffRole, User

    with app.app_context():
        districts = db.session.query(Region).filter_by(level="district").count()
        assert districts == 9
        assert demo["stations"] >= 20 and demo["deputies"] >= 200
        roles = {u.mp_openid: [r.role for r in u.roles] for u in db.session.query(User)}
        assert roles["demo-liaison"] == ["liaison"] and roles["demo-office"] == ["office"]
        assert roles["demo-unit"] == ["unit"] and roles["demo-resident"] == []
        assert db.session.query(StaffRole).count() == 4


def _with_point(rows, points):
    """HEADER + 纬度/经度, each row given its (latitude, longitude) texts."""
    return [row + list(point) for row, point in zip(rows, points)]


def _xlsx_with_point(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER + ["纬度", "经度"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_sets_station_points_from_the_latitude_and_longitude_columns(app, runner, tmp_path):
    from liaison.core.db import db
    from liaison.places.models import Station

    rows = _with_point(GOOD, [("28.1955", "112.9430"), ("", ""), ("28.2012", "112.9388"), ("", "")])
    result = runner.invoke(args=["import", "places", str(_xlsx_with_point(tmp_path / "p.xlsx", rows))])
    assert result.exit_code == 0, result.output
    with app.app_context():
        points = {s.name: (s.latitude, s.longitude) for s in db.session.query(Station)}
    assert points == {"望月湖街道人大代表联络站": (28.1955, 112.943), "橘子洲街道人大代表联络站": (28.2012, 112.9388),
                      "某社区人大代表联络站": (None, None)}
    moved = _with_point(GOOD[:1], [("28.1960", "112.9435")])  # a later file corrects the point; empty keeps it
    runner.invoke(args=["import", "places", str(_xlsx_with_point(tmp_path / "m.xlsx", moved))])
    runner.invoke(args=["import", "places", str(_xlsx(tmp_path / "none.xlsx", GOOD[2:3]))])
    with app.app_context():
        points = {s.name: (s.latitude, s.longitude) for s in db.session.query(Station)}
    assert points["望月湖街道人大代表联络站"] == (28.196, 112.9435)
    assert points["橘子洲街道人大代表联络站"] == (28.2012, 112.9388)


def test_bad_station_points_are_row_errors_and_change_nothing(app, runner, tmp_path):
    rows = _with_point(GOOD, [("28.1955", ""), ("112.9430", "28.1955"), ("北纬28度", "112.94"), ("28.19", "200")])
    result = runner.invoke(args=["import", "places", str(_xlsx_with_point(tmp_path / "bad.xlsx", rows))])
    assert result.exit_code == 1
    out = result.output
    assert "第2行：纬度和经度要同时填写（或都不填）" in out
    assert "第3行：纬度“112.9430”应在 3 到 54 之间（中国境内，GCJ-02 坐标），纬度和经度是否填反了" in out
    assert "第4行：纬度“北纬28度”不是数字" in out
    assert "第5行：经度“200”应在 73 到 136 之间" in out
    assert _counts(app) == (0, 0, 0, 0)


def test_the_same_station_placed_twice_differently_is_refused(app, runner, tmp_path):
    rows = _with_point(GOOD[:2], [("28.1955", "112.9430"), ("28.3000", "112.9430")])
    result = runner.invoke(args=["import", "places", str(_xlsx_with_point(tmp_path / "twice.xlsx", rows))])
    assert result.exit_code == 1
    assert "第3行：联络站“望月湖街道人大代表联络站”在前面的行里填了另一个位置（纬度、经度）" in result.output
    assert _counts(app) == (0, 0, 0, 0)
