"""The paperwork routes (``paperwork``): the case ledger and a case's 交办单.

They join the opinions blueprint (``opinions.api`` imports this module). Both are for
staff who see the cases: an opinion the caller may not see is a 404, as everywhere;
a deputy, a unit or a resident who sees it gets 403.
"""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, String
from apiflask.schemas import FileSchema
from flask import request, send_file
from marshmallow import EXCLUDE

from ..core.errors import ApiError
from ..core.spreadsheet import file_name
from .access import get_visible, lens_for
from .api import AUTH, _viewer, bp
from .filters import Filters
from .paperwork import assignment_sheet, filters_text, ledger_opinions, ledger_xlsx
from ..core import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF_ONLY = "只有联络站工作人员和人大工委可以导出"


class LedgerQuery(Schema):
    """The work queue's query string (``opinions.filters``), also GET /api/v1/opinions's keys."""

    class Meta:
        unknown = EXCLUDE

    state = String(metadata={"description": "状态，或 open（办理中）/ answered（已答复）"})
    state_group = String(metadata={"description": "open | resolved | closed"})
    category = String()
    deputy_id = Integer(metadata={"description": "点将的代表"})
    station_id = Integer()
    overdue = Boolean(metadata={"description": "只看超期"})
    date_from = String(data_key="from", metadata={"description": "提交日期起 YYYY-MM-DD"})
    date_to = String(data_key="to", metadata={"description": "提交日期止 YYYY-MM-DD"})
    q = String(metadata={"description": "按内容、编号或答复搜索"})


@bp.get("/opinions.xlsx")
@bp.input(LedgerQuery, location="query", arg_name="query_data")
@bp.output(FileSchema, content_type=XLSX, description="意见台账（Excel）")
@bp.doc(summary="意见台账（Excel）：工作台列表的全部意见，筛选条件与工作台相同", **AUTH,
        responses={403: "不是联络站工作人员或人大工委", 422: "筛选条件有误或条数过多"})
def ledger(query_data):
    viewer = _viewer()
    if not viewer.scope.is_staff:
        raise ApiError(403, "forbidden", STAFF_ONLY)
    filters = Filters.from_args(request.args)  # or BadFilter: 422
    today = clock.today()
    opinions = ledger_opinions(viewer, filters, today)
    out = ledger_xlsx(viewer, opinions, today, filters_text(filters))
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=file_name(f"意见台账-{today.isoformat()}.xlsx"))


@bp.get("/opinions/<int:opinion_id>/assignment.pdf")
@bp.output(FileSchema, content_type="application/pdf", description="交办单（A4，可打印，文字可选中）")
@bp.doc(summary="打印交办单：意见编号、交办日期、联络站、内容、承办单位与期限、签字栏", **AUTH,
        responses={403: "不是工作人员", 404: "意见不存在或无权查看", 409: "尚未交办"})
def assignment_pdf(opinion_id):
    viewer = _viewer()
    opinion = get_visible(viewer, opinion_id)
    if not lens_for(viewer, opinion).is_staff:
        raise ApiError(403, "forbidden", "只有联络站工作人员和人大工委可以打印交办单")
    pdf = assignment_sheet(opinion).render()
    return send_file(pdf, mimetype="application/pdf", as_attachment=False,
                     download_name=file_name(f"交办单-{opinion.number}.pdf"))
