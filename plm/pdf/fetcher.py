"""A WeasyPrint URL fetcher that never touches the network.

It serves ``file:`` URLs of files under the repository's ``static/`` folder
and of the few explicit files the caller names (event logo, signature images,
which live in the instance folder).  Everything else -- http(s), ftp, data,
other local files, ``..`` tricks, symlinks out of the allowed places -- raises
:class:`RefusedURL`; WeasyPrint then logs it and skips the resource. The one ``data:`` URL served is an inline
PNG of at most 1024 x 1024 one-bit pixels (the QR images of badges and certificates,
``plm.qr.qr_png_data_uri``): it never reaches the network, and nothing else rides on the ``data:`` scheme.
"""

from __future__ import annotations

import base64
import binascii
import io
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from PIL import Image
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .fonts import STATIC_DIR

__all__ = ["RefusedURL", "SafeURLFetcher"]

_MAX_BYTES = 20 * 1024 * 1024

_TYPES = {
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


_PNG_DATA = "data:image/png;base64,"
_MAX_INLINE_SIDE = 1024  # pixels: a QR at 4 pixels a module is at most 4 * (177 + 8)


class RefusedURL(ValueError):
    """Raised for every URL the document may not load."""


def _resolve(path) -> Path:
    return Path(path).resolve(strict=False)


class SafeURLFetcher(URLFetcher):
    """Serve ``static/`` and an explicit allow-list of files; refuse the rest."""

    def __init__(self, allowed_files=(), static_dir: Path | str = STATIC_DIR):
        super().__init__(timeout=1, allowed_protocols={"file"}, allow_redirects=False)
        self._static = _resolve(static_dir)
        self._files = frozenset(_resolve(p) for p in allowed_files if p)

    def allows(self, path: Path) -> bool:
        if path in self._files:
            return True
        return path.is_relative_to(self._static) and path != self._static

    def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint API
        if str(url).startswith(_PNG_DATA):
            return self._inline_png(str(url))
        parts = urlsplit(str(url))
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused URL: {str(url)[:200]}")
        path = _resolve(url2pathname(parts.path))
        if not self.allows(path) or not path.is_file():
            raise RefusedURL(f"refused file: {str(url)[:200]}")
        if path.stat().st_size > _MAX_BYTES:
            raise RefusedURL(f"file too large: {path.name}")
        content_type = _TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def _inline_png(url: str) -> URLFetcherResponse:
        if len(url) > _MAX_BYTES:
            raise RefusedURL("data URL too large")
        try:
            body = base64.b64decode(url[len(_PNG_DATA):], validate=True)
        except (binascii.Error, ValueError):
            raise RefusedURL("invalid data URL") from None
        try:
            with Image.open(io.BytesIO(body), formats=["PNG"]) as image:
                small_bilevel = image.mode == "1" and max(image.size) <= _MAX_INLINE_SIDE
                image.load()  # a truncated or corrupt image fails here, not in WeasyPrint
        except (OSError, ValueError, Image.DecompressionBombError):
            raise RefusedURL("data URL is not a readable PNG") from None
        if not small_bilevel:
            raise RefusedURL("data URL is not a small one-bit PNG")
        return URLFetcherResponse("data:image/png", body=body, headers={"Content-Type": "image/png"})

    def open(self, url, data=None, timeout=None):  # never let urllib handlers run
        target = getattr(url, "full_url", url)
        return self.fetch(target)

    def __call__(self, url):
        return self.fetch(url)
