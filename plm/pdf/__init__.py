"""The app's only WeasyPrint entry point: HTML in, PDF bytes out.

Features (tickets, schedule, badges, certificates, attendance sheets) build their HTML and call
:func:`render_html` (one document) or :func:`render_chunks` (a batch: bounded chunks, joined as they
come, optionally with a forked helper process). Everything goes through one URL fetcher
(:class:`SafeURLFetcher`) and one font policy (the faces in ``static/fonts``). This package knows
nothing of the database or of any feature; ``tests/test_architecture.py`` keeps it so.
WeasyPrint is imported only when something is first rendered.
"""

_LAZY = {
    "render_html": "engine",
    "render_chunks": "engine",
    "merge_pdfs": "engine",
    "stylesheet": "engine",
    "font_stylesheet": "engine",
    "jinja_env": "engine",
    "file_url": "engine",
    "StyleClasses": "engine",
    "SafeURLFetcher": "fetcher",
    "RefusedURL": "fetcher",
    "PdfConcatenator": "pdfjoin",
}

__all__ = list(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
