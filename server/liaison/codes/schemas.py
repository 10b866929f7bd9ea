"""Code and poster-batch schemas (docs/API.md shapes; also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import DateTime, Integer, List, Nested, String
from apiflask.validators import OneOf

from ..places.schemas import DeputyOut, StationOut

BATCH_FORMATS = ("pdf", "png")


class CodeResolveOut(Schema):
    kind = String(metadata={"description": "station | deputy"})
    token = String()
    station = Nested(StationOut, metadata={"description": "kind=station 时返回"})
    deputy = Nested(DeputyOut, metadata={"description": "kind=deputy 时返回"})


class CodeOut(Schema):
    token = String()
    kind = String()
    status = String(metadata={"description": "active 使用中 | rotated 已更换 | revoked 已停用"})
    status_label = String()
    station_id = Integer(allow_none=True)
    deputy_id = Integer(allow_none=True)
    url = String(metadata={"description": "印在普通二维码里的链接"})
    replaced_by = String(allow_none=True, metadata={"description": "更换后的新令牌"})
    changed_at = DateTime(allow_none=True)


class CodeEnvelope(Schema):
    code = Nested(CodeOut)
    previous = Nested(CodeOut, metadata={"description": "更换时：被替换的旧码"})


class BatchIn(Schema):
    format = String(load_default="pdf", validate=OneOf(BATCH_FORMATS),
                    metadata={"description": "海报与代表卡的格式：pdf（默认，适合印刷）或 png"})


class BatchOut(Schema):
    id = Integer()
    region_id = Integer()
    region_name = String()
    status = String(metadata={"description": "queued | running | finished | failed"})
    status_label = String()
    formats = List(String())
    done = Integer()
    total = Integer()
    error = String()
    zip_url = String(allow_none=True)
    created_at = DateTime()
    finished_at = DateTime(allow_none=True)


class BatchEnvelope(Schema):
    batch = Nested(BatchOut)
