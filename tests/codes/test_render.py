"""Posters and QR codes: the QR decodes back to the exact URL, text stays inside the
page and clear of the QR, long names wrap, many deputies collapse to 等N位."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from liaison.codes import render
from liaison.codes.poster_layout import MARGIN, TextBox, inside, layout_problems

URL = "https://lz.changsha.example.gov.cn/q/Xk3vQ9pLm2Tz8RwAbC4dE5fG6hJ7kL8m"
LONG_NAME = "长沙市岳麓区橘子洲街道桃花岭社区（含新民村二组）人大代表联络站"  # 31 characters
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def names(count: int) -> list[str]:
    """Distinct names, every third one of two characters (drawn as 张　伟)."""
    return [SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + (GIVEN[(i * 5) % len(GIVEN)] if i % 3 else "")
            for i in range(count)]


def station(deputies: int = 40, name: str = LONG_NAME) -> render.StationPosterData:
    return render.StationPosterData(
        name=name, address="长沙市岳麓区桃花岭路188号桃花岭社区党群服务中心一楼",
        reception_lines=["每月15日 上午9:00—12:00 固定接待日", "每周三下午 代表轮值接待"],
        deputies=names(deputies), region_path="长沙市/岳麓区/橘子洲街道", qr_url=URL)


def decode(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def page_area() -> tuple[int, int, int, int]:
    width, height = render.A4_300DPI
    return (MARGIN, MARGIN, width - MARGIN, height - MARGIN)


def test_qr_image_decodes_to_the_exact_url_with_and_without_logo():
    plain = render.qr_image(URL, logo=False)
    with_logo = render.qr_image(URL)
    assert plain.mode == "L" and with_logo.mode == "RGB"
    assert decode(plain) == [URL]
    assert decode(with_logo) == [URL]
    assert decode(render.qr_image(URL, size=600)) == [URL]


def test_qr_image_of_exact_size_keeps_whole_modules_and_quiet_zone():
    image = render.qr_image(URL, size=1240, logo=False)
    assert image.size == (1240, 1240)
    # the quiet zone (4 modules at least) is white all round
    assert image.crop((0, 0, 1240, 60)).getextrema() == (255, 255)
    assert image.crop((0, 0, 60, 1240)).getextrema() == (255, 255)
    with pytest.raises(ValueError):
        render.qr_image(URL, size=40)


def test_station_poster_png_decodes_and_has_a4_size():
    png = render.encode(render.station_poster(station()), "png")
    image = Image.open(io.BytesIO(png))
    assert image.size == (2480, 3508)
    assert decode(image) == [URL]


def test_long_name_and_forty_deputies_fit_inside_margins_and_clear_of_the_qr():
    rendered = render.render_station_poster(station(40))
    assert rendered.image.size == (2480, 3508)
    assert layout_problems(rendered) == []
    assert all(inside(box.box, page_area()) for box in rendered.text_boxes)  # ≥ 100 px from edges
    name_lines = [b.text for b in rendered.text_boxes if b.label == "name"]
    assert len(LONG_NAME) >= 30
    assert len(name_lines) >= 2 and "".join(name_lines) == LONG_NAME
    drawn = [b.text.replace("\u3000", "") for b in rendered.text_boxes if b.label == "deputy"]
    assert drawn == names(40)


def test_too_many_deputies_end_with_a_count_instead_of_overflowing():
    rendered = render.render_station_poster(station(150))
    more = [b for b in rendered.text_boxes if b.label == "deputy_more"]
    assert len(more) == 1 and "等150位代表" in more[0].text
    shown = [b for b in rendered.text_boxes if b.label == "deputy"]
    assert 40 <= len(shown) < 150
    assert layout_problems(rendered) == []


def test_an_overlong_deputy_name_is_cut_not_spilled():
    data = station(3)
    data.deputies.append("阿卜杜热依木·买买提艾力·库尔班江·吐尔逊阿依古丽·热合曼江·玉素甫")
    rendered = render.render_station_poster(data)
    assert layout_problems(rendered) == []
    assert any(b.text.endswith("…") for b in rendered.text_boxes if b.label == "deputy")


def test_deputy_card_with_placeholder_and_with_photo():
    data = render.DeputyCardData(name="欧阳建国", levels=["湖南省人大代表", "长沙市人大代表", "岳麓区人大代表"],
                                 station_name=LONG_NAME, photo=None, qr_url=URL)
    rendered = render.render_deputy_card(data)
    assert rendered.image.size == (2480, 3508)
    assert decode(rendered.image) == [URL]
    labels = {b.label for b in rendered.text_boxes}
    assert {"name", "levels", "station", "cta"} <= labels
    assert layout_problems(rendered) == []
    photo = Image.new("RGB", (900, 1200), (20, 120, 200))
    with_photo = render.deputy_card(render.DeputyCardData(name="张伟", photo=photo, qr_url=URL))
    assert with_photo.getpixel((500, 1100)) == (20, 120, 200)  # the photo fills its frame
    missing = render.deputy_card(render.DeputyCardData(name="张伟", photo="/nonexistent.jpg", qr_url=URL))
    assert missing.getpixel((500, 1100)) != (20, 120, 200)  # placeholder, no crash


def test_batch_path_reusing_its_canvas_matches_a_fresh_render():
    first, second = station(12, "天心区坡子街街道人大代表联络站"), station(45)
    render.poster_bytes(second, "png")
    assert render.poster_bytes(first, "png") == render.encode(render.station_poster(first), "png")
    a = render.DeputyCardData(name="李湘岳", levels=["长沙市人大代表"] * 4, station_name=LONG_NAME, qr_url=URL)
    b = render.DeputyCardData(name="王芳", levels=["区人大代表"], station_name="星沙街道人大代表联络站", qr_url=URL)
    render.poster_bytes(a, "png")
    assert render.poster_bytes(b, "png") == render.encode(render.deputy_card(b), "png")


def test_pdf_is_a4_at_300_dpi_and_its_qr_still_decodes(tmp_path):
    pdf = render.encode(render.station_poster(station()), "pdf")
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 595.2 841.92 ]" in pdf  # 2480×3508 px at 300 dpi = A4 in points
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", str(tmp_path / "p.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    page = Image.open(next(tmp_path.glob("page*.png")))
    assert decode(page) == [URL]


def test_layout_check_reports_text_outside_the_margins_and_over_the_qr():
    rendered = render.render_station_poster(station(5))
    rendered.text_boxes.append(TextBox("stray", "越界", (40, 40, 300, 90)))
    rendered.text_boxes.append(TextBox("stray", "压码", (1000, 1500, 1200, 1560)))
    problems = layout_problems(rendered)
    assert any("outside the margins" in p for p in problems)
    assert any("covers the QR code" in p for p in problems)


def test_encode_rejects_unknown_formats():
    with pytest.raises(ValueError):
        render.encode(Image.new("RGB", (10, 10)), "gif")
