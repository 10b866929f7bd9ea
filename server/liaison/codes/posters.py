"""What goes on a code's poster, read from the database, and one way to render it.

The API (poster.png / poster.pdf) and the batch job both build their poster data
here and render through ``render.py``, so a served poster and a printed one are
the same picture. ``fingerprint`` names everything a poster depends on (its data,
the renderer's source, the font); a changed fingerprint means "render again".
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from flask import current_app

from ..core.db import db
from ..core.storage import get_storage
from ..places.models import DEPUTY_LEVEL_LABELS, DEPUTY_LEVELS, Deputy, Station
from ..places.schedule import describe
from ..places.serialize import deputy_stations, region_paths, station_members
from . import render
from .models import Code
from .tokens import code_url

RENDER_MODULES = ("render.py", "fonts.py", "poster_layout.py", "poster_station.py", "poster_deputy.py")


def url_for_code(code: Code) -> str:
    return code_url(current_app.config["PUBLIC_BASE_URL"], code.kind, code.token)


def station_data(station: Station, code: Code) -> render.StationPosterData:
    lines = describe(station.reception_plan)
    if station.open_hours:
        lines.append(f"开放时间：{station.open_hours}")
    return render.StationPosterData(
        name=station.name, address=station.address, reception_lines=lines,
        deputies=[d.name for d in station_members(station.id)],
        region_path=region_paths([station.region])[station.region.id], qr_url=url_for_code(code))


def photo_bytes(deputy: Deputy) -> bytes | None:
    """The deputy's photo as stored (a few hundred KB at most), or None."""
    if not deputy.photo_path:
        return None
    try:
        return get_storage().get(deputy.photo_path)
    except (FileNotFoundError, ValueError):
        return None


def deputy_data(deputy: Deputy, code: Code, station: Station | None = None) -> render.DeputyCardData:
    """Card data; ``station`` is the station printed on it (default: the home station)."""
    if station is None:
        stations = deputy_stations(deputy.id)
        station = stations[0][0] if stations else None
    return render.DeputyCardData(
        name=deputy.name,
        levels=[DEPUTY_LEVEL_LABELS[lv] for lv in DEPUTY_LEVELS if lv in (deputy.levels or [])],
        station_name=station.name if station else "", photo=photo_bytes(deputy),
        qr_url=url_for_code(code))


def data_for(code: Code):
    """Poster data for a code (station poster or deputy card)."""
    if code.kind == "station":
        return station_data(db.session.get(Station, code.station_id), code)
    return deputy_data(db.session.get(Deputy, code.deputy_id), code)


@functools.lru_cache(maxsize=1)
def renderer_version() -> str:
    """Hash of the renderer's source and the fonts it found: a change re-renders posters."""
    digest = hashlib.sha256()
    here = Path(render.__file__).parent
    for name in RENDER_MODULES:
        path = here / name
        digest.update(path.read_bytes() if path.exists() else b"")
    for role in ("regular", "bold", "title"):
        face = render.fonts.find_cjk_font(role)
        digest.update(f"{face.path}#{face.index}".encode())
    return digest.hexdigest()[:16]


def fingerprint(data, fmt: str) -> str:
    """A short hash of the poster's content and format."""
    fields = asdict(data)
    photo = getattr(data, "photo", None)
    if isinstance(photo, bytes):
        fields["photo"] = "sha256:" + hashlib.sha256(photo).hexdigest()
    elif isinstance(photo, str):
        try:
            stat = os.stat(photo)
            fields["photo"] = [photo, stat.st_size, int(stat.st_mtime)]
        except OSError:
            fields["photo"] = None
    payload = json.dumps([type(data).__name__, fmt, renderer_version(), fields], ensure_ascii=False,
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def qr_fingerprint(url: str) -> str:
    """A short hash of a bare QR image's content."""
    return hashlib.sha256(f"qr|{renderer_version()}|{url}".encode()).hexdigest()[:24]


def render_bytes(data, fmt: str) -> bytes:
    """Render a station poster or deputy card as PNG or PDF bytes."""
    return render.poster_bytes(data, fmt)


def qr_png(url: str) -> bytes:
    """The bare QR code (error correction H, centre emblem) as a PNG."""
    return render.encode(render.qr_image(url), "png")
