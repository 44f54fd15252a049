"""Badges and certificates: real WeasyPrint, pypdf, pdftoppm and zbar; no mocks."""

from __future__ import annotations

import base64
import io
import math
import re
import socket
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb  # pure rendering: no database

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from plm.documents.badges import LAYOUTS, badge_boxes, render_badges, render_single_badge  # noqa: E402
from plm.documents.certificates import render_certificates  # noqa: E402
from plm.documents.data import (  # noqa: E402
    BadgeData,
    CertificateData,
    EventInfo,
    Signatory,
    role_colour,
    role_label,
    text_colour_on,
)
from plm.pdf.fetcher import RefusedURL, SafeURLFetcher  # noqa: E402
from plm.pdf.fonts import FONT_BOLD, FONT_REGULAR, SAFETY, fit_font_size, text_width  # noqa: E402
from plm.qr import qr_matrix, qr_png, qr_png_data_uri, qr_svg, qr_symbol  # noqa: E402
from tests.helpers import decode_qr as _decode  # noqa: E402
from tests.helpers import rasterise_pdf as _rasterise  # noqa: E402

MM = 72 / 25.4

LONG_60 = "Ni Luh Putu Ayu Sekarini Maharani Dewi Kusumawati Pramesti"
LONG_90 = "Anak Agung Istri Ngurah Sri Ratna Kumala Dewi Pemayun Kusuma Wardhani Sukawati Padmanegara"
LONG_120 = (
    "I Gusti Ngurah Bagus Putra Wira Wibawa Sanjaya Kusuma Atmaja Dharma Wiguna "
    "Arimbawa Kesuma Dwipayana Wirabhuana Putra Suryawan Adi"
)
LONG_INSTITUTION = (
    "Dinas Perpustakaan dan Kearsipan Daerah Provinsi Nusa Tenggara Timur "
    "Bidang Pengembangan Layanan Perpustakaan Berbasis Inklusi Sosial"
)


def _event(lang="id", logo=None):
    return EventInfo(
        name="Peer Learning Meeting Pustakawan Indonesia 2015",
        theme="Perpustakaan untuk Kesejahteraan",
        venue="Inna Grand Bali Beach",
        city="Sanur, Bali",
        date_text="18–21 Mei 2015",
        logo_path=logo,
        role_colours={"speaker": "#7B1FA2"},
        lang=lang,
    )


ROLES = ["participant", "facilitator", "speaker", "committee"]


def _badges(n, names=None):
    names = names or ["Made Wirawan", "Siti Rahayu", "Ketut Sudana", "Rina Pratiwi", "Budi Santoso"]
    return [
        BadgeData(
            name_on_badge=f"{names[i % len(names)]}",
            institution="UPT Perpustakaan Universitas Udayana",
            province="Bali",
            role=ROLES[i % 4],
            ticket_code=f"PLM15-{i:04d}-9XDA",
        )
        for i in range(n)
    ]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _mat_mul(m1, m2):
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2, a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2,
    )


def _fragments(page):
    """(text, x, baseline_y, size_pt, bold) of every text fragment, PDF points."""
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        a, b, c, d, e, f = _mat_mul(tm, cm)
        size = font_size * math.hypot(a, b)
        base = str((font_dict or {}).get("/BaseFont", ""))
        out.append((text.strip(), e, f, size, "Bold" in base))

    page.extract_text(visitor_text=visit)
    return out


# ---------------------------------------------------------------- QR helpers


def test_qr_matrix_svg_png():
    m = qr_matrix("PLM15-7K3Q-9XDA")
    assert len(m) == 21 and all(len(row) == 21 for row in m)  # version 1 fits
    assert all(isinstance(cell, bool) for row in m for cell in row)
    svg = qr_svg("PLM15-7K3Q-9XDA", css_class='q" onload="x', title="<Tiket>")
    assert svg.startswith("<svg") and svg.count("<path") == 1
    assert 'viewBox="0 0 29 29"' in svg  # 21 modules + 2 * 4 quiet zone
    assert 'shape-rendering="crispEdges"' in svg
    assert " width=" not in svg.split(">")[0] and " height=" not in svg.split(">")[0]
    assert 'onload="x' not in svg and "&lt;Tiket&gt;" in svg
    assert len(svg) < 2000
    png = qr_png("PLM15-7K3Q-9XDA", box_size=4)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < 1000
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (29 * 4, 29 * 4)
        assert _decode(im.convert("L")) == ["PLM15-7K3Q-9XDA"]
    # odd input does not crash; nothing to encode and too much are clear errors
    assert qr_svg("Ünïcødé 😀 محمد") and qr_svg("a\x00b \ud800")
    for text in ("", "x" * 5000):
        with pytest.raises(ValueError):
            qr_matrix(text)
    with pytest.raises(TypeError):
        qr_matrix(b"PLM15")


@pytest.mark.parametrize("text", ["PLM15-7K3Q-9XDA", "PLM1:PLM-2015:ABCDEFGH23:ABCDEFGHJKLMN",
                                  "PLM1:PEER-LEARNING-MEETING-BALI:ABCDEFGH23:ABCDEFGHJKLMN",
                                  "https://plm.example.org/verify/PLM15-7K3Q-9XDA",
                                  "https://plm.example.org/verify/PLM15-7K3Q-9XDA?lang=id&x=" + "9" * 120,
                                  "Ni Luh Putu Sekarini · Perpustakaan Desa Sukawati 😀"])
def test_qr_uses_the_smallest_version_and_decodes(text):
    """What `qrcode` chose (version, error correction M, mask) is what a decoder
    reads back from the rendered image, and the version is the smallest: the
    same as ZXing-C++'s own encoder picks for the text (so the same module size
    on a badge).  Two independent decoders read the text back."""
    import zxingcpp

    symbol = qr_symbol(text)
    assert symbol.size == len(qr_matrix(text)) == 17 + 4 * symbol.version
    assert all(len(row) == symbol.size for row in symbol.rows)
    other_encoder = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert symbol.size == memoryview(other_encoder.to_image(scale=1, add_quiet_zones=False)).shape[0]
    with Image.open(io.BytesIO(qr_png(text, box_size=4))) as im:
        assert _decode(im.convert("L")) == [text]
        (read,) = zxingcpp.read_barcodes(im.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert read.text == text
    assert read.ec_level == read.extra["ECLevel"] == "M"
    assert int(read.extra["Version"]) == symbol.version
    assert read.extra["DataMask"] == symbol.mask


def test_qr_encodes_each_text_once():
    """A batch, the ticket page, its PNG and the mail reuse one encoding of a text."""
    text = "PLM1:PLM-2015:CACHECHECK:ABCDEFGHJKLMN"
    before = qr_symbol.cache_info()
    qr_svg(text)
    qr_png(text)
    qr_matrix(text)
    qr_svg(text, css_class="qr")
    after = qr_symbol.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits >= 2  # the PNG and the matrix; the second SVG reuses its path


def test_qr_svg_covers_exactly_the_dark_modules():
    text = "https://plm.example.org/v/PLM15-7K3Q-9XDA"
    m = qr_matrix(text)
    d = re.search(r' d="([^"]+)"', qr_svg(text)).group(1)
    n = len(m) + 8
    grid = [[False] * n for _ in range(n)]
    for x, y, w, h in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-\d+", d):
        for yy in range(int(y), int(y) + int(h)):
            for xx in range(int(x), int(x) + int(w)):
                assert not grid[yy][xx], "overlapping rectangles"
                grid[yy][xx] = True
    for y in range(n):
        for x in range(n):
            inside = 4 <= x < n - 4 and 4 <= y < n - 4
            assert grid[y][x] == (inside and m[y - 4][x - 4])


# ------------------------------------------------------------ fitting text


@pytest.mark.parametrize("name", [LONG_60, LONG_90, LONG_120, "Siti", "Sriwijayakusumaningratdewantarasukmawati" * 2])
def test_fit_font_size_never_exceeds_box(name):
    width = 83 * MM
    size, lines = fit_font_size(name, FONT_BOLD, width, 30, 20, 3, box_height_pt=84, floor_pt=7.5)
    assert 1 <= len(lines) <= 3
    assert len(lines) * size * 1.15 <= 84 + 1e-6
    for line in lines:
        assert text_width(line, FONT_BOLD, size) * SAFETY <= width + 1e-6
    assert _norm(" ".join(lines)).replace(" ", "") == name.replace(" ", "")  # nothing lost, no ellipsis


def test_fit_prefers_one_line_then_wraps():
    size, lines = fit_font_size("Made Wirawan", FONT_BOLD, 83 * MM, 30, 20, 3)
    assert len(lines) == 1 and 20 <= size <= 30
    size, lines = fit_font_size("Ni Luh Putu Ayu Sekarini Maharani Dewi Kusumawati", FONT_BOLD, 83 * MM, 30, 20, 3)
    assert len(lines) >= 2 and size >= 20  # wraps instead of going below the minimum
    size, lines = fit_font_size(LONG_120, FONT_BOLD, 83 * MM, 30, 20, 3)
    assert len(lines) == 3 and size < 20  # only then below the minimum
    assert fit_font_size("", FONT_BOLD, 100, 12, 8, 2) == (12.0, [])
    size, lines = fit_font_size("x" * 2000, FONT_REGULAR, 100, 12, 8, 2)  # absurd: cut, never overflow
    assert len(lines) == 2 and lines[-1].endswith("…")


def test_roles_and_colours():
    assert role_label("speaker") == "Narasumber" and role_label("speaker", "en") == "Speaker"
    assert role_label("committee") == "Panitia" and role_label("committee", "en") == "Committee"
    assert role_colour("speaker", {"speaker": "#7b1fa2"}) == "#7B1FA2"
    assert role_colour("speaker", {"speaker": "red;}body{x"}) != "red;}body{x"
    assert text_colour_on("#FFEB3B") == "#111111" and text_colour_on("#1F5FAD") == "#FFFFFF"


# ------------------------------------------------------------------ badges


@pytest.mark.parametrize(
    "layout,count,pages,size_mm",
    [
        ("a6", 9, 3, (210, 297)),
        ("a7", 9, 2, (297, 210)),
        ("card", 10, 1, (210, 297)),
        ("card", 11, 2, (210, 297)),
        ("single", 3, 3, (105, 148)),
        ("single-card", 2, 2, (85.6, 54)),
    ],
)
def test_layouts_page_count_size_and_names(layout, count, pages, size_mm):
    badges = _badges(count)
    pdf = render_badges(_event(), badges, layout)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(size_mm[0] * MM, abs=0.5)
    assert float(box.height) == pytest.approx(size_mm[1] * MM, abs=0.5)
    text = _norm(" ".join(p.extract_text() for p in reader.pages))
    for b in badges:
        assert b.name_on_badge in text
        assert b.ticket_code in text
    for b in badges:
        assert role_label(b.role).upper() in text


def test_english_role_band():
    pdf = render_badges(_event("en"), _badges(4), "a6")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for word in ("PARTICIPANT", "FACILITATOR", "SPEAKER", "COMMITTEE"):
        assert word in text


def _long_badges():
    names = [LONG_60, LONG_90, LONG_120, "Wayan", "Sriwijayakusumaningratdewantarasukmawatiputri", LONG_90 + " Jr.", LONG_60, "Ni"]
    return [
        BadgeData(name, LONG_INSTITUTION if i % 2 == 0 else "Perpustakaan Desa", "Nusa Tenggara Timur", ROLES[i % 4], f"PLM15-L{i:03d}-9XDA")
        for i, name in enumerate(names)
    ]


@pytest.mark.parametrize("layout", ["a6", "a7", "card", "single"])
def test_long_names_stay_inside_their_badge(layout):
    badges = _long_badges()
    pdf = render_badges(_event(), badges, layout)
    reader = PdfReader(io.BytesIO(pdf))
    boxes = badge_boxes(layout)
    seen = ""
    for page in reader.pages:
        frags = _fragments(page)
        assert frags
        for text, x, y, size, bold in frags:
            owner = [b for b in boxes if b[0] - 0.5 <= x <= b[2] and b[1] <= y <= b[3]]
            assert owner, f"{text!r} starts outside every badge ({x:.1f}, {y:.1f})"
            x0, y0, x1, y1 = owner[0]
            width = text_width(text, FONT_BOLD if bold else FONT_REGULAR, size)
            assert x + width <= x1 + 0.5, f"{text!r} overflows the right edge"
            assert y - 0.25 * size >= y0 and y + 0.8 * size <= y1, f"{text!r} overflows vertically"
            if bold and size >= 0.3 * 10 * LAYOUTS[layout].scale:
                seen += " " + text
    flat = _norm(seen).replace(" ", "")
    for b in badges:  # whole names are printed, nothing cut off
        assert b.name_on_badge.replace(" ", "") in flat
    assert "…" not in flat


@pytest.mark.parametrize("layout", ["a6", "a7", "card"])
def test_long_names_leave_side_margins_white(layout):
    """Rasterised: the strip inside each badge's left/right padding is empty,
    so no glyph got near the cut line (independent of text measurement)."""
    lay = LAYOUTS[layout]
    pdf = render_badges(_event(), _long_badges()[: lay.per_page], layout)
    dpi = 100
    page = _rasterise(pdf, dpi, gray=True)[0]
    px = dpi / 25.4
    ox, oy = lay.origin
    pad = (6.0 if lay.kind == "portrait" else 4.0) * lay.scale
    band = (15.0 if lay.kind == "portrait" else 9.5) * lay.scale
    for i in range(lay.per_page):
        r, c = divmod(i, lay.cols)
        left, top = ox + c * lay.badge_w, oy + r * lay.badge_h
        y0, y1 = int((top + 1) * px), int((top + lay.badge_h - band - 1) * px)
        for sx0, sx1 in ((left + 0.6, left + pad - 0.8), (left + lay.badge_w - pad + 0.8, left + lay.badge_w - 0.6)):
            strip = page.crop((int(sx0 * px), y0, int(sx1 * px), y1))
            assert strip.convert("L").getextrema()[0] > 200, f"ink in the side margin of badge {i}"


@pytest.mark.parametrize("layout,count", [("a6", 6), ("a7", 8), ("card", 10), ("single", 2)])
def test_badge_qr_codes_decode(layout, count):
    """Rasterise at 150 dpi; every QR decodes to the ticket code of its badge.

    zbar misses some codes when a dozen identical-looking ones sit in a grid on
    one image, so each badge's rectangle is decoded on its own; whatever the
    whole page yields must also belong to that page."""
    badges = _badges(count)
    per = LAYOUTS[layout].per_page
    pdf = render_badges(_event(), badges, layout)
    dpi = 150
    images = _rasterise(pdf, dpi)
    assert len(images) == math.ceil(count / per)
    scale = dpi / 72
    for p, image in enumerate(images):
        on_page = badges[p * per : (p + 1) * per]
        assert set(_decode(image)) <= {b.ticket_code for b in on_page}
        height = image.size[1]
        for badge, (x0, y0, x1, y1) in zip(on_page, badge_boxes(layout), strict=False):
            crop = image.crop((int(x0 * scale), int(height - y1 * scale), int(x1 * scale), int(height - y0 * scale)))
            assert _decode(crop) == [badge.ticket_code]


def test_odd_input_renders():
    odd = [
        BadgeData("", "", "", "participant", ""),
        BadgeData("😀🎉 Émoji Ñame", "机构 图书馆", "Bali", "volunteer", "PLM15-ODD1"),
        BadgeData("محمد عبد الله الحسيني", "مكتبة", "", "speaker", "PLM15-ODD2"),
        BadgeData("张伟 李娜", "北京大学图书馆", "", "committee", "PLM15-ODD3"),
        BadgeData("a\x00b\x07c\u202e\ud800 x", "\n\t  ", "  ", "", "PLM15-ODD4"),
        BadgeData("   ", "x" * 400, "y" * 200, "COMMITTEE", "z" * 300),
    ]
    for layout in ("a6", "card", "single"):
        pdf = render_badges(_event(), odd, layout)
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    pdf = render_badges(_event(), [], "a6")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    with pytest.raises(ValueError):
        render_badges(_event(), odd, "a5")


def test_progress_and_chunks():
    calls = []
    pdf = render_badges(_event(), _badges(10), "a6", chunk_size=4, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(4, 10), (8, 10), (10, 10)]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    calls.clear()
    render_badges(_event(), _badges(10), "card", chunk_size=4, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(10, 10)]  # chunks are whole sheets


def test_single_badge_is_one_a6_page(tmp_path):
    """Its speed (target < 0.4 s warm) is bench/documents.py's "single" case, not a test's."""
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 200), "#1F5FAD").save(logo)
    event = _event(logo=str(logo))
    badge = _badges(1, [LONG_90])[0]
    pdf = render_single_badge(event, badge)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.width) == pytest.approx(105 * MM, abs=0.5)
    assert len(reader.pages[0].images) >= 1  # the logo


# ------------------------------------------------------------ certificates


def _signatories(tmp_path):
    sig = tmp_path / "sig.png"
    im = Image.new("RGBA", (600, 180), (0, 0, 0, 0))
    ImageDraw.Draw(im).line([(20, 150), (200, 40), (400, 150), (580, 30)], fill=(20, 30, 120, 255), width=6)
    im.save(sig)
    return [
        Signatory("Drs. Muhammad Syarif Bando, M.M.", "Kepala Perpustakaan Nasional RI", str(sig)),
        Signatory("Ir. I Made Wirawan", "Ketua Panitia"),
        Signatory("Dr. Ni Luh Putu Ayu Sekarini", "Direktur Program PerpuSeru", str(sig)),
    ]


def _certs():
    return [
        CertificateData(LONG_60, "participant", 24, "PLM15-7K3Q-9XDA", "https://plm.example.org/v/PLM15-7K3Q-9XDA", "Denpasar, 21 Mei 2015"),
        CertificateData("Made Wirawan", "speaker", 7.5, "PLM15-AAAA-BBBB", "https://plm.example.org/v/PLM15-AAAA-BBBB", "Denpasar, 21 Mei 2015"),
        CertificateData(LONG_120, "committee", None, "PLM15-CCCC-DDDD", "https://plm.example.org/v/PLM15-CCCC-DDDD", ""),
    ]


def test_certificates_indonesian(tmp_path):
    certs = _certs()
    pdf = render_certificates(_event(), _signatories(tmp_path), certs)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page, cert in zip(reader.pages, certs, strict=False):
        assert float(page.mediabox.width) == pytest.approx(297 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.5)
        text = _norm(page.extract_text())
        assert cert.serial in text
        assert cert.full_name in text
        for word in ("SERTIFIKAT", "diberikan kepada", "sebagai", "Peer Learning Meeting", "Inna Grand Bali Beach"):
            assert word in text
        assert "Ketua Panitia" in text and "Ir. I Made Wirawan" in text
    texts = [_norm(p.extract_text()) for p in reader.pages]
    assert "Peserta" in texts[0] and "24 jam" in texts[0]
    assert "Narasumber" in texts[1] and "7,5 jam" in texts[1]
    assert "Panitia" in texts[2] and " jam" not in texts[2]
    for page in reader.pages:  # long names fit the page width
        for text, x, _y, size, bold in _fragments(page):
            width = text_width(text, FONT_BOLD if bold else FONT_REGULAR, size)
            assert 11 * MM <= x and x + width <= (297 - 11) * MM, text


def test_certificates_english(tmp_path):
    pdf = render_certificates(_event("en"), _signatories(tmp_path)[:1], _certs()[:2])
    texts = [_norm(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "CERTIFICATE" in texts[0] and "is presented to" in texts[0]
    assert "as Participant" in texts[0] and "24 hours" in texts[0]
    assert "as Speaker" in texts[1] and "7.5 hours" in texts[1]
    assert "SERTIFIKAT" not in texts[0]


def test_certificate_qr_decodes_to_verify_url(tmp_path):
    certs = _certs()
    pdf = render_certificates(_event(), [], certs, chunk_size=2)
    images = _rasterise(pdf, 150)
    assert [_decode(im) for im in images] == [[c.verify_url] for c in certs]


# ---------------------------------------------------------------- security


def test_fetcher_refuses_everything_but_static_and_allowed(tmp_path):
    allowed = tmp_path / "logo.png"
    allowed.write_bytes(qr_png("x"))
    other = tmp_path / "secret.png"
    other.write_bytes(b"secret")
    fetcher = SafeURLFetcher([str(allowed)])
    assert fetcher.fetch(allowed.as_uri()).read()[:4] == b"\x89PNG"
    # The one data: URL served: the small one-bit PNG of a QR (badges and certificates embed it).
    assert fetcher.fetch(qr_png_data_uri("PLM1:X")).read()[:4] == b"\x89PNG"
    rgb_png, huge_png = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (40, 40)).save(rgb_png, format="PNG")
    Image.new("1", (4000, 10)).save(huge_png, format="PNG")
    rgb_png, huge_png = rgb_png.getvalue(), huge_png.getvalue()
    assert fetcher.fetch((ROOT / "static" / "fonts" / "DejaVuSans.ttf").as_uri()).read(4)
    for url in (
        other.as_uri(),
        "file:///etc/passwd",
        (ROOT / "static" / ".." / "plm" / "qr.py").as_uri(),
        "http://127.0.0.1:9/x",
        "https://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",  # a PNG signature and nothing else
        "data:image/png;base64," + base64.b64encode(rgb_png).decode(),  # a PNG, but not a one-bit QR
        "data:image/png;base64," + base64.b64encode(huge_png).decode(),  # one-bit, but larger than any QR
        "data:image/png;base64,not base64!",
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(),
        "data:text/html,<p>x</p>",
        "ftp://127.0.0.1/x",
        "file://evil.example/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def _listener():
    for host in ("127.0.0.2", "127.0.0.1"):
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
        except OSError:
            sock.close()
            continue
        sock.listen(5)
        sock.setblocking(False)
        return sock, host, sock.getsockname()[1]
    pytest.fail("cannot listen on loopback")


def test_user_text_is_escaped_and_triggers_no_request():
    sock, host, port = _listener()
    try:
        evil = f'<img src="http://{host}:{port}/x">'
        style = f'<style>@import url(http://{host}:{port}/y.css);</style>'
        badge = BadgeData(evil, style, f"<link rel=stylesheet href='http://{host}:{port}/z'>", "participant", "PLM15-EVIL")
        event = EventInfo(name=evil, theme=evil, venue=evil, city="Sanur", date_text="18–21 Mei 2015",
                          logo_path=f"http://{host}:{port}/logo.png", role_colours={"participant": f"url(http://{host}:{port}/c)"})
        pdf = render_badges(event, [badge], "single")
        cert = CertificateData(evil, "participant", 1, "PLM15-EVIL", f"http://{host}:{port}/v", evil)
        pdf2 = render_certificates(event, [Signatory(evil, style, f"http://{host}:{port}/s.png")], [cert])
        time.sleep(0.2)
        with pytest.raises(BlockingIOError):
            conn, _ = sock.accept()
            conn.close()
    finally:
        sock.close()
    text = _norm(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "<img" in text and f":{port}/x" in text.replace(" ", "")
    assert "<img" in PdfReader(io.BytesIO(pdf2)).pages[0].extract_text()


REAL_CODES = [  # the shape of plm.tickets codes for a real slug: 36–45 characters
    "PLM1:PLM-2015:6FCMT4ENZ9:CVCI6ABUK4DSJ",
    "PLM1:PLM-REGIONAL-NTT-2026:FDE453DQMH:EPNI3QDWXKPGW",
]


@pytest.mark.parametrize("layout", ["a6", "a7", "card", "single"])
def test_real_ticket_codes_stay_inside_the_badge_and_decode(layout):
    """The printed code under the QR wraps at a ':' and shrinks to the badge; the QR keeps the whole code."""
    badges = [BadgeData("Ni Luh Putu Ayu", "Perpustakaan Desa", "Bali", ROLES[i % 4], REAL_CODES[i % 2]) for i in range(4)]
    pdf = render_badges(_event(), badges, layout)
    reader = PdfReader(io.BytesIO(pdf))
    boxes = badge_boxes(layout)
    printed = ""
    for page in reader.pages:
        for text, x, y, size, bold in _fragments(page):
            owner = [b for b in boxes if b[0] - 0.5 <= x <= b[2] and b[1] <= y <= b[3]]
            assert owner, f"{text!r} starts outside every badge"
            spacing = 0.06 * size * len(text) if ":" in text else 0.0  # the code is letter-spaced
            width = text_width(text, FONT_BOLD if bold else FONT_REGULAR, size) + spacing
            assert x + width <= owner[0][2] + 0.5, f"{text!r} overflows the right edge"
            printed += text
    for code in REAL_CODES:
        assert code in printed.replace("\n", "")
    per = LAYOUTS[layout].per_page
    for page_no, image in enumerate(_rasterise(pdf, 150)):
        scale = 150 / 72
        for badge, (x0, y0, x1, y1) in zip(badges[page_no * per:(page_no + 1) * per], boxes, strict=False):
            crop = image.crop((int(x0 * scale), int(image.height - y1 * scale), int(x1 * scale), int(image.height - y0 * scale)))
            assert _decode(crop) == [badge.ticket_code]


def test_badge_role_labels_are_the_pages_role_labels(app):
    """One definition of the role labels: a badge printed in Indonesian says what the Indonesian pages say."""
    from flask_babel import force_locale

    from plm.labels import PARTICIPANT_ROLE_LABELS

    for lang in ("id", "en"):
        with app.test_request_context(), force_locale(lang):
            for role, label in PARTICIPANT_ROLE_LABELS.items():
                assert role_label(role, lang) == str(label)
