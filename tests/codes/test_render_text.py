"""Fonts, text fitting and the fast QR mask choice behind the posters."""
from __future__ import annotations

import random
import string

import pytest
import qrcode
from PIL import Image
from qrcode import util

from liaison.codes import glyphs, render
from liaison.core import fonts
from liaison.codes.poster_deputy import surname
from liaison.codes.qr_matrix import _as_ints, penalty, qr_matrix
from liaison.codes.textfit import display_name, fit_text, text_width, wrap

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture
def fresh_fonts():
    before = fonts.configured()
    fonts.clear_caches()
    yield
    fonts.configure(*before)
    fonts.clear_caches()


def test_a_real_cjk_font_is_found_and_draws_chinese(fresh_fonts):
    for role in ("regular", "bold", "title"):
        face = fonts.find_cjk_font(role)
        assert fonts.draws_chinese(fonts.load_font(face.path, 40, face.index))


@pytest.mark.skipif(not __import__("os").path.exists(DEJAVU), reason="DejaVuSans not installed")
def test_a_font_without_chinese_is_refused_with_a_clear_message(fresh_fonts):
    assert not fonts.draws_chinese(fonts.load_font(DEJAVU, 40))
    fonts.configure(DEJAVU)
    with pytest.raises(fonts.CJKFontError) as caught:
        render.station_poster(render.StationPosterData(name="某某人大代表联络站", address="", qr_url="x"))
    message = str(caught.value)
    assert "中文字体" in message and "fonts-noto-cjk" in message and "LIAISON_CJK_FONT" in message


def test_a_missing_explicit_font_file_is_an_error_not_a_silent_fallback(fresh_fonts):
    fonts.configure("/nonexistent/font.ttc")
    with pytest.raises(fonts.CJKFontError, match="file not found"):
        fonts.find_cjk_font()


def test_names_break_at_place_boundaries_and_never_exceed_the_width():
    font = fonts.font("title", 110)
    assert wrap("长沙县星沙街道人大代表联络站", font, 900) == ["长沙县星沙街道", "人大代表联络站"]
    for width in (700, 1100, 1500):
        for line in wrap("长沙市岳麓区橘子洲街道桃花岭社区（含新民村）人大代表联络站", font, width):
            assert text_width(line, font) <= width
            assert not line.startswith(("）", "·", "，"))


def test_fit_text_shrinks_before_wrapping_and_cuts_rather_than_overflows():
    short = fit_text("天心区坡子街街道人大代表联络站", "title", 150, 96, 2160, 420)
    assert len(short.lines) == 1 and short.font.size >= 96
    long = fit_text("长沙市岳麓区橘子洲街道桃花岭社区（含新民村）人大代表联络站", "title", 150, 96, 2160, 420,
                    leading=1.25, max_lines=3)
    assert len(long.lines) == 2
    tiny = fit_text("很长" * 80, "regular", 50, 40, 400, 120, max_lines=2)
    assert len(tiny.lines) <= 2 and tiny.lines[-1].endswith("…")
    assert all(text_width(line, tiny.font) <= 400 for line in tiny.lines)


def test_display_name_and_surname_follow_chinese_conventions():
    assert display_name("张伟") == "张\u3000伟" and display_name("王小明") == "王小明"
    assert surname("欧阳建国") == "欧阳" and surname("张伟") == "张"


def test_fast_mask_choice_gives_exactly_the_qrcode_packages_matrix():
    rng = random.Random(7)
    for _ in range(25):
        url = "https://lz.example.gov.cn/q/" + "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 70)))
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=0)
        code.add_data(url)
        code.make(fit=True)
        assert qr_matrix(url) == code.get_matrix()
    for n in (21, 45):
        matrix = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
        assert penalty(_as_ints(matrix), n) == util.lost_point(matrix)


@pytest.mark.parametrize("stripe", [False, True])
def test_drawing_a_line_at_once_gives_exactly_the_pixels_of_blending_glyph_by_glyph(monkeypatch, stripe):
    """The line fast path (flat background) must equal per-glyph blending, also where
    glyph boxes overlap (fj, Wj) and where the background is not flat (a stripe)."""
    font, text = fonts.font("title", 150), "长沙fj人大Wj代表·联络站"
    def draw() -> tuple[Image.Image, tuple]:
        image = Image.new("RGB", (2400, 400), (200, 16, 46))
        if stripe:
            image.paste((247, 214, 140), (0, 180, 2400, 184))
        return image, glyphs.draw_text(image, (1200, 200), text, font, (255, 255, 255), anchor="mm")
    calls = []
    real_flat = glyphs.flat_colour
    monkeypatch.setattr(glyphs, "flat_colour", lambda *a: calls.append(real_flat(*a)) or calls[-1])
    fast, fast_box = draw()
    assert calls == [None if stripe else (200, 16, 46)]  # the fast path ran on the flat background
    monkeypatch.setattr(glyphs, "LINE_MIN_INK_PX", 10 ** 12)  # force glyph-by-glyph blending
    slow, slow_box = draw()
    assert fast_box == slow_box
    assert fast.tobytes() == slow.tobytes()
    assert fast.crop(fast_box).getcolors(4096) and len(fast.crop(fast_box).getcolors(4096)) > 2  # ink drawn
