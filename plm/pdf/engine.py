"""The one WeasyPrint entry point: every PDF of the app (tickets, schedule, badges, certificates,
attendance sheets) is rendered by :func:`render_html` or :func:`render_chunks`.

* one plain Jinja2 environment on ``templates/`` (autoescape on) for the pure renderers, which run
  without a request (in a job's child process, in the CLI); request-bound PDFs render their HTML with
  Flask's ``render_template`` and hand the string to :func:`render_html`;
* one URL fetcher (:class:`~.fetcher.SafeURLFetcher`: ``static/`` and named files, nothing else) and one
  font policy (the DejaVu faces shipped in ``static/fonts``, ``templates/pdf/fonts.css``);
* one :class:`~weasyprint.text.fonts.FontConfiguration` and parsed
  :class:`~weasyprint.CSS` objects, cached for the life of the process, so a
  warm render does not re-read fonts or re-parse stylesheets;
* chunked rendering (a bounded number of items per WeasyPrint document), each
  chunk joined to the result as soon as it is rendered (:mod:`.pdfjoin`), with
  a progress callback per chunk.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from plm.qr import qr_png_data_uri, qr_svg

from .fetcher import SafeURLFetcher
from .fonts import REPO_ROOT, STATIC_DIR
from .pdfjoin import PdfConcatenator

__all__ = ["StyleClasses", "TEMPLATE_DIR", "jinja_env", "stylesheet", "font_stylesheet", "render_html",
           "render_chunks", "merge_pdfs", "file_url", "chunked"]

TEMPLATE_DIR = REPO_ROOT / "templates"
STATIC_URL = STATIC_DIR.as_uri() + "/"

# WeasyPrint/Pango objects are shared between calls; a render holds this lock
# (one chunk at a time, so an on-the-spot badge waits at most one chunk).
_LOCK = threading.RLock()

Progress = Callable[[int, int], None]


def _mm(value: float) -> str:
    return f"{round(float(value), 3):g}mm"


def _pt(value: float) -> str:
    return f"{round(float(value), 2):g}pt"


@lru_cache(maxsize=1)
def jinja_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,
    )
    env.filters["mm"] = _mm
    env.filters["pt"] = _pt
    env.globals["qr_svg"] = lambda text, css_class=None: Markup(qr_svg(text, css_class=css_class))
    # Batches (badges, certificates): the QR as a tiny PNG, much cheaper for WeasyPrint than an SVG path.
    env.globals["qr_image"] = lambda text, css_class: Markup(
        f'<img class="{escape(css_class)}" src="{qr_png_data_uri(text)}" alt="">')
    return env


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=32)
def _stylesheet(template: str, params: tuple) -> CSS:
    text = jinja_env().get_template(template).render(**dict(params))
    return CSS(
        string=text,
        base_url=STATIC_URL,
        url_fetcher=SafeURLFetcher(),
        font_config=font_config(),
    )


def stylesheet(template: str, **params) -> CSS:
    """Parsed (and cached) stylesheet from the CSS template *template* (a path under ``templates/``)."""
    with _LOCK:
        return _stylesheet(template, tuple(sorted(params.items())))


def font_stylesheet() -> CSS:
    """The shipped faces as "PLM Sans" (and as "DejaVu Sans", so no PDF depends on the system's fonts)."""
    return stylesheet("pdf/fonts.css")


def file_url(path) -> str | None:
    """``file:`` URL of an existing local file, or ``None``."""
    if not path:
        return None
    p = Path(path).resolve()
    return p.as_uri() if p.is_file() else None


def chunked(items: Iterable, size: int) -> Iterator[list]:
    size = max(1, int(size))
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def render_html(html: str, stylesheets: Sequence[CSS] | None = None, allowed_files=(), image_cache=None) -> bytes:
    """Render one HTML string to PDF bytes with the safe fetcher (default stylesheets: the shipped fonts)."""
    if stylesheets is None:
        stylesheets = [font_stylesheet()]
    with _LOCK:
        document = HTML(string=html, base_url=STATIC_URL, url_fetcher=SafeURLFetcher(allowed_files))
        return document.write_pdf(
            stylesheets=list(stylesheets),
            font_config=font_config(),
            cache=image_cache if image_cache is not None else {},
            uncompressed_pdf=False,
        )


class StyleClasses:
    """CSS classes for per-badge values (font sizes, paddings, band colours),
    emitted once per chunk in a ``<style>`` block instead of style attributes."""

    def __init__(self):
        self._names: dict[str, str] = {}

    def __call__(self, declaration: str) -> str:
        name = self._names.get(declaration)
        if name is None:
            name = self._names[declaration] = f"z{len(self._names)}"
        return name

    def size(self, pt: float) -> str:
        return self(f"font-size:{round(pt, 2):g}pt")

    def pad(self, pt: float) -> str:
        return self(f"padding-top:{max(0.0, round(pt * 4) / 4):g}pt")

    def rules(self) -> list[tuple[str, str]]:
        return [(name, decl) for decl, name in self._names.items()]


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    """Concatenate PDFs (pages in order) into one."""
    merger = _Merger()
    for part in parts:
        merger.add(part)
    return merger.result()


class _Merger:
    """Joins chunk PDFs as they arrive (see :mod:`.pdfjoin`); a single chunk is returned untouched."""

    def __init__(self):
        self._first: bytes | None = None
        self._joined: PdfConcatenator | None = None

    def add(self, pdf: bytes) -> None:
        if self._first is None and self._joined is None:
            self._first = pdf
            return
        if self._joined is None:
            self._joined = PdfConcatenator()
            self._joined.add(self._first)
            self._first = None
        self._joined.add(pdf)

    def result(self) -> bytes:
        if self._joined is None:
            return self._first or b""
        return self._joined.result()

    def close(self) -> None:
        if self._joined is not None:
            self._joined.close()


def render_chunks(
    items: Sequence,
    chunk_size: int,
    build_html: Callable[[list], str],
    stylesheets: Sequence[CSS],
    allowed_files=(),
    progress: Progress | None = None,
    processes: int = 1,
) -> bytes:
    """Render *items* in chunks of *chunk_size* per document and merge them.

    Memory stays bounded: only one chunk's WeasyPrint document exists at a
    time in a process (its reference cycles are collected before the next one
    starts) and each chunk's PDF is joined to the result right away.

    With *processes* = 2 a forked helper process renders every other chunk
    while this one renders the rest: on two cores a batch took 0.6-0.7 of the
    time (the two share caches, and copy-on-write costs a little).  Forking is only safe in a single-threaded process: the job
    child process and the CLI ask for it, the web process never does.
    """
    total = len(items)
    chunks = list(chunked(items, chunk_size))
    merger = _Merger()
    done = 0
    if processes > 1 and len(chunks) > 1:
        parts = _render_with_helper(chunks, build_html, stylesheets, allowed_files)
    else:
        parts = _render_here(chunks, build_html, stylesheets, allowed_files)
    # closing(): should this loop fail, the helper is stopped at once, not when the traceback goes. A batch of
    # one chunk (a single badge, one certificate) skips the freeze: its full collection first would cost more
    # than the collections it saves.
    with (collect_young_only() if len(chunks) > 1 else nullcontext()), closing(parts), closing(merger):
        for chunk, pdf in zip(chunks, parts, strict=False):
            merger.add(pdf)
            done += len(chunk)
            if total > chunk_size:
                gc.collect()
            if progress is not None:
                progress(done, total)
        return merger.result()


def _render_here(chunks, build_html, stylesheets, allowed_files) -> Iterator[bytes]:
    image_cache: dict = {}
    for chunk in chunks:
        yield render_html(build_html(chunk), stylesheets, allowed_files, image_cache)


# What the forked helper renders: set before the fork, so the helper inherits it
# (closures and parsed stylesheets need no pickling); one batch at a time.
_HELPER_BATCH: tuple | None = None
_HELPER_LOCK = threading.Lock()


def _render_in_helper(index: int) -> bytes:
    chunks, build_html, stylesheets, allowed_files = _HELPER_BATCH
    return render_html(build_html(chunks[index]), stylesheets, allowed_files)


def _render_with_helper(chunks, build_html, stylesheets, allowed_files) -> Iterator[bytes]:
    """Yield the chunks' PDFs in order: odd chunks from a forked helper, even ones rendered here.

    At most two of the helper's chunks are queued ahead, so finished PDFs do not pile
    up in memory.  A helper that fails or dies fails the batch (BrokenProcessPool)."""
    global _HELPER_BATCH
    with _HELPER_LOCK:
        _HELPER_BATCH = (chunks, build_html, stylesheets, allowed_files)
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as helper:
                odd = list(range(1, len(chunks), 2))
                queued = {i: helper.submit(_render_in_helper, i) for i in odd[:2]}  # forks here
                next_odd = 2
                image_cache: dict = {}
                for index, chunk in enumerate(chunks):
                    if index % 2:
                        pdf = queued.pop(index).result()
                        if next_odd < len(odd):
                            queued[odd[next_odd]] = helper.submit(_render_in_helper, odd[next_odd])
                            next_odd += 1
                        yield pdf
                    else:
                        yield render_html(build_html(chunk), stylesheets, allowed_files, image_cache)
        finally:
            _HELPER_BATCH = None


@contextmanager
def collect_young_only():
    """Hide what already lives in the process (modules, fonts, the app) from the
    garbage collector while a batch renders.

    WeasyPrint makes millions of short-lived objects, and every full collection
    would walk the whole long-lived heap again: in a 350-badge batch that was a
    fifth of the time.  Only what the batch creates is collected; the frozen
    objects go back under normal collection afterwards.  Garbage is collected
    first: a previous document's cycles, frozen, would stay in memory beside the
    new one (the report's peak RSS grew by a third).  A process that froze its
    heap already (a gunicorn worker, wsgi.py; or an enclosing batch) is left as
    it is: unfreezing would hand its start-up heap back to the full passes.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
