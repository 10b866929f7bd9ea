"""Shared helpers for the codes tests (constants, token lookup, QR decoding)."""
from __future__ import annotations

import io

import zxingcpp
from PIL import Image

BASE_URL = "https://liaison.example.gov.cn"  # PUBLIC_BASE_URL of tests/conftest.py
WANGYUEHU = "长沙市岳麓区望月湖街道人大代表联络站"
JUZIZHOU = "长沙市岳麓区橘子洲街道人大代表联络站"
POZIJIE = "长沙市天心区坡子街街道人大代表联络站"


def token_of(app, kind: str, target_id: int) -> str:
    from liaison.codes.operations import active_code

    with app.app_context():
        return active_code(kind, target_id).token


def decode_qr(data: bytes) -> list[str]:
    """Every QR code zxing-cpp finds in an image (PNG, JPEG), or in the page image of a Pillow-made PDF."""
    if data.startswith(b"%PDF"):
        start = data.index(b"\xff\xd8")  # the page is one embedded JPEG (DCTDecode)
        data = data[start:data.index(b"endstream", start)]
    image = Image.open(io.BytesIO(data))
    image.load()
    return [b.text for b in zxingcpp.read_barcodes(image.convert("L"))]
