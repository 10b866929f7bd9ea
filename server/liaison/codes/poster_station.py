"""Station poster layout (站码海报), A4 portrait at 300 dpi.

``draw_template`` paints what every station shares (once per process);
``draw`` adds one station's texts. The QR code is pasted by render.py into QR_SLOT.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import fonts
from .poster_layout import footer_band, header_band, CREAM, GOLD, GREY, INK, LIGHT_GOLD, RED, WHITE, Canvas, qr_frame
from .textfit import display_name, fit_paragraphs, fit_text, name_grid

if TYPE_CHECKING:
    from .render import StationPosterData

W, H = 2480, 3508
HEADER_BOTTOM = 700
REGION_Y = 160
NAME_BOX = (160, 240, 2320, 660)
CTA_Y = 835
QR_SLOT = (620, 970, 1860, 2210)
CAPTION_Y = 2318
PANEL = (140, 2410, 2340, 3150)
LEFT = (210, 2570, 880, 3110)     # reception lines
DIVIDER_X = 935
RIGHT = (990, 2570, 2290, 3110)   # deputy names
TITLE_Y = 2480
ADDRESS_BOX = (160, 3178, 2320, 3298)
FOOTER_TOP = 3322
# Everything ``draw`` may touch (QR_SLOT aside, which the QR covers): a reused canvas
# gets only these areas back from the template between two posters.
DYNAMIC_AREAS = [(0, 90, W, HEADER_BOTTOM), (RIGHT[0], TITLE_Y - 50, PANEL[2], TITLE_Y + 50),
                 (PANEL[0], LEFT[1] - 20, PANEL[2], PANEL[3]), (0, ADDRESS_BOX[1] - 20, W, FOOTER_TOP)]

CTA = "微信扫码 · 点将联系代表"
CAPTION = "扫一扫：查看驻站代表  ·  点将反映意见  ·  跟踪办理结果"
FOOTER = "人民代表为人民  ·  代表联络站就在您身边"


def draw_template(canvas: Canvas) -> None:
    draw = canvas.draw
    header_band(canvas, HEADER_BOTTOM)
    draw.line((160, 210, 2320, 210), fill=LIGHT_GOLD, width=3)

    cta = fonts.font("bold", 120)
    box = canvas.text((W // 2, CTA_Y), CTA, cta, RED, anchor="mm", label="cta")
    for x0, x1 in ((box[0] - 260, box[0] - 50), (box[2] + 50, box[2] + 260)):
        draw.rectangle((x0, CTA_Y - 4, x1, CTA_Y + 4), fill=GOLD)

    qr_frame(canvas, QR_SLOT)
    canvas.text((W // 2, CAPTION_Y), CAPTION, fonts.font("regular", 50), GREY, anchor="mm",
                label="caption")

    draw.rectangle(PANEL, fill=CREAM)
    draw.rectangle((PANEL[0], PANEL[1], PANEL[2], PANEL[1] + 8), fill=GOLD)
    draw.line((DIVIDER_X, LEFT[1] - 60, DIVIDER_X, LEFT[3]), fill=GOLD, width=4)
    _section_title(canvas, LEFT[0], "接待安排")
    _section_title(canvas, RIGHT[0], "驻站代表")

    footer_band(canvas, FOOTER_TOP, FOOTER)


def _section_title(canvas: Canvas, x: int, text: str) -> tuple[int, int, int, int]:
    canvas.draw.rectangle((x, TITLE_Y - 30, x + 14, TITLE_Y + 30), fill=RED)
    return canvas.text((x + 36, TITLE_Y), text, fonts.font("bold", 60), RED, anchor="lm",
                       label="section")


def draw(canvas: Canvas, data: StationPosterData) -> None:
    _header(canvas, data)
    _reception(canvas, data.reception_lines)
    _deputies(canvas, data.deputies)
    address = f"地址：{data.address.strip()}" if data.address and data.address.strip() else ""
    if address:
        x0, y0, x1, y1 = ADDRESS_BOX
        fitted = fit_text(address, "regular", 52, 38, x1 - x0, y1 - y0, leading=1.25, max_lines=2)
        top = y0 + (y1 - y0 - fitted.height) // 2
        canvas.lines(x0, top, fitted.lines, fitted.font, INK, fitted.line_height,
                     align="center", width=x1 - x0, label="address")


def _header(canvas: Canvas, data: StationPosterData) -> None:
    region = "  ·  ".join(p.strip() for p in data.region_path.replace("／", "/").split("/") if p.strip())
    if region:
        fitted = fit_text(region, "regular", 56, 36, NAME_BOX[2] - NAME_BOX[0], 90, max_lines=1)
        canvas.text((W // 2, REGION_Y), fitted.lines[0], fitted.font, LIGHT_GOLD, anchor="mm",
                    label="region")
    x0, y0, x1, y1 = NAME_BOX
    fitted = fit_text(data.name.strip(), "title", 168, 96, x1 - x0, y1 - y0, leading=1.25,
                      max_lines=3)
    top = y0 + (y1 - y0 - fitted.height) // 2
    for i, line in enumerate(fitted.lines):
        centre = top + fitted.line_height * i + fitted.line_height // 2
        canvas.text((W // 2, centre), line, fitted.font, WHITE, anchor="mm", label="name")


def _reception(canvas: Canvas, lines: list[str]) -> None:
    x0, y0, x1, y1 = LEFT
    lines = [l for l in lines if l and l.strip()] or ["接待日安排以本站公告为准"]
    fitted = fit_paragraphs(lines, "regular", 50, 34, x1 - x0, y1 - y0, leading=1.45, indent=0.9)
    indent = round(fitted.font.size * 0.9)
    for i, (line, start) in enumerate(zip(fitted.lines, fitted.starts)):
        y = y0 + i * fitted.line_height
        if start:
            r, cy = fitted.font.size // 7, y + fitted.font.size * 0.62
            canvas.draw.ellipse((x0 + 4, cy - r, x0 + 4 + 2 * r, cy + r), fill=RED)
        canvas.text((x0 + indent, y), line, fitted.font, INK, label="reception")


def _deputies(canvas: Canvas, deputies: list[str]) -> None:
    x0, y0, x1, y1 = RIGHT
    names = [display_name(n) for n in deputies if n and n.strip()]
    if names:
        canvas.text((x1, TITLE_Y), f"共{len(names)}位", fonts.font("regular", 44), GREY,
                    anchor="rm", label="deputy_count")
    else:
        canvas.text((x0, y0), "代表名单更新中", fonts.font("regular", 50), GREY, label="deputies")
        return
    grid = name_grid(names, "regular", 54, 38, x1 - x0, y1 - y0)
    for i, name in enumerate(grid.names):
        row, col = divmod(i, grid.columns)
        canvas.text((x0 + col * grid.cell_width, y0 + row * grid.row_height), name, grid.font,
                    INK, label="deputy")
    if grid.more:
        rows = (len(grid.names) + grid.columns - 1) // grid.columns
        canvas.text((x0, y0 + rows * grid.row_height), f"……等{len(names)}位代表", grid.font, GREY,
                    label="deputy_more")
