"""Hostile import files (issue 12.5): a declared dimension, a zip bomb, a huge CSV cell, too many rows
or columns. Each is refused with a clear message, fast and in little memory, and changes nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from plm import spreadsheets
from plm.extensions import db
from plm.models import EventSession, Participant
from plm.participants import importexport

HEADER = ["full_name", "email", "province"]
ROWS = [["I Made Sudarsana", "made@example.id", "Bali"], ["Siti Rahmawati", "siti@example.id", "Jawa Timur"]]


def xlsx(rows=ROWS, dimension=None, extra_xml="", extra_member=None):
    """A real workbook, then its sheet XML edited the way a hostile file would be."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER] + rows:
        sheet.append(row)
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                if dimension:
                    text = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', text)
                text = text.replace("</sheetData>", extra_xml + "</sheetData>")
                data = text.encode()
            target.writestr(item, data)
        if extra_member:
            target.writestr(extra_member[0], extra_member[1])
    return out.getvalue()


def count_participants():
    return db.session.scalar(select(func.count()).select_from(Participant))


def test_declared_dimension_is_ignored(app, event):
    # 1.5 KB declaring every row and column of a sheet: openpyxl used to build them all (MemoryError).
    data = xlsx(dimension="A1:XFD1048576")
    assert len(data) < 10_000
    plan = importexport.plan_import(db.session, event, data, "list.xlsx")
    assert plan.total_rows == 2 and len(plan.to_add) == 2


def test_a_cell_on_the_last_row_is_refused_not_built(app, event):
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = xlsx(dimension="A1:XFD1048576", extra_xml=far)
    with pytest.raises(importexport.ImportFileError, match="too_many_rows"):
        importexport.plan_import(db.session, event, data, "list.xlsx")


def test_too_many_rows_and_columns_are_refused(app, event, monkeypatch):
    monkeypatch.setattr(importexport, "MAX_ROWS", 3)
    with pytest.raises(importexport.ImportFileError, match="too_many_rows"):
        importexport.plan_import(db.session, event, xlsx(ROWS * 3), "list.xlsx")
    wide = '<row r="9"><c r="DA9" t="inlineStr"><is><t>x</t></is></c></row>'  # column 105
    with pytest.raises(importexport.ImportFileError, match="too_many_columns"):
        importexport.plan_import(db.session, event, xlsx(extra_xml=wide), "list.xlsx")
    csv_data = ("full_name,email\n" + "A,a@example.id\n" * 5).encode()
    with pytest.raises(importexport.ImportFileError, match="too_many_rows"):
        importexport.plan_import(db.session, event, csv_data, "list.csv")


def test_zip_bomb_is_refused_before_openpyxl_opens_it(app, event, monkeypatch):
    opened = []
    import openpyxl
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    bomb = xlsx(extra_member=("xl/media/zeros.bin", b"\0" * (spreadsheets.MAX_XLSX_UNPACKED + 1)))
    assert len(bomb) < spreadsheets.MAX_XLSX_UNPACKED // 100
    with pytest.raises(importexport.ImportFileError, match="too_large"):
        importexport.plan_import(db.session, event, bomb, "list.xlsx")
    assert opened == []


def test_web_refuses_hostile_files_with_a_message(client, event, login):
    login("admin")
    client.set_cookie("plm_lang", "en")
    url = f"/staff/events/{event.slug}/participants/import"
    huge_cell = ("full_name,email\nBudi," + "x" * 200_000 + "\n").encode()  # past csv.field_size_limit()
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    cases = [(huge_cell, "list.csv", "far too long"),
             (xlsx(dimension="A1:XFD1048576", extra_xml=far), "list.xlsx", "too many rows"),
             (xlsx(extra_member=("xl/media/z.bin", b"\0" * (spreadsheets.MAX_XLSX_UNPACKED + 1))), "l.xlsx",
              "too large once unpacked")]
    for data, name, words in cases:
        response = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "flash-error" in page and words in page, name
    assert count_participants() == 0


def test_cli_refuses_a_huge_csv_cell(app, event, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("full_name,email\nBudi," + "x" * 200_000 + "\n")
    result = app.test_cli_runner().invoke(args=["plm", "import-participants", str(path), "--event", event.slug])
    assert result.exit_code == 1 and "far too long" in result.output
    assert count_participants() == 0


def test_schedule_csv_with_a_huge_cell_gets_a_message(client, event, login):
    login("admin")
    client.set_cookie("plm_lang", "en")
    text = "day,start,end,title\n2015-05-18,09:00,10:00," + "x" * 200_000 + "\n"
    response = client.post(f"/staff/events/{event.slug}/schedule/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text.encode()), "jadwal.csv")})
    assert response.status_code == 200 and "far too long" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EventSession)) == 0


def test_schedule_csv_row_cap_counts_only_filled_rows(app, event, monkeypatch):
    from plm.schedule import csvio
    monkeypatch.setattr(csvio, "MAX_ROWS", 2)
    rows, _unknown, _lines = csvio.read_rows(b"day,start,end,title\n\n\n\n2015-05-18,09:00,10:00,A\n")
    assert len(rows) == 1
    report = csvio.import_schedule(db.session, event, b"day,start,end,title\n" + b"2015-05-18,09:00,10:00,A\n" * 4,
                                   None, dry_run=True)
    assert report.header_error == "too_many_rows"
