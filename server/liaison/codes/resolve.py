"""From a scanned token to what the resident sees first (GET /api/v1/codes/<token>).

Unknown, replaced (rotated) and withdrawn (revoked) tokens each get their own
answer, in the one error shape of docs/API.md.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Deputy, Station
from ..places.serialize import deputy_detail, station_detail
from .models import Code
from .operations import current_of
from .scans import count_in, record_scan, send_scan
from .tokens import looks_like_token

NOT_FOUND = "没有找到这个二维码，请确认扫描的是联络站或代表的正式海报"
ROTATED = "此码已更换，请扫描新海报"
REVOKED = {"station": "此联络站码已停用，请到联络站现场或在线目录查找联络站",
           "deputy": "此代表码已停用（该代表可能已不再担任代表），请扫描联络站的站码"}


def find_code(token: str) -> Code:
    """The code row for ``token`` in any status.

    :raise ApiError: 404 code_not_found.
    """
    code = None
    if looks_like_token(token):
        code = db.session.execute(select(Code).where(Code.token == token)).scalars().first()
    if code is None:
        raise ApiError(404, "code_not_found", NOT_FOUND)
    return code


def target_of(code: Code):
    """The station or deputy a code points to, or None when it is no longer active."""
    target = db.session.get(Station if code.kind == "station" else Deputy,
                            code.station_id if code.kind == "station" else code.deputy_id)
    return target if target is not None and target.active else None


def check_usable(code: Code):
    """The code's station or deputy when the code is in use, else the error that says why.

    :raise ApiError: 410 code_rotated with ``details`` {kind, token of the code in use
        now}; 410 code_revoked (withdrawn, or its station / deputy is no longer active).
    """
    current = current_of(code)
    target = target_of(current)
    if current.status != "active" or target is None:
        raise ApiError(410, "code_revoked", REVOKED[code.kind])
    if current.id != code.id:
        raise ApiError(410, "code_rotated", ROTATED, {"kind": code.kind, "token": current.token})
    return target


def usable_code(token: str) -> tuple[Code, object]:
    """(active code, its station or deputy); 404 / 410 as in ``find_code`` / ``check_usable``."""
    code = find_code(token)
    return code, check_usable(code)


def _build(token: str):
    """``public_cache.cached``'s builder for a scan answer: (status, body, refs)."""
    from ..places.public_cache import deputy_refs, station_refs
    from .schemas import CodeResolveOut

    code = find_code(token)  # 404: not stored (a random token must not fill Redis)
    target_kind, target_id = code.kind, code.station_id or code.deputy_id
    try:
        answer = resolve(token, count=False)
    except ApiError as exc:
        if exc.status != 410:
            raise
        return 410, exc.to_dict(), {(target_kind, target_id)}
    if code.kind == "station":
        refs = station_refs(answer["station"])
    else:
        refs = deputy_refs(answer["deputy"])
    return 200, CodeResolveOut().dump(answer), refs | {(target_kind, target_id)}


def scan(token: str):
    """The scan answer as a response, from the public cache; counts the scan (in the
    same Redis round trip as the read, or, from this process's copy, without a wait)."""
    from ..places import public_cache

    if not looks_like_token(token):
        raise ApiError(404, "code_not_found", NOT_FOUND)
    status, body, counted = public_cache.cached("code", token, lambda: _build(token),
                                             along=lambda pipe: count_in(pipe, token),
                                             along_copy=lambda: send_scan(token))
    if not counted:  # Redis could not be read: counted on its own (or in the database)
        record_scan(token)
    return public_cache.response(status, body)


def resolve(token: str, count: bool = True) -> dict:
    """The scan answer: {"kind", "token", "station" | "deputy"}; counts the scan.

    Scans of replaced and withdrawn codes are counted too: they show the NPC office
    which old posters are still up.
    """
    code = find_code(token)
    if count:
        record_scan(code.token)
    target = check_usable(code)
    if code.kind == "station":
        return {"kind": "station", "token": code.token, "station": station_detail(target)}
    return {"kind": "deputy", "token": code.token, "deputy": deputy_detail(target)}


def active_tokens(kind: str, ids) -> dict[int, str]:
    """{target id: token of its active code} for stations or deputies."""
    ids = list(set(ids))
    if not ids:
        return {}
    column = Code.station_id if kind == "station" else Code.deputy_id
    rows = db.session.execute(select(column, Code.token).where(
        Code.kind == kind, Code.status == "active", column.in_(ids)))
    return {target: token for target, token in rows}
