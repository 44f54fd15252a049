"""Joining chunk PDFs as they arrive, and the batch's garbage-collector guard: real WeasyPrint, pypdf, pdftoppm."""

from __future__ import annotations

import gc
import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from plm.pdf.engine import merge_pdfs, render_chunks, render_html, stylesheet
from plm.pdf.pdfjoin import PdfConcatenator

pytestmark = pytest.mark.nodb


def _chunk(first: int, count: int, lang: str = "id", link: bool = False) -> bytes:
    pages = "".join(
        f'<section style="page-break-after: always"><h1>Halaman {n}</h1><p>Ni Luh Putu Ayu {n}</p>'
        + ('<p><a href="https://plm.example.org/verify/X">verifikasi</a> <a href="#top">atas</a></p>' if link else "")
        + "</section>"
        for n in range(first, first + count)
    )
    html = f'<html lang="{lang}"><head><title>Sertifikat {first}</title></head><body id="top">{pages}</body></html>'
    return render_html(html, [stylesheet("pdf/fonts.css")])


def _texts(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return [page.extract_text() for page in reader.pages]


def test_pages_keep_their_order_fonts_and_text():
    parts = [_chunk(1, 3), _chunk(4, 2), _chunk(6, 4)]
    joined = merge_pdfs(parts)
    texts = _texts(joined)  # strict pypdf: a bad xref or object number is an error (warnings are errors)
    assert len(texts) == 9
    for n, text in enumerate(texts, start=1):
        assert f"Halaman {n}" in text and f"Ni Luh Putu Ayu {n}" in text
    reader = PdfReader(io.BytesIO(joined))
    assert reader.trailer["/Root"]["/Lang"] == "id"
    assert reader.metadata.title == "Sertifikat 1"  # the first chunk's document information
    for page in reader.pages:
        assert page["/Parent"].indirect_reference == reader.trailer["/Root"].raw_get("/Pages")
        assert page["/Resources"]["/Font"]  # every page still has its fonts


def test_one_part_is_returned_untouched_and_none_gives_empty():
    part = _chunk(1, 2)
    assert merge_pdfs([part]) == part
    assert merge_pdfs([]) == b""


def test_link_annotations_survive():
    joined = merge_pdfs([_chunk(1, 1, link=True), _chunk(2, 1, link=True)])
    reader = PdfReader(io.BytesIO(joined), strict=True)
    for page in reader.pages:
        uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/A" in a.get_object()]
        assert "https://plm.example.org/verify/X" in uris


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_poppler_renders_every_page_without_complaint(tmp_path):
    joined = merge_pdfs([_chunk(1, 2), _chunk(3, 2)])
    path = tmp_path / "joined.pdf"
    path.write_bytes(joined)
    result = subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "p")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr == ""
    assert len(list(tmp_path.glob("p-*.png"))) == 4


def test_concatenator_writes_parts_as_they_arrive():
    """The parts are not kept: memory holds offsets, not PDFs."""
    joiner = PdfConcatenator()
    part = _chunk(1, 2)
    joiner.add(part)
    size_after_one = joiner._out.tell()
    joiner.add(part)
    assert joiner._out.tell() > size_after_one > len(part) // 2
    assert len(_texts(joiner.result())) == 4


def test_batch_hides_the_old_heap_from_the_collector_only_while_it_renders():
    assert gc.get_freeze_count() == 0
    seen = []

    def build(chunk):
        seen.append(gc.get_freeze_count())
        return f"<p>{chunk[0]}</p>"

    pdf = render_chunks(list(range(3)), 1, build, [stylesheet("pdf/fonts.css")])
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    assert all(count > 0 for count in seen)
    assert gc.get_freeze_count() == 0

    def broken(chunk):
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        render_chunks([1, 2], 1, broken, [stylesheet("pdf/fonts.css")])
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_before_the_batch_stays_frozen_after_it():
    """A gunicorn worker freezes its start-up heap (wsgi.py); a PDF rendered in it must not thaw it."""
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        pdf = render_chunks(list(range(2)), 1, lambda chunk: f"<p>{chunk[0]}</p>", [stylesheet("pdf/fonts.css")])
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def _numbered_pages(count: int) -> list[int]:
    return list(range(1, count + 1))


def _build(chunk):
    return "".join(f'<p style="page-break-after: always">Halaman {n}</p>' for n in chunk)


def test_a_helper_process_renders_every_other_chunk_to_the_same_pdf():
    import multiprocessing

    calls = {1: [], 2: []}
    pdfs = {
        n: render_chunks(_numbered_pages(9), 2, _build, [stylesheet("pdf/fonts.css")],
                         progress=lambda d, t, n=n: calls[n].append((d, t)), processes=n)
        for n in (1, 2)
    }
    assert pdfs[1] == pdfs[2]  # byte for byte
    assert [f"Halaman {n}" in text for n, text in enumerate(_texts(pdfs[2]), start=1)] == [True] * 9
    assert calls[1] == calls[2] == [(2, 9), (4, 9), (6, 9), (8, 9), (9, 9)]
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == 0


def test_a_failing_chunk_in_the_helper_fails_the_batch():
    import multiprocessing

    def build(chunk):
        if 3 in chunk:  # the second chunk: rendered by the helper
            raise RuntimeError("template error in the helper")
        return _build(chunk)

    with pytest.raises(RuntimeError, match="in the helper"):
        render_chunks(_numbered_pages(8), 2, build, [stylesheet("pdf/fonts.css")], processes=2)
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == 0


def test_a_failure_here_stops_the_helper_at_once():
    import multiprocessing

    def progress(done, total):
        if done >= 4:
            raise KeyboardInterrupt  # e.g. Ctrl+C in `flask plm badges` while the helper works

    with pytest.raises(KeyboardInterrupt) as caught:
        render_chunks(_numbered_pages(12), 2, _build, [stylesheet("pdf/fonts.css")], progress=progress, processes=2)
    assert caught.value is not None  # the traceback is still alive here, and the helper already gone
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == 0


def test_a_helper_that_dies_fails_the_batch():
    import multiprocessing
    import os
    from concurrent.futures.process import BrokenProcessPool

    parent = os.getpid()

    def build(chunk):
        if os.getpid() != parent:
            os._exit(9)  # the helper is killed (e.g. by the out-of-memory killer)
        return _build(chunk)

    with pytest.raises(BrokenProcessPool):
        render_chunks(_numbered_pages(6), 2, build, [stylesheet("pdf/fonts.css")], processes=2)
    assert multiprocessing.active_children() == []
    assert gc.get_freeze_count() == 0
