"""Import (CSV/XLSX, dry-run preview, one transaction) and export (BOM, formula neutralising), web and CLI."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from plm.extensions import db
from plm.models import AuditLog, Participant
from plm.participants import importexport

HEADER = ["full_name", "email", "phone", "institution", "institution_type", "province", "role"]
GOOD = [
    ["I Made Sudarsana", "made@example.id", "0812 1111 2222", "Perpustakaan Desa Ungasan", "village", "Bali", "participant"],
    ["Siti Rahmawati", "siti@example.id", "+62 813 2222 3333", "Dinas Perpustakaan Jawa Timur", "Perpustakaan Provinsi", "jawa timur", ""],
    ["Yohanes Bria", "yohanes@example.id", "", "TBM Flobamora", "TBM", "NTT", "speaker"],
    ["Andi Pratama", "andi@example.id", "6281344445555", "Perpustakaan Kota Makassar", "regency_city", "73", ""],
    ["Ni Ketut Ayu", "KETUT@example.id", "", "Perpustakaan Desa Sanur", "", "Bali", ""],
]
BAD_EMAIL = ["Budi", "budi-at-example", "", "Lib", "", "Bali", ""]
BAD_PROVINCE = ["Rina", "rina@example.id", "", "Lib", "", "Atlantis", ""]
DUPLICATE = ["Made Again", "MADE@example.id", "", "Lib", "", "Bali", ""]


def csv_bytes(rows, delimiter=",", bom=False):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([HEADER] + rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def test_plan_with_5_good_1_bad_email_1_unknown_province_1_duplicate(app, event):
    data = csv_bytes(GOOD + [BAD_EMAIL, BAD_PROVINCE, DUPLICATE])
    plan = importexport.plan_import(db.session, event, data, "list.csv")
    assert len(plan.to_add) == 5 and plan.to_update == [] and plan.refused_rows == 3
    reasons = {(i.row, i.column, i.reason) for i in plan.refused}
    assert reasons == {(7, "email", "bad_email"), (8, "province", "unknown_province"), (9, "email", "duplicate_in_file")}
    by_email = {row["email"]: row for row in plan.to_add}
    assert by_email["siti@example.id"]["province"] == "Jawa Timur"
    assert by_email["siti@example.id"]["institution_type"] == "provincial"
    assert by_email["yohanes@example.id"]["province"] == "Nusa Tenggara Timur" and by_email["yohanes@example.id"]["institution_type"] == "tbm"
    assert by_email["andi@example.id"]["province"] == "Sulawesi Selatan" and by_email["andi@example.id"]["phone"] == "+6281344445555"
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0  # planning changes nothing


def test_csv_with_bom_and_semicolons(app, event):
    plan = importexport.plan_import(db.session, event, csv_bytes(GOOD, delimiter=";", bom=True), "list.csv")
    assert len(plan.to_add) == 5 and not plan.refused
    assert plan.to_add[0]["full_name"] == "I Made Sudarsana"  # the BOM is not part of the first header


def test_xlsx_with_excel_date_column(app, event):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["full_name", "email", "province", "registered_at"])
    sheet.append(["Made", "made@example.id", "Bali", datetime(2015, 4, 20, 9, 30)])
    sheet.append(["Ayu", "ayu@example.id", "Bali", 42114.5])  # a serial number: 2015-04-20 12:00
    sheet.append(["Rina", "rina@example.id", "Bali", "20/04/2015"])
    sheet.append(["Bad", "bad@example.id", "Bali", "someday"])
    out = io.BytesIO()
    workbook.save(out)
    plan = importexport.plan_import(db.session, event, out.getvalue(), "list.xlsx")
    assert len(plan.to_add) == 3 and [(i.row, i.column, i.reason) for i in plan.refused] == [(5, "registered_at", "bad_date")]
    importexport.apply_import(db.session, event, plan)
    db.session.commit()
    created = dict(db.session.execute(select(Participant.email, Participant.created_at)).all())
    # 09:30 in Bali (UTC+8) is 01:30 UTC
    assert created["made@example.id"].isoformat() == "2015-04-20T01:30:00+00:00"
    assert created["ayu@example.id"].isoformat() == "2015-04-20T04:00:00+00:00"
    assert created["rina@example.id"].isoformat() == "2015-04-19T16:00:00+00:00"


def test_existing_email_updates_and_same_values_are_unchanged(app, event):
    db.session.add(Participant(event_id=event.id, full_name="I Made Sudarsana", email="Made@Example.id",
                               institution="Old Library", province="Bali"))
    db.session.commit()
    plan = importexport.plan_import(db.session, event, csv_bytes(GOOD[:1]), "l.csv")
    assert len(plan.to_update) == 1 and plan.to_update[0]["_changes"]["institution"] == ["Old Library", "Perpustakaan Desa Ungasan"]
    importexport.apply_import(db.session, event, plan)
    db.session.commit()
    assert db.session.scalar(select(Participant.institution)) == "Perpustakaan Desa Ungasan"
    again = importexport.plan_import(db.session, event, csv_bytes(GOOD[:1]), "l.csv")
    assert again.unchanged == 1 and not again.to_update


def test_a_failure_half_way_changes_nothing(app, event, monkeypatch):
    plan = importexport.plan_import(db.session, event, csv_bytes(GOOD), "l.csv")
    original_flush = db.session.flush
    calls = {"n": 0}

    def failing_flush(*args, **kwargs):
        calls["n"] += 1
        original_flush(*args, **kwargs)  # rows are written...
        raise RuntimeError("disk full")  # ...then the import dies before the commit

    monkeypatch.setattr(db.session, "flush", failing_flush)
    with pytest.raises(RuntimeError):
        importexport.apply_import(db.session, event, plan)
    monkeypatch.undo()
    db.session.rollback()
    assert calls["n"] == 1
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_web_import_preview_then_commit(client, event, login):
    login("admin")
    data = csv_bytes(GOOD + [BAD_EMAIL, BAD_PROVINCE, DUPLICATE], delimiter=";", bom=True)
    preview = client.post(f"/staff/events/{event.slug}/participants/import",
                          data={"file": (io.BytesIO(data), "nominasi.csv")}, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'id="refused"' in page and "budi-at-example" in page and "Atlantis" in page
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    stash = page.split('name="stash" type="hidden" value="')[1].split('"')[0]
    done = client.post(f"/staff/events/{event.slug}/participants/import", data={"stash": stash, "filename": "nominasi.csv"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 5
    assert db.session.scalar(select(func.count()).select_from(Participant).where(Participant.source == "import")) == 5
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "participants.import"))
    assert entry.detail["add"] == 5 and entry.detail["refused"] == 3
    # the stash is used up
    again = client.post(f"/staff/events/{event.slug}/participants/import", data={"stash": stash})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 5
    bad = client.post(f"/staff/events/{event.slug}/participants/import", data={"stash": "../../etc/passwd"})
    assert bad.status_code == 302


def test_web_import_refuses_unreadable_files(client, event, login):
    login("admin")
    response = client.post(f"/staff/events/{event.slug}/participants/import",
                           data={"file": (io.BytesIO(b"PK\x03\x04garbage"), "x.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "flash-error" in response.get_data(as_text=True)
    no_header = client.post(f"/staff/events/{event.slug}/participants/import",
                            data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}, content_type="multipart/form-data")
    assert "flash-error" in no_header.get_data(as_text=True)


def test_import_and_export_are_admin_only(client, event, login):
    login("organizer")
    assert client.get(f"/staff/events/{event.slug}/participants/import").status_code == 403
    assert client.get(f"/staff/events/{event.slug}/participants/export.csv").status_code == 403


def test_export_csv_has_bom_and_neutralises_formulas(client, event, login):
    db.session.add_all([
        Participant(event_id=event.id, full_name="=HYPERLINK(\"http://evil\")", email="a@example.id",
                    institution="+SUM(A1)", phone="+628123456789", province="Bali"),
        Participant(event_id=event.id, full_name="Ayu, \"Bunga\"; Ñoño", email="b@example.id", institution="@cmd",
                    diet="-1+2", province="Bali"),
    ])
    db.session.commit()
    login("admin")
    response = client.get(f"/staff/events/{event.slug}/participants/export.csv")
    assert response.data[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == importexport.COLUMNS
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(\"http://evil\")" in cells and "Ayu, \"Bunga\"; Ñoño" in cells and "0812-3456-789" in cells
    # the export imports back unchanged (same columns both ways)
    plan = importexport.plan_import(db.session, event, response.data, "export.csv")
    assert plan.unchanged == 2 and not plan.refused and not plan.to_add


def test_export_xlsx(client, event, login):
    db.session.add(Participant(event_id=event.id, full_name="=1+1", email="a@example.id", province="Bali"))
    db.session.commit()
    login("admin")
    response = client.get(f"/staff/events/{event.slug}/participants/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == importexport.COLUMNS and rows[1][1] == "=1+1"
    assert sheet.cell(row=2, column=2).data_type == "s" and sheet.cell(row=2, column=2).quotePrefix


def test_cli_import_dry_run_report_and_exit_code(app, event, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(GOOD + [BAD_EMAIL, BAD_PROVINCE, DUPLICATE], delimiter=";", bom=True))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["plm", "import-participants", str(path), "--event", event.slug, "--dry-run"])
    assert dry.exit_code == 1
    assert "to add: 5" in dry.output and "refused: 3" in dry.output
    assert "refused row 7, column email: not a valid email address" in dry.output
    assert "refused row 8, column province: unknown province (Atlantis)" in dry.output
    assert "refused row 9, column email: same email as an earlier row" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    real = runner.invoke(args=["plm", "import-participants", str(path), "--event", event.slug])
    assert real.exit_code == 1 and "imported: 5 added" in real.output
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 5
    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes(GOOD))
    ok = runner.invoke(args=["plm", "import-participants", str(clean), "--event", event.slug])
    assert ok.exit_code == 0 and "unchanged: 5" in ok.output
    missing = runner.invoke(args=["plm", "import-participants", str(clean), "--event", "nope"])
    assert missing.exit_code == 1 and "no event" in missing.output


def test_cli_export(app, event, tmp_path):
    db.session.add(Participant(event_id=event.id, full_name="Made", email="m@example.id", province="Bali"))
    db.session.commit()
    runner = app.test_cli_runner()
    out_csv = tmp_path / "p.csv"
    result = runner.invoke(args=["plm", "export-participants", "--event", event.slug, "--format", "csv", "-o", str(out_csv)])
    assert result.exit_code == 0 and out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    out_xlsx = tmp_path / "p.xlsx"
    result = runner.invoke(args=["plm", "export-participants", "--event", event.slug, "--format", "xlsx", "-o", str(out_xlsx)])
    assert result.exit_code == 0
    assert load_workbook(out_xlsx).active.cell(row=2, column=2).value == "Made"
