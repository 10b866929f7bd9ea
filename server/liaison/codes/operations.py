"""Use cases that change codes: issue, rotate, revoke, cache a wxacode (scans: ``scans``).

Each public operation owns exactly one commit (``ensure_codes(commit=False)`` lets
the importer fold it into its own transaction).
"""
from __future__ import annotations

import logging

from sqlalchemy import exists, select

from ..core import clock
from ..core.db import db
from ..core.errors import ApiError
from ..places.models import Deputy, Station
from .models import Code
from .tokens import new_token

log = logging.getLogger(__name__)

WXACODE_PAGE = "pages/index/index"
WXACODE_WIDTH = 430
# WECHAT_MINIPROGRAM_STATE (subscribe messages' naming) -> getwxacodeunlimit env_version
ENV_VERSIONS = {"formal": "release", "trial": "trial", "developer": "develop"}


def _new_code(kind: str, target_id: int, taken: set[str]) -> Code:
    token = new_token()
    while token in taken:  # 96 random bits: never in practice, but cheap to rule out
        token = new_token()
    taken.add(token)
    return Code(token=token, kind=kind, status="active",
                station_id=target_id if kind == "station" else None,
                deputy_id=target_id if kind == "deputy" else None)


def ensure_codes(commit: bool = True) -> int:
    """Give every active station and deputy that never had a code an active one.

    A target whose code was revoked keeps no code (revocation is deliberate, e.g. a
    deputy who left office); ``issue_code`` gives it a new one on purpose.

    :param commit: False inside a caller's transaction (the importer, the demo loader).
    :return: how many codes were created.
    """
    created = 0
    taken: set[str] = set()
    for kind, model, column in (("station", Station, Code.station_id), ("deputy", Deputy, Code.deputy_id)):
        ids = db.session.execute(select(model.id).where(
            model.active.is_(True), ~exists().where(column == model.id))).scalars().all()
        for target_id in ids:
            db.session.add(_new_code(kind, target_id, taken))
            created += 1
    if created:
        db.session.flush()
        log.info("codes: issued %d new codes", created)
    if commit:
        db.session.flush()
    return created


def active_code(kind: str, target_id: int) -> Code | None:
    column = Code.station_id if kind == "station" else Code.deputy_id
    return db.session.execute(select(Code).where(
        Code.kind == kind, column == target_id, Code.status == "active")).scalars().first()


def issue_code(kind: str, target_id: int, actor=None) -> Code:
    """A new active code for a station or deputy that has none (e.g. after a revocation)."""
    model = Station if kind == "station" else Deputy
    target = db.session.get(model, target_id)
    if target is None or not target.active:
        raise ApiError(404, "not_found", "没有找到这个联络站或代表")
    if active_code(kind, target_id) is not None:
        raise ApiError(409, "code_exists", "该对象已有正在使用的码，如需更换请使用“更换”")
    code = _new_code(kind, target_id, set())
    db.session.add(code)
    db.session.flush()
    log.info("codes: issued %s code %s for %s (by user %s)", kind, code.token, target_id,
             getattr(actor, "id", None))
    return code


def _locked(code_id: int) -> Code:
    code = db.session.execute(select(Code).where(Code.id == code_id).with_for_update()).scalars().first()
    if code is None:
        raise ApiError(404, "code_not_found", "没有找到这个码")
    return code


def rotate_code(code_id: int, actor=None) -> Code:
    """Replace a code by a new token; the old one then answers "replaced" with the new token.

    :return: the new active code.
    :raise ApiError: 409 when the code is not active.
    """
    old = _locked(code_id)
    if old.status != "active":
        db.session.rollback()
        raise ApiError(409, "code_not_active", "只有正在使用的码才能更换")
    new = _new_code(old.kind, old.station_id or old.deputy_id, {old.token})
    db.session.add(new)
    db.session.flush()
    old.status, old.replaced_by_id, old.changed_at = "rotated", new.id, clock.now()
    db.session.flush()
    log.info("codes: rotated %s -> %s (by user %s)", old.token, new.token, getattr(actor, "id", None))
    return new


def revoke_code(code_id: int, actor=None) -> Code:
    """Withdraw a code for good (a deputy left office); scanning it then says so.

    :raise ApiError: 409 when the code was already rotated (revoke the current one).
    """
    code = _locked(code_id)
    if code.status == "revoked":
        db.session.rollback()
        return code
    if code.status != "active":
        db.session.rollback()
        raise ApiError(409, "code_not_active", "此码已被更换，请撤销当前使用的码")
    code.status, code.changed_at = "revoked", clock.now()
    db.session.flush()
    log.info("codes: revoked %s (by user %s)", code.token, getattr(actor, "id", None))
    return code


def current_of(code: Code) -> Code:
    """Follow ``replaced_by`` to the code in use now (active or revoked)."""
    seen = {code.id}
    while code.status == "rotated" and code.replaced_by is not None and code.replaced_by.id not in seen:
        code = code.replaced_by
        seen.add(code.id)
    return code


def wxacode_image(code: Code) -> bytes:
    """The code's mini-program code (scene = token), asked from WeChat once per token.

    WeChat answers getwxacodeunlimit with JPEG bytes (PNG only for a transparent
    ``is_hyaline`` code, which we never ask for). The image is cached in storage under
    ``codes/wxacode/<token>.jpg``; a key cached under another name (an older ``.png``)
    is asked for again once. A Redis lock keeps two processes from both asking WeChat
    for the same token.

    :raise ApiError: 503 when WeChat cannot make it now.
    """
    from flask import current_app
    from redis.exceptions import LockError

    from ..core.extensions import get_redis
    from ..wechat.app import get_wechat
    from ..core.storage import get_storage
    from ..wechat.errors import WeChatError

    storage = get_storage()
    env = ENV_VERSIONS.get(current_app.config.get("WECHAT_MINIPROGRAM_STATE"), "release")
    key = f"codes/wxacode/{code.token}.jpg" if env == "release" else f"codes/wxacode/{code.token}-{env}.jpg"
    if code.wxacode_key and code.wxacode_key != key:
        code.wxacode_key = None  # made for another version of the mini-program
    if code.wxacode_key and storage.exists(code.wxacode_key):
        return storage.get(code.wxacode_key)
    unavailable = ApiError(503, "wechat_unavailable", "暂时无法生成小程序码，请稍后再试")
    try:
        with get_redis().lock(f"liaison:wxacode:{code.token}", timeout=30, blocking_timeout=20):
            if not storage.exists(key):
                try:
                    data = get_wechat().wxacode(scene=code.token, page=WXACODE_PAGE,
                                                width=WXACODE_WIDTH, check_path=False, env_version=env)
                except WeChatError as exc:
                    log.warning("codes: wxacode for %s failed: %s", code.token, exc)
                    raise unavailable from exc
                storage.put(key, data)
    except LockError as exc:
        raise unavailable from exc
    code.wxacode_key = key
    db.session.flush()
    return storage.get(key)
