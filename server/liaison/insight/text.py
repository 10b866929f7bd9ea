"""Chinese opinion text: normalising, segmenting and vectorising (the shared text tools).

Contract (other packages rely on it; keep it stable):

- ``normalize(text) -> str``: NFKC (full-width letters and digits become half-width),
  lower case, URLs, e-mail addresses and runs of digits (phone numbers, house numbers,
  dates) removed, every punctuation mark or symbol turned into one space, spaces
  collapsed and stripped. Pure function, no state; ``normalize(normalize(t)) ==
  normalize(t)``.
- ``tokens(text, ignore=()) -> list[str]``: the words of ``normalize(text)`` as the one
  process-wide segmenter cuts them (rjieba, the Rust port of jieba, with the domain
  dictionary ``domain_dict.txt`` and every place word added with ``add_place_words``),
  without stop words (``stop_words.txt``), without words in ``ignore`` and without
  one-character words except the few that name a thing (``KEPT_SINGLE_CHARACTERS``).
  Order as in the text, repeats kept.
- ``add_place_words(names)``: adds names (stations, regions) to the segmenter so
  that "望月湖街道" stays one word; also adds each name's core without the usual
  suffixes (街道, 社区, 人大代表联络站 ...). Idempotent, thread safe; returns the
  words added and the cores, which a caller may pass as ``ignore``.
- ``place_words(region=None) -> set[str]``: reads from the database the names of the
  regions and stations in ``region``'s subtree (every one when ``None``), adds them with
  ``add_place_words`` and returns the words, at call time (a station created since is
  included).
- ``word_features(text, ignore=())``: ``tokens`` plus the dictionary words a word of
  four or more characters begins or ends with (加装电梯 → 加装, 电梯).
- ``TextVectorizer(ignore=(), min_df=1)``: TF-IDF over words (``word_features``) plus TF-IDF
  over character 2–3-grams of the kept words run together (stop words out),
  a domain word's weight multiplied by ``DOMAIN_BOOST``, each part L2-normalised, then
  joined with weights ``WORD_WEIGHT`` and ``CHAR_WEIGHT``
  and L2-normalised again, so the dot product of two rows is their cosine similarity
  in [0, 1]. ``fit(texts)``, ``transform(texts)``, ``fit_transform(texts)`` return a
  scipy CSR matrix with one row per text; a text with no features is a zero row.
  ``keywords(rows, n)`` returns ``n`` words of the given rows of the fitted corpus:
  those found in most of the rows first, a domain word before another, then by summed
  TF-IDF weight (words only, never character n-grams).
- ``vectorize(texts, ignore=()) -> (matrix, vectorizer)``: the fitted shortcut.

The segmenter is built once per process (first use) and shared; everything here is
safe to call from several threads.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence

HERE = Path(__file__).resolve().parent
DOMAIN_DICT = HERE / "domain_dict.txt"
STOP_WORDS_FILE = HERE / "stop_words.txt"

# Frequency given to a domain or place word: high enough that 路灯 wins over 路 + 灯不亮.
DOMAIN_FREQ = 20000
# A domain word (domain_dict.txt) weighs this much more than another word of the same
# TF-IDF in the word half: 电梯 or 路灯 says more about the matter than 晚上 or 老人.
DOMAIN_BOOST = 2.0
# Weights of the two halves of a vector (their squares sum to 1).
WORD_WEIGHT = 0.6 ** 0.5
CHAR_WEIGHT = 0.4 ** 0.5
# One-character words that still name a thing worth keeping as a feature.
KEPT_SINGLE_CHARACTERS = frozenset("灯水电路车树桥狗猫鼠蚊臭吵脏堵漏")
# Endings stripped from a place name to get the word residents write (望月湖街道 → 望月湖).
PLACE_SUFFIXES = ("人大代表联络站", "代表联络站", "联络站", "联络点", "街道办事处", "街道", "社区居委会",
                  "居委会", "社区", "村委会", "小区", "新区", "片区", "区", "县", "市", "镇", "乡", "村")

_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_DIGITS = re.compile(r"\d+")
# Anything but a letter (CJK included) or a digit: punctuation, symbols, spaces, "_".
_SEPARATORS = re.compile(r"[\W_]+")
# A count written in characters (三个, 两年, 多月, 十几次): no theme in it.
_COUNT = re.compile(r"^[零一二三四五六七八九十百千万两几多半整]+[个年月天日周次号栋楼层米条位家户辆遍回点分半]*$")

_lock = threading.Lock()
_segmenter = None
_added: set[str] = set()
_part_cache: dict[str, tuple[str, ...]] = {}


def _read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


STOP_WORDS = frozenset(_read_list(STOP_WORDS_FILE))
DOMAIN_WORDS = frozenset(line.split()[0] for line in _read_list(DOMAIN_DICT))


def normalize(text: str | None) -> str:
    """Comparable form of an opinion's text (see the module's contract)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _DIGITS.sub(" ", text)
    return _SEPARATORS.sub(" ", text).strip()


def _get_segmenter():
    """The process-wide rjieba segmenter with the domain dictionary (built on first use)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import rjieba

                seg = rjieba.Jieba()
                for line in _read_list(DOMAIN_DICT):
                    parts = line.split()
                    freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else DOMAIN_FREQ
                    seg.add_word(parts[0], freq, None)
                    _added.add(parts[0])
                _segmenter = seg
    return _segmenter


def place_core(name: str) -> str:
    """A place name without its usual ending (长沙市岳麓区望月湖街道人大代表联络站 → ...望月湖街道 → 望月湖)."""
    core = name.strip()
    changed = True
    while changed:
        changed = False
        for suffix in PLACE_SUFFIXES:
            if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
                break
    return core


def add_place_words(names: Iterable[str], prefixes: Iterable[str] | None = None) -> set[str]:
    """Add place names and their cores to the segmenter; the set of words (see the contract).

    A core also loses any leading name among ``prefixes`` (default ``names``): the names
    of the regions above a station, so 测试市鹭栖区雁栖湾街道青萝社区联络点 gives 青萝.
    """
    seg = _get_segmenter()

    def clean(values):
        return {n for n in (normalize(v).replace(" ", "") for v in values) if len(n) >= 2}

    full = clean(names)
    heads = full if prefixes is None else clean(prefixes)
    # Longest first: 雁栖湾街道 goes before 雁栖湾 would leave 街道 behind.
    heads = sorted(heads | {place_core(n) for n in heads}, key=len, reverse=True)
    words = set(full)
    for name in full:
        core = place_core(name)
        stripped = True
        while stripped:
            stripped = False
            for head in heads:
                if head != core and core.startswith(head) and len(core) - len(head) >= 2:
                    core = place_core(core[len(head):])
                    stripped = True
                    break
        if len(core) >= 2:
            words.add(core)
    with _lock:
        new = sorted(words - _added)
        for word in new:
            seg.add_word(word, DOMAIN_FREQ, None)
            _added.add(word)
        if new:
            _part_cache.clear()  # a new word may cut a compound otherwise
    return words


def place_words(region=None) -> set[str]:
    """Names of the regions and stations in ``region``'s subtree, from the database, added
    to the segmenter (every region and station when ``region`` is None)."""
    from sqlalchemy import select

    from ..core.db import db
    from ..places.models import Region, Station

    regions = select(Region.name)
    stations = select(Station.name).join(Region, Region.id == Station.region_id)
    above: list[str] = []
    if region is not None:
        inside = Region.path.startswith(region.path, autoescape=True)
        regions, stations = regions.where(inside), stations.where(inside)
        ids = [int(part) for part in region.path.strip("/").split("/") if part.isdigit()]
        above = list(db.session.scalars(select(Region.name).where(Region.id.in_(ids))))
    region_names = list(db.session.scalars(regions))
    words = add_place_words(region_names + list(db.session.scalars(stations)), prefixes=region_names + above)
    return words


def tokens(text: str | None, ignore: Iterable[str] = ()) -> list[str]:
    """Theme-bearing words of ``text`` (see the module's contract)."""
    normal = normalize(text)
    if not normal:
        return []
    seg = _get_segmenter()
    ignore = ignore if isinstance(ignore, (set, frozenset)) else set(ignore)
    with _lock:  # add_word may run in another thread; the Rust segmenter is not shared mutably
        words = seg.cut(normal, True)
    out = []
    for word in words:
        word = word.strip()
        if not word or word in STOP_WORDS or word in ignore or _COUNT.match(word):
            continue
        if len(word) == 1 and word not in KEPT_SINGLE_CHARACTERS:
            continue
        out.append(word)
    return out


def word_features(text: str | None, ignore: Iterable[str] = ()) -> list[str]:
    """``tokens(text)`` plus, for a word of four or more characters, the dictionary words
    it begins or ends with (加装电梯 → 加装, 电梯), so 电梯加装 and 加装电梯 share words."""
    ignore = ignore if isinstance(ignore, (set, frozenset)) else set(ignore)
    return _with_parts(tokens(text, ignore), ignore)


def _parts(word: str) -> tuple[str, ...]:
    """The dictionary words ``word`` begins or ends with (remembered per word)."""
    found = _part_cache.get(word)
    if found is None:
        seg = _get_segmenter()
        with _lock:
            pieces = seg.cut_for_search(word, True)
        found = tuple(p for p in pieces if p != word and len(p) >= 2 and (word.startswith(p) or word.endswith(p))
                      and p not in STOP_WORDS)
        _part_cache[word] = found
    return found


def _with_parts(words: list[str], ignore) -> list[str]:
    out = list(words)
    for word in words:
        if len(word) >= 4:
            out.extend(p for p in _parts(word) if p not in ignore)
    return out


def _given(tokens_of_a_text):
    """The analyzer of already-cut texts (a module function, so a fitted vectorizer pickles)."""
    return tokens_of_a_text


class TextVectorizer:
    """TF-IDF over words plus character 2–3-grams (see the module's contract)."""

    def __init__(self, ignore: Iterable[str] = (), min_df: int = 1):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ignore = frozenset(ignore)
        # Both halves read the texts cut once (``_cut``): the words with their parts, and
        # the kept words run together for the character n-grams.
        self.words = TfidfVectorizer(analyzer=_given, min_df=min_df, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=min_df,
                                     sublinear_tf=True, lowercase=False)
        self._fitted_words = None

    def _cut(self, texts: Sequence[str]) -> tuple[list[list[str]], list[str]]:
        """(word features, character text) of each text. The character half reads the kept
        words run together: stop words and ignored words are out of it too (希望/建议 make
        no two texts alike), while 电梯加装 and 加装电梯, or 停车 and 停车位, still share
        their n-grams."""
        cut = [tokens(t or "", self.ignore) for t in texts]
        return [_with_parts(words, self.ignore) for words in cut], ["".join(words) for words in cut]

    def _join(self, word_part, char_part):
        from scipy.sparse import hstack
        from sklearn.preprocessing import normalize as l2

        def part(m, weight):
            return l2(m) * weight if m.shape[1] else m

        joined = hstack([part(word_part, WORD_WEIGHT), part(char_part, CHAR_WEIGHT)]).tocsr()
        return l2(joined) if joined.shape[1] else joined

    def fit(self, texts: Sequence[str]) -> "TextVectorizer":
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]):
        from scipy.sparse import diags

        words, chars = self._cut(texts)
        word_part = self._safe_fit(self.words, words)
        names = self.words.get_feature_names_out() if word_part.shape[1] else []
        self._boost = diags([DOMAIN_BOOST if n in DOMAIN_WORDS else 1.0 for n in names]) if len(names) else None
        char_part = self._safe_fit(self.chars, chars)
        self._fitted_words = word_part
        return self._join(self._boosted(word_part), char_part)

    def transform(self, texts: Sequence[str]):
        words, chars = self._cut(texts)
        return self._join(self._boosted(self._safe_transform(self.words, words)), self._safe_transform(self.chars, chars))

    def _boosted(self, word_part):
        return (word_part @ self._boost).tocsr() if getattr(self, "_boost", None) is not None else word_part

    @staticmethod
    def _safe_fit(vectorizer, texts):
        from scipy.sparse import csr_matrix

        try:
            return vectorizer.fit_transform(texts)
        except ValueError:  # empty vocabulary: no text has a feature of this kind
            vectorizer.vocabulary_ = {}
            return csr_matrix((len(texts), 0))

    @staticmethod
    def _safe_transform(vectorizer, texts):
        from scipy.sparse import csr_matrix

        if not getattr(vectorizer, "vocabulary_", None):
            return csr_matrix((len(texts), 0))
        return vectorizer.transform(texts)

    def keywords(self, rows: Iterable[int], n: int = 5) -> list[str]:
        """The ``n`` words weighing most in ``rows`` of the fitted corpus (words only)."""
        import numpy as np

        if self._fitted_words is None or self._fitted_words.shape[1] == 0:
            return []
        rows = list(rows)
        if not rows:
            return []
        sub = self._fitted_words[rows]
        weight = np.asarray(sub.sum(axis=0)).ravel()
        # Words found in more of the rows first, a domain word before another, then by
        # weight: a topic's keyword is one its opinions share.
        present = np.asarray((sub > 0).sum(axis=0)).ravel()
        names = self.words.get_feature_names_out()
        order = sorted(np.nonzero(weight)[0],
                       key=lambda i: (-present[i], names[i] not in DOMAIN_WORDS, -weight[i], names[i]))
        return [str(names[i]) for i in order[:n]]


def vectorize(texts: Sequence[str], ignore: Iterable[str] = ()):
    """``(matrix, fitted TextVectorizer)`` for ``texts`` (see the module's contract)."""
    vectorizer = TextVectorizer(ignore=ignore)
    return vectorizer.fit_transform(texts), vectorizer
