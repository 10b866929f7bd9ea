"""Fitting text into boxes: measured wrapping (place-name aware), shrink-then-wrap,
paragraphs, and name grids. Pure Pillow font metrics; no drawing."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from PIL import ImageFont

from ..core import fonts
from .glyphs import advance, text_width

_NO_LINE_START = set("，。、：；！？）》」』”’·,.:;!?)%")
_NO_LINE_END = set("（《「『“‘(")
_BREAK_AFTER = ("街道", "社区", "村", "镇", "乡", "区", "县", "小区", "园区", "）", ")")
_BREAK_BEFORE = ("人大代表联络站", "人大代表联络点", "人大代表之家")


def _break_penalty(text: str, i: int) -> int | None:
    """Cost of a line break before text[i]: 0 preferred, 1 allowed, None forbidden."""
    before, after = text[i - 1], text[i]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return None
    if before.isascii() and after.isascii() and (before.isalnum() and after.isalnum()):
        return None
    if after == " ":
        return None  # break after a run of spaces, never before it
    if before == " ":
        rest = text[i:].lstrip(" ·")
        return None if rest[:1] in _NO_LINE_START else 0
    if any(text.startswith(w, i) for w in _BREAK_BEFORE):
        return 0
    if any(text.endswith(w, 0, i) for w in _BREAK_AFTER) and not text.startswith("场", i):
        return 0
    return 1


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy wrap by measured width, preferring breaks at place-name boundaries.

    A single unbreakable run wider than ``max_width`` is cut by characters, so no
    returned line is ever wider than ``max_width`` (unless one char is).
    """
    widths = [advance(font, c) for c in text]
    penalties = _penalties(text)
    lines, start = [], 0
    while start < len(text):
        width, end = 0.0, start
        preferred = allowed = None  # (position, width up to it)
        while end < len(text):
            w = widths[end]
            if width + w > max_width and end > start:
                break
            width += w
            end += 1
            cost = penalties[end]
            if cost == 0:
                preferred = (end, width)
            elif cost == 1:
                allowed = (end, width)
        if end >= len(text):
            lines.append(text[start:].strip(" ·"))
            break
        if preferred and preferred[1] >= max_width * 0.4:
            cut = preferred[0]
        elif allowed or preferred:
            cut = max((allowed or (0, 0))[0], (preferred or (0, 0))[0])
        else:
            cut = end
        lines.append(text[start:cut].strip(" ·"))
        start = cut
        while start < len(text) and text[start] in " ·":
            start += 1
    return [line for line in lines if line]


@functools.lru_cache(maxsize=4096)
def _penalties(text: str) -> tuple[int | None, ...]:
    """``_break_penalty`` before every position of ``text`` (None at both ends); wrapping
    tries a text at several sizes and widths, the penalties stay the same."""
    return (None,) + tuple(_break_penalty(text, i) for i in range(1, len(text))) + (None,)


def balanced_wrap(text: str, font, max_width: float, max_lines: int) -> list[str]:
    """Wrap into the fewest lines, preferring place-name breaks, then even lengths."""
    lines = wrap(text, font, max_width)
    if len(lines) <= 1:
        return lines
    target, best, best_score = len(lines), lines, None
    for step in range(17):
        width = max_width * (1 - step / 16 * (1 - 1 / target))
        candidate = wrap(text, font, width)
        if len(candidate) > target:
            break
        widths = [text_width(line, font) for line in candidate]
        score = (_cost_of(text, candidate), (max(widths) - min(widths)) / max_width)
        if best_score is None or score < best_score:
            best, best_score = candidate, score
    return best


def _cost_of(text: str, lines: list[str]) -> int:
    cost, pos = 0, 0
    for line in lines[:-1]:
        pos = text.index(line, pos) + len(line)
        cost += _penalties(text)[pos] or 0
    return cost


@dataclass(frozen=True)
class Fitted:
    font: ImageFont.FreeTypeFont
    lines: list[str]
    line_height: int
    starts: tuple[bool, ...] = ()

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def fit_text(text: str, role: str, max_size: int, min_size: int, width: int, height: int,
             *, leading: float = 1.3, max_lines: int = 4, wrap_below: int = 0) -> Fitted:
    """Largest font that fits ``text`` into width×height: shrink first, then wrap.

    One line is tried from ``max_size`` down to ``min_size``; then 2, 3… lines, each
    again from the biggest size down; a single line never goes below ``wrap_below``.
    Past ``max_lines`` at ``min_size`` the text is cut with "…" so it never overflows.
    """
    sizes = _sizes(max_size, min_size)
    for count in range(1, max_lines + 1):
        for size in sizes:
            if count == 1 and size < wrap_below and max_lines > 1:
                break
            font = fonts.font(role, size)
            line_height = round(size * leading)
            if line_height * count > height:
                continue
            lines = [text] if count == 1 else balanced_wrap(text, font, width, count)
            if len(lines) <= count and all(text_width(l, font) <= width for l in lines):
                return Fitted(font, lines, line_height)
    font = fonts.font(role, min_size)
    line_height = round(min_size * leading)
    room = max(1, min(max_lines, height // line_height))
    lines = wrap(text, font, width)
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and text_width(last + "…", font) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return Fitted(font, lines, line_height)


def fit_paragraphs(paragraphs: list[str], role: str, max_size: int, min_size: int,
                   width: int, height: int, *, leading: float = 1.35,
                   indent: float = 0.0) -> Fitted:
    """Several paragraphs wrapped to ``width`` (continuation lines ``indent`` em in),
    shrunk until all fit ``height``. ``Fitted.starts`` marks each paragraph's first line.

    At ``min_size`` the overflow is dropped and the last line ends with "…".
    """
    paragraphs = [p.strip() for p in paragraphs if p and p.strip()]
    for size in _sizes(max_size, min_size):
        font = fonts.font(role, size)
        line_height = round(size * leading)
        lines, starts = [], []
        for paragraph in paragraphs:
            wrapped = wrap(paragraph, font, width - indent * size)
            lines += wrapped
            starts += [True] + [False] * (len(wrapped) - 1)
        if len(lines) * line_height <= height:
            return Fitted(font, lines, line_height, tuple(starts))
    room = max(1, height // line_height)
    lines = lines[:room]
    while lines and text_width(lines[-1] + "…", font) > width - indent * size:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return Fitted(font, lines, line_height, tuple(starts[:room]))


def clip(text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """``text`` cut to ``width`` with a trailing "…" when it is wider."""
    if text_width(text, font) <= width:
        return text
    while len(text) > 1 and text_width(text + "…", font) > width:
        text = text[:-1]
    return text + "…"


def display_name(name: str) -> str:
    """Two-character Chinese names get a full-width space (张　伟), as in official lists."""
    name = name.strip()
    if len(name) == 2 and all("\u4e00" <= c <= "\u9fff" for c in name):
        return name[0] + "\u3000" + name[1]
    return name


def _sizes(max_size: int, min_size: int) -> list[int]:
    sizes, size = [], max_size
    while size > min_size:
        sizes.append(size)
        size = int(size * 0.94)
    sizes.append(min_size)
    return sizes


@dataclass(frozen=True)
class NameGrid:
    font: ImageFont.FreeTypeFont
    columns: int
    row_height: int
    cell_width: int
    names: list[str]
    more: int  # names not shown, for "等N位代表"


def name_grid(names: list[str], role: str, max_size: int, min_size: int,
              width: int, height: int) -> NameGrid:
    """Lay names out in columns, shrinking down to ``min_size``; the rest become 等N位."""
    names = [n.strip() for n in names if n and n.strip()]
    last = None
    for size in _sizes(max_size, min_size):
        font = fonts.font(role, size)
        cell = int(max([text_width(n, font) for n in names] + [size * 3]) + size * 1.1)
        columns = max(1, width // cell)
        row_height = round(size * 1.55)
        rows = max(1, height // row_height)
        fitted = [clip(n, font, width // columns - size // 2) for n in names]  # one very long name
        last = NameGrid(font, columns, row_height, width // columns, fitted, 0)
        if len(names) <= columns * rows:
            return last
    rows = max(1, height // last.row_height)
    shown = last.names[: last.columns * max(0, rows - 1)]  # the last row says 等N位代表
    return NameGrid(last.font, last.columns, last.row_height, last.cell_width, shown,
                    len(names) - len(shown))
