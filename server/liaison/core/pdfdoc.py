"""Printable A4 documents with real, selectable Chinese text (fpdf2, an embedded CJK font).

The paperwork (交办单, the region report) must be printed, signed and archived, and its
text must stay text: copied, searched, read by a screen reader, checked by ``pdftotext``
in the tests. So, unlike the poster and the duty record (pictures), these documents
embed the CJK font that ``core.fonts`` finds (Noto Sans CJK SC, WenQuanYi, or
``LIAISON_CJK_FONT``), reduced to the characters the document uses.

A document is built as a list of blocks first and drawn afterwards: the font subset is
then known before fpdf2 opens the font, which keeps a page well under a second (opening
the whole 65,000-glyph collection would take several).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

A4_WIDTH = 210  # mm
MARGIN = 18
BODY = 11
RED = (183, 28, 28)
GREY = (90, 90, 90)
HEAD_FILL = (221, 235, 247)
ALWAYS = "0123456789０１２３４５６７８９：:（）()，。、—-_/ ·%年月日第页共"  # page numbers, fillers


@dataclass
class Block:
    kind: str
    data: dict = field(default_factory=dict)


class Document:
    """Blocks in reading order; :meth:`render` draws them on A4 pages."""

    def __init__(self, title: str, footer: str = ""):
        self.title = title
        self.footer = footer
        self.blocks: list[Block] = []

    def _add(self, kind: str, **data) -> "Document":
        self.blocks.append(Block(kind, data))
        return self

    def heading(self, text: str, size: int = 20, color=RED) -> "Document":
        return self._add("text", text=text, size=size, bold=True, align="C", color=color, after=4)

    def text(self, text: str, size: int = BODY, bold: bool = False, align: str = "L", color=(0, 0, 0),
             after: float = 2) -> "Document":
        return self._add("text", text=text, size=size, bold=bold, align=align, color=color, after=after)

    def fields(self, pairs: list[tuple[str, str]], label_width: float = 32) -> "Document":
        """Label / value rows in a bordered grid (the head of a form)."""
        return self._add("fields", pairs=[(str(a), str(b)) for a, b in pairs], label_width=label_width)

    def table(self, header: list[str], rows: list[list], widths: list[float] | None = None,
              size: int = 9) -> "Document":
        return self._add("table", header=[str(h) for h in header],
                         rows=[["" if v is None else str(v) for v in r] for r in rows], widths=widths, size=size)

    def space(self, mm: float = 4) -> "Document":
        return self._add("space", mm=mm)

    def signatures(self, lines: list[str]) -> "Document":
        """Lines to sign by hand: ``交办人（签字）：________  日期：____年__月__日``."""
        return self._add("signatures", lines=lines)

    def characters(self) -> set[int]:
        chars = set(self.title + self.footer + ALWAYS)
        for block in self.blocks:
            for value in block.data.values():
                for item in (value if isinstance(value, list) else [value]):
                    parts = item if isinstance(item, (list, tuple)) else [item]
                    for part in parts:
                        if isinstance(part, str):
                            chars.update(part)
        return {ord(c) for c in chars if c >= " "}

    def render(self) -> BytesIO:
        """The PDF (rewound). :raise core.fonts.CJKFontError: no font draws Chinese."""
        from fpdf import FPDF
        from fpdf.enums import WrapMode, XPos, YPos

        from .fonts import find_cjk_font

        pdf = FPDF(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        chars = sorted(self.characters())
        for style, role in (("", "regular"), ("B", "bold")):
            face = find_cjk_font(role)
            pdf.add_font("cjk", style, face.path, collection_font_number=face.index, unicode_range=chars)
        pdf.set_title(self.title)
        pdf.set_creator("联络站")
        footer = self.footer

        def page_footer():
            pdf.set_y(-12)
            pdf.set_font("cjk", "", 8)
            pdf.set_text_color(*GREY)
            pdf.cell(0, 5, f"{footer}  第 {pdf.page_no()} 页".strip(), align="C")

        pdf.footer = page_footer
        pdf.add_page()
        width = A4_WIDTH - 2 * MARGIN
        down = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
        for block in self.blocks:
            d = block.data
            pdf.set_text_color(0, 0, 0)
            if block.kind == "text":
                pdf.set_font("cjk", "B" if d["bold"] else "", d["size"])
                pdf.set_text_color(*d["color"])
                pdf.multi_cell(width, d["size"] * 0.5, d["text"], align=d["align"], wrapmode=WrapMode.CHAR, **down)
                pdf.ln(d["after"])
            elif block.kind == "space":
                pdf.ln(d["mm"])
            elif block.kind in ("fields", "table"):
                self._grid(pdf, block, width, WrapMode.CHAR)
                pdf.ln(3)
            elif block.kind == "signatures":
                pdf.set_font("cjk", "", BODY)
                for line in d["lines"]:
                    pdf.ln(6)
                    pdf.multi_cell(width, 7, line, wrapmode=WrapMode.CHAR, **down)
        out = BytesIO(pdf.output())
        out.seek(0)
        return out

    @staticmethod
    def _grid(pdf, block: Block, width: float, wrap) -> None:
        d = block.data
        if block.kind == "fields":
            size, widths = BODY, (d["label_width"], width - d["label_width"])
            header, rows = None, [list(p) for p in d["pairs"]]
        else:
            size, header, rows = d["size"], d["header"], d["rows"]
            given = d["widths"] or [1] * len(header)
            widths = tuple(width * w / sum(given) for w in given)
        pdf.set_font("cjk", "", size)
        pdf.set_draw_color(150, 150, 150)
        with pdf.table(col_widths=widths, width=width, line_height=size * 0.55, wrapmode=wrap,
                       first_row_as_headings=header is not None, text_align="LEFT",
                       headings_style=None if header is None else _heading_style(),
                       padding=1.2) as table:
            for row in ([header] if header else []) + rows:
                cells = table.row()
                for i, value in enumerate(row):
                    if block.kind == "fields" and i == 0:
                        cells.cell(value, style=_label_style())
                    else:
                        cells.cell(value)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family="cjk", emphasis="BOLD", fill_color=HEAD_FILL)


def _label_style():
    from fpdf.fonts import FontFace

    return FontFace(family="cjk", emphasis="BOLD", fill_color=(245, 245, 245))
