"""Deputy photos: stored once at the size the deputy card prints them (600×800, 3:4).

Staff upload a photo on the admin page; it is decoded with the same guards as any
upload (not an image → 415, decompression bomb → 413, damaged → 422), turned upright,
stripped of EXIF/GPS, cropped to 3:4 keeping the upper part (the face) and resampled
once with Lanczos. Posters then paste it as it is: no resampling per print.
"""
from __future__ import annotations

import hashlib
import io

from PIL import Image

from ..core.db import db
from ..core.images import reencode
from ..core.storage import get_storage
from .models import Deputy

PHOTO_SIZE = (600, 800)  # = codes.render.DEPUTY_PHOTO_PX (asserted by tests)


def card_photo(data: bytes) -> bytes:
    """JPEG bytes of the photo cropped and resized for the deputy card.

    :raise ApiError: 415 / 413 / 422 as for any uploaded image.
    """
    clean, _w, _h = reencode(data)  # upright, RGB, metadata stripped, size-checked
    image = Image.open(io.BytesIO(clean))
    width, height = PHOTO_SIZE
    scale = max(width / image.width, height / image.height)
    crop_w, crop_h = width / scale, height / scale
    left = (image.width - crop_w) / 2
    top = (image.height - crop_h) * 0.3
    image = image.resize(PHOTO_SIZE, Image.Resampling.LANCZOS,
                         box=(left, top, left + crop_w, top + crop_h))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def store_deputy_photo(deputy: Deputy, data: bytes) -> str:
    """Store the card-sized photo and point the deputy at it; one commit."""
    photo = card_photo(data)
    key = f"deputies/{deputy.id}-{hashlib.sha256(photo).hexdigest()[:12]}.jpg"
    get_storage().put(key, photo)
    old = deputy.photo_path
    deputy.photo_path = key
    db.session.flush()
    if old and old != key:
        get_storage().delete(old)
    return key
