"""Matrix rows for the handling units and the paperwork (ledger, 交办单, region report
PDF, reply attachments, import templates): see authorization_rows.py for the rules."""
from __future__ import annotations

from authorization_cells import LOGIN, OFFICES, OVER_YUELU, RESIDENTS, RUNS_HERE, SEES_A, STAFF, Flash, Row, expect

REGION_YUELU = expect(403, (OVER_YUELU, 200), anon=401)
NOT_A_FILE = {"file": ("答复函.pdf", b"<html>not a pdf</html>" * 10)}
UNIT_ONLY = "只有承办这条意见的单位"
NO_UNITS = "单位名称：\n"  # the units sheet without the required columns


SEES_A_PAGE = SEES_A - RESIDENTS  # residents have no admin role: the no-role page


def page(default, *groups):
    """An admin page: login first, then the no-role page, then ``groups``."""
    return expect(default, (RESIDENTS, 403), *groups, anon=LOGIN)


PAPERWORK_ROWS = [
    # handling units (the NPC office, within its region subtree)
    Row("POST", "/api/v1/handling-units", "/api/v1/handling-units", expect(403, (OFFICES, 422), anon=401),
        json={"name": "", "level": "district", "region_id": "{yuelu}"}, label="empty name"),
    Row("PATCH", "/api/v1/handling-units/<int:unit_id>", "/api/v1/handling-units/{unit}",
        expect(403, (OFFICES, 404), (OVER_YUELU, 422), anon=401), json={"name": ""}, label="岳麓区 unit, empty name"),
    Row("POST", "/api/v1/handling-units/<int:unit_id>/merge", "/api/v1/handling-units/{unit}/merge",
        expect(403, (OFFICES, 404), (OVER_YUELU, 422), anon=401), json={"into": "{unit}"}, label="into itself"),
    # paperwork
    Row("GET", "/api/v1/opinions.xlsx", "/api/v1/opinions.xlsx", expect(403, (STAFF, 200), anon=401)),
    Row("GET", "/api/v1/opinions/<int:opinion_id>/assignment.pdf", "/api/v1/opinions/{opinion_a}/assignment.pdf",
        expect(404, (SEES_A, 403), (RUNS_HERE, 200), anon=401)),
    Row("GET", "/api/v1/stats/regions/<int:region_id>/report.pdf",
        "/api/v1/stats/regions/{yuelu}/report.pdf?month=2001-01", REGION_YUELU),
    Row("POST", "/api/v1/opinions/<int:opinion_id>/reply-attachments", "/api/v1/opinions/{opinion_a}/reply-attachments",
        expect(404, (SEES_A, 403), ({"unit_assigned"}, 415), anon=401), form={}, files=NOT_A_FILE,
        label="A, not a PDF"),
    Row("GET", "/api/v1/reply-attachments/<int:attachment_id>", "/api/v1/reply-attachments/{reply_file}",
        expect(404, (SEES_A, 200)), label="released, no signature"),
    Row("GET", "/api/v1/reply-attachments/<int:attachment_id>", "{reply_file_url}", expect(200), label="signed link"),
    Row("DELETE", "/api/v1/reply-attachments/<int:attachment_id>", "/api/v1/reply-attachments/{reply_file}",
        expect(404, (SEES_A, 403), ({"unit_assigned"}, 409), anon=401), label="released already"),
    # admin: handling units and import templates (the NPC office)
    Row("GET", "/admin/units", "/admin/units", page(403, (OFFICES, 200))),
    Row("POST", "/admin/units", "/admin/units", page(403, (OFFICES, Flash("error", "单位名称不能为空"))),
        form={"name": "", "level": "district", "region_id": "{yuelu}"}, label="empty name"),
    Row("GET", "/admin/units/<int:unit_id>", "/admin/units/{unit}", page(403, (OFFICES, 404), (OVER_YUELU, 200))),
    Row("POST", "/admin/units/<int:unit_id>", "/admin/units/{unit}",
        page(403, (OFFICES, 404), (OVER_YUELU, Flash("error", "单位名称不能为空"))), form={"name": ""},
        label="empty name"),
    Row("POST", "/admin/units/<int:unit_id>/merge", "/admin/units/{unit}/merge",
        page(403, (OFFICES, 404), (OVER_YUELU, Flash("error", "不能把单位合并到它自己"))), form={"into": "{unit}"},
        label="into itself"),
    Row("GET", "/admin/units/import", "/admin/units/import", page(403, (OFFICES, 200))),
    Row("POST", "/admin/units/import", "/admin/units/import", page(403, (OFFICES, 422)), form={},
        files={"file": ("units.csv", NO_UNITS.encode())}, label="no columns"),
    Row("GET", "/admin/units/import/template.xlsx", "/admin/units/import/template.xlsx", page(403, (OFFICES, 200))),
    Row("GET", "/admin/import/template.xlsx", "/admin/import/template.xlsx", page(403, (OFFICES, 200))),
    # admin: reply attachments (the lead unit)
    Row("POST", "/admin/opinions/<int:opinion_id>/attachments", "/admin/opinions/{opinion_a}/attachments",
        page(404, (SEES_A_PAGE, Flash("error", UNIT_ONLY)), ({"unit_assigned"}, Flash("error", "文件不是有效的 PDF"))),
        form={}, files=NOT_A_FILE, label="A, not a PDF"),
    Row("POST", "/admin/reply-attachments/<int:attachment_id>/delete", "/admin/reply-attachments/{reply_file}/delete",
        page(404, (SEES_A_PAGE, 403), ({"unit_assigned"}, 409)), form={}, label="released already"),
]
