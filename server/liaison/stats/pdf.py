"""A deputy's yearly duty record as a one-page A4 PDF (drawn with Pillow and a CJK font).

The page is an image (150 dpi) saved as PDF: printable and archivable everywhere,
with no PDF library and no font embedding to worry about.
"""
from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from .export import MONTH_COLUMNS, duty_lines

DPI = 150
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN = 90


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    try:
        from ..core.fonts import font

        return font("bold" if bold else "regular", size)
    except Exception:  # the codes package's finder is missing or found nothing: try the usual file
        name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
        return ImageFont.truetype(f"/usr/share/fonts/opentype/noto/{name}", size)


def duty_pdf(record: dict) -> BytesIO:
    d = record["deputy"]
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    title, body, small = _font(44, True), _font(26), _font(22)
    y = MARGIN
    draw.text((WIDTH // 2, y), f"{d['name']} {record['year']} 年度履职档案", font=title, fill="#b71c1c", anchor="mt")
    y += 80
    stations = "、".join(s["name"] + ("（交叉进站）" if s["membership"] == "cross" else "") for s in d["stations"])
    for line in (f"工作单位及职务：{d['work_unit']} {d['post']}".strip(), f"所在联络站：{stations or '—'}"):
        for chunk in _wrap(draw, line, body, WIDTH - 2 * MARGIN):
            draw.text((MARGIN, y), chunk, font=body, fill="black")
            y += 40
    y += 20
    lines = duty_lines(record)
    half = (len(lines) + 1) // 2
    col_w = (WIDTH - 2 * MARGIN) // 2
    for i, (label, value) in enumerate(lines):
        x = MARGIN + (i // half) * col_w
        yy = y + (i % half) * 46
        draw.rectangle([x, yy, x + col_w - 10, yy + 42], outline="#cccccc")
        draw.text((x + 12, yy + 8), label, font=body, fill="#333333")
        draw.text((x + col_w - 24, yy + 8), value, font=body, fill="black", anchor="ra")
    y += half * 46 + 40
    draw.text((MARGIN, y), "逐月情况", font=_font(30, True), fill="black")
    y += 50
    columns = [("month", "月份")] + MONTH_COLUMNS[:8]
    cw = (WIDTH - 2 * MARGIN) // len(columns)
    for j, (_, head) in enumerate(columns):
        draw.rectangle([MARGIN + j * cw, y, MARGIN + (j + 1) * cw, y + 38], fill="#ddebf7", outline="#999999")
        draw.text((MARGIN + j * cw + cw // 2, y + 8), head, font=small, fill="black", anchor="ma")
    for m in record["months"]:
        y += 38
        for j, (key, _) in enumerate(columns):
            draw.rectangle([MARGIN + j * cw, y, MARGIN + (j + 1) * cw, y + 38], outline="#cccccc")
            value = m[key][5:] + "月" if key == "month" else str(m[key])
            draw.text((MARGIN + j * cw + cw // 2, y + 8), value, font=small, fill="black", anchor="ma")
    y += 70
    weights = "，".join(f"{i['label']}每项 {i['weight']:g} 分" for i in record["points"]["items"])
    for chunk in _wrap(draw, "履职积分计算：" + weights + "。", small, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), chunk, font=small, fill="#555555")
        y += 32
    out = BytesIO()
    page.save(out, format="PDF", resolution=DPI)
    out.seek(0)
    return out


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if draw.textlength(current + ch, font=font) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return lines + ([current] if current else [])
