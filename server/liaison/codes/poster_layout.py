"""Layout helpers shared by the posters: palette, a recording canvas, the QR frame.

Pure Pillow; no Flask, no database. Every text drawn through :class:`Canvas` is
recorded as a :class:`TextBox` so tests (and callers) can check the layout.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from ..core import fonts
from .glyphs import draw_text

A4_300DPI = (2480, 3508)
MARGIN = 100  # no text closer than this to any edge (printer-safe)

RED = (200, 16, 46)          # #C8102E
DARK_RED = (150, 10, 32)
GOLD = (201, 151, 45)        # accents on white
LIGHT_GOLD = (247, 214, 140) # text and lines on red
INK = (33, 33, 33)
GREY = (100, 100, 100)
CREAM = (252, 247, 238)
WHITE = (255, 255, 255)

Box = tuple[int, int, int, int]



@dataclass(frozen=True)
class TextBox:
    """One drawn text: what it says, a label for the layout role, its ink box."""
    label: str
    text: str
    box: Box


@dataclass
class Rendered:
    """A rendered poster with the boxes it was laid out with."""
    image: Image.Image
    text_boxes: list[TextBox] = field(default_factory=list)
    qr_box: Box = (0, 0, 0, 0)


class Canvas:
    """An ImageDraw that remembers every text box it drew."""

    def __init__(self, image: Image.Image, text_boxes: list[TextBox] | None = None):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.text_boxes = list(text_boxes or [])

    def text(self, xy, text: str, font: ImageFont.FreeTypeFont, fill, *,
             anchor: str = "la", label: str = "") -> Box:
        if not text:
            return (int(xy[0]), int(xy[1]), int(xy[0]), int(xy[1]))
        box = draw_text(self.image, xy, text, font, fill, anchor)
        self.text_boxes.append(TextBox(label, text, box))
        return box

    def lines(self, x: int, y: int, lines: list[str], font, fill, line_height: int, *,
              align: str = "left", width: int = 0, label: str = "") -> int:
        """Draw lines top-down from (x, y); centred in ``width`` if align="center".

        :return: the y below the last line.
        """
        for line in lines:
            if align == "center":
                self.text((x + width // 2, y), line, font, fill, anchor="ma", label=label)
            else:
                self.text((x, y), line, font, fill, anchor="la", label=label)
            y += line_height
        return y


def header_band(canvas: Canvas, bottom: int) -> None:
    """The red band across the top, closed by a thick and a thin gold line."""
    width = canvas.image.width
    canvas.draw.rectangle((0, 0, width, bottom), fill=RED)
    canvas.draw.rectangle((0, bottom, width, bottom + 14), fill=GOLD)
    canvas.draw.rectangle((0, bottom + 26, width, bottom + 30), fill=GOLD)


def footer_band(canvas: Canvas, top: int, text: str) -> None:
    """The red band at the bottom with one line of light-gold text (≥ MARGIN from the edge)."""
    width, height = canvas.image.size
    canvas.draw.rectangle((0, top, width, height), fill=RED)
    canvas.draw.rectangle((0, top, width, top + 10), fill=GOLD)
    canvas.text((width // 2, top + 52), text, fonts.font("regular", 44), LIGHT_GOLD, anchor="mm",
                label="footer")


def qr_frame(canvas: Canvas, slot: Box) -> None:
    """A thin gold frame with red corner brackets around the QR slot."""
    x0, y0, x1, y1 = slot
    pad, arm, thick = 34, 120, 14
    canvas.draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), outline=GOLD, width=4)
    a, b, c, d = x0 - pad - 10, y0 - pad - 10, x1 + pad + 10, y1 + pad + 10
    for cx, cy, dx, dy in ((a, b, 1, 1), (c, b, -1, 1), (a, d, 1, -1), (c, d, -1, -1)):
        for ex, ey in ((arm, thick), (thick, arm)):
            x2, y2 = cx + dx * ex, cy + dy * ey
            canvas.draw.rectangle((min(cx, x2), min(cy, y2), max(cx, x2), max(cy, y2)), fill=RED)


def layout_problems(rendered: Rendered, margin: int = MARGIN) -> list[str]:
    """What is wrong with a rendered poster's layout: text closer than ``margin`` to an
    edge, text over the QR code, texts over each other. Empty when the layout is sound."""
    width, height = rendered.image.size
    page = (margin, margin, width - margin, height - margin)
    problems = []
    for i, item in enumerate(rendered.text_boxes):
        if not inside(item.box, page):
            problems.append(f"{item.label} {item.text!r} {item.box} is outside the margins")
        if overlaps(item.box, rendered.qr_box):
            problems.append(f"{item.label} {item.text!r} {item.box} covers the QR code")
        for other in rendered.text_boxes[i + 1:]:
            if overlaps(item.box, other.box):
                problems.append(f"{item.label} {item.text!r} overlaps {other.label} {other.text!r}")
    return problems


def inside(box: Box, outer: Box) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
