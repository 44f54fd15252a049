"""Uploaded images (logos, signatures): re-encoded with Pillow to plain PNG pixels, stored outside the code tree."""

from __future__ import annotations

import io
import os
import secrets

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


class InvalidImage(ValueError):
    """Not a readable PNG/JPEG/WebP/GIF image, or absurdly large."""


def reencode_png(data: bytes, box: tuple[int, int], max_pixels: int = 25_000_000) -> bytes:
    """Decode and re-encode: whatever else the file carried (scripts, metadata, polyglots) is dropped."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS or image.width * image.height > max_pixels:
                raise InvalidImage(image.format or "unknown")
            image.load()
            image = image.convert("RGBA")
            image.thumbnail(box)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise InvalidImage(str(exc)) from exc
    return out.getvalue()


def store_upload(upload_folder: str, subfolder: str, prefix: str, png: bytes) -> str:
    """Write a PNG under UPLOAD_FOLDER/subfolder with an unguessable name; returns the relative path."""
    folder = os.path.join(upload_folder, subfolder)
    os.makedirs(folder, exist_ok=True)
    name = f"{prefix}-{secrets.token_hex(6)}.png"
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(png)
    return os.path.join(subfolder, name)
