"""The report page, its PDF and XLSX (read back with pypdf and openpyxl), `flask plm report`, and who may
see it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from plm.extensions import db
from plm.reports import service
from tests.test_reports_service import by_column, q, seed

BASE = "/staff/events/plm-test/report"


@pytest.fixture
def seeded(app, event, schedule_factory):
    seed(event, schedule_factory)
    return event


def _logo(app, event) -> None:
    """A partner logo stored the way the attendance page stores it."""
    from plm.attendance.service import add_partner_logo

    image = io.BytesIO()
    Image.new("RGB", (60, 30), (20, 90, 160)).save(image, "PNG")
    add_partner_logo(db.session, event, app.config["UPLOAD_FOLDER"], image.getvalue(), None)
    db.session.commit()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_shows_the_figures_the_database_holds(app, client, login, seeded):
    _logo(app, seeded)
    login("organizer")
    response = client.get(f"{BASE}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'filename="laporan-plm-test.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 4
    assert len(reader.pages[0].images) == 1  # the partner logo on the cover
    text = _pdf_text(response.data)
    (registered, attended), = q("SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM checkins c "
                                "WHERE c.participant_id = p.id) THEN 1 ELSE 0 END) FROM participants p "
                                "WHERE p.event_id = :e AND p.status = 'registered'", e=seeded.id)
    assert "PLM Test" in text
    for province, (reg, att) in by_column(seeded.id, "province").items():
        if province:
            assert f"{province} {reg} {att} {reg - att}" in text, province
    # the tile map prints attended/registered in each province's tile
    bali = by_column(seeded.id, "province")["Bali"]
    assert f"{bali[1]}/{bali[0]}" in text
    assert f"{registered - attended} dari {registered}" in text or f"{registered - attended} of {registered}" in text
    assert "Lokakarya SLiMS" in text and "Rehat kopi" not in text


def test_xlsx_holds_every_table(app, client, login, seeded):
    login("organizer")
    response = client.get(f"{BASE}/report.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 8  # no gender sheet: the event did not ask
    provinces = book.worksheets[1]
    rows = {r[0]: (r[1], r[2], r[3]) for r in provinces.iter_rows(min_row=2, values_only=True)}
    expected = by_column(seeded.id, "province")
    for province, (reg, att) in expected.items():
        label = province or next(k for k in rows if k and k not in expected)
        assert rows[label] == (reg, att, reg - att), province
    total = list(provinces.iter_rows(values_only=True))[-1]
    assert total[1:4] == (sum(v[0] for v in expected.values()), sum(v[1] for v in expected.values()),
                          sum(v[0] - v[1] for v in expected.values()))
    sessions = [r for r in book.worksheets[6].iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in sessions] == ["Pembukaan", "Lokakarya SLiMS"]
    institutions = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in institutions) == sum(v[0] for v in expected.values())


def test_xlsx_neutralises_formulas(app, client, login, event):
    from tests.helpers import add_participant

    add_participant(event, "Jahat", institution="=HYPERLINK(\"http://x\")", province="Bali")
    login("organizer")
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/report.xlsx").data))
    cells = [r[0] for r in book.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert cells == ["'=HYPERLINK(\"http://x\")"]


def test_page_shows_figures_map_and_links(app, client, login, seeded):
    login("organizer")
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'class="chart tile-map tile-map-wide"' in html and 'class="chart tile-map tile-map-tall"' in html
    assert html.count('data-province="') == 2 * 38  # the wide map and the phones' tall one
    assert f"{BASE}/report.pdf" in html and f"{BASE}/report.xlsx" in html
    report = service.build_report(db.session, seeded, upload_folder=app.config["UPLOAD_FOLDER"])
    assert f"<strong>{report.registered}</strong>" in html and f"<strong>{report.attended}</strong>" in html


def test_only_organizers_and_admins(app, client, login, event):
    assert client.get(f"{BASE}/").status_code == 302
    login("facilitator")
    for path in ("/", "/report.pdf", "/report.xlsx"):
        assert client.get(f"{BASE}{path}").status_code == 403
    client.post("/staff/logout")
    login("admin", "boss@test.example")
    assert client.get(f"{BASE}/report.xlsx").status_code == 200
    assert client.get("/staff/events/nope/report/").status_code == 404


@pytest.mark.parametrize("forkserver", [True, False], ids=["forked-from-warm-server", "fresh-interpreter"])
def test_pdf_renders_in_a_child_process_when_configured(app, client, login, seeded, forkserver):
    app.config["REPORT_RENDER_CHILD"] = True
    app.config["JOB_FORKSERVER"] = forkserver
    login("organizer")
    response = client.get(f"{BASE}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Lokakarya SLiMS" in _pdf_text(response.data)


def test_cli_writes_pdf_and_xlsx(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["plm", "report", "--event", "plm-test", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    report = service.build_report(db.session, seeded, upload_folder=app.config["UPLOAD_FOLDER"])
    assert f"{report.registered} registered, {report.attended} attended" in result.output
    text = _pdf_text(out.read_bytes())
    assert "Registered and attended by province" in text  # --lang en
    xlsx = tmp_path / "report.xlsx"
    assert runner.invoke(args=["plm", "report", "--event", "plm-test", "-o", str(xlsx)]).exit_code == 0
    assert load_workbook(xlsx).worksheets[0]["B4"].value == report.registered
    bad = runner.invoke(args=["plm", "report", "--event", "plm-test", "-o", str(tmp_path / "r.docx")])
    assert bad.exit_code != 0 and ".pdf or .xlsx" in bad.output
    missing = runner.invoke(args=["plm", "report", "--event", "nope", "-o", str(out)])
    assert missing.exit_code != 0 and "no event" in missing.output


def test_an_empty_event_still_makes_a_report(app, client, login, event):
    login("organizer")
    assert "0" in client.get(f"{BASE}/").get_data(as_text=True)
    text = _pdf_text(client.get(f"{BASE}/report.pdf").data)
    assert "Belum ada data." in text  # no sessions yet, in the default language
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/report.xlsx").data))
    assert book.worksheets[0]["B4"].value == 0
