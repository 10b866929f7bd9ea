"""A small checker of JSON values against the OpenAPI document's schemas (3.1 / JSON Schema
subset the document uses: $ref, type (one or a list, "null" included), properties, required,
items, additionalProperties, enum, nullable, allOf/anyOf/oneOf)."""
from __future__ import annotations

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(spec: dict, schema: dict) -> dict:
    """``schema`` with its ``$ref`` (if any) followed into ``components``."""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def problems(spec: dict, schema: dict, value, where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema``, as "path: what" lines (empty when it fits)."""
    schema = resolve(spec, schema)
    if value is None and schema.get("nullable"):
        return []
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(TYPES[k](value) for k in kinds):
            return [f"{where}: {value!r} is not {'/'.join(kinds)}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not one of {schema['enum']}")
    for part in schema.get("allOf", []):
        found += problems(spec, part, value, where)
    for key in ("anyOf", "oneOf"):
        if key in schema and all(problems(spec, part, value, where) for part in schema[key]):
            found.append(f"{where}: {value!r} fits none of {key}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: required {name!r} is missing")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                found += problems(spec, props[name], item, f"{where}.{name}")
            elif extra is False:
                found.append(f"{where}: {name!r} is not documented")
            elif isinstance(extra, dict):
                found += problems(spec, extra, item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(spec, schema["items"], item, f"{where}[{i}]")
    return found


def success_schema(spec: dict, path: str, method: str, status: int) -> dict:
    """The documented JSON schema of ``method path``'s ``status`` answer."""
    response = spec["paths"][path][method.lower()]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def is_described(spec: dict, content_type: str, schema: dict) -> bool:
    """A file described as binary, or JSON with a type and (for objects) its properties."""
    schema = resolve(spec, schema or {})
    if content_type != "application/json":
        return schema.get("type") == "string" and schema.get("format") == "binary"
    if not schema.get("type") and not any(k in schema for k in ("allOf", "anyOf", "oneOf")):
        return False
    kinds = schema.get("type")
    if kinds == "object" or (isinstance(kinds, list) and "object" in kinds):
        return bool(schema.get("properties"))
    return True
