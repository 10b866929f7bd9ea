"""QR images and print-ready posters (A4, 300 dpi) for station and deputy codes.

Pure rendering: takes plain dataclasses, returns Pillow images or bytes. No Flask,
no database. Static parts of each poster (bands, headings, footer) are drawn once
per process into a template; ``poster_bytes`` paints each poster over one reused
canvas, restoring only the areas the previous poster wrote on.

Public API::

    qr_image(url, box_size=24, border=4, *, logo=True, size=None) -> Image
    station_poster(data: StationPosterData, qr=None) -> Image
    deputy_card(data: DeputyCardData, qr=None) -> Image
    render_station_poster(...) / render_deputy_card(...) -> Rendered (image + text boxes)
    encode(img, "png" | "pdf") -> bytes
    poster_bytes(data, "pdf" | "png") -> bytes   (render + encode, fast path for batches)
"""
from __future__ import annotations

import functools
import io
import threading
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from ..core import fonts
from . import poster_deputy, poster_station
from .qr_matrix import qr_matrix
from .poster_layout import A4_300DPI, LIGHT_GOLD, RED, WHITE, Canvas, Rendered, TextBox

__all__ = ["StationPosterData", "DeputyCardData", "Rendered", "TextBox", "qr_image",
           "station_poster", "deputy_card", "render_station_poster", "render_deputy_card",
           "encode", "poster_bytes", "A4_300DPI", "STATION_QR_PX", "DEPUTY_QR_PX", "DEPUTY_PHOTO_PX",
           "PDF_JPEG_QUALITY", "PNG_COMPRESS_LEVEL", "SOURCE_FILES"]

STATION_QR_PX = poster_station.QR_SLOT[2] - poster_station.QR_SLOT[0]
DEPUTY_QR_PX = poster_deputy.QR_SLOT[2] - poster_deputy.QR_SLOT[0]
# Photos already stored at this size are pasted without resampling (~5 ms less per card).
DEPUTY_PHOTO_PX = (poster_deputy.PHOTO_BOX[2] - poster_deputy.PHOTO_BOX[0],
                   poster_deputy.PHOTO_BOX[3] - poster_deputy.PHOTO_BOX[1])
PDF_JPEG_QUALITY = 90   # a full-page JPEG inside the PDF; QR and text stay crisp at 300 dpi
PNG_COMPRESS_LEVEL = 1  # zlib level 1: ~2x faster than 6, files ~15% larger
LOGO_FRACTION = 0.24    # logo diameter / symbol width: ~4.5% of the area, far below H's 30%
# Every module whose code changes what a poster looks like (for cache fingerprints).
SOURCE_FILES = ("render.py", "fonts.py", "glyphs.py", "textfit.py", "poster_layout.py",
                "poster_station.py", "poster_deputy.py", "qr_matrix.py")


@dataclass
class StationPosterData:
    name: str
    address: str
    reception_lines: list[str] = field(default_factory=list)
    deputies: list[str] = field(default_factory=list)
    region_path: str = ""
    qr_url: str = ""


@dataclass
class DeputyCardData:
    name: str
    levels: list[str] = field(default_factory=list)
    station_name: str = ""
    photo: Image.Image | bytes | str | None = None  # bytes: the stored file
    qr_url: str = ""


def qr_image(url: str, box_size: int = 24, border: int = 4, *, logo: bool = True,
             size: int | None = None) -> Image.Image:
    """A QR code for ``url`` (error correction H, which survives the centre emblem
    and outdoor wear), optionally with the emblem.

    :param box_size: pixels per module (ignored when ``size`` is given).
    :param border: quiet zone in modules (at least this much when ``size`` is given).
    :param size: exact square size in pixels; modules stay whole pixels, the rest
        of the space widens the quiet zone.
    :return: mode "RGB" with the logo, mode "L" without.
    """
    matrix = qr_matrix(url)
    n = len(matrix)
    if size is not None:
        box_size = size // (n + 2 * border)
        if box_size < 1:
            raise ValueError(f"size {size}px is too small for a {n}-module QR code")
    else:
        size = (n + 2 * border) * box_size
    cells = Image.frombytes("L", (n, n), bytes(0 if cell else 255 for row in matrix for cell in row))
    symbol = cells.resize((n * box_size, n * box_size), Image.Resampling.NEAREST)
    image = Image.new("RGB" if logo else "L", (size, size), "white")
    offset = (size - n * box_size) // 2
    image.paste(symbol, (offset, offset))
    if logo:
        diameter = int(n * box_size * LOGO_FRACTION)
        emblem = _emblem(diameter)
        corner = (size - emblem.width) // 2
        image.paste(emblem, (corner, corner), emblem)
    return image


@functools.lru_cache(maxsize=16)
def _emblem(diameter: int) -> Image.Image:
    """A round red mark with "人大" in a white ring, drawn 4x and scaled down (smooth)."""
    scale = 4
    ring = max(2, diameter // 14)
    big = diameter * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, big - 1, big - 1), fill=WHITE + (255,))
    inset = ring * scale
    draw.ellipse((inset, inset, big - 1 - inset, big - 1 - inset), fill=RED + (255,))
    gold = inset + max(3, big // 28)
    draw.ellipse((gold, gold, big - 1 - gold, big - 1 - gold), outline=LIGHT_GOLD + (255,),
                 width=max(2, big // 60))
    font = fonts.font("bold", int(big * 0.3))
    draw.text((big / 2, big / 2), "人大", font=font, fill=WHITE + (255,), anchor="mm")
    return image.resize((diameter, diameter), Image.Resampling.LANCZOS)


_templates: dict[tuple, tuple[Image.Image, list[TextBox], list]] = {}
_works: dict[tuple, Image.Image] = {}
_works_lock = threading.Lock()  # one reusable canvas per kind and process


def _template(module) -> tuple[Image.Image, list[TextBox], list]:
    """The static part of a poster, drawn once per process and font choice, with
    crops of its dynamic areas (to clean a reused canvas)."""
    key = (module.__name__, fonts.find_cjk_font("regular"), fonts.find_cjk_font("title"))
    if key not in _templates:
        canvas = Canvas(Image.new("RGB", A4_300DPI, WHITE))
        module.draw_template(canvas)
        crops = [(area, canvas.image.crop(area)) for area in module.DYNAMIC_AREAS]
        _templates[key] = (canvas.image, canvas.text_boxes, crops)
    return _templates[key]


def _render(module, data, qr: Image.Image | None, reuse: bool = False) -> Rendered:
    slot = module.QR_SLOT
    side = slot[2] - slot[0]
    if qr is None:
        qr = qr_image(data.qr_url, size=side)
    elif qr.size != (side, side):
        qr = qr.resize((side, side), Image.Resampling.NEAREST)
    background, boxes, crops = _template(module)
    if reuse:
        # Batch path: paint over one canvas per kind instead of allocating
        # 35 MB per poster (a fresh copy costs 10-20 ms in page faults); only the
        # areas the previous poster drew on are restored from the template.
        work = _works.get(key := (module.__name__, id(background)))
        if work is None:
            work = _works[key] = background.copy()
        else:
            for area, crop in crops:
                work.paste(crop, area[:2])
    else:
        work = background.copy()
    canvas = Canvas(work, boxes)
    canvas.image.paste(qr, slot[:2])
    module.draw(canvas, data)
    return Rendered(canvas.image, canvas.text_boxes, slot)


def poster_bytes(data: StationPosterData | DeputyCardData, fmt: str = "pdf",
                 qr: Image.Image | None = None) -> bytes:
    """Render a station poster or deputy card and encode it: the fast path for batches.

    Paints over the process's reusable canvas (nothing but the bytes leaves the call);
    a second thread arriving meanwhile renders on a fresh canvas instead of waiting.
    """
    module = poster_station if isinstance(data, StationPosterData) else poster_deputy
    if _works_lock.acquire(blocking=False):
        try:
            return encode(_render(module, data, qr, reuse=True).image, fmt, title=data.name)
        finally:
            _works_lock.release()
    return encode(_render(module, data, qr).image, fmt, title=data.name)


def render_station_poster(data: StationPosterData, qr: Image.Image | None = None) -> Rendered:
    """Station poster (A4 300 dpi) with the boxes of every text drawn on it."""
    return _render(poster_station, data, qr)


def render_deputy_card(data: DeputyCardData, qr: Image.Image | None = None) -> Rendered:
    """Deputy card (A4 300 dpi) with the boxes of every text drawn on it."""
    return _render(poster_deputy, data, qr)


def station_poster(data: StationPosterData, qr: Image.Image | None = None) -> Image.Image:
    """Station poster, 2480×3508 RGB. ``qr`` defaults to ``qr_image(data.qr_url)``."""
    return render_station_poster(data, qr).image


def deputy_card(data: DeputyCardData, qr: Image.Image | None = None) -> Image.Image:
    """Deputy card, 2480×3508 RGB. ``qr`` defaults to ``qr_image(data.qr_url)``."""
    return render_deputy_card(data, qr).image


def encode(img: Image.Image, fmt: str = "png", *, title: str | None = None) -> bytes:
    """PNG or single-page PDF bytes; the PDF declares 300 dpi so A4 prints at size."""
    out = io.BytesIO()
    if fmt == "png":
        img.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(300, 300))
    elif fmt == "pdf":
        extra = {"title": title} if title else {}
        img.save(out, "PDF", resolution=300, quality=PDF_JPEG_QUALITY, **extra)
    else:
        raise ValueError(f"unknown format {fmt!r}: use 'png' or 'pdf'")
    return out.getvalue()
