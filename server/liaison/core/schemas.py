"""Schemas every capability shares: the one error shape (also the OpenAPI source)."""
from apiflask import Schema
from apiflask.fields import Dict, List, Nested, String


class ErrorBody(Schema):
    code = String(required=True, metadata={"description": "机器可读的错误码，如 not_found"})
    message = String(required=True, metadata={"description": "给人看的中文说明"})
    details = Dict(metadata={"description": "补充信息，如表单的 fields：{字段: [说明]}"})


class ErrorOut(Schema):
    """Every refusal: ``{"error": {"code", "message", "details"?}}`` (core/errors.py)."""

    error = Nested(ErrorBody, required=True)


def also_answers(schema: type, description: str) -> dict:
    """A further status of an operation whose ``@bp.output`` already documents ``schema``
    (``@bp.doc(responses={200: also_answers(OpinionOut, "重试：同一条意见")})``)."""
    ref = {"$ref": f"#/components/schemas/{schema.__name__}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def envelope(name: str, key: str, schema: type) -> type:
    """An answer holding one ``schema`` under ``key``: ``{"check_in": CheckIn}``."""
    return type(name, (Schema,), {key: Nested(schema, required=True)})


def items_of(name: str, schema: type) -> type:
    """An answer listing ``schema``: ``{"items": [...]}``."""
    return type(name, (Schema,), {"items": List(Nested(schema), required=True)})
