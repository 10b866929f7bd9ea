"""Text drawing with a per-process glyph cache.

Pillow rasterises every glyph again on every ``draw.text`` call. Posters repeat the
same few hundred characters (surnames, 人大代表, 街道, digits) at the same sizes, so
each (font, size, char) is rendered once into a mask and later pasted: ~4x faster
for a grid of 40 names. Layout matches Pillow's basic layout for CJK text (advance
widths, no kerning), which is what the posters use.

Blending a colour through a mask costs ~5 ns a pixel here. Most text sits on one
flat colour (names on the red band, addresses on white), and there blending is a
lookup: coverage m always gives the same pixel. So for a line with enough ink, when
the canvas under it is one colour (checked, ~0.5 ns a pixel), its glyph masks are
copied into one line mask whose palette holds the 256 blends of that colour with the
ink, and the line is pasted once (~2x faster for a poster title). Glyphs whose boxes
touch an earlier glyph's, short texts and text on anything but a flat colour are
blended one by one; the pixels are the same either way (tests compare them).
"""
from __future__ import annotations

import functools

from PIL import Image, ImageChops, ImageDraw, ImageFont

Box = tuple[int, int, int, int]
LINE_MIN_INK_PX = 16_000  # below this, checking the background costs more than it saves
_COVERAGE = Image.frombytes("L", (256, 1), bytes(range(256)))


@functools.lru_cache(maxsize=65536)
def advance(font: ImageFont.FreeTypeFont, char: str) -> float:
    """Advance width of one character (measuring never rasterises)."""
    return font.getlength(char)


@functools.lru_cache(maxsize=8192)
def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[Image.Image | None, int, int, float]:
    """(mask, dx, dy, advance) with (dx, dy) the mask's corner relative to the pen on
    the baseline; mask is None for blank glyphs such as spaces."""
    advance = font.getlength(char)
    left, top, right, bottom = font.getbbox(char, anchor="ls")
    if right <= left or bottom <= top:
        return None, 0, 0, advance
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255, anchor="ls")
    if mask.getbbox() is None:
        return None, 0, 0, advance
    return mask, left, top, advance


@functools.lru_cache(maxsize=256)
def _blends(fill: tuple, background: tuple) -> bytes:
    """A palette: entry m is ``fill`` blended onto ``background`` through coverage m,
    made by Pillow's own blending, so a lookup gives exactly what a paste would."""
    strip = Image.new("RGB", (256, 1), background)
    strip.paste(fill, (0, 0, 256, 1), _COVERAGE)
    return strip.tobytes()


def flat_colour(image: Image.Image, box: Box) -> tuple | None:
    """The colour of ``box`` in an RGB ``image`` when every pixel there has it, else None."""
    x0, y0, x1, y1 = box
    if x0 < 0 or y0 < 0 or x1 > image.width or y1 > image.height or x1 <= x0 or y1 <= y0:
        return None
    area = image.crop(box)
    colour = area.getpixel((0, 0))
    if ImageChops.difference(area, Image.new("RGB", area.size, colour)).getbbox() is None:
        return colour
    return None


@functools.lru_cache(maxsize=256)
def _metrics(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    return font.getmetrics()


def text_width(text: str, font: ImageFont.FreeTypeFont) -> float:
    return sum(advance(font, c) for c in text)


def draw_text(image: Image.Image, xy: tuple[float, float], text: str,
              font: ImageFont.FreeTypeFont, fill, anchor: str = "la") -> Box:
    """Draw ``text`` like ``ImageDraw.text`` (anchors l/m/r × a/m/s/d) and return the
    ink box (union of the glyph masks)."""
    x, y = xy
    horizontal, vertical = anchor[0], anchor[1]
    if horizontal != "l":
        width = text_width(text, font)
        x -= width / 2 if horizontal == "m" else width
    ascent, descent = _metrics(font)
    baseline = {"a": y + ascent, "m": y + (ascent - descent) / 2, "s": y, "d": y - descent}[vertical]
    base = int(round(baseline))
    pen = x
    placed = []  # (mask, left, top, right, bottom)
    for char in text:
        mask, dx, dy, step = _glyph(font, char)
        if mask is not None:
            left, top = int(round(pen)) + dx, base + dy
            width, height = mask.size
            placed.append((mask, left, top, left + width, top + height))
        pen += step
    if not placed:
        return (int(x), int(baseline), int(x), int(baseline))
    box = (min(p[1] for p in placed), min(p[2] for p in placed),
           max(p[3] for p in placed), max(p[4] for p in placed))
    background = None
    if (image.mode == "RGB" and isinstance(fill, tuple) and len(placed) > 1
            and sum((p[3] - p[1]) * (p[4] - p[2]) for p in placed) >= LINE_MIN_INK_PX):
        background = flat_colour(image, box)
    if background is None:
        for mask, left, top, right, bottom in placed:
            image.paste(fill, (left, top, right, bottom), mask)
        return box
    x0, y0, x1, y1 = box
    line = Image.new("L", (x1 - x0, y1 - y0), 0)
    later, reach = [], x0  # reach: the right edge of the glyphs placed so far
    for glyph in placed:
        mask, left, top, right, _ = glyph
        if left >= reach:
            line.paste(mask, (left - x0, top - y0))
        else:
            later.append(glyph)  # its box touches an earlier glyph's: blend it on top
        reach = max(reach, right)
    line = line.convert("P")
    line.putpalette(_blends(fill, background))
    image.paste(line.convert("RGB"), (x0, y0))
    for mask, left, top, right, bottom in later:
        image.paste(fill, (left, top, right, bottom), mask)
    return box
