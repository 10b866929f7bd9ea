"""Find and load a CJK font that really draws Chinese, for posters and cards.

Search order, for each role (``regular``, ``bold``, ``title``):

1. ``LIAISON_CJK_FONT`` (and optionally ``LIAISON_CJK_FONT_BOLD``): an explicit
   file, ``path`` or ``path#index`` for a TrueType collection, handed over by
   ``configure`` (``create_app`` passes the settings ``CJK_FONT``/``CJK_FONT_BOLD``;
   render workers get the same from their parent). An explicit font that cannot draw
   Chinese is an error, never silently replaced.
2. fontconfig: ``fc-match`` for the role with ``:lang=zh-cn``, then every file of
   ``fc-list :lang=zh``.
3. Well-known Debian/Ubuntu paths (fonts-noto-cjk, fonts-wqy-zenhei, ...).

Every candidate is verified: the glyphs of "人大代表联络站" must be non-empty and
pairwise different (a font without Chinese draws the same tofu box, or nothing,
for each of them). Loaded fonts are cached per (path, size, index).
"""
from __future__ import annotations

import functools
import os
import subprocess
from dataclasses import dataclass

from PIL import ImageFont

ENV_FONT = "LIAISON_CJK_FONT"
ENV_FONT_BOLD = "LIAISON_CJK_FONT_BOLD"
PROBE_TEXT = "人大代表联络站"
_explicit: tuple[str | None, str | None] = (None, None)  # set by ``configure``

_NOTO = "/usr/share/fonts/opentype/noto/"
_NOTO_TT = "/usr/share/fonts/truetype/noto/"
WELL_KNOWN = {
    "regular": [_NOTO + "NotoSansCJK-Regular.ttc", _NOTO_TT + "NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/arphic/uming.ttc"],
    "bold": [_NOTO + "NotoSansCJK-Bold.ttc", _NOTO_TT + "NotoSansCJK-Bold.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
             "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"],
    "title": [_NOTO + "NotoSerifCJK-Bold.ttc", _NOTO_TT + "NotoSerifCJK-Bold.ttc",
              _NOTO + "NotoSansCJK-Bold.ttc", _NOTO_TT + "NotoSansCJK-Bold.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
}
# fontconfig patterns per role; the title face prefers a bold serif (宋体-like).
FC_PATTERNS = {
    "regular": ["sans-serif:lang=zh-cn"],
    "bold": ["sans-serif:lang=zh-cn:weight=bold"],
    "title": ["serif:lang=zh-cn:weight=bold", "sans-serif:lang=zh-cn:weight=bold"],
}
MISSING_MESSAGE = (
    "未找到可显示中文的字体，无法生成海报。请安装 fonts-noto-cjk 或 fonts-wqy-zenhei，"
    "或设置环境变量 LIAISON_CJK_FONT 指向中文字体文件。 / No CJK font found: "
    "install fonts-noto-cjk or fonts-wqy-zenhei, or set LIAISON_CJK_FONT to a font file."
)


class CJKFontError(RuntimeError):
    """No usable Chinese font; the message says how to fix it (zh + en)."""


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0


def draws_chinese(font: ImageFont.FreeTypeFont, text: str = PROBE_TEXT) -> bool:
    """True when every char of ``text`` has its own non-empty glyph in ``font``."""
    masks = set()
    for char in text:
        mask = font.getmask(char)
        if mask.getbbox() is None:
            return False
        masks.add((mask.size, bytes(mask)))
    return len(masks) == len(set(text))


def _probe(face: FontFace) -> bool:
    try:
        font = ImageFont.truetype(face.path, 48, index=face.index)
    except OSError:
        return False
    return draws_chinese(font)


def _faces_in(path: str, hint: int | None = None) -> list[FontFace]:
    """Faces to try in a file: the hinted index, else Simplified Chinese faces first."""
    if hint is not None:
        return [FontFace(path, hint)]
    faces, scored = [], []
    for index in range(32):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        score = (0 if "SC" in family.split() else 1) + (2 if "Mono" in family else 0)
        scored.append((score, index))
    for _, index in sorted(scored):
        faces.append(FontFace(path, index))
    return faces


def _parse_explicit(value: str) -> FontFace:
    path, _, index = value.partition("#")
    return FontFace(path, int(index) if index else 0)


def _fontconfig(role: str) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    commands = [["fc-match", "-f", "%{file}|%{index}", pattern] for pattern in FC_PATTERNS[role]]
    commands.append(["fc-list", "-f", "%{file}|%{index}\n", ":lang=zh"])
    for command in commands:
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return found
        for line in out.splitlines():
            path, _, index = line.partition("|")
            if path and (path, None) not in found:
                found.append((path, int(index) if index.isdigit() else None))
    return found


@functools.lru_cache(maxsize=None)
def _find(role: str, explicit: str | None, explicit_bold: str | None) -> FontFace:
    bold = role != "regular" and bool(explicit_bold)
    chosen, name = (explicit_bold, ENV_FONT_BOLD) if bold else (explicit, ENV_FONT)
    if chosen:
        face = _parse_explicit(chosen)
        if not os.path.isfile(face.path):
            raise CJKFontError(f"{name}={chosen}: 文件不存在 / file not found. " + MISSING_MESSAGE)
        if not _probe(face):
            raise CJKFontError(f"{name}={chosen}: 该字体不含中文字形 / font has no CJK glyphs. "
                               + MISSING_MESSAGE)
        return face
    candidates = _fontconfig(role) + [(path, None) for path in WELL_KNOWN[role]]
    for path, hint in candidates:
        if not os.path.isfile(path):
            continue
        for face in _faces_in(path, hint):
            if _probe(face):
                return face
    raise CJKFontError(MISSING_MESSAGE)


def configure(explicit: str | None = None, explicit_bold: str | None = None) -> None:
    """Use these font files (``path`` or ``path#index``) in this process; None: search."""
    global _explicit
    _explicit = (explicit or None, explicit_bold or None)


def configured() -> tuple[str | None, str | None]:
    """The explicit font files in use (what a render worker process is given)."""
    return _explicit


def find_cjk_font(role: str = "regular") -> FontFace:
    """The verified font face for ``role`` ("regular", "bold" or "title").

    :raise CJKFontError: when no candidate draws Chinese.
    """
    if role not in WELL_KNOWN:
        raise ValueError(f"unknown font role {role!r}")
    return _find(role, *_explicit)


@functools.lru_cache(maxsize=256)
def load_font(path: str, size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    """A FreeType font, cached per (path, size, index) for the whole process."""
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def font(role: str, size: int) -> ImageFont.FreeTypeFont:
    """The verified CJK font for ``role`` at ``size`` pixels (cached)."""
    face = find_cjk_font(role)
    return load_font(face.path, int(size), face.index)


def clear_caches() -> None:
    """Forget found and loaded fonts (tests that change the configured font use this)."""
    _find.cache_clear()
    load_font.cache_clear()
