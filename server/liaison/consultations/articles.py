"""A draft's full text split into articles (第一条、第二条……) under chapters (第一章 总则).

A line that starts with ``第<number>条`` begins an article: a Chinese numeral (第十一条,
第二十条, 第一百零一条, 第一千条) or Arabic digits. When the number is followed directly by
text (``第十条规定的情形……`` inside an article), the line begins an article only if it is the
next number. ``第<number>章`` (and ``第<number>节``) lines are headings: the chapter of the
articles after them. Text before the first article is the preamble. Pure: no Flask.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import DomainError

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = r"[零〇○一二两三四五六七八九十百千\d]+"
SPACE = " \t\u3000\u00a0"
ARTICLE = re.compile(rf"^第({NUMERAL})条(.*)$", re.S)
HEADING = re.compile(rf"^第({NUMERAL})(章|节)[{SPACE}]*(.*)$")
MAX_TEXT = 200_000  # characters of a draft
MAX_ARTICLES = 2000
MAX_ARTICLE_TEXT = 10_000
CN_DIGITS = "零一二三四五六七八九"


class DraftError(DomainError):
    status = 422
    code = "draft_invalid"


def parse_number(text: str) -> int:
    """``一百零一`` -> 101, ``二十`` -> 20, ``十一`` -> 11, ``12`` -> 12.

    :raise ValueError: not a numeral.
    """
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                raise ValueError(text)  # two digits in a row: 二三
            digit = DIGITS[ch] if DIGITS[ch] else None
        elif ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            raise ValueError(text)
    total += digit or 0
    if total <= 0:
        raise ValueError(text)
    return total


def chinese_number(n: int) -> str:
    """101 -> 一百零一, 20 -> 二十, 11 -> 十一 (1 ≤ n < 10000)."""
    if n < 10:
        return CN_DIGITS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if unit == "十" and d == 1 and not out else CN_DIGITS[d]) + unit
            zero = False
        elif out and n:
            zero = True
    return out


def label(number: int) -> str:
    return f"第{chinese_number(number)}条"


@dataclass
class Article:
    number: int
    label: str
    chapter: str
    text: str


@dataclass
class Draft:
    preamble: str = ""
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _clean_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return [line.strip(SPACE + "\ufeff") for line in text.split("\n")]


def split(text: str) -> Draft:
    """The draft's preamble, articles and warnings (numbers skipped or out of order).

    :raise DraftError: too long, an article number given twice, too many articles.
    """
    if len(text) > MAX_TEXT:
        raise DraftError(message_zh=f"草案全文太长（{len(text)} 字），最多 {MAX_TEXT} 字")
    draft = Draft()
    chapter, section = "", ""
    current: Article | None = None
    body: list[str] = []
    preamble: list[str] = []

    def finish():
        if current is not None:
            current.text = "\n".join(line for line in body if line).strip()

    for line in _clean_lines(text):
        if not line:
            continue
        heading = HEADING.match(line)
        if heading and len(line) <= 60:
            try:
                parse_number(heading.group(1))
            except ValueError:
                heading = None
        if heading and len(line) <= 60:
            name = line if not heading.group(3) else f"第{heading.group(1)}{heading.group(2)} {heading.group(3)}"
            if heading.group(2) == "章":
                chapter, section = name, ""
            else:
                section = name
            continue
        match = ARTICLE.match(line)
        number = None
        if match:
            try:
                number = parse_number(match.group(1))
            except ValueError:
                number = None
            rest = match.group(2)
            expected = (current.number + 1) if current else 1
            if number is not None and rest and rest[0] not in SPACE and number != expected:
                number = None  # "第十条规定的……" inside an article, not a new one
        if number is None:
            (body if current else preamble).append(line)
            continue
        finish()
        if any(a.number == number for a in draft.articles):
            raise DraftError(message_zh=f"{label(number)}出现了两次，请检查条文编号")
        if draft.articles and number != draft.articles[-1].number + 1:
            draft.warnings.append(f"{label(draft.articles[-1].number)}之后是{label(number)}，中间的条文编号不连续")
        elif not draft.articles and number != 1:
            draft.warnings.append(f"第一个条文是{label(number)}，不是第一条")
        current = Article(number, label(number), " ".join(filter(None, (chapter, section))), "")
        body = [match.group(2).strip(SPACE)]
        draft.articles.append(current)
        if len(draft.articles) > MAX_ARTICLES:
            raise DraftError(message_zh=f"条文太多，最多 {MAX_ARTICLES} 条")
    finish()
    for article in draft.articles:
        if not article.text:
            raise DraftError(message_zh=f"{article.label}没有内容，请检查草案全文")
        if len(article.text) > MAX_ARTICLE_TEXT:
            raise DraftError(message_zh=f"{article.label}太长，每条最多 {MAX_ARTICLE_TEXT} 字")
        if len(article.chapter) > 200:
            article.chapter = article.chapter[:200]
    draft.preamble = "\n".join(preamble)
    if not draft.articles:
        draft.warnings.append("没有识别出条文（如“第一条”），群众只能对草案整体提意见")
    return draft


def as_json(draft: Draft) -> dict:
    return {"preamble": draft.preamble, "warnings": draft.warnings,
            "articles": [{"number": a.number, "label": a.label, "chapter": a.chapter, "text": a.text}
                         for a in draft.articles]}
