"""Uploaded images re-encoded with Pillow before anything is stored (opinion photos,
deputy photos).

Every image is decoded and written anew as a baseline JPEG: EXIF (GPS included),
XMP, comments and colour profiles are left behind; the orientation tag is applied to
the pixels first so the photo still stands the right way up; the long edge is capped
(``UPLOAD_MAX_EDGE``, 2560 px). Decompression bombs are refused before any pixel is
decoded (``UPLOAD_MAX_PIXELS``, and Pillow's own ``DecompressionBombError``); anything
that is not an image is a 415; a broken image is a 422.
"""
from __future__ import annotations

import io
import warnings

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ApiError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO", "TIFF"}


def reencode(data: bytes, max_edge: int | None = None, max_pixels: int | None = None
             ) -> tuple[bytes, int, int]:
    """Decode ``data`` and return (JPEG bytes, width, height), metadata stripped.

    :raise ApiError: 415 not an image, 413 too many pixels, 422 damaged image.
    """
    max_edge = max_edge or int(current_app.config["UPLOAD_MAX_EDGE"])
    max_pixels = max_pixels or int(current_app.config["UPLOAD_MAX_PIXELS"])
    too_big = ApiError(413, "image_too_large", "图片尺寸过大，请压缩后再上传")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ApiError(415, "unsupported_media_type", "只能上传图片（JPG、PNG、WEBP）")
        if im.format not in ACCEPTED_FORMATS:
            raise ApiError(415, "unsupported_media_type", "只能上传图片（JPG、PNG、WEBP）")
        width, height = im.size
        if width * height > max_pixels or width <= 0 or height <= 0:
            raise too_big
        try:
            im.seek(0)
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "P", "PA"):
                im = im.convert("RGBA")
                canvas = Image.new("RGB", im.size, (255, 255, 255))
                canvas.paste(im, mask=im.getchannel("A"))
                im = canvas
            elif im.mode != "RGB":
                im = im.convert("RGB")
            im.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # A fresh image object: no exif=, icc_profile= or comment= is passed on.
            Image.frombytes("RGB", im.size, im.tobytes()).save(
                out, "JPEG", quality=85, optimize=True)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_big
        except (OSError, ValueError, SyntaxError, EOFError):
            raise ApiError(422, "invalid_image", "图片已损坏，无法读取，请换一张")
    return out.getvalue(), im.size[0], im.size[1]
