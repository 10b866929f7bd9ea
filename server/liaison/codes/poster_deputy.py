"""Deputy card layout (代表联系卡 with the personal code), A4 portrait at 300 dpi.

``draw_template`` paints the shared parts once per process; ``draw`` adds one
deputy's photo and texts. The QR code is pasted by render.py into QR_SLOT.
"""
from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageOps

from ..core import fonts
from .glyphs import text_width
from .poster_layout import footer_band, header_band, GOLD, GREY, INK, LIGHT_GOLD, RED, WHITE, Canvas, qr_frame
from .textfit import clip, display_name, fit_text

if TYPE_CHECKING:
    from .render import DeputyCardData

W, H = 2480, 3508
HEADER_BOTTOM = 600
PHOTO_BOX = (200, 740, 800, 1540)         # 600×800, 3:4 portrait
TEXT_X, TEXT_RIGHT = 900, 2280
NAME_BOX = (TEXT_X, 740, TEXT_RIGHT, 960)
LEVELS_BOX = (TEXT_X, 1040, TEXT_RIGHT, 1260)
STATION_BOX = (TEXT_X, 1200, TEXT_RIGHT, 1540)
DIVIDER_Y = 1640
CTA_Y = 1770
QR_SLOT = (680, 1920, 1800, 3040)
CAPTION_Y = 3152
FOOTER_TOP = 3322
# Everything ``draw`` may touch besides PHOTO_BOX and QR_SLOT (both fully covered).
DYNAMIC_AREAS = [(TEXT_X - 20, NAME_BOX[1] - 20, W - 80, STATION_BOX[3] + 20)]

TITLE = "人大代表联系卡"
SUBTITLE = "倾听民声  ·  反映民意  ·  为民履职"
CTA = "扫码找我反映"
CAPTION = "微信扫一扫  ·  直接向代表反映意见建议  ·  办理进度随时可查"
FOOTER = "人民代表为人民"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫")


def draw_template(canvas: Canvas) -> None:
    draw = canvas.draw
    header_band(canvas, HEADER_BOTTOM)
    canvas.text((W // 2, 250), TITLE, fonts.font("title", 170), WHITE, anchor="mm", label="title")
    draw.line((700, 400, 1780, 400), fill=LIGHT_GOLD, width=3)
    canvas.text((W // 2, 480), SUBTITLE, fonts.font("regular", 58), LIGHT_GOLD, anchor="mm",
                label="subtitle")

    x0, y0, x1, y1 = PHOTO_BOX
    draw.rectangle((x0 - 22, y0 - 22, x1 + 22, y1 + 22), outline=GOLD, width=6)
    draw.rectangle((TEXT_X, 990, TEXT_X + 260, 998), fill=GOLD)
    draw.line((200, DIVIDER_Y, 2280, DIVIDER_Y), fill=GOLD, width=4)

    cta = canvas.text((W // 2, CTA_Y), CTA, fonts.font("bold", 140), RED, anchor="mm", label="cta")
    for a, b in ((cta[0] - 300, cta[0] - 60), (cta[2] + 60, cta[2] + 300)):
        draw.rectangle((a, CTA_Y - 4, b, CTA_Y + 4), fill=GOLD)
    qr_frame(canvas, QR_SLOT)
    canvas.text((W // 2, CAPTION_Y), CAPTION, fonts.font("regular", 48), GREY, anchor="mm",
                label="caption")

    footer_band(canvas, FOOTER_TOP, FOOTER)


def draw(canvas: Canvas, data: DeputyCardData) -> None:
    canvas.image.paste(portrait(data.photo, data.name), PHOTO_BOX[:2])
    x0, y0, x1, y1 = NAME_BOX
    name = fit_text(display_name(data.name), "title", 190, 110, x1 - x0, y1 - y0, max_lines=1)
    canvas.text((x0, y0 + (y1 - y0) // 2), name.lines[0], name.font, INK, anchor="lm", label="name")

    bottom = _levels(canvas, [lv.strip() for lv in data.levels if lv and lv.strip()] or ["人大代表"])

    if data.station_name and data.station_name.strip():
        x0, y0, x1, y1 = STATION_BOX
        y0 = max(y0, bottom + 60) if bottom else y0
        fitted = fit_text(f"所在联络站：{data.station_name.strip()}", "regular", 60, 40, x1 - x0,
                          y1 - y0, max_lines=3, wrap_below=52)
        canvas.lines(x0, y0, fitted.lines, fitted.font, GREY, fitted.line_height, label="station")


def _levels(canvas: Canvas, levels: list[str]) -> int:
    """Each level as a red label; labels flow into rows and shrink to fit LEVELS_BOX.

    :return: the y below the last label drawn.
    """
    x0, y0, x1, y1 = LEVELS_BOX
    for size in (66, 60, 54, 48, 42):
        font = fonts.font("bold", size)
        pad, height, gap = round(size * 0.55), round(size * 1.6), round(size * 0.35)
        fitted = [clip(level, font, x1 - x0 - 2 * pad) for level in levels]
        places, x, y = [], x0, y0
        for level in fitted:
            width = round(text_width(level, font)) + 2 * pad
            if x > x0 and x + width > x1:
                x, y = x0, y + height + gap
            places.append((level, x, y, width))
            x += width + gap
        if y + height <= y1:
            break
    bottom = y0
    for level, x, y, width in places:
        if y + height > y1:
            break  # never overflow: labels beyond the box are left out
        canvas.draw.rounded_rectangle((x, y, x + width, y + height), radius=size // 5, fill=RED)
        canvas.text((x + width // 2, y + height // 2), level, font, WHITE, anchor="mm",
                    label="levels")
        bottom = y + height
    return bottom


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name.startswith(COMPOUND_SURNAMES) else name[:1]


def portrait(photo: Image.Image | bytes | str | None, name: str) -> Image.Image:
    """The deputy's photo (an image, its file's bytes or a path) cropped to the 3:4 frame,
    or a placeholder with the surname."""
    size = (PHOTO_BOX[2] - PHOTO_BOX[0], PHOTO_BOX[3] - PHOTO_BOX[1])
    if isinstance(photo, (str, bytes)):
        try:
            with Image.open(io.BytesIO(photo) if isinstance(photo, bytes) else photo) as opened:
                opened.draft("RGB", size)  # JPEG: decode at 1/2, 1/4 or 1/8 when big enough
                opened.load()
                photo = ImageOps.exif_transpose(opened, in_place=True) or opened
                photo = photo if photo.mode == "RGB" else photo.convert("RGB")
        except OSError:
            photo = None  # a missing or broken photo must not stop a print batch
    if photo is None:
        return _placeholder(surname(name), size)
    return _cover(photo if photo.mode == "RGB" else photo.convert("RGB"), size)


def _cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale and crop to fill ``size``; keep the upper part, where the face is.

    Shrinking uses Pillow's area-averaging BOX filter (~30% faster than bilinear, same
    rating in Pillow's filter table, indistinguishable at 300 dpi); enlarging a small
    ID photo uses bicubic. Photos stored at exactly 600×800 skip resampling.
    """
    if image.size == size:
        return image
    scale = max(size[0] / image.width, size[1] / image.height)
    crop_w, crop_h = size[0] / scale, size[1] / scale
    left = (image.width - crop_w) / 2
    top = (image.height - crop_h) * 0.3
    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BICUBIC
    return image.resize(size, method, box=(left, top, left + crop_w, top + crop_h))


@functools.lru_cache(maxsize=64)
def _silhouette(size: tuple[int, int]) -> Image.Image:
    """Head-and-shoulders outline, drawn at 3x and scaled down for smooth edges."""
    s = 3
    w, h = size[0] * s, size[1] * s
    image = Image.new("RGB", (w, h), (247, 239, 236))
    draw = ImageDraw.Draw(image)
    tone = (231, 209, 206)
    draw.ellipse((w * 0.5 - h * 0.16, h * 0.2, w * 0.5 + h * 0.16, h * 0.52), fill=tone)
    draw.ellipse((w * 0.06, h * 0.58, w * 0.94, h * 1.25), fill=tone)
    return image.resize(size, Image.Resampling.LANCZOS)


def _placeholder(family_name: str, size: tuple[int, int]) -> Image.Image:
    image = _silhouette(size).copy()
    if family_name:
        draw = ImageDraw.Draw(image)
        font = fonts.font("title", 150 if len(family_name) == 1 else 110)
        draw.text((size[0] // 2, int(size[1] * 0.82)), family_name, font=font, fill=WHITE,
                  anchor="mm")
    return image
