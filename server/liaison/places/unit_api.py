"""Handling units over HTTP for the NPC office: add, edit (or deactivate), merge.

Routes join the places blueprint (``places.api`` imports this module). The list for
assigning (``GET /api/v1/handling-units``) is in ``opinions.api``. Who: an NPC office,
for units filed in its region subtree (``places.scopes``); others get 403, a unit
outside the office's reach is a 404.
"""
from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, Nested, String

from ..core.auth import current_user
from ..core.errors import ApiError
from .scopes import scope_of
from . import unit_ops
from .api import bp
from .units import unit_json

AUTH = {"security": "BearerAuth"}
OFFICE_ONLY = "只有人大工委可以管理承办单位"


class UnitIn(Schema):
    name = String(metadata={"description": "单位名称（唯一）"})
    level = String(metadata={"description": "town 乡镇（街道） | district 区（县） | city_and_above 市级及以上"})
    region_id = Integer(metadata={"description": "所属区域（须在本工委的区域内）"})
    contact = String(metadata={"description": "联系人及电话"})
    active = Boolean(metadata={"description": "false 停用（不再出现在交办列表），true 重新启用"})


class MergeIn(Schema):
    into = Integer(metadata={"description": "合并到的单位（须为启用中的单位）"})


class UnitFull(Schema):
    id = Integer()
    name = String()
    level = String()
    level_label = String()
    region_id = Integer(allow_none=True)
    region = String(allow_none=True, metadata={"description": "区域全称"})
    contact = String()
    active = Boolean()


class UnitEnvelope(Schema):
    unit = Nested(UnitFull)


class MergeOut(Schema):
    unit = Nested(UnitFull, metadata={"description": "被合并（已停用）的单位"})
    into = Nested(UnitFull)
    assignments = Integer(metadata={"description": "转移的交办条数"})
    roles = Integer(metadata={"description": "转移的承办单位工作人员身份数"})


def _office():
    user = current_user()
    scope = scope_of(user)
    if not scope.region_ids:
        raise ApiError(403, "forbidden", OFFICE_ONLY)
    return user, scope


@bp.post("/handling-units")
@bp.input(UnitIn)
@bp.output(UnitEnvelope, status_code=201)
@bp.doc(summary="新增承办单位（人大工委，本区域内）", **AUTH,
        responses={403: "不是人大工委，或区域不在本工委范围内", 409: "已有同名单位", 422: "填写有误"})
def create_unit(json_data):
    user, scope = _office()
    return {"unit": unit_json(unit_ops.create_unit(scope, user, json_data))}, 201


@bp.patch("/handling-units/<int:unit_id>")
@bp.input(UnitIn)
@bp.output(UnitEnvelope)
@bp.doc(summary="修改、停用或重新启用承办单位（人大工委，本区域内）", **AUTH,
        responses={403: "不是人大工委", 404: "单位不存在或不在本区域", 409: "已有同名单位", 422: "填写有误"})
def update_unit(unit_id, json_data):
    user, scope = _office()
    return {"unit": unit_json(unit_ops.update_unit(scope, user, unit_id, json_data))}


@bp.post("/handling-units/<int:unit_id>/merge")
@bp.input(MergeIn)
@bp.output(MergeOut)
@bp.doc(summary="合并承办单位：交办和工作人员身份转到另一单位，本单位停用", **AUTH,
        responses={403: "不是人大工委", 404: "单位不存在或不在本区域", 409: "有意见同时交办给两个单位",
                   422: "不能合并到自己或已停用的单位"})
def merge_unit(unit_id, json_data):
    user, scope = _office()
    result = unit_ops.merge_units(scope, user, unit_id, json_data.get("into"))
    return {"unit": unit_json(result.source), "into": unit_json(result.target),
            "assignments": result.assignments, "roles": result.roles}
